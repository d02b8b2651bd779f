/*
 * The ansatz builders (include/plateau/ansatz.h): parameter counts from the
 * closed formulas against counts derived here level by level and against the
 * built circuits, the gate layout of each kind, the TFIM-HVA state against a
 * direct reference, OpenQASM round trips, readouts, and every error path.
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
#include <stdlib.h>
#include <string.h>

#include "dense.h"
#include "plateau/ansatz.h"
#include "plateau/core.h"
#include "testutil.h"

static pl_ansatz_opts_t opts(pl_ansatz_kind_t kind, int n, int layers, bool share) {
    pl_ansatz_opts_t o = {kind, n, layers, share};
    return o;
}

static pl_circuit_t *build(pl_ansatz_opts_t o) {
    pl_circuit_t *c = NULL;
    pl_status_t st = pl_ansatz_build(&o, &c);
    if (st != PL_OK)
        test_fail("build %s n=%d L=%d: %s", pl_ansatz_name(o.kind), o.qubits, o.layers,
                  pl_error_message());
    return c;
}

/* θ_k uniform in [0, 2π) from a fixed seed. */
static double *random_theta(int count, uint64_t seed) {
    double *theta = malloc((size_t)(count ? count : 1) * sizeof *theta);
    assert_non_null(theta);
    pl_rng_t rng;
    pl_rng_seed(&rng, seed, 0);
    for (int k = 0; k < count; k++) theta[k] = 2.0 * PL_PI * pl_rng_uniform(&rng);
    return theta;
}

/* ------------------------------------------------------------------------ */
/* Counts, derived independently of the library's closed formulas           */
/* ------------------------------------------------------------------------ */

/* Parameters and operations counted the slow way: layer by layer, level by level. */
typedef struct {
    int params;
    int ops;
} counts_t;

static counts_t expected_counts(pl_ansatz_opts_t o) {
    const int n = o.qubits, layers = o.layers;
    counts_t e = {0, 0};
    switch (o.kind) {
        case PL_ANSATZ_HEA:
            e.params = 2 * n * layers;
            e.ops = layers * (2 * n + (n - 1));
            break;
        case PL_ANSATZ_SU4_BRICKWORK:
            for (int l = 0; l < layers; l++)
                for (int i = l % 2; i + 1 < n; i += 2) e.params += 15, e.ops += 7;
            break;
        case PL_ANSATZ_TFIM_HVA:
            e.params = 2 * layers;
            e.ops = n + layers * ((n - 1) + n);
            break;
        case PL_ANSATZ_QCNN:
            for (int m = n; m > 1; m = (m + 1) / 2) {
                const int conv_a = m / 2, conv_b = (m - 1) / 2, pools = m / 2;
                e.ops += 7 * (conv_a + conv_b) + 2 * pools;
                e.params += o.share_angles ? 15 * (conv_a > 0) + 15 * (conv_b > 0) + 2
                                           : 15 * (conv_a + conv_b) + 2 * pools;
            }
            break;
        default: fail();
    }
    return e;
}

/* How many angles of the circuit use each parameter (uses has room for P). */
static void count_uses(const pl_circuit_t *c, int *uses) {
    for (size_t i = 0; i < pl_circuit_size(c); i++) {
        pl_op_t op;
        pl_circuit_op(c, i, &op);
        for (int j = 0; j < op.nangles; j++)
            if (op.angles[j].k >= 0) uses[op.angles[j].k]++;
    }
}

