/*
 * Pauli propagation against independent references: the state vector (exact
 * expectations on random circuits of every gate kind), dense matrices
 * (single-gate conjugation U†PU), product states prepared by the state
 * vector, finite differences and the parameter-shift rule for the gradient,
 * and PauliPropagation.jl's published quick-start value.
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
#include <hdf5.h>
#include <unistd.h>

#include "dense.h"
#include "plateau.h"
#include "prop/prop_internal.h"
#include "testutil.h"

#define SEED 1024u

static const pl_gate_t all_kinds[] = {
    PL_GATE_ID,  PL_GATE_X,    PL_GATE_Y,   PL_GATE_Z,    PL_GATE_H,     PL_GATE_S,  PL_GATE_SDG,
    PL_GATE_T,   PL_GATE_TDG,  PL_GATE_SX,  PL_GATE_SXDG, PL_GATE_RX,    PL_GATE_RY, PL_GATE_RZ,
    PL_GATE_P,   PL_GATE_U2,   PL_GATE_U3,  PL_GATE_CX,   PL_GATE_CY,    PL_GATE_CZ, PL_GATE_CH,
    PL_GATE_CSX, PL_GATE_SWAP, PL_GATE_CRX, PL_GATE_CRY,  PL_GATE_CRZ,   PL_GATE_CP, PL_GATE_CU3,
    PL_GATE_RXX, PL_GATE_RYY,  PL_GATE_RZZ, PL_GATE_CCX,  PL_GATE_CSWAP,
};
#define NKINDS ((int)(sizeof all_kinds / sizeof all_kinds[0]))

static void add_random_gate(pl_circuit_t *c, pl_rng_t *rng, pl_gate_t kind, int nparams) {
    const pl_gate_info_t *info = pl_gate_info(kind);
    int q[4];
    pl_angle_t a[3];
    test_random_qubits(rng, pl_circuit_qubits(c), info->qubits, q);
    for (int j = 0; j < info->angles; j++) {
        a[j].a = 0.5 + pl_rng_uniform(rng);
        a[j].k = nparams ? (int)pl_rng_below(rng, (uint64_t)nparams) : -1;
        a[j].b = pl_rng_uniform(rng);
    }
    ASSERT_OK(pl_circuit_add_sym(c, kind, q, info->qubits, a));
}

static pl_circuit_t *random_circuit(pl_rng_t *rng, int n, int ngates, int nparams) {
    pl_circuit_t *c;
    ASSERT_OK(pl_circuit_create(n, &c));
    for (int g = 0; g < ngates; g++) {
        int pick = (int)pl_rng_below(rng, NKINDS + 2);
        if (pick < NKINDS) {
            add_random_gate(c, rng, all_kinds[pick], nparams);
        } else if (pick == NKINDS) {
            double complex u[16];
            int q[2];
            dense_random_unitary(4, rng, u);
            test_random_qubits(rng, n, 2, q);
            ASSERT_OK(pl_circuit_add_unitary(c, q, 2, u));
        } else {
            pl_pauli_t *p;
            ASSERT_OK(pl_pauli_create(n, &p));
            for (int k = 0; k < n; k++) pl_pauli_set(p, k, (pl_pauli_op_t)pl_rng_below(rng, 4));
            if (pl_pauli_weight(p) == 0) pl_pauli_set(p, 0, PL_X);
            pl_angle_t t = {1.0, nparams ? 0 : -1, 0.3};
            ASSERT_OK(pl_circuit_add_pauli_rot(c, p, t));
            pl_pauli_destroy(p);
        }
    }
    return c;
}

static double sv_expval(const pl_circuit_t *c, const double *theta, const pl_pauli_sum_t *h) {
    pl_sv_t *sv;
    double complex e;
    ASSERT_OK(pl_sv_create(pl_circuit_qubits(c), &sv));
    ASSERT_OK(pl_circuit_apply(c, theta, sv));
    ASSERT_OK(pl_sv_expval_sum(sv, h, &e));
    pl_sv_destroy(sv);
    return creal(e);
}

static void test_exact_vs_state_vector(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 1);
    for (int trial = 0; trial < 10; trial++) {
        const int n = 3 + trial % 8, np = 4;
        pl_circuit_t *c = random_circuit(&rng, n, 25, np);
        pl_pauli_sum_t *h = test_random_observable(&rng, n, 4, 0.6);
        double theta[4];
        for (int k = 0; k < np; k++) theta[k] = 6 * pl_rng_uniform(&rng);
        pl_prop_t *p;
        pl_prop_stats_t st;
        ASSERT_OK(pl_propagate(c, theta, h, NULL, &p, &st));
        double got = pl_prop_expval_zero(p), want = sv_expval(c, theta, h);
        if (fabs(got - want) > 1e-10)
            test_fail("trial %d (n=%d, seed %u): propagation %.15g, state vector %.15g", trial, n,
                      SEED, got, want);
        assert_true(st.truncated_weight == 0.0 && st.terms == pl_prop_size(p));
        pl_prop_destroy(p);
        pl_pauli_sum_destroy(h);
        pl_circuit_destroy(c);
    }
}

/* U†PU from dense matrices against the propagated sum, for each gate kind. */
static void test_single_gate_conjugation(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 2);
    const int n = 3;
    for (int i = 0; i < NKINDS; i++) {
        const pl_gate_t kind = all_kinds[i];
        const pl_gate_info_t *info = pl_gate_info(kind);
        double angles[3];
        int q[3];
        for (int j = 0; j < info->angles; j++) angles[j] = 6 * pl_rng_uniform(&rng);
        test_random_qubits(&rng, n, info->qubits, q);
        pl_circuit_t *c;
        ASSERT_OK(pl_circuit_create(n, &c));
        ASSERT_OK(pl_circuit_add(c, kind, q, info->qubits, angles));
        int k;
        double complex *u = dense_gate_matrix(dense_gate_name(kind), angles, &k);
        double complex *full = dense_embed(n, u, k, q);
        const size_t d = (size_t)1 << n;
        for (int trial = 0; trial < 6; trial++) {
            pl_pauli_sum_t *h = test_random_observable(&rng, n, 1, 0.6);
            pl_prop_t *p;
            pl_pauli_sum_t *out;
            ASSERT_OK(pl_propagate(c, NULL, h, NULL, &p, NULL));
            ASSERT_OK(pl_prop_to_sum(p, &out));
            double complex *m = dense_pauli_sum_matrix(h), *ud = dense_zeros(d * d);
            double complex *t1 = dense_zeros(d * d), *want = dense_zeros(d * d);
            dense_dagger(d, full, ud);
            dense_matmul(d, ud, m, t1);
            dense_matmul(d, t1, full, want);
            double complex *got = dense_pauli_sum_matrix(out);
            if (dense_max_diff(got, want, d * d) > 1e-12)
                test_fail("gate %s: U^dagger P U differs by %g", info->name,
                          dense_max_diff(got, want, d * d));
            free(m);
            free(ud);
            free(t1);
            free(want);
            free(got);
            pl_pauli_sum_destroy(out);
            pl_prop_destroy(p);
            pl_pauli_sum_destroy(h);
        }
        free(u);
        free(full);
        pl_circuit_destroy(c);
    }
}

