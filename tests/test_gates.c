/*
 * The gate table (include/plateau/gates.h) against textbook matrices written
 * out independently in tests/support/dense.c, and against the gate bodies of
 * qelib1.inc (OpenQASM 2.0 paper, arXiv:1707.03429, as shipped with Qiskit).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dense.h"
#include "plateau/core.h"
#include "plateau/gates.h"

#define SEED 20240611u

/* Kinds with a fixed matrix: everything before the generic kinds. */
#define NAMED_COUNT PL_GATE_MCX

/* ------------------------------------------------------------------------ */
/* The dense reference keeps its own conventions                            */
/* ------------------------------------------------------------------------ */

static void test_dense_reference_conventions(void **state) {
    (void)state;
    /* X on qubit 1 of 3 qubits maps |000⟩ to |010⟩ = index 2. */
    double complex psi[8] = {1, 0, 0, 0, 0, 0, 0, 0};
    int nq;
    double complex *x = dense_gate_matrix("x", NULL, &nq);
    assert_int_equal(nq, 1);
    int q1[1] = {1};
    dense_apply(3, psi, x, 1, q1);
    assert_true(cabs(psi[2] - 1.0) < 1e-15 && cabs(psi[0]) < 1e-15);
    free(x);

    /* cx with control 2, target 0 on |100⟩ (index 4) gives |101⟩ (index 5). */
    double complex phi[8] = {0, 0, 0, 0, 1, 0, 0, 0};
    double complex *cx = dense_gate_matrix("cx", NULL, &nq);
    assert_int_equal(nq, 2);
    int ct[2] = {2, 0};
    dense_apply(3, phi, cx, 2, ct);
    assert_true(cabs(phi[5] - 1.0) < 1e-15 && cabs(phi[4]) < 1e-15);
    /* ... and leaves |001⟩ (control 0) alone. */
    double complex chi[8] = {0, 1, 0, 0, 0, 0, 0, 0};
    dense_apply(3, chi, cx, 2, ct);
    assert_true(cabs(chi[1] - 1.0) < 1e-15);
    free(cx);

    /* A 2-qubit matrix on (1, 0) equals SWAP · U · SWAP on (0, 1). */
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 1);
    double complex u[16], sus[16], tmp[16];
    dense_random_unitary(4, &rng, u);
    double complex *sw = dense_gate_matrix("swap", NULL, &nq);
    dense_matmul(4, sw, u, tmp);
    dense_matmul(4, tmp, sw, sus);
    int rev[2] = {1, 0}, fwd[2] = {0, 1};
    double complex *a = dense_embed(2, u, 2, rev);
    double complex *b = dense_embed(2, sus, 2, fwd);
    assert_true(dense_max_diff(a, b, 16) < 1e-14);
    assert_true(dense_max_diff(b, sus, 16) < 1e-15);
    free(a);
    free(b);
    free(sw);

    /* dense_embed equals the Kronecker sum written with dense kron products:
     * a random 2-qubit unitary on qubits (3, 1) of 4. */
    {
        const int n4 = 4, on[2] = {3, 1};
        double complex v[16];
        dense_random_unitary(4, &rng, v);
        double complex *fast = dense_embed(n4, v, 2, on);
        double complex *slow = dense_zeros(256);
        static const double complex eye[4] = {1, 0, 0, 1};
        for (size_t r = 0; r < 4; r++)
            for (size_t c = 0; c < 4; c++) {
                double complex one = 1.0;
                double complex *acc = dense_kron(&one, 1, 1, &one, 1, 1);
                size_t side = 1;
                for (int q = n4 - 1; q >= 0; q--) {
                    double complex unit[4] = {0, 0, 0, 0};
                    const double complex *f = eye;
                    for (int j = 0; j < 2; j++)
                        if (on[j] == q) {
                            unit[((r >> j) & 1) * 2 + ((c >> j) & 1)] = 1.0;
                            f = unit;
                        }
                    double complex *next = dense_kron(acc, side, side, f, 2, 2);
                    free(acc);
                    acc = next;
                    side *= 2;
                }
                for (size_t i = 0; i < 256; i++) slow[i] += v[r * 4 + c] * acc[i];
                free(acc);
            }
        assert_true(dense_max_diff(fast, slow, 256) < 1e-15);
        free(fast);
        free(slow);
    }

    /* Pauli letters: letters[0] is qubit 0, "XI" flips qubit 0 of |00⟩ to |01⟩. */
    double complex *p = dense_pauli_matrix_str(2, "XI");
    assert_true(cabs(p[1 * 4 + 0] - 1.0) < 1e-15);
    free(p);
    /* Y = [[0, −i], [i, 0]]: Y|0⟩ = i|1⟩. */
    assert_true(cabs(dense_pauli1('Y')[2] - I) < 1e-15);
    assert_null(dense_pauli1('Q'));
    /* The random unitary is unitary. */
    assert_true(dense_unitarity_error(4, u) < 1e-13);
}

/* ------------------------------------------------------------------------ */
/* pl_gate_info                                                             */
/* ------------------------------------------------------------------------ */

