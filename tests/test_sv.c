/*
 * The state-vector simulator (include/plateau/sv.h) against the dense
 * reference of tests/support/dense.c and against closed forms (GHZ, QFT).
 * Every random case uses a fixed seed, printed with the case on failure.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include <complex.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dense.h"
#include "plateau/core.h"
#include "plateau/pauli.h"
#include "plateau/sv.h"

#define SEED 314159u
#define TOL 1e-12

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

static pl_sv_t *sv_new(int n) {
    pl_sv_t *sv = NULL;
    ASSERT_OK(pl_sv_create(n, &sv));
    return sv;
}

static pl_sv_t *sv_from(int n, const double complex *psi) {
    pl_sv_t *sv = sv_new(n);
    memcpy(pl_sv_data(sv), psi, pl_sv_dim(sv) * sizeof *psi);
    return sv;
}

static pl_pauli_t *pauli_from(int n, const char *letters) {
    pl_pauli_t *p = NULL;
    ASSERT_OK(pl_pauli_create(n, &p));
    for (int q = 0; q < n; q++) {
        pl_pauli_op_t op = letters[q] == 'X'   ? PL_X
                           : letters[q] == 'Y' ? PL_Y
                           : letters[q] == 'Z' ? PL_Z
                                               : PL_I;
        pl_pauli_set(p, q, op);
    }
    return p;
}

static void random_letters(pl_rng_t *rng, int n, const char *alphabet, char *letters) {
    size_t k = strlen(alphabet);
    for (int q = 0; q < n; q++) letters[q] = alphabet[pl_rng_below(rng, k)];
    letters[n] = '\0';
}

static double random_angle(pl_rng_t *rng) {
    return 4 * PL_PI * (pl_rng_uniform(rng) - 0.5);
}

/* A Pauli sum given as letters and coefficients, built both ways. */
enum { MAX_TERMS = 64 };
typedef struct {
    int n;
    int count;
    char letters[MAX_TERMS][16];
    double complex coef[MAX_TERMS];
} terms_t;

static void terms_add(terms_t *t, const char *letters, double complex c) {
    assert_true(t->count < MAX_TERMS);
    snprintf(t->letters[t->count], sizeof t->letters[0], "%s", letters);
    t->coef[t->count++] = c;
}

static pl_pauli_sum_t *terms_sum(const terms_t *t) {
    pl_pauli_sum_t *s = NULL;
    ASSERT_OK(pl_pauli_sum_create(t->n, &s));
    for (int k = 0; k < t->count; k++) {
        pl_pauli_t *p = pauli_from(t->n, t->letters[k]);
        ASSERT_OK(pl_pauli_sum_add(s, p, t->coef[k]));
        pl_pauli_destroy(p);
    }
    return s;
}

static double complex *terms_dense(const terms_t *t) {
    const char *ptr[MAX_TERMS];
    for (int k = 0; k < t->count; k++) ptr[k] = t->letters[k];
    return dense_pauli_sum_matrix_str(t->n, (size_t)t->count, ptr, t->coef);
}

/* ------------------------------------------------------------------------ */
/* Creation and accessors                                                   */
/* ------------------------------------------------------------------------ */

static void test_create_and_copy(void **state) {
    (void)state;
    for (int n = 1; n <= 6; n++) {
        pl_sv_t *sv = sv_new(n);
        assert_int_equal(pl_sv_qubits(sv), n);
        assert_int_equal(pl_sv_dim(sv), (size_t)1 << n);
        assert_int_equal((uintptr_t)pl_sv_data(sv) % 64, 0);
        assert_true(pl_sv_data_const(sv) == pl_sv_data(sv));
        const double complex *a = pl_sv_data_const(sv);
        assert_true(a[0] == 1.0);
        for (size_t i = 1; i < pl_sv_dim(sv); i++) assert_true(a[i] == 0.0);
        uint64_t last = pl_sv_dim(sv) - 1;
        ASSERT_OK(pl_sv_set_basis(sv, last));
        for (size_t i = 0; i < pl_sv_dim(sv); i++) assert_true(a[i] == (i == last ? 1.0 : 0.0));
        assert_int_equal(pl_sv_set_basis(sv, last + 1), PL_EINVAL);
        pl_sv_t *c = NULL;
        ASSERT_OK(pl_sv_clone(sv, &c));
        assert_true(pl_sv_data(c) != pl_sv_data(sv));
        assert_memory_equal(pl_sv_data(c), a, pl_sv_dim(sv) * sizeof *a);
        pl_sv_t *other = sv_new(n);
        ASSERT_OK(pl_sv_copy(other, sv));
        assert_memory_equal(pl_sv_data(other), a, pl_sv_dim(sv) * sizeof *a);
        pl_sv_t *bigger = sv_new(n + 1);
        assert_int_equal(pl_sv_copy(bigger, sv), PL_EINVAL);
        assert_true(strlen(pl_error_message()) > 0);
        pl_sv_destroy(bigger);
        pl_sv_destroy(other);
        pl_sv_destroy(c);
        pl_sv_destroy(sv);
    }
    pl_sv_destroy(NULL);
}

/* ------------------------------------------------------------------------ */
/* Random circuits against the dense reference                              */
/* ------------------------------------------------------------------------ */

typedef enum { OP_GATE, OP_1Q, OP_2Q, OP_MC1Q, OP_PAULI_ROT, OP_PAULI, OP_KINDS } op_kind_t;