/* Averaged over random angles, the truncation error shrinks as the weight
 * limit grows, and vanishes once it covers the observable's light cone. */
static void test_weight_truncation_converges(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 3);
    const int n = 8, trials = 16;
    pl_ansatz_opts_t o = {.kind = PL_ANSATZ_HEA, .qubits = n, .layers = 3};
    pl_circuit_t *c;
    ASSERT_OK(pl_ansatz_build(&o, &c));
    pl_pauli_sum_t *h;
    ASSERT_OK(pl_pauli_sum_parse("Z3 Z4 + 0.5*X0", n, &h));
    double mean_err[9] = {0}, theta[64];
    for (int trial = 0; trial < trials; trial++) {
        for (int k = 0; k < pl_circuit_num_params(c); k++) theta[k] = 6 * pl_rng_uniform(&rng);
        const double exact = sv_expval(c, theta, h);
        for (int w = 1; w <= n; w++) {
            pl_trunc_t t = {.max_weight = w};
            pl_prop_t *p;
            pl_prop_stats_t st;
            ASSERT_OK(pl_propagate(c, theta, h, &t, &p, &st));
            double err = fabs(pl_prop_expval_zero(p) - exact);
            mean_err[w] += err / trials;
            if (w == n) assert_true(err < 1e-10 && st.truncated_weight == 0.0);
            pl_prop_destroy(p);
        }
    }
    for (int w = 2; w <= n; w++)
        if (mean_err[w] > mean_err[w - 1] + 1e-12)
            test_fail("mean error at weight %d (%g) exceeds weight %d (%g)", w, mean_err[w], w - 1,
                      mean_err[w - 1]);
    pl_pauli_sum_destroy(h);
    pl_circuit_destroy(c);
}

static pl_status_t sv_callback(const pl_pauli_t *p, void *ctx, double *value) {
    return pl_sv_expval_pauli(ctx, p, value);
}

/* Product state: ry(a)·rz(b) on every qubit, so the Bloch vector is
 * (sin a cos b, sin a sin b, cos a); the reference prepares it in the
 * state vector before the circuit. */
static void test_product_state_and_callback(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 4);
    const int n = 6;
    pl_circuit_t *c = random_circuit(&rng, n, 20, 0);
    pl_circuit_t *prep;
    ASSERT_OK(pl_circuit_create(n, &prep));
    double bloch[3 * 6];
    for (int q = 0; q < n; q++) {
        double a = 3 * pl_rng_uniform(&rng), b = 6 * pl_rng_uniform(&rng);
        ASSERT_OK(pl_circuit_add(prep, PL_GATE_RY, &q, 1, &a));
        ASSERT_OK(pl_circuit_add(prep, PL_GATE_RZ, &q, 1, &b));
        bloch[3 * q] = sin(a) * cos(b);
        bloch[3 * q + 1] = sin(a) * sin(b);
        bloch[3 * q + 2] = cos(a);
    }
    pl_pauli_sum_t *h = test_random_observable(&rng, n, 5, 0.6);
    pl_sv_t *in, *sv;
    double complex e;
    ASSERT_OK(pl_sv_create(n, &in));
    ASSERT_OK(pl_circuit_apply(prep, NULL, in));
    ASSERT_OK(pl_sv_clone(in, &sv));
    ASSERT_OK(pl_circuit_apply(c, NULL, sv));
    ASSERT_OK(pl_sv_expval_sum(sv, h, &e));
    pl_prop_t *p;
    ASSERT_OK(pl_propagate(c, NULL, h, NULL, &p, NULL));
    assert_true(fabs(pl_prop_expval_product(p, bloch) - creal(e)) < 1e-10);
    /* The callback path with ⟨P⟩ of the input state gives the same. */
    double via_callback;
    ASSERT_OK(pl_prop_expval_callback(p, sv_callback, in, &via_callback));
    assert_true(fabs(via_callback - creal(e)) < 1e-10);
    pl_prop_destroy(p);
    pl_sv_destroy(sv);
    pl_sv_destroy(in);
    pl_pauli_sum_destroy(h);
    pl_circuit_destroy(prep);
    pl_circuit_destroy(c);
}

/* Value of the truncated propagation on |0…0⟩ at theta. */
static double truncated_value(const pl_circuit_t *c, const double *theta, const pl_pauli_sum_t *h,
                              const pl_trunc_t *t) {
    pl_prop_t *p;
    ASSERT_OK(pl_propagate(c, theta, h, t, &p, NULL));
    const double v = pl_prop_expval_zero(p);
    pl_prop_destroy(p);
    return v;
}

/* Forward-mode derivatives (pl_propagate_grad) against the parameter-shift
 * rule on the propagation and central finite differences of it, untruncated
 * (then also against the state vector), at max weight 2 and at max freq 3. */
static void test_gradient(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 5);
    const int n = 6, np = 5;
    pl_circuit_t *c = random_circuit(&rng, n, 30, np);
    pl_pauli_sum_t *h = test_random_observable(&rng, n, 3, 0.6);
    double theta[5], grad[5], shift[5], shifted[5];
    for (int k = 0; k < np; k++) theta[k] = 6 * pl_rng_uniform(&rng);
    const pl_trunc_t truncs[3] = {{0, 0.0, 0}, {.max_weight = 2}, {.max_freq = 3}};
    for (int t = 0; t < 3; t++) {
        double value, value_shift;
        ASSERT_OK(pl_propagate_grad(c, theta, h, &truncs[t], &value, grad));
        ASSERT_OK(pl_propagate_grad_shift(c, theta, h, &truncs[t], &value_shift, shift));
        assert_true(fabs(value - value_shift) < 1e-12);
        assert_true(fabs(value - truncated_value(c, theta, h, &truncs[t])) < 1e-12);
        if (t == 0) assert_true(fabs(value - sv_expval(c, theta, h)) < 1e-10);
        for (int k = 0; k < np; k++) {
            double f[2];
            for (int side = 0; side < 2; side++) {
                memcpy(shifted, theta, sizeof shifted);
                shifted[k] += side ? -1e-5 : 1e-5;
                f[side] = truncated_value(c, shifted, h, &truncs[t]);
            }
            const double fd = (f[0] - f[1]) / 2e-5;
            if (fabs(fd - grad[k]) > 1e-6 || fabs(shift[k] - grad[k]) > 1e-10)
                test_fail("truncation %d, d/dtheta[%d]: forward %.12g, shift rule %.12g, fd %.12g",
                          t, k, grad[k], shift[k], fd);
        }
    }
    pl_pauli_sum_destroy(h);
    pl_circuit_destroy(c);
}

/* ⟨0|P|0⟩ through the callback: 1 for I/Z strings. */
static pl_status_t zero_state(const pl_pauli_t *p, void *ctx, double *value) {
    (void)ctx;
    int diagonal = 1;
    for (int i = 0; i < p->nwords; i++) diagonal &= p->x[i] == 0;
    *value = diagonal;
    return PL_OK;
}

/* Gradients on a product state and through a callback against finite
 * differences of the corresponding values; per-term derivatives summed by
 * hand equal the library's sums. */
