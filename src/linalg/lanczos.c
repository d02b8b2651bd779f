/* Lanczos with full reorthogonalisation and thick restarts (see lanczos.h).
 *
 * Basis vectors are stored one after another (vector i at basis + i·dim) so
 * that the operator reads a contiguous vector. Inner products use a fixed
 * chunking (core/reduce.h), so results do not depend on the thread count.
 */
#include "linalg/lanczos.h"

#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plateau/core.h"
#include "core/reduce.h"

enum {
    LZ_DEFAULT_MAX_ITER = 300,
    LZ_DEFAULT_KRYLOV = 40,
    LZ_MAX_KRYLOV = 1000,      /* keeps the small dense problems small */
    LZ_PARALLEL_MIN = 1 << 14, /* smaller vectors stay on the calling thread */
    LZ_ROWS = 4096,            /* rows per block in the update kernels */
    LZ_COMBINE_BUF = 8192      /* doubles of stack scratch in lz_combine */
};
#define LZ_DEFAULT_TOL 1e-10

typedef struct {
    linalg_matvec_fn op;
    void *ctx;
    size_t dim;
    int m;          /* most basis vectors held */
    int keep;       /* Ritz vectors kept at a restart */
    int nb;         /* basis vectors held now */
    bool restarted; /* t is tridiagonal until the first thick restart */
    double *basis;  /* m vectors of dim doubles (pl_mem_alloc, with w) */
    double *w;      /* the next direction, dim doubles */
    size_t big_bytes;
    double *t;       /* projected matrix Vᵀ A V, m x m, column-major (ld m) */
    double *s;       /* eigenvectors of the leading nb x nb block of t (ld nb) */
    double *theta;   /* its eigenvalues, ascending */
    double *coef;    /* m projection coefficients */
    double *partial; /* CORE_REDUCE_CHUNKS x m partial inner products */
    double *work;    /* dsyev's work space, lwork doubles (fits nb = m) */
    lapack_int lwork;
} lanczos_t;

static double *lz_vec(const lanczos_t *lz, int i) {
    return lz->basis + (size_t)i * lz->dim;
}

/*
 * Every kernel below runs its rows in an OpenMP loop only from
 * LZ_PARALLEL_MIN rows up, and otherwise in a plain loop with no OpenMP
 * region at all: entering even a one-thread region costs microseconds, more
 * than the arithmetic on the short vectors of DMRG's local problems. Both
 * branches split the work the same way, so the results are the same.
 */

/* Four doubles (GCC/Clang vector extension; one AVX register, two SSE2). */
typedef double lz_v4 __attribute__((vector_size(32)));

/* Σ_{lo <= r < hi} a_r b_r in eight interleaved partial sums (row lo + 8q + j
 * into sum j, held in two 4-double vectors), added in a fixed tree: one
 * running sum would be bound by the latency of each addition. The order
 * depends on lo and hi only. */
static double lz_dot_range(const double *a, const double *b, size_t lo, size_t hi) {
    lz_v4 s0 = {0, 0, 0, 0}, s1 = {0, 0, 0, 0};
    size_t r = lo;
    for (; r + 8 <= hi; r += 8) {
        lz_v4 a0, a1, b0, b1;
        memcpy(&a0, a + r, sizeof a0);
        memcpy(&a1, a + r + 4, sizeof a1);
        memcpy(&b0, b + r, sizeof b0);
        memcpy(&b1, b + r + 4, sizeof b1);
        s0 += a0 * b0;
        s1 += a1 * b1;
    }
    double tail = 0;
    for (; r < hi; r++) tail += a[r] * b[r];
    return (((s0[0] + s1[0]) + (s0[1] + s1[1])) + ((s0[2] + s1[2]) + (s0[3] + s1[3]))) + tail;
}

/* Σ_r a_r b_r over chunk c of nch (core_reduce_range). */
static double lz_chunk_dot(const double *a, const double *b, size_t dim, int nch, int c) {
    size_t lo, hi;
    core_reduce_range(dim, nch, c, &lo, &hi);
    return lz_dot_range(a, b, lo, hi);
}

