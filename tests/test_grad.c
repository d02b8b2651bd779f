/*
 * Gradients: the adjoint method against the parameter-shift rule (1e-10) and
 * central finite differences (1e-6) on random circuits that use every gate
 * kind, shared parameters and affine angles; batched losses against finite
 * differences of the loss itself.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "plateau.h"
#include "testutil.h"

#define SEED 20261125u

/* A complex normal deviate (two draws in a fixed order). */
static double complex random_complex(pl_rng_t *rng) {
    double re = pl_rng_normal(rng);
    return re + I * pl_rng_normal(rng);
}

static pl_angle_t random_angle(pl_rng_t *rng, int nparams) {
    pl_angle_t t = {0.5 + pl_rng_uniform(rng), (int)pl_rng_below(rng, (uint64_t)nparams),
                    pl_rng_uniform(rng) - 0.5};
    if (pl_rng_uniform(rng) < 0.15) t = pl_angle_const(2 * PL_PI * pl_rng_uniform(rng));
    return t;
}

/* A random unitary 2x2 (u3 with random angles times a phase). */
static void random_u2(pl_rng_t *rng, double complex u[4]) {
    double a[3] = {6 * pl_rng_uniform(rng), 6 * pl_rng_uniform(rng), 6 * pl_rng_uniform(rng)};
    ASSERT_OK(pl_gate_matrix(PL_GATE_U3, a, u));
    double complex ph = cexp(I * pl_rng_uniform(rng));
    for (int e = 0; e < 4; e++) u[e] *= ph;
}

/* Every parameterised kind, some fixed ones, generic unitaries and a Pauli
 * rotation, on n qubits with nparams shared parameters. */
static pl_circuit_t *random_circuit(pl_rng_t *rng, int n, int nparams, int ngates) {
    static const pl_gate_t kinds[] = {
        PL_GATE_RX,   PL_GATE_RY,    PL_GATE_RZ,  PL_GATE_P,  PL_GATE_U2,  PL_GATE_U3,
        PL_GATE_CRX,  PL_GATE_CRY,   PL_GATE_CRZ, PL_GATE_CP, PL_GATE_CU3, PL_GATE_RXX,
        PL_GATE_RYY,  PL_GATE_RZZ,   PL_GATE_H,   PL_GATE_CX, PL_GATE_SX,  PL_GATE_CCX,
        PL_GATE_SWAP, PL_GATE_CSWAP, PL_GATE_CY,  PL_GATE_T,
    };
    const int nkinds = (int)(sizeof kinds / sizeof kinds[0]);
    pl_circuit_t *c;
    ASSERT_OK(pl_circuit_create(n, &c));
    for (int g = 0; g < ngates; g++) {
        int q[4];
        int pick = (int)pl_rng_below(rng, (uint64_t)(nkinds + 4));
        if (pick < nkinds) {
            pl_gate_t kind = kinds[pick];
            const pl_gate_info_t *info = pl_gate_info(kind);
            pl_angle_t angles[3];
            for (int j = 0; j < info->angles; j++) angles[j] = random_angle(rng, nparams);
            test_random_qubits(rng, n, info->qubits, q);
            ASSERT_OK(pl_circuit_add_sym(c, kind, q, info->qubits, angles));
        } else if (pick == nkinds) {
            double complex u[4];
            random_u2(rng, u);
            test_random_qubits(rng, n, 1, q);
            ASSERT_OK(pl_circuit_add_unitary(c, q, 1, u));
        } else if (pick == nkinds + 1) {
            double complex u[4];
            random_u2(rng, u);
            test_random_qubits(rng, n, 3, q);
            ASSERT_OK(pl_circuit_add_mcu(c, q, 2, q[2], u));
        } else if (pick == nkinds + 2) {
            test_random_qubits(rng, n, 4, q);
            ASSERT_OK(pl_circuit_add(c, PL_GATE_MCX, q, 4, NULL));
        } else {
            pl_pauli_t *p;
            ASSERT_OK(pl_pauli_create(n, &p));
            for (int k = 0; k < n; k++) pl_pauli_set(p, k, (pl_pauli_op_t)pl_rng_below(rng, 4));
            if (pl_pauli_weight(p) == 0) pl_pauli_set(p, 0, PL_Y);
            ASSERT_OK(pl_circuit_add_pauli_rot(c, p, random_angle(rng, nparams)));
            pl_pauli_destroy(p);
        }
    }
    return c;
}

