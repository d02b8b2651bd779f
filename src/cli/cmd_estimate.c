/* plateau estimate: Pauli expectations or window features from classical shadows. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

const char cli_estimate_usage[] =
    "usage: plateau estimate --shadows F --obs PAULI_SUM [--delta D] [--groups K] [options]\n"
    "       plateau estimate --shadows F --windows K --out F.h5 [options]\n"
    "\n"
    "Estimate expectation values from classical shadows (random single-qubit Pauli\n"
    "measurements): every term of the observable and the whole sum, each with the\n"
    "shot mean and its Hoeffding radius and the median of means and its radius,\n"
    "both holding with probability >= 1 - D. With --windows, compute every string\n"
    "whose support fits in K adjacent qubits (the classical baseline's features)\n"
    "and write them to an HDF5 file.\n"
    "\n"
    "  --shadows F       shots: HDF5 (plateau shadows --out) or text, one shot per\n"
    "                    line, bases of qubits 0..n-1 then outcome bits, 'XZYZ 0110'\n"
    "  --obs TEXT        observable, e.g. \"Z0 Z1 + 0.5*X2\" (real coefficients)\n"
    "  --delta D         failure probability of the radii (default 0.05)\n"
    "  --groups K        median-of-means groups (default ceil(8 ln(1/D)))\n"
    "  --windows K       window size (1..8) for --out\n"
    "  --out F.h5        features file: features, x, z, attributes window, qubits, shots\n"
    "  --json            one JSON object: qubits, shots, estimates (per term: term,\n"
    "                    coeff, mean, radius, mom, mom_radius, weight), total; or\n"
    "                    window, features, out\n"
    "  --quiet           nothing on stderr\n";

typedef struct {
    const char *shadows;
    const char *obs;
    const char *out;
    int windows;
    pl_shadow_opts_t opts;
    cli_common_t common;
} estimate_args_t;

static cJSON *estimate_json(const pl_shadow_estimate_t *e) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "mean", e->mean);
    cJSON_AddNumberToObject(o, "radius", e->mean_radius);
    cJSON_AddNumberToObject(o, "mom", e->mom);
    cJSON_AddNumberToObject(o, "mom_radius", e->mom_radius);
    cJSON_AddNumberToObject(o, "weight", e->weight);
    return o;
}

static void print_estimate(const char *label, const pl_shadow_estimate_t *e) {
    printf("%-24s %12.6f +- %-10.4g (median of means %.6f +- %.4g)\n", label, e->mean,
           e->mean_radius, e->mom, e->mom_radius);
}

/* Every term, then the sum. */
static pl_status_t estimate_obs(const estimate_args_t *a, const pl_shadows_t *sh) {
    pl_pauli_sum_t *h;
    PL_TRY(pl_pauli_sum_parse(a->obs, pl_shadows_qubits(sh), &h));
    pl_status_t st = PL_OK;
    cJSON *o = cli_json_begin("estimate"), *terms = cJSON_CreateArray();
    for (size_t k = 0; k < pl_pauli_sum_size(h) && st == PL_OK; k++) {
        pl_pauli_t p;
        double complex c;
        pl_pauli_sum_term(h, k, &p, &c);
        pl_shadow_estimate_t e;
        st = pl_shadows_estimate(sh, &p, &a->opts, &e);
        if (st != PL_OK) break;
        char *text;
        st = pl_pauli_to_string(&p, &text);
        if (st != PL_OK) break;
        if (!a->common.json) print_estimate(text, &e);
        cJSON *t = estimate_json(&e);
        cJSON_AddStringToObject(t, "term", text);
        cJSON_AddNumberToObject(t, "coeff", creal(c));
        cJSON_AddItemToArray(terms, t);
        free(text);
    }
    pl_shadow_estimate_t total;
    if (st == PL_OK) st = pl_shadows_estimate_sum(sh, h, &a->opts, &total);
    if (st == PL_OK && a->common.json) {
        cJSON_AddStringToObject(o, "shadows", a->shadows);
        cJSON_AddStringToObject(o, "observable", a->obs);
        cJSON_AddNumberToObject(o, "qubits", pl_shadows_qubits(sh));
        cJSON_AddNumberToObject(o, "shots", (double)pl_shadows_shots(sh));
        cJSON_AddItemToObject(o, "estimates", terms);
        cJSON_AddItemToObject(o, "total", estimate_json(&total));
        terms = NULL;
        cli_json_finish(o, &a->common);
        o = NULL;
    } else if (st == PL_OK) {
        print_estimate("total", &total);
    }
    cJSON_Delete(terms);
    cJSON_Delete(o);
    pl_pauli_sum_destroy(h);
    return st;
}

