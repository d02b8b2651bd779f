/* Matrix product states: construction, canonical forms, norms and overlaps
 * (layouts in include/plateau/mps.h; the tensor storage they share with the
 * other files of the module is in storage.c). */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mps/mps_internal.h"
#include "plateau/core.h"

/* ------------------------------------------------------------------------ */
/* Construction                                                             */
/* ------------------------------------------------------------------------ */

static pl_status_t check_sites(int n) {
    if (n < 1 || n > PL_MPS_MAX_SITES)
        return pl_error(PL_EINVAL, "number of sites %d out of range [1, %d]", n, PL_MPS_MAX_SITES);
    return PL_OK;
}

pl_status_t mps_shell(int n, pl_mps_t **out) {
    *out = NULL;
    PL_TRY(check_sites(n));
    pl_mps_t *psi = calloc(1, sizeof *psi);
    if (psi) {
        psi->n = n;
        psi->center = -1;
        psi->dim = malloc((size_t)(n + 1) * sizeof *psi->dim);
        psi->site = calloc((size_t)n, sizeof *psi->site);
        psi->len = calloc((size_t)n, sizeof *psi->len);
    }
    if (!psi || !psi->dim || !psi->site || !psi->len) {
        pl_mps_destroy(psi);
        return pl_error_nomemf("an MPS of %d sites", n);
    }
    for (int b = 0; b <= n; b++) psi->dim[b] = 1;
    *out = psi;
    return PL_OK;
}

void pl_mps_destroy(pl_mps_t *psi) {
    if (!psi) return;
    if (psi->site && psi->len)
        for (int i = 0; i < psi->n; i++) mps_free(psi->site[i], psi->len[i]);
    free(psi->site);
    free(psi->len);
    free(psi->dim);
    free(psi);
}

/* Allocate every site tensor, zeroed, at the shell's dimensions. */
static pl_status_t alloc_sites(pl_mps_t *psi) {
    for (int i = 0; i < psi->n; i++) {
        const size_t len = mps_site_len(psi, i);
        double *t;
        PL_TRY(mps_alloc(&t, len, "MPS site tensor"));
        memset(t, 0, len * sizeof *t);
        mps_site_replace(psi, i, t, len);
    }
    return PL_OK;
}

pl_status_t pl_mps_create(int n, const int *bond_dims, pl_mps_t **out) {
    *out = NULL;
    PL_TRY(check_sites(n));
    if (!bond_dims) return pl_error(PL_EINVAL, "bond dimensions missing");
    if (bond_dims[0] != 1 || bond_dims[n] != 1)
        return pl_error(PL_EINVAL, "boundary bond dimensions must be 1, got %d and %d",
                        bond_dims[0], bond_dims[n]);
    for (int b = 1; b < n; b++)
        if (bond_dims[b] < 1 || bond_dims[b] > PL_MPS_MAX_BOND)
            return pl_error(PL_EINVAL, "bond dimension %d of bond %d out of range [1, %d]",
                            bond_dims[b], b, PL_MPS_MAX_BOND);
    pl_mps_t *psi;
    PL_TRY(mps_shell(n, &psi));
    memcpy(psi->dim, bond_dims, (size_t)(n + 1) * sizeof *psi->dim);
    pl_status_t st = alloc_sites(psi);
    if (st != PL_OK) {
        pl_mps_destroy(psi);
        return st;
    }
    *out = psi;
    return PL_OK;
}

pl_status_t pl_mps_create_product(int n, const double *local, pl_mps_t **out) {
    *out = NULL;
    PL_TRY(check_sites(n));
    for (int i = 0; local && i < n; i++) {
        const double nrm = hypot(local[2 * i], local[2 * i + 1]);
        if (!(nrm > 0) || !isfinite(nrm))
            return pl_error(PL_EINVAL, "site %d: local state (%g, %g) is zero or not finite", i,
                            local[2 * i], local[2 * i + 1]);
    }
    pl_mps_t *psi;
    PL_TRY(mps_shell(n, &psi));
    pl_status_t st = alloc_sites(psi);
    if (st != PL_OK) {
        pl_mps_destroy(psi);
        return st;
    }
    for (int i = 0; i < n; i++) {
        const double u0 = local ? local[2 * i] : 1.0, u1 = local ? local[2 * i + 1] : 0.0;
        const double nrm = hypot(u0, u1);
        psi->site[i][0] = u0 / nrm;
        psi->site[i][1] = u1 / nrm;
    }
    psi->center = 0;
    *out = psi;
    return PL_OK;
}

