/* plateau gs: ground state of a spin-chain model, exact or by DMRG, with its label. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

const char cli_gs_usage[] =
    "usage: plateau gs --model M --sites N [--param k=v,...] [--method auto|exact|dmrg]\n"
    "                  [--chi X] [--cutoff C] [--sweeps S] [--tol T] [--out F.h5] [options]\n"
    "\n"
    "Ground state of a spin chain with open boundaries (docs/models.md): its energy,\n"
    "the DMRG truncation error, and the phase label of the parameter point.\n"
    "\n"
    "  --model M       tfim, cluster-ising, generalized-cluster, annni, xxx-alternating\n"
    "  --sites N       chain length\n"
    "  --param k=v,... model parameters (others take their defaults), e.g. h=0.8\n"
    "  --method M      exact (Lanczos on the state vector, up to ~22 sites), dmrg, or\n"
    "                  auto (default: exact up to 14 sites)\n"
    "  --chi X         DMRG bond dimension (default 64)\n"
    "  --cutoff C      DMRG discarded weight per cut (default 1e-12)\n"
    "  --sweeps S      DMRG sweeps at most (default 30)\n"
    "  --tol T         DMRG stops when a sweep changes the energy less (default 1e-10)\n"
    "  --out F.h5      save the ground state as an MPS (plateau-mps HDF5 format)\n"
    "  --seed S        start vectors\n"
    "  --json          one JSON object: model, sites, params, method, energy,\n"
    "                  max_truncation_error, label, label_index, label_rule,\n"
    "                  label_closed_form, label_measured, sweeps, max_bond_dim,\n"
    "                  converged, seconds, out\n"
    "  --quiet         no progress on stderr\n";

typedef struct {
    const char *model, *params, *method, *out;
    int sites;
    bool sites_given;
    pl_ground_opts_t gs;
    cli_common_t common;
} gs_args_t;

static void sweep_progress(const pl_dmrg_result_t *r, void *ctx) {
    (void)ctx;
    fprintf(stderr, "plateau gs: sweep %2d  chi %4d  E = %.12f  dE = %.2e  trunc %.1e  (%.1f s)\n",
            r->sweeps, r->chi, r->energy, r->energy_change, r->max_truncation_error, r->seconds);
}

static cJSON *params_json(const pl_model_t *m, const double *params) {
    cJSON *o = cJSON_CreateObject();
    for (int k = 0; k < m->nparams; k++) cJSON_AddNumberToObject(o, m->params[k].name, params[k]);
    return o;
}

static const char *label_name(const pl_model_t *m, int label) {
    const char *name = pl_model_label_name(m, label);
    return name ? name : "none";
}

static void report(const gs_args_t *a, const pl_model_t *m, const double *params,
                   const pl_ground_result_t *r) {
    if (!a->common.json) {
        printf("energy %.12f\nlabel %s\n", r->energy, label_name(m, r->label));
        if (r->method == PL_GROUND_DMRG)
            printf("max_truncation_error %.3e\n", r->max_truncation_error);
        return;
    }
    cJSON *o = cli_json_begin("gs");
    cJSON_AddStringToObject(o, "model", m->name);
    cJSON_AddNumberToObject(o, "sites", a->sites);
    cJSON_AddItemToObject(o, "params", params_json(m, params));
    cJSON_AddStringToObject(o, "method", pl_ground_method_name(r->method));
    cJSON_AddNumberToObject(o, "energy", r->energy);
    cJSON_AddNumberToObject(o, "energy_per_site", r->energy / a->sites);
    cJSON_AddNumberToObject(o, "max_truncation_error", r->max_truncation_error);
    cJSON_AddStringToObject(o, "label", label_name(m, r->label));
    cJSON_AddNumberToObject(o, "label_index", r->label);
    cJSON_AddStringToObject(o, "label_rule", r->label_rule);
    cJSON_AddStringToObject(o, "label_closed_form", label_name(m, r->label_closed_form));
    if (r->label_measured >= 0)
        cJSON_AddStringToObject(o, "label_measured", label_name(m, r->label_measured));
    else
        cJSON_AddNullToObject(o, "label_measured");
    cJSON_AddNumberToObject(o, "sweeps", r->sweeps);
    cJSON_AddNumberToObject(o, "max_bond_dim", r->max_bond_dim);
    cJSON_AddBoolToObject(o, "converged", r->converged);
    cJSON_AddNumberToObject(o, "seconds", r->seconds);
    if (a->out)
        cJSON_AddStringToObject(o, "out", a->out);
    else
        cJSON_AddNullToObject(o, "out");
    cli_json_finish(o, &a->common);
}

/* The state file records what it is the ground state of. */
static pl_status_t save(const gs_args_t *a, const pl_model_t *m, const double *params,
                        const pl_ground_result_t *r, const pl_mps_t *psi, const char *command) {
    pl_mps_attr_t extra[4 + PL_MODEL_MAX_PARAMS];
    size_t k = 0;
    extra[k++] = (pl_mps_attr_t){"model", m->name, 0};
    extra[k++] = (pl_mps_attr_t){"energy", NULL, r->energy};
    extra[k++] = (pl_mps_attr_t){"label", label_name(m, r->label), 0};
    extra[k++] = (pl_mps_attr_t){"max_truncation_error", NULL, r->max_truncation_error};
    char names[PL_MODEL_MAX_PARAMS][40];
    for (int p = 0; p < m->nparams; p++) {
        snprintf(names[p], sizeof names[p], "param_%s", m->params[p].name);
        extra[k++] = (pl_mps_attr_t){names[p], NULL, params[p]};
    }
    return pl_mps_save(psi, a->out, command, a->common.seed, extra, k);
}

