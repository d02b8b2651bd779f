/*
 * The circuit IR (include/plateau/circuit.h): appending, the views of
 * operations, validation with its messages, symbolic parameters and
 * measurements.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <complex.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "plateau/circuit.h"
#include "plateau/core.h"
#include "plateau/pauli.h"
#include "plateau/sv.h"
#include "testutil.h"

static pl_circuit_t *make(int n) {
    pl_circuit_t *c = NULL;
    ASSERT_OK(pl_circuit_create(n, &c));
    assert_non_null(c);
    return c;
}

static void test_create(void **state) {
    (void)state;
    pl_circuit_t *c = NULL;
    EXPECT_ERROR(pl_circuit_create(0, &c), PL_EINVAL, "qubit count 0 out of range");
    assert_null(c);
    EXPECT_ERROR(pl_circuit_create(PL_CIRCUIT_MAX_QUBITS + 1, &c), PL_EINVAL, "out of range");
    c = make(3);
    assert_int_equal(pl_circuit_qubits(c), 3);
    assert_int_equal(pl_circuit_size(c), 0);
    assert_int_equal(pl_circuit_num_params(c), 0);
    assert_int_equal(pl_circuit_num_measures(c), 0);
    assert_int_equal(pl_circuit_clbits(c), 0);
    pl_circuit_destroy(c);
    pl_circuit_destroy(NULL);
}

static void test_add_named(void **state) {
    (void)state;
    pl_circuit_t *c = make(3);
    const int q_h[1] = {2}, q_cx[2] = {0, 1}, q_ccx[3] = {2, 0, 1};
    const double u3[3] = {0.1, -0.2, 0.3};
    ASSERT_OK(pl_circuit_add(c, PL_GATE_H, q_h, 1, NULL));
    ASSERT_OK(pl_circuit_add(c, PL_GATE_U3, q_h, 1, u3));
    ASSERT_OK(pl_circuit_add(c, PL_GATE_CX, q_cx, 2, NULL));
    ASSERT_OK(pl_circuit_add(c, PL_GATE_CCX, q_ccx, 3, NULL));
    assert_int_equal(pl_circuit_size(c), 4);
    assert_int_equal(pl_circuit_num_params(c), 0);

    pl_op_t op;
    pl_circuit_op(c, 0, &op);
    assert_int_equal(op.gate, PL_GATE_H);
    assert_int_equal(op.nqubits, 1);
    assert_int_equal(op.qubits[0], 2);
    assert_int_equal(op.nangles, 0);
    assert_null(op.matrix);
    assert_null(op.pauli);
    pl_circuit_op(c, 1, &op);
    assert_int_equal(op.gate, PL_GATE_U3);
    assert_int_equal(op.nangles, 3);
    for (int k = 0; k < 3; k++) {
        assert_true(op.angles[k].k < 0);
        assert_true(op.angles[k].b == u3[k]);
        assert_true(pl_angle_value(op.angles[k], NULL) == u3[k]);
    }
    pl_circuit_op(c, 3, &op);
    assert_int_equal(op.gate, PL_GATE_CCX);
    assert_memory_equal(op.qubits, q_ccx, sizeof q_ccx);
    pl_circuit_destroy(c);
}

static void test_add_mcx(void **state) {
    (void)state;
    pl_circuit_t *c = make(5);
    const int q[5] = {4, 0, 3, 1, 2};
    ASSERT_OK(pl_circuit_add(c, PL_GATE_MCX, q, 5, NULL));
    ASSERT_OK(pl_circuit_add(c, PL_GATE_MCX, q, 2, NULL));
    EXPECT_ERROR(pl_circuit_add(c, PL_GATE_MCX, q, 1, NULL), PL_EINVAL,
                 "gate mcx takes at least 2 qubits, got 1");
    pl_op_t op;
    pl_circuit_op(c, 0, &op);
    assert_int_equal(op.nqubits, 5);
    assert_memory_equal(op.qubits, q, sizeof q);
    pl_circuit_destroy(c);
}

/* Every rejected add leaves the circuit as it was. */
static void test_add_errors(void **state) {
    (void)state;
    pl_circuit_t *c = make(3);
    const int q_bad[2] = {0, 3}, q_rep[2] = {1, 1}, q_neg[1] = {-1}, q_ok[2] = {0, 1};
    const double nan_angle[1] = {NAN}, inf_angle[1] = {INFINITY};
    EXPECT_ERROR(pl_circuit_add(c, PL_GATE_CX, q_bad, 2, NULL), PL_EINVAL,
                 "qubit 3 out of range [0, 3)");
    EXPECT_ERROR(pl_circuit_add(c, PL_GATE_X, q_neg, 1, NULL), PL_EINVAL,
                 "qubit -1 out of range [0, 3)");
    EXPECT_ERROR(pl_circuit_add(c, PL_GATE_CZ, q_rep, 2, NULL), PL_EINVAL, "qubit 1 repeated");
    EXPECT_ERROR(pl_circuit_add(c, PL_GATE_CX, q_ok, 1, NULL), PL_EINVAL,
                 "gate cx takes 2 qubits, got 1");
    EXPECT_ERROR(pl_circuit_add(c, PL_GATE_H, q_ok, 2, NULL), PL_EINVAL,
                 "gate h takes 1 qubits, got 2");
    EXPECT_ERROR(pl_circuit_add(c, PL_GATE_RX, q_ok, 1, nan_angle), PL_EINVAL,
                 "gate rx: angle 0 is not finite");
    EXPECT_ERROR(pl_circuit_add(c, PL_GATE_RZ, q_ok, 1, inf_angle), PL_EINVAL, "not finite");
    EXPECT_ERROR(pl_circuit_add(c, PL_GATE_RY, q_ok, 1, NULL), PL_EINVAL, "needs 1 angles");
    EXPECT_ERROR(pl_circuit_add(c, PL_GATE_UNITARY1, q_ok, 1, NULL), PL_EINVAL,
                 "unitary1 is generic");
    EXPECT_ERROR(pl_circuit_add(c, PL_GATE_PAULI_ROT, q_ok, 1, NULL), PL_EINVAL, "generic");
    EXPECT_ERROR(pl_circuit_add(c, PL_GATE_COUNT, q_ok, 1, NULL), PL_EINVAL, "unknown gate kind");
    EXPECT_ERROR(pl_circuit_add(c, PL_GATE_X, NULL, 1, NULL), PL_EINVAL, "qubit list is NULL");
    const pl_angle_t sym_nan[1] = {{NAN, 0, 0.0}};
    EXPECT_ERROR(pl_circuit_add_sym(c, PL_GATE_RX, q_ok, 1, sym_nan), PL_EINVAL, "not finite");
    assert_int_equal(pl_circuit_size(c), 0);
    assert_int_equal(pl_circuit_num_params(c), 0);
    pl_circuit_destroy(c);
}