/* min(chi, 2^b, 2^(n-b)) without overflowing the shifts. */
static int random_bond(int n, int b, int chi) {
    const int edge = b < n - b ? b : n - b;
    return edge >= 30 || (1 << edge) >= chi ? chi : 1 << edge;
}

pl_status_t pl_mps_create_random(int n, int chi, uint64_t seed, pl_mps_t **out) {
    *out = NULL;
    PL_TRY(check_sites(n));
    if (chi < 1 || chi > PL_MPS_MAX_BOND)
        return pl_error(PL_EINVAL, "bond dimension %d out of range [1, %d]", chi, PL_MPS_MAX_BOND);
    pl_mps_t *psi;
    PL_TRY(mps_shell(n, &psi));
    for (int b = 1; b < n; b++) psi->dim[b] = random_bond(n, b, chi);
    pl_status_t st = alloc_sites(psi);
    pl_rng_t rng;
    pl_rng_seed(&rng, seed, 0);
    for (int i = 0; st == PL_OK && i < n; i++)
        for (size_t k = 0; k < psi->len[i]; k++) psi->site[i][k] = pl_rng_normal(&rng);
    double log_norm;
    if (st == PL_OK) st = mps_canonicalize_scaled(psi, 0, &log_norm);
    if (st != PL_OK) {
        pl_mps_destroy(psi);
        return st;
    }
    *out = psi;
    return PL_OK;
}

pl_status_t pl_mps_clone(const pl_mps_t *src, pl_mps_t **out) {
    *out = NULL;
    pl_mps_t *psi;
    PL_TRY(mps_shell(src->n, &psi));
    memcpy(psi->dim, src->dim, (size_t)(src->n + 1) * sizeof *psi->dim);
    pl_status_t st = PL_OK;
    for (int i = 0; st == PL_OK && i < src->n; i++) {
        const size_t len = mps_site_len(src, i);
        double *t;
        st = mps_alloc(&t, len, "MPS site tensor");
        if (st == PL_OK) {
            memcpy(t, src->site[i], len * sizeof *t);
            mps_site_replace(psi, i, t, len);
        }
    }
    if (st != PL_OK) {
        pl_mps_destroy(psi);
        return st;
    }
    psi->center = src->center;
    *out = psi;
    return PL_OK;
}

/* ------------------------------------------------------------------------ */
/* Accessors                                                                */
/* ------------------------------------------------------------------------ */

int pl_mps_sites(const pl_mps_t *psi) {
    return psi->n;
}

int pl_mps_bond_dim(const pl_mps_t *psi, int b) {
    return b >= 0 && b <= psi->n ? psi->dim[b] : 0;
}

int pl_mps_max_bond_dim(const pl_mps_t *psi) {
    int m = 1;
    for (int b = 0; b <= psi->n; b++) m = psi->dim[b] > m ? psi->dim[b] : m;
    return m;
}

int pl_mps_center(const pl_mps_t *psi) {
    return psi->center;
}

size_t pl_mps_bytes(const pl_mps_t *psi) {
    size_t total = 0;
    for (int i = 0; i < psi->n; i++) total += mps_site_len(psi, i) * sizeof(double);
    return total;
}

static pl_status_t check_site(const pl_mps_t *psi, int i) {
    if (i < 0 || i >= psi->n) return pl_error(PL_EINVAL, "site %d out of range [0, %d)", i, psi->n);
    return PL_OK;
}