static void check_counts(pl_ansatz_opts_t o) {
    const counts_t want = expected_counts(o);
    int formula = -1;
    ASSERT_OK(pl_ansatz_num_params(&o, &formula));
    pl_circuit_t *c = build(o);
    if (formula != want.params || pl_circuit_num_params(c) != want.params ||
        (int)pl_circuit_size(c) != want.ops)
        test_fail("%s n=%d L=%d share=%d: formula %d, built %d, expected %d params; %zu ops, "
                  "expected %d",
                  pl_ansatz_name(o.kind), o.qubits, o.layers, o.share_angles, formula,
                  pl_circuit_num_params(c), want.params, pl_circuit_size(c), want.ops);
    int *uses = calloc((size_t)want.params, sizeof *uses);
    assert_non_null(uses);
    count_uses(c, uses);
    for (int k = 0; k < want.params; k++)
        if (uses[k] == 0)
            test_fail("%s n=%d: parameter %d unused", pl_ansatz_name(o.kind), o.qubits, k);
    free(uses);
    pl_circuit_destroy(c);
}

static void test_counts(void **state) {
    (void)state;
    for (int kind = 0; kind < PL_ANSATZ_COUNT; kind++)
        for (int n = kind == PL_ANSATZ_HEA ? 1 : 2; n <= 17; n++)
            for (int layers = 1; layers <= 4; layers++)
                for (int share = 0; share <= 1; share++)
                    check_counts(opts((pl_ansatz_kind_t)kind, n, layers, share));
    const int big[] = {31, 32, 33, 63, 64, 65, 100, 127, 128, 129, 1000};
    for (size_t i = 0; i < sizeof big / sizeof big[0]; i++)
        for (int share = 0; share <= 1; share++) {
            check_counts(opts(PL_ANSATZ_QCNN, big[i], 1, share));
            check_counts(opts(PL_ANSATZ_SU4_BRICKWORK, big[i], 3, share));
        }
}

/* qcnn with shared angles: 15(2D − 1) + 2D, D = ⌈log2 n⌉ (pinned values). */
static void test_qcnn_shared_counts(void **state) {
    (void)state;
    const int n[] = {2, 3, 4, 5, 8, 9, 16, 17, 1024};
    const int want[] = {17, 49, 49, 81, 81, 113, 113, 145, 15 * 19 + 20};
    for (size_t i = 0; i < sizeof n / sizeof n[0]; i++) {
        pl_ansatz_opts_t o = opts(PL_ANSATZ_QCNN, n[i], 0, true);
        int p = -1;
        ASSERT_OK(pl_ansatz_num_params(&o, &p));
        if (p != want[i]) test_fail("qcnn shared n=%d: %d params, want %d", n[i], p, want[i]);
    }
    /* Unshared: 15 (2(n−1) − popcount(n−1)) + 2(n−1); n = 8: 15·11 + 14. */
    pl_ansatz_opts_t o = opts(PL_ANSATZ_QCNN, 8, 5, false);
    int p = -1;
    ASSERT_OK(pl_ansatz_num_params(&o, &p));
    assert_int_equal(p, 15 * 11 + 14);
}

/* ------------------------------------------------------------------------ */
/* Layout                                                                   */
/* ------------------------------------------------------------------------ */

/* Fail unless op @p i is gate @p g on @p q (nq qubits) with angle k's = k0, k0+1, … */
static void expect_op(const pl_circuit_t *c, size_t i, pl_gate_t g, const int *q, int nq, int k0) {
    pl_op_t op;
    pl_circuit_op(c, i, &op);
    if (op.gate != g || op.nqubits != nq)
        test_fail("op %zu: gate %s on %d qubits, want %s on %d", i, pl_gate_info(op.gate)->name,
                  op.nqubits, pl_gate_info(g)->name, nq);
    for (int j = 0; j < nq; j++)
        if (op.qubits[j] != q[j])
            test_fail("op %zu: qubit %d is %d, want %d", i, j, op.qubits[j], q[j]);
    for (int j = 0; j < op.nangles; j++)
        if (op.angles[j].k != k0 + j)
            test_fail("op %zu: angle %d uses theta[%d], want %d", i, j, op.angles[j].k, k0 + j);
}

