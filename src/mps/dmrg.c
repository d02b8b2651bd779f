/*
 * Two-site DMRG (White 1992; Schollwöck, Ann. Phys. 326, 96 (2011), §6).
 *
 * Environments: left[i] contracts sites 0 … i−1 with the MPO (shape
 * (dim(i), w(i), dim(i))), right[i] sites i … n−1 (same shape on bond i);
 * left[0] = right[n] = 1. A step on the pair (i, i+1) needs left[i] and
 * right[i+2]. A full sweep: pairs 0 … n−2 left to right (the centre moves
 * right; the last pair keeps it at n−2), then n−3 … 0 right to left, ending
 * right-canonical. Environments made stale by a step are freed at once, so
 * about n of them are held at any time.
 */
#include <cblas.h>
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linalg/lanczos.h"
#include "mps/mps_internal.h"
#include "plateau/core.h"

enum {
    DMRG_DEFAULT_MAX_SWEEPS = 30,
    DMRG_DEFAULT_MIN_SWEEPS = 2,
    DMRG_DEFAULT_CHI_START = 16,
    DMRG_DEFAULT_LANCZOS_ITER = 12,
    DMRG_KRYLOV_MAX = 40
};
#define DMRG_DEFAULT_ENERGY_TOL 1e-10
/* Local solves need not be exact: the sweeps refine the state, and a few
 * Krylov steps from the previous two-site tensor are enough (TFIM n = 128 at
 * criticality: 12 steps / 1e-8 reach the same energy as 100 / 1e-10 in a
 * quarter of the time). */
#define DMRG_DEFAULT_LANCZOS_TOL 1e-8

/* A grow-only scratch block of doubles. */
typedef struct {
    double *p;
    size_t cap;
} buf_t;

typedef struct {
    const pl_mpo_t *h;
    pl_mps_t *psi;
    pl_dmrg_opts_t o; /* defaults filled in */
    double **left, **right;
    size_t *left_len, *right_len;
    size_t env_bytes;
    buf_t theta, local1, local2, local3, env_work, site_t, u, s, vt;
    double sweep_trunc; /* largest discarded weight of this sweep */
    pl_dmrg_result_t *res;
} dmrg_t;

static pl_status_t buf_need(buf_t *b, size_t count, const char *what) {
    if (count <= b->cap) return PL_OK;
    mps_free(b->p, b->cap);
    b->p = NULL;
    b->cap = 0;
    PL_TRY(mps_alloc(&b->p, count, what));
    b->cap = count;
    return PL_OK;
}

static void buf_free(buf_t *b) {
    mps_free(b->p, b->cap);
    b->p = NULL;
    b->cap = 0;
}

/* ------------------------------------------------------------------------ */
/* Options and set-up                                                       */
/* ------------------------------------------------------------------------ */

static pl_status_t resolve_opts(const pl_dmrg_opts_t *in, pl_dmrg_opts_t *o) {
    if (!in) return pl_error(PL_EINVAL, "DMRG options missing (chi_max is required)");
    *o = *in;
    if (o->chi_max < 1 || o->chi_max > PL_MPS_MAX_BOND)
        return pl_error(PL_EINVAL, "chi_max %d out of range [1, %d]", o->chi_max, PL_MPS_MAX_BOND);
    if (o->chi_start < 0 || o->chi_start > o->chi_max)
        return pl_error(PL_EINVAL, "chi_start %d out of range [0, chi_max = %d]", o->chi_start,
                        o->chi_max);
    if (!(o->cutoff >= 0 && o->cutoff < 1))
        return pl_error(PL_EINVAL, "cutoff %g must be in [0, 1)", o->cutoff);
    if (!(o->energy_tol >= 0) || !isfinite(o->energy_tol))
        return pl_error(PL_EINVAL, "energy_tol %g must be finite and >= 0", o->energy_tol);
    if (!(o->lanczos_tol >= 0) || !isfinite(o->lanczos_tol))
        return pl_error(PL_EINVAL, "lanczos_tol %g must be finite and >= 0", o->lanczos_tol);
    if (o->max_sweeps < 0 || o->min_sweeps < 0 || o->lanczos_max_iter < 0)
        return pl_error(PL_EINVAL,
                        "max_sweeps %d, min_sweeps %d and lanczos_max_iter %d must "
                        "be >= 0",
                        o->max_sweeps, o->min_sweeps, o->lanczos_max_iter);
    if (!o->chi_start)
        o->chi_start = o->chi_max < DMRG_DEFAULT_CHI_START ? o->chi_max : DMRG_DEFAULT_CHI_START;
    if (o->energy_tol == 0) o->energy_tol = DMRG_DEFAULT_ENERGY_TOL;
    if (!o->max_sweeps) o->max_sweeps = DMRG_DEFAULT_MAX_SWEEPS;
    if (!o->min_sweeps) o->min_sweeps = DMRG_DEFAULT_MIN_SWEEPS;
    if (o->min_sweeps > o->max_sweeps) o->min_sweeps = o->max_sweeps;
    if (!o->lanczos_max_iter) o->lanczos_max_iter = DMRG_DEFAULT_LANCZOS_ITER;
    if (o->lanczos_tol == 0) o->lanczos_tol = DMRG_DEFAULT_LANCZOS_TOL;
    return PL_OK;
}