pl_status_t pl_mps_site(const pl_mps_t *psi, int i, const double **data, int *dl, int *dr) {
    PL_TRY(check_site(psi, i));
    *data = psi->site[i];
    if (dl) *dl = psi->dim[i];
    if (dr) *dr = psi->dim[i + 1];
    return PL_OK;
}

pl_status_t pl_mps_set_site(pl_mps_t *psi, int i, const double *data, int dl, int dr) {
    PL_TRY(check_site(psi, i));
    if (dl != psi->dim[i] || dr != psi->dim[i + 1])
        return pl_error(PL_EINVAL, "site %d has bond dimensions (%d, %d), got (%d, %d)", i,
                        psi->dim[i], psi->dim[i + 1], dl, dr);
    const size_t len = mps_site_len(psi, i);
    for (size_t k = 0; k < len; k++)
        if (!isfinite(data[k]))
            return pl_error(PL_EINVAL, "site %d: entry %zu is not finite (%g)", i, k, data[k]);
    memcpy(psi->site[i], data, len * sizeof *data);
    psi->center = -1;
    return PL_OK;
}

/* ------------------------------------------------------------------------ */
/* Canonical forms                                                          */
/* ------------------------------------------------------------------------ */

/* Scale @p r (len values) to Frobenius norm 1, adding the log of its norm. */
static pl_status_t rescale(double *r, size_t len, double *log_norm) {
    const double nrm = sqrt(mps_norm2(r, len));
    if (!(nrm > 0) || !isfinite(nrm))
        return pl_error(PL_EINVAL, "the MPS is zero or not finite (norm %g)", nrm);
    cblas_dscal((int)len, 1.0 / nrm, r, 1);
    *log_norm += log(nrm);
    return PL_OK;
}

/*
 * Left-orthonormalise site i < n-1: A_i = Q R (A_i as a (2 dl) x dr matrix),
 * A_i <- Q, A_{i+1} <- R A_{i+1} / ‖R‖; bond i+1 becomes min(2 dl, dr).
 */
static pl_status_t left_step(pl_mps_t *psi, int i, double *log_norm) {
    const int m = 2 * psi->dim[i], n = psi->dim[i + 1], k = m < n ? m : n;
    const int n2 = 2 * psi->dim[i + 2];
    double *a = psi->site[i], *q = NULL, *r = NULL, *next = NULL;
    double *tau = malloc((size_t)k * sizeof *tau);
    pl_status_t st = tau ? PL_OK : pl_error_nomemf("%d Householder factors of a QR step", k);
    if (st == PL_OK) st = mps_alloc(&q, (size_t)m * k, "MPS site tensor");
    if (st == PL_OK) st = mps_alloc(&r, (size_t)k * n, "QR factor");
    if (st == PL_OK) st = mps_alloc(&next, (size_t)k * n2, "MPS site tensor");
    if (st == PL_OK && LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, m, n, a, n, tau) != 0)
        st = pl_error(PL_EINTERNAL, "QR factorisation (dgeqrf) of site %d failed", i);
    if (st == PL_OK) {
        for (int row = 0; row < k; row++)
            for (int col = 0; col < n; col++)
                r[(size_t)row * n + col] = col >= row ? a[(size_t)row * n + col] : 0.0;
        if (LAPACKE_dorgqr(LAPACK_ROW_MAJOR, m, k, k, a, n, tau) != 0)
            st = pl_error(PL_EINTERNAL, "QR factorisation (dorgqr) of site %d failed", i);
    }
    if (st == PL_OK) st = rescale(r, (size_t)k * n, log_norm);
    if (st == PL_OK) {
        for (int row = 0; row < m; row++)
            memcpy(q + (size_t)row * k, a + (size_t)row * n, (size_t)k * sizeof *q);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, k, n2, n, 1.0, r, n,
                    psi->site[i + 1], n2, 0.0, next, n2);
        mps_site_replace(psi, i, q, (size_t)m * k);
        mps_site_replace(psi, i + 1, next, (size_t)k * n2);
        psi->dim[i + 1] = k;
        q = next = NULL;
    }
    mps_free(q, (size_t)m * k);
    mps_free(r, (size_t)k * n);
    mps_free(next, (size_t)k * n2);
    free(tau);
    return st;
}