static void test_hea_layout(void **state) {
    (void)state;
    pl_circuit_t *c = build(opts(PL_ANSATZ_HEA, 3, 1, false));
    assert_int_equal(pl_circuit_size(c), 8);
    for (int q = 0; q < 3; q++) {
        expect_op(c, (size_t)q, PL_GATE_RY, &q, 1, q);
        expect_op(c, (size_t)(3 + q), PL_GATE_RZ, &q, 1, 3 + q);
    }
    const int p01[2] = {0, 1}, p12[2] = {1, 2};
    expect_op(c, 6, PL_GATE_CZ, p01, 2, 0);
    expect_op(c, 7, PL_GATE_CZ, p12, 2, 0);
    pl_circuit_destroy(c);

    c = build(opts(PL_ANSATZ_HEA, 1, 2, false)); /* one qubit: no CZ */
    const int q0 = 0;
    assert_int_equal(pl_circuit_size(c), 4);
    expect_op(c, 0, PL_GATE_RY, &q0, 1, 0);
    expect_op(c, 1, PL_GATE_RZ, &q0, 1, 1);
    expect_op(c, 2, PL_GATE_RY, &q0, 1, 2);
    expect_op(c, 3, PL_GATE_RZ, &q0, 1, 3);
    pl_circuit_destroy(c);
}

/* The SU(4) block's gate sequence, starting at op @p i, on (q0, q1) with θ[k..k+14]. */
static void expect_su4(const pl_circuit_t *c, size_t i, int q0, int q1, int k) {
    const int pair[2] = {q0, q1};
    expect_op(c, i, PL_GATE_U3, &q0, 1, k);
    expect_op(c, i + 1, PL_GATE_U3, &q1, 1, k + 3);
    expect_op(c, i + 2, PL_GATE_RXX, pair, 2, k + 6);
    expect_op(c, i + 3, PL_GATE_RYY, pair, 2, k + 7);
    expect_op(c, i + 4, PL_GATE_RZZ, pair, 2, k + 8);
    expect_op(c, i + 5, PL_GATE_U3, &q0, 1, k + 9);
    expect_op(c, i + 6, PL_GATE_U3, &q1, 1, k + 12);
}

/* Brickwork on 5 qubits: layers (0,1)(2,3) | (1,2)(3,4) | (0,1)(2,3). */
static void test_su4_brickwork_layout(void **state) {
    (void)state;
    pl_circuit_t *c = build(opts(PL_ANSATZ_SU4_BRICKWORK, 5, 3, false));
    const int first[6] = {0, 2, 1, 3, 0, 2};
    assert_int_equal(pl_circuit_size(c), 6 * 7);
    for (int b = 0; b < 6; b++) expect_su4(c, (size_t)(7 * b), first[b], first[b] + 1, 15 * b);
    pl_circuit_destroy(c);
}

/* The block on two qubits is a unitary: its columns, from the basis states, are orthonormal. */
static void test_su4_block_unitary(void **state) {
    (void)state;
    pl_circuit_t *c = build(opts(PL_ANSATZ_SU4_BRICKWORK, 2, 1, false));
    assert_int_equal(pl_circuit_num_params(c), 15);
    double *theta = random_theta(15, 7);
    double complex u[16];
    pl_sv_t *sv = NULL;
    ASSERT_OK(pl_sv_create(2, &sv));
    for (int col = 0; col < 4; col++) {
        ASSERT_OK(pl_sv_set_basis(sv, (uint64_t)col));
        ASSERT_OK(pl_circuit_apply(c, theta, sv));
        for (int row = 0; row < 4; row++) u[row * 4 + col] = pl_sv_data(sv)[row];
    }
    const double err = dense_unitarity_error(4, u);
    if (err > 1e-12) test_fail("SU(4) block: |U^dag U - I| = %g (seed 7)", err);
    /* It entangles: U|00⟩ = Σ ψ_{b1 b0} |b1 b0⟩ has det [[ψ00, ψ01], [ψ10, ψ11]] ≠ 0
     * (ψ_r = U[r][0], r = b0 + 2 b1). */
    const double complex det = u[0] * u[3 * 4] - u[1 * 4] * u[2 * 4];
    if (cabs(det) < 1e-6) test_fail("SU(4) block leaves |00> unentangled (seed 7)");
    pl_sv_destroy(sv);
    free(theta);
    pl_circuit_destroy(c);
}