/* min(chi, 2^b, 2^(n−b)): the largest useful dimension of bond b. */
static double bond_cap(int n, int b, int chi) {
    const int edge = b < n - b ? b : n - b;
    return edge >= 30 || (1 << edge) >= chi ? chi : (double)(1 << edge);
}

/* Refuse before starting when state + environments at chi_max would not fit. */
static pl_status_t check_memory(const pl_mpo_t *h, int chi) {
    double bytes = 0;
    for (int b = 0; b <= h->n; b++) {
        const double d = bond_cap(h->n, b, chi);
        bytes += 8.0 * d * d * (h->dim[b] + 2.0); /* environment + site tensor */
    }
    bytes += 8.0 * 4 * chi * (double)chi * 60; /* Lanczos basis and local scratch */
    const double avail = (double)pl_mem_limit() - (double)pl_mem_in_use();
    if (bytes > avail) {
        char need[32], have[32];
        pl_mem_format_bytes(bytes, need, sizeof need);
        pl_mem_format_bytes(avail > 0 ? avail : 0, have, sizeof have);
        return pl_error(PL_ENOMEM,
                        "DMRG of %d sites at bond dimension %d needs about %s, "
                        "over the %s left under the memory limit",
                        h->n, chi, need, have);
    }
    return PL_OK;
}

/* Replace environment slot *e (length *len) by a new block of @p count doubles. */
static pl_status_t env_alloc(dmrg_t *d, double **e, size_t *len, size_t count) {
    d->env_bytes -= *len * sizeof(double);
    mps_free(*e, *len);
    *e = NULL;
    *len = 0;
    PL_TRY(mps_alloc(e, count, "DMRG environment"));
    *len = count;
    d->env_bytes += count * sizeof(double);
    if (d->env_bytes > d->res->env_bytes) d->res->env_bytes = d->env_bytes;
    return PL_OK;
}

static void env_drop(dmrg_t *d, double **e, size_t *len) {
    d->env_bytes -= *len * sizeof(double);
    mps_free(*e, *len);
    *e = NULL;
    *len = 0;
}

/* left[i + 1] from left[i] and site i. */
static pl_status_t update_left(dmrg_t *d, int i) {
    const pl_mps_t *p = d->psi;
    const int dl = p->dim[i], dr = p->dim[i + 1], wl = d->h->dim[i], wr = d->h->dim[i + 1];
    PL_TRY(env_alloc(d, &d->left[i + 1], &d->left_len[i + 1], (size_t)dr * wr * dr));
    PL_TRY(buf_need(&d->env_work, mps_env_work(dl, dr, wl, wr), "DMRG scratch"));
    mps_env_update(d->left[i], dl, wl, p->site[i], dr, d->h->nz[i], d->h->nnz[i], wr, false,
                   d->left[i + 1], d->env_work.p);
    return PL_OK;
}

/* right[i] from right[i + 1] and site i (the mirrored left update). */
static pl_status_t update_right(dmrg_t *d, int i) {
    const pl_mps_t *p = d->psi;
    const int dl = p->dim[i], dr = p->dim[i + 1], wl = d->h->dim[i], wr = d->h->dim[i + 1];
    PL_TRY(env_alloc(d, &d->right[i], &d->right_len[i], (size_t)dl * wl * dl));
    PL_TRY(buf_need(&d->env_work, mps_env_work(dr, dl, wr, wl), "DMRG scratch"));
    PL_TRY(buf_need(&d->site_t, mps_site_len(p, i), "DMRG scratch"));
    mps_transpose_site(p->site[i], dl, dr, d->site_t.p);
    mps_env_update(d->right[i + 1], dr, wr, d->site_t.p, dl, d->h->nz[i], d->h->nnz[i], wl, true,
                   d->right[i], d->env_work.p);
    return PL_OK;
}