/*
 * Right-orthonormalise site i > 0: A_i = L Q (A_i as a dl x (2 dr) matrix),
 * A_i <- Q, A_{i-1} <- A_{i-1} L / ‖L‖; bond i becomes min(dl, 2 dr).
 */
static pl_status_t right_step(pl_mps_t *psi, int i, double *log_norm) {
    const int m = psi->dim[i], n = 2 * psi->dim[i + 1], k = m < n ? m : n;
    const int m0 = 2 * psi->dim[i - 1];
    double *a = psi->site[i], *q = NULL, *l = NULL, *prev = NULL;
    double *tau = malloc((size_t)k * sizeof *tau);
    pl_status_t st = tau ? PL_OK : pl_error_nomemf("%d Householder factors of an LQ step", k);
    if (st == PL_OK) st = mps_alloc(&q, (size_t)k * n, "MPS site tensor");
    if (st == PL_OK) st = mps_alloc(&l, (size_t)m * k, "LQ factor");
    if (st == PL_OK) st = mps_alloc(&prev, (size_t)m0 * k, "MPS site tensor");
    if (st == PL_OK && LAPACKE_dgelqf(LAPACK_ROW_MAJOR, m, n, a, n, tau) != 0)
        st = pl_error(PL_EINTERNAL, "LQ factorisation (dgelqf) of site %d failed", i);
    if (st == PL_OK) {
        for (int row = 0; row < m; row++)
            for (int col = 0; col < k; col++)
                l[(size_t)row * k + col] = col <= row ? a[(size_t)row * n + col] : 0.0;
        if (LAPACKE_dorglq(LAPACK_ROW_MAJOR, k, n, k, a, n, tau) != 0)
            st = pl_error(PL_EINTERNAL, "LQ factorisation (dorglq) of site %d failed", i);
    }
    if (st == PL_OK) st = rescale(l, (size_t)m * k, log_norm);
    if (st == PL_OK) {
        memcpy(q, a, (size_t)k * n * sizeof *q); /* the first k rows of a */
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m0, k, m, 1.0, psi->site[i - 1], m,
                    l, k, 0.0, prev, k);
        mps_site_replace(psi, i, q, (size_t)k * n);
        mps_site_replace(psi, i - 1, prev, (size_t)m0 * k);
        psi->dim[i] = k;
        q = prev = NULL;
    }
    mps_free(q, (size_t)k * n);
    mps_free(l, (size_t)m * k);
    mps_free(prev, (size_t)m0 * k);
    free(tau);
    return st;
}

pl_status_t mps_canonicalize_scaled(pl_mps_t *psi, int center, double *log_norm) {
    *log_norm = 0;
    const int old = psi->center;
    const int lo = old < 0 ? 0 : (old < center ? old : center);
    const int hi = old < 0 ? psi->n - 1 : (old > center ? old : center);
    psi->center = -1; /* until every step has succeeded */
    for (int i = lo; i < center; i++) PL_TRY(left_step(psi, i, log_norm));
    for (int i = hi; i > center; i--) PL_TRY(right_step(psi, i, log_norm));
    PL_TRY(rescale(psi->site[center], mps_site_len(psi, center), log_norm));
    psi->center = center;
    return PL_OK;
}

pl_status_t pl_mps_canonicalize(pl_mps_t *psi, int center) {
    PL_TRY(check_site(psi, center));
    double log_norm;
    PL_TRY(mps_canonicalize_scaled(psi, center, &log_norm));
    const double nrm = exp(log_norm);
    if (!isfinite(nrm))
        return pl_error(PL_EINVAL, "the MPS norm exp(%g) overflows; use pl_mps_normalize",
                        log_norm);
    cblas_dscal((int)mps_site_len(psi, center), nrm, psi->site[center], 1);
    return PL_OK;
}

pl_status_t pl_mps_normalize(pl_mps_t *psi, double *norm) {
    double log_norm;
    PL_TRY(mps_canonicalize_scaled(psi, psi->center >= 0 ? psi->center : 0, &log_norm));
    if (norm) *norm = exp(log_norm);
    return PL_OK;
}