/* Σ_r a_r b_r with a thread-count-independent summation order. */
static double lz_dot(const double *a, const double *b, size_t dim) {
    double partial[CORE_REDUCE_CHUNKS];
    const int nch = core_reduce_chunks(dim);
    if (dim >= LZ_PARALLEL_MIN) {
#pragma omp parallel for schedule(static)
        for (int c = 0; c < nch; c++) partial[c] = lz_chunk_dot(a, b, dim, nch, c);
    } else {
        for (int c = 0; c < nch; c++) partial[c] = lz_chunk_dot(a, b, dim, nch, c);
    }
    double total = 0;
    for (int c = 0; c < nch; c++) total += partial[c];
    return total;
}

static void lz_scale(double *dst, const double *src, double a, size_t dim) {
    if (dim >= LZ_PARALLEL_MIN) {
#pragma omp parallel for schedule(static)
        for (long long r = 0; r < (long long)dim; r++) dst[r] = a * src[r];
    } else {
        for (size_t r = 0; r < dim; r++) dst[r] = a * src[r];
    }
}

/* Chunk c of nch of the projections: partial[c][i] = Σ_{r in c} V_i[r] w[r]. */
static void lz_project_chunk(lanczos_t *lz, int nch, int c) {
    size_t lo, hi;
    core_reduce_range(lz->dim, nch, c, &lo, &hi);
    for (int i = 0; i < lz->nb; i++)
        lz->partial[(size_t)c * (size_t)lz->nb + (size_t)i] =
            lz_dot_range(lz_vec(lz, i), lz->w, lo, hi);
}

/* coef_i = V_i · w for i < nb, in one pass over each chunk of the basis. */
static void lz_project_coefs(lanczos_t *lz) {
    const int nb = lz->nb, nch = core_reduce_chunks(lz->dim);
    if (lz->dim >= LZ_PARALLEL_MIN) {
#pragma omp parallel for schedule(static)
        for (int c = 0; c < nch; c++) lz_project_chunk(lz, nch, c);
    } else {
        for (int c = 0; c < nch; c++) lz_project_chunk(lz, nch, c);
    }
    for (int i = 0; i < nb; i++) {
        double s = 0;
        for (int c = 0; c < nch; c++) s += lz->partial[(size_t)c * (size_t)nb + (size_t)i];
        lz->coef[i] = s;
    }
}

/* Rows lo … hi − 1 of w ← w − Σ_{i<nb} coef_i V_i. */
static void lz_subtract_rows(lanczos_t *lz, size_t lo, size_t hi) {
    for (int i = 0; i < lz->nb; i++) {
        const double *vi = lz_vec(lz, i);
        const double ci = lz->coef[i];
        for (size_t r = lo; r < hi; r++) lz->w[r] -= ci * vi[r];
    }
}

/* w ← w − Σ_{i<nb} coef_i V_i, one block of rows at a time (element-wise). */
static void lz_subtract(lanczos_t *lz) {
    const size_t dim = lz->dim;
    const long long nblocks = (long long)((dim + LZ_ROWS - 1) / LZ_ROWS);
    if (dim >= LZ_PARALLEL_MIN) {
#pragma omp parallel for schedule(static)
        for (long long b = 0; b < nblocks; b++) {
            size_t lo = (size_t)b * LZ_ROWS, hi = lo + LZ_ROWS < dim ? lo + LZ_ROWS : dim;
            lz_subtract_rows(lz, lo, hi);
        }
    } else {
        lz_subtract_rows(lz, 0, dim); /* element-wise: the blocking does not matter */
    }
}

/*
 * out_k = Σ_{i<nb} s[i + k·lds] V_i for k < nk. @p out (nk vectors of dim)
 * may be the basis itself: each block of rows is read completely before any
 * of it is written.
 */
