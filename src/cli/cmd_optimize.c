/* plateau optimize: minimise an expectation value over theta (a VQE). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

const char cli_optimize_usage[] =
    "usage: plateau optimize FILE.qasm --obs PAULI_SUM [--optimizer M] [--init I] [options]\n"
    "\n"
    "Minimise E(theta) = <0|U(theta)^dagger O U(theta)|0> over the circuit's parameters\n"
    "theta[k] (a variational quantum eigensolver), with exact adjoint gradients.\n"
    "\n"
    "  --obs TEXT        observable (e.g. a Hamiltonian \"-Z0 Z1 - X0 - X1\")\n"
    "  --optimizer M     lbfgs (default), adam, cobyla, nelder-mead\n"
    "  --init I          starting point: random (uniform in [0, S), from --seed;\n"
    "                    default) or zeros\n"
    "  --init-scale S    range of the random start (default 2pi; small values such as\n"
    "                    0.3 start near the identity, which suits layered ansatze)\n"
    "  --params V,...    start from these values instead (or --params-file F)\n"
    "  --max-iter N      iterations (adam) or evaluations (others); default 1000\n"
    "  --tol T           stop when E changes by less than T; default 1e-12\n"
    "  --lr R            adam step size; default 0.01\n"
    "  --max-time S      stop after S seconds\n"
    "  --out-params F    write the best parameters to F as a JSON array\n"
    "\n"
    "Prints the final energy and a summary; --json prints one object with keys\n"
    "optimizer, qubits, params, energy, theta, iterations, evaluations, reason,\n"
    "history (E after every iteration or evaluation), elapsed_s.\n";

typedef struct {
    cli_problem_args_t in;
    const char *optimizer, *init, *init_scale, *tol, *lr, *max_time, *out_params;
    int max_iter;
    bool max_iter_given;
    cli_common_t common;
} opt_args_t;

/* State shared with the objective and the progress callback. */
typedef struct {
    const cli_problem_t *p;
    double *history;
    int nhistory;
    size_t cap;
    pl_progress_t *bar;
    int budget;
    pl_status_t st; /* PL_ENOMEM when the history could not grow */
} run_t;

static double objective(const double *x, double *grad, void *ctx, pl_status_t *st) {
    run_t *r = ctx;
    double e = NAN;
    *st = pl_grad(r->p->circuit, x, r->p->obs, NULL, PL_GRAD_ADJOINT, &e, grad);
    return e;
}

static bool record(int iter, double f, const double *x, int n, void *ctx) {
    (void)x;
    (void)n;
    run_t *r = ctx;
    const size_t need = (size_t)r->nhistory + 1;
    r->st = PL_GROW(r->history, r->cap, need < 64 ? 64 : need, "the optimisation history");
    if (r->st != PL_OK) return false; /* stops the optimiser; run() reports r->st */
    r->history[r->nhistory++] = f;
    pl_progress_update(r->bar, (uint64_t)(iter < r->budget ? iter : r->budget));
    return true;
}

static pl_status_t parse_double(const char *opt, const char *text, double *out) {
    char *end;
    double v = strtod(text, &end);
    if (end == text || *end || !isfinite(v) || v <= 0)
        return pl_error(PL_EINVAL, "%s expects a positive number, got '%s'", opt, text);
    *out = v;
    return PL_OK;
}

static pl_status_t build_options(const opt_args_t *a, pl_optim_opts_t *o) {
    memset(o, 0, sizeof *o);
    o->method = PL_OPT_LBFGS;
    if (a->optimizer) PL_TRY(pl_optim_method_lookup(a->optimizer, &o->method));
    if (a->max_iter_given) {
        if (a->max_iter < 1) return pl_error(PL_EINVAL, "--max-iter must be at least 1");
        o->max_iter = a->max_iter;
    }
    if (a->tol) PL_TRY(parse_double("--tol", a->tol, &o->ftol_abs));
    if (a->lr) PL_TRY(parse_double("--lr", a->lr, &o->learning_rate));
    if (a->max_time) PL_TRY(parse_double("--max-time", a->max_time, &o->max_time));
    return PL_OK;
}

/* Starting point: given values, zeros, or uniform in [0, 2π). */
static pl_status_t starting_point(const opt_args_t *a, const cli_problem_t *p, double *x) {
    if (p->theta) {
        memcpy(x, p->theta, (size_t)p->nparams * sizeof *x);
        return PL_OK;
    }
    const char *init = a->init ? a->init : "random";
    if (strcmp(init, "zeros") == 0) {
        for (int k = 0; k < p->nparams; k++) x[k] = 0.0;
    } else if (strcmp(init, "random") == 0) {
        double scale = 2 * PL_PI;
        if (a->init_scale) PL_TRY(parse_double("--init-scale", a->init_scale, &scale));
        pl_rng_t rng;
        pl_rng_seed(&rng, a->common.seed, 0);
        for (int k = 0; k < p->nparams; k++) x[k] = scale * pl_rng_uniform(&rng);
    } else {
        return pl_error(PL_EINVAL, "unknown --init '%s' (use random or zeros)", init);
    }
    return PL_OK;
}

