/* plateau grad: gradient of an expectation value with respect to theta. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"

const char cli_grad_usage[] =
    "usage: plateau grad FILE.qasm --obs PAULI_SUM --params V,... [--method M] [options]\n"
    "\n"
    "E(theta) = <0|U(theta)^dagger O U(theta)|0> and its gradient for a circuit whose\n"
    "angles use theta[k] (OpenQASM extension; shared parameters allowed).\n"
    "\n"
    "  --obs TEXT        observable, e.g. \"Z0 Z1 + 0.5*X2\"\n"
    "  --params V,V,...  parameter values theta[0], theta[1], ...\n"
    "  --params-file F   the same from a JSON array or an HDF5 dataset (F.h5[:/name])\n"
    "  --method M        adjoint (default; one forward + one backward pass),\n"
    "                    shift (parameter-shift rule, exact, 2-4 circuit runs per angle),\n"
    "                    fd (central finite differences, step 1e-5)\n"
    "\n"
    "Prints E, then one line per parameter; --json prints one object with keys\n"
    "qubits, params, method, expval, grad (array), elapsed_s.\n";

typedef struct {
    cli_problem_args_t in;
    const char *method;
    cli_common_t common;
} grad_args_t;

static void report(const grad_args_t *a, const cli_problem_t *p, pl_grad_method_t m, double e,
                   const double *g) {
    if (!a->common.json) {
        printf("expval %.15g\n", e);
        for (int k = 0; k < p->nparams; k++) printf("d/dtheta[%d] %.15g\n", k, g[k]);
        return;
    }
    cJSON *o = cli_json_begin("grad");
    cJSON_AddStringToObject(o, "file", a->in.file);
    cJSON_AddNumberToObject(o, "qubits", pl_circuit_qubits(p->circuit));
    cJSON_AddNumberToObject(o, "params", p->nparams);
    cJSON_AddStringToObject(o, "method", pl_grad_method_name(m));
    cJSON_AddNumberToObject(o, "expval", e);
    cJSON_AddItemToObject(o, "grad", cli_number_array(g, p->nparams));
    cli_json_finish(o, &a->common);
}

static pl_status_t run(const grad_args_t *a, cli_problem_t *p) {
    pl_grad_method_t m = PL_GRAD_ADJOINT;
    if (a->method) PL_TRY(pl_grad_method_lookup(a->method, &m));
    PL_TRY(cli_load_problem(&a->in, p));
    double e = 0.0;
    double *g = malloc((size_t)(p->nparams ? p->nparams : 1) * sizeof *g);
    if (!g) return pl_error_nomemf("the gradient of %d parameters", p->nparams);
    pl_status_t st = pl_grad(p->circuit, p->theta, p->obs, NULL, m, &e, g);
    if (st == PL_OK) report(a, p, m, e, g);
    free(g);
    return st;
}

int cli_cmd_grad(const cli_command_t *cmd, int argc, char **argv) {
    grad_args_t a = {0};
    const cli_opt_t opts[] = {
        {"--obs", CLI_STRING, &a.in.obs_text, NULL},
        {"--params", CLI_STRING, &a.in.params, NULL},
        {"--params-file", CLI_STRING, &a.in.params_file, NULL},
        {"--method", CLI_STRING, &a.method, NULL},
    };
    int npos = 0;
    int rc = CLI_PARSE(cmd, argc, argv, opts, &a.common, &a.in.file, &npos);
    if (rc != CLI_CONTINUE) return rc;
    if (!a.in.obs_text) {
        cli_error("grad", "missing --obs, the observable (e.g. --obs \"Z0 Z1\")");
        return CLI_USAGE;
    }
    cli_problem_t p = {0};
    pl_status_t st = run(&a, &p);
    cli_problem_free(&p);
    return st == PL_OK ? CLI_OK : cli_fail("grad", st);
}
