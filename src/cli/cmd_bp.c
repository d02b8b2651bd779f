/* plateau bp: gradient-variance scan over the number of qubits, fit and verdict. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

const char cli_bp_usage[] =
    "usage: plateau bp --ansatz A --qubits N,N,... [--layers L|n] [--share]\n"
    "                  [--cost global|local | --obs P] [--samples S] [--param-index k|all]\n"
    "                  [--plot F.png] [options]\n"
    "       plateau bp FILE.qasm [FILE.qasm ...] [--cost ... | --obs P] [...]\n"
    "\n"
    "Measure Var[dC/dtheta_k] over angles drawn uniformly from [0, 2*pi) for each\n"
    "size (adjoint gradients on the state vector), fit log Var against n\n"
    "(exponential decay) and against log n (polynomial decay), and say whether the\n"
    "model has a barren plateau. QASM files must use theta[k] parameters; each file\n"
    "is one point.\n"
    "\n"
    "  --ansatz A        hea, su4-brickwork, tfim-hva or qcnn\n"
    "  --qubits N,...    the sizes to scan (at least 3 for a verdict)\n"
    "  --layers L|n      layers per circuit; 'n' makes the depth equal to the size\n"
    "                    (default 1)\n"
    "  --share           qcnn: one set of angles per layer\n"
    "  --cost C          global: Z_0 Z_1 ... Z_{n-1}; local: (1/n) sum_j Z_j (default)\n"
    "  --obs P           another observable, e.g. \"Z0 Z1\" (parsed on each size)\n"
    "  --samples S       random angle vectors per size (default 200, at least 2)\n"
    "  --param-index k   differentiate theta[k] only; 'all' (default) averages the\n"
    "                    variances of every parameter\n"
    "  --plot F.png      draw log Var against n with both fits (gnuplot)\n"
    "  --predict         also the Lie-algebraic prediction of Var[C],\n"
    "                    P_g(rho) P_g(O) / dim g, beside the measured Var[C] (null when\n"
    "                    the algebra passes 4096 elements or O is not in it)\n"
    "  --seed S          angles of sample s come from the generator (S, s)\n"
    "  --json            one JSON object: points (qubits, var_grad, stderr, var_cost,\n"
    "                    var_cost_stderr, params, samples, seconds), fit (rate,\n"
    "                    rate_stderr, base, exponent, exponent_stderr, chi2_exp,\n"
    "                    chi2_poly, verdict), cost, plot\n"
    "  --quiet           no progress lines on stderr\n";

typedef struct {
    const char *ansatz;
    const char *qubits;
    const char *layers;
    bool share;
    const char *cost;
    const char *obs;
    int samples;
    const char *param_index;
    const char *plot;
    bool predict;
    double predicted[64]; /* per point; NAN when there is no prediction */
    const char *files[CLI_BP_MAX_FILES];
    int nfiles;
    cli_common_t common;
} bp_args_t;

/* The circuit of point i: ansatz at sizes[i], or file i. */
static pl_status_t build_circuit(const bp_args_t *a, const int *sizes, int i, pl_circuit_t **c) {
    if (!a->ansatz) return pl_qasm_read_file(a->files[i], c);
    pl_ansatz_opts_t o = {.qubits = sizes[i], .layers = 1, .share_angles = a->share};
    PL_TRY(pl_ansatz_lookup(a->ansatz, &o.kind));
    if (a->layers && strcmp(a->layers, "n") == 0) {
        o.layers = sizes[i];
    } else if (a->layers) {
        char *end;
        const long v = strtol(a->layers, &end, 10);
        if (*end || end == a->layers || v < 1 || v > 100000)
            return pl_error(PL_EINVAL, "--layers expects a positive integer or 'n', got '%s'",
                            a->layers);
        o.layers = (int)v;
    }
    return pl_ansatz_build(&o, c);
}