static void random_theta(pl_rng_t *rng, double *theta, int np) {
    for (int k = 0; k < np; k++) theta[k] = 2 * PL_PI * pl_rng_uniform(rng);
}

static void compare(const double *a, const double *b, int np, double tol, const char *what,
                    int trial) {
    for (int k = 0; k < np; k++)
        if (fabs(a[k] - b[k]) > tol)
            test_fail("%s: trial %d (seed %u), d/dtheta[%d]: %.15g vs %.15g", what, trial, SEED, k,
                      a[k], b[k]);
}

static void check_methods(const pl_circuit_t *c, const pl_pauli_sum_t *h, const pl_sv_t *init,
                          const double *theta, int trial) {
    const int np = pl_circuit_num_params(c);
    double ga[64], gs[64], gf[64], ea, es, ef;
    assert_true(np <= 64);
    ASSERT_OK(pl_grad(c, theta, h, init, PL_GRAD_ADJOINT, &ea, ga));
    ASSERT_OK(pl_grad(c, theta, h, init, PL_GRAD_SHIFT, &es, gs));
    ASSERT_OK(pl_grad(c, theta, h, init, PL_GRAD_FD, &ef, gf));
    assert_true(fabs(ea - es) < 1e-12 && fabs(ea - ef) < 1e-12);
    compare(ga, gs, np, 1e-10, "adjoint vs shift", trial);
    compare(ga, gf, np, 1e-6, "adjoint vs finite differences", trial);
}

static void test_random_circuits(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 1);
    for (int trial = 0; trial < 12; trial++) {
        int n = 4 + trial % 3, np = 3 + trial % 5;
        pl_circuit_t *c = random_circuit(&rng, n, np, 30);
        pl_pauli_sum_t *h = test_random_observable(&rng, n, 5, 0.5);
        double theta[16];
        random_theta(&rng, theta, pl_circuit_num_params(c));
        check_methods(c, h, NULL, theta, trial);
        pl_pauli_sum_destroy(h);
        pl_circuit_destroy(c);
    }
}

/* Above 13 qubits the backward sweep runs in cache blocks: random circuits
 * mixing gates that fit a block with wider ones (Pauli rotations over most
 * qubits), and Pauli rotations of weight 2-3 inside blocks. The adjoint
 * gradient against parameter shift (an independent method) and finite
 * differences; 1 thread gives the same bits as 2. */
static void test_blocked_sweep(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 2);
    for (int trial = 0; trial < 2; trial++) {
        const int n = 14 + trial, np = 12;
        pl_circuit_t *c = random_circuit(&rng, n, np, 40);
        for (int g = 0; g < 6; g++) {
            int q[3];
            test_random_qubits(&rng, n, 3, q);
            pl_pauli_t *p;
            ASSERT_OK(pl_pauli_create(n, &p));
            for (int k = 0; k < 2 + g % 2; k++) pl_pauli_set(p, q[k], (pl_pauli_op_t)(1 + g % 3));
            ASSERT_OK(pl_circuit_add_pauli_rot(c, p, random_angle(&rng, np)));
            pl_pauli_destroy(p);
        }
        pl_pauli_sum_t *h = test_random_observable(&rng, n, 5, 0.5);
        double theta[16];
        random_theta(&rng, theta, pl_circuit_num_params(c));
        check_methods(c, h, NULL, theta, trial);
        const int threads = pl_threads_get();
        double g2[64], g1[64], e2, e1;
        ASSERT_OK(pl_grad(c, theta, h, NULL, PL_GRAD_ADJOINT, &e2, g2));
        ASSERT_OK(pl_threads_set(1));
        ASSERT_OK(pl_grad(c, theta, h, NULL, PL_GRAD_ADJOINT, &e1, g1));
        ASSERT_OK(pl_threads_set(threads));
        assert_memory_equal(g1, g2, (size_t)pl_circuit_num_params(c) * sizeof *g1);
        pl_pauli_sum_destroy(h);
        pl_circuit_destroy(c);
    }
    /* HEA layers: consecutive rotations on a qubit merge into one block
     * entry with two sums (adj_merge), CNOTs rewind with none */
    const pl_ansatz_opts_t hea = {.kind = PL_ANSATZ_HEA, .qubits = 14, .layers = 2};
    pl_circuit_t *c;
    ASSERT_OK(pl_ansatz_build(&hea, &c));
    const int np = pl_circuit_num_params(c);
    double *theta = malloc((size_t)np * sizeof *theta);
    random_theta(&rng, theta, np);
    pl_pauli_sum_t *h = test_random_observable(&rng, 14, 5, 0.5);
    check_methods(c, h, NULL, theta, 2);
    free(theta);
    pl_pauli_sum_destroy(h);
    pl_circuit_destroy(c);
}