static pl_status_t dmrg_setup(dmrg_t *d, const pl_mps_t *init) {
    const int n = d->h->n;
    d->left = calloc((size_t)n + 1, sizeof *d->left);
    d->right = calloc((size_t)n + 1, sizeof *d->right);
    d->left_len = calloc((size_t)n + 1, sizeof *d->left_len);
    d->right_len = calloc((size_t)n + 1, sizeof *d->right_len);
    if (!d->left || !d->right || !d->left_len || !d->right_len)
        return pl_error_nomemf("DMRG environments of %d sites", n);
    if (init) {
        PL_TRY(pl_mps_clone(init, &d->psi));
        double log_norm;
        PL_TRY(mps_canonicalize_scaled(d->psi, 0, &log_norm));
    } else {
        PL_TRY(pl_mps_create_random(n, d->o.chi_start, d->o.seed, &d->psi));
    }
    PL_TRY(env_alloc(d, &d->left[0], &d->left_len[0], 1));
    PL_TRY(env_alloc(d, &d->right[n], &d->right_len[n], 1));
    d->left[0][0] = d->right[n][0] = 1.0;
    for (int i = n - 1; i >= 2; i--) PL_TRY(update_right(d, i));
    return PL_OK;
}

static void dmrg_free(dmrg_t *d) {
    const int n = d->h->n;
    for (int b = 0; b <= n; b++) {
        if (d->left && d->left_len) env_drop(d, &d->left[b], &d->left_len[b]);
        if (d->right && d->right_len) env_drop(d, &d->right[b], &d->right_len[b]);
    }
    free(d->left);
    free(d->right);
    free(d->left_len);
    free(d->right_len);
    buf_t *bufs[] = {&d->theta,  &d->local1, &d->local2, &d->local3, &d->env_work,
                     &d->site_t, &d->u,      &d->s,      &d->vt};
    for (size_t k = 0; k < sizeof bufs / sizeof *bufs; k++) buf_free(bufs[k]);
}

/* ------------------------------------------------------------------------ */
/* One two-site step                                                        */
/* ------------------------------------------------------------------------ */

/* Lowest eigenvector of the effective Hamiltonian of pair (i, i+1), in theta. */
static pl_status_t local_solve(dmrg_t *d, int i, double *energy) {
    const pl_mps_t *p = d->psi;
    const pl_mpo_t *h = d->h;
    const int dl = p->dim[i], dr = p->dim[i + 2];
    dmrg_local_t op = {.left = d->left[i],
                       .right = d->right[i + 2],
                       .dl = dl,
                       .dr = dr,
                       .wl = h->dim[i],
                       .wm = h->dim[i + 1],
                       .wr = h->dim[i + 2],
                       .w1 = h->nz[i],
                       .n1 = h->nnz[i],
                       .w2 = h->nz[i + 1],
                       .n2 = h->nnz[i + 1]};
    const size_t work = dmrg_local_work(dl, dr, op.wl, op.wm, op.wr);
    PL_TRY(buf_need(&d->local1, work, "DMRG local scratch"));
    PL_TRY(buf_need(&d->local2, work, "DMRG local scratch"));
    PL_TRY(buf_need(&d->local3, work, "DMRG local scratch"));
    op.buf1 = d->local1.p;
    op.buf2 = d->local2.p;
    op.buf3 = d->local3.p;
    const int krylov =
        d->o.lanczos_max_iter + 1 < DMRG_KRYLOV_MAX ? d->o.lanczos_max_iter + 1 : DMRG_KRYLOV_MAX;
    const linalg_lanczos_opts_t lo = {.max_iter = d->o.lanczos_max_iter,
                                      .tol = d->o.lanczos_tol,
                                      .krylov_max = krylov};
    pl_status_t st = linalg_lanczos_lowest(dmrg_local_apply, &op, (size_t)4 * dl * dr, d->theta.p,
                                           &lo, energy, NULL);
    d->res->matvec_seconds += op.seconds;
    d->res->matvecs += op.count;
    d->res->matvec_flops += (double)op.count * dmrg_local_flops(&op);
    return st;
}

/* Site tensors i (m x k) and i+1 (k x n) from a split replace the pair; the
 * centre moves to i + 1 with @p to_right, else stays at i. */