static pl_status_t observable(const bp_args_t *a, int n, pl_pauli_sum_t **obs) {
    if (a->obs) return pl_pauli_sum_parse(a->obs, n, obs);
    pl_cost_kind_t kind = PL_COST_LOCAL;
    if (a->cost) PL_TRY(pl_cost_lookup(a->cost, &kind));
    return pl_cost_observable(kind, n, obs);
}

/* --qubits "4,6,8" → sizes (each an integer in [1, 30]). */
static pl_status_t parse_sizes(const char *text, int **sizes, int *count) {
    double *v;
    size_t n;
    pl_status_t parsed = pl_io_parse_list(text, &v, &n);
    if (parsed != PL_OK) {
        pl_error_prefix("--qubits");
        return parsed;
    }
    *sizes = malloc((n ? n : 1) * sizeof **sizes);
    pl_status_t st = *sizes ? PL_OK : pl_error_nomemf("%zu sizes of --qubits", n);
    for (size_t i = 0; i < n && st == PL_OK; i++) {
        if (v[i] != floor(v[i]) || v[i] < 1 || v[i] > 30)
            st = pl_error(PL_EINVAL, "--qubits: %g is not a size in [1, 30]", v[i]);
        else
            (*sizes)[i] = (int)v[i];
    }
    free(v);
    *count = (int)n;
    if (st != PL_OK) {
        free(*sizes);
        *sizes = NULL;
    }
    return st;
}

/* P_g(ρ)P_g(O)/dim g for the circuit's DLA, or NAN (too large, O outside it). */
static double predicted_variance(const pl_circuit_t *c, const pl_pauli_sum_t *obs) {
    const pl_lie_opts_t lo = {.max_dim = 4096};
    pl_lie_t *g = NULL;
    double v = NAN;
    if (pl_lie_from_circuit(c, &lo, &g) == PL_OK && !pl_lie_capped(g) &&
        pl_lie_predicted_variance(g, NULL, obs, &v) != PL_OK)
        v = NAN;
    pl_lie_destroy(g);
    return v;
}

static pl_status_t sample_point(bp_args_t *a, const int *sizes, int i, int param_index,
                                pl_bp_point_t *p) {
    pl_circuit_t *c;
    PL_TRY(build_circuit(a, sizes, i, &c));
    pl_pauli_sum_t *obs = NULL;
    pl_status_t st = observable(a, pl_circuit_qubits(c), &obs);
    const pl_bp_opts_t o = {.samples = a->samples,
                            .seed = a->common.seed,
                            .param_index = param_index};
    if (st == PL_OK) st = pl_bp_sample(c, obs, &o, p);
    a->predicted[i] = st == PL_OK && a->predict ? predicted_variance(c, obs) : NAN;
    if (st != PL_OK && !a->ansatz) pl_error_prefix("%s", a->files[i]);
    if (st == PL_OK && !a->common.quiet)
        fprintf(stderr, "plateau bp: n = %2d: Var[dC] = %.4e +- %.1e (%d parameters, %.2f s)\n",
                p->qubits, p->var_grad, p->stderr, p->params, p->seconds);
    pl_pauli_sum_destroy(obs);
    pl_circuit_destroy(c);
    return st;
}

/* log Var against n with error bars and both fitted laws. */
static pl_status_t plot(const bp_args_t *a, const pl_bp_point_t *pts, int count,
                        const pl_bp_fit_t *f) {
    cli_text_t t = {0};
    cli_text_add(&t,
                 "set title 'gradient variance: %s'\nset xlabel 'qubits n'\n"
                 "set ylabel 'Var[dC/dtheta]'\nset logscale y\nset key top right\nset grid\n",
                 f->verdict);
    const bool fitted = f->points >= 2 && f->rate_stderr > 0;
    if (fitted)
        cli_text_add(&t, "fexp(x) = exp(%.17g - %.17g*x)\nfpoly(x) = exp(%.17g)*x**(-%.17g)\n",
                     f->log_a_exp, f->rate, f->log_a_poly, f->exponent);
    cli_text_add(&t, "plot '-' using 1:2:3 with yerrorbars pt 7 title 'measured'");
    if (fitted)
        cli_text_add(&t,
                     ", fexp(x) title 'exponential, base %.3g', fpoly(x) title "
                     "'polynomial, exponent %.3g'",
                     f->base, f->exponent);
    cli_text_add(&t, "\n");
    for (int i = 0; i < count; i++)
        cli_text_add(&t, "%d %.17g %.17g\n", pts[i].qubits, pts[i].var_grad, pts[i].stderr);
    cli_text_add(&t, "e\n");
    pl_status_t st = t.failed ? pl_error_nomemf("the plot script of '%s'", a->plot)
                              : cli_plot_png(a->plot, 800, 560, t.s);
    free(t.s);
    return st;
}