/* Every ansatz family, random θ, a local and a global observable. */
static void test_ansatz_circuits(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 4);
    const pl_ansatz_opts_t cases[] = {
        {.kind = PL_ANSATZ_HEA, .qubits = 5, .layers = 3},
        {.kind = PL_ANSATZ_SU4_BRICKWORK, .qubits = 4, .layers = 2},
        {.kind = PL_ANSATZ_TFIM_HVA, .qubits = 6, .layers = 3},
        {.kind = PL_ANSATZ_QCNN, .qubits = 6},
        {.kind = PL_ANSATZ_QCNN, .qubits = 8, .share_angles = true},
    };
    for (int i = 0; i < (int)(sizeof cases / sizeof cases[0]); i++) {
        pl_circuit_t *c;
        ASSERT_OK(pl_ansatz_build(&cases[i], &c));
        const int n = cases[i].qubits, np = pl_circuit_num_params(c);
        double *theta = malloc((size_t)np * sizeof *theta);
        random_theta(&rng, theta, np);
        pl_pauli_sum_t *h = test_random_observable(&rng, n, 4, 0.5);
        double *ga = malloc((size_t)np * sizeof *ga), *gs = malloc((size_t)np * sizeof *gs);
        double *gf = malloc((size_t)np * sizeof *gf), ea, es, ef;
        ASSERT_OK(pl_grad(c, theta, h, NULL, PL_GRAD_ADJOINT, &ea, ga));
        ASSERT_OK(pl_grad(c, theta, h, NULL, PL_GRAD_SHIFT, &es, gs));
        ASSERT_OK(pl_grad(c, theta, h, NULL, PL_GRAD_FD, &ef, gf));
        compare(ga, gs, np, 1e-10, pl_ansatz_name(cases[i].kind), i);
        compare(ga, gf, np, 1e-6, pl_ansatz_name(cases[i].kind), i);
        free(ga);
        free(gs);
        free(gf);
        free(theta);
        pl_pauli_sum_destroy(h);
        pl_circuit_destroy(c);
    }
}

static void test_initial_state(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 2);
    const int n = 5;
    pl_sv_t *init;
    ASSERT_OK(pl_sv_create(n, &init));
    double complex *a = pl_sv_data(init);
    for (size_t i = 0; i < pl_sv_dim(init); i++) a[i] = random_complex(&rng);
    ASSERT_OK(pl_sv_normalize(init));
    pl_circuit_t *c = random_circuit(&rng, n, 6, 40);
    pl_pauli_sum_t *h = test_random_observable(&rng, n, 7, 0.5);
    double theta[8];
    random_theta(&rng, theta, pl_circuit_num_params(c));
    check_methods(c, h, init, theta, 0);
    pl_pauli_sum_destroy(h);
    pl_circuit_destroy(c);
    pl_sv_destroy(init);
}

/* Closed form: ⟨Z⟩ after ry(θ)|0⟩ is cos θ, so dE/dθ = −sin θ; with the angle
 * 2θ+0.3 shared by two gates the chain rule must add both. */