static pl_status_t run(gs_args_t *a, const char *command) {
    const pl_model_t *m;
    PL_TRY(pl_model_lookup(a->model, &m));
    double params[PL_MODEL_MAX_PARAMS];
    PL_TRY(pl_model_parse_params(m, a->params, params));
    if (a->method) PL_TRY(pl_ground_method_lookup(a->method, &a->gs.method));
    a->gs.seed = a->common.seed;
    if (!a->common.quiet) a->gs.progress = sweep_progress;
    pl_ground_result_t r;
    pl_mps_t *psi = NULL;
    PL_TRY(pl_ground_solve(m, a->sites, params, &a->gs, &r, a->out ? &psi : NULL));
    pl_status_t st = a->out ? save(a, m, params, &r, psi, command) : PL_OK;
    if (st == PL_OK) report(a, m, params, &r);
    pl_mps_destroy(psi);
    return st;
}

static int check_args(const gs_args_t *a) {
    if (!a->model) {
        cli_error("gs", "missing --model (tfim, cluster-ising, generalized-cluster, annni, "
                        "xxx-alternating)");
        return CLI_USAGE;
    }
    if (!a->sites_given) {
        cli_error("gs", "missing --sites N");
        return CLI_USAGE;
    }
    if (a->gs.chi_max < 0 || a->gs.max_sweeps < 0 || a->gs.cutoff < 0 || a->gs.energy_tol < 0) {
        cli_error("gs", "--chi, --sweeps, --cutoff and --tol must not be negative");
        return CLI_USAGE;
    }
    return CLI_OK;
}

int cli_cmd_gs(const cli_command_t *cmd, int argc, char **argv) {
    gs_args_t a = {0};
    bool chi_given = false;
    const cli_opt_t opts[] = {
        {"--model", CLI_STRING, &a.model, NULL},
        {"--sites", CLI_INT, &a.sites, &a.sites_given},
        {"--param", CLI_STRING, &a.params, NULL},
        {"--method", CLI_STRING, &a.method, NULL},
        {"--chi", CLI_INT, &a.gs.chi_max, &chi_given},
        {"--cutoff", CLI_DOUBLE, &a.gs.cutoff, NULL},
        {"--sweeps", CLI_INT, &a.gs.max_sweeps, NULL},
        {"--tol", CLI_DOUBLE, &a.gs.energy_tol, NULL},
        {"--out", CLI_STRING, &a.out, NULL},
    };
    int npos = 0;
    int rc = CLI_PARSE(cmd, argc, argv, opts, &a.common, NULL, &npos);
    if (rc != CLI_CONTINUE) return rc;
    if ((rc = check_args(&a)) != CLI_OK) return rc;
    if (chi_given && a.gs.chi_max < 1) {
        cli_error("gs", "--chi must be at least 1, got %d", a.gs.chi_max);
        return CLI_USAGE;
    }
    if ((rc = CLI_CHECK_OUTPUTS("gs", a.out)) != CLI_OK) return rc;
    char *command = cli_command_line(argc, argv);
    pl_status_t st = command ? run(&a, command) : pl_error_nomem("the command line");
    free(command);
    return st == PL_OK ? CLI_OK : cli_fail("gs", st);
}
