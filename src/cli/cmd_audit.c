/* plateau audit: trainability and classical simulability of a circuit, with evidence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

const char cli_audit_usage[] =
    "usage: plateau audit FILE.qasm --obs PAULI_SUM [--params V,... | --params-file F]\n"
    "                     [--samples S] [--max-dim N] [--out REPORT.md] [options]\n"
    "\n"
    "Judge a parameterised circuit (theta[k]) with cost <0...0|U^dagger O U|0...0>:\n"
    "its dynamical Lie algebra and the variance it predicts, the variances sampled\n"
    "over random angles, the backward light cone of O and truncated Pauli\n"
    "propagation; then a verdict: \"barren plateau\", \"trainable and classically\n"
    "simulable\" (with the method and the command that runs it), or \"trainable, no\n"
    "efficient classical simulation known\". The rules are in docs/cli.md.\n"
    "\n"
    "  --obs TEXT        the cost observable\n"
    "  --params V,...    angles for the propagation statistics (default: random)\n"
    "  --samples S       angle vectors for the sampled variances (default 100; up to\n"
    "                    20 qubits)\n"
    "  --max-dim N       stop the DLA closure at N (default 4096)\n"
    "  --out REPORT.md   also write the Markdown report there\n"
    "  --json            one JSON object: dla_dim, dla_capped, center_dim,\n"
    "                    predicted_variance, haar_variance, sampled_var_cost,\n"
    "                    sampled_var_grad, light_cone, propagation, verdict,\n"
    "                    simulator, command\n";

typedef struct {
    cli_problem_args_t in;
    int samples;
    uint64_t max_dim;
    const char *out;
    cli_common_t common;
} audit_args_t;

/* The command that runs the simulator found (into buf). */
static void sim_command(const audit_args_t *a, const pl_audit_t *r, char *buf, size_t cap) {
    char params[1200] = "";
    if (a->in.params)
        snprintf(params, sizeof params, " --params %s", a->in.params);
    else if (a->in.params_file)
        snprintf(params, sizeof params, " --params-file %s", a->in.params_file);
    else
        snprintf(params, sizeof params, " --params ...");
    switch (r->simulator) {
        case PL_SIM_GSIM:
            snprintf(buf, cap, "plateau sim %s --obs \"%s\"%s --method gsim", a->in.file,
                     a->in.obs_text, params);
            break;
        case PL_SIM_LIGHT_CONE:
            snprintf(buf, cap, "plateau propagate %s --obs \"%s\"%s", a->in.file, a->in.obs_text,
                     params);
            break;
        case PL_SIM_PAULI_PROPAGATION:
            snprintf(buf, cap, "plateau propagate %s --obs \"%s\"%s --max-weight 4", a->in.file,
                     a->in.obs_text, params);
            break;
        default: buf[0] = '\0';
    }
}

/* The report; NULL when memory ran out. */
static char *markdown(const audit_args_t *a, const pl_audit_t *r, const char *command) {
    cli_text_t t = {0};
#define ADD(...) cli_text_add(&t, __VA_ARGS__)
    ADD("# plateau audit: %s\n\nObservable `%s`, %d qubits, %d parameters.\n\n", a->in.file,
        a->in.obs_text, r->qubits, r->params);
    ADD("**Verdict: %s%s%s.**\n\n", r->verdict, r->simulator ? " with " : "",
        r->simulator && strcmp(r->verdict, "barren plateau") != 0 ? pl_sim_name(r->simulator) : "");
    if (command[0] && strcmp(r->verdict, "barren plateau") != 0) ADD("Run it: `%s`\n\n", command);
    ADD("| evidence | value |\n|---|---|\n");
    if (r->dla_ok)
        ADD("| dynamical Lie algebra | dim %s%zu%s |\n", r->dla_capped ? "≥ " : "", r->dla_dim,
            r->dla_capped ? " (closure stopped)" : "");
    if (r->dla_ok && !r->dla_capped)
        ADD("| centre of the algebra | dim %zu |\n", r->dla_center_dim);
    if (r->has_prediction)
        ADD("| predicted Var[C] = P_g(ρ)P_g(O)/dim g | %.4g |\n", r->predicted_variance);
    ADD("| Var[C] of a 2-design (barren-plateau scale) | %.4g |\n", r->haar_variance);
    if (r->sampled) {
        ADD("| sampled Var[C] | %.4g ± %.2g |\n", r->var_cost, r->var_cost_stderr);
        ADD("| sampled Var[∂C/∂θ] (mean over θ_k) | %.4g ± %.2g |\n", r->var_grad,
            r->var_grad_stderr);
    }
    ADD("| backward light cone of O | %d of %d qubits |\n", r->light_cone, r->qubits);
    ADD("| Pauli propagation, weight ≤ 2 | %zu strings, truncated weight %.3g of Σ|c| = %.3g |\n",
        r->terms_w2, r->truncated_w2, r->obs_norm1);
    ADD("| Pauli propagation, weight ≤ 4 | %zu strings, truncated weight %.3g |\n", r->terms_w4,
        r->truncated_w4);
    if (r->note[0]) ADD("\nNote: %s\n", r->note);
    ADD("\nRules: a barren plateau when the variance of the cost (sampled, else predicted) is "
        "below 10× the 2-design value; otherwise simulable with g-sim (DLA of dimension ≤ 10⁴ "
        "containing O), on the light cone (≤ 20 qubits), or by Pauli propagation (weight 4 "
        "truncates < 1 %% of Σ|c|).\n");
#undef ADD
    if (t.failed) {
        free(t.s);
        return NULL;
    }
    return t.s;
}

