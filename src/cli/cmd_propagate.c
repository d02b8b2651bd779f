/* plateau propagate: expectation value by Pauli propagation with truncations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

const char cli_propagate_usage[] =
    "usage: plateau propagate FILE.qasm --obs PAULI_SUM [--max-weight K] [--min-coeff EPS]\n"
    "                         [--max-freq F] [--grad] [--terms-out F.h5] [options]\n"
    "\n"
    "Evolve the observable O backwards through the circuit (Heisenberg picture,\n"
    "O -> U^dagger O U) as a sum of Pauli strings, dropping strings by the\n"
    "truncations below, and print <0...0|U^dagger O U|0...0>. Without truncations\n"
    "the value is exact (and the number of strings may grow exponentially).\n"
    "\n"
    "  --obs TEXT        observable, e.g. \"Z0 Z1 + 0.5*X2\" (real coefficients)\n"
    "  --params V,V,...  values of the circuit's parameters theta[0], theta[1], ...\n"
    "  --params-file F   the same from a JSON array or an HDF5 dataset (F.h5[:/name])\n"
    "  --max-weight K    drop strings with more than K non-identity factors (0: no limit)\n"
    "  --min-coeff EPS   drop strings whose |coefficient| falls below EPS (0: no limit)\n"
    "  --max-freq F      drop strings after more than F sin/cos branchings (0: no limit)\n"
    "  --grad            also the gradient with respect to every theta[k] (derivatives\n"
    "                    carried through the propagation; exact for the truncated sum)\n"
    "  --terms-out F.h5  write the final Pauli sum to an HDF5 file (datasets x, z, coeff)\n"
    "  --threads T, --max-memory M (the term table stops there), --seed S (recorded only)\n"
    "  --json            print one JSON object: expval, terms, max_terms, truncated_weight,\n"
    "                    term_updates, seconds, bytes, qubits, max_weight, min_coeff,\n"
    "                    max_freq, terms_out (and grad with --grad)\n"
    "  --quiet           no summary line on stderr\n";

typedef struct {
    cli_problem_args_t in;
    pl_trunc_t trunc;
    const char *terms_out;
    bool grad;
    cli_common_t common;
} prop_args_t;

/* g: the gradient (np entries) with --grad, else NULL. */
static void report(const prop_args_t *a, int n, double e, const double *g, int np,
                   const pl_prop_stats_t *s) {
    if (!a->common.quiet) {
        char mem[32];
        pl_mem_format_bytes((double)s->bytes, mem, sizeof mem);
        fprintf(stderr,
                "plateau propagate: %zu terms (at most %zu), truncated weight %.3g, "
                "%.3f s, peak memory %s\n",
                s->terms, s->max_terms, s->truncated_weight, s->seconds, mem);
    }
    if (!a->common.json) {
        if (!g) {
            printf("%.15g\n", e);
            return;
        }
        printf("expval %.15g\n", e); /* the shape of 'plateau grad' */
        for (int k = 0; k < np; k++) printf("d/dtheta[%d] %.15g\n", k, g[k]);
        return;
    }
    cJSON *o = cli_json_begin("propagate");
    cJSON_AddStringToObject(o, "file", a->in.file);
    cJSON_AddStringToObject(o, "observable", a->in.obs_text);
    cJSON_AddNumberToObject(o, "qubits", n);
    cJSON_AddNumberToObject(o, "expval", e);
    if (g) cJSON_AddItemToObject(o, "grad", cli_number_array(g, np));
    cJSON_AddNumberToObject(o, "terms", (double)s->terms);
    cJSON_AddNumberToObject(o, "max_terms", (double)s->max_terms);
    cJSON_AddNumberToObject(o, "truncated_weight", s->truncated_weight);
    cJSON_AddNumberToObject(o, "term_updates", (double)s->term_updates);
    cJSON_AddNumberToObject(o, "seconds", s->seconds);
    cJSON_AddNumberToObject(o, "bytes", (double)s->bytes);
    cJSON_AddNumberToObject(o, "max_weight", a->trunc.max_weight);
    cJSON_AddNumberToObject(o, "min_coeff", a->trunc.min_abs_coeff);
    cJSON_AddNumberToObject(o, "max_freq", a->trunc.max_freq);
    if (a->terms_out)
        cJSON_AddStringToObject(o, "terms_out", a->terms_out);
    else
        cJSON_AddNullToObject(o, "terms_out");
    cli_json_finish(o, &a->common);
}

/* Propagate, write --terms-out, then print: nothing reaches stdout on failure. */
static pl_status_t run(const prop_args_t *a, const char *command, cli_problem_t *p) {
    PL_TRY(cli_load_problem(&a->in, p));
    pl_prop_t *prop = NULL;
    pl_prop_stats_t stats;
    if (a->grad)
        PL_TRY(pl_propagate_diff(p->circuit, p->theta, p->obs, &a->trunc, &prop, &stats));
    else
        PL_TRY(pl_propagate(p->circuit, p->theta, p->obs, &a->trunc, &prop, &stats));
    const int np = pl_circuit_num_params(p->circuit);
    double e = pl_prop_expval_zero(prop), *g = NULL;
    pl_status_t st = PL_OK;
    if (a->grad) {
        g = malloc((size_t)(np ? np : 1) * sizeof *g);
        st = g ? pl_prop_grad_zero(prop, &e, g)
               : pl_error_nomemf("the gradient of %d parameters", np);
    }
    if (st == PL_OK && a->terms_out) st = pl_prop_save(prop, a->terms_out, command, a->common.seed);
    if (st == PL_OK) report(a, pl_circuit_qubits(p->circuit), e, g, np, &stats);
    free(g);
    pl_prop_destroy(prop);
    return st;
}

int cli_cmd_propagate(const cli_command_t *cmd, int argc, char **argv) {
    prop_args_t a = {0};
    const cli_opt_t opts[] = {
        {"--obs", CLI_STRING, &a.in.obs_text, NULL},
        {"--params", CLI_STRING, &a.in.params, NULL},
        {"--params-file", CLI_STRING, &a.in.params_file, NULL},
        {"--max-weight", CLI_INT, &a.trunc.max_weight, NULL},
        {"--min-coeff", CLI_DOUBLE, &a.trunc.min_abs_coeff, NULL},
        {"--max-freq", CLI_INT, &a.trunc.max_freq, NULL},
        {"--terms-out", CLI_STRING, &a.terms_out, NULL},
        {"--grad", CLI_FLAG, &a.grad, NULL},
    };
    int npos = 0;
    int rc = CLI_PARSE(cmd, argc, argv, opts, &a.common, &a.in.file, &npos);
    if (rc != CLI_CONTINUE) return rc;
    if (!a.in.obs_text) {
        cli_error("propagate", "missing --obs, the observable (e.g. --obs \"Z0 Z1\")");
        return CLI_USAGE;
    }
    if (a.trunc.min_abs_coeff < 0) {
        cli_error("propagate", "--min-coeff expects a finite number >= 0, got %g",
                  a.trunc.min_abs_coeff);
        return CLI_USAGE;
    }
    if ((rc = CLI_CHECK_OUTPUTS("propagate", a.terms_out)) != CLI_OK) return rc;
    char *command = cli_command_line(argc, argv);
    if (!command) return cli_fail("propagate", pl_error_nomem("the command line"));
    cli_problem_t p = {0};
    pl_status_t st = run(&a, command, &p);
    cli_problem_free(&p);
    free(command);
    return st == PL_OK ? CLI_OK : cli_fail("propagate", st);
}