static void report(const bp_args_t *a, const pl_bp_point_t *pts, int count, const pl_bp_fit_t *f) {
    if (!a->common.json) {
        printf("%6s %8s %14s %12s %14s%s\n", "qubits", "params", "var_grad", "stderr", "var_cost",
               a->predict ? "   predicted_var_cost" : "");
        for (int i = 0; i < count; i++) {
            printf("%6d %8d %14.6e %12.3e %14.6e", pts[i].qubits, pts[i].params, pts[i].var_grad,
                   pts[i].stderr, pts[i].var_cost);
            if (a->predict && isnan(a->predicted[i]))
                printf("   %18s", "-");
            else if (a->predict)
                printf("   %18.6e", a->predicted[i]);
            printf("\n");
        }
        printf("exponential fit: Var ~ %.4g^-n (rate %.4f +- %.4f, chi2 %.3g)\n", f->base, f->rate,
               f->rate_stderr, f->chi2_exp);
        printf("polynomial fit:  Var ~ n^-%.4f (+- %.4f, chi2 %.3g)\n", f->exponent,
               f->exponent_stderr, f->chi2_poly);
        printf("verdict: %s\n", f->verdict);
        return;
    }
    cJSON *o = cli_json_begin("bp"), *arr = cJSON_CreateArray(), *fit = cJSON_CreateObject();
    if (a->ansatz) cJSON_AddStringToObject(o, "ansatz", a->ansatz);
    cJSON_AddStringToObject(o, "cost", a->obs ? a->obs : a->cost ? a->cost : "local");
    for (int i = 0; i < count; i++) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddNumberToObject(p, "qubits", pts[i].qubits);
        cJSON_AddNumberToObject(p, "var_grad", pts[i].var_grad);
        cJSON_AddNumberToObject(p, "stderr", pts[i].stderr);
        cJSON_AddNumberToObject(p, "var_cost", pts[i].var_cost);
        cJSON_AddNumberToObject(p, "var_cost_stderr", pts[i].var_cost_stderr);
        if (a->predict && !isnan(a->predicted[i]))
            cJSON_AddNumberToObject(p, "predicted_var_cost", a->predicted[i]);
        else if (a->predict)
            cJSON_AddNullToObject(p, "predicted_var_cost");
        cJSON_AddNumberToObject(p, "params", pts[i].params);
        cJSON_AddNumberToObject(p, "samples", pts[i].samples);
        cJSON_AddNumberToObject(p, "seconds", pts[i].seconds);
        cJSON_AddItemToArray(arr, p);
    }
    cJSON_AddItemToObject(o, "points", arr);
    cJSON_AddNumberToObject(fit, "rate", f->rate);
    cJSON_AddNumberToObject(fit, "rate_stderr", f->rate_stderr);
    cJSON_AddNumberToObject(fit, "base", f->base);
    cJSON_AddNumberToObject(fit, "exponent", f->exponent);
    cJSON_AddNumberToObject(fit, "exponent_stderr", f->exponent_stderr);
    cJSON_AddNumberToObject(fit, "chi2_exp", f->chi2_exp);
    cJSON_AddNumberToObject(fit, "chi2_poly", f->chi2_poly);
    cJSON_AddStringToObject(fit, "verdict", f->verdict);
    cJSON_AddItemToObject(o, "fit", fit);
    if (a->plot)
        cJSON_AddStringToObject(o, "plot", a->plot);
    else
        cJSON_AddNullToObject(o, "plot");
    cli_json_finish(o, &a->common);
}