/* Block b (rows lo … lo + len − 1, len <= rows) of lz_combine. */
static void lz_combine_block(const double *basis, size_t dim, int nb, const double *s, int lds,
                             int nk, double *out, size_t rows, long long b) {
    double acc[LZ_COMBINE_BUF];
    size_t lo = (size_t)b * rows, len = lo + rows < dim ? rows : dim - lo;
    memset(acc, 0, sizeof(double) * len * (size_t)nk);
    for (int i = 0; i < nb; i++) {
        const double *vi = basis + (size_t)i * dim + lo;
        for (int k = 0; k < nk; k++) {
            const double sik = s[i + (size_t)k * (size_t)lds];
            double *ak = acc + (size_t)k * len;
            for (size_t r = 0; r < len; r++) ak[r] += sik * vi[r];
        }
    }
    for (int k = 0; k < nk; k++)
        memcpy(out + (size_t)k * dim + lo, acc + (size_t)k * len, sizeof(double) * len);
}

static void lz_combine(const double *basis, size_t dim, int nb, const double *s, int lds, int nk,
                       double *out) {
    const size_t rows = (size_t)(LZ_COMBINE_BUF / nk); /* nk <= LZ_MAX_KRYLOV, so rows >= 8 */
    const long long nblocks = (long long)((dim + rows - 1) / rows);
    if (dim >= LZ_PARALLEL_MIN) {
#pragma omp parallel for schedule(static)
        for (long long b = 0; b < nblocks; b++)
            lz_combine_block(basis, dim, nb, s, lds, nk, out, rows, b);
    } else {
        for (long long b = 0; b < nblocks; b++)
            lz_combine_block(basis, dim, nb, s, lds, nk, out, rows, b);
    }
}

/* w ← w − c v. */
static void lz_axpy(double *w, double c, const double *v, size_t dim) {
    if (dim >= LZ_PARALLEL_MIN) {
#pragma omp parallel for schedule(static)
        for (long long r = 0; r < (long long)dim; r++) w[r] -= c * v[r];
    } else {
        for (size_t r = 0; r < dim; r++) w[r] -= c * v[r];
    }
}

/*
 * One Lanczos step on the newest basis vector V_j: w = A V_j, minus the known
 * couplings t_ij V_i (i < j: the previous vector, or the kept Ritz vectors
 * right after a restart) and α V_j with α = V_j·w; then one full classical
 * Gram–Schmidt pass against the whole basis, repeated while it removes more
 * than half of the norm (Daniel–Gragg–Kaufman–Stewart criterion). Sets
 * t_jj = α (plus the corrections) and returns β = ||w||.
 */
static pl_status_t lz_step(lanczos_t *lz, double *beta) {
    const int j = lz->nb - 1;
    const size_t m = (size_t)lz->m;
    lz->op(lz_vec(lz, j), lz->w, lz->ctx);
    for (int i = 0; i < j; i++) {
        const double tij = lz->t[(size_t)j * m + (size_t)i];
        if (tij != 0) lz_axpy(lz->w, tij, lz_vec(lz, i), lz->dim);
    }
    double alpha = lz_dot(lz_vec(lz, j), lz->w, lz->dim);
    lz_axpy(lz->w, alpha, lz_vec(lz, j), lz->dim);
    double norm = sqrt(lz_dot(lz->w, lz->w, lz->dim));
    for (int pass = 0; pass < 3; pass++) {
        lz_project_coefs(lz);
        alpha += lz->coef[j];
        lz_subtract(lz);
        const double before = norm;
        norm = sqrt(lz_dot(lz->w, lz->w, lz->dim));
        if (!(norm < 0.5 * before)) break;
    }
    *beta = norm;
    if (!isfinite(alpha) || !isfinite(*beta))
        return pl_error(PL_EINVAL,
                        "Lanczos: the operator returned non-finite values "
                        "(step %d, dimension %zu)",
                        j, lz->dim);
    lz->t[(size_t)j * m + (size_t)j] = alpha;
    return PL_OK;
}