/* The kept rank of singular values s[0 .. kf−1] under chi and the cutoff;
 * the sweep's largest discarded weight is updated. */
static int truncation_rank(dmrg_t *d, const double *s, int kf, int chi) {
    double discarded;
    const int k = mps_truncation_rank(s, kf, chi, d->o.cutoff, &discarded);
    d->sweep_trunc = discarded > d->sweep_trunc ? discarded : d->sweep_trunc;
    return k;
}

/* The two new site tensors of a split: a (m x k) and b (k x n). */
static pl_status_t alloc_split(int m, int k, int n, double **a, double **b) {
    PL_TRY(mps_alloc(a, (size_t)m * k, "MPS site tensor"));
    pl_status_t st = mps_alloc(b, (size_t)k * n, "MPS site tensor");
    if (st != PL_OK) {
        mps_free(*a, (size_t)m * k);
        *a = NULL;
    }
    return st;
}

static void install(pl_mps_t *p, int i, double *a, double *b, int m, int k, int n, bool to_right) {
    mps_site_replace(p, i, a, (size_t)m * k);
    mps_site_replace(p, i + 1, b, (size_t)k * n);
    p->dim[i + 1] = k;
    p->center = to_right ? i + 1 : i;
}

/*
 * Split theta (2 dl x 2 dr) by a truncated SVD (dgesdd) into sites i and i+1. With
 * @p to_right the singular values go into site i+1 (the centre moves to
 * i + 1), else into site i (centre i). The kept values are renormalised, so
 * the state keeps norm 1.
 */
static pl_status_t split_svd(dmrg_t *d, int i, int chi, bool to_right) {
    pl_mps_t *p = d->psi;
    const int m = 2 * p->dim[i], n = 2 * p->dim[i + 2], kf = m < n ? m : n;
    PL_TRY(buf_need(&d->u, (size_t)m * kf, "DMRG SVD"));
    PL_TRY(buf_need(&d->s, (size_t)kf, "DMRG SVD"));
    PL_TRY(buf_need(&d->vt, (size_t)kf * n, "DMRG SVD"));
    PL_TRY(mps_svd(d->theta.p, m, n, d->u.p, d->s.p, d->vt.p));
    const int k = truncation_rank(d, d->s.p, kf, chi);
    double *s = d->s.p;
    const double scale = 1.0 / sqrt(mps_norm2(s, (size_t)k));
    for (int j = 0; j < k; j++) s[j] *= scale;
    double *a = NULL, *b = NULL;
    PL_TRY(alloc_split(m, k, n, &a, &b));
    for (int row = 0; row < m; row++) { /* the first k columns of U */
        const double *src = d->u.p + (size_t)row * kf;
        double *dst = a + (size_t)row * k;
        for (int j = 0; j < k; j++) dst[j] = to_right ? src[j] : src[j] * s[j];
    }
    for (int j = 0; j < k; j++) { /* the first k rows of Vᵀ */
        const double *src = d->vt.p + (size_t)j * n;
        double *dst = b + (size_t)j * n;
        const double f = to_right ? s[j] : 1.0;
        for (int col = 0; col < n; col++) dst[col] = f * src[col];
    }
    install(p, i, a, b, m, k, n, to_right);
    return PL_OK;
}

/* Eigenvalues below this fraction of the largest are rounding noise of the
 * density matrix (its absolute accuracy is ~ε λ_max): taken as exact zeros. */
#define DMRG_RHO_FLOOR (16 * DBL_EPSILON)

/*
 * Split theta (m = 2 dl rows, n = 2 dr columns) into sites i and i+1, truncated
 * as by its SVD θ = U S Vᵀ, through the density matrix of the side that stays
 * orthonormal (White 1992; Schollwöck 2011, §4.2): with @p to_right
 * ρ = θ θᵀ = U S² Uᵀ, site i = U_k (its k leading eigenvectors) and
 * site i+1 = U_kᵀ θ = S_k V_kᵀ (the centre moves to i + 1); else ρ = θᵀ θ =
 * V S² Vᵀ, site i+1 = V_kᵀ and site i = θ V_k = U_k S_k (centre i). k and the
 * discarded weight follow mps_truncation_rank on s = √λ. The orthonormal
 * side comes straight from the eigensolver and the other side is an exact
 * projection of θ, so nothing is divided by a small singular value; the kept
 * part is renormalised, so the state keeps norm 1. A symmetric eigensolve of
 * the smaller side costs about half an SVD (dgesdd) at these sizes.
 */