static void test_closed_form(void **state) {
    (void)state;
    pl_circuit_t *c;
    ASSERT_OK(pl_circuit_create(1, &c));
    pl_angle_t t = {2.0, 0, 0.3};
    int q = 0;
    ASSERT_OK(pl_circuit_add_sym(c, PL_GATE_RY, &q, 1, &t));
    ASSERT_OK(pl_circuit_add_sym(c, PL_GATE_RY, &q, 1, &t));
    pl_pauli_sum_t *h;
    ASSERT_OK(pl_pauli_sum_parse("Z0", 1, &h));
    const double theta = 0.7, angle = 2 * (2 * theta + 0.3);
    for (int m = 0; m < PL_GRAD_COUNT; m++) {
        double e, g;
        ASSERT_OK(pl_grad(c, &theta, h, NULL, (pl_grad_method_t)m, &e, &g));
        assert_true(fabs(e - cos(angle)) < 1e-12);
        assert_true(fabs(g - (-sin(angle) * 4.0)) < (m == PL_GRAD_FD ? 1e-8 : 1e-12));
    }
    pl_pauli_sum_destroy(h);
    pl_circuit_destroy(c);
}

static void test_errors(void **state) {
    (void)state;
    pl_circuit_t *c;
    ASSERT_OK(pl_qasm_read_string("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\n"
                                  "rx(theta[0]) q[0];\ncx q[0], q[1];\n",
                                  "t.qasm", &c));
    pl_pauli_sum_t *h, *h3, *hc;
    ASSERT_OK(pl_pauli_sum_parse("Z0 Z1", 2, &h));
    ASSERT_OK(pl_pauli_sum_parse("Z0", 3, &h3));
    ASSERT_OK(pl_pauli_sum_parse("(0+1i)*Z0", 2, &hc));
    double e, g, nan_theta = NAN, theta = 0.1;
    assert_int_equal(pl_grad(c, &nan_theta, h, NULL, PL_GRAD_ADJOINT, &e, &g), PL_EINVAL);
    test_expect_contains(pl_error_message(), "theta[0] is not finite");
    assert_int_equal(pl_grad(c, NULL, h, NULL, PL_GRAD_ADJOINT, &e, &g), PL_EINVAL);
    test_expect_contains(pl_error_message(), "no values were given");
    assert_int_equal(pl_grad(c, &theta, h3, NULL, PL_GRAD_ADJOINT, &e, &g), PL_EINVAL);
    test_expect_contains(pl_error_message(), "observable on 3 qubits");
    assert_int_equal(pl_grad(c, &theta, hc, NULL, PL_GRAD_SHIFT, &e, &g), PL_EINVAL);
    test_expect_contains(pl_error_message(), "must be real");
    pl_grad_method_t m;
    ASSERT_OK(pl_grad_method_lookup("shift", &m));
    assert_int_equal(m, PL_GRAD_SHIFT);
    assert_int_equal(pl_grad_method_lookup("magic", &m), PL_EINVAL);
    test_expect_contains(pl_error_message(), "unknown gradient method 'magic'");
    test_expect_contains(pl_error_message(), "(valid: adjoint, shift, fd)");
    for (int k = 0; k < PL_GRAD_COUNT; k++) {
        assert_int_equal(pl_grad_method_lookup(pl_grad_method_name((pl_grad_method_t)k), &m),
                         PL_OK);
        assert_int_equal(m, (pl_grad_method_t)k);
    }
    assert_string_equal(pl_grad_method_name(PL_GRAD_COUNT), "unknown");
    test_expect_contains(pl_error_message(), "unknown gradient method value 3");
    pl_pauli_sum_destroy(h);
    pl_pauli_sum_destroy(h3);
    pl_pauli_sum_destroy(hc);
    pl_circuit_destroy(c);
}

/* Mean loss recomputed from forward simulations only. */
static double loss_by_forward(const pl_circuit_t *c, const double *theta, const pl_pauli_sum_t *h,
                              pl_sv_t *const *in, const double *y, int ns, pl_loss_t kind) {
    double total = 0;
    for (int s = 0; s < ns; s++) {
        double f;
        ASSERT_OK(pl_grad(c, theta, h, in[s], PL_GRAD_ADJOINT, &f, NULL));
        if (kind == PL_LOSS_MSE) {
            total += (f - y[s]) * (f - y[s]);
        } else {
            double p = 0.5 * (1 + f);
            total += -(y[s] * log(p) + (1 - y[s]) * log(1 - p));
        }
    }
    return total / ns;
}