/* Eigen-decompose the leading nb x nb block of t into s and theta. */
static pl_status_t lz_ritz(lanczos_t *lz) {
    const int nb = lz->nb;
    const size_t m = (size_t)lz->m;
    lapack_int info;
    if (!lz->restarted) {
        /* tridiagonal (plain Lanczos so far): the QL iteration on its two
         * diagonals (dstev) skips dsyev's Householder reduction */
        double *e = lz->work, *work = lz->work + m;
        for (int r = 0; r < nb; r++) lz->theta[r] = lz->t[(size_t)r * m + (size_t)r];
        for (int r = 0; r + 1 < nb; r++) e[r] = lz->t[(size_t)(r + 1) * m + (size_t)r];
        info = LAPACKE_dstev_work(LAPACK_COL_MAJOR, 'V', nb, lz->theta, e, lz->s, nb, work);
    } else {
        for (int c = 0; c < nb; c++)
            for (int r = 0; r < nb; r++)
                lz->s[(size_t)c * (size_t)nb + (size_t)r] = lz->t[(size_t)c * m + (size_t)r];
        /* dsyev_work on the space held for the largest nb: no allocation per step */
        info = LAPACKE_dsyev_work(LAPACK_COL_MAJOR, 'V', 'U', nb, lz->s, nb, lz->theta, lz->work,
                                  lz->lwork);
    }
    if (info != 0)
        return pl_error(PL_EINTERNAL,
                        "Lanczos: LAPACK %s failed (info %d) on the %d x %d projected matrix",
                        lz->restarted ? "dsyev" : "dstev", (int)info, nb, nb);
    return PL_OK;
}

static void lz_set_t(lanczos_t *lz, int i, int j, double value) {
    lz->t[(size_t)j * (size_t)lz->m + (size_t)i] = value;
    lz->t[(size_t)i * (size_t)lz->m + (size_t)j] = value;
}

/* Append V_nb = w / β, coupled to V_{nb−1} by β. */
static void lz_extend(lanczos_t *lz, double beta) {
    lz_scale(lz_vec(lz, lz->nb), lz->w, 1.0 / beta, lz->dim);
    lz_set_t(lz, lz->nb - 1, lz->nb, beta);
    lz->nb++;
}

/*
 * Thick restart: keep the `keep` lowest Ritz vectors y_i = V s_i and add the
 * residual direction w/β. Since A y_i = θ_i y_i + β s_{nb−1,i} w/β, the new
 * projected matrix is diag(θ) bordered by the couplings β s_{nb−1,i}.
 */
static void lz_restart(lanczos_t *lz, double beta) {
    const int nb = lz->nb, k = lz->keep;
    lz_combine(lz->basis, lz->dim, nb, lz->s, nb, k, lz->basis);
    memset(lz->t, 0, sizeof(double) * (size_t)lz->m * (size_t)lz->m);
    for (int i = 0; i < k; i++) {
        lz_set_t(lz, i, i, lz->theta[i]);
        lz_set_t(lz, i, k, beta * lz->s[(size_t)i * (size_t)nb + (size_t)(nb - 1)]);
    }
    lz_scale(lz_vec(lz, k), lz->w, 1.0 / beta, lz->dim);
    lz->nb = k + 1;
    lz->restarted = true; /* t is now diag(θ) bordered by the couplings */
}

static pl_status_t lz_check_opts(const linalg_lanczos_opts_t *o) {
    if (o->max_iter < 0 || !(o->tol >= 0) || o->krylov_max < 0 || o->krylov_max == 1 ||
        o->krylov_max > LZ_MAX_KRYLOV)
        return pl_error(PL_EINVAL,
                        "Lanczos options: max_iter %d must be >= 0, tol %g >= 0, "
                        "krylov_max %d 0 (default) or in [2, %d]",
                        o->max_iter, o->tol, o->krylov_max, (int)LZ_MAX_KRYLOV);
    return PL_OK;
}

