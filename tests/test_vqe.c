/*
 * End to end: a VQE with the tfim-hva ansatz, exact adjoint gradients and
 * L-BFGS reaches the ground energy of the 8-qubit open transverse-field Ising
 * chain at h = J = 1, computed here from free fermions (and that formula is
 * itself checked against exact diagonalisation of the dense Hamiltonian).
 */
#include <lapacke.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "dense.h"
#include "plateau.h"
#include "testutil.h"

/* H = −J Σ Z_i Z_{i+1} − h Σ X_i (open chain) in plateau's text format. */
static pl_pauli_sum_t *tfim(int n, double J, double h) {
    pl_pauli_sum_t *s;
    pl_pauli_t *p;
    ASSERT_OK(pl_pauli_sum_create(n, &s));
    ASSERT_OK(pl_pauli_create(n, &p));
    for (int i = 0; i < n; i++) {
        pl_pauli_set_identity(p);
        pl_pauli_set(p, i, PL_X);
        ASSERT_OK(pl_pauli_sum_add(s, p, -h));
        if (i + 1 == n) continue;
        pl_pauli_set_identity(p);
        pl_pauli_set(p, i, PL_Z);
        pl_pauli_set(p, i + 1, PL_Z);
        ASSERT_OK(pl_pauli_sum_add(s, p, -J));
    }
    pl_pauli_destroy(p);
    return s;
}

/* Free fermions (Lieb–Schultz–Mattis / Pfeuty): E0 = −Σ_k Λ_k with Λ_k the
 * singular values of the n×n bidiagonal matrix with h on the diagonal and J
 * on the superdiagonal. */
static double free_fermion_energy(int n, double J, double h) {
    double *m = calloc((size_t)n * n, sizeof *m), *sv = malloc((size_t)n * sizeof *sv);
    double *work = malloc((size_t)n * sizeof *work);
    for (int i = 0; i < n; i++) {
        m[i * n + i] = h;
        if (i + 1 < n) m[i * n + i + 1] = J;
    }
    assert_int_equal(LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'N', 'N', n, n, m, n, sv, NULL, 1, NULL, 1,
                                    work),
                     0);
    double e = 0;
    for (int k = 0; k < n; k++) e -= sv[k];
    free(m);
    free(sv);
    free(work);
    return e;
}

static double exact_ground_energy(const pl_pauli_sum_t *h) {
    const int n = pl_pauli_sum_qubits(h), dim = 1 << n;
    double complex *mat = dense_pauli_sum_matrix(h);
    double *w = malloc((size_t)dim * sizeof *w);
    assert_int_equal(LAPACKE_zheev(LAPACK_ROW_MAJOR, 'N', 'U', dim, (lapack_complex_double *)mat,
                                   dim, w),
                     0);
    double e = w[0];
    free(w);
    free(mat);
    return e;
}

static void test_free_fermion_formula(void **state) {
    (void)state;
    const double cases[][2] = {{1.0, 1.0}, {1.0, 0.3}, {0.7, 1.6}};
    for (int n = 1; n <= 7; n += 2)
        for (int c = 0; c < 3; c++) {
            pl_pauli_sum_t *h = tfim(n, cases[c][0], cases[c][1]);
            double ff = free_fermion_energy(n, cases[c][0], cases[c][1]);
            double ed = exact_ground_energy(h);
            if (fabs(ff - ed) > 1e-10)
                test_fail("n=%d J=%g h=%g: free fermions %.12f, diagonalisation %.12f", n,
                          cases[c][0], cases[c][1], ff, ed);
            pl_pauli_sum_destroy(h);
        }
}

typedef struct {
    const pl_circuit_t *c;
    const pl_pauli_sum_t *h;
} vqe_t;

static double energy(const double *x, double *grad, void *ctx, pl_status_t *st) {
    const vqe_t *v = ctx;
    double e = NAN;
    *st = pl_grad(v->c, x, v->h, NULL, PL_GRAD_ADJOINT, &e, grad);
    return e;
}

static void test_vqe_tfim_hva(void **state) {
    (void)state;
    /* With open boundaries the HVA needs about 2n layers: at n layers L-BFGS
     * ends in local minima ~6e-5 above the ground energy, at 2n within 2e-7. */
    const int n = 8, layers = 16;
    pl_pauli_sum_t *h = tfim(n, 1.0, 1.0);
    const double exact = free_fermion_energy(n, 1.0, 1.0);
    pl_ansatz_opts_t o = {.kind = PL_ANSATZ_TFIM_HVA, .qubits = n, .layers = layers};
    pl_circuit_t *c;
    ASSERT_OK(pl_ansatz_build(&o, &c));
    const int np = pl_circuit_num_params(c);
    vqe_t v = {c, h};
    pl_optim_opts_t opts = {.method = PL_OPT_LBFGS, .max_iter = 20000};
    pl_rng_t rng;
    pl_rng_seed(&rng, 3, 0);
    double best = 0, x[64];
    assert_true(np <= 64);
    /* A few seeded restarts: the landscape has local minima. */
    for (int start = 0; start < 4 && best - exact > 1e-6; start++) {
        for (int k = 0; k < np; k++) x[k] = 0.3 * pl_rng_uniform(&rng);
        pl_optim_result_t res;
        ASSERT_OK(pl_optimize(energy, &v, np, x, &opts, &res));
        if (start == 0 || res.f < best) best = res.f;
    }
    if (fabs(best - exact) > 1e-6)
        test_fail("VQE energy %.10f, exact %.10f (difference %.2e)", best, exact, best - exact);
    pl_circuit_destroy(c);
    pl_pauli_sum_destroy(h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_free_fermion_formula),
        cmocka_unit_test(test_vqe_tfim_hva),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