/*
 * qcnn: walking the circuit, every pooling pair crz then crx has the dropped
 * qubit as control; no gate touches a qubit after it is dropped; every qubit
 * but one is dropped exactly once, the survivor is the readout qubit, and the
 * pooling layers number ⌈log2 n⌉.
 */
static void check_qcnn_drops(int n, bool share) {
    pl_ansatz_opts_t o = opts(PL_ANSATZ_QCNN, n, 1, share);
    pl_circuit_t *c = build(o);
    bool *dropped = calloc((size_t)n, sizeof *dropped);
    assert_non_null(dropped);
    int ndropped = 0, pool_layers = 0;
    bool in_pool = false;
    for (size_t i = 0; i < pl_circuit_size(c); i++) {
        pl_op_t op;
        pl_circuit_op(c, i, &op);
        for (int j = 0; j < op.nqubits; j++)
            if (dropped[op.qubits[j]])
                test_fail("qcnn n=%d: op %zu acts on dropped qubit %d", n, i, op.qubits[j]);
        const bool pool = op.gate == PL_GATE_CRZ;
        pool_layers += pool && !in_pool;
        in_pool = pool || op.gate == PL_GATE_CRX;
        if (!pool) continue;
        assert_true(i + 1 < pl_circuit_size(c));
        expect_op(c, i + 1, PL_GATE_CRX, op.qubits, 2, op.angles[0].k + 1);
        dropped[op.qubits[0]] = true; /* the control */
        ndropped++;
        i++;
    }
    int survivor = -1;
    for (int q = 0; q < n; q++)
        if (!dropped[q]) survivor = q;
    pl_pauli_sum_t *readout = NULL;
    ASSERT_OK(pl_ansatz_readout(&o, &readout));
    pl_pauli_t z;
    double complex coeff;
    assert_int_equal(pl_pauli_sum_size(readout), 1);
    pl_pauli_sum_term(readout, 0, &z, &coeff);
    if (ndropped != n - 1 || pl_pauli_weight(&z) != 1 || pl_pauli_get(&z, survivor) != PL_Z)
        test_fail("qcnn n=%d: %d dropped, survivor %d not the readout", n, ndropped, survivor);
    int depth = 0;
    while ((1 << depth) < n) depth++;
    if (pool_layers != depth)
        test_fail("qcnn n=%d: %d pooling layers, want %d", n, pool_layers, depth);
    pl_pauli_sum_destroy(readout);
    free(dropped);
    pl_circuit_destroy(c);
}

static void test_qcnn_structure(void **state) {
    (void)state;
    const int n[] = {2, 3, 4, 5, 6, 7, 8, 16, 33};
    for (size_t i = 0; i < sizeof n / sizeof n[0]; i++)
        for (int share = 0; share <= 1; share++) check_qcnn_drops(n[i], share);
}

/* qcnn n = 4, shared: each sub-layer's gates use one set of angles. */
static void test_qcnn_shared_layout(void **state) {
    (void)state;
    pl_circuit_t *c = build(opts(PL_ANSATZ_QCNN, 4, 1, true));
    /* level 0: conv (0,1)(2,3) θ0..14 | conv (1,2) θ15..29 | pool (0←1)(2←3) θ30,31;
     * level 1 on (0, 2): conv θ32..46 | pool (0←2) θ47,48. */
    expect_su4(c, 0, 0, 1, 0);
    expect_su4(c, 7, 2, 3, 0);
    expect_su4(c, 14, 1, 2, 15);
    const int p10[2] = {1, 0}, p32[2] = {3, 2}, p20[2] = {2, 0};
    expect_op(c, 21, PL_GATE_CRZ, p10, 2, 30);
    expect_op(c, 22, PL_GATE_CRX, p10, 2, 31);
    expect_op(c, 23, PL_GATE_CRZ, p32, 2, 30);
    expect_op(c, 24, PL_GATE_CRX, p32, 2, 31);
    expect_su4(c, 25, 0, 2, 32);
    expect_op(c, 32, PL_GATE_CRZ, p20, 2, 47);
    expect_op(c, 33, PL_GATE_CRX, p20, 2, 48);
    assert_int_equal(pl_circuit_size(c), 34);
    assert_int_equal(pl_circuit_num_params(c), 49);
    pl_circuit_destroy(c);
}