static pl_status_t lz_alloc(lanczos_t *lz) {
    const size_t nvec = (size_t)lz->m + 1;
    if (lz->dim > SIZE_MAX / sizeof(double) / nvec)
        return pl_error(PL_ENOMEM, "Lanczos basis of %zu vectors of dimension %zu overflows", nvec,
                        lz->dim);
    char what[96];
    snprintf(what, sizeof what, "Lanczos basis of %zu vectors of dimension %zu", nvec, lz->dim);
    lz->big_bytes = nvec * lz->dim * sizeof(double);
    void *big;
    PL_TRY(pl_mem_alloc(&big, lz->big_bytes, what));
    lz->basis = big;
    lz->w = lz->basis + (size_t)lz->m * lz->dim;
    const size_t m = (size_t)lz->m;
    /* dsyev needs 3 nb − 1 doubles of work; its blocked tridiagonalisation
     * likes (block size + 2) nb, and 66 m covers every block size LAPACK uses. */
    lz->lwork = (lapack_int)(66 * m + 2);
    lz->t = calloc(2 * m * m + 2 * m + CORE_REDUCE_CHUNKS * m + (size_t)lz->lwork, sizeof(double));
    if (!lz->t) {
        pl_mem_free(big, lz->big_bytes);
        return pl_error_nomemf("the %zu x %zu Lanczos projected matrix", m, m);
    }
    lz->s = lz->t + m * m;
    lz->theta = lz->s + m * m;
    lz->coef = lz->theta + m;
    lz->partial = lz->coef + m;
    lz->work = lz->partial + CORE_REDUCE_CHUNKS * m;
    return PL_OK;
}

static void lz_free(lanczos_t *lz) {
    pl_mem_free(lz->basis, lz->big_bytes);
    free(lz->t);
}

/* Run steps until the Ritz residual is below tol, the space is invariant, or
 * max_iter steps; leaves s/theta for the final basis. */
static pl_status_t lz_iterate(lanczos_t *lz, int max_iter, double tol, int *steps) {
    for (*steps = 1;; ++*steps) {
        double beta;
        PL_TRY(lz_step(lz, &beta));
        PL_TRY(lz_ritz(lz));
        const double scale = fmax(fabs(lz->theta[0]), fabs(lz->theta[lz->nb - 1]));
        const double residual = fabs(beta * lz->s[lz->nb - 1]);
        const bool invariant = (size_t)lz->nb == lz->dim || beta <= 64 * DBL_EPSILON * scale;
        if (residual < tol || invariant || *steps >= max_iter) return PL_OK;
        if (lz->nb == lz->m)
            lz_restart(lz, beta);
        else
            lz_extend(lz, beta);
    }
}

pl_status_t linalg_lanczos_lowest(linalg_matvec_fn op, void *ctx, size_t dim, double *v,
                                  const linalg_lanczos_opts_t *opts, double *energy,
                                  int *iterations) {
    linalg_lanczos_opts_t o = opts ? *opts : (linalg_lanczos_opts_t){0};
    PL_TRY(lz_check_opts(&o));
    if (dim == 0) return pl_error(PL_EINVAL, "Lanczos: dimension 0");
    const double norm = sqrt(lz_dot(v, v, dim));
    if (!isfinite(norm) || norm == 0)
        return pl_error(PL_EINVAL, "Lanczos: start vector has norm %g (need finite, non-zero)",
                        norm);
    const int max_iter = o.max_iter ? o.max_iter : LZ_DEFAULT_MAX_ITER;
    const double tol = o.tol > 0 ? o.tol : LZ_DEFAULT_TOL;
    int m = o.krylov_max ? o.krylov_max : LZ_DEFAULT_KRYLOV;
    if ((size_t)m > dim) m = (int)dim;
    lanczos_t lz =
        {.op = op, .ctx = ctx, .dim = dim, .m = m, .keep = m / 2 > 1 ? m / 2 : 1, .nb = 1};
    PL_TRY(lz_alloc(&lz));
    lz_scale(lz.basis, v, 1.0 / norm, dim);
    int steps = 0;
    pl_status_t st = lz_iterate(&lz, max_iter, tol, &steps);
    if (st == PL_OK) {
        lz_combine(lz.basis, dim, lz.nb, lz.s, lz.nb, 1, v);
        lz_scale(v, v, 1.0 / sqrt(lz_dot(v, v, dim)), dim);
        *energy = lz.theta[0];
        if (iterations) *iterations = steps;
    }
    lz_free(&lz);
    return st;
}