static const struct {
    pl_gate_t g;
    const char *name; /* NULL: generic kind, descriptive name not pinned */
    int qubits;
    int angles;
} expected_info[] = {
    {PL_GATE_ID, "id", 1, 0},   {PL_GATE_X, "x", 1, 0},           {PL_GATE_Y, "y", 1, 0},
    {PL_GATE_Z, "z", 1, 0},     {PL_GATE_H, "h", 1, 0},           {PL_GATE_S, "s", 1, 0},
    {PL_GATE_SDG, "sdg", 1, 0}, {PL_GATE_T, "t", 1, 0},           {PL_GATE_TDG, "tdg", 1, 0},
    {PL_GATE_SX, "sx", 1, 0},   {PL_GATE_SXDG, "sxdg", 1, 0},     {PL_GATE_RX, "rx", 1, 1},
    {PL_GATE_RY, "ry", 1, 1},   {PL_GATE_RZ, "rz", 1, 1},         {PL_GATE_P, "p", 1, 1},
    {PL_GATE_U2, "u2", 1, 2},   {PL_GATE_U3, "u3", 1, 3},         {PL_GATE_CX, "cx", 2, 0},
    {PL_GATE_CY, "cy", 2, 0},   {PL_GATE_CZ, "cz", 2, 0},         {PL_GATE_CH, "ch", 2, 0},
    {PL_GATE_CSX, "csx", 2, 0}, {PL_GATE_SWAP, "swap", 2, 0},     {PL_GATE_CRX, "crx", 2, 1},
    {PL_GATE_CRY, "cry", 2, 1}, {PL_GATE_CRZ, "crz", 2, 1},       {PL_GATE_CP, "cp", 2, 1},
    {PL_GATE_CU3, "cu3", 2, 3}, {PL_GATE_RXX, "rxx", 2, 1},       {PL_GATE_RYY, "ryy", 2, 1},
    {PL_GATE_RZZ, "rzz", 2, 1}, {PL_GATE_CCX, "ccx", 3, 0},       {PL_GATE_CSWAP, "cswap", 3, 0},
    {PL_GATE_MCX, NULL, -1, 0}, {PL_GATE_UNITARY1, NULL, 1, 0},   {PL_GATE_UNITARY2, NULL, 2, 0},
    {PL_GATE_MCU, NULL, -1, 0}, {PL_GATE_PAULI_ROT, NULL, -1, 1},
};

static void test_gate_info_counts(void **state) {
    (void)state;
    size_t rows = sizeof expected_info / sizeof expected_info[0];
    assert_int_equal(rows, PL_GATE_COUNT);
    for (size_t i = 0; i < rows; i++) {
        const pl_gate_info_t *info = pl_gate_info(expected_info[i].g);
        assert_non_null(info);
        assert_non_null(info->name);
        assert_true(strlen(info->name) > 0);
        if (expected_info[i].name && strcmp(info->name, expected_info[i].name) != 0)
            test_fail("gate %d: name '%s', expected '%s'", (int)expected_info[i].g, info->name,
                      expected_info[i].name);
        if (info->qubits != expected_info[i].qubits || info->angles != expected_info[i].angles)
            test_fail("gate %d (%s): %d qubits / %d angles, expected %d / %d",
                      (int)expected_info[i].g, info->name, info->qubits, info->angles,
                      expected_info[i].qubits, expected_info[i].angles);
    }
    /* Names are distinct. */
    for (int a = 0; a < PL_GATE_COUNT; a++)
        for (int b = 0; b < a; b++)
            assert_string_not_equal(pl_gate_info((pl_gate_t)a)->name,
                                    pl_gate_info((pl_gate_t)b)->name);
}

/* ------------------------------------------------------------------------ */
/* pl_gate_lookup                                                           */
/* ------------------------------------------------------------------------ */

static void test_gate_lookup_names_and_aliases(void **state) {
    (void)state;
    /* Every qelib1 gate plateau implements, by its own name. */
    for (size_t i = 0; i < sizeof expected_info / sizeof expected_info[0]; i++) {
        if (!expected_info[i].name) continue;
        pl_gate_t g = PL_GATE_COUNT;
        if (!pl_gate_lookup(expected_info[i].name, &g))
            test_fail("pl_gate_lookup('%s') failed", expected_info[i].name);
        if (g != expected_info[i].g)
            test_fail("pl_gate_lookup('%s') gave %d, expected %d", expected_info[i].name, (int)g,
                      (int)expected_info[i].g);
    }
    /* qelib1 aliases and the OpenQASM builtins U and CX. */
    static const struct {
        const char *name;
        pl_gate_t g;
    } aliases[] = {
        {"u1", PL_GATE_P},  {"cu1", PL_GATE_CP},  {"u", PL_GATE_U3},    {"U", PL_GATE_U3},
        {"CX", PL_GATE_CX}, {"c3x", PL_GATE_MCX}, {"c4x", PL_GATE_MCX},
    };
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        pl_gate_t g = PL_GATE_COUNT;
        if (!pl_gate_lookup(aliases[i].name, &g) || g != aliases[i].g)
            test_fail("alias '%s': got %d, expected %d", aliases[i].name, (int)g,
                      (int)aliases[i].g);
    }
}