static pl_status_t split_rho(dmrg_t *d, int i, int chi, bool to_right) {
    pl_mps_t *p = d->psi;
    const int m = 2 * p->dim[i], n = 2 * p->dim[i + 2], kf = m < n ? m : n;
    const int side = to_right ? m : n; /* ρ is side x side */
    PL_TRY(buf_need(&d->u, (size_t)side * side, "DMRG density matrix"));
    PL_TRY(buf_need(&d->s, 2 * (size_t)side, "DMRG density matrix"));
    PL_TRY(buf_need(&d->vt, (size_t)n * kf, "DMRG density matrix"));
    double *rho = d->u.p, *lam = d->s.p, *s = d->s.p + side;
    /* ρ = θ θᵀ (to_right) or θᵀ θ, upper triangle; row-major */
    cblas_dsyrk(CblasRowMajor, CblasUpper, to_right ? CblasNoTrans : CblasTrans, side,
                to_right ? n : m, 1.0, d->theta.p, n, 0.0, rho, side);
    const lapack_int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', side, rho, side, lam);
    if (info != 0)
        return pl_error(PL_EINTERNAL,
                        "DMRG: eigensolver failed (LAPACK dsyevd info %d) on a %d x %d density "
                        "matrix",
                        (int)info, side, side);
    /* ascending eigenvalues; eigenvector c is column c of rho. s descending: */
    const double top = lam[side - 1] > 0 ? lam[side - 1] : 0.0;
    for (int j = 0; j < kf; j++) {
        const double l = lam[side - 1 - j];
        s[j] = l > DMRG_RHO_FLOOR * top ? sqrt(l) : 0.0;
    }
    const int k = truncation_rank(d, s, kf, chi);
    double *a = NULL, *b = NULL;
    PL_TRY(alloc_split(m, k, n, &a, &b));
    if (to_right) {
        for (int row = 0; row < m; row++) /* site i = U_k: the k leading eigenvectors */
            for (int j = 0; j < k; j++)
                a[(size_t)row * k + j] = rho[(size_t)row * side + (side - 1 - j)];
        /* site i+1 = U_kᵀ θ (k x n) */
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, k, n, m, 1.0, a, k, d->theta.p, n, 0.0,
                    b, n);
        cblas_dscal(k * n, 1.0 / sqrt(mps_norm2(b, (size_t)k * n)), b, 1);
    } else {
        double *v = d->vt.p; /* V_k (n x k) */
        for (int row = 0; row < n; row++)
            for (int j = 0; j < k; j++)
                v[(size_t)row * k + j] = rho[(size_t)row * side + (side - 1 - j)];
        for (int j = 0; j < k; j++) /* site i+1 = V_kᵀ */
            for (int col = 0; col < n; col++) b[(size_t)j * n + col] = v[(size_t)col * k + j];
        /* site i = θ V_k (m x k) */
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, k, n, 1.0, d->theta.p, n, v, k,
                    0.0, a, k);
        cblas_dscal(m * k, 1.0 / sqrt(mps_norm2(a, (size_t)m * k)), a, 1);
    }
    install(p, i, a, b, m, k, n, to_right);
    return PL_OK;
}

/* The density matrix resolves weights down to ~ε λ_max only: cutoffs below
 * this take the SVD (weights to ~ε², singular values to ~ε s_max). */
#define DMRG_RHO_MIN_CUTOFF 1e-14

/* Split theta after its local solve: through the density matrix at cutoffs
 * it resolves (about twice as fast), else by the SVD. The choice depends on
 * the options only. */
static pl_status_t split(dmrg_t *d, int i, int chi, bool to_right) {
    return d->o.cutoff >= DMRG_RHO_MIN_CUTOFF ? split_rho(d, i, chi, to_right)
                                              : split_svd(d, i, chi, to_right);
}

/* Optimise the pair (i, i+1), split it and update the environment behind. */
static pl_status_t dmrg_step(dmrg_t *d, int i, int chi, bool to_right, double *energy) {
    pl_mps_t *p = d->psi;
    const int m = 2 * p->dim[i], mid = p->dim[i + 1], n = 2 * p->dim[i + 2];
    PL_TRY(buf_need(&d->theta, (size_t)m * n, "DMRG two-site tensor"));
    /* theta[(a s1), (s2 b)] = Σ_c A_i[(a s1), c] A_{i+1}[c, (s2 b)] */
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, mid, 1.0, p->site[i], mid,
                p->site[i + 1], n, 0.0, d->theta.p, n);
    PL_TRY(local_solve(d, i, energy));
    PL_TRY(split(d, i, chi, to_right));
    if (to_right) {
        env_drop(d, &d->right[i + 1], &d->right_len[i + 1]);
        return update_left(d, i);
    }
    env_drop(d, &d->left[i + 1], &d->left_len[i + 1]);
    return update_right(d, i + 1);
}

