/* plateau ansatz: build a standard ansatz, bind its parameters, write OpenQASM 2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

const char cli_ansatz_usage[] =
    "usage: plateau ansatz --ansatz A --qubits N [--layers L] [--share]\n"
    "                      [--params V,... | --params-file F] [--out FILE.qasm] [options]\n"
    "\n"
    "Build a standard parameterised circuit, bind its parameters and write it as\n"
    "plain OpenQASM 2.0 (qelib1 gates), ready for 'plateau sim FILE --obs ...'.\n"
    "Without --params or --params-file the parameters are drawn uniformly from\n"
    "[0, 2*pi) with --seed. See docs/ansatz.md for each circuit and its parameter count.\n"
    "\n"
    "  --ansatz A        hea, su4-brickwork, tfim-hva or qcnn\n"
    "  --qubits N        number of qubits (qcnn, su4-brickwork, tfim-hva: at least 2)\n"
    "  --layers L        number of layers, at least 1 (default 1; qcnn ignores it:\n"
    "                    its depth is ceil(log2 N))\n"
    "  --share           qcnn: one set of angles per convolution / pooling layer\n"
    "  --symbolic        keep the angles as theta[k] expressions (for plateau grad\n"
    "                    and plateau optimize) instead of binding numbers\n"
    "  --params V,...    the parameter values, comma-separated\n"
    "  --params-file F   the parameter values from a JSON array or an HDF5 dataset\n"
    "                    (F.h5 or F.h5:/dataset)\n"
    "  --out FILE        write the circuit atomically to FILE (default: stdout)\n"
    "  --seed S          seed of the random parameters (default 1)\n"
    "  --json            print one JSON object: ansatz, qubits, layers, params,\n"
    "                    operations, out, readout, seed (and qasm without --out)\n"
    "  --quiet           no summary line on stderr when the circuit goes to stdout\n";

typedef struct {
    const char *ansatz;
    int qubits;
    bool qubits_given;
    int layers;
    bool layers_given;
    bool share;
    bool symbolic;
    const char *params;
    const char *params_file;
    const char *out;
    cli_common_t common;
} ansatz_args_t;

/* Where the parameter values came from. */
static const char *params_source(const ansatz_args_t *a) {
    return a->symbolic ? "symbolic" : a->params ? "list" : a->params_file ? "file" : "random";
}

/* The names of every ansatz, ", "-separated, into buf. */
static void ansatz_names(char *buf, size_t cap) {
    buf[0] = '\0';
    for (int k = 0; k < PL_ANSATZ_COUNT; k++) {
        size_t used = strlen(buf);
        snprintf(buf + used, cap - used, "%s%s", k ? ", " : "", pl_ansatz_name(k));
    }
}

/* Usage checks that need no library call; prints the error line. */
static int check_usage(const ansatz_args_t *a) {
    char names[128];
    ansatz_names(names, sizeof names);
    if (!a->ansatz) {
        cli_error("ansatz", "missing --ansatz (one of %s)", names);
        return CLI_USAGE;
    }
    if (!a->qubits_given) {
        cli_error("ansatz", "missing --qubits, the number of qubits");
        return CLI_USAGE;
    }
    if (a->layers_given && a->layers < 1) {
        cli_error("ansatz", "--layers must be at least 1, got %d", a->layers);
        return CLI_USAGE;
    }
    if (a->params && a->params_file) {
        cli_error("ansatz", "give --params or --params-file, not both");
        return CLI_USAGE;
    }
    if (a->symbolic && (a->params || a->params_file)) {
        cli_error("ansatz", "--symbolic keeps theta[k] unbound; drop --params/--params-file");
        return CLI_USAGE;
    }
    return CLI_OK;
}

/* θ_k uniform in [0, 2π) from the seed, one stream. */
static pl_status_t random_params(uint64_t seed, int count, double **theta) {
    *theta = malloc((size_t)(count ? count : 1) * sizeof **theta);
    if (!*theta) return pl_error_nomemf("%d parameters", count);
    pl_rng_t rng;
    pl_rng_seed(&rng, seed, 0);
    for (int k = 0; k < count; k++) (*theta)[k] = 2.0 * PL_PI * pl_rng_uniform(&rng);
    return PL_OK;
}

/* The parameter values: given (list or file, with their count checked) or random. */
static pl_status_t bind_params(const ansatz_args_t *a, int count, double **theta) {
    if (!a->params && !a->params_file) return random_params(a->common.seed, count, theta);
    size_t got = 0;
    pl_status_t st = a->params ? pl_io_parse_list(a->params, theta, &got)
                               : pl_io_read_params(a->params_file, theta, &got);
    if (st != PL_OK) {
        pl_error_prefix("%s", a->params ? "--params" : "--params-file");
        return st;
    }
    if (got != (size_t)count)
        return pl_error(PL_EINVAL, "expected %d parameters, got %zu", count, got);
    return PL_OK;
}

/* Depth reported as "layers": L, or ⌈log2 n⌉ levels for qcnn. */
static int reported_layers(const pl_ansatz_opts_t *o) {
    if (o->kind != PL_ANSATZ_QCNN) return o->layers;
    int levels = 0;
    while ((1LL << levels) < o->qubits) levels++;
    return levels;
}