/* Apply one random operation to both; describe it in @p what. */
static void random_op(pl_rng_t *rng, int n, pl_sv_t *sv, double complex *psi, char *what,
                      size_t cap) {
    op_kind_t kind = (op_kind_t)pl_rng_below(rng, OP_KINDS);
    if (n < 2 && (kind == OP_2Q || kind == OP_MC1Q)) kind = OP_1Q;
    int qs[8];
    double complex u[16];
    switch (kind) {
        case OP_GATE: {
            pl_gate_t g;
            do g = (pl_gate_t)pl_rng_below(rng, PL_GATE_MCX);
            while (pl_gate_info(g)->qubits > n);
            int k = pl_gate_info(g)->qubits;
            double angles[3] = {random_angle(rng), random_angle(rng), random_angle(rng)};
            test_random_qubits(rng, n, k, qs);
            snprintf(what, cap, "gate %s q(%d,%d,%d) angles (%.17g, %.17g, %.17g)",
                     pl_gate_info(g)->name, qs[0], k > 1 ? qs[1] : -1, k > 2 ? qs[2] : -1,
                     angles[0], angles[1], angles[2]);
            ASSERT_OK(pl_sv_apply_gate(sv, g, qs, angles));
            int kd = 0;
            double complex *m = dense_gate_matrix(dense_gate_name(g), angles, &kd);
            assert_int_equal(kd, k);
            dense_apply(n, psi, m, k, qs);
            free(m);
            break;
        }
        case OP_1Q:
            test_random_qubits(rng, n, 1, qs);
            dense_random_unitary(2, rng, u);
            snprintf(what, cap, "apply_1q q%d", qs[0]);
            ASSERT_OK(pl_sv_apply_1q(sv, qs[0], u));
            dense_apply(n, psi, u, 1, qs);
            break;
        case OP_2Q:
            test_random_qubits(rng, n, 2, qs);
            dense_random_unitary(4, rng, u);
            snprintf(what, cap, "apply_2q q(%d,%d)", qs[0], qs[1]);
            ASSERT_OK(pl_sv_apply_2q(sv, qs[0], qs[1], u));
            dense_apply(n, psi, u, 2, qs);
            break;
        case OP_MC1Q: {
            int nc = 1 + (int)pl_rng_below(rng, (uint64_t)(n - 1 < 3 ? n - 1 : 3));
            test_random_qubits(rng, n, nc + 1, qs); /* controls qs[0..nc), target qs[nc] */
            dense_random_unitary(2, rng, u);
            snprintf(what, cap, "apply_mc1q %d controls (%d,%d,%d) target %d", nc, qs[0],
                     nc > 1 ? qs[1] : -1, nc > 2 ? qs[2] : -1, qs[nc]);
            ASSERT_OK(pl_sv_apply_mc1q(sv, qs, nc, qs[nc], u));
            double complex *m = dense_controlled(u, 1, nc);
            dense_apply(n, psi, m, nc + 1, qs);
            free(m);
            break;
        }
        case OP_PAULI_ROT:
        case OP_PAULI: {
            char letters[16];
            random_letters(rng, n, "IXYZ", letters);
            pl_pauli_t *p = pauli_from(n, letters);
            char back[16];
            dense_pauli_letters(p, back);
            assert_string_equal(back, letters); /* the documented x/z encoding */
            double complex *m;
            if (kind == OP_PAULI_ROT) {
                double th = random_angle(rng);
                snprintf(what, cap, "apply_pauli_rot %s θ=%.17g", letters, th);
                ASSERT_OK(pl_sv_apply_pauli_rot(sv, p, th));
                m = dense_pauli_rot_matrix_str(n, letters, th);
            } else {
                snprintf(what, cap, "apply_pauli %s", letters);
                ASSERT_OK(pl_sv_apply_pauli(sv, p));
                m = dense_pauli_matrix_str(n, letters);
            }
            dense_apply_full(n, psi, m);
            free(m);
            pl_pauli_destroy(p);
            break;
        }
        default: fail();
    }
}

static void test_random_circuits_vs_dense(void **state) {
    (void)state;
    for (int n = 1; n <= 8; n++) {
        int circuits = n <= 5 ? 4 : n <= 7 ? 2 : 1;
        int steps = n <= 5 ? 40 : 25;
        for (int c = 0; c < circuits; c++) {
            pl_rng_t rng;
            uint64_t stream = (uint64_t)(100 * n + c);
            pl_rng_seed(&rng, SEED, stream);
            size_t dim = (size_t)1 << n;
            double complex *psi = dense_zeros(dim);
            dense_random_state(n, &rng, psi);
            pl_sv_t *sv = sv_from(n, psi);
            for (int s = 0; s < steps; s++) {
                char what[256];
                random_op(&rng, n, sv, psi, what, sizeof what);
                double err = dense_max_diff(pl_sv_data_const(sv), psi, dim);
                if (!(err < TOL)) {
                    free(psi);
                    pl_sv_destroy(sv);
                    test_fail("seed %u stream %llu, n=%d, step %d (%s): max |sv − dense| = %.3g",
                              SEED, (unsigned long long)stream, n, s, what, err);
                }
            }
            free(psi);
            pl_sv_destroy(sv);
        }
    }
}

/* Every named gate on every ordered choice of qubits of a 3-qubit register
 * (and 4 for the 3-qubit gates), from a random state. */
static void test_every_gate_every_placement(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 7);
    const int n = 4;
    const size_t dim = 16;
    for (int gi = 0; gi < PL_GATE_MCX; gi++) {
        pl_gate_t g = (pl_gate_t)gi;
        int k = pl_gate_info(g)->qubits;
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
                for (int c = 0; c < n; c++) {
                    int qs[3] = {a, b, c};
                    if ((k > 1 && a == b) || (k > 2 && (c == a || c == b))) continue;
                    if ((k < 2 && b > 0) || (k < 3 && c > 0)) continue;
                    double angles[3] = {random_angle(&rng), random_angle(&rng), random_angle(&rng)};
                    double complex psi[16];
                    dense_random_state(n, &rng, psi);
                    pl_sv_t *sv = sv_from(n, psi);
                    ASSERT_OK(pl_sv_apply_gate(sv, g, qs, angles));
                    int kd;
                    double complex *m = dense_gate_matrix(dense_gate_name(g), angles, &kd);
                    dense_apply(n, psi, m, k, qs);
                    free(m);
                    double err = dense_max_diff(pl_sv_data_const(sv), psi, dim);
                    pl_sv_destroy(sv);
                    if (!(err < TOL))
                        test_fail("gate %s on (%d,%d,%d) angles (%.17g,%.17g,%.17g): err %.3g",
                                  pl_gate_info(g)->name, a, b, c, angles[0], angles[1], angles[2],
                                  err);
                }
    }
}

/* psi ← (controlled) u on target, by index arithmetic (control < 0: none). */
static void ref_apply_1q(int n, double complex *psi, const double complex u[4], int control,
                         int target) {
    const size_t dim = (size_t)1 << n, t = (size_t)1 << target;
    for (size_t i = 0; i < dim; i++) {
        if (i & t) continue;
        if (control >= 0 && !(i >> control & 1)) continue;
        const double complex a = psi[i], b = psi[i | t];
        psi[i] = u[0] * a + u[1] * b;
        psi[i | t] = u[2] * a + u[3] * b;
    }
}