static void test_gate_lookup_unknown(void **state) {
    (void)state;
    /* Names are case-sensitive (only U and CX are upper-case builtins), and
     * the generic kinds have no OpenQASM spelling. */
    static const char *unknown[] = {"",      "cxx", "H",        "X",        "Cx",
                                    "cX",    "u4",  "rx ",      " rx",      "ccz",
                                    "swap2", "ID",  "unitary1", "unitary2", "pauli_rot",
                                    "mcu",   "c5x", "measure",  "barrier",  "reset"};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        pl_gate_t g = PL_GATE_COUNT;
        if (pl_gate_lookup(unknown[i], &g))
            test_fail("pl_gate_lookup('%s') unexpectedly found gate %d", unknown[i], (int)g);
    }
}

/* ------------------------------------------------------------------------ */
/* pl_gate_matrix against the textbook matrices                             */
/* ------------------------------------------------------------------------ */

static void check_named_gate(pl_gate_t g, const double *angles, const char *what) {
    const char *name = dense_gate_name(g);
    assert_non_null(name);
    int k = 0;
    double complex *ref = dense_gate_matrix(name, angles, &k);
    assert_non_null(ref);
    assert_int_equal(k, pl_gate_info(g)->qubits);
    size_t d = (size_t)1 << k;
    double complex got[64];
    for (size_t i = 0; i < 64; i++) got[i] = NAN;
    pl_status_t st = pl_gate_matrix(g, angles, got);
    if (st != PL_OK) test_fail("pl_gate_matrix(%s, %s) failed: %s", name, what, pl_error_message());
    double err = dense_max_diff(got, ref, d * d);
    if (!(err < 1e-14)) {
        fprintf(stderr, "gate %s, angles %s: max |lib − textbook| = %.3g\n", name, what, err);
        for (size_t r = 0; r < d; r++) {
            for (size_t c = 0; c < d; c++)
                fprintf(stderr, "  (%+.4f%+.4fi | %+.4f%+.4fi)", creal(got[r * d + c]),
                        cimag(got[r * d + c]), creal(ref[r * d + c]), cimag(ref[r * d + c]));
            fputc('\n', stderr);
        }
        free(ref);
        fail();
    }
    double uerr = dense_unitarity_error(d, got);
    if (!(uerr < 1e-13)) {
        free(ref);
        test_fail("gate %s, angles %s: not unitary (%.3g)", name, what, uerr);
    }
    /* Nothing beyond the (2^k)^2 entries was written. */
    for (size_t i = d * d; i < 64; i++) assert_true(isnan(creal(got[i])));
    free(ref);
}

static void test_gate_matrix_vs_textbook(void **state) {
    (void)state;
    static const double special[] = {0.0,  PL_PI,           -PL_PI / 2, 2 * PL_PI,
                                     1e-9, 4 * PL_PI + 0.3, -7.0};
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 2);
    for (int gi = 0; gi < NAMED_COUNT; gi++) {
        pl_gate_t g = (pl_gate_t)gi;
        int na = pl_gate_info(g)->angles;
        int trials = na ? 40 : 1;
        for (int t = 0; t < trials; t++) {
            double angles[3] = {0, 0, 0};
            for (int a = 0; a < na; a++) {
                if (t < (int)(sizeof special / sizeof special[0]))
                    angles[a] = special[(t + a * 3) % 7];
                else
                    angles[a] = 4 * PL_PI * (pl_rng_uniform(&rng) - 0.5);
            }
            char what[128];
            snprintf(what, sizeof what, "(%.17g, %.17g, %.17g) trial %d seed %u", angles[0],
                     angles[1], angles[2], t, SEED);
            check_named_gate(g, angles, what);
        }
    }
}

static void test_gate_matrix_errors(void **state) {
    (void)state;
    double complex u[64];
    double angles[3] = {0.1, 0.2, 0.3};
    /* Generic kinds have no fixed matrix. */
    for (int gi = PL_GATE_MCX; gi < PL_GATE_COUNT; gi++) {
        pl_error_clear();
        pl_status_t st = pl_gate_matrix((pl_gate_t)gi, angles, u);
        if (st != PL_EINVAL)
            test_fail("pl_gate_matrix(%s) returned %d, expected PL_EINVAL",
                      pl_gate_info((pl_gate_t)gi)->name, (int)st);
        assert_true(strlen(pl_error_message()) > 0);
    }
    /* Non-finite angles, in each angle slot of each parametrised gate. */
    const double bad[3] = {NAN, INFINITY, -INFINITY};
    for (int gi = 0; gi < NAMED_COUNT; gi++) {
        int na = pl_gate_info((pl_gate_t)gi)->angles;
        for (int a = 0; a < na; a++)
            for (int b = 0; b < 3; b++) {
                double ang[3] = {0.1, 0.2, 0.3};
                ang[a] = bad[b];
                pl_error_clear();
                pl_status_t st = pl_gate_matrix((pl_gate_t)gi, ang, u);
                if (st != PL_EINVAL)
                    test_fail("pl_gate_matrix(%s) with angle %d = %g returned %d, expected "
                              "PL_EINVAL",
                              pl_gate_info((pl_gate_t)gi)->name, a, bad[b], (int)st);
                assert_true(strlen(pl_error_message()) > 0);
            }
    }
}