/* num_params is 1 + the largest k, however parameters are shared. */
static void test_symbolic_params(void **state) {
    (void)state;
    pl_circuit_t *c = make(2);
    const int q0[1] = {0}, q01[2] = {0, 1};
    const pl_angle_t a = {2.0, 3, 0.5}, b = {-1.0, 3, 0.0}, k1 = {1.0, 1, 0.0};
    const pl_angle_t u3[3] = {{0.5, 0, 0.0}, pl_angle_const(1.0), {7.0, -1, 2.0}};
    ASSERT_OK(pl_circuit_add_sym(c, PL_GATE_RX, q0, 1, &a));
    assert_int_equal(pl_circuit_num_params(c), 4);
    ASSERT_OK(pl_circuit_add_sym(c, PL_GATE_RZZ, q01, 2, &b));
    ASSERT_OK(pl_circuit_add_sym(c, PL_GATE_CRY, q01, 2, &k1));
    ASSERT_OK(pl_circuit_add_sym(c, PL_GATE_U3, q0, 1, u3));
    assert_int_equal(pl_circuit_num_params(c), 4);

    const double theta[4] = {10.0, 20.0, 30.0, 40.0};
    pl_op_t op;
    pl_circuit_op(c, 0, &op);
    assert_true(op.angles[0].a == 2.0 && op.angles[0].k == 3 && op.angles[0].b == 0.5);
    assert_true(pl_angle_value(op.angles[0], theta) == 80.5);
    pl_circuit_op(c, 1, &op);
    assert_true(pl_angle_value(op.angles[0], theta) == -40.0);
    pl_circuit_op(c, 3, &op);
    assert_true(pl_angle_value(op.angles[0], theta) == 5.0);
    /* A constant is stored with k = -1 and a = 0 whatever a was. */
    assert_true(op.angles[2].k == -1 && op.angles[2].a == 0.0 && op.angles[2].b == 2.0);

    const pl_angle_t huge = {1.0, 2147483647, 0.0};
    EXPECT_ERROR(pl_circuit_add_sym(c, PL_GATE_RX, q0, 1, &huge), PL_EINVAL, "too large");
    pl_circuit_destroy(c);
}