/* One-qubit gates on states of several tiles (n = 12, 13: the tiled, low-qubit,
 * diagonal and real-matrix paths of the kernels), every qubit, controlled and
 * not, against the dense reference. */
static void test_one_qubit_kernels_large(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 11);
    for (int n = 12; n <= 13; n++) {
        const size_t dim = (size_t)1 << n;
        double complex *psi = dense_zeros(dim);
        dense_random_state(n, &rng, psi);
        pl_sv_t *sv = sv_from(n, psi);
        const char *names[] = {"h", "ry", "rz", "u3", "x", "s", "crx", "cry", "cp"};
        for (size_t g = 0; g < sizeof names / sizeof *names; g++)
            for (int q = 0; q < n; q++) {
                pl_gate_t gate;
                assert_true(pl_gate_lookup(names[g], &gate));
                const int k = pl_gate_info(gate)->qubits;
                int qs[2] = {k == 2 ? (q + 5) % n : q, q};
                double angles[3] = {random_angle(&rng), random_angle(&rng), random_angle(&rng)};
                ASSERT_OK(pl_sv_apply_gate(sv, gate, qs, angles));
                /* The 2x2 block: the gate's own matrix, or its base's for the
                 * controlled ones (from the test's dense gate table). */
                int kd;
                double complex *m = dense_gate_matrix(names[g], angles, &kd);
                double complex u[4];
                if (k == 1) {
                    memcpy(u, m, sizeof u);
                } else { /* rows/cols with the control (bit 0 of the index) set */
                    u[0] = m[1 * 4 + 1], u[1] = m[1 * 4 + 3];
                    u[2] = m[3 * 4 + 1], u[3] = m[3 * 4 + 3];
                }
                free(m);
                ref_apply_1q(n, psi, u, k == 2 ? qs[0] : -1, q);
                double err = dense_max_diff(pl_sv_data_const(sv), psi, dim);
                if (!(err < TOL))
                    test_fail("n=%d gate %s on qubit %d (seed %u): err %.3g", n, names[g], q, SEED,
                              err);
            }
        free(psi);
        pl_sv_destroy(sv);
    }
}

/* ------------------------------------------------------------------------ */
/* Closed forms                                                             */
/* ------------------------------------------------------------------------ */

static void test_ghz_closed_form(void **state) {
    (void)state;
    const int sizes[] = {1, 2, 3, 5, 9, 14, 20};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        int n = sizes[i];
        pl_sv_t *sv = sv_new(n);
        int q0 = 0;
        ASSERT_OK(pl_sv_apply_gate(sv, PL_GATE_H, &q0, NULL));
        for (int q = 0; q + 1 < n; q++) {
            int qs[2] = {q, q + 1};
            ASSERT_OK(pl_sv_apply_gate(sv, PL_GATE_CX, qs, NULL));
        }
        const double complex *a = pl_sv_data_const(sv);
        size_t dim = pl_sv_dim(sv);
        double r = 1.0 / sqrt(2.0), worst = 0.0;
        for (size_t j = 0; j < dim; j++) {
            double want = (j == 0 || j == dim - 1) ? r : 0.0;
            double e = cabs(a[j] - want);
            if (e > worst) worst = e;
        }
        pl_sv_destroy(sv);
        if (!(worst < 1e-14)) test_fail("GHZ on %d qubits: max error %.3g", n, worst);
    }
}

/* QFT from H and controlled phases, then the reversing swaps:
 * |j⟩ ↦ (1/√N) Σ_k e^{2πi jk/N} |k⟩ with qubit 0 the least significant bit. */
static void apply_qft(pl_sv_t *sv, int n) {
    for (int t = n - 1; t >= 0; t--) {
        ASSERT_OK(pl_sv_apply_gate(sv, PL_GATE_H, &t, NULL));
        for (int c = t - 1; c >= 0; c--) {
            int qs[2] = {c, t};
            double angle = PL_PI / (double)(UINT64_C(1) << (t - c));
            ASSERT_OK(pl_sv_apply_gate(sv, PL_GATE_CP, qs, &angle));
        }
    }
    for (int q = 0; q < n / 2; q++) {
        int qs[2] = {q, n - 1 - q};
        ASSERT_OK(pl_sv_apply_gate(sv, PL_GATE_SWAP, qs, NULL));
    }
}