static void print_json(const audit_args_t *a, const pl_audit_t *r, const char *command) {
    cJSON *o = cli_json_begin("audit"), *prop = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "file", a->in.file);
    cJSON_AddNumberToObject(o, "qubits", r->qubits);
    cJSON_AddNumberToObject(o, "params", r->params);
    if (r->dla_ok)
        cJSON_AddNumberToObject(o, "dla_dim", (double)r->dla_dim);
    else
        cJSON_AddNullToObject(o, "dla_dim");
    cJSON_AddBoolToObject(o, "dla_capped", r->dla_capped);
    if (r->dla_ok && !r->dla_capped)
        cJSON_AddNumberToObject(o, "center_dim", (double)r->dla_center_dim);
    else
        cJSON_AddNullToObject(o, "center_dim");
    if (r->has_prediction)
        cJSON_AddNumberToObject(o, "predicted_variance", r->predicted_variance);
    else
        cJSON_AddNullToObject(o, "predicted_variance");
    cJSON_AddNumberToObject(o, "haar_variance", r->haar_variance);
    if (r->sampled) {
        cJSON_AddNumberToObject(o, "sampled_var_cost", r->var_cost);
        cJSON_AddNumberToObject(o, "sampled_var_grad", r->var_grad);
    } else {
        cJSON_AddNullToObject(o, "sampled_var_cost");
        cJSON_AddNullToObject(o, "sampled_var_grad");
    }
    cJSON_AddNumberToObject(o, "light_cone", r->light_cone);
    cJSON_AddNumberToObject(prop, "terms_w2", (double)r->terms_w2);
    cJSON_AddNumberToObject(prop, "truncated_w2", r->truncated_w2);
    cJSON_AddNumberToObject(prop, "terms_w4", (double)r->terms_w4);
    cJSON_AddNumberToObject(prop, "truncated_w4", r->truncated_w4);
    cJSON_AddItemToObject(o, "propagation", prop);
    cJSON_AddStringToObject(o, "verdict", r->verdict);
    const char *sim = strcmp(r->verdict, "barren plateau") != 0 ? pl_sim_name(r->simulator) : NULL;
    if (sim)
        cJSON_AddStringToObject(o, "simulator", sim);
    else
        cJSON_AddNullToObject(o, "simulator");
    if (sim)
        cJSON_AddStringToObject(o, "command_to_simulate", command);
    else
        cJSON_AddNullToObject(o, "command_to_simulate");
    if (r->note[0]) cJSON_AddStringToObject(o, "note", r->note);
    cli_json_finish(o, &a->common);
}

static pl_status_t run(const audit_args_t *a) {
    cli_problem_t p = {0};
    pl_status_t st = cli_load_problem(&a->in, &p);
    pl_audit_t r;
    const pl_audit_opts_t o = {.samples = a->samples,
                               .max_dim = (size_t)a->max_dim,
                               .seed = a->common.seed};
    if (st == PL_OK) st = pl_audit(p.circuit, p.obs, p.theta, &o, &r);
    char command[4096] = "";
    if (st == PL_OK) sim_command(a, &r, command, sizeof command);
    char *md = st == PL_OK ? markdown(a, &r, command) : NULL;
    if (st == PL_OK && !md) st = pl_error_nomem("the audit report");
    if (st == PL_OK && a->out) st = pl_io_write_text_atomic(a->out, md);
    if (st == PL_OK) {
        if (a->common.json)
            print_json(a, &r, command);
        else
            fputs(md, stdout);
    }
    free(md);
    cli_problem_free(&p);
    return st;
}

int cli_cmd_audit(const cli_command_t *cmd, int argc, char **argv) {
    audit_args_t a = {.in = {.params_optional = true}};
    const cli_opt_t opts[] = {
        {"--obs", CLI_STRING, &a.in.obs_text, NULL},
        {"--params", CLI_STRING, &a.in.params, NULL},
        {"--params-file", CLI_STRING, &a.in.params_file, NULL},
        {"--samples", CLI_INT, &a.samples, NULL},
        {"--max-dim", CLI_U64, &a.max_dim, NULL},
        {"--out", CLI_STRING, &a.out, NULL},
    };
    int npos = 0;
    int rc = CLI_PARSE(cmd, argc, argv, opts, &a.common, &a.in.file, &npos);
    if (rc != CLI_CONTINUE) return rc;
    if (!a.in.obs_text) {
        cli_error("audit", "missing --obs, the observable (e.g. --obs \"Z0 Z1\")");
        return CLI_USAGE;
    }
    if (a.samples < 0 || a.samples == 1) {
        cli_error("audit", "--samples must be at least 2, got %d", a.samples);
        return CLI_USAGE;
    }
    if ((rc = CLI_CHECK_OUTPUTS("audit", a.out)) != CLI_OK) return rc;
    pl_status_t st = run(&a);
    return st == PL_OK ? CLI_OK : cli_fail("audit", st);
}