/* ------------------------------------------------------------------------ */
/* Identities between library matrices that qelib1 states                   */
/* ------------------------------------------------------------------------ */

static void lib_matrix(pl_gate_t g, double a0, double a1, double a2, double complex *u) {
    double angles[3] = {a0, a1, a2};
    pl_status_t st = pl_gate_matrix(g, angles, u);
    if (st != PL_OK) test_fail("pl_gate_matrix(%d): %s", (int)g, pl_error_message());
}

static void expect_equal(const char *what, const double complex *a, const double complex *b,
                         size_t len, int up_to_phase) {
    double err = up_to_phase ? dense_max_diff_phase(a, b, len) : dense_max_diff(a, b, len);
    if (!(err < 1e-13)) test_fail("%s: differs by %.3g", what, err);
}

static void test_gate_qelib1_identities(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 3);
    double complex a[4], b[4], c[4], ab[4];
    for (int t = 0; t < 20; t++) {
        double th = 4 * PL_PI * (pl_rng_uniform(&rng) - 0.5);
        double ph = 4 * PL_PI * (pl_rng_uniform(&rng) - 0.5);
        double la = 4 * PL_PI * (pl_rng_uniform(&rng) - 0.5);
        /* gate rx(theta) a { u3(theta,-pi/2,pi/2) a; } */
        lib_matrix(PL_GATE_RX, th, 0, 0, a);
        lib_matrix(PL_GATE_U3, th, -PL_PI / 2, PL_PI / 2, b);
        expect_equal("rx = u3(θ,−π/2,π/2)", a, b, 4, 0);
        /* gate ry(theta) a { u3(theta,0,0) a; } */
        lib_matrix(PL_GATE_RY, th, 0, 0, a);
        lib_matrix(PL_GATE_U3, th, 0, 0, b);
        expect_equal("ry = u3(θ,0,0)", a, b, 4, 0);
        /* gate u2(phi,lambda) q { U(pi/2,phi,lambda) q; } */
        lib_matrix(PL_GATE_U2, ph, la, 0, a);
        lib_matrix(PL_GATE_U3, PL_PI / 2, ph, la, b);
        expect_equal("u2 = u3(π/2,φ,λ)", a, b, 4, 0);
        /* gate u1(lambda) q { U(0,0,lambda) q; } */
        lib_matrix(PL_GATE_P, la, 0, 0, a);
        lib_matrix(PL_GATE_U3, 0, 0, la, b);
        expect_equal("p = u3(0,0,λ)", a, b, 4, 0);
        /* rz(θ) = e^{−iθ/2} p(θ) (qelib1's rz is u1, up to this phase) */
        lib_matrix(PL_GATE_RZ, th, 0, 0, a);
        lib_matrix(PL_GATE_P, th, 0, 0, b);
        for (int i = 0; i < 4; i++) b[i] *= cexp(-I * th / 2);
        expect_equal("rz = e^{−iθ/2} p(θ)", a, b, 4, 0);
        /* rx(a) rx(b) = rx(a + b) */
        lib_matrix(PL_GATE_RX, th, 0, 0, a);
        lib_matrix(PL_GATE_RX, ph, 0, 0, b);
        dense_matmul(2, a, b, ab);
        lib_matrix(PL_GATE_RX, th + ph, 0, 0, c);
        expect_equal("rx(a) rx(b) = rx(a+b)", ab, c, 4, 0);
    }
    /* Fixed gates from qelib1 bodies. */
    static const struct {
        pl_gate_t g;
        pl_gate_t via;
        double a[3];
        int phase;
        const char *what;
    } fixed[] = {
        {PL_GATE_ID, PL_GATE_U3, {0, 0, 0}, 0, "id = U(0,0,0)"},
        {PL_GATE_X, PL_GATE_U3, {PL_PI, 0, PL_PI}, 0, "x = u3(π,0,π)"},
        {PL_GATE_Y, PL_GATE_U3, {PL_PI, PL_PI / 2, PL_PI / 2}, 0, "y = u3(π,π/2,π/2)"},
        {PL_GATE_Z, PL_GATE_P, {PL_PI, 0, 0}, 0, "z = u1(π)"},
        {PL_GATE_H, PL_GATE_U2, {0, PL_PI, 0}, 0, "h = u2(0,π)"},
        {PL_GATE_S, PL_GATE_P, {PL_PI / 2, 0, 0}, 0, "s = u1(π/2)"},
        {PL_GATE_SDG, PL_GATE_P, {-PL_PI / 2, 0, 0}, 0, "sdg = u1(−π/2)"},
        {PL_GATE_T, PL_GATE_P, {PL_PI / 4, 0, 0}, 0, "t = u1(π/4)"},
        {PL_GATE_TDG, PL_GATE_P, {-PL_PI / 4, 0, 0}, 0, "tdg = u1(−π/4)"},
        {PL_GATE_SX, PL_GATE_RX, {PL_PI / 2, 0, 0}, 1, "sx ∝ rx(π/2)"},
        {PL_GATE_SXDG, PL_GATE_RX, {-PL_PI / 2, 0, 0}, 1, "sxdg ∝ rx(−π/2)"},
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        lib_matrix(fixed[i].g, 0, 0, 0, a);
        lib_matrix(fixed[i].via, fixed[i].a[0], fixed[i].a[1], fixed[i].a[2], b);
        expect_equal(fixed[i].what, a, b, 4, fixed[i].phase);
    }
    /* sx² = x, sx·sxdg = id, s² = z, t² = s, h² = id. */
    static const pl_gate_t sq[][2] = {{PL_GATE_SX, PL_GATE_X}, {PL_GATE_S, PL_GATE_Z},
                                      {PL_GATE_T, PL_GATE_S},  {PL_GATE_H, PL_GATE_ID},
                                      {PL_GATE_X, PL_GATE_ID}, {PL_GATE_Y, PL_GATE_ID}};
    for (size_t i = 0; i < sizeof sq / sizeof sq[0]; i++) {
        lib_matrix(sq[i][0], 0, 0, 0, a);
        dense_matmul(2, a, a, ab);
        lib_matrix(sq[i][1], 0, 0, 0, c);
        char what[64];
        snprintf(what, sizeof what, "%s² = %s", pl_gate_info(sq[i][0])->name,
                 pl_gate_info(sq[i][1])->name);
        expect_equal(what, ab, c, 4, 0);
    }
    lib_matrix(PL_GATE_SX, 0, 0, 0, a);
    lib_matrix(PL_GATE_SXDG, 0, 0, 0, b);
    dense_matmul(2, a, b, ab);
    lib_matrix(PL_GATE_ID, 0, 0, 0, c);
    expect_equal("sx sxdg = id", ab, c, 4, 0);
}