static void test_qft_closed_form(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 8);
    for (int n = 1; n <= 12; n++) {
        uint64_t dim = UINT64_C(1) << n;
        uint64_t js[4] = {0, 1, dim - 1, pl_rng_below(&rng, dim)};
        for (int i = 0; i < 4; i++) {
            uint64_t j = js[i];
            pl_sv_t *sv = sv_new(n);
            ASSERT_OK(pl_sv_set_basis(sv, j));
            apply_qft(sv, n);
            const double complex *a = pl_sv_data_const(sv);
            double worst = 0.0;
            for (uint64_t k = 0; k < dim; k++) {
                uint64_t jk = (j * k) % dim; /* exact phase index */
                double complex want =
                    cexp(2 * PL_PI * I * (double)jk / (double)dim) / sqrt((double)dim);
                double e = cabs(a[k] - want);
                if (e > worst) worst = e;
            }
            pl_sv_destroy(sv);
            if (!(worst < 1e-12))
                test_fail("QFT n=%d |%llu⟩: max error %.3g", n, (unsigned long long)j, worst);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Norms, inner products, probabilities                                     */
/* ------------------------------------------------------------------------ */

static void test_norm_inner_normalize(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 9);
    for (int n = 1; n <= 10; n++) {
        size_t dim = (size_t)1 << n;
        double complex *x = dense_zeros(dim), *y = dense_zeros(dim);
        dense_random_state(n, &rng, x);
        dense_random_state(n, &rng, y);
        double scale = 0.3 + 3 * pl_rng_uniform(&rng);
        for (size_t i = 0; i < dim; i++) x[i] *= scale;
        pl_sv_t *a = sv_from(n, x), *b = sv_from(n, y);
        double want = dense_norm2(x, dim);
        if (!(fabs(pl_sv_norm2(a) - want) < 1e-13 * want))
            test_fail("norm2 n=%d: %.17g vs %.17g", n, pl_sv_norm2(a), want);
        double complex ip;
        ASSERT_OK(pl_sv_inner(a, b, &ip));
        double complex ip_ref = dense_inner(x, y, dim);
        if (!(cabs(ip - ip_ref) < 1e-13 * scale)) test_fail("inner n=%d differs", n);
        ASSERT_OK(pl_sv_inner(b, a, &ip));
        assert_true(cabs(ip - conj(ip_ref)) < 1e-13 * scale);
        ASSERT_OK(pl_sv_normalize(a));
        assert_true(fabs(pl_sv_norm2(a) - 1.0) < 1e-14);
        for (size_t i = 0; i < dim; i++) x[i] /= sqrt(want);
        assert_true(dense_max_diff(pl_sv_data_const(a), x, dim) < 1e-14);

        double *probs = malloc(dim * sizeof *probs);
        ASSERT_OK(pl_sv_probabilities(a, probs));
        double total = 0.0;
        for (size_t i = 0; i < dim; i++) {
            double w = creal(x[i]) * creal(x[i]) + cimag(x[i]) * cimag(x[i]);
            if (!(fabs(probs[i] - w) < 1e-15)) test_fail("probability %zu of n=%d", i, n);
            total += probs[i];
        }
        assert_true(fabs(total - 1.0) < 1e-13);
        free(probs);
        free(x);
        free(y);
        pl_sv_destroy(a);
        pl_sv_destroy(b);
    }
    /* Zero vector, size mismatch. */
    pl_sv_t *z = sv_new(3), *w = sv_new(4);
    memset(pl_sv_data(z), 0, 8 * sizeof(double complex));
    assert_true(pl_sv_norm2(z) == 0.0);
    assert_int_equal(pl_sv_normalize(z), PL_EINVAL);
    assert_true(strlen(pl_error_message()) > 0);
    double complex ip;
    assert_int_equal(pl_sv_inner(z, w, &ip), PL_EINVAL);
    test_expect_contains(pl_error_message(), "3");
    pl_sv_destroy(z);
    pl_sv_destroy(w);
}

/* ------------------------------------------------------------------------ */
/* Expectation values                                                       */
/* ------------------------------------------------------------------------ */

static void test_expval_pauli_vs_dense(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 10);
    for (int n = 1; n <= 8; n++) {
        size_t dim = (size_t)1 << n;
        double complex *psi = dense_zeros(dim);
        dense_random_state(n, &rng, psi);
        double scale = n % 2 ? 1.0 : 1.7; /* unnormalised states too */
        for (size_t i = 0; i < dim; i++) psi[i] *= scale;
        pl_sv_t *sv = sv_from(n, psi);
        for (int t = 0; t < 24; t++) {
            char letters[16];
            random_letters(&rng, n, t == 0 ? "I" : "IXYZ", letters);
            pl_pauli_t *p = pauli_from(n, letters);
            double got;
            ASSERT_OK(pl_sv_expval_pauli(sv, p, &got));
            double complex *m = dense_pauli_matrix_str(n, letters);
            double complex want = dense_expval(n, psi, m);
            double complex direct = dense_pauli_expval_direct(n, psi, letters);
            free(m);
            pl_pauli_destroy(p);
            assert_true(cabs(direct - want) < 1e-12); /* the two references agree */
            if (!(fabs(got - creal(want)) < TOL * scale * scale))
                test_fail("expval_pauli seed %u n=%d %s: %.17g vs %.17g", SEED, n, letters, got,
                          creal(want));
        }
        free(psi);
        pl_sv_destroy(sv);
    }
}

typedef enum { SUM_SHARED_XY, SUM_DIAGONAL, SUM_COMPLEX, SUM_KINDS } sum_kind_t;

static void random_terms(pl_rng_t *rng, int n, sum_kind_t kind, terms_t *t) {
    memset(t, 0, sizeof *t);
    t->n = n;
    char letters[16];
    if (kind == SUM_SHARED_XY) {
        /* A few X/Y supports, each carrying many terms that differ in X vs Y
         * on the support and in I vs Z off it. */
        for (int pattern = 0; pattern < 3; pattern++) {
            uint64_t mask = pl_rng_below(rng, UINT64_C(1) << n);
            for (int k = 0; k < 12; k++) {
                for (int q = 0; q < n; q++)
                    letters[q] =
                        (mask >> q) & 1 ? "XY"[pl_rng_below(rng, 2)] : "IZ"[pl_rng_below(rng, 2)];
                letters[n] = '\0';
                terms_add(t, letters, pl_rng_normal(rng));
            }
        }
        terms_add(t, letters, 0.25); /* a repeated string merges */
    } else {
        int count = kind == SUM_DIAGONAL ? 20 : 30;
        for (int k = 0; k < count; k++) {
            random_letters(rng, n, kind == SUM_DIAGONAL ? "IZ" : "IXYZ", letters);
            double complex c = pl_rng_normal(rng);
            if (kind == SUM_COMPLEX) c += I * pl_rng_normal(rng);
            terms_add(t, letters, c);
        }
    }
    memset(letters, 'I', (size_t)n);
    letters[n] = '\0';
    terms_add(t, letters, kind == SUM_COMPLEX ? 0.5 - 0.25 * I : -1.5); /* identity term */
}

static void test_expval_sum_vs_dense(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 11);
    for (int n = 1; n <= 8; n++)
        for (int kind = 0; kind < SUM_KINDS; kind++) {
            size_t dim = (size_t)1 << n;
            double complex *psi = dense_zeros(dim);
            dense_random_state(n, &rng, psi);
            double scale = kind == SUM_DIAGONAL ? 0.8 : 1.0;
            for (size_t i = 0; i < dim; i++) psi[i] *= scale;
            terms_t t;
            random_terms(&rng, n, (sum_kind_t)kind, &t);
            pl_pauli_sum_t *h = terms_sum(&t);
            double complex *hm = terms_dense(&t);
            double complex *hm_lib = dense_pauli_sum_matrix(h); /* read back through the sum */
            assert_true(dense_max_diff(hm, hm_lib, dim * dim) < 1e-13);
            double bound = 0.0;
            for (int k = 0; k < t.count; k++) bound += cabs(t.coef[k]);
            pl_sv_t *sv = sv_from(n, psi);
            double complex got;
            ASSERT_OK(pl_sv_expval_sum(sv, h, &got));
            double complex want = dense_expval(n, psi, hm);
            if (!(cabs(got - want) < TOL * (1 + bound)))
                test_fail("expval_sum seed %u n=%d kind %d (%d terms): (%.17g%+.17gi) vs "
                          "(%.17g%+.17gi)",
                          SEED, n, kind, t.count, creal(got), cimag(got), creal(want), cimag(want));
            /* The state is not modified. */
            assert_true(dense_max_diff(pl_sv_data_const(sv), psi, dim) == 0.0);
            free(hm);
            free(hm_lib);
            free(psi);
            pl_pauli_sum_destroy(h);
            pl_sv_destroy(sv);
        }
    /* The empty sum is zero. */
    pl_sv_t *sv = sv_new(2);
    pl_pauli_sum_t *empty = NULL;
    ASSERT_OK(pl_pauli_sum_create(2, &empty));
    double complex got = 1.0;
    ASSERT_OK(pl_sv_expval_sum(sv, empty, &got));
    assert_true(got == 0.0);
    pl_pauli_sum_destroy(empty);
    pl_sv_destroy(sv);
}