/* ------------------------------------------------------------------------ */
/* States                                                                   */
/* ------------------------------------------------------------------------ */

/*
 * Reference TFIM-HVA state, straight from the definition: |+…+⟩, then per
 * layer the diagonal phase exp(−iβ Σ z_i z_{i+1}) (z = ±1 from the bits) and
 * exp(−iγ X) on every qubit as the 2x2 map (a, b) ↦ (cos γ a − i sin γ b, …).
 */
static void tfim_reference(int n, int layers, const double *theta, double complex *psi) {
    const size_t dim = (size_t)1 << n;
    for (size_t x = 0; x < dim; x++) psi[x] = 1.0 / sqrt((double)dim);
    for (int l = 0; l < layers; l++) {
        const double beta = theta[2 * l], gamma = theta[2 * l + 1];
        for (size_t x = 0; x < dim; x++) {
            int zz = 0;
            for (int q = 0; q + 1 < n; q++) zz += ((x >> q) & 1) == ((x >> (q + 1)) & 1) ? 1 : -1;
            psi[x] *= cexp(-I * beta * zz);
        }
        for (int q = 0; q < n; q++)
            for (size_t x = 0; x < dim; x++) {
                if ((x >> q) & 1) continue;
                const size_t y = x | ((size_t)1 << q); /* partner with bit q set */
                const double complex a = psi[x], b = psi[y];
                psi[x] = cos(gamma) * a - I * sin(gamma) * b;
                psi[y] = -I * sin(gamma) * a + cos(gamma) * b;
            }
    }
}

static double tfim_error(int n, int layers, const double *theta) {
    pl_circuit_t *c = build(opts(PL_ANSATZ_TFIM_HVA, n, layers, false));
    pl_sv_t *sv = NULL;
    ASSERT_OK(pl_sv_create(n, &sv));
    ASSERT_OK(pl_circuit_apply(c, theta, sv));
    double complex *want = dense_zeros((size_t)1 << n);
    tfim_reference(n, layers, theta, want);
    const double err = dense_max_diff(pl_sv_data(sv), want, (size_t)1 << n);
    free(want);
    pl_sv_destroy(sv);
    pl_circuit_destroy(c);
    return err;
}

static void test_tfim_hva_state(void **state) {
    (void)state;
    /* β = 0: rx(2γ) on |+⟩ is the phase e^{−iγ}, so every amplitude is e^{−iγn}/2^{n/2}. */
    const int n = 5;
    const double gamma = 0.37, theta0[2] = {0.0, gamma};
    pl_circuit_t *c = build(opts(PL_ANSATZ_TFIM_HVA, n, 1, false));
    pl_sv_t *sv = NULL;
    ASSERT_OK(pl_sv_create(n, &sv));
    ASSERT_OK(pl_circuit_apply(c, theta0, sv));
    const double complex amp = cexp(-I * gamma * n) / sqrt(32.0);
    for (size_t x = 0; x < 32; x++)
        if (cabs(pl_sv_data(sv)[x] - amp) > 1e-12) test_fail("amplitude %zu off", x);
    pl_sv_destroy(sv);
    pl_circuit_destroy(c);

    const double only_beta[2] = {0.29, 0.0};
    assert_true(tfim_error(4, 1, only_beta) < 1e-12);
    double *theta = random_theta(6, 3);
    for (int k = 2; k <= 6; k++) {
        const double err = tfim_error(k, 3, theta);
        if (err > 1e-12) test_fail("tfim-hva n=%d L=3: max diff %g (seed 3)", k, err);
    }
    free(theta);
}

