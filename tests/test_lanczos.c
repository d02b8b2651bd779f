/*
 * Lanczos lowest eigenpair (src/linalg/lanczos.h, internal) against
 * LAPACKE_dsyev on dense random symmetric matrices, against operators with a
 * spectrum known by construction, and on bad input. Fixed seeds, printed on
 * failure. Tolerances: eigenvalue 1e-10 (absolute, spectra of O(1) width), true
 * residual ||A v − E v|| below 1e-9 (the requested Ritz residual is 1e-10).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "linalg/lanczos.h"
#include "plateau/core.h"
#include "testutil.h"

#define SEED 31415u

/* ------------------------------------------------------------------------ */
/* Dense operators                                                          */
/* ------------------------------------------------------------------------ */

typedef struct {
    size_t dim;
    double *a; /* dim x dim, symmetric, row-major */
} dense_op_t;

static void dense_matvec_op(const double *x, double *y, void *ctx) {
    const dense_op_t *op = ctx;
    for (size_t r = 0; r < op->dim; r++) {
        double s = 0;
        for (size_t c = 0; c < op->dim; c++) s += op->a[r * op->dim + c] * x[c];
        y[r] = s;
    }
}

/* GOE-like random symmetric matrix with entries of order 1/sqrt(dim). */
static double *random_symmetric(size_t dim, pl_rng_t *rng) {
    double *a = malloc(dim * dim * sizeof(double));
    const double scale = 1.0 / sqrt((double)dim);
    for (size_t r = 0; r < dim; r++)
        for (size_t c = 0; c <= r; c++)
            a[r * dim + c] = a[c * dim + r] = scale * pl_rng_normal(rng);
    return a;
}

/* Random orthogonal matrix (Gram–Schmidt of a Gaussian matrix, rows orthonormal). */
static double *random_orthogonal(size_t dim, pl_rng_t *rng) {
    double *q = malloc(dim * dim * sizeof(double));
    for (size_t i = 0; i < dim * dim; i++) q[i] = pl_rng_normal(rng);
    for (size_t r = 0; r < dim; r++) {
        double *qr = q + r * dim;
        for (int pass = 0; pass < 2; pass++)
            for (size_t p = 0; p < r; p++) {
                double d = 0;
                for (size_t c = 0; c < dim; c++) d += q[p * dim + c] * qr[c];
                for (size_t c = 0; c < dim; c++) qr[c] -= d * q[p * dim + c];
            }
        double nrm = 0;
        for (size_t c = 0; c < dim; c++) nrm += qr[c] * qr[c];
        for (size_t c = 0; c < dim; c++) qr[c] /= sqrt(nrm);
    }
    return q;
}

/* A = Qᵀ diag(lambda) Q. */
static double *with_spectrum(size_t dim, const double *lambda, pl_rng_t *rng) {
    double *q = random_orthogonal(dim, rng), *a = calloc(dim * dim, sizeof(double));
    for (size_t r = 0; r < dim; r++)
        for (size_t c = 0; c < dim; c++) {
            double s = 0;
            for (size_t k = 0; k < dim; k++) s += q[k * dim + r] * lambda[k] * q[k * dim + c];
            a[r * dim + c] = s;
        }
    free(q);
    return a;
}

/* Lowest eigenvalue by LAPACKE_dsyev on a copy. */
static double dsyev_lowest(const double *a, size_t dim) {
    double *copy = malloc(dim * dim * sizeof(double)), *w = malloc(dim * sizeof(double));
    memcpy(copy, a, dim * dim * sizeof(double));
    lapack_int info =
        LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'N', 'U', (lapack_int)dim, copy, (lapack_int)dim, w);
    assert_int_equal(info, 0);
    double lowest = w[0];
    free(copy);
    free(w);
    return lowest;
}