/* Registers beyond the dense range: X/Y supports that cross the high bits,
 * checked term by term against the amplitude formula. */
static void test_expval_large_registers(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 12);
    const int sizes[] = {9, 11, 13};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        int n = sizes[i];
        size_t dim = (size_t)1 << n;
        double complex *psi = dense_zeros(dim);
        dense_random_state(n, &rng, psi);
        pl_sv_t *sv = sv_from(n, psi);
        terms_t t;
        random_terms(&rng, n, SUM_SHARED_XY, &t);
        terms_add(&t, n == 9 ? "XIIIIIIIY" : n == 11 ? "IIIIIIIIIIX" : "ZYIIIIIIIIIIX", 0.75);
        double complex want = 0.0;
        for (int k = 0; k < t.count; k++) {
            double complex e = dense_pauli_expval_direct(n, psi, t.letters[k]);
            want += t.coef[k] * e;
            pl_pauli_t *p = pauli_from(n, t.letters[k]);
            double got1;
            ASSERT_OK(pl_sv_expval_pauli(sv, p, &got1));
            pl_pauli_destroy(p);
            if (!(fabs(got1 - creal(e)) < TOL))
                test_fail("expval_pauli n=%d %s: %.17g vs %.17g", n, t.letters[k], got1, creal(e));
        }
        pl_pauli_sum_t *h = terms_sum(&t);
        double complex got;
        ASSERT_OK(pl_sv_expval_sum(sv, h, &got));
        if (!(cabs(got - want) < 1e-11))
            test_fail("expval_sum n=%d: (%.17g%+.17gi) vs (%.17g%+.17gi)", n, creal(got),
                      cimag(got), creal(want), cimag(want));
        pl_pauli_sum_destroy(h);
        pl_sv_destroy(sv);
        free(psi);
    }
}

/* ------------------------------------------------------------------------ */
/* Sampling                                                                 */
/* ------------------------------------------------------------------------ */

static void test_sample_chi_square(void **state) {
    (void)state;
    enum { SHOTS = 20000 };
    uint64_t *outcomes = malloc(SHOTS * sizeof *outcomes);
    const int sizes[] = {1, 3, 5};
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        int n = sizes[si];
        size_t dim = (size_t)1 << n;
        pl_rng_t rng;
        pl_rng_seed(&rng, SEED, 13 + si);
        double complex *psi = dense_zeros(dim);
        dense_random_state(n, &rng, psi);
        pl_sv_t *sv = sv_from(n, psi);
        for (int b = 0; b < 5; b++) {
            char basis[16];
            if (b == 0) {
                memset(basis, 'Z', (size_t)n), basis[n] = '\0';
            } else {
                random_letters(&rng, n, "XYZ", basis);
            }
            pl_rng_t srng;
            pl_rng_seed(&srng, SEED + 1, (uint64_t)(10 * si + b));
            ASSERT_OK(pl_sv_sample(sv, b == 0 && n == 3 ? NULL : basis, SHOTS, &srng, outcomes));
            uint64_t counts[32] = {0};
            for (int s = 0; s < SHOTS; s++) {
                if (outcomes[s] >= dim)
                    test_fail("outcome %llu for n=%d", (unsigned long long)outcomes[s], n);
                counts[outcomes[s]]++;
            }
            double probs[32], stat;
            int dof;
            dense_basis_probs(n, psi, basis, probs);
            if (!dense_chi2_test(probs, counts, dim, SHOTS, 0.999, &stat, &dof))
                test_fail("sample n=%d basis %s (seed %u stream %d): chi2 %.2f with %d dof", n,
                          basis, SEED + 1, (int)(10 * si + b), stat, dof);
        }
        pl_sv_destroy(sv);
        free(psi);
    }
    free(outcomes);
}

/* Eigenstates give one outcome: bit q = 1 means eigenvalue −1. */
static void test_sample_eigenstates(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 20);
    uint64_t out[64];
    pl_sv_t *sv = sv_new(3);
    int q0 = 0, q1 = 1, q2 = 2;
    ASSERT_OK(pl_sv_set_basis(sv, 5));
    ASSERT_OK(pl_sv_sample(sv, "ZZZ", 64, &rng, out));
    for (int s = 0; s < 64; s++) assert_true(out[s] == 5);
    /* q0 = |−⟩ (X: −1), q1 = |+i⟩ (Y: +1), q2 = |1⟩ (Z: −1) → 0b101. */
    ASSERT_OK(pl_sv_set_basis(sv, 0));
    ASSERT_OK(pl_sv_apply_gate(sv, PL_GATE_X, &q0, NULL));
    ASSERT_OK(pl_sv_apply_gate(sv, PL_GATE_H, &q0, NULL));
    ASSERT_OK(pl_sv_apply_gate(sv, PL_GATE_H, &q1, NULL));
    ASSERT_OK(pl_sv_apply_gate(sv, PL_GATE_S, &q1, NULL));
    ASSERT_OK(pl_sv_apply_gate(sv, PL_GATE_X, &q2, NULL));
    ASSERT_OK(pl_sv_sample(sv, "XYZ", 64, &rng, out));
    for (int s = 0; s < 64; s++) assert_true(out[s] == 5);
    /* q1 = |−i⟩ instead: Y eigenvalue −1 → 0b111. */
    ASSERT_OK(pl_sv_apply_gate(sv, PL_GATE_Z, &q1, NULL));
    ASSERT_OK(pl_sv_sample(sv, "XYZ", 64, &rng, out));
    for (int s = 0; s < 64; s++) assert_true(out[s] == 7);
    /* The state itself is untouched by a rotated-basis sample. */
    pl_sv_t *copy = NULL;
    ASSERT_OK(pl_sv_clone(sv, &copy));
    ASSERT_OK(pl_sv_sample(sv, "XXY", 64, &rng, out));
    assert_memory_equal(pl_sv_data_const(sv), pl_sv_data_const(copy), 8 * sizeof(double complex));
    pl_sv_destroy(copy);
    pl_sv_destroy(sv);
}