pl_status_t mps_canonical_view(const pl_mps_t *psi, const pl_mps_t **view, pl_mps_t **owned) {
    *owned = NULL;
    *view = psi;
    if (psi->center >= 0) return PL_OK;
    pl_mps_t *copy;
    PL_TRY(pl_mps_clone(psi, &copy));
    double log_norm;
    pl_status_t st = mps_canonicalize_scaled(copy, 0, &log_norm);
    if (st != PL_OK) {
        pl_mps_destroy(copy);
        return st;
    }
    *owned = copy;
    *view = copy;
    return PL_OK;
}

/* ------------------------------------------------------------------------ */
/* Norm and overlap                                                         */
/* ------------------------------------------------------------------------ */

/* Largest bond product dim_a(b) * dim_b(b) over the bonds, and the transfer scratch. */
static void overlap_sizes(const pl_mps_t *a, const pl_mps_t *b, size_t *env, size_t *work) {
    *env = 1;
    *work = 1;
    for (int i = 0; i < a->n; i++) {
        const size_t e = (size_t)a->dim[i + 1] * (size_t)b->dim[i + 1];
        const size_t w = mps_transfer_work(a->dim[i], b->dim[i + 1]);
        *env = e > *env ? e : *env;
        *work = w > *work ? w : *work;
    }
}

/* ⟨a|b⟩ = *mant · exp(*log_scale), the transfer matrices rescaled at every site. */
static pl_status_t overlap_scaled(const pl_mps_t *a, const pl_mps_t *b, double *mant,
                                  double *log_scale) {
    size_t env_len, work_len;
    overlap_sizes(a, b, &env_len, &work_len);
    double *e = NULL, *next = NULL, *work = NULL;
    pl_status_t st = mps_alloc(&e, env_len, "overlap environment");
    if (st == PL_OK) st = mps_alloc(&next, env_len, "overlap environment");
    if (st == PL_OK) st = mps_alloc(&work, work_len, "overlap scratch");
    if (st == PL_OK) {
        *log_scale = 0;
        e[0] = 1.0;
        for (int i = 0; i < a->n; i++) {
            mps_transfer(e, a->site[i], a->dim[i], a->dim[i + 1], b->site[i], b->dim[i],
                         b->dim[i + 1], NULL, next, work);
            double *t = e;
            e = next;
            next = t;
            /* Keep the entries near 1: a long chain of unnormalised tensors
             * would overflow or underflow long before the end. */
            const size_t len = (size_t)a->dim[i + 1] * (size_t)b->dim[i + 1];
            const double m = fabs(e[cblas_idamax((int)len, e, 1)]);
            if (m > 0 && isfinite(m)) {
                cblas_dscal((int)len, 1.0 / m, e, 1);
                *log_scale += log(m);
            }
        }
        *mant = e[0];
    }
    mps_free(e, env_len);
    mps_free(next, env_len);
    mps_free(work, work_len);
    return st;
}

pl_status_t pl_mps_overlap(const pl_mps_t *a, const pl_mps_t *b, double *out) {
    if (a->n != b->n) return pl_error(PL_EINVAL, "overlap of MPS on %d and %d sites", a->n, b->n);
    double mant, log_scale;
    PL_TRY(overlap_scaled(a, b, &mant, &log_scale));
    *out = mant == 0 ? 0.0 : mant * exp(log_scale);
    return PL_OK;
}

pl_status_t pl_mps_norm(const pl_mps_t *psi, double *out) {
    if (psi->center >= 0) {
        const int c = psi->center;
        *out = sqrt(mps_norm2(psi->site[c], mps_site_len(psi, c)));
        return PL_OK;
    }
    double mant, log_scale;
    PL_TRY(overlap_scaled(psi, psi, &mant, &log_scale));
    *out = mant == 0 ? 0.0 : sqrt(fabs(mant)) * exp(0.5 * log_scale);
    return PL_OK;
}