static pl_status_t run(bp_args_t *a) {
    int *sizes = NULL, count = a->nfiles;
    if (a->ansatz) PL_TRY(parse_sizes(a->qubits, &sizes, &count));
    if (count > 64) {
        free(sizes);
        return pl_error(PL_EINVAL, "at most 64 sizes per scan, got %d", count);
    }
    int param_index = -1;
    pl_status_t st = PL_OK;
    if (a->param_index && strcmp(a->param_index, "all") != 0) {
        char *end;
        const long v = strtol(a->param_index, &end, 10);
        if (*end || end == a->param_index || v < 0 || v > 1000000000)
            st = pl_error(PL_EINVAL, "--param-index expects an index >= 0 or 'all', got '%s'",
                          a->param_index);
        param_index = (int)v;
    }
    pl_bp_point_t *pts = calloc((size_t)(count ? count : 1), sizeof *pts);
    if (!pts && st == PL_OK) st = pl_error_nomemf("%d scan points", count);
    for (int i = 0; i < count && st == PL_OK; i++)
        st = sample_point(a, sizes, i, param_index, &pts[i]);
    pl_bp_fit_t fit;
    if (st == PL_OK) st = pl_bp_fit(pts, count, &fit);
    if (st == PL_OK && a->plot) st = plot(a, pts, count, &fit);
    if (st == PL_OK) report(a, pts, count, &fit);
    free(pts);
    free(sizes);
    return st;
}

static int check_args(const bp_args_t *a) {
    if (!a->ansatz == !a->nfiles) {
        cli_error("bp", "give either --ansatz A --qubits N,... or QASM files");
        return CLI_USAGE;
    }
    if (a->ansatz && !a->qubits) {
        cli_error("bp", "--ansatz needs --qubits N,N,...");
        return CLI_USAGE;
    }
    if (!a->ansatz && (a->qubits || a->layers || a->share)) {
        cli_error("bp", "--qubits, --layers and --share go with --ansatz");
        return CLI_USAGE;
    }
    if (a->cost && a->obs) {
        cli_error("bp", "give --cost or --obs, not both");
        return CLI_USAGE;
    }
    if (a->samples < 2) {
        cli_error("bp", "--samples must be at least 2, got %d", a->samples);
        return CLI_USAGE;
    }
    return CLI_OK;
}

int cli_cmd_bp(const cli_command_t *cmd, int argc, char **argv) {
    bp_args_t a = {.samples = 200};
    const cli_opt_t opts[] = {
        {"--ansatz", CLI_STRING, &a.ansatz, NULL},
        {"--qubits", CLI_STRING, &a.qubits, NULL},
        {"--layers", CLI_STRING, &a.layers, NULL},
        {"--share", CLI_FLAG, &a.share, NULL},
        {"--cost", CLI_STRING, &a.cost, NULL},
        {"--obs", CLI_STRING, &a.obs, NULL},
        {"--samples", CLI_INT, &a.samples, NULL},
        {"--param-index", CLI_STRING, &a.param_index, NULL},
        {"--plot", CLI_STRING, &a.plot, NULL},
        {"--predict", CLI_FLAG, &a.predict, NULL},
    };
    int rc = CLI_PARSE(cmd, argc, argv, opts, &a.common, a.files, &a.nfiles);
    if (rc != CLI_CONTINUE) return rc;
    if ((rc = check_args(&a)) != CLI_OK) return rc;
    if ((rc = CLI_CHECK_OUTPUTS("bp", a.plot)) != CLI_OK) return rc;
    pl_status_t st = run(&a);
    return st == PL_OK ? CLI_OK : cli_fail("bp", st);
}