static void test_sample_reproducible(void **state) {
    (void)state;
    enum { N = 6, SHOTS = 500 };
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 21);
    double complex psi[1 << N];
    dense_random_state(N, &rng, psi);
    pl_sv_t *sv = sv_from(N, psi);
    uint64_t a[SHOTS], b[SHOTS], c[SHOTS];
    const char *bases[2] = {NULL, "XYZZYX"};
    for (int k = 0; k < 2; k++) {
        pl_rng_t r1, r2, r3;
        pl_rng_seed(&r1, 99, 1);
        pl_rng_seed(&r2, 99, 1);
        pl_rng_seed(&r3, 99, 2);
        ASSERT_OK(pl_sv_sample(sv, bases[k], SHOTS, &r1, a));
        ASSERT_OK(pl_sv_sample(sv, bases[k], SHOTS, &r2, b));
        ASSERT_OK(pl_sv_sample(sv, bases[k], SHOTS, &r3, c));
        assert_memory_equal(a, b, sizeof a);
        assert_memory_not_equal(a, c, sizeof a);
        /* The generator advanced identically. */
        assert_memory_equal(&r1, &r2, sizeof r1);
    }
    pl_sv_destroy(sv);
}

/* ------------------------------------------------------------------------ */
/* Thread-count independence                                                */
/* ------------------------------------------------------------------------ */

typedef struct {
    double norm2, ev_pauli;
    double complex ev_sum, inner;
    double ev_shots;
    double *probs;
    uint64_t *samples;
    double complex *amps;
} run_result_t;

enum { THREAD_N = 14, THREAD_SHOTS = 3000 };

static void thread_run(int threads, run_result_t *r) {
    omp_set_num_threads(threads);
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 30);
    pl_sv_t *sv = sv_new(THREAD_N);
    for (int layer = 0; layer < 3; layer++) {
        for (int q = 0; q < THREAD_N; q++) {
            double a = random_angle(&rng), b = random_angle(&rng);
            ASSERT_OK(pl_sv_apply_gate(sv, PL_GATE_RY, &q, &a));
            ASSERT_OK(pl_sv_apply_gate(sv, PL_GATE_RZ, &q, &b));
        }
        for (int q = 0; q + 1 < THREAD_N; q++) {
            int qs[2] = {q, q + 1};
            ASSERT_OK(pl_sv_apply_gate(sv, layer % 2 ? PL_GATE_CX : PL_GATE_CZ, qs, NULL));
        }
    }
    char letters[THREAD_N + 1];
    random_letters(&rng, THREAD_N, "IXYZ", letters);
    pl_pauli_t *p = pauli_from(THREAD_N, letters);
    ASSERT_OK(pl_sv_apply_pauli_rot(sv, p, 0.37));
    double complex u[16];
    dense_random_unitary(4, &rng, u);
    ASSERT_OK(pl_sv_apply_2q(sv, 13, 2, u));
    int ctl[3] = {0, 7, 12};
    ASSERT_OK(pl_sv_apply_mc1q(sv, ctl, 3, 5, u));
    r->amps = malloc(pl_sv_dim(sv) * sizeof *r->amps);
    memcpy(r->amps, pl_sv_data_const(sv), pl_sv_dim(sv) * sizeof *r->amps);

    r->norm2 = pl_sv_norm2(sv);
    ASSERT_OK(pl_sv_expval_pauli(sv, p, &r->ev_pauli));
    terms_t t;
    random_terms(&rng, THREAD_N, SUM_SHARED_XY, &t);
    pl_pauli_sum_t *h = terms_sum(&t);
    ASSERT_OK(pl_sv_expval_sum(sv, h, &r->ev_sum));
    pl_sv_t *other = sv_new(THREAD_N);
    int q3 = 3;
    ASSERT_OK(pl_sv_apply_gate(other, PL_GATE_H, &q3, NULL));
    ASSERT_OK(pl_sv_inner(sv, other, &r->inner));
    r->probs = malloc(pl_sv_dim(sv) * sizeof *r->probs);
    ASSERT_OK(pl_sv_probabilities(sv, r->probs));
    r->samples = malloc(2 * THREAD_SHOTS * sizeof *r->samples);
    pl_rng_t srng;
    pl_rng_seed(&srng, SEED, 31);
    ASSERT_OK(pl_sv_sample(sv, NULL, THREAD_SHOTS, &srng, r->samples));
    ASSERT_OK(pl_sv_sample(sv, "XYZXYZXYZXYZXY", THREAD_SHOTS, &srng, r->samples + THREAD_SHOTS));
    ASSERT_OK(pl_sv_expval_sum_shots(sv, h, 500, &srng, &r->ev_shots));
    pl_sv_destroy(other);
    pl_pauli_sum_destroy(h);
    pl_pauli_destroy(p);
    pl_sv_destroy(sv);
}

static void test_thread_count_independence(void **state) {
    (void)state;
    int before = omp_get_max_threads();
    run_result_t one, many;
    thread_run(1, &one);
    thread_run(3, &many);
    omp_set_num_threads(before);
    size_t dim = (size_t)1 << THREAD_N;
    for (size_t i = 0; i < dim; i++)
        if (!(creal(one.amps[i]) == creal(many.amps[i]) &&
              cimag(one.amps[i]) == cimag(many.amps[i])))
            test_fail("amplitude %zu differs between 1 and 3 threads", i);
    assert_true(one.norm2 == many.norm2);
    assert_true(one.ev_pauli == many.ev_pauli);
    assert_true(creal(one.ev_sum) == creal(many.ev_sum) && cimag(one.ev_sum) == cimag(many.ev_sum));
    assert_true(creal(one.inner) == creal(many.inner) && cimag(one.inner) == cimag(many.inner));
    for (size_t i = 0; i < dim; i++) assert_true(one.probs[i] == many.probs[i]);
    assert_memory_equal(one.samples, many.samples, 2 * THREAD_SHOTS * sizeof *one.samples);
    assert_true(one.ev_shots == many.ev_shots);
    run_result_t *rs[2] = {&one, &many};
    for (int k = 0; k < 2; k++) {
        free(rs[k]->amps);
        free(rs[k]->probs);
        free(rs[k]->samples);
    }
}