static pl_status_t estimate_windows(const estimate_args_t *a, const pl_shadows_t *sh,
                                    const char *command) {
    PL_TRY(pl_shadows_save_windows(sh, a->windows, a->out, command, a->common.seed));
    const size_t count = pl_shadows_window_count(pl_shadows_qubits(sh), a->windows);
    if (!a->common.quiet)
        fprintf(stderr, "plateau estimate: %zu window features (k = %d, %zu shots) -> %s\n", count,
                a->windows, pl_shadows_shots(sh), a->out);
    if (a->common.json) {
        cJSON *o = cli_json_begin("estimate");
        cJSON_AddStringToObject(o, "shadows", a->shadows);
        cJSON_AddNumberToObject(o, "qubits", pl_shadows_qubits(sh));
        cJSON_AddNumberToObject(o, "shots", (double)pl_shadows_shots(sh));
        cJSON_AddNumberToObject(o, "window", a->windows);
        cJSON_AddNumberToObject(o, "features", (double)count);
        cJSON_AddStringToObject(o, "out", a->out);
        cli_json_finish(o, &a->common);
    } else {
        printf("%zu\n", count);
    }
    return PL_OK;
}

/* The combinations of options that make sense, with the message for the others. */
static int check_args(const estimate_args_t *a, bool windows_given) {
    if (!a->shadows) {
        cli_error("estimate", "missing --shadows, the shot file");
        return CLI_USAGE;
    }
    if (!a->obs == !windows_given) {
        cli_error("estimate", "give either --obs or --windows K --out F.h5");
        return CLI_USAGE;
    }
    if (windows_given && !a->out) {
        cli_error("estimate", "--windows needs --out F.h5");
        return CLI_USAGE;
    }
    if (a->out && !windows_given) {
        cli_error("estimate", "--out goes with --windows");
        return CLI_USAGE;
    }
    if (!(a->opts.delta > 0 && a->opts.delta < 1) || a->opts.groups < 0) {
        cli_error("estimate", "--delta must lie in (0, 1) and --groups be >= 1");
        return CLI_USAGE;
    }
    return CLI_OK;
}

int cli_cmd_estimate(const cli_command_t *cmd, int argc, char **argv) {
    estimate_args_t a = {.opts = {.delta = 0.05}};
    bool windows_given = false;
    const cli_opt_t opts[] = {
        {"--shadows", CLI_STRING, &a.shadows, NULL},
        {"--obs", CLI_STRING, &a.obs, NULL},
        {"--out", CLI_STRING, &a.out, NULL},
        {"--windows", CLI_INT, &a.windows, &windows_given},
        {"--delta", CLI_DOUBLE, &a.opts.delta, NULL},
        {"--groups", CLI_INT, &a.opts.groups, NULL},
    };
    int npos = 0;
    int rc = CLI_PARSE(cmd, argc, argv, opts, &a.common, NULL, &npos);
    if (rc != CLI_CONTINUE) return rc;
    if ((rc = check_args(&a, windows_given)) != CLI_OK) return rc;
    if ((rc = CLI_CHECK_OUTPUTS("estimate", a.out)) != CLI_OK) return rc;
    pl_shadows_t *sh;
    pl_status_t st = pl_shadows_read_any(a.shadows, &sh);
    if (st != PL_OK) return cli_fail("estimate", st);
    char *command = cli_command_line(argc, argv);
    if (!command)
        st = pl_error_nomem("the command line");
    else if (windows_given)
        st = estimate_windows(&a, sh, command);
    else
        st = estimate_obs(&a, sh);
    free(command);
    pl_shadows_destroy(sh);
    return st == PL_OK ? CLI_OK : cli_fail("estimate", st);
}