/* One full sweep; d->res->energy becomes ⟨ψ|H|ψ⟩ of the state after it. */
static pl_status_t dmrg_sweep(dmrg_t *d, int chi) {
    const int n = d->h->n;
    double e_local;
    d->sweep_trunc = 0;
    for (int i = 0; i <= n - 2; i++) PL_TRY(dmrg_step(d, i, chi, i < n - 2, &e_local));
    for (int i = n - 3; i >= 0; i--) PL_TRY(dmrg_step(d, i, chi, false, &e_local));
    /* The state is right-canonical with norm 1: E = Σ left1 · right[1], with left1
     * the environment of site 0. */
    PL_TRY(update_left(d, 0));
    const size_t len = d->left_len[1];
    d->res->energy = cblas_ddot((int)len, d->left[1], 1, d->right[1], 1);
    env_drop(d, &d->left[1], &d->left_len[1]);
    d->res->max_truncation_error = d->sweep_trunc;
    return PL_OK;
}

/* ------------------------------------------------------------------------ */
/* Driver                                                                   */
/* ------------------------------------------------------------------------ */

static pl_status_t check_args(const pl_mpo_t *h, const pl_mps_t *init) {
    if (h->n < 2)
        return pl_error(PL_EINVAL,
                        "DMRG needs at least 2 sites, got %d (use exact "
                        "diagonalisation)",
                        h->n);
    if (init && init->n != h->n)
        return pl_error(PL_EINVAL, "initial MPS has %d sites, the Hamiltonian %d", init->n, h->n);
    return PL_OK;
}

/* Sweep until converged or out of sweeps. */
static pl_status_t dmrg_run(dmrg_t *d, const pl_timer_t *timer) {
    pl_dmrg_result_t *r = d->res;
    double previous = INFINITY;
    for (int sweep = 1; sweep <= d->o.max_sweeps; sweep++) {
        const int shift = sweep - 1 < 16 ? sweep - 1 : 16;
        const long grown = (long)d->o.chi_start << shift;
        r->chi = grown < d->o.chi_max ? (int)grown : d->o.chi_max;
        const double t0 = pl_timer_elapsed(timer);
        PL_TRY(dmrg_sweep(d, r->chi));
        r->sweeps = sweep;
        r->last_sweep_seconds = pl_timer_elapsed(timer) - t0;
        r->energy_change = fabs(r->energy - previous);
        r->max_bond_dim = pl_mps_max_bond_dim(d->psi);
        r->seconds = pl_timer_elapsed(timer);
        previous = r->energy;
        r->converged = r->chi == d->o.chi_max && sweep >= d->o.min_sweeps &&
                       r->energy_change < d->o.energy_tol;
        if (d->o.progress) d->o.progress(r, d->o.progress_ctx);
        if (r->converged) break;
    }
    return PL_OK;
}

pl_status_t pl_dmrg(const pl_mpo_t *h, const pl_dmrg_opts_t *opts, const pl_mps_t *init,
                    pl_mps_t **out, pl_dmrg_result_t *result) {
    *out = NULL;
    pl_dmrg_result_t local_result;
    dmrg_t d = {.h = h, .res = result ? result : &local_result};
    memset(d.res, 0, sizeof *d.res);
    d.res->energy_change = INFINITY;
    d.res->mpo_bond_dim = pl_mpo_max_bond_dim(h);
    PL_TRY(resolve_opts(opts, &d.o));
    PL_TRY(check_args(h, init));
    PL_TRY(check_memory(h, d.o.chi_max));
    const pl_timer_t timer = pl_timer_start();
    const int blas_threads = mps_blas_single_begin(); /* OpenMP shares out the work */
    pl_status_t st = dmrg_setup(&d, init);
    if (st == PL_OK) st = dmrg_run(&d, &timer);
    mps_blas_single_end(blas_threads);
    d.res->seconds = pl_timer_elapsed(&timer);
    dmrg_free(&d);
    if (st != PL_OK) {
        pl_mps_destroy(d.psi);
        return st;
    }
    *out = d.psi;
    return PL_OK;
}
