/* Observables of an MPS: Pauli strings, MPOs, Pauli sums, entanglement
 * entropies. All work on a canonical form (mps_canonical_view), so sites
 * outside the region of interest contract to identities and long chains stay
 * well scaled. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mps/mps_internal.h"

/* The real factors X, Z, iY as 2 x 2 row-major matrices (pl_pauli_op_t order). */
static const double REAL_OP[4][4] = {{1, 0, 0, 1}, {0, 1, 1, 0}, {1, 0, 0, -1}, {0, 1, -1, 0}};

/* Squared norm of a canonical MPS: that of its centre tensor. */
static double center_norm2(const pl_mps_t *psi) {
    return mps_norm2(psi->site[psi->center], mps_site_len(psi, psi->center));
}

/* ⟨ψ|Π_{lo<=i<=hi} op_i|ψ⟩ on a canonical ψ whose centre lies in [lo, hi]. */
static pl_status_t contract_range(const pl_mps_t *psi, const pl_pauli_t *p, int lo, int hi,
                                  double *out) {
    size_t env_len = (size_t)psi->dim[lo] * psi->dim[lo], work_len = 1;
    for (int i = lo; i <= hi; i++) {
        const size_t e = (size_t)psi->dim[i + 1] * psi->dim[i + 1];
        const size_t w = mps_transfer_work(psi->dim[i], psi->dim[i + 1]);
        env_len = e > env_len ? e : env_len;
        work_len = w > work_len ? w : work_len;
    }
    double *e = NULL, *next = NULL, *work = NULL;
    pl_status_t st = mps_alloc(&e, env_len, "expectation environment");
    if (st == PL_OK) st = mps_alloc(&next, env_len, "expectation environment");
    if (st == PL_OK) st = mps_alloc(&work, work_len, "expectation scratch");
    if (st == PL_OK) {
        const int d0 = psi->dim[lo]; /* the left-orthonormal sites give the identity */
        memset(e, 0, (size_t)d0 * d0 * sizeof *e);
        for (int a = 0; a < d0; a++) e[(size_t)a * d0 + a] = 1.0;
        for (int i = lo; i <= hi; i++) {
            const pl_pauli_op_t op = pl_pauli_get(p, i);
            mps_transfer(e, psi->site[i], psi->dim[i], psi->dim[i + 1], psi->site[i], psi->dim[i],
                         psi->dim[i + 1], op == PL_I ? NULL : REAL_OP[op], next, work);
            double *t = e;
            e = next;
            next = t;
        }
        const int d1 = psi->dim[hi + 1]; /* the right-orthonormal ones close with a trace */
        double tr = 0;
        for (int a = 0; a < d1; a++) tr += e[(size_t)a * d1 + a];
        *out = tr;
    }
    mps_free(e, env_len);
    mps_free(next, env_len);
    mps_free(work, work_len);
    return st;
}

pl_status_t pl_mps_expval_pauli(const pl_mps_t *psi, const pl_pauli_t *p, double *out) {
    if (p->n != psi->n)
        return pl_error(PL_EINVAL, "Pauli string on %d qubits for an MPS of %d sites", p->n,
                        psi->n);
    const int ny = pl_pauli_count_y(p);
    if (ny % 2) { /* purely imaginary operator: zero in a real state */
        *out = 0.0;
        return PL_OK;
    }
    const pl_mps_t *v;
    pl_mps_t *owned;
    PL_TRY(mps_canonical_view(psi, &v, &owned));
    int lo = v->center, hi = v->center;
    for (int q = 0; q < v->n; q++)
        if (pl_pauli_get(p, q) != PL_I) {
            lo = q < lo ? q : lo;
            hi = q > hi ? q : hi;
        }
    double value = 0;
    pl_status_t st = contract_range(v, p, lo, hi, &value);
    if (st == PL_OK) *out = ((ny / 2) % 2 ? -1.0 : 1.0) * value / center_norm2(v);
    pl_mps_destroy(owned);
    return st;
}

/* ⟨ψ|W|ψ⟩ for a canonical ψ, by left environments from site 0 to n − 1. */
static pl_status_t contract_mpo(const pl_mps_t *psi, const pl_mpo_t *h, double *out) {
    size_t env_len = 1, work_len = 1;
    for (int i = 0; i < psi->n; i++) {
        const size_t e = (size_t)psi->dim[i + 1] * psi->dim[i + 1] * (size_t)h->dim[i + 1];
        const size_t w = mps_env_work(psi->dim[i], psi->dim[i + 1], h->dim[i], h->dim[i + 1]);
        env_len = e > env_len ? e : env_len;
        work_len = w > work_len ? w : work_len;
    }
    double *e = NULL, *next = NULL, *work = NULL;
    pl_status_t st = mps_alloc(&e, env_len, "expectation environment");
    if (st == PL_OK) st = mps_alloc(&next, env_len, "expectation environment");
    if (st == PL_OK) st = mps_alloc(&work, work_len, "expectation scratch");
    if (st == PL_OK) {
        e[0] = 1.0;
        for (int i = 0; i < psi->n; i++) {
            mps_env_update(e, psi->dim[i], h->dim[i], psi->site[i], psi->dim[i + 1], h->nz[i],
                           h->nnz[i], h->dim[i + 1], false, next, work);
            double *t = e;
            e = next;
            next = t;
        }
        *out = e[0];
    }
    mps_free(e, env_len);
    mps_free(next, env_len);
    mps_free(work, work_len);
    return st;
}