/* ------------------------------------------------------------------------ */
/* qelib1 gate bodies, multiplied out with the textbook constituents        */
/* ------------------------------------------------------------------------ */

typedef struct {
    const char *name;
    double a[3];
    int q[3]; /* positions within the composite gate's qubits */
} step_t;

/* U = product of the steps (first step acts first) on k qubits. */
static double complex *compose(int k, const step_t *steps, size_t nsteps) {
    size_t d = (size_t)1 << k;
    double complex *u = dense_identity(d);
    double complex *tmp = dense_zeros(d * d);
    for (size_t s = 0; s < nsteps; s++) {
        int kg = 0;
        double complex *g = dense_gate_matrix(steps[s].name, steps[s].a, &kg);
        assert_non_null(g);
        double complex *e = dense_embed(k, g, kg, steps[s].q);
        dense_matmul(d, e, u, tmp);
        memcpy(u, tmp, d * d * sizeof *u);
        free(e);
        free(g);
    }
    free(tmp);
    return u;
}

static void check_body(pl_gate_t g, const double *angles, const step_t *steps, size_t nsteps,
                       int up_to_phase) {
    int k = pl_gate_info(g)->qubits;
    size_t d = (size_t)1 << k;
    double complex *body = compose(k, steps, nsteps);
    double complex lib[64];
    pl_status_t st = pl_gate_matrix(g, angles, lib);
    ASSERT_OK(st);
    int kr = 0;
    double complex *ref = dense_gate_matrix(dense_gate_name(g), angles, &kr);
    char what[160];
    snprintf(what, sizeof what, "qelib1 body of %s(%.6g, %.6g, %.6g) vs library",
             pl_gate_info(g)->name, angles[0], angles[1], angles[2]);
    double err_lib =
        up_to_phase ? dense_max_diff_phase(lib, body, d * d) : dense_max_diff(lib, body, d * d);
    double err_ref =
        up_to_phase ? dense_max_diff_phase(ref, body, d * d) : dense_max_diff(ref, body, d * d);
    free(body);
    free(ref);
    if (!(err_ref < 1e-13)) test_fail("%s: the textbook reference differs by %.3g", what, err_ref);
    if (!(err_lib < 1e-13)) test_fail("%s: differs by %.3g", what, err_lib);
}

#define STEPS(...)                                                                                 \
    ((const step_t[]){__VA_ARGS__}), (sizeof((const step_t[]){__VA_ARGS__}) / sizeof(step_t))

