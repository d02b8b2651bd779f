/* Exact ground states: a real Pauli-sum operator on real vectors, and Lanczos on it. */
#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linalg/lanczos.h"
#include "plateau/core.h"
#include "plateau/models.h"

enum {
    EX_MAX_QUBITS = 63,        /* masks and indices in one 64-bit word */
    EX_PARALLEL_MIN = 1 << 12, /* smaller vectors stay on the calling thread */
    EX_DEFAULT_MAX_ITER = 3000,
    EX_DEFAULT_KRYLOV = 40,
    EX_MIN_KRYLOV = 8,
    EX_BLOCK = 256 /* basis states per block in the matrix-vector product */
};
#define EX_DEFAULT_TOL 1e-10
#define EX_BASIS_BUDGET (400.0 * 1024 * 1024) /* bytes the default Krylov size aims at */

/* One term: coefficient c · i^{#Y} (real) and Z mask. */
typedef struct {
    uint64_t zm;
    double c;
} ex_term_t;

/* Terms sharing an X mask: terms[first .. first + count). */
typedef struct {
    uint64_t xm;
    size_t first, count;
} ex_group_t;

typedef struct {
    size_t dim, ngroups;
    ex_group_t *groups;
    ex_term_t *terms;
} ex_op_t;

typedef struct {
    uint64_t xm, zm;
    double c;
    size_t order; /* position in the sum, to keep the sort deterministic */
} ex_entry_t;