static void test_batch_loss(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 3);
    const int n = 4, ns = 6;
    pl_circuit_t *c = random_circuit(&rng, n, 5, 25);
    pl_pauli_sum_t *h;
    ASSERT_OK(pl_pauli_sum_parse("0.8*Z0", n, &h));
    pl_sv_t *in[6];
    double y[6];
    for (int s = 0; s < ns; s++) {
        ASSERT_OK(pl_sv_create(n, &in[s]));
        double complex *a = pl_sv_data(in[s]);
        for (size_t i = 0; i < pl_sv_dim(in[s]); i++) a[i] = random_complex(&rng);
        ASSERT_OK(pl_sv_normalize(in[s]));
        y[s] = (double)(s % 2);
    }
    const int np = pl_circuit_num_params(c);
    double theta[8], grad[8], shifted[8], outputs[6];
    random_theta(&rng, theta, np);
    for (int kind = 0; kind < PL_LOSS_COUNT; kind++) {
        double loss;
        ASSERT_OK(pl_grad_batch_loss(c, theta, h, (const pl_sv_t *const *)in, y, ns,
                                     (pl_loss_t)kind, &loss, grad, outputs));
        assert_true(fabs(loss - loss_by_forward(c, theta, h, in, y, ns, (pl_loss_t)kind)) < 1e-12);
        for (int k = 0; k < np; k++) {
            memcpy(shifted, theta, sizeof shifted);
            shifted[k] += 1e-5;
            double up = loss_by_forward(c, shifted, h, in, y, ns, (pl_loss_t)kind);
            shifted[k] -= 2e-5;
            double down = loss_by_forward(c, shifted, h, in, y, ns, (pl_loss_t)kind);
            double fd = (up - down) / 2e-5;
            if (fabs(fd - grad[k]) > 1e-6)
                test_fail("loss %d, d/dtheta[%d]: adjoint %.12g, fd %.12g", kind, k, grad[k], fd);
        }
    }
    /* Thread count does not change the result. */
    double l1, l2, g1[8], g2[8];
    pl_status_t st = pl_threads_set(1);
    ASSERT_OK(st);
    ASSERT_OK(pl_grad_batch_loss(c, theta, h, (const pl_sv_t *const *)in, y, ns, PL_LOSS_MSE, &l1,
                                 g1, NULL));
    ASSERT_OK(pl_threads_set(2));
    ASSERT_OK(pl_grad_batch_loss(c, theta, h, (const pl_sv_t *const *)in, y, ns, PL_LOSS_MSE, &l2,
                                 g2, NULL));
    assert_true(l1 == l2 && memcmp(g1, g2, (size_t)np * sizeof g1[0]) == 0);
    /* Bad labels and sizes. */
    y[0] = 0.5;
    assert_int_equal(pl_grad_batch_loss(c, theta, h, (const pl_sv_t *const *)in, y, ns,
                                        PL_LOSS_CROSS_ENTROPY, &l1, g1, NULL),
                     PL_EINVAL);
    test_expect_contains(pl_error_message(), "sample 0: cross-entropy labels must be 0 or 1");
    assert_int_equal(pl_grad_batch_loss(c, theta, h, (const pl_sv_t *const *)in, y, 0, PL_LOSS_MSE,
                                        &l1, g1, NULL),
                     PL_EINVAL);
    for (int s = 0; s < ns; s++) pl_sv_destroy(in[s]);
    pl_pauli_sum_destroy(h);
    pl_circuit_destroy(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_circuits), cmocka_unit_test(test_blocked_sweep),
        cmocka_unit_test(test_ansatz_circuits), cmocka_unit_test(test_initial_state),
        cmocka_unit_test(test_closed_form),     cmocka_unit_test(test_errors),
        cmocka_unit_test(test_batch_loss),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