static void test_gradient_product_and_callback(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 8);
    const int n = 5, np = 4;
    pl_circuit_t *c = random_circuit(&rng, n, 25, np);
    pl_pauli_sum_t *h = test_random_observable(&rng, n, 3, 0.6);
    double bloch[3 * 5], theta[4], grad[4], gcb[4], shifted[4];
    for (int q = 0; q < n; q++) { /* a random pure product state */
        const double th = 3 * pl_rng_uniform(&rng), ph = 6 * pl_rng_uniform(&rng);
        bloch[3 * q] = sin(th) * cos(ph);
        bloch[3 * q + 1] = sin(th) * sin(ph);
        bloch[3 * q + 2] = cos(th);
    }
    for (int k = 0; k < np; k++) theta[k] = 6 * pl_rng_uniform(&rng);
    const pl_trunc_t trunc = {.max_weight = 3};
    pl_prop_t *p;
    ASSERT_OK(pl_propagate_diff(c, theta, h, &trunc, &p, NULL));
    assert_int_equal(pl_prop_num_grad(p), np);
    double value, vcb;
    ASSERT_OK(pl_prop_grad_product(p, bloch, &value, grad));
    assert_true(fabs(value - pl_prop_expval_product(p, bloch)) < 1e-14);
    for (int k = 0; k < np; k++) {
        double f[2];
        for (int side = 0; side < 2; side++) {
            memcpy(shifted, theta, sizeof shifted);
            shifted[k] += side ? -1e-5 : 1e-5;
            pl_prop_t *q;
            ASSERT_OK(pl_propagate(c, shifted, h, &trunc, &q, NULL));
            f[side] = pl_prop_expval_product(q, bloch);
            pl_prop_destroy(q);
        }
        if (fabs((f[0] - f[1]) / 2e-5 - grad[k]) > 1e-6)
            test_fail("product state d/dtheta[%d]: %.12g vs fd %.12g", k, grad[k],
                      (f[0] - f[1]) / 2e-5);
    }
    /* the callback with ⟨0|P|0⟩ equals pl_prop_grad_zero and the per-term sum */
    double gzero[4], vzero, by_hand[4] = {0};
    ASSERT_OK(pl_prop_grad_callback(p, zero_state, NULL, &vcb, gcb));
    ASSERT_OK(pl_prop_grad_zero(p, &vzero, gzero));
    for (size_t t = 0; t < pl_prop_size(p); t++) {
        pl_pauli_t v;
        double coeff, e;
        pl_prop_term(p, t, &v, &coeff);
        ASSERT_OK(zero_state(&v, NULL, &e));
        for (int k = 0; k < np; k++) by_hand[k] += pl_prop_term_grad(p, t)[k] * e;
    }
    assert_true(fabs(vcb - vzero) < 1e-14);
    for (int k = 0; k < np; k++)
        assert_true(fabs(gcb[k] - gzero[k]) < 1e-14 && fabs(by_hand[k] - gzero[k]) < 1e-12);
    pl_prop_destroy(p);
    /* without derivatives the gradient functions refuse */
    ASSERT_OK(pl_propagate(c, theta, h, &trunc, &p, NULL));
    assert_null(pl_prop_term_grad(p, 0));
    assert_int_equal(pl_prop_grad_zero(p, &vzero, gzero), PL_EINVAL);
    test_expect_contains(pl_error_message(), "pl_propagate_diff");
    pl_prop_destroy(p);
    pl_pauli_sum_destroy(h);
    pl_circuit_destroy(c);
}

/* PauliPropagation.jl README quick start: 32 qubits, tfitrottercircuit on the
 * periodic bricklayer (bonds (0,1), (2,3), …, then (1,2), …, (31,0)) with 32
 * layers (RZZ layer, 31 × (RX layer, RZZ layer), RX layer), all angles 0.1,
 * observable Z on their qubit 16 (1-based: our 15), max weight 6, min |c| 1e-4,
 * truncating after every gate. Published: ⟨0|U†ZU|0⟩ = 0.154596728241. Also
 * checks that the result does not depend on the thread count. */
static void test_pauli_propagation_jl_readme(void **state) {
    (void)state;
    const int n = 32;
    pl_circuit_t *c;
    ASSERT_OK(pl_circuit_create(n, &c));
    const double a = 0.1;
    for (int layer = 0; layer < 32; layer++) {
        for (int i = 0; layer > 0 && i < n; i++)
            ASSERT_OK(pl_circuit_add(c, PL_GATE_RX, &i, 1, &a));
        for (int start = 0; start < 2; start++)
            for (int i = start; i < n; i += 2) {
                const int q[2] = {i, (i + 1) % n};
                ASSERT_OK(pl_circuit_add(c, PL_GATE_RZZ, q, 2, &a));
            }
    }
    for (int i = 0; i < n; i++) ASSERT_OK(pl_circuit_add(c, PL_GATE_RX, &i, 1, &a));
    pl_pauli_sum_t *z;
    ASSERT_OK(pl_pauli_sum_parse("Z15", n, &z));
    const pl_trunc_t t = {.max_weight = 6, .min_abs_coeff = 1e-4};
    double values[2];
    size_t sizes[2];
    const int saved = pl_threads_get();
    for (int threads = 1; threads <= 2; threads++) {
        ASSERT_OK(pl_threads_set(threads));
        pl_prop_t *p;
        ASSERT_OK(pl_propagate(c, NULL, z, &t, &p, NULL));
        values[threads - 1] = pl_prop_expval_zero(p);
        sizes[threads - 1] = pl_prop_size(p);
        pl_prop_destroy(p);
    }
    ASSERT_OK(pl_threads_set(saved));
    if (fabs(values[0] - 0.154596728241) > 5e-13)
        test_fail("PauliPropagation.jl quick start: got %.13f, published 0.154596728241",
                  values[0]);
    assert_true(values[0] == values[1] && sizes[0] == sizes[1]);
    pl_pauli_sum_destroy(z);
    pl_circuit_destroy(c);
}

/* Large tables are scanned in parallel: the terms (strings, order and
 * coefficients) are identical at 1 and 2 threads. */
static void test_thread_independence(void **state) {
    (void)state;
    pl_ansatz_opts_t o = {.kind = PL_ANSATZ_TFIM_HVA, .qubits = 24, .layers = 9};
    pl_circuit_t *c;
    ASSERT_OK(pl_ansatz_build(&o, &c));
    const int np = pl_circuit_num_params(c);
    double *theta = malloc((size_t)np * sizeof *theta);
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 9);
    for (int k = 0; k < np; k++) theta[k] = 6 * pl_rng_uniform(&rng);
    pl_pauli_sum_t *z;
    ASSERT_OK(pl_pauli_sum_parse("Z12", 24, &z));
    const pl_trunc_t t = {.min_abs_coeff = 1e-5};
    pl_prop_t *p[2];
    const int saved = pl_threads_get();
    for (int threads = 1; threads <= 2; threads++) {
        ASSERT_OK(pl_threads_set(threads));
        ASSERT_OK(pl_propagate_diff(c, theta, z, &t, &p[threads - 1], NULL));
    }
    ASSERT_OK(pl_threads_set(saved));
    assert_true(pl_prop_size(p[0]) > 32768); /* large enough to be scanned in parallel */
    assert_int_equal(pl_prop_size(p[0]), pl_prop_size(p[1]));
    for (size_t k = 0; k < pl_prop_size(p[0]); k++) {
        pl_pauli_t v[2];
        double coeff[2];
        for (int i = 0; i < 2; i++) pl_prop_term(p[i], k, &v[i], &coeff[i]);
        assert_true(pl_pauli_equal(&v[0], &v[1]) && coeff[0] == coeff[1]);
        assert_memory_equal(pl_prop_term_grad(p[0], k), pl_prop_term_grad(p[1], k),
                            (size_t)np * sizeof(double));
    }
    pl_prop_destroy(p[0]);
    pl_prop_destroy(p[1]);
    free(theta);
    pl_pauli_sum_destroy(z);
    pl_circuit_destroy(c);
}