static void test_add_unitary(void **state) {
    (void)state;
    pl_circuit_t *c = make(3);
    const double r = sqrt(0.5);
    const double complex h[4] = {r, r, r, -r};
    const double complex bad[4] = {1, 1, 0, 1};
    const double complex nan_m[4] = {NAN, 0, 0, 1};
    double complex swap[16] = {0};
    swap[0] = swap[1 * 4 + 2] = swap[2 * 4 + 1] = swap[15] = 1;
    const int q1[1] = {1}, q20[2] = {2, 0}, q3[3] = {0, 1, 2}, q11[2] = {1, 1};
    ASSERT_OK(pl_circuit_add_unitary(c, q1, 1, h));
    ASSERT_OK(pl_circuit_add_unitary(c, q20, 2, swap));
    EXPECT_ERROR(pl_circuit_add_unitary(c, q1, 1, bad), PL_EINVAL, "2x2 matrix is not unitary");
    EXPECT_ERROR(pl_circuit_add_unitary(c, q1, 1, nan_m), PL_EINVAL, "not unitary");
    EXPECT_ERROR(pl_circuit_add_unitary(c, q3, 3, swap), PL_EINVAL,
                 "unitary acts on 1 or 2 qubits, got 3");
    EXPECT_ERROR(pl_circuit_add_unitary(c, q11, 2, swap), PL_EINVAL, "qubit 1 repeated");
    EXPECT_ERROR(pl_circuit_add_unitary(c, q1, 1, NULL), PL_EINVAL, "matrix is NULL");
    assert_int_equal(pl_circuit_size(c), 2);

    pl_op_t op;
    pl_circuit_op(c, 0, &op);
    assert_int_equal(op.gate, PL_GATE_UNITARY1);
    assert_non_null(op.matrix);
    assert_memory_equal(op.matrix, h, sizeof h);
    pl_circuit_op(c, 1, &op);
    assert_int_equal(op.gate, PL_GATE_UNITARY2);
    assert_memory_equal(op.qubits, q20, sizeof q20);
    assert_memory_equal(op.matrix, swap, sizeof swap);
    pl_circuit_destroy(c);
}

static void test_add_mcu(void **state) {
    (void)state;
    pl_circuit_t *c = make(4);
    const double complex s[4] = {1, 0, 0, I};
    const double complex bad[4] = {2, 0, 0, 1};
    const int controls[2] = {3, 0}, rep[2] = {1, 2};
    ASSERT_OK(pl_circuit_add_mcu(c, controls, 2, 1, s));
    ASSERT_OK(pl_circuit_add_mcu(c, NULL, 0, 2, s));
    EXPECT_ERROR(pl_circuit_add_mcu(c, rep, 2, 2, s), PL_EINVAL, "qubit 2 repeated");
    EXPECT_ERROR(pl_circuit_add_mcu(c, controls, 2, 4, s), PL_EINVAL,
                 "qubit 4 out of range [0, 4)");
    EXPECT_ERROR(pl_circuit_add_mcu(c, controls, 2, 1, bad), PL_EINVAL, "not unitary");
    EXPECT_ERROR(pl_circuit_add_mcu(c, controls, 4, 1, s), PL_EINVAL, "control count 4");
    assert_int_equal(pl_circuit_size(c), 2);

    pl_op_t op;
    pl_circuit_op(c, 0, &op);
    assert_int_equal(op.gate, PL_GATE_MCU);
    assert_int_equal(op.nqubits, 3);
    const int want[3] = {3, 0, 1}; /* controls first, then the target */
    assert_memory_equal(op.qubits, want, sizeof want);
    assert_memory_equal(op.matrix, s, sizeof s);
    pl_circuit_destroy(c);
}