/* ||A v − E v|| and | ||v|| − 1 |. */
static void residual(linalg_matvec_fn f, void *ctx, size_t dim, const double *v, double e,
                     double *res, double *norm_err) {
    double *av = malloc(dim * sizeof(double)), r2 = 0, n2 = 0;
    f(v, av, ctx);
    for (size_t i = 0; i < dim; i++) {
        r2 += (av[i] - e * v[i]) * (av[i] - e * v[i]);
        n2 += v[i] * v[i];
    }
    free(av);
    *res = sqrt(r2);
    *norm_err = fabs(sqrt(n2) - 1);
}

static double *random_vector(size_t dim, pl_rng_t *rng) {
    double *v = malloc(dim * sizeof(double));
    for (size_t i = 0; i < dim; i++) v[i] = pl_rng_normal(rng);
    return v;
}

/* Run Lanczos on a dense matrix and compare with dsyev. */
static void check_dense(double *a, size_t dim, const linalg_lanczos_opts_t *opts, uint64_t seed,
                        const char *what) {
    pl_rng_t rng;
    pl_rng_seed(&rng, seed, 99);
    dense_op_t op = {dim, a};
    double *v = random_vector(dim, &rng), e = 0, res, nerr;
    int iters = -1;
    pl_status_t st = linalg_lanczos_lowest(dense_matvec_op, &op, dim, v, opts, &e, &iters);
    if (st != PL_OK)
        test_fail("%s dim %zu seed %llu: %s", what, dim, (unsigned long long)seed,
                  pl_error_message());
    const double ref = dsyev_lowest(a, dim);
    residual(dense_matvec_op, &op, dim, v, e, &res, &nerr);
    if (fabs(e - ref) > 1e-10 || res > 1e-9 || nerr > 1e-12)
        test_fail("%s dim %zu seed %llu: E %.15g vs dsyev %.15g (diff %.2e), residual %.2e, "
                  "norm error %.2e, %d steps",
                  what, dim, (unsigned long long)seed, e, ref, fabs(e - ref), res, nerr, iters);
    assert_true(iters >= 1);
    free(v);
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                    */
/* ------------------------------------------------------------------------ */

static void test_random_dense(void **state) {
    (void)state;
    const size_t dims[] = {1, 2, 5, 50, 300};
    const linalg_lanczos_opts_t opts = {.max_iter = 3000};
    for (size_t k = 0; k < sizeof dims / sizeof dims[0]; k++) {
        uint64_t seed = SEED + k;
        pl_rng_t rng;
        pl_rng_seed(&rng, seed, 0);
        double *a = random_symmetric(dims[k], &rng);
        check_dense(a, dims[k], &opts, seed, "random GOE");
        free(a);
    }
}

/* A small Krylov space forces many thick restarts. */
static void test_restarts(void **state) {
    (void)state;
    const linalg_lanczos_opts_t opts = {.krylov_max = 4, .max_iter = 5000};
    const linalg_lanczos_opts_t explicit_restart = {.krylov_max = 2, .max_iter = 20000};
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 1);
    double *a = random_symmetric(50, &rng);
    check_dense(a, 50, &opts, SEED, "krylov_max 4");
    check_dense(a, 50, &explicit_restart, SEED, "krylov_max 2");
    free(a);
}

/* Lowest eigenvalue three-fold degenerate; the rest spread above a gap. */
static void test_degenerate(void **state) {
    (void)state;
    const size_t dims[] = {5, 50, 300};
    for (size_t k = 0; k < sizeof dims / sizeof dims[0]; k++) {
        const size_t dim = dims[k];
        pl_rng_t rng;
        pl_rng_seed(&rng, SEED + 10 + k, 0);
        double *lambda = malloc(dim * sizeof(double));
        for (size_t i = 0; i < dim; i++)
            lambda[i] = i < 3 ? -1.5 : -1.0 + 2.0 * pl_rng_uniform(&rng);
        double *a = with_spectrum(dim, lambda, &rng);
        check_dense(a, dim, NULL, SEED + 10 + k, "degenerate");
        assert_true(fabs(dsyev_lowest(a, dim) + 1.5) < 1e-12);
        free(a);
        free(lambda);
    }
}