static void test_gate_qelib1_bodies(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 4);
    const double none[3] = {0, 0, 0};
    const double pi = PL_PI;
    /* gate cz a,b { h b; cx a,b; h b; } */
    check_body(PL_GATE_CZ, none, STEPS({"h", {0}, {1}}, {"cx", {0}, {0, 1}}, {"h", {0}, {1}}), 0);
    /* gate cy a,b { sdg b; cx a,b; s b; } */
    check_body(PL_GATE_CY, none, STEPS({"sdg", {0}, {1}}, {"cx", {0}, {0, 1}}, {"s", {0}, {1}}), 0);
    /* gate swap a,b { cx a,b; cx b,a; cx a,b; } */
    check_body(PL_GATE_SWAP, none,
               STEPS({"cx", {0}, {0, 1}}, {"cx", {0}, {1, 0}}, {"cx", {0}, {0, 1}}), 0);
    /* gate ch a,b { h b; sdg b; cx a,b; h b; t b; cx a,b; t b; h b; s b; x b; s a; }
     * (equals e^{iπ/4}·ch: a global phase) */
    check_body(PL_GATE_CH, none,
               STEPS({"h", {0}, {1}}, {"sdg", {0}, {1}}, {"cx", {0}, {0, 1}}, {"h", {0}, {1}},
                     {"t", {0}, {1}}, {"cx", {0}, {0, 1}}, {"t", {0}, {1}}, {"h", {0}, {1}},
                     {"s", {0}, {1}}, {"x", {0}, {1}}, {"s", {0}, {0}}),
               1);
    /* gate csx a,b { h b; cu1(pi/2) a,b; h b; } */
    check_body(PL_GATE_CSX, none,
               STEPS({"h", {0}, {1}}, {"cu1", {pi / 2}, {0, 1}}, {"h", {0}, {1}}), 0);
    /* gate ccx a,b,c { h c; cx b,c; tdg c; cx a,c; t c; cx b,c; tdg c; cx a,c;
     *                  t b; t c; h c; cx a,b; t a; tdg b; cx a,b; } */
    check_body(PL_GATE_CCX, none,
               STEPS({"h", {0}, {2}}, {"cx", {0}, {1, 2}}, {"tdg", {0}, {2}}, {"cx", {0}, {0, 2}},
                     {"t", {0}, {2}}, {"cx", {0}, {1, 2}}, {"tdg", {0}, {2}}, {"cx", {0}, {0, 2}},
                     {"t", {0}, {1}}, {"t", {0}, {2}}, {"h", {0}, {2}}, {"cx", {0}, {0, 1}},
                     {"t", {0}, {0}}, {"tdg", {0}, {1}}, {"cx", {0}, {0, 1}}),
               0);
    /* gate cswap a,b,c { cx c,b; ccx a,b,c; cx c,b; } */
    check_body(PL_GATE_CSWAP, none,
               STEPS({"cx", {0}, {2, 1}}, {"ccx", {0}, {0, 1, 2}}, {"cx", {0}, {2, 1}}), 0);

    for (int t = 0; t < 12; t++) {
        double th = 4 * pi * (pl_rng_uniform(&rng) - 0.5);
        double ph = 4 * pi * (pl_rng_uniform(&rng) - 0.5);
        double la = 4 * pi * (pl_rng_uniform(&rng) - 0.5);
        double one[3] = {th, 0, 0}, three[3] = {th, ph, la};
        /* gate crz(lambda) a,b { u1(lambda/2) b; cx a,b; u1(-lambda/2) b; cx a,b; } */
        check_body(PL_GATE_CRZ, one,
                   STEPS({"u1", {th / 2}, {1}}, {"cx", {0}, {0, 1}}, {"u1", {-th / 2}, {1}},
                         {"cx", {0}, {0, 1}}),
                   0);
        /* gate cu1(lambda) a,b { u1(lambda/2) a; cx a,b; u1(-lambda/2) b; cx a,b; u1(lambda/2) b; } */
        check_body(PL_GATE_CP, one,
                   STEPS({"u1", {th / 2}, {0}}, {"cx", {0}, {0, 1}}, {"u1", {-th / 2}, {1}},
                         {"cx", {0}, {0, 1}}, {"u1", {th / 2}, {1}}),
                   0);
        /* gate crx(lambda) a,b { u1(pi/2) b; cx a,b; u3(-lambda/2,0,0) b; cx a,b;
         *                        u3(lambda/2,-pi/2,0) b; } */
        check_body(PL_GATE_CRX, one,
                   STEPS({"u1", {pi / 2}, {1}}, {"cx", {0}, {0, 1}}, {"u3", {-th / 2, 0, 0}, {1}},
                         {"cx", {0}, {0, 1}}, {"u3", {th / 2, -pi / 2, 0}, {1}}),
                   0);
        /* gate cry(lambda) a,b { u3(lambda/2,0,0) b; cx a,b; u3(-lambda/2,0,0) b; cx a,b; } */
        check_body(PL_GATE_CRY, one,
                   STEPS({"u3", {th / 2, 0, 0}, {1}}, {"cx", {0}, {0, 1}},
                         {"u3", {-th / 2, 0, 0}, {1}}, {"cx", {0}, {0, 1}}),
                   0);
        /* gate cu3(theta,phi,lambda) c,t { u1((lambda+phi)/2) c; u1((lambda-phi)/2) t;
         *   cx c,t; u3(-theta/2,0,-(phi+lambda)/2) t; cx c,t; u3(theta/2,phi,0) t; } */
        check_body(PL_GATE_CU3, three,
                   STEPS({"u1", {(la + ph) / 2}, {0}}, {"u1", {(la - ph) / 2}, {1}},
                         {"cx", {0}, {0, 1}}, {"u3", {-th / 2, 0, -(ph + la) / 2}, {1}},
                         {"cx", {0}, {0, 1}}, {"u3", {th / 2, ph, 0}, {1}}),
                   0);
        /* gate rzz(theta) a,b { cx a,b; u1(theta) b; cx a,b; }  (global phase e^{−iθ/2}) */
        check_body(PL_GATE_RZZ, one,
                   STEPS({"cx", {0}, {0, 1}}, {"u1", {th}, {1}}, {"cx", {0}, {0, 1}}), 1);
        /* gate rxx(theta) a,b { u3(pi/2,theta,0) a; h b; cx a,b; u1(-theta) b; cx a,b; h b;
         *                       u2(-pi,pi-theta) a; }  (up to a global phase) */
        check_body(PL_GATE_RXX, one,
                   STEPS({"u3", {pi / 2, th, 0}, {0}}, {"h", {0}, {1}}, {"cx", {0}, {0, 1}},
                         {"u1", {-th}, {1}}, {"cx", {0}, {0, 1}}, {"h", {0}, {1}},
                         {"u2", {-pi, pi - th}, {0}}),
                   1);
        /* Qiskit: gate ryy(theta) a,b { rx(pi/2) a; rx(pi/2) b; cx a,b; rz(theta) b; cx a,b;
         *                               rx(-pi/2) a; rx(-pi/2) b; } */
        check_body(PL_GATE_RYY, one,
                   STEPS({"rx", {pi / 2}, {0}}, {"rx", {pi / 2}, {1}}, {"cx", {0}, {0, 1}},
                         {"rz", {th}, {1}}, {"cx", {0}, {0, 1}}, {"rx", {-pi / 2}, {0}},
                         {"rx", {-pi / 2}, {1}}),
                   0);
    }
}