static int entry_cmp(const void *a, const void *b) {
    const ex_entry_t *x = a, *y = b;
    if (x->xm != y->xm) return x->xm < y->xm ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Term k of h as a real (c, xm, zm); PL_EINVAL when it makes H non-real. */
static pl_status_t real_term(const pl_pauli_sum_t *h, size_t k, ex_entry_t *e) {
    pl_pauli_t p;
    double complex c;
    pl_pauli_sum_term(h, k, &p, &c);
    const int ny = pl_pauli_count_y(&p);
    if (fabs(cimag(c)) > 1e-12 * fmax(1.0, fabs(creal(c))))
        return pl_error(PL_EINVAL, "term %zu has the complex coefficient %g%+gi: H is not real", k,
                        creal(c), cimag(c));
    if (ny % 2 && creal(c) != 0)
        return pl_error(PL_EINVAL, "term %zu has %d Y factors (odd): H is not real", k, ny);
    /* P|b⟩ = i^{ny} (−1)^{|b & z|} |b ⊕ x⟩; i^{ny} = (−1)^{ny/2} for even ny. */
    *e = (ex_entry_t){p.x[0], p.z[0], (ny / 2) % 2 ? -creal(c) : creal(c), k};
    return PL_OK;
}

static void ex_op_free(ex_op_t *op) {
    free(op->groups);
    free(op->terms);
}

/* Sort the terms by X mask and group them. */
static pl_status_t ex_op_build(const pl_pauli_sum_t *h, ex_op_t *op) {
    const int n = pl_pauli_sum_qubits(h);
    *op = (ex_op_t){0};
    if (n > EX_MAX_QUBITS)
        return pl_error(PL_EINVAL, "exact diagonalisation of %d qubits: at most %d", n,
                        EX_MAX_QUBITS);
    const size_t nt = pl_pauli_sum_size(h);
    op->dim = (size_t)1 << n;
    ex_entry_t *e = malloc((nt ? nt : 1) * sizeof *e);
    op->terms = malloc((nt ? nt : 1) * sizeof *op->terms);
    op->groups = malloc((nt ? nt : 1) * sizeof *op->groups);
    if (!e || !op->terms || !op->groups) {
        free(e);
        ex_op_free(op);
        return pl_error_nomemf("%zu Hamiltonian terms", nt);
    }
    size_t kept = 0;
    for (size_t k = 0; k < nt; k++) {
        pl_status_t st = real_term(h, k, &e[kept]);
        if (st != PL_OK) {
            free(e);
            ex_op_free(op);
            return st;
        }
        if (e[kept].c != 0) kept++;
    }
    qsort(e, kept, sizeof *e, entry_cmp);
    for (size_t k = 0; k < kept; k++) {
        if (k == 0 || e[k].xm != e[k - 1].xm)
            op->groups[op->ngroups++] = (ex_group_t){e[k].xm, k, 0};
        op->groups[op->ngroups - 1].count++;
        op->terms[k] = (ex_term_t){e[k].zm, e[k].c};
    }
    free(e);
    return PL_OK;
}

/*
 * y_b = Σ_groups x_{b ⊕ xm} Σ_terms c (−1)^{|b & zm|}, computed for blocks of
 * EX_BLOCK consecutive b (one write per b): per group, the coefficient of
 * every b of the block first, then the gathered product. Simple loops over the
 * block, so the compiler vectorises the parity and the gather.
 */
static void ex_matvec(const double *x, double *y, void *ctx) {
    const ex_op_t *op = ctx;
    const long long nblocks = (long long)((op->dim + EX_BLOCK - 1) / EX_BLOCK);
#pragma omp parallel for schedule(static) if (op->dim >= EX_PARALLEL_MIN)
    for (long long blk = 0; blk < nblocks; blk++) {
        const uint64_t lo = (uint64_t)blk * EX_BLOCK;
        const int len = op->dim - lo < EX_BLOCK ? (int)(op->dim - lo) : EX_BLOCK;
        double acc[EX_BLOCK] = {0}, coef[EX_BLOCK];
        for (size_t g = 0; g < op->ngroups; g++) {
            const ex_group_t *gr = &op->groups[g];
            for (int r = 0; r < len; r++) coef[r] = 0;
            for (size_t t = gr->first; t < gr->first + gr->count; t++) {
                const uint64_t zm = op->terms[t].zm;
                const double c = op->terms[t].c;
                for (int r = 0; r < len; r++)
                    coef[r] += (__builtin_popcountll((lo + (uint64_t)r) & zm) & 1) ? -c : c;
            }
            for (int r = 0; r < len; r++) acc[r] += coef[r] * x[(lo + (uint64_t)r) ^ gr->xm];
        }
        for (int r = 0; r < len; r++) y[lo + (uint64_t)r] = acc[r];
    }
}

pl_status_t pl_ground_exact_apply(const pl_pauli_sum_t *h, const double *x, double *y) {
    ex_op_t op;
    PL_TRY(ex_op_build(h, &op));
    ex_matvec(x, y, &op);
    ex_op_free(&op);
    return PL_OK;
}

/* ------------------------------------------------------------------------ */
/* Ground state                                                             */
/* ------------------------------------------------------------------------ */

static pl_status_t check_opts(const pl_ground_exact_opts_t *o) {
    if (!(o->tol >= 0) || !isfinite(o->tol) || o->max_iter < 0 || o->krylov_max < 0 ||
        o->krylov_max == 1)
        return pl_error(PL_EINVAL,
                        "exact options: tol %g must be finite and >= 0, max_iter %d "
                        ">= 0, krylov_max %d 0 (automatic) or >= 2",
                        o->tol, o->max_iter, o->krylov_max);
    return PL_OK;
}

/* Default Krylov size: 40 vectors, fewer when that would pass the budget. */
static int default_krylov(size_t dim) {
    double fit = EX_BASIS_BUDGET / (8.0 * (double)dim) - 2;
    if (fit >= EX_DEFAULT_KRYLOV) return EX_DEFAULT_KRYLOV;
    return fit > EX_MIN_KRYLOV ? (int)fit : EX_MIN_KRYLOV;
}

/* PL_ENOMEM up front when the Lanczos basis, w and the start vector would not fit. */
static pl_status_t check_memory(int n, size_t dim, int krylov) {
    const double need = (double)(krylov + 2) * 8.0 * (double)dim;
    const double room = (double)pl_mem_limit() - (double)pl_mem_in_use();
    if (need <= room) return PL_OK;
    char a[32], b[32];
    pl_mem_format_bytes(need, a, sizeof a);
    pl_mem_format_bytes(room, b, sizeof b);
    return pl_error(PL_ENOMEM,
                    "exact diagonalisation of %d qubits needs %s (%d vectors of 2^%d "
                    "doubles), over the %s left under the memory limit",
                    n, a, krylov + 2, n, b);
}

/* ||H v − E v|| (v normalised), with one temporary vector. */
static pl_status_t true_residual(const ex_op_t *op, const double *v, double e, double *out) {
    double *w;
    PL_TRY(pl_mem_alloc((void **)&w, op->dim * sizeof(double), "residual vector"));
    ex_matvec(v, w, (void *)op);
    double r2 = 0;
    for (size_t i = 0; i < op->dim; i++) r2 += (w[i] - e * v[i]) * (w[i] - e * v[i]);
    pl_mem_free(w, op->dim * sizeof(double));
    *out = sqrt(r2);
    return PL_OK;
}

static pl_status_t to_state(int n, const double *v, size_t dim, pl_sv_t **state) {
    PL_TRY(pl_sv_create(n, state));
    double complex *amp = pl_sv_data(*state);
#pragma omp parallel for schedule(static) if (dim >= EX_PARALLEL_MIN)
    for (long long i = 0; i < (long long)dim; i++) amp[i] = v[i];
    return PL_OK;
}

/* Lanczos from a seeded random start; v holds the result. */
static pl_status_t solve(const ex_op_t *op, const pl_ground_exact_opts_t *o, int n, double *v,
                         double *energy) {
    pl_rng_t rng;
    pl_rng_seed(&rng, o->seed, 0);
    for (size_t i = 0; i < op->dim; i++) v[i] = pl_rng_uniform(&rng) - 0.5;
    const linalg_lanczos_opts_t lo = {.max_iter = o->max_iter ? o->max_iter : EX_DEFAULT_MAX_ITER,
                                      .tol = o->tol > 0 ? o->tol : EX_DEFAULT_TOL,
                                      .krylov_max =
                                          o->krylov_max ? o->krylov_max : default_krylov(op->dim)};
    int iters;
    pl_status_t st = linalg_lanczos_lowest(ex_matvec, (void *)op, op->dim, v, &lo, energy, &iters);
    if (st != PL_OK) {
        pl_error_prefix("exact diagonalisation of %d qubits", n);
        return st;
    }
    if (iters < lo.max_iter) return PL_OK;
    double res;
    PL_TRY(true_residual(op, v, *energy, &res));
    if (res > lo.tol)
        return pl_error(PL_EUNSUPPORTED,
                        "exact diagonalisation of %d qubits did not converge: "
                        "residual %.3g > tol %.3g after %d Lanczos steps "
                        "(raise max_iter)",
                        n, res, lo.tol, iters);
    return PL_OK;
}

pl_status_t pl_ground_exact(const pl_pauli_sum_t *h, const pl_ground_exact_opts_t *opts,
                            double *energy, pl_sv_t **state) {
    const pl_ground_exact_opts_t o = opts ? *opts : (pl_ground_exact_opts_t){0};
    if (state) *state = NULL;
    PL_TRY(check_opts(&o));
    const int n = pl_pauli_sum_qubits(h);
    if (n > PL_SV_MAX_QUBITS)
        return pl_error(PL_ENOMEM,
                        "exact diagonalisation of %d qubits: state vectors hold at "
                        "most %d",
                        n, PL_SV_MAX_QUBITS);
    const size_t dim = (size_t)1 << n;
    PL_TRY(check_memory(n, dim, o.krylov_max ? o.krylov_max : default_krylov(dim)));
    ex_op_t op;
    PL_TRY(ex_op_build(h, &op));
    double *v;
    pl_status_t st = pl_mem_alloc((void **)&v, dim * sizeof(double), "exact ground state");
    if (st == PL_OK) {
        st = solve(&op, &o, n, v, energy);
        if (st == PL_OK && state) st = to_state(n, v, dim, state);
        pl_mem_free(v, dim * sizeof(double));
    }
    ex_op_free(&op);
    return st;
}