/* Dimension below the Krylov size: the space becomes invariant and the answer
 * is exact after dim steps at most. */
static void test_tiny_exact(void **state) {
    (void)state;
    for (size_t dim = 1; dim <= 6; dim++) {
        pl_rng_t rng;
        pl_rng_seed(&rng, SEED + 20 + dim, 0);
        double *a = random_symmetric(dim, &rng);
        dense_op_t op = {dim, a};
        double *v = random_vector(dim, &rng), e;
        int iters;
        ASSERT_OK(linalg_lanczos_lowest(dense_matvec_op, &op, dim, v, NULL, &e, &iters));
        if (iters > (int)dim || fabs(e - dsyev_lowest(a, dim)) > 1e-12)
            test_fail("dim %zu: %d steps, E %.15g vs %.15g", dim, iters, e, dsyev_lowest(a, dim));
        free(a);
        free(v);
    }
}

/* A start vector inside an invariant subspace: the lowest eigenpair it overlaps. */
static void test_invariant_start(void **state) {
    (void)state;
    double a[9] = {1, 0, 0, 0, 3, 0, 0, 0, -2}; /* diag(1, 3, −2) */
    dense_op_t op = {3, a};
    double v[3] = {0.3, 0.4, 0}, e;
    int iters;
    ASSERT_OK(linalg_lanczos_lowest(dense_matvec_op, &op, 3, v, NULL, &e, &iters));
    assert_true(fabs(e - 1) < 1e-14);
    assert_int_equal(iters, 2);
    assert_true(fabs(fabs(v[0]) - 1) < 1e-14 && fabs(v[2]) < 1e-14);
}

/* A = H D H with H = I − 2uuᵀ (a Householder reflection) and D diagonal:
 * spectrum D, lowest eigenvector H e_0. Large enough for the parallel paths. */
typedef struct {
    size_t dim;
    double *d, *u; /* u normalised */
} householder_op_t;

static void reflect(const double *u, size_t dim, const double *x, double *y) {
    double d = 0;
    for (size_t i = 0; i < dim; i++) d += u[i] * x[i];
    for (size_t i = 0; i < dim; i++) y[i] = x[i] - 2 * d * u[i];
}

static void householder_matvec(const double *x, double *y, void *ctx) {
    const householder_op_t *op = ctx;
    reflect(op->u, op->dim, x, y);
    for (size_t i = 0; i < op->dim; i++) y[i] *= op->d[i];
    double d = 0;
    for (size_t i = 0; i < op->dim; i++) d += op->u[i] * y[i];
    for (size_t i = 0; i < op->dim; i++) y[i] -= 2 * d * op->u[i];
}

static void test_large_threads(void **state) {
    (void)state;
    const size_t dim = (size_t)1 << 16;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 5);
    householder_op_t op = {dim, malloc(dim * sizeof(double)), random_vector(dim, &rng)};
    double nu = 0;
    for (size_t i = 0; i < dim; i++) nu += op.u[i] * op.u[i];
    for (size_t i = 0; i < dim; i++) op.u[i] /= sqrt(nu);
    for (size_t i = 0; i < dim; i++) op.d[i] = i == 0 ? -2.0 : 4.0 * pl_rng_uniform(&rng) - 1.0;
    double *start = random_vector(dim, &rng), *v1 = malloc(dim * sizeof(double)),
           *v2 = malloc(dim * sizeof(double)), e1, e2;
    int it1, it2, before = pl_threads_get();
    const linalg_lanczos_opts_t opts = {.krylov_max = 12};
    memcpy(v1, start, dim * sizeof(double));
    memcpy(v2, start, dim * sizeof(double));
    ASSERT_OK(pl_threads_set(1));
    ASSERT_OK(linalg_lanczos_lowest(householder_matvec, &op, dim, v1, &opts, &e1, &it1));
    ASSERT_OK(pl_threads_set(2));
    ASSERT_OK(linalg_lanczos_lowest(householder_matvec, &op, dim, v2, &opts, &e2, &it2));
    ASSERT_OK(pl_threads_set(before));
    if (fabs(e1 + 2) > 1e-10) test_fail("E %.15g, expected -2 (%d steps)", e1, it1);
    assert_true(e1 == e2 && it1 == it2 && memcmp(v1, v2, dim * sizeof(double)) == 0);
    /* eigenvector: ±H e_0 */
    double *e0 = calloc(dim, sizeof(double)), *he0 = malloc(dim * sizeof(double)), ov = 0;
    e0[0] = 1;
    reflect(op.u, dim, e0, he0);
    for (size_t i = 0; i < dim; i++) ov += he0[i] * v1[i];
    if (fabs(fabs(ov) - 1) > 1e-10) test_fail("overlap with the exact eigenvector %.15g", ov);
    free(e0);
    free(he0);
    free(start);
    free(v1);
    free(v2);
    free(op.d);
    free(op.u);
}