/* ------------------------------------------------------------------------ */
/* pl_gate_controlled_base                                                  */
/* ------------------------------------------------------------------------ */

static void test_gate_controlled_base(void **state) {
    (void)state;
    static const struct {
        pl_gate_t g, base;
        int controls;
    } ctl[] = {
        {PL_GATE_CX, PL_GATE_X, 1},   {PL_GATE_CY, PL_GATE_Y, 1},   {PL_GATE_CZ, PL_GATE_Z, 1},
        {PL_GATE_CH, PL_GATE_H, 1},   {PL_GATE_CSX, PL_GATE_SX, 1}, {PL_GATE_CRX, PL_GATE_RX, 1},
        {PL_GATE_CRY, PL_GATE_RY, 1}, {PL_GATE_CRZ, PL_GATE_RZ, 1}, {PL_GATE_CP, PL_GATE_P, 1},
        {PL_GATE_CU3, PL_GATE_U3, 1}, {PL_GATE_CCX, PL_GATE_X, 2},  {PL_GATE_MCX, PL_GATE_X, -1},
    };
    size_t nctl = sizeof ctl / sizeof ctl[0];
    for (int gi = 0; gi < PL_GATE_COUNT; gi++) {
        pl_gate_t base = PL_GATE_COUNT;
        bool is = pl_gate_controlled_base((pl_gate_t)gi, &base);
        int row = -1;
        for (size_t i = 0; i < nctl; i++)
            if ((int)ctl[i].g == gi) row = (int)i;
        const char *name = pl_gate_info((pl_gate_t)gi)->name;
        if (row < 0) {
            if (is) test_fail("%s reported as controlled (base %d)", name, (int)base);
            continue;
        }
        if (!is || base != ctl[row].base)
            test_fail("%s: controlled base %d (found %d), expected %d", name, (int)base, (int)is,
                      (int)ctl[row].base);
        if (ctl[row].controls < 0) continue;
        /* Matrix of the controlled gate = controlled(matrix of the base). */
        double angles[3] = {0.7, -1.3, 2.9};
        double complex bm[4], gm[64];
        ASSERT_OK(pl_gate_matrix(base, angles, bm));
        ASSERT_OK(pl_gate_matrix((pl_gate_t)gi, angles, gm));
        double complex *want = dense_controlled(bm, 1, ctl[row].controls);
        size_t d = (size_t)1 << (ctl[row].controls + 1);
        double err = dense_max_diff(gm, want, d * d);
        free(want);
        if (!(err < 1e-15))
            test_fail("%s != controlled(%s): %.3g", name, pl_gate_info(base)->name, err);
    }
}

/* ------------------------------------------------------------------------ */
/* dense_run_circuit (used by the conformance tests) against the library    */
/* ------------------------------------------------------------------------ */