/* Export with bound θ, read back, and compare the two states. */
static void check_roundtrip(pl_ansatz_opts_t o, uint64_t seed) {
    pl_circuit_t *c = build(o);
    double *theta = random_theta(pl_circuit_num_params(c), seed);
    char *text = NULL;
    ASSERT_OK(pl_qasm_write_string(c, theta, &text));
    pl_circuit_t *back = NULL;
    if (pl_qasm_read_string(text, "ansatz.qasm", &back) != PL_OK)
        test_fail("%s: %s", pl_ansatz_name(o.kind), pl_error_message());
    assert_int_equal(pl_circuit_num_params(back), 0);
    pl_sv_t *a = NULL, *b = NULL;
    ASSERT_OK(pl_sv_create(o.qubits, &a));
    ASSERT_OK(pl_sv_create(o.qubits, &b));
    ASSERT_OK(pl_circuit_apply(c, theta, a));
    ASSERT_OK(pl_circuit_apply(back, NULL, b));
    double complex ip;
    ASSERT_OK(pl_sv_inner(a, b, &ip));
    if (cabs(ip - 1.0) > 1e-10)
        test_fail("%s n=%d: <built|read back> = %g%+gi (seed %llu)", pl_ansatz_name(o.kind),
                  o.qubits, creal(ip), cimag(ip), (unsigned long long)seed);
    pl_sv_destroy(a);
    pl_sv_destroy(b);
    pl_circuit_destroy(back);
    free(text);
    free(theta);
    pl_circuit_destroy(c);
}

static void test_qasm_roundtrip(void **state) {
    (void)state;
    check_roundtrip(opts(PL_ANSATZ_HEA, 4, 3, false), 11);
    check_roundtrip(opts(PL_ANSATZ_SU4_BRICKWORK, 5, 4, false), 12);
    check_roundtrip(opts(PL_ANSATZ_TFIM_HVA, 6, 2, false), 13);
    check_roundtrip(opts(PL_ANSATZ_QCNN, 7, 0, false), 14);
    check_roundtrip(opts(PL_ANSATZ_QCNN, 8, 0, true), 15);
}

/* ------------------------------------------------------------------------ */
/* Names, readouts, errors                                                  */
/* ------------------------------------------------------------------------ */

static void test_names(void **state) {
    (void)state;
    const char *names[PL_ANSATZ_COUNT] = {"hea", "su4-brickwork", "tfim-hva", "qcnn"};
    for (int k = 0; k < PL_ANSATZ_COUNT; k++) {
        pl_ansatz_kind_t kind = PL_ANSATZ_COUNT;
        assert_string_equal(pl_ansatz_name((pl_ansatz_kind_t)k), names[k]);
        ASSERT_OK(pl_ansatz_lookup(names[k], &kind));
        assert_int_equal(kind, k);
    }
    assert_string_equal(pl_ansatz_name(PL_ANSATZ_COUNT), "unknown");
    pl_ansatz_kind_t kind;
    EXPECT_ERROR(pl_ansatz_lookup("HEA", &kind), PL_EINVAL,
                 "unknown ansatz 'HEA' (valid: hea, su4-brickwork, tfim-hva, qcnn)");
    EXPECT_ERROR(pl_ansatz_lookup("", &kind), PL_EINVAL, "unknown ansatz ''");
    EXPECT_ERROR(pl_ansatz_lookup(NULL, &kind), PL_EINVAL, "unknown ansatz");
}

static void test_readout(void **state) {
    (void)state;
    for (int k = 0; k < PL_ANSATZ_COUNT; k++) {
        pl_ansatz_opts_t o = opts((pl_ansatz_kind_t)k, 6, 2, false);
        pl_pauli_sum_t *r = NULL;
        ASSERT_OK(pl_ansatz_readout(&o, &r));
        char *text = NULL;
        ASSERT_OK(pl_pauli_sum_to_string(r, &text));
        assert_string_equal(text, "Z0");
        assert_int_equal(pl_pauli_sum_qubits(r), 6);
        free(text);
        pl_pauli_sum_destroy(r);
    }
}

