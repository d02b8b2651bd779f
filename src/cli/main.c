/* plateau: command-line front end. Each subcommand lives in its own file. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* name, summary, usage, positional arguments (how many, which is required), run */
static const cli_command_t commands[] = {
    {"sim", "expectation value of a Pauli sum after an OpenQASM circuit", cli_sim_usage, 1,
     "the circuit file", cli_cmd_sim},
    {"grad", "gradient of that expectation value (adjoint, shift, fd)", cli_grad_usage, 1,
     "the circuit file", cli_cmd_grad},
    {"optimize", "minimise it over the circuit's parameters (VQE)", cli_optimize_usage, 1,
     "the circuit file", cli_cmd_optimize},
    {"ansatz", "build a standard ansatz as OpenQASM 2", cli_ansatz_usage, 0, NULL, cli_cmd_ansatz},
    {"propagate", "that expectation value by Pauli propagation with truncations",
     cli_propagate_usage, 1, "the circuit file", cli_cmd_propagate},
    {"estimate", "Pauli expectations (or window features) from classical shadows",
     cli_estimate_usage, 0, NULL, cli_cmd_estimate},
    {"bp", "barren-plateau scan: gradient variance against the number of qubits", cli_bp_usage,
     CLI_BP_MAX_FILES, NULL, cli_cmd_bp},
    {"gs", "ground state of a spin-chain model (exact or DMRG) and its phase label", cli_gs_usage,
     0, NULL, cli_cmd_gs},
    {"shadows", "classical shadows (random-basis shots) of a stored state", cli_shadows_usage, 0,
     NULL, cli_cmd_shadows},
    {"dataset", "labelled ground states with shadows over a model's parameters", cli_dataset_usage,
     0, NULL, cli_cmd_dataset},
    {"train", "train and test a phase classifier (qcnn, surrogate, linear) on a dataset",
     cli_train_usage, 0, NULL, cli_cmd_train},
    {"predict", "classify a dataset with a trained model", cli_predict_usage, 0, NULL,
     cli_cmd_predict},
    {"benchmark", "QCNN versus its classical surrogate on every model: datasets, training, report",
     cli_benchmark_usage, 0, NULL, cli_cmd_benchmark},
    {"audit", "verdict on a circuit: barren plateau, classically simulable, or neither",
     cli_audit_usage, 1, "the circuit file", cli_cmd_audit},
    {"dla", "dynamical Lie algebra of generators or an ansatz", cli_dla_usage, 1, NULL,
     cli_cmd_dla},
};
static const size_t ncommands = sizeof commands / sizeof commands[0];

static void print_overview(FILE *out) {
    fprintf(out,
            "plateau %s - trainability and classical simulability of variational quantum "
            "models\n\nusage: plateau COMMAND [OPTIONS]\n\ncommands:\n",
            PL_VERSION_STRING);
    for (size_t i = 0; i < ncommands; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "  %-10s %s\n", "help", "this overview, or 'plateau help COMMAND'");
    fprintf(out, "\nEvery command takes --help, --seed S, --threads T, --json, --quiet and\n"
                 "--max-memory M. Exit status: 0 success, 2 bad usage or input, 1 other failure.\n"
                 "Documentation: docs/ in the source tree.\n");
}

static const cli_command_t *find_command(const char *name) {
    for (size_t i = 0; i < ncommands; i++)
        if (strcmp(commands[i].name, name) == 0) return &commands[i];
    return NULL;
}

static int help(int argc, char **argv) {
    if (argc < 3) {
        print_overview(stdout);
        return CLI_OK;
    }
    const cli_command_t *cmd = find_command(argv[2]);
    if (!cmd) {
        fprintf(stderr, "plateau: error: unknown command '%s' (see 'plateau help')\n", argv[2]);
        return CLI_USAGE;
    }
    cli_print_usage(cmd, stdout);
    return CLI_OK;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        print_overview(stderr);
        return CLI_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("plateau %s\n", PL_VERSION_STRING);
        return CLI_OK;
    }
    if (strcmp(name, "help") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
        return help(argc, argv);
    const cli_command_t *cmd = find_command(name);
    if (!cmd) {
        fprintf(stderr, "plateau: error: unknown command '%s' (see 'plateau help')\n", name);
        return CLI_USAGE;
    }
    return cmd->run(cmd, argc - 1, argv + 1);
}
