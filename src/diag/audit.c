/*
 * The audit: is a parameterised circuit trainable, and is it classically
 * simulable? Evidence from the DLA, sampled variances, the light cone and
 * truncated Pauli propagation; the rules are in diag.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plateau/core.h"
#include "plateau/diag.h"
#include "plateau/lie.h"
#include "plateau/prop.h"

enum { AUDIT_SAMPLE_MAX_QUBITS = 20, AUDIT_LIGHT_CONE_MAX = 20 };
#define AUDIT_GSIM_MAX_DIM 10000

/* Qubits any term of O reaches going backwards through the circuit. */
static int light_cone(const pl_circuit_t *c, const pl_pauli_sum_t *obs) {
    const int n = pl_circuit_qubits(c);
    char *in = calloc((size_t)n, 1);
    if (!in) return n;
    for (size_t k = 0; k < pl_pauli_sum_size(obs); k++) {
        pl_pauli_t p;
        double complex coeff;
        pl_pauli_sum_term(obs, k, &p, &coeff);
        for (int q = 0; q < n; q++) in[q] |= pl_pauli_get(&p, q) != PL_I;
    }
    for (size_t i = pl_circuit_size(c); i-- > 0;) {
        pl_op_t op;
        pl_circuit_op(c, i, &op);
        int touches = 0;
        for (int j = 0; j < op.nqubits; j++) touches |= in[op.qubits[j]];
        for (int j = 0; touches && j < op.nqubits; j++) in[op.qubits[j]] = 1;
    }
    int size = 0;
    for (int q = 0; q < n; q++) size += in[q];
    free(in);
    return size;
}

/* Var[C] of a 2-design: (Tr O² − (Tr O)²/d)(1 − 1/d)/(d² − 1), with
 * Tr O² = d Σ c² and Tr O = d c_I for a Pauli sum: ≈ Σ_{P≠I} c_P² / d. */
static double haar_variance(const pl_pauli_sum_t *obs, int n, double *norm1) {
    double nonid = 0.0;
    *norm1 = 0.0;
    for (size_t k = 0; k < pl_pauli_sum_size(obs); k++) {
        pl_pauli_t p;
        double complex coeff;
        pl_pauli_sum_term(obs, k, &p, &coeff);
        *norm1 += cabs(coeff);
        if (pl_pauli_weight(&p) > 0) nonid += creal(coeff) * creal(coeff);
    }
    const double d = ldexp(1.0, n); /* (d Σc² + d c_I² − d c_I²)(1 − 1/d)/(d² − 1) */
    return d * nonid * (1 - 1 / d) / (d * d - 1);
}

static void dla_part(const pl_circuit_t *c, const pl_pauli_sum_t *obs, const pl_audit_opts_t *o,
                     pl_audit_t *a) {
    const pl_lie_opts_t lo = {.max_dim = o->max_dim ? o->max_dim : 4096};
    pl_lie_t *g = NULL;
    pl_status_t st = pl_lie_from_circuit(c, &lo, &g);
    if (st != PL_OK) {
        snprintf(a->note, sizeof a->note, "DLA: %s", pl_error_message());
        return;
    }
    a->dla_ok = true;
    a->dla_dim = pl_lie_dim(g);
    a->dla_capped = pl_lie_capped(g);
    if (!a->dla_capped) a->dla_center_dim = pl_lie_center_dim(g);
    if (!a->dla_capped && pl_lie_predicted_variance(g, NULL, obs, &a->predicted_variance) == PL_OK)
        a->has_prediction = true;
    else if (!a->dla_capped)
        snprintf(a->note, sizeof a->note, "prediction: %s", pl_error_message());
    if (a->has_prediction && a->dla_dim <= AUDIT_GSIM_MAX_DIM) a->simulator = PL_SIM_GSIM;
    pl_lie_destroy(g);
}

static pl_status_t propagation_part(const pl_circuit_t *c, const pl_pauli_sum_t *obs,
                                    const double *theta, pl_audit_t *a) {
    for (int w = 2; w <= 4; w += 2) {
        const pl_trunc_t t = {.max_weight = w};
        pl_prop_t *p;
        pl_prop_stats_t stats;
        PL_TRY(pl_propagate(c, theta, obs, &t, &p, &stats));
        pl_prop_destroy(p);
        *(w == 2 ? &a->terms_w2 : &a->terms_w4) = stats.terms;
        *(w == 2 ? &a->truncated_w2 : &a->truncated_w4) = stats.truncated_weight;
    }
    return PL_OK;
}

pl_status_t pl_audit(const pl_circuit_t *c, const pl_pauli_sum_t *obs, const double *theta,
                     const pl_audit_opts_t *opts, pl_audit_t *a) {
    static const pl_audit_opts_t defaults = {0};
    if (!opts) opts = &defaults;
    memset(a, 0, sizeof *a);
    a->qubits = pl_circuit_qubits(c);
    a->params = pl_circuit_num_params(c);
    if (a->params < 1)
        return pl_error(PL_EINVAL, "the circuit has no parameters theta[k] to audit");
    PL_TRY(pl_pauli_sum_check_qubits(obs, a->qubits, "circuit"));
    double *angles = NULL;
    if (!theta) { /* random angles for the propagation statistics */
        angles = malloc((size_t)a->params * sizeof *angles);
        if (!angles) return pl_error_nomemf("%d random angles", a->params);
        pl_rng_t rng;
        pl_rng_seed(&rng, opts->seed, 99);
        for (int k = 0; k < a->params; k++) angles[k] = 2 * PL_PI * pl_rng_uniform(&rng);
        theta = angles;
    }
    a->haar_variance = haar_variance(obs, a->qubits, &a->obs_norm1);
    a->light_cone = light_cone(c, obs);
    dla_part(c, obs, opts, a);
    pl_status_t st = PL_OK;
    if (a->qubits <= AUDIT_SAMPLE_MAX_QUBITS) {
        const pl_bp_opts_t bo = {.samples = opts->samples ? opts->samples : 100,
                                 .seed = opts->seed,
                                 .param_index = -1};
        pl_bp_point_t pt;
        st = pl_bp_sample(c, obs, &bo, &pt);
        a->sampled = st == PL_OK;
        a->var_cost = pt.var_cost;
        a->var_cost_stderr = pt.var_cost_stderr;
        a->var_grad = pt.var_grad;
        a->var_grad_stderr = pt.stderr;
    }
    if (st == PL_OK) st = propagation_part(c, obs, theta, a);
    free(angles);
    if (st != PL_OK) return st;
    if (a->simulator == PL_SIM_NONE && a->light_cone <= AUDIT_LIGHT_CONE_MAX)
        a->simulator = PL_SIM_LIGHT_CONE;
    if (a->simulator == PL_SIM_NONE && a->truncated_w4 <= 0.01 * a->obs_norm1)
        a->simulator = PL_SIM_PAULI_PROPAGATION;
    const bool known = a->sampled || a->has_prediction;
    const double variance = a->sampled ? a->var_cost : a->predicted_variance;
    if (known && variance < 10 * a->haar_variance)
        a->verdict = "barren plateau";
    else if (a->simulator != PL_SIM_NONE)
        a->verdict = "trainable and classically simulable";
    else
        a->verdict = "trainable, no efficient classical simulation known";
    return PL_OK;
}

const char *pl_sim_name(pl_sim_kind_t kind) {
    switch (kind) {
        case PL_SIM_GSIM: return "g-sim";
        case PL_SIM_LIGHT_CONE: return "light-cone Pauli propagation";
        case PL_SIM_PAULI_PROPAGATION: return "truncated Pauli propagation";
        default: return NULL;
    }
}