/* An observable on n qubits whose terms sit across the register:
 * 0.5 Z(n/2) + 0.25 X1 Y(n−1) − Z0 Z(n/3). */
static pl_pauli_sum_t *spread_observable(int n) {
    pl_pauli_sum_t *obs;
    char text[96];
    snprintf(text, sizeof text, "0.5*Z%d + 0.25*X1 Y%d - Z0 Z%d", n / 2, n - 1, n / 3);
    ASSERT_OK(pl_pauli_sum_parse(text, n, &obs));
    return obs;
}

/* The QCNN ansatz on n qubits (angles shared per layer or not) and its
 * readout, with angles 6·U(0, 1) drawn from rng, or 0.3 + 0.1·k when rng is
 * NULL (free the result). */
static double *qcnn_angles_shared(int n, bool shared, pl_rng_t *rng, pl_circuit_t **c,
                                  pl_pauli_sum_t **readout) {
    const pl_ansatz_opts_t o = {.kind = PL_ANSATZ_QCNN, .qubits = n, .share_angles = shared};
    ASSERT_OK(pl_ansatz_build(&o, c));
    ASSERT_OK(pl_ansatz_readout(&o, readout));
    const int np = pl_circuit_num_params(*c);
    double *theta = malloc((size_t)np * sizeof *theta);
    assert_non_null(theta);
    for (int k = 0; k < np; k++) theta[k] = rng ? 6 * pl_rng_uniform(rng) : 0.3 + 0.1 * k;
    return theta;
}

static double *qcnn_with_angles(int n, pl_rng_t *rng, pl_circuit_t **c, pl_pauli_sum_t **readout) {
    return qcnn_angles_shared(n, false, rng, c, readout);
}

/* 1,024 qubits: a QCNN read out with Z at weight 2 finishes with finite
 * coefficients, and every surviving string has weight <= 2. */
static void test_qcnn_1024(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 6);
    pl_circuit_t *c;
    pl_pauli_sum_t *readout;
    double *theta = qcnn_with_angles(1024, &rng, &c, &readout);
    pl_trunc_t t = {.max_weight = 2};
    pl_prop_t *p;
    pl_prop_stats_t st;
    ASSERT_OK(pl_propagate(c, theta, readout, &t, &p, &st));
    assert_true(pl_prop_size(p) > 0);
    /* Strings of weight <= 2 on 1,024 qubits: 1 + 3·1024 + 9·C(1024, 2). */
    assert_true(pl_prop_size(p) <= 1 + 3 * 1024 + 9 * (size_t)1024 * 1023 / 2);
    for (size_t k = 0; k < pl_prop_size(p); k++) {
        pl_pauli_t v;
        double coeff;
        pl_prop_term(p, k, &v, &coeff);
        assert_true(isfinite(coeff) && pl_pauli_weight(&v) <= 2);
    }
    assert_true(isfinite(pl_prop_expval_zero(p)) && fabs(pl_prop_expval_zero(p)) <= 1.0 + 1e-9);
    pl_prop_destroy(p);
    free(theta);
    pl_pauli_sum_destroy(readout);
    pl_circuit_destroy(c);
}

/* RX(θ0) on qubit 0 of 2, and the observables Z0 on 2 qubits, Z0 on 3 (the
 * wrong size) and 0.5i·Z0 (not Hermitian): the bad-input checks' fixture. */
static void bad_input_fixture(pl_circuit_t **c, pl_pauli_sum_t **h, pl_pauli_sum_t **h3,
                              pl_pauli_sum_t **hc) {
    ASSERT_OK(pl_circuit_create(2, c));
    int q = 0;
    pl_angle_t t = {1.0, 0, 0.0};
    ASSERT_OK(pl_circuit_add_sym(*c, PL_GATE_RX, &q, 1, &t));
    ASSERT_OK(pl_pauli_sum_parse("Z0", 2, h));
    ASSERT_OK(pl_pauli_sum_parse("Z0", 3, h3));
    ASSERT_OK(pl_pauli_sum_parse("0.5i*Z0", 2, hc));
}

static void test_errors(void **state) {
    (void)state;
    pl_circuit_t *c;
    pl_pauli_sum_t *h, *h3, *hc;
    bad_input_fixture(&c, &h, &h3, &hc);
    pl_prop_t *p = NULL;
    const double theta = 0.3, nan_theta = NAN;
    assert_int_equal(pl_propagate(c, &theta, h3, NULL, &p, NULL), PL_EINVAL);
    test_expect_contains(pl_error_message(), "observable on 3 qubits for a 2-qubit circuit");
    assert_int_equal(pl_propagate(c, &theta, hc, NULL, &p, NULL), PL_EINVAL);
    test_expect_contains(pl_error_message(), "must be real");
    assert_int_equal(pl_propagate(c, &nan_theta, h, NULL, &p, NULL), PL_EINVAL);
    test_expect_contains(pl_error_message(), "not finite");
    const pl_trunc_t bad[3] = {{.max_weight = -1}, {.min_abs_coeff = NAN}, {.max_freq = -2}};
    const char *msgs[3] = {"max weight -1 is negative", "min |coefficient| nan",
                           "max frequency -2 is negative"};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(pl_propagate(c, &theta, h, &bad[i], &p, NULL), PL_EINVAL);
        test_expect_contains(pl_error_message(), msgs[i]);
    }
    assert_null(p);
    /* A term explosion stops at the memory limit and names the term count. */
    pl_ansatz_opts_t o = {.kind = PL_ANSATZ_HEA, .qubits = 12, .layers = 4};
    pl_circuit_t *big;
    ASSERT_OK(pl_ansatz_build(&o, &big));
    double *th = calloc((size_t)pl_circuit_num_params(big), sizeof *th);
    for (int k = 0; k < pl_circuit_num_params(big); k++) th[k] = 0.1 + k;
    pl_pauli_sum_t *z;
    ASSERT_OK(pl_pauli_sum_parse("Z6", 12, &z));
    pl_mem_set_limit(1 << 16);
    assert_int_equal(pl_propagate(big, th, z, NULL, &p, NULL), PL_ENOMEM);
    test_expect_contains(pl_error_message(), "Pauli propagation after");
    pl_mem_set_limit(0);
    free(th);
    pl_pauli_sum_destroy(z);
    pl_circuit_destroy(big);
    pl_pauli_sum_destroy(h);
    pl_pauli_sum_destroy(h3);
    pl_pauli_sum_destroy(hc);
    pl_circuit_destroy(c);
}