static void test_add_pauli_rot(void **state) {
    (void)state;
    pl_circuit_t *c = make(5);
    pl_pauli_t *p = NULL, *ident = NULL, *small = NULL;
    ASSERT_OK(pl_pauli_parse("Y4 X1 Z2", 5, &p));
    ASSERT_OK(pl_pauli_create(5, &ident));
    ASSERT_OK(pl_pauli_parse("X0", 2, &small));
    const pl_angle_t t = {0.5, 2, 0.25};
    ASSERT_OK(pl_circuit_add_pauli_rot(c, p, t));
    EXPECT_ERROR(pl_circuit_add_pauli_rot(c, ident, t), PL_EINVAL, "about the identity");
    EXPECT_ERROR(pl_circuit_add_pauli_rot(c, small, t), PL_EINVAL,
                 "Pauli string on 2 qubits for a circuit on 5");
    EXPECT_ERROR(pl_circuit_add_pauli_rot(c, p, pl_angle_const(NAN)), PL_EINVAL, "not finite");
    EXPECT_ERROR(pl_circuit_add_pauli_rot(c, NULL, t), PL_EINVAL, "NULL");
    assert_int_equal(pl_circuit_size(c), 1);
    assert_int_equal(pl_circuit_num_params(c), 3);

    /* The circuit keeps its own copy. */
    pl_pauli_t *copy = NULL;
    ASSERT_OK(pl_pauli_clone(p, &copy));
    pl_pauli_set_identity(p);
    pl_op_t op;
    pl_circuit_op(c, 0, &op);
    assert_int_equal(op.gate, PL_GATE_PAULI_ROT);
    assert_non_null(op.pauli);
    assert_true(op.pauli != p);
    assert_true(pl_pauli_equal(op.pauli, copy));
    const int support[3] = {1, 2, 4};
    assert_int_equal(op.nqubits, 3);
    assert_memory_equal(op.qubits, support, sizeof support);
    assert_int_equal(op.nangles, 1);
    assert_true(op.angles[0].a == 0.5 && op.angles[0].k == 2 && op.angles[0].b == 0.25);
    pl_pauli_destroy(p);
    pl_pauli_destroy(copy);
    pl_pauli_destroy(ident);
    pl_pauli_destroy(small);
    pl_circuit_destroy(c);
}

static void test_measurements(void **state) {
    (void)state;
    pl_circuit_t *c = make(3);
    ASSERT_OK(pl_circuit_add_measure(c, 2, 0));
    ASSERT_OK(pl_circuit_add_measure(c, 0, 4));
    EXPECT_ERROR(pl_circuit_add_measure(c, 3, 0), PL_EINVAL, "qubit 3 out of range [0, 3)");
    EXPECT_ERROR(pl_circuit_add_measure(c, 0, -1), PL_EINVAL, "classical bit -1 out of range");
    assert_int_equal(pl_circuit_num_measures(c), 2);
    assert_int_equal(pl_circuit_size(c), 0);
    assert_int_equal(pl_circuit_clbits(c), 5);
    int q, b;
    pl_circuit_measure(c, 1, &q, &b);
    assert_int_equal(q, 0);
    assert_int_equal(b, 4);
    pl_circuit_set_clbits(c, 3); /* "at least": no shrinking */
    assert_int_equal(pl_circuit_clbits(c), 5);
    pl_circuit_set_clbits(c, 8);
    assert_int_equal(pl_circuit_clbits(c), 8);
    pl_circuit_destroy(c);
}

