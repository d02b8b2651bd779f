/* plateau shadows: classical shadows (random-basis shots) of a stored state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

const char cli_shadows_usage[] =
    "usage: plateau shadows --state F.h5 --shots S --out F [--format h5|text] [options]\n"
    "\n"
    "Draw S exact measurement shots of the state in F.h5 (an MPS written by\n"
    "'plateau gs --out'), each qubit measured in a uniformly random Pauli basis,\n"
    "and store them: HDF5 (packed, 3 bits per qubit per shot) or the text form\n"
    "'XZYZ 0110' (one shot per line, qubit 0 first), for 'plateau estimate'.\n"
    "\n"
    "  --state F.h5      the state (plateau-mps HDF5)\n"
    "  --shots S         number of shots (>= 1)\n"
    "  --out F           output file, written atomically\n"
    "  --format FMT      h5 (default) or text\n"
    "  --seed S          shot s uses the generator (S, s): same file at any --threads\n"
    "  --json            one JSON object: qubits, shots, out, format, seconds,\n"
    "                    shots_per_second\n"
    "  --quiet           no summary line on stderr\n";

typedef struct {
    const char *state, *out, *format;
    uint64_t shots;
    cli_common_t common;
} shadows_args_t;

static pl_status_t run(const shadows_args_t *a, const char *command) {
    const bool text = a->format && strcmp(a->format, "text") == 0;
    if (a->format && !text && strcmp(a->format, "h5") != 0)
        return pl_error(PL_EINVAL, "unknown --format '%s' (valid: h5, text)", a->format);
    pl_mps_t *psi;
    PL_TRY(pl_mps_load(a->state, &psi));
    pl_timer_t t = pl_timer_start();
    pl_shadows_t *sh;
    pl_status_t st = pl_shadows_from_mps(psi, (size_t)a->shots, a->common.seed, &sh);
    pl_mps_destroy(psi);
    if (st != PL_OK) return st;
    const double sec = pl_timer_elapsed(&t);
    st = text ? pl_shadows_write_text(sh, a->out)
              : pl_shadows_save(sh, a->out, command, a->common.seed);
    if (st == PL_OK && !a->common.quiet)
        fprintf(stderr, "plateau shadows: %llu shots of %d qubits in %.2f s -> %s\n",
                (unsigned long long)a->shots, pl_shadows_qubits(sh), sec, a->out);
    if (st == PL_OK && a->common.json) {
        cJSON *o = cli_json_begin("shadows");
        cJSON_AddStringToObject(o, "state", a->state);
        cJSON_AddNumberToObject(o, "qubits", pl_shadows_qubits(sh));
        cJSON_AddNumberToObject(o, "shots", (double)a->shots);
        cJSON_AddStringToObject(o, "out", a->out);
        cJSON_AddStringToObject(o, "format", text ? "text" : "h5");
        cJSON_AddNumberToObject(o, "seconds", sec);
        cJSON_AddNumberToObject(o, "shots_per_second", sec > 0 ? (double)a->shots / sec : 0.0);
        cli_json_finish(o, &a->common);
    }
    pl_shadows_destroy(sh);
    return st;
}

int cli_cmd_shadows(const cli_command_t *cmd, int argc, char **argv) {
    shadows_args_t a = {0};
    bool shots_given = false;
    const cli_opt_t opts[] = {
        {"--state", CLI_STRING, &a.state, NULL},
        {"--shots", CLI_U64, &a.shots, &shots_given},
        {"--out", CLI_STRING, &a.out, NULL},
        {"--format", CLI_STRING, &a.format, NULL},
    };
    int npos = 0;
    int rc = CLI_PARSE(cmd, argc, argv, opts, &a.common, NULL, &npos);
    if (rc != CLI_CONTINUE) return rc;
    if (!a.state || !a.out || !shots_given) {
        cli_error("shadows", "needs --state F.h5, --shots S and --out F");
        return CLI_USAGE;
    }
    if (a.shots < 1 || a.shots > ((uint64_t)1 << 40)) {
        cli_error("shadows", "--shots must lie in [1, 2^40], got %llu",
                  (unsigned long long)a.shots);
        return CLI_USAGE;
    }
    if ((rc = CLI_CHECK_OUTPUTS("shadows", a.out)) != CLI_OK) return rc;
    char *command = cli_command_line(argc, argv);
    pl_status_t st = command ? run(&a, command) : pl_error_nomem("the command line");
    free(command);
    return st == PL_OK ? CLI_OK : cli_fail("shadows", st);
}