/* Read file `path` of pl_prop_save back and compare it with p term by term. */
static void expect_saved(const char *path, const pl_prop_t *p) {
    const size_t terms = pl_prop_size(p);
    const int nw = PL_PAULI_WORDS(pl_prop_qubits(p));
    uint64_t *x = malloc(terms * (size_t)nw * sizeof *x),
             *z = malloc(terms * (size_t)nw * sizeof *z);
    double *c = malloc(terms * sizeof *c);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    hid_t dx = H5Dopen2(f, "x", H5P_DEFAULT), dz = H5Dopen2(f, "z", H5P_DEFAULT),
          dc = H5Dopen2(f, "coeff", H5P_DEFAULT);
    assert_true(dx >= 0 && dz >= 0 && dc >= 0);
    assert_true(H5Dread(dx, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, x) >= 0);
    assert_true(H5Dread(dz, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, z) >= 0);
    assert_true(H5Dread(dc, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, c) >= 0);
    int64_t qubits = 0;
    hid_t a = H5Aopen(f, "qubits", H5P_DEFAULT);
    assert_true(a >= 0 && H5Aread(a, H5T_NATIVE_INT64, &qubits) >= 0);
    assert_int_equal(qubits, pl_prop_qubits(p));
    H5Aclose(a);
    H5Dclose(dx);
    H5Dclose(dz);
    H5Dclose(dc);
    H5Fclose(f);
    for (size_t k = 0; k < terms; k++) {
        pl_pauli_t v;
        double ck;
        pl_prop_term(p, k, &v, &ck);
        assert_memory_equal(x + k * (size_t)nw, v.x, (size_t)nw * sizeof *x);
        assert_memory_equal(z + k * (size_t)nw, v.z, (size_t)nw * sizeof *z);
        assert_true(c[k] == ck);
    }
    free(x);
    free(z);
    free(c);
}

/* pl_prop_save writes every term; the old name pl_io_write_prop_h5 (path
 * first) still works; a missing folder is PL_EIO naming the path. */
static void test_save(void **state) {
    (void)state;
    pl_ansatz_opts_t o = {.kind = PL_ANSATZ_HEA, .qubits = 70, .layers = 1};
    pl_circuit_t *c;
    assert_int_equal(pl_ansatz_build(&o, &c), PL_OK);
    double *th = calloc((size_t)pl_circuit_num_params(c), sizeof *th);
    for (int k = 0; k < pl_circuit_num_params(c); k++) th[k] = 0.1 + 0.3 * k;
    pl_pauli_sum_t *obs;
    assert_int_equal(pl_pauli_sum_parse("Z0 Z1 + 0.5*X65 + Y3 Z68", 70, &obs), PL_OK);
    pl_prop_t *p;
    assert_int_equal(pl_propagate(c, th, obs, NULL, &p, NULL), PL_OK);
    assert_true(pl_prop_size(p) > 3);
    char path[256], old[256];
    snprintf(path, sizeof path, "/tmp/plateau_test_prop_%d.h5", (int)getpid());
    snprintf(old, sizeof old, "/tmp/plateau_test_prop_%d_old.h5", (int)getpid());
    assert_int_equal(pl_prop_save(p, path, "test", SEED), PL_OK);
    expect_saved(path, p);
    assert_int_equal(pl_io_write_prop_h5(old, p, "test", SEED), PL_OK);
    expect_saved(old, p);
    assert_int_equal(pl_prop_save(p, "/nonexistent-folder/p.h5", NULL, 0), PL_EIO);
    test_expect_contains(pl_error_message(), "/nonexistent-folder/p.h5");
    unlink(path);
    unlink(old);
    pl_prop_destroy(p);
    pl_pauli_sum_destroy(obs);
    free(th);
    pl_circuit_destroy(c);
}

/* Propagate with the key representation forced (1 dense, 2 sparse). */
static pl_prop_t *propagate_as(int repr, bool diff, const pl_circuit_t *c, const double *theta,
                               const pl_pauli_sum_t *obs, const pl_trunc_t *t) {
    pl_prop_t *p;
    prop_force_repr = repr;
    pl_status_t st = diff ? pl_propagate_diff(c, theta, obs, t, &p, NULL)
                          : pl_propagate(c, theta, obs, t, &p, NULL);
    prop_force_repr = 0;
    ASSERT_OK(st);
    return p;
}

/* The same strings with coefficients (and derivatives) to 1e-12, in any order. */
static void assert_same_terms(const pl_prop_t *a, const pl_prop_t *b) {
    assert_int_equal(pl_prop_size(a), pl_prop_size(b));
    pl_pauli_sum_t *sa;
    ASSERT_OK(pl_prop_to_sum(a, &sa));
    const int ng = pl_prop_num_grad(a);
    assert_int_equal(ng, pl_prop_num_grad(b));
    for (size_t k = 0; k < pl_prop_size(b); k++) {
        pl_pauli_t v;
        double c;
        size_t j;
        pl_prop_term(b, k, &v, &c);
        assert_true(pl_pauli_sum_find(sa, &v, &j));
        double ca;
        pl_pauli_t va;
        pl_prop_term(a, j, &va, &ca);
        assert_true(pl_pauli_equal(&v, &va) && fabs(c - ca) < 1e-12);
        for (int i = 0; i < ng; i++)
            assert_true(fabs(pl_prop_term_grad(a, j)[i] - pl_prop_term_grad(b, k)[i]) < 1e-12);
    }
    assert_true(fabs(pl_prop_expval_zero(a) - pl_prop_expval_zero(b)) < 1e-12);
    pl_pauli_sum_destroy(sa);
}

/* Sparse keys (max weight ≤ 16) give the strings of the packed ones:
 * random circuits of every gate kind on 48 and 64 qubits, max weight 3 and 5
 * (one and two key words), with and without derivatives and coefficient
 * truncation; evaluation and saving read them alike. */
static void test_sparse_matches_dense(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 11);
    const int sizes[] = {48, 64};
    for (int trial = 0; trial < 4; trial++) {
        const int n = sizes[trial % 2], np = 20;
        pl_circuit_t *c = random_circuit(&rng, n, 200, np);
        double theta[20];
        for (int k = 0; k < np; k++) theta[k] = 6 * pl_rng_uniform(&rng);
        pl_pauli_sum_t *obs = spread_observable(n);
        const pl_trunc_t t = {.max_weight = trial < 2 ? 3 : 5,
                              .min_abs_coeff = trial == 3 ? 1e-4 : 0.0};
        const bool diff = trial & 1;
        pl_prop_t *dense = propagate_as(1, diff, c, theta, obs, &t);
        pl_prop_t *sparse = propagate_as(2, diff, c, theta, obs, &t);
        assert_true(!dense->t.sparse && sparse->t.sparse);
        assert_true(pl_prop_size(dense) > 10);
        assert_same_terms(dense, sparse);
        double bloch[3 * 64];
        for (int i = 0; i < 3 * n; i++) bloch[i] = pl_rng_uniform(&rng) - 0.5;
        assert_true(fabs(pl_prop_expval_product(dense, bloch) -
                         pl_prop_expval_product(sparse, bloch)) < 1e-12);
        pl_prop_destroy(dense);
        pl_prop_destroy(sparse);
        pl_pauli_sum_destroy(obs);
        pl_circuit_destroy(c);
    }
}