/* ------------------------------------------------------------------------ */
/* Shot-based estimates                                                     */
/* ------------------------------------------------------------------------ */

static void test_expval_sum_shots_converges(void **state) {
    (void)state;
    enum { N = 4 };
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 40);
    double complex psi[1 << N];
    dense_random_state(N, &rng, psi);
    pl_sv_t *sv = sv_from(N, psi);
    /* Three groups whatever the greedy grouping: every term acts on qubit 0,
     * with Z, X or Y there, and with the same letter elsewhere. */
    terms_t t = {.n = N};
    const char *zs[] = {"ZZII", "ZIZI", "ZIIZ", "ZZZZ"}, *xs[] = {"XXII", "XIXI", "XXXX"},
               *ys[] = {"YYII", "YIYY"};
    const char *const *groups[3] = {zs, xs, ys};
    const int sizes[3] = {4, 3, 2};
    double var = 0.0;
    for (int g = 0; g < 3; g++) {
        terms_t grp = {.n = N};
        for (int k = 0; k < sizes[g]; k++) {
            double c = pl_rng_normal(&rng);
            terms_add(&t, groups[g][k], c);
            terms_add(&grp, groups[g][k], c);
        }
        /* Var(H_g) = ⟨H_g²⟩ − ⟨H_g⟩² for the per-shot estimate of the group. */
        double complex *hg = terms_dense(&grp), *hg2 = dense_zeros(256);
        dense_matmul(16, hg, hg, hg2);
        double m1 = creal(dense_expval(N, psi, hg)), m2 = creal(dense_expval(N, psi, hg2));
        var += m2 - m1 * m1;
        free(hg);
        free(hg2);
    }
    terms_add(&t, "IIII", 0.7); /* exact */
    pl_pauli_sum_t *h = terms_sum(&t);
    double complex *hm = terms_dense(&t);
    double exact = creal(dense_expval(N, psi, hm));
    free(hm);
    const uint64_t shots[] = {200, 2000, 20000, 200000};
    for (size_t i = 0; i < sizeof shots / sizeof shots[0]; i++)
        for (int rep = 0; rep < 3; rep++) {
            pl_rng_t srng;
            pl_rng_seed(&srng, SEED + 2, (uint64_t)(10 * i + rep));
            double est;
            ASSERT_OK(pl_sv_expval_sum_shots(sv, h, shots[i], &srng, &est));
            double se = sqrt(var / (double)shots[i]);
            if (!(fabs(est - exact) <= 5 * se))
                test_fail("expval_sum_shots %llu shots (seed %u stream %d): %.6f vs exact %.6f, "
                          "5 standard errors = %.6f",
                          (unsigned long long)shots[i], SEED + 2, (int)(10 * i + rep), est, exact,
                          5 * se);
        }
    /* Identity-only sums are exact. */
    pl_pauli_sum_t *id = NULL;
    ASSERT_OK(pl_pauli_sum_create(N, &id));
    pl_pauli_t *ip = pauli_from(N, "IIII");
    ASSERT_OK(pl_pauli_sum_add(id, ip, -2.5));
    double est;
    ASSERT_OK(pl_sv_expval_sum_shots(sv, id, 10, &rng, &est));
    assert_true(fabs(est + 2.5) < 1e-14);
    /* Errors: no shots, wrong size. */
    assert_int_equal(pl_sv_expval_sum_shots(sv, h, 0, &rng, &est), PL_EINVAL);
    pl_sv_t *small = sv_new(2);
    assert_int_equal(pl_sv_expval_sum_shots(small, h, 10, &rng, &est), PL_EINVAL);
    pl_sv_destroy(small);
    pl_pauli_destroy(ip);
    pl_pauli_sum_destroy(id);
    pl_pauli_sum_destroy(h);
    pl_sv_destroy(sv);
}

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */
/* ------------------------------------------------------------------------ */

static void expect_einval(pl_status_t st, const char *call, const char *needle) {
    if (st != PL_EINVAL) test_fail("%s returned %d, expected PL_EINVAL", call, (int)st);
    if (needle)
        test_expect_contains(pl_error_message(), needle);
    else
        assert_true(strlen(pl_error_message()) > 0);
}