/* One impossible size: the same status and message from all three entry points. */
static void expect_refused(pl_ansatz_opts_t o, const char *needle) {
    int p = -7;
    EXPECT_ERROR(pl_ansatz_num_params(&o, &p), PL_EINVAL, needle);
    assert_int_equal(p, -7);
    pl_circuit_t *c = (pl_circuit_t *)&p;
    EXPECT_ERROR(pl_ansatz_build(&o, &c), PL_EINVAL, needle);
    assert_null(c);
    pl_pauli_sum_t *r = (pl_pauli_sum_t *)&p;
    EXPECT_ERROR(pl_ansatz_readout(&o, &r), PL_EINVAL, needle);
    assert_null(r);
}

static void test_errors(void **state) {
    (void)state;
    expect_refused(opts(PL_ANSATZ_HEA, 0, 1, false), "hea needs at least 1 qubit, got 0");
    expect_refused(opts(PL_ANSATZ_QCNN, 1, 1, false), "qcnn needs at least 2 qubits, got 1");
    expect_refused(opts(PL_ANSATZ_QCNN, -3, 1, true), "qcnn needs at least 2 qubits, got -3");
    expect_refused(opts(PL_ANSATZ_SU4_BRICKWORK, 1, 1, false),
                   "su4-brickwork needs at least 2 qubits, got 1");
    expect_refused(opts(PL_ANSATZ_TFIM_HVA, 1, 1, false),
                   "tfim-hva needs at least 2 qubits, got 1");
    expect_refused(opts(PL_ANSATZ_HEA, PL_CIRCUIT_MAX_QUBITS + 1, 1, false),
                   "hea: 1048577 qubits is more than the maximum 1048576");
    expect_refused(opts(PL_ANSATZ_HEA, 3, 0, false), "hea needs at least 1 layer, got 0");
    expect_refused(opts(PL_ANSATZ_SU4_BRICKWORK, 3, -1, false),
                   "su4-brickwork needs at least 1 layer, got -1");
    expect_refused(opts(PL_ANSATZ_TFIM_HVA, 3, 0, false), "tfim-hva needs at least 1 layer");
    expect_refused(opts(PL_ANSATZ_HEA, 1 << 20, 1 << 11, false),
                   "hea on 1048576 qubits with 2048 layers has 4294967296 parameters, more "
                   "than the maximum 2147483647");
    expect_refused(opts((pl_ansatz_kind_t)9, 3, 1, false), "unknown ansatz kind 9");
    int p;
    EXPECT_ERROR(pl_ansatz_num_params(NULL, &p), PL_EINVAL, "ansatz options are NULL");

    /* qcnn ignores layers. */
    pl_ansatz_opts_t o = opts(PL_ANSATZ_QCNN, 4, 0, false);
    ASSERT_OK(pl_ansatz_num_params(&o, &p));

    /* A count that fits but a circuit too large to build: refused before allocating. */
    o = opts(PL_ANSATZ_TFIM_HVA, 1 << 20, 100, false);
    ASSERT_OK(pl_ansatz_num_params(&o, &p));
    assert_int_equal(p, 200);
    pl_circuit_t *c = NULL;
    EXPECT_ERROR(pl_ansatz_build(&o, &c), PL_ENOMEM,
                 "tfim-hva on 1048576 qubits with 100 layers has 210763676 operations, more "
                 "than the limit of 33554432");
    assert_null(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_qcnn_shared_counts),
        cmocka_unit_test(test_hea_layout),
        cmocka_unit_test(test_su4_brickwork_layout),
        cmocka_unit_test(test_su4_block_unitary),
        cmocka_unit_test(test_qcnn_structure),
        cmocka_unit_test(test_qcnn_shared_layout),
        cmocka_unit_test(test_tfim_hva_state),
        cmocka_unit_test(test_qasm_roundtrip),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_readout),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
