/*
 * g-purities and the Lie-algebraic variance (lie.h states the formulas and
 * normalisations). Everything goes through coordinates on the unit-norm
 * basis b_j = Σ_P c_jP P:
 *   state:      s_j = Σ_P c_jP ⟨P⟩_ρ          P_g(ρ) = 2^−n Σ_j s_j²
 *   observable: o_j = Σ_P c_jP o_P             P_g(O) = 2^n Σ_j o_j²
 *   variance:   Σ_k (Σ_{j∈g_k} s_j²)(Σ_{j∈g_k} o_j²) / dim g_k   (2^n cancels)
 * with sums over ideals taken in the ideal's own orthonormal basis.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lie/lie_internal.h"

/* ⟨P⟩ on the circuit's input state ψ (|0…0⟩ when sv is NULL), the frame's
 * Cliffords applied first: ⟨ψ|K†PK|ψ⟩. */
static pl_status_t expval_string(const pl_lie_t *g, const pl_sv_t *sv, pl_pauli_t *p,
                                 pl_pauli_t *scratch, double *out) {
    const double sign = g->frame ? lie_program_heisenberg(g->frame, p, scratch) : 1.0;
    if (sv) {
        PL_TRY(pl_sv_expval_pauli(sv, p, out));
        *out *= sign;
        return PL_OK;
    }
    bool diagonal = true; /* ⟨0…0|P|0…0⟩ = 1 for strings of I and Z, else 0 */
    for (int w = 0; w < p->nwords && diagonal; w++) diagonal = p->x[w] == 0;
    *out = diagonal ? sign : 0.0;
    return PL_OK;
}

pl_status_t lie_state_coords(const pl_lie_t *g, const pl_sv_t *sv, double *s) {
    if (g->capped)
        return pl_error(PL_EINVAL,
                        "the algebra was capped at %zu elements: purities need the "
                        "whole algebra (raise max_dim)",
                        g->dim);
    if (sv && pl_sv_qubits(sv) != g->n)
        return pl_error(PL_EINVAL, "state on %d qubits, the algebra on %d", pl_sv_qubits(sv), g->n);
    pl_pauli_t *p = NULL, *scratch = NULL;
    pl_status_t st = pl_pauli_create(g->n, &p);
    if (st == PL_OK) st = pl_pauli_create(g->n, &scratch);
    memset(s, 0, g->dim * sizeof *s);
    for (size_t k = 0; k < g->npost && st == PL_OK; k++) {
        if (g->post[k].n == 0) continue;
        pl_pauli_t view;
        lie_dict_get(&g->dict, k, &view);
        pl_pauli_copy(p, &view);
        double e;
        st = expval_string(g, sv, p, scratch, &e);
        for (size_t t = 0; t < g->post[k].n && st == PL_OK && e != 0.0; t++)
            s[g->post[k].j[t]] += g->post[k].c[t] * e;
    }
    pl_pauli_destroy(p);
    pl_pauli_destroy(scratch);
    return st;
}

static pl_status_t alloc_coords(const pl_lie_t *g, double **out) {
    *out = malloc((g->dim ? g->dim : 1) * sizeof **out);
    return *out ? PL_OK : pl_error_nomemf("%zu coordinates", g->dim);
}

static double sum_squares(const double *v, size_t n) {
    double s = 0.0;
    for (size_t j = 0; j < n; j++) s += v[j] * v[j];
    return s;
}

pl_status_t pl_lie_purity_state(const pl_lie_t *g, const pl_sv_t *state, double *out) {
    double *s;
    PL_TRY(alloc_coords(g, &s));
    pl_status_t st = lie_state_coords(g, state, s);
    if (st == PL_OK) *out = ldexp(sum_squares(s, g->dim), -g->n);
    free(s);
    return st;
}

pl_status_t pl_lie_purity_obs(const pl_lie_t *g, const pl_pauli_sum_t *obs, double *out) {
    if (g->capped)
        return pl_error(PL_EINVAL,
                        "the algebra was capped at %zu elements: purities need the "
                        "whole algebra (raise max_dim)",
                        g->dim);
    double *o, identity, residual;
    PL_TRY(alloc_coords(g, &o));
    pl_status_t st = lie_obs_coords(g, obs, o, &identity, &residual);
    if (st == PL_OK) *out = ldexp(sum_squares(o, g->dim), g->n);
    free(o);
    return st;
}

/* Per-ideal squared norms of the coordinates v (dim entries) into acc. */
static void ideal_norms(const pl_lie_t *g, const double *v, double *acc) {
    for (size_t k = 0; k < g->nideals; k++) {
        const lie_ideal_t *a = &g->ideals[k];
        acc[k] = 0.0;
        for (size_t c = 0; c < a->dim; c++) {
            double y = 0.0; /* coordinate on the ideal's column c */
            if (a->vecs)
                for (size_t t = 0; t < a->nsup; t++) y += a->vecs[c * a->nsup + t] * v[a->sup[t]];
            else
                y = v[a->sup[c]];
            acc[k] += y * y;
        }
    }
}

static pl_status_t variance(pl_lie_t *g, const double *s, const double *o, double *out) {
    double *ps = malloc((g->nideals ? g->nideals : 1) * 2 * sizeof *ps);
    if (!ps) return pl_error_nomem("the purities");
    double *po = ps + g->nideals;
    ideal_norms(g, s, ps);
    ideal_norms(g, o, po);
    *out = 0.0;
    for (size_t k = 0; k < g->nideals; k++) *out += ps[k] * po[k] / (double)g->ideals[k].dim;
    free(ps);
    return PL_OK;
}

pl_status_t pl_lie_predicted_variance(pl_lie_t *g, const pl_sv_t *state, const pl_pauli_sum_t *obs,
                                      double *out) {
    double *s = NULL, *o = NULL, identity, residual;
    PL_TRY(lie_ideals(g));
    pl_status_t st = alloc_coords(g, &s);
    if (st == PL_OK) st = alloc_coords(g, &o);
    if (st == PL_OK) st = lie_state_coords(g, state, s);
    if (st == PL_OK) st = lie_obs_coords(g, obs, o, &identity, &residual);
    if (st == PL_OK && residual > 1e-8)
        st = pl_error(PL_EUNSUPPORTED,
                      "the observable is not in i*g (relative residual %.3g "
                      "outside the span): the variance formula needs O in the "
                      "algebra",
                      residual);
    if (st == PL_OK) st = variance(g, s, o, out);
    free(s);
    free(o);
    return st;
}