/* Propagate op by op (fuse 0) or in blocks (fuse 1), representation repr. */
static pl_prop_t *propagate_fused(int fuse, int repr, const pl_circuit_t *c, const double *theta,
                                  const pl_pauli_sum_t *obs, const pl_trunc_t *t,
                                  pl_prop_stats_t *st) {
    pl_prop_t *p;
    prop_fuse_blocks = fuse;
    prop_force_repr = repr;
    pl_status_t s = pl_propagate(c, theta, obs, t, &p, st);
    prop_fuse_blocks = 1;
    prop_force_repr = 0;
    ASSERT_OK(s);
    return p;
}

/* Runs of gates on one or two qubits are applied in one scan (blocks) when
 * only the max weight truncates: the same strings and coefficients (1e-12),
 * the same expectation, as op by op, on circuits made of runs of random gates
 * of every kind (unitaries and channels) on random pairs, single qubits and
 * wider gates between them, dense and sparse keys, exact and at max weight
 * 2 and 3; and on the QCNN (64 and 130 qubits, max weight 3). */
static void test_blocks_match_op_by_op(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 13);
    for (int trial = 0; trial < 6; trial++) {
        const int n = trial < 2 ? 8 : (trial < 4 ? 24 : 48), np = 12;
        pl_circuit_t *c;
        ASSERT_OK(pl_circuit_create(n, &c));
        for (int run = 0; run < 2 * n; run++) {
            /* neighbours, so that the observable's light cone spreads */
            const int i = (int)pl_rng_below(&rng, (uint64_t)n - 1), q[2] = {i, i + 1};
            const int len = 1 + (int)pl_rng_below(&rng, 8);
            for (int g = 0; g < len; g++) {
                const pl_gate_t kind = all_kinds[pl_rng_below(&rng, NKINDS)];
                const pl_gate_info_t *info = pl_gate_info(kind);
                if (info->qubits > 2) {
                    add_random_gate(c, &rng, kind, np); /* ends the block */
                    continue;
                }
                const int flip = (int)pl_rng_below(&rng, 2), use[2] = {q[flip], q[1 - flip]};
                if (pl_rng_below(&rng, 8) == 0) { /* a generic two-qubit unitary (a PTM) */
                    double complex u[16];
                    dense_random_unitary(4, &rng, u);
                    ASSERT_OK(pl_circuit_add_unitary(c, use, 2, u));
                    continue;
                }
                pl_angle_t a[3];
                for (int j = 0; j < info->angles; j++) {
                    a[j].a = 0.5 + pl_rng_uniform(&rng);
                    a[j].k = (int)pl_rng_below(&rng, (uint64_t)np);
                    a[j].b = pl_rng_uniform(&rng);
                }
                ASSERT_OK(pl_circuit_add_sym(c, kind, use, info->qubits, a));
            }
        }
        double theta[12];
        for (int k = 0; k < np; k++) theta[k] = 6 * pl_rng_uniform(&rng);
        pl_pauli_sum_t *obs = spread_observable(n);
        const pl_trunc_t t = {.max_weight = trial < 2 ? 0 : 2 + trial % 2};
        for (int repr = 1; repr <= (t.max_weight ? 2 : 1); repr++) {
            pl_prop_stats_t s0, s1;
            pl_prop_t *op = propagate_fused(0, repr, c, theta, obs, &t, &s0);
            pl_prop_t *bl = propagate_fused(1, repr, c, theta, obs, &t, &s1);
            if (pl_prop_size(op) < 100) test_fail("trial %d: %zu strings", trial, pl_prop_size(op));
            assert_same_terms(op, bl);
            /* the dropped weight is summed before merging in blocks: not less */
            assert_true(s1.truncated_weight >= s0.truncated_weight * (1 - 1e-12));
            pl_prop_destroy(op);
            pl_prop_destroy(bl);
        }
        pl_pauli_sum_destroy(obs);
        pl_circuit_destroy(c);
    }
    for (int size = 64; size <= 130; size += 66) {
        pl_circuit_t *c;
        pl_pauli_sum_t *readout;
        double *theta = qcnn_with_angles(size, &rng, &c, &readout);
        const pl_trunc_t t = {.max_weight = size == 64 ? 3 : 2};
        for (int repr = 1; repr <= 2; repr++) {
            pl_prop_t *op = propagate_fused(0, repr, c, theta, readout, &t, NULL);
            pl_prop_t *bl = propagate_fused(1, repr, c, theta, readout, &t, NULL);
            assert_same_terms(op, bl);
            pl_prop_destroy(op);
            pl_prop_destroy(bl);
        }
        free(theta);
        pl_pauli_sum_destroy(readout);
        pl_circuit_destroy(c);
    }
}

/* A table large enough to be scanned and merged in parallel (QCNN, 64
 * qubits, max weight 3: 135k strings), in both representations: 1 and 2
 * threads give the same terms in the same order, bitwise; the two
 * representations agree to 1e-12. */
static void test_sparse_thread_independence(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 12);
    pl_circuit_t *c;
    pl_pauli_sum_t *readout;
    double *theta = qcnn_with_angles(64, &rng, &c, &readout);
    const pl_trunc_t t = {.max_weight = 3};
    pl_prop_t *p[2][2];
    const int saved = pl_threads_get();
    for (int repr = 1; repr <= 2; repr++)
        for (int threads = 1; threads <= 2; threads++) {
            ASSERT_OK(pl_threads_set(threads));
            p[repr - 1][threads - 1] = propagate_as(repr, false, c, theta, readout, &t);
        }
    ASSERT_OK(pl_threads_set(saved));
    assert_true(pl_prop_size(p[0][0]) > 32768);
    for (int r = 0; r < 2; r++) {
        assert_int_equal(pl_prop_size(p[r][0]), pl_prop_size(p[r][1]));
        for (size_t k = 0; k < pl_prop_size(p[r][0]); k++) {
            pl_pauli_t v[2];
            double coeff[2];
            for (int i = 0; i < 2; i++) pl_prop_term(p[r][i], k, &v[i], &coeff[i]);
            assert_true(pl_pauli_equal(&v[0], &v[1]) && coeff[0] == coeff[1]);
        }
    }
    assert_same_terms(p[0][0], p[1][0]);
    for (int r = 0; r < 2; r++)
        for (int i = 0; i < 2; i++) pl_prop_destroy(p[r][i]);
    free(theta);
    pl_pauli_sum_destroy(readout);
    pl_circuit_destroy(c);
}

/* A table is one shard while it is small and PROP_SHARDS from
 * prop_reshard_min terms on: the strings, coefficients and derivatives do not
 * depend on when it is split (one shard throughout, 64 from the first term,
 * the default in between), op by op (coefficient truncation, derivatives)
 * and in blocks (max weight only), dense and sparse keys. */