/* Views point into pools that grow: take them after the last append. */
static void test_many_ops(void **state) {
    (void)state;
    pl_circuit_t *c = make(4);
    const double complex x[4] = {0, 1, 1, 0};
    for (int i = 0; i < 5000; i++) {
        const int q[2] = {i % 4, (i + 1) % 4};
        const pl_angle_t t = {1.0, i % 7, (double)i};
        switch (i % 3) {
            case 0: ASSERT_OK(pl_circuit_add_sym(c, PL_GATE_CRZ, q, 2, &t)); break;
            case 1: ASSERT_OK(pl_circuit_add_mcu(c, q, 1, q[1] ^ 2, x)); break;
            default: ASSERT_OK(pl_circuit_add(c, PL_GATE_SWAP, q, 2, NULL)); break;
        }
    }
    assert_int_equal(pl_circuit_size(c), 5000);
    assert_int_equal(pl_circuit_num_params(c), 7);
    for (int i = 0; i < 5000; i++) {
        pl_op_t op;
        pl_circuit_op(c, (size_t)i, &op);
        assert_int_equal(op.qubits[0], i % 4);
        if (i % 3 == 0) assert_true(op.angles[0].b == (double)i && op.angles[0].k == i % 7);
        if (i % 3 == 1) assert_true(op.matrix[1] == 1.0 && op.qubits[1] == (((i + 1) % 4) ^ 2));
    }
    pl_circuit_destroy(c);
}

/* Fused application (pl_circuit_apply defers 1-qubit gates and folds them into
 * 2-qubit ones) equals gate-by-gate application (one operation per
 * pl_circuit_apply_range call, which flushes at its end) to 1e-12, on random
 * circuits of every gate kind, in cache (n = 6) and where controlled gates are
 * fused into dense ones (n = 18); and it does not depend on the thread count. */
/* A random circuit of ngates gates: 1-, 2- and 3-qubit named gates; with
 * `wide`, also Pauli rotations of weight 2-4 and, twice, an MCX and a Pauli
 * rotation on n−2 qubits (wider than a cache block when n > 15). */
static pl_circuit_t *random_circuit(int n, int ngates, bool wide, uint64_t stream) {
    const char *one[] = {"h", "x", "s", "t", "sx", "rx", "ry", "rz", "p", "u3"};
    const char *two[] = {"cx", "cz", "cy", "crx", "cp", "cu3", "rxx", "ryy", "rzz", "swap", "ch"};
    const char *three[] = {"ccx", "cswap"};
    pl_rng_t rng;
    pl_rng_seed(&rng, 2026, stream);
    pl_circuit_t *c;
    ASSERT_OK(pl_circuit_create(n, &c));
    for (int g = 0; g < ngates; g++) {
        const int kind = (int)pl_rng_below(&rng, wide ? 11 : 10);
        int qs[PL_SV_MAX_QUBITS];
        for (int j = 0; j < n; j++) qs[j] = j;
        for (int j = 0; j < n; j++) { /* a random permutation: distinct qubits */
            const int k = j + (int)pl_rng_below(&rng, (uint64_t)(n - j));
            const int t = qs[j];
            qs[j] = qs[k], qs[k] = t;
        }
        double angles[3] = {6.28 * pl_rng_uniform(&rng), 6.28 * pl_rng_uniform(&rng),
                            6.28 * pl_rng_uniform(&rng)};
        pl_gate_t gate;
        if (wide && (g == ngates / 3 || g == 2 * ngates / 3)) {
            ASSERT_OK(pl_circuit_add(c, PL_GATE_MCX, qs, n - 2, NULL));
            char text[512] = "";
            for (int j = 0; j < n - 2; j++)
                snprintf(text + strlen(text), sizeof text - strlen(text), "%c%d ", "XYZ"[j % 3],
                         qs[j]);
            pl_pauli_t *p;
            ASSERT_OK(pl_pauli_parse(text, n, &p));
            ASSERT_OK(pl_circuit_add_pauli_rot(c, p, pl_angle_const(angles[0])));
            pl_pauli_destroy(p);
        } else if (kind < 6) {
            assert_true(pl_gate_lookup(one[pl_rng_below(&rng, 10)], &gate));
            ASSERT_OK(pl_circuit_add(c, gate, qs, 1, angles));
        } else if (kind < 9) {
            assert_true(pl_gate_lookup(two[pl_rng_below(&rng, 11)], &gate));
            ASSERT_OK(pl_circuit_add(c, gate, qs, 2, angles));
        } else if (kind == 9) {
            assert_true(pl_gate_lookup(three[pl_rng_below(&rng, 2)], &gate));
            ASSERT_OK(pl_circuit_add(c, gate, qs, 3, angles));
        } else {
            char text[64] = "";
            const int w = 2 + (int)pl_rng_below(&rng, 3);
            for (int j = 0; j < w; j++)
                snprintf(text + strlen(text), sizeof text - strlen(text), "%c%d ",
                         "XYZ"[pl_rng_below(&rng, 3)], qs[j]);
            pl_pauli_t *p;
            ASSERT_OK(pl_pauli_parse(text, n, &p));
            ASSERT_OK(pl_circuit_add_pauli_rot(c, p, pl_angle_const(angles[0])));
            pl_pauli_destroy(p);
        }
    }
    return c;
}