/* The circuit, its readout text and its QASM (written to --out, or kept in *qasm). */
typedef struct {
    pl_circuit_t *circ;
    char *readout;
    char *qasm;
    int nparams;
} ansatz_result_t;

static pl_status_t build_and_write(const ansatz_args_t *a, const pl_ansatz_opts_t *o,
                                   ansatz_result_t *r) {
    PL_TRY(pl_ansatz_build(o, &r->circ));
    r->nparams = pl_circuit_num_params(r->circ);
    pl_pauli_sum_t *obs = NULL;
    PL_TRY(pl_ansatz_readout(o, &obs));
    pl_status_t st = pl_pauli_sum_to_string(obs, &r->readout);
    pl_pauli_sum_destroy(obs);
    PL_TRY(st);
    double *theta = NULL;
    st = a->symbolic ? PL_OK : bind_params(a, r->nparams, &theta);
    if (st == PL_OK)
        st = a->out ? pl_qasm_write_file(r->circ, theta, a->out)
                    : pl_qasm_write_string(r->circ, theta, &r->qasm);
    free(theta);
    return st;
}

static void report_json(const ansatz_args_t *a, const pl_ansatz_opts_t *o,
                        const ansatz_result_t *r) {
    cJSON *j = cli_json_begin("ansatz");
    cJSON_AddStringToObject(j, "ansatz", pl_ansatz_name(o->kind));
    cJSON_AddNumberToObject(j, "qubits", o->qubits);
    cJSON_AddNumberToObject(j, "layers", reported_layers(o));
    cJSON_AddBoolToObject(j, "share", o->share_angles);
    cJSON_AddNumberToObject(j, "params", r->nparams);
    cJSON_AddStringToObject(j, "params_source", params_source(a));
    cJSON_AddNumberToObject(j, "operations", (double)pl_circuit_size(r->circ));
    if (a->out)
        cJSON_AddStringToObject(j, "out", a->out);
    else
        cJSON_AddNullToObject(j, "out");
    cJSON_AddStringToObject(j, "readout", r->readout);
    if (r->qasm) cJSON_AddStringToObject(j, "qasm", r->qasm);
    cli_json_finish(j, &a->common);
}

/* Text mode: the QASM on stdout without --out; the summary on stdout with
 * --out, on stderr (unless --quiet) without. */
static void report_text(const ansatz_args_t *a, const pl_ansatz_opts_t *o,
                        const ansatz_result_t *r) {
    if (r->qasm) fputs(r->qasm, stdout);
    FILE *f = a->out ? stdout : a->common.quiet ? NULL : stderr;
    if (!f) return;
    const int layers = reported_layers(o);
    fprintf(f, "%s: %d qubits, %d layer%s, %d parameters (%s), %zu operations, readout %s -> %s\n",
            pl_ansatz_name(o->kind), o->qubits, layers, layers == 1 ? "" : "s", r->nparams,
            params_source(a), pl_circuit_size(r->circ), r->readout, a->out ? a->out : "stdout");
}

/* Resolve the options into library options; prints the error line. */
static int resolve(const ansatz_args_t *a, pl_ansatz_opts_t *o) {
    int rc = check_usage(a);
    if (rc != CLI_OK) return rc;
    if (pl_ansatz_lookup(a->ansatz, &o->kind) != PL_OK) return cli_fail("ansatz", PL_EINVAL);
    if (a->share && o->kind != PL_ANSATZ_QCNN) {
        cli_error("ansatz", "--share applies to qcnn only, not %s", a->ansatz);
        return CLI_USAGE;
    }
    o->qubits = a->qubits;
    o->layers = a->layers;
    o->share_angles = a->share;
    return CLI_OK;
}

int cli_cmd_ansatz(const cli_command_t *cmd, int argc, char **argv) {
    ansatz_args_t a = {.layers = 1};
    const cli_opt_t opts[] = {
        {"--ansatz", CLI_STRING, &a.ansatz, NULL},
        {"--qubits", CLI_INT, &a.qubits, &a.qubits_given},
        {"--layers", CLI_INT, &a.layers, &a.layers_given},
        {"--share", CLI_FLAG, &a.share, NULL},
        {"--symbolic", CLI_FLAG, &a.symbolic, NULL},
        {"--params", CLI_STRING, &a.params, NULL},
        {"--params-file", CLI_STRING, &a.params_file, NULL},
        {"--out", CLI_STRING, &a.out, NULL},
    };
    int npos = 0;
    int rc = CLI_PARSE(cmd, argc, argv, opts, &a.common, NULL, &npos);
    if (rc != CLI_CONTINUE) return rc;
    pl_ansatz_opts_t o = {0};
    rc = resolve(&a, &o);
    if (rc != CLI_OK) return rc;
    if ((rc = CLI_CHECK_OUTPUTS("ansatz", a.out)) != CLI_OK) return rc;
    ansatz_result_t r = {0};
    pl_status_t st = build_and_write(&a, &o, &r);
    if (st == PL_OK) {
        if (a.common.json)
            report_json(&a, &o, &r);
        else
            report_text(&a, &o, &r);
    }
    free(r.qasm);
    free(r.readout);
    pl_circuit_destroy(r.circ);
    return st == PL_OK ? CLI_OK : cli_fail("ansatz", st);
}