static void test_shard_count_independence(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 14);
    for (int trial = 0; trial < 4; trial++) {
        const int n = trial < 2 ? 24 : 64, np = 16, repr = trial < 2 ? 1 : 2;
        pl_circuit_t *c = random_circuit(&rng, n, 150, np);
        double theta[16];
        for (int k = 0; k < np; k++) theta[k] = 6 * pl_rng_uniform(&rng);
        pl_pauli_sum_t *obs = spread_observable(n);
        const pl_trunc_t t = {.max_weight = 5, .min_abs_coeff = trial & 1 ? 1e-5 : 0.0};
        const bool diff = trial & 1;
        const size_t mins[3] = {1, PROP_PARALLEL_MIN, SIZE_MAX};
        pl_prop_t *p[3];
        for (int i = 0; i < 3; i++) {
            prop_reshard_min = mins[i];
            p[i] = propagate_as(repr, diff, c, theta, obs, &t);
        }
        prop_reshard_min = PROP_PARALLEL_MIN;
        printf("  trial %d: %zu terms%s\n", trial, pl_prop_size(p[0]), diff ? ", derivatives" : "");
        assert_true(pl_prop_size(p[0]) > 100);
        assert_true(p[0]->t.nshards == PROP_SHARDS && p[2]->t.nshards == 1);
        for (int i = 1; i < 3; i++) assert_same_terms(p[0], p[i]);
        for (int i = 0; i < 3; i++) pl_prop_destroy(p[i]);
        pl_pauli_sum_destroy(obs);
        pl_circuit_destroy(c);
    }
}

/* A sparse result is unpacked for pl_prop_term when it is handed out, under
 * the memory limit: every limit too small for the propagation or for that
 * copy gives PL_ENOMEM with a message, never an abort; a limit large enough
 * gives the same terms as no limit. */
static void test_sparse_view_under_memory_limit(void **state) {
    (void)state;
    pl_circuit_t *c;
    pl_pauli_sum_t *readout;
    double *theta = qcnn_with_angles(128, NULL, &c, &readout);
    const pl_trunc_t t = {.max_weight = 2};
    pl_prop_t *full;
    ASSERT_OK(pl_propagate(c, theta, readout, &t, &full, NULL));
    const size_t saved = pl_mem_limit();
    bool refused = false;
    for (size_t limit = (size_t)1 << 26; limit >= ((size_t)1 << 12); limit /= 2) {
        pl_mem_set_limit(pl_mem_in_use() + limit);
        pl_prop_t *p = NULL;
        const pl_status_t st = pl_propagate(c, theta, readout, &t, &p, NULL);
        pl_mem_set_limit(saved); /* the checks below allocate */
        if (st == PL_OK) {
            assert_same_terms(p, full);
            pl_prop_destroy(p);
        } else {
            assert_int_equal(st, PL_ENOMEM);
            assert_null(p);
            assert_non_null(strstr(pl_error_message(), "memory limit"));
            refused = true;
        }
    }
    assert_true(refused);
    pl_prop_destroy(full);
    free(theta);
    pl_pauli_sum_destroy(readout);
    pl_circuit_destroy(c);
}

/* ---- compiled plans ----------------------------------------------------- */

/* Plan p evaluated at theta against pl_propagate_diff with the same weight
 * limit (forward-mode derivatives, another algorithm): the same strings, the
 * same coefficients, and for weights w[t] = sin(t + 1) the same Σ_t w_t ∂c_t/∂θ. */
static void check_plan(pl_prop_plan_t *plan, const pl_circuit_t *c, const double *theta,
                       const pl_pauli_sum_t *obs, int max_weight, const char *what) {
    const pl_trunc_t t = {.max_weight = max_weight};
    pl_prop_t *ref;
    ASSERT_OK(pl_propagate_diff(c, theta, obs, &t, &ref, NULL));
    const size_t nt = pl_prop_plan_size(plan);
    const int np = pl_circuit_num_params(c);
    if (nt != pl_prop_size(ref))
        test_fail("%s (seed %u): plan has %zu strings, propagation %zu", what, SEED, nt,
                  pl_prop_size(ref));
    double *coeff = malloc((nt + 1) * sizeof *coeff), *w = malloc((nt + 1) * sizeof *w);
    double *grad = calloc((size_t)np + 1, sizeof *grad),
           *want = calloc((size_t)np + 1, sizeof *want);
    assert_true(coeff && w && grad && want);
    ASSERT_OK(pl_prop_plan_eval(plan, theta, coeff));
    pl_pauli_sum_t *sref;
    ASSERT_OK(pl_prop_to_sum(ref, &sref));
    for (size_t k = 0; k < nt; k++) {
        pl_pauli_t v, vr;
        double cr;
        size_t j;
        pl_prop_plan_term(plan, k, &v);
        if (!pl_pauli_sum_find(sref, &v, &j))
            test_fail("%s: plan string %zu not propagated", what, k);
        pl_prop_term(ref, j, &vr, &cr);
        assert_true(pl_pauli_equal(&v, &vr));
        if (fabs(coeff[k] - cr) > 1e-12 * (1 + fabs(cr)))
            test_fail("%s (seed %u): string %zu plan %.15g, propagation %.15g", what, SEED, k,
                      coeff[k], cr);
        w[k] = sin((double)k + 1);
        const double *dc = pl_prop_term_grad(ref, j);
        for (int i = 0; i < np; i++) want[i] += w[k] * dc[i];
    }
    ASSERT_OK(pl_prop_plan_vjp(plan, w, grad));
    for (int i = 0; i < np; i++)
        if (fabs(grad[i] - want[i]) > 1e-11 * (1 + fabs(want[i])))
            test_fail("%s (seed %u): d/dtheta_%d plan %.15g, forward mode %.15g", what, SEED, i,
                      grad[i], want[i]);
    pl_pauli_sum_destroy(sref);
    pl_prop_destroy(ref);
    free(coeff);
    free(w);
    free(grad);
    free(want);
}

/* Plans on random circuits of every gate kind (rotations, Cliffords, generic
 * 2-qubit unitaries, Pauli rotations), exact and weight-truncated, dense and
 * sparse keys, each evaluated at two sets of angles: the same strings,
 * coefficients and gradients as pl_propagate_diff; exact plans also give the
 * state vector's expectation. */
static void test_plan_matches_propagation(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 21);
    const int sizes[] = {4, 7, 10, 48, 64}, weights[] = {0, 2, 3, 3, 4};
    for (int trial = 0; trial < 10; trial++) {
        const int n = sizes[trial % 5], maxw = weights[trial % 5], np = 6;
        pl_circuit_t *c = random_circuit(&rng, n, n < 48 ? 30 : 120, np);
        pl_pauli_sum_t *h = n < 48 ? test_random_observable(&rng, n, 4, 0.6) : spread_observable(n);
        const pl_trunc_t t = {.max_weight = maxw};
        pl_prop_plan_t *plan;
        ASSERT_OK(pl_prop_plan_create(c, h, &t, &plan));
        for (int rep = 0; rep < 2; rep++) {
            double theta[6];
            for (int k = 0; k < np; k++) theta[k] = 6 * pl_rng_uniform(&rng);
            char what[64];
            snprintf(what, sizeof what, "trial %d (n=%d, w<=%d, angles %d)", trial, n, maxw, rep);
            check_plan(plan, c, theta, h, maxw, what);
            if (maxw == 0) { /* ⟨0|O|0⟩: the sum over strings of I and Z */
                double *coeff = malloc(pl_prop_plan_size(plan) * sizeof *coeff), e = 0.0;
                ASSERT_OK(pl_prop_plan_eval(plan, theta, coeff));
                for (size_t k = 0; k < pl_prop_plan_size(plan); k++) {
                    pl_pauli_t v;
                    pl_prop_plan_term(plan, k, &v);
                    bool diag = true;
                    for (int i = 0; i < v.nwords; i++) diag &= v.x[i] == 0;
                    if (diag) e += coeff[k];
                }
                const double want = sv_expval(c, theta, h);
                if (fabs(e - want) > 1e-10)
                    test_fail("%s: plan %.15g, state vector %.15g", what, e, want);
                free(coeff);
            }
        }
        pl_prop_plan_destroy(plan);
        pl_pauli_sum_destroy(h);
        pl_circuit_destroy(c);
    }
}