/* The whole circuit at once (fused, or cache-blocked above 13 qubits) equals
 * gate-by-gate application to 1e-12, and 1 thread gives the same bits. */
static void check_against_gate_by_gate(pl_circuit_t *c, const char *what) {
    const int n = pl_circuit_qubits(c);
    pl_sv_t *fused, *ref;
    ASSERT_OK(pl_sv_create(n, &fused));
    ASSERT_OK(pl_sv_create(n, &ref));
    ASSERT_OK(pl_circuit_apply(c, NULL, fused));
    for (size_t i = 0; i < pl_circuit_size(c); i++)
        ASSERT_OK(pl_circuit_apply_range(c, NULL, i, i + 1, ref));
    double err = 0.0;
    for (size_t i = 0; i < pl_sv_dim(ref); i++) {
        const double d = cabs(pl_sv_data(fused)[i] - pl_sv_data(ref)[i]);
        err = d > err ? d : err;
    }
    if (!(err < 1e-12)) fail_msg("%s, n=%d (seed 2026): vs gate by gate %.3g", what, n, err);
    const int threads = pl_threads_get();
    ASSERT_OK(pl_threads_set(1));
    pl_sv_t *one_thread;
    ASSERT_OK(pl_sv_create(n, &one_thread));
    ASSERT_OK(pl_circuit_apply(c, NULL, one_thread));
    ASSERT_OK(pl_threads_set(threads));
    assert_memory_equal(pl_sv_data(one_thread), pl_sv_data(fused),
                        pl_sv_dim(fused) * sizeof(pl_complex));
    pl_sv_destroy(one_thread);
    pl_sv_destroy(fused);
    pl_sv_destroy(ref);
}

static void test_fused_equals_gate_by_gate(void **state) {
    (void)state;
    for (int n = 6; n <= 18; n += 12) {
        pl_circuit_t *c = random_circuit(n, 120, false, (uint64_t)n);
        check_against_gate_by_gate(c, "fused");
        pl_circuit_destroy(c);
    }
}

/* Cache blocking (states over 13 qubits): gates regrouped into blocks, Pauli
 * rotations inside them, gates wider than a block applied alone in order. */
