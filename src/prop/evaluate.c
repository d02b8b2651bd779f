/*
 * Evaluating a propagated observable: Σ_α c_α f(P_α) (and the derivatives
 * Σ_α ∂c_α/∂θ f(P_α)) for f the value on |0…0⟩, on a product state, or a
 * caller's function.
 */
#include <stdint.h>
#include <stdlib.h>

#include "prop/prop_internal.h"

/* ⟨0…0|P|0…0⟩: 1 for strings of I and Z, else 0. */
static pl_status_t zero_state_value(const pl_pauli_t *p, void *ctx, double *value) {
    (void)ctx;
    int diagonal = 1;
    for (int i = 0; i < p->nwords && diagonal; i++) diagonal = p->x[i] == 0;
    *value = diagonal;
    return PL_OK;
}

/* ⟨P⟩ on a product state: the product of the Bloch components of its factors. */
static pl_status_t product_state_value(const pl_pauli_t *p, void *ctx, double *value) {
    const double *bloch = ctx;
    double v = 1.0;
    for (int i = 0; i < p->nwords && v != 0.0; i++) {
        uint64_t support = p->x[i] | p->z[i];
        while (support) {
            const int q = 64 * i + __builtin_ctzll(support);
            support &= support - 1;
            const uint64_t bit = UINT64_C(1) << (q & 63);
            const int xb = (p->x[i] & bit) != 0, zb = (p->z[i] & bit) != 0;
            v *= bloch[3 * q + (xb && zb ? 1 : xb ? 0 : 2)]; /* Y → ⟨Y⟩, X → ⟨X⟩, Z → ⟨Z⟩ */
        }
    }
    *value = v;
    return PL_OK;
}

/* Σ_α c_α f(P_α) and, when grad is non-NULL, Σ_α ∂c_α/∂θ f(P_α). */
static pl_status_t accumulate(const pl_prop_t *p, pl_pauli_expval_fn f, void *ctx, double *value,
                              double *grad) {
    const size_t ng = (size_t)p->t.ngrad;
    if (grad && ng == 0)
        return pl_error(PL_EINVAL, "the propagation carried no derivatives: use pl_propagate_diff");
    const prop_terms_t *t = &p->t;
    uint64_t *scratch = malloc(2 * (size_t)t->nw * sizeof *scratch);
    if (!scratch) return pl_error_nomem("a Pauli string");
    double s = 0.0;
    for (size_t j = 0; grad && j < ng; j++) grad[j] = 0.0;
    pl_status_t st = PL_OK;
    /* terms in storage order: shard by shard */
    for (int b = 0; b < t->nshards && st == PL_OK; b++) {
        const prop_shard_t *sh = &t->sh[b];
        for (size_t k = 0; k < sh->size && st == PL_OK; k++) {
            const uint64_t *key = sh->keys + (size_t)t->kw * k;
            if (t->sparse) prop_terms_decode(t, key, scratch);
            const uint64_t *w = t->sparse ? scratch : key;
            const pl_pauli_t v = {.n = t->n,
                                  .nwords = t->nw,
                                  .x = (uint64_t *)w,
                                  .z = (uint64_t *)w + t->nw};
            double e;
            st = f(&v, ctx, &e);
            if (st != PL_OK || e == 0.0) continue;
            s += sh->coeff[k] * e;
            for (size_t j = 0; grad && j < ng; j++) grad[j] += sh->grad[ng * k + j] * e;
        }
    }
    free(scratch);
    PL_TRY(st);
    if (value) *value = s;
    return PL_OK;
}

double pl_prop_expval_zero(const pl_prop_t *p) {
    double v = 0.0;
    (void)accumulate(p, zero_state_value, NULL, &v, NULL); /* cannot fail */
    return v;
}

double pl_prop_expval_product(const pl_prop_t *p, const double *bloch) {
    double v = 0.0;
    (void)accumulate(p, product_state_value, (void *)bloch, &v, NULL);
    return v;
}

pl_status_t pl_prop_expval_callback(const pl_prop_t *p, pl_pauli_expval_fn f, void *ctx,
                                    double *out) {
    return accumulate(p, f, ctx, out, NULL);
}

pl_status_t pl_prop_grad_zero(const pl_prop_t *p, double *value, double *grad) {
    return accumulate(p, zero_state_value, NULL, value, grad);
}

pl_status_t pl_prop_grad_product(const pl_prop_t *p, const double *bloch, double *value,
                                 double *grad) {
    return accumulate(p, product_state_value, (void *)bloch, value, grad);
}

pl_status_t pl_prop_grad_callback(const pl_prop_t *p, pl_pauli_expval_fn f, void *ctx,
                                  double *value, double *grad) {
    return accumulate(p, f, ctx, value, grad);
}