static pl_status_t write_params(const char *path, const double *x, int n) {
    cJSON *arr = cli_number_array(x, n);
    char *text = cJSON_Print(arr);
    cJSON_Delete(arr);
    if (!text) return pl_error_nomemf("the text of '%s'", path);
    pl_status_t st = pl_io_write_text_atomic(path, text);
    free(text);
    return st;
}

static void report(const opt_args_t *a, const cli_problem_t *p, const pl_optim_opts_t *o,
                   const pl_optim_result_t *res, const double *x, const run_t *r) {
    if (!a->common.json) {
        printf("%.15g\n", res->f);
        if (!a->common.quiet)
            fprintf(stderr, "plateau optimize: %s, %d iterations, %d evaluations, stopped: %s\n",
                    pl_optim_method_name(o->method), res->iterations, res->evaluations,
                    pl_optim_stop_name(res->reason));
        return;
    }
    cJSON *j = cli_json_begin("optimize");
    cJSON_AddStringToObject(j, "file", a->in.file);
    cJSON_AddStringToObject(j, "optimizer", pl_optim_method_name(o->method));
    cJSON_AddNumberToObject(j, "qubits", pl_circuit_qubits(p->circuit));
    cJSON_AddNumberToObject(j, "params", p->nparams);
    cJSON_AddNumberToObject(j, "energy", res->f);
    cJSON_AddItemToObject(j, "theta", cli_number_array(x, p->nparams));
    cJSON_AddNumberToObject(j, "iterations", res->iterations);
    cJSON_AddNumberToObject(j, "evaluations", res->evaluations);
    cJSON_AddStringToObject(j, "reason", pl_optim_stop_name(res->reason));
    cJSON_AddItemToObject(j, "history", cli_number_array(r->history, r->nhistory));
    cli_json_finish(j, &a->common);
}

static pl_status_t run(const opt_args_t *a, cli_problem_t *p) {
    pl_optim_opts_t o;
    PL_TRY(build_options(a, &o));
    PL_TRY(cli_load_problem(&a->in, p));
    if (p->nparams == 0)
        return pl_error(PL_EINVAL, "'%s' has no parameters theta[k] to optimise", a->in.file);
    double *x = malloc((size_t)p->nparams * sizeof *x);
    if (!x) return pl_error_nomemf("%d parameters", p->nparams);
    run_t r = {.p = p, .budget = o.max_iter ? o.max_iter : 1000};
    pl_status_t st = starting_point(a, p, x);
    pl_optim_result_t res = {0};
    if (st == PL_OK) {
        r.bar = pl_progress_begin("optimize", (uint64_t)r.budget, !a->common.quiet);
        o.callback = record;
        o.callback_ctx = &r;
        st = pl_optimize(objective, &r, p->nparams, x, &o, &res);
        pl_progress_end(r.bar);
        if (st == PL_OK) st = r.st;
    }
    if (st == PL_OK && a->out_params) st = write_params(a->out_params, x, p->nparams);
    if (st == PL_OK) report(a, p, &o, &res, x, &r);
    free(r.history);
    free(x);
    return st;
}

int cli_cmd_optimize(const cli_command_t *cmd, int argc, char **argv) {
    opt_args_t a = {.in = {.params_optional = true}};
    const cli_opt_t opts[] = {
        {"--obs", CLI_STRING, &a.in.obs_text, NULL},
        {"--params", CLI_STRING, &a.in.params, NULL},
        {"--params-file", CLI_STRING, &a.in.params_file, NULL},
        {"--optimizer", CLI_STRING, &a.optimizer, NULL},
        {"--init", CLI_STRING, &a.init, NULL},
        {"--init-scale", CLI_STRING, &a.init_scale, NULL},
        {"--max-iter", CLI_INT, &a.max_iter, &a.max_iter_given},
        {"--tol", CLI_STRING, &a.tol, NULL},
        {"--lr", CLI_STRING, &a.lr, NULL},
        {"--max-time", CLI_STRING, &a.max_time, NULL},
        {"--out-params", CLI_STRING, &a.out_params, NULL},
    };
    int npos = 0;
    int rc = CLI_PARSE(cmd, argc, argv, opts, &a.common, &a.in.file, &npos);
    if (rc != CLI_CONTINUE) return rc;
    if (!a.in.obs_text) {
        cli_error("optimize", "missing --obs, the observable to minimise");
        return CLI_USAGE;
    }
    if ((rc = CLI_CHECK_OUTPUTS("optimize", a.out_params)) != CLI_OK) return rc;
    cli_problem_t p = {0};
    pl_status_t st = run(&a, &p);
    cli_problem_free(&p);
    return st == PL_OK ? CLI_OK : cli_fail("optimize", st);
}