pl_status_t pl_mps_expval_mpo(const pl_mps_t *psi, const pl_mpo_t *h, double *out) {
    if (h->n != psi->n)
        return pl_error(PL_EINVAL, "MPO on %d sites for an MPS of %d sites", h->n, psi->n);
    const pl_mps_t *v;
    pl_mps_t *owned;
    PL_TRY(mps_canonical_view(psi, &v, &owned));
    double value = 0;
    const int blas_threads = mps_blas_single_begin();
    pl_status_t st = contract_mpo(v, h, &value);
    mps_blas_single_end(blas_threads);
    if (st == PL_OK) *out = value / center_norm2(v);
    pl_mps_destroy(owned);
    return st;
}

pl_status_t pl_mps_expval_sum(const pl_mps_t *psi, const pl_pauli_sum_t *h, double *out) {
    if (pl_pauli_sum_qubits(h) != psi->n)
        return pl_error(PL_EINVAL, "Pauli sum on %d qubits for an MPS of %d sites",
                        pl_pauli_sum_qubits(h), psi->n);
    pl_mpo_t *w;
    PL_TRY(mpo_build(h, true, &w));
    pl_status_t st = pl_mps_expval_mpo(psi, w, out);
    pl_mpo_destroy(w);
    return st;
}

/* −Σ p ln p over p_k = s_k² / Σ s². */
static double entropy_of(const double *s, int k) {
    double total = 0, ent = 0;
    for (int j = 0; j < k; j++) total += s[j] * s[j];
    for (int j = 0; j < k; j++) {
        const double p = s[j] * s[j] / total;
        if (p > 0) ent -= p * log(p);
    }
    return ent;
}

/* One step of the SVD sweep on a copy with centre i: A_i = U S Vᵀ, entropy of S,
 * A_i <- U, A_{i+1} <- S Vᵀ A_{i+1}; the centre moves to i + 1. */
static pl_status_t entropy_step(pl_mps_t *psi, int i, double *entropy) {
    const int m = 2 * psi->dim[i], n = psi->dim[i + 1], k = m < n ? m : n;
    const int n2 = 2 * psi->dim[i + 2];
    double *u = NULL, *s = NULL, *vt = NULL, *next = NULL;
    pl_status_t st = mps_alloc(&u, (size_t)m * k, "MPS site tensor");
    if (st == PL_OK) st = mps_alloc(&s, (size_t)k, "singular values");
    if (st == PL_OK) st = mps_alloc(&vt, (size_t)k * n, "SVD factor");
    if (st == PL_OK) st = mps_alloc(&next, (size_t)k * n2, "MPS site tensor");
    if (st == PL_OK) st = mps_svd(psi->site[i], m, n, u, s, vt);
    if (st == PL_OK) {
        *entropy = entropy_of(s, k);
        for (int j = 0; j < k; j++) cblas_dscal(n, s[j], vt + (size_t)j * n, 1);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, k, n2, n, 1.0, vt, n,
                    psi->site[i + 1], n2, 0.0, next, n2);
        mps_site_replace(psi, i, u, (size_t)m * k);
        mps_site_replace(psi, i + 1, next, (size_t)k * n2);
        psi->dim[i + 1] = k;
        psi->center = i + 1;
        u = next = NULL;
    }
    mps_free(u, (size_t)m * k);
    mps_free(s, (size_t)k);
    mps_free(vt, (size_t)k * n);
    mps_free(next, (size_t)k * n2);
    return st;
}

pl_status_t pl_mps_entropies(const pl_mps_t *psi, double *entropy) {
    if (psi->n == 1) return PL_OK;
    pl_mps_t *copy;
    PL_TRY(pl_mps_clone(psi, &copy));
    double log_norm;
    pl_status_t st = mps_canonicalize_scaled(copy, 0, &log_norm);
    for (int i = 0; st == PL_OK && i + 1 < copy->n; i++) st = entropy_step(copy, i, &entropy[i]);
    pl_mps_destroy(copy);
    return st;
}