/* max_iter reached first is not an error: the best Ritz pair comes back. */
static void test_max_iter(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 6);
    double *a = random_symmetric(300, &rng), *v = random_vector(300, &rng), e;
    dense_op_t op = {300, a};
    int iters;
    const linalg_lanczos_opts_t opts = {.max_iter = 3};
    ASSERT_OK(linalg_lanczos_lowest(dense_matvec_op, &op, 300, v, &opts, &e, &iters));
    assert_int_equal(iters, 3);
    assert_true(e >= dsyev_lowest(a, 300) - 1e-12); /* Ritz values bound from above */
    free(a);
    free(v);
}

static void test_errors(void **state) {
    (void)state;
    double a[4] = {1, 0, 0, 2}, v[2] = {0, 0}, e;
    dense_op_t op = {2, a};
    assert_int_equal(linalg_lanczos_lowest(dense_matvec_op, &op, 0, v, NULL, &e, NULL), PL_EINVAL);
    assert_int_equal(linalg_lanczos_lowest(dense_matvec_op, &op, 2, v, NULL, &e, NULL), PL_EINVAL);
    test_expect_contains(pl_error_message(), "start vector");
    v[0] = NAN;
    assert_int_equal(linalg_lanczos_lowest(dense_matvec_op, &op, 2, v, NULL, &e, NULL), PL_EINVAL);
    v[0] = 1;
    const linalg_lanczos_opts_t bad[] = {{.max_iter = -1},
                                         {.tol = -1},
                                         {.tol = NAN},
                                         {.krylov_max = 1},
                                         {.krylov_max = -3}};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        assert_int_equal(linalg_lanczos_lowest(dense_matvec_op, &op, 2, v, &bad[k], &e, NULL),
                         PL_EINVAL);
        test_expect_contains(pl_error_message(), "Lanczos options");
    }
    double nan_a[4] = {NAN, 0, 0, 1};
    dense_op_t nan_op = {2, nan_a};
    v[1] = 1;
    assert_int_equal(linalg_lanczos_lowest(dense_matvec_op, &nan_op, 2, v, NULL, &e, NULL),
                     PL_EINVAL);
    test_expect_contains(pl_error_message(), "non-finite");
    pl_mem_set_limit(1 << 20);
    double *big = calloc((size_t)1 << 16, sizeof(double));
    big[0] = 1;
    assert_int_equal(linalg_lanczos_lowest(dense_matvec_op, &op, (size_t)1 << 16, big, NULL, &e,
                                           NULL),
                     PL_ENOMEM);
    pl_mem_set_limit(0);
    free(big);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_dense),    cmocka_unit_test(test_restarts),
        cmocka_unit_test(test_degenerate),      cmocka_unit_test(test_tiny_exact),
        cmocka_unit_test(test_invariant_start), cmocka_unit_test(test_large_threads),
        cmocka_unit_test(test_max_iter),        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