static void test_argument_errors(void **state) {
    (void)state;
    pl_sv_t *sv = sv_new(3);
    const double complex before0 = pl_sv_data_const(sv)[0];
    double ang[3] = {0.1, 0.2, 0.3}, nan_ang[3] = {NAN, 0.2, 0.3},
           inf_ang[3] = {0.1, 0.2, INFINITY};
    double complex u[16] = {1, 0, 0, 1};
    int out3[2] = {0, 3}, neg[2] = {-1, 0}, rep[2] = {1, 1}, rep3[3] = {2, 0, 2};
    expect_einval(pl_sv_apply_gate(sv, PL_GATE_CX, out3, NULL), "cx 0,3", "out of range");
    test_expect_contains(pl_error_message(), "3");
    expect_einval(pl_sv_apply_gate(sv, PL_GATE_CX, neg, NULL), "cx -1,0", "-1");
    expect_einval(pl_sv_apply_gate(sv, PL_GATE_CRX, rep, ang), "crx 1,1", "1");
    expect_einval(pl_sv_apply_gate(sv, PL_GATE_CCX, rep3, NULL), "ccx 2,0,2", "2");
    int q0 = 0;
    expect_einval(pl_sv_apply_gate(sv, PL_GATE_RX, &q0, nan_ang), "rx(nan)", "angle");
    expect_einval(pl_sv_apply_gate(sv, PL_GATE_U3, &q0, inf_ang), "u3(.., inf)", "angle");
    int qs2[2] = {0, 1};
    expect_einval(pl_sv_apply_gate(sv, PL_GATE_UNITARY1, &q0, NULL), "apply_gate(UNITARY1)", NULL);
    expect_einval(pl_sv_apply_gate(sv, PL_GATE_MCU, qs2, NULL), "apply_gate(MCU)", NULL);
    expect_einval(pl_sv_apply_gate(sv, PL_GATE_PAULI_ROT, qs2, ang), "apply_gate(PAULI_ROT)", NULL);
    expect_einval(pl_sv_apply_1q(sv, 3, u), "apply_1q q3", "out of range");
    expect_einval(pl_sv_apply_2q(sv, 2, 2, u), "apply_2q 2,2", "2");
    expect_einval(pl_sv_apply_2q(sv, 0, 7, u), "apply_2q 0,7", "7");
    int ctl[2] = {0, 2};
    expect_einval(pl_sv_apply_mc1q(sv, ctl, 2, 2, u), "mc1q target among controls", "2");
    expect_einval(pl_sv_apply_mc1q(sv, ctl, 2, 5, u), "mc1q target 5", "5");
    int ctl_bad[2] = {0, 4};
    expect_einval(pl_sv_apply_mc1q(sv, ctl_bad, 2, 1, u), "mc1q control 4", "4");
    double complex bad_u[4] = {NAN, 0, 0, 1};
    expect_einval(pl_sv_apply_1q(sv, 0, bad_u), "apply_1q(NaN matrix)", NULL);
    pl_pauli_t *p4 = pauli_from(4, "XIIZ"), *p3 = pauli_from(3, "XYZ");
    expect_einval(pl_sv_apply_pauli(sv, p4), "apply_pauli 4 on 3", "4");
    expect_einval(pl_sv_apply_pauli_rot(sv, p4, 0.1), "apply_pauli_rot 4 on 3", "4");
    expect_einval(pl_sv_apply_pauli_rot(sv, p3, NAN), "apply_pauli_rot(nan)", "angle");
    double ev;
    expect_einval(pl_sv_expval_pauli(sv, p4, &ev), "expval_pauli 4 on 3", "4");
    pl_pauli_sum_t *h4 = NULL;
    ASSERT_OK(pl_pauli_sum_create(4, &h4));
    double complex evc;
    expect_einval(pl_sv_expval_sum(sv, h4, &evc), "expval_sum 4 on 3", "4");
    /* No failed call changed the state. */
    assert_true(pl_sv_data_const(sv)[0] == before0);
    assert_true(pl_sv_norm2(sv) == 1.0);

    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 50);
    uint64_t out[4];
    static const char *bad_bases[] = {"XQZ", "XZ", "XZZZ", "", "xyz"};
    for (size_t i = 0; i < sizeof bad_bases / sizeof bad_bases[0]; i++) {
        char call[64];
        snprintf(call, sizeof call, "sample basis '%s'", bad_bases[i]);
        expect_einval(pl_sv_sample(sv, bad_bases[i], 4, &rng, out), call, "basis");
    }
    memset(pl_sv_data(sv), 0, 8 * sizeof(double complex));
    expect_einval(pl_sv_sample(sv, NULL, 4, &rng, out), "sample of the zero state", NULL);
    pl_pauli_sum_destroy(h4);
    pl_pauli_destroy(p3);
    pl_pauli_destroy(p4);
    pl_sv_destroy(sv);
}

static void test_create_limits(void **state) {
    (void)state;
    static int dummy;
    pl_sv_t *sv = (pl_sv_t *)(void *)&dummy; /* must be overwritten with NULL */
    expect_einval(pl_sv_create(0, &sv), "create(0)", "0");
    assert_null(sv);
    expect_einval(pl_sv_create(-1, &sv), "create(-1)", "-1");
    pl_status_t st = pl_sv_create(60, &sv);
    if (st != PL_EINVAL && st != PL_ENOMEM) test_fail("create(60) returned %d", (int)st);
    assert_null(sv);
    test_expect_contains(pl_error_message(), "60");
    /* Refused by the default memory limit before allocating 512 TiB. */
    assert_int_equal(pl_sv_create(45, &sv), PL_ENOMEM);
    assert_null(sv);
    test_expect_contains(pl_error_message(), "memory limit");

    size_t base = pl_mem_in_use();
    pl_mem_set_limit((size_t)1 << 20);
    assert_int_equal(pl_sv_create(20, &sv), PL_ENOMEM);
    assert_null(sv);
    test_expect_contains(pl_error_message(), "20 qubits");
    test_expect_contains(pl_error_message(), "16.0 MB"); /* 16 · 2^20 bytes */
    test_expect_contains(pl_error_message(), "1.0 MB");  /* the limit */
    assert_int_equal(pl_mem_in_use(), base);
    /* With room for 1 MiB more: 16 qubits (1 MiB) fit exactly, a clone does not,
     * and 15 qubits fit twice. */
    pl_mem_set_limit(base + ((size_t)1 << 20));
    ASSERT_OK(pl_sv_create(16, &sv));
    assert_int_equal(pl_mem_in_use(), base + ((size_t)16 << 16));
    pl_sv_t *c = NULL;
    assert_int_equal(pl_sv_clone(sv, &c), PL_ENOMEM);
    assert_null(c);
    test_expect_contains(pl_error_message(), "memory limit");
    pl_sv_destroy(sv);
    assert_int_equal(pl_mem_in_use(), base);
    ASSERT_OK(pl_sv_create(15, &sv));
    ASSERT_OK(pl_sv_clone(sv, &c));
    pl_sv_destroy(c);
    pl_sv_destroy(sv);
    assert_int_equal(pl_mem_in_use(), base);
    pl_mem_set_limit(0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_and_copy),
        cmocka_unit_test(test_random_circuits_vs_dense),
        cmocka_unit_test(test_every_gate_every_placement),
        cmocka_unit_test(test_one_qubit_kernels_large),
        cmocka_unit_test(test_ghz_closed_form),
        cmocka_unit_test(test_qft_closed_form),
        cmocka_unit_test(test_norm_inner_normalize),
        cmocka_unit_test(test_expval_pauli_vs_dense),
        cmocka_unit_test(test_expval_sum_vs_dense),
        cmocka_unit_test(test_expval_large_registers),
        cmocka_unit_test(test_sample_chi_square),
        cmocka_unit_test(test_sample_eigenstates),
        cmocka_unit_test(test_sample_reproducible),
        cmocka_unit_test(test_thread_count_independence),
        cmocka_unit_test(test_expval_sum_shots_converges),
        cmocka_unit_test(test_argument_errors),
        cmocka_unit_test(test_create_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