/* The surrogate's case: QCNN readouts on 64 qubits at weight 3 and on 1,024
 * at weight 2, angles shared per layer (as the surrogate trains them); and the gradient against central differences
 * of the plan's own values (step 1e-5, to 1e-6). */
static void test_plan_qcnn(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 22);
    const int sizes[] = {64, 1024}, weights[] = {3, 2};
    for (int i = 0; i < 2; i++) {
        pl_circuit_t *c;
        pl_pauli_sum_t *readout;
        double *theta = qcnn_angles_shared(sizes[i], true, &rng, &c, &readout);
        const pl_trunc_t t = {.max_weight = weights[i]};
        pl_prop_plan_t *plan;
        ASSERT_OK(pl_prop_plan_create(c, readout, &t, &plan));
        check_plan(plan, c, theta, readout, weights[i], sizes[i] == 64 ? "qcnn64" : "qcnn1024");
        const size_t nt = pl_prop_plan_size(plan);
        const int np = pl_circuit_num_params(c);
        double *w = malloc(nt * sizeof *w), *coeff = malloc(nt * sizeof *coeff);
        double *grad = malloc((size_t)np * sizeof *grad);
        for (size_t k = 0; k < nt; k++) w[k] = cos(0.7 * (double)k);
        ASSERT_OK(pl_prop_plan_eval(plan, theta, NULL));
        ASSERT_OK(pl_prop_plan_vjp(plan, w, grad));
        for (int j = 0; j < np; j += np / 5 + 1) {
            double f[2];
            for (int s = 0; s < 2; s++) {
                const double keep = theta[j];
                theta[j] += s ? -1e-5 : 1e-5;
                ASSERT_OK(pl_prop_plan_eval(plan, theta, coeff));
                theta[j] = keep;
                f[s] = 0.0;
                for (size_t k = 0; k < nt; k++) f[s] += w[k] * coeff[k];
            }
            const double fd = (f[0] - f[1]) / 2e-5;
            if (fabs(fd - grad[j]) > 1e-6 * (1 + fabs(fd)))
                test_fail("qcnn%d (seed %u): d/dtheta_%d reverse %.12g, differences %.12g",
                          sizes[i], SEED, j, grad[j], fd);
        }
        free(w);
        free(coeff);
        free(grad);
        pl_prop_plan_destroy(plan);
        free(theta);
        pl_pauli_sum_destroy(readout);
        pl_circuit_destroy(c);
    }
}

static void test_plan_errors(void **state) {
    (void)state;
    pl_circuit_t *c;
    pl_pauli_sum_t *h, *h3, *hc;
    bad_input_fixture(&c, &h, &h3, &hc);
    pl_prop_plan_t *plan = NULL;
    assert_int_equal(pl_prop_plan_create(c, h3, NULL, &plan), PL_EINVAL);
    test_expect_contains(pl_error_message(), "observable on 3 qubits for a 2-qubit circuit");
    assert_int_equal(pl_prop_plan_create(c, hc, NULL, &plan), PL_EINVAL);
    test_expect_contains(pl_error_message(), "must be real");
    const pl_trunc_t bad[3] = {{.max_weight = -1}, {.min_abs_coeff = 1e-3}, {.max_freq = 2}};
    const char *msgs[3] = {"max weight -1 is negative", "by weight only", "by weight only"};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(pl_prop_plan_create(c, h, &bad[i], &plan), PL_EINVAL);
        test_expect_contains(pl_error_message(), msgs[i]);
    }
    assert_null(plan);
    ASSERT_OK(pl_prop_plan_create(c, h, NULL, &plan));
    double w[2] = {1, 1}, grad[1], coeff[2];
    assert_int_equal(pl_prop_plan_vjp(plan, w, grad), PL_EINVAL);
    test_expect_contains(pl_error_message(), "needs a pl_prop_plan_eval first");
    const double nan_theta = NAN, theta = 0.4;
    assert_int_equal(pl_prop_plan_eval(plan, &nan_theta, coeff), PL_EINVAL);
    test_expect_contains(pl_error_message(), "must be finite");
    /* Z0 through RX(θ): cos θ Z0 + sin θ Y0 (the generator X, iXZ = Y) */
    assert_int_equal(pl_prop_plan_size(plan), 2);
    ASSERT_OK(pl_prop_plan_eval(plan, &theta, coeff));
    for (size_t k = 0; k < 2; k++) {
        pl_pauli_t v;
        pl_prop_plan_term(plan, k, &v);
        const double want = pl_pauli_get(&v, 0) == PL_Z ? cos(theta) : sin(theta);
        assert_true(fabs(coeff[k] - want) < 1e-15);
    }
    pl_prop_plan_destroy(plan);
    pl_prop_plan_destroy(NULL);
    /* moves beyond the memory limit are refused with the limit named */
    pl_ansatz_opts_t o = {.kind = PL_ANSATZ_HEA, .qubits = 12, .layers = 4};
    pl_circuit_t *big;
    ASSERT_OK(pl_ansatz_build(&o, &big));
    pl_pauli_sum_t *z;
    ASSERT_OK(pl_pauli_sum_parse("Z6", 12, &z));
    const size_t saved = pl_mem_limit();
    pl_mem_set_limit(pl_mem_in_use() + (1 << 16));
    const pl_status_t st = pl_prop_plan_create(big, z, NULL, &plan);
    pl_mem_set_limit(saved);
    assert_int_equal(st, PL_ENOMEM);
    test_expect_contains(pl_error_message(), "memory limit");
    assert_null(plan);
    pl_pauli_sum_destroy(z);
    pl_circuit_destroy(big);
    pl_pauli_sum_destroy(h);
    pl_pauli_sum_destroy(h3);
    pl_pauli_sum_destroy(hc);
    pl_circuit_destroy(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_vs_state_vector),
        cmocka_unit_test(test_single_gate_conjugation),
        cmocka_unit_test(test_weight_truncation_converges),
        cmocka_unit_test(test_product_state_and_callback),
        cmocka_unit_test(test_gradient),
        cmocka_unit_test(test_gradient_product_and_callback),
        cmocka_unit_test(test_pauli_propagation_jl_readme),
        cmocka_unit_test(test_thread_independence),
        cmocka_unit_test(test_qcnn_1024),
        cmocka_unit_test(test_sparse_matches_dense),
        cmocka_unit_test(test_sparse_thread_independence),
        cmocka_unit_test(test_shard_count_independence),
        cmocka_unit_test(test_sparse_view_under_memory_limit),
        cmocka_unit_test(test_blocks_match_op_by_op),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_plan_matches_propagation),
        cmocka_unit_test(test_plan_qcnn),
        cmocka_unit_test(test_plan_errors),
        cmocka_unit_test(test_save),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