static void test_dense_run_circuit_matches_library(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 5);
    for (int n = 1; n <= 6; n++) {
        pl_circuit_t *c = NULL;
        ASSERT_OK(pl_circuit_create(n, &c));
        /* Every named kind that fits, with symbolic angles a·θ[k] + b. */
        for (int gi = 0; gi < NAMED_COUNT; gi++) {
            pl_gate_t g = (pl_gate_t)gi;
            int k = pl_gate_info(g)->qubits;
            if (k > n) continue;
            int qs[3];
            test_random_qubits(&rng, n, k, qs);
            pl_angle_t ang[3];
            for (int a = 0; a < 3; a++)
                ang[a] = (pl_angle_t){pl_rng_normal(&rng), (int)pl_rng_below(&rng, 3) - 1,
                                      pl_rng_normal(&rng)};
            if (pl_circuit_add_sym(c, g, qs, k, ang) != PL_OK)
                test_fail("add %s: %s", pl_gate_info(g)->name, pl_error_message());
        }
        double complex u[16];
        int q0 = (int)pl_rng_below(&rng, (uint64_t)n);
        dense_random_unitary(2, &rng, u);
        ASSERT_OK(pl_circuit_add_unitary(c, &q0, 1, u));
        if (n >= 2) {
            int q2[2] = {n - 1, 0};
            dense_random_unitary(4, &rng, u);
            ASSERT_OK(pl_circuit_add_unitary(c, q2, 2, u));
        }
        for (int nc = 0; nc < n && nc <= 3; nc++) {
            int mq[4]; /* nc controls, then the target */
            test_random_qubits(&rng, n, nc + 1, mq);
            dense_random_unitary(2, &rng, u);
            ASSERT_OK(pl_circuit_add_mcu(c, mq, nc, mq[nc], u));
            if (nc >= 1) ASSERT_OK(pl_circuit_add(c, PL_GATE_MCX, mq, nc + 1, NULL));
        }
        pl_pauli_t *p = NULL;
        ASSERT_OK(pl_pauli_create(n, &p));
        for (int q = 0; q < n; q++) pl_pauli_set(p, q, (pl_pauli_op_t)(1 + (q + n) % 3));
        ASSERT_OK(pl_circuit_add_pauli_rot(c, p, (pl_angle_t){-0.5, 1, 0.2}));
        pl_pauli_destroy(p);

        double theta[2] = {pl_rng_normal(&rng), pl_rng_normal(&rng)};
        size_t dim = (size_t)1 << n;
        double complex *psi = dense_zeros(dim);
        dense_random_state(n, &rng, psi);
        pl_sv_t *sv = NULL;
        ASSERT_OK(pl_sv_create(n, &sv));
        memcpy(pl_sv_data(sv), psi, dim * sizeof *psi);
        assert_int_equal(dense_run_circuit(c, theta, psi), 0);
        ASSERT_OK(pl_circuit_apply(c, theta, sv));
        double err = dense_max_diff(pl_sv_data_const(sv), psi, dim);
        size_t ops = pl_circuit_size(c);
        pl_sv_destroy(sv);
        free(psi);
        pl_circuit_destroy(c);
        if (!(err < 1e-12))
            test_fail("n=%d (%zu ops, seed %u): dense_run_circuit vs pl_circuit_apply %.3g", n, ops,
                      SEED, err);
    }
    /* Registers beyond the dense range are refused. */
    pl_circuit_t *big = NULL;
    ASSERT_OK(pl_circuit_create(DENSE_MAX_QUBITS + 1, &big));
    double complex one = 1.0;
    assert_int_equal(dense_run_circuit(big, NULL, &one), -1);
    pl_circuit_destroy(big);
}

/* The runner checks once, before any kernel runs: the state's size, then a
 * shifted angle (the one value not checked when binding), with the messages
 * pl_sv_apply_gate and pl_sv_apply_pauli_rot give for a non-finite angle,
 * prefixed by the operation. */
static void test_run_errors_name_the_operation(void **state) {
    (void)state;
    pl_circuit_t *c;
    pl_sv_t *sv, *small;
    pl_pauli_t *p;
    const int q01[2] = {0, 1};
    const double a = 0.3;
    assert_int_equal(pl_circuit_create(2, &c), PL_OK);
    assert_int_equal(pl_circuit_add(c, PL_GATE_RX, q01, 1, &a), PL_OK);
    assert_int_equal(pl_pauli_parse("X0 Y1", 2, &p), PL_OK);
    assert_int_equal(pl_circuit_add_pauli_rot(c, p, pl_angle_const(a)), PL_OK);
    assert_int_equal(pl_sv_create(2, &sv), PL_OK);
    assert_int_equal(pl_sv_create(1, &small), PL_OK);
    assert_int_equal(pl_circuit_apply(c, NULL, small), PL_EINVAL);
    assert_non_null(strstr(pl_error_message(), "circuit on 2 qubits applied to a 1-qubit state"));
    assert_int_equal(pl_circuit_apply_shifted(c, NULL, 0, 0, INFINITY, sv), PL_EINVAL);
    assert_non_null(strstr(pl_error_message(), "operation 0 (rx)"));
    assert_non_null(strstr(pl_error_message(), "gate rx: angle 0 is not finite (inf)"));
    assert_int_equal(pl_circuit_apply_shifted(c, NULL, 1, 0, -INFINITY, sv), PL_EINVAL);
    assert_non_null(strstr(pl_error_message(), "operation 1 (pauli_rot)"));
    assert_non_null(strstr(pl_error_message(), "Pauli rotation angle is not finite (-inf)"));
    assert_int_equal(pl_circuit_apply_shifted(c, NULL, 1, 0, 0.5, sv), PL_OK);
    pl_sv_destroy(small);
    pl_sv_destroy(sv);
    pl_pauli_destroy(p);
    pl_circuit_destroy(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dense_reference_conventions),
        cmocka_unit_test(test_gate_info_counts),
        cmocka_unit_test(test_gate_lookup_names_and_aliases),
        cmocka_unit_test(test_gate_lookup_unknown),
        cmocka_unit_test(test_gate_matrix_vs_textbook),
        cmocka_unit_test(test_gate_matrix_errors),
        cmocka_unit_test(test_gate_qelib1_identities),
        cmocka_unit_test(test_gate_qelib1_bodies),
        cmocka_unit_test(test_gate_controlled_base),
        cmocka_unit_test(test_dense_run_circuit_matches_library),
        cmocka_unit_test(test_run_errors_name_the_operation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