static void test_blocked_equals_gate_by_gate(void **state) {
    (void)state;
    for (int n = 14; n <= 17; n += 3) {
        pl_circuit_t *c = random_circuit(n, 400, true, 100 + (uint64_t)n);
        check_against_gate_by_gate(c, "blocked");
        pl_circuit_destroy(c);
    }
    /* A layered circuit (RY, RZ on every qubit, a CZ chain), where blocks span
     * several layers. */
    const int n = 16;
    pl_circuit_t *c;
    ASSERT_OK(pl_circuit_create(n, &c));
    for (int layer = 0; layer < 6; layer++) {
        for (int q = 0; q < n; q++) {
            const double a = 0.1 + 0.37 * (layer * n + q), b = 0.2 + 0.11 * (layer * n + q);
            ASSERT_OK(pl_circuit_add(c, PL_GATE_RY, &q, 1, &a));
            ASSERT_OK(pl_circuit_add(c, PL_GATE_RZ, &q, 1, &b));
        }
        for (int q = 0; q + 1 < n; q++) {
            const int qs[2] = {q, q + 1};
            ASSERT_OK(pl_circuit_add(c, PL_GATE_CZ, qs, 2, NULL));
        }
    }
    check_against_gate_by_gate(c, "layered");
    pl_circuit_destroy(c);
    /* SU(4) bricks (u3 u3, rxx ryy rzz with the pair in both orders, u3 u3),
     * which a block fuses into one 4x4 per brick. */
    ASSERT_OK(pl_circuit_create(n, &c));
    for (int layer = 0; layer < 4; layer++)
        for (int q = layer % 2; q + 1 < n; q += 2) {
            const int ab[2] = {q, q + 1}, ba[2] = {q + 1, q};
            const pl_gate_t two[3] = {PL_GATE_RXX, PL_GATE_RYY, PL_GATE_RZZ};
            for (int j = 0; j < 2; j++) {
                const double a[3] = {0.3 + 0.1 * q, 0.7 * layer + 0.2, 1.1 - 0.05 * q};
                ASSERT_OK(pl_circuit_add(c, PL_GATE_U3, &ab[j], 1, a));
            }
            for (int g = 0; g < 3; g++) {
                const double t = 0.4 + 0.3 * g + 0.01 * q;
                ASSERT_OK(pl_circuit_add(c, two[g], g == 1 ? ba : ab, 2, &t));
            }
            for (int j = 0; j < 2; j++) {
                const double a[3] = {0.9 - 0.1 * q, 0.5, 0.25 * layer};
                ASSERT_OK(pl_circuit_add(c, PL_GATE_U3, &ba[j], 1, a));
            }
        }
    check_against_gate_by_gate(c, "su4 bricks");
    pl_circuit_destroy(c);
    /* Chains of 1-qubit gates and controlled gates on pairs (QASMBench dnn):
     * a controlled gate with gates pending on both qubits, or after a fused
     * 4x4 on its pair, becomes a dense 4x4 (both orientations, CX, CZ, CRX,
     * CRZ, CU3); with a gate pending on one qubit only it stays controlled. */
    ASSERT_OK(pl_circuit_create(n, &c));
    const pl_gate_t ctrl[5] = {PL_GATE_CX, PL_GATE_CZ, PL_GATE_CRX, PL_GATE_CRZ, PL_GATE_CU3};
    for (int layer = 0; layer < 3; layer++)
        for (int q = layer % 2; q + 1 < n; q += 2)
            for (int step = 0; step < 5; step++) {
                const int ab[2] = {q, q + 1}, ba[2] = {q + 1, q};
                const double a[3] = {0.3 + 0.1 * q + step, 0.7 * layer + 0.2, 1.1 - 0.05 * q};
                if (step != 2) ASSERT_OK(pl_circuit_add(c, PL_GATE_U3, &ab[0], 1, a));
                if (step % 2 == 0) ASSERT_OK(pl_circuit_add(c, PL_GATE_RX, &ab[1], 1, a));
                const pl_gate_t g = ctrl[(step + q + layer) % 5];
                ASSERT_OK(pl_circuit_add(c, g, step % 2 ? ba : ab, 2, a));
            }
    check_against_gate_by_gate(c, "controlled chains");
    pl_circuit_destroy(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create),
        cmocka_unit_test(test_add_named),
        cmocka_unit_test(test_add_mcx),
        cmocka_unit_test(test_add_errors),
        cmocka_unit_test(test_symbolic_params),
        cmocka_unit_test(test_add_unitary),
        cmocka_unit_test(test_add_mcu),
        cmocka_unit_test(test_add_pauli_rot),
        cmocka_unit_test(test_measurements),
        cmocka_unit_test(test_many_ops),
        cmocka_unit_test(test_fused_equals_gate_by_gate),
        cmocka_unit_test(test_blocked_equals_gate_by_gate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
