/* Tests for src/pauli: single strings, sums, text. Every fast path is checked
 * against a slow reference: the single-qubit product table written out by
 * hand below, dense 2^n x 2^n matrices from tests/support/dense.c (explicit
 * Kronecker products), or a brute-force loop. Random cases use fixed seeds,
 * printed on failure. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dense.h"
#include "plateau/core.h"
#include "plateau/pauli.h"
#include "testutil.h"

enum { SEED = 20240611 };

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

/* The product table of single-qubit Paulis, by hand: a·b = i^k out.
 * (XY = iZ, YZ = iX, ZX = iY and the reversed orders with -i.) */
static const struct {
    char a, b, out;
    int k;
} TABLE[16] = {
    {'I', 'I', 'I', 0}, {'I', 'X', 'X', 0}, {'I', 'Y', 'Y', 0}, {'I', 'Z', 'Z', 0},
    {'X', 'I', 'X', 0}, {'X', 'X', 'I', 0}, {'X', 'Y', 'Z', 1}, {'X', 'Z', 'Y', 3},
    {'Y', 'I', 'Y', 0}, {'Y', 'X', 'Z', 3}, {'Y', 'Y', 'I', 0}, {'Y', 'Z', 'X', 1},
    {'Z', 'I', 'Z', 0}, {'Z', 'X', 'Y', 1}, {'Z', 'Y', 'X', 3}, {'Z', 'Z', 'I', 0},
};

/* Table lookup: the product letter and phase exponent of a·b. */
static int table_mul(char a, char b, char *out) {
    for (int i = 0; i < 16; i++)
        if (TABLE[i].a == a && TABLE[i].b == b) {
            *out = TABLE[i].out;
            return TABLE[i].k;
        }
    fail_msg("no table entry for %c%c", a, b);
    return -1;
}

static pl_pauli_op_t op_of(char letter) {
    switch (letter) {
        case 'X': return PL_X;
        case 'Y': return PL_Y;
        case 'Z': return PL_Z;
        default: return PL_I;
    }
}

static char letter_of(pl_pauli_op_t op) {
    return "IXZY"[op];
}

static pl_pauli_t *new_pauli(int n) {
    pl_pauli_t *p;
    ASSERT_OK(pl_pauli_create(n, &p));
    return p;
}

static pl_pauli_sum_t *new_sum(int n) {
    pl_pauli_sum_t *s;
    ASSERT_OK(pl_pauli_sum_create(n, &s));
    return s;
}

/* A string from letters[q] on qubit q, through pl_pauli_set. */
static pl_pauli_t *pauli_from_letters(const char *letters, int n) {
    pl_pauli_t *p = new_pauli(n);
    for (int q = 0; q < n; q++) pl_pauli_set(p, q, op_of(letters[q]));
    return p;
}

/* letters[q] from pl_pauli_get (room for n + 1). */
static void letters_of(const pl_pauli_t *p, char *letters) {
    for (int q = 0; q < p->n; q++) letters[q] = letter_of(pl_pauli_get(p, q));
    letters[p->n] = '\0';
}

/* n random letters; each qubit is non-identity with probability 1 - 1/4. */
static void random_letters(pl_rng_t *rng, int n, char *letters) {
    for (int q = 0; q < n; q++) letters[q] = "IXYZ"[pl_rng_below(rng, 4)];
    letters[n] = '\0';
}

static pl_pauli_t *random_pauli(pl_rng_t *rng, int n) {
    char *letters = malloc((size_t)n + 1);
    assert_non_null(letters);
    random_letters(rng, n, letters);
    pl_pauli_t *p = pauli_from_letters(letters, n);
    free(letters);
    return p;
}

static double complex random_coeff(pl_rng_t *rng) {
    return pl_rng_normal(rng) + pl_rng_normal(rng) * I;
}

static const double complex I_POW[4] = {1.0, I, -1.0, -I};

static pl_pauli_sum_t *parse_ok(const char *text, int n) {
    pl_pauli_sum_t *s;
    pl_status_t st = pl_pauli_sum_parse(text, n, &s);
    if (st != PL_OK) fail_msg("parsing '%s': %s", text, pl_error_message());
    return s;
}

/* Coefficient of the string given as text in the sum. */
static double complex coeff_of(const pl_pauli_sum_t *s, const char *text) {
    pl_pauli_t *p;
    ASSERT_OK(pl_pauli_parse(text, pl_pauli_sum_qubits(s), &p));
    double complex c = pl_pauli_sum_coeff(s, p);
    pl_pauli_destroy(p);
    return c;
}

static void assert_sum_prints(const pl_pauli_sum_t *s, const char *expected) {
    char *text;
    ASSERT_OK(pl_pauli_sum_to_string(s, &text));
    assert_string_equal(text, expected);
    free(text);
}

/* Same strings, same order, equal coefficients (== so that a zero's sign,
 * which the text form does not keep, does not matter). */
static void assert_sums_identical(const pl_pauli_sum_t *a, const pl_pauli_sum_t *b) {
    assert_int_equal(pl_pauli_sum_qubits(a), pl_pauli_sum_qubits(b));
    assert_int_equal(pl_pauli_sum_size(a), pl_pauli_sum_size(b));
    for (size_t k = 0; k < pl_pauli_sum_size(a); k++) {
        pl_pauli_t pa, pb;
        double complex ca, cb;
        pl_pauli_sum_term(a, k, &pa, &ca);
        pl_pauli_sum_term(b, k, &pb, &cb);
        assert_true(pl_pauli_equal(&pa, &pb));
        assert_true(ca == cb);
    }
}

/* ------------------------------------------------------------------------ */
/* Single strings                                                           */
/* ------------------------------------------------------------------------ */

/* Every single-qubit product, placed on qubits in the first, second and last
 * word of a 1024-qubit string. */
static void test_product_table(void **state) {
    (void)state;
    static const int where[] = {0, 63, 64, 700, 1023};
    pl_pauli_t *a = new_pauli(1024), *b = new_pauli(1024), *out = new_pauli(1024);
    for (int t = 0; t < 16; t++)
        for (size_t w = 0; w < sizeof where / sizeof *where; w++) {
            int q = where[w];
            pl_pauli_set_identity(a);
            pl_pauli_set_identity(b);
            pl_pauli_set(a, q, op_of(TABLE[t].a));
            pl_pauli_set(b, q, op_of(TABLE[t].b));
            assert_int_equal(pl_pauli_mul(a, b, out), TABLE[t].k);
            assert_int_equal(letter_of(pl_pauli_get(out, q)), TABLE[t].out);
            assert_int_equal(pl_pauli_weight(out), TABLE[t].out != 'I');
            bool commute = TABLE[t].a == 'I' || TABLE[t].b == 'I' || TABLE[t].a == TABLE[t].b;
            assert_int_equal(pl_pauli_commutes(a, b), commute);
        }
    pl_pauli_destroy(a);
    pl_pauli_destroy(b);
    pl_pauli_destroy(out);
}

/* The 2x2 matrices of the reference agree with the hand table. */
static void test_table_matches_matrices(void **state) {
    (void)state;
    for (int t = 0; t < 16; t++) {
        double complex ab[4], expect[4];
        dense_matmul(2, dense_pauli1(TABLE[t].a), dense_pauli1(TABLE[t].b), ab);
        for (int i = 0; i < 4; i++) expect[i] = I_POW[TABLE[t].k] * dense_pauli1(TABLE[t].out)[i];
        assert_true(dense_max_diff(ab, expect, 4) < 1e-15);
    }
}

/* a·b = i^k out and commutation against dense matrices, n = 1..4. */
static void test_mul_and_commutes_vs_dense(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 1);
    for (int n = 1; n <= 4; n++) {
        size_t d = (size_t)1 << n, d2 = d * d;
        for (int trial = 0; trial < 60; trial++) {
            char la[8], lb[8], lo[8];
            random_letters(&rng, n, la);
            random_letters(&rng, n, lb);
            pl_pauli_t *a = pauli_from_letters(la, n), *b = pauli_from_letters(lb, n);
            pl_pauli_t *out = new_pauli(n);
            int k = pl_pauli_mul(a, b, out);
            letters_of(out, lo);
            double complex *A = dense_pauli_matrix_str(n, la), *B = dense_pauli_matrix_str(n, lb);
            double complex *O = dense_pauli_matrix_str(n, lo);
            double complex *ab = dense_zeros(d2), *ba = dense_zeros(d2), *diff = dense_zeros(d2);
            dense_matmul(d, A, B, ab);
            dense_matmul(d, B, A, ba);
            for (size_t i = 0; i < d2; i++) O[i] *= I_POW[k];
            CHECK_SEEDED(k >= 0 && k < 4 && dense_max_diff(ab, O, d2) < 1e-12, SEED);
            /* AB - BA = 0 when they commute, AB + BA = 0 otherwise. */
            for (size_t i = 0; i < d2; i++) diff[i] = -ba[i];
            bool dense_commute = dense_max_diff(ab, ba, d2) < 1e-12;
            CHECK_SEEDED(dense_commute || dense_max_diff(ab, diff, d2) < 1e-12, SEED);
            CHECK_SEEDED(pl_pauli_commutes(a, b) == dense_commute, SEED);
            /* out may alias either factor. */
            pl_pauli_t *a2 = NULL, *b2 = NULL;
            ASSERT_OK(pl_pauli_clone(a, &a2));
            ASSERT_OK(pl_pauli_clone(b, &b2));
            CHECK_SEEDED(pl_pauli_mul(a2, b, a2) == k && pl_pauli_equal(a2, out), SEED);
            CHECK_SEEDED(pl_pauli_mul(a, b2, b2) == k && pl_pauli_equal(b2, out), SEED);
            free(A), free(B), free(O), free(ab), free(ba), free(diff);
            pl_pauli_destroy(a), pl_pauli_destroy(b), pl_pauli_destroy(out);
            pl_pauli_destroy(a2), pl_pauli_destroy(b2);
        }
    }
}

/* Weight, support and Y count against per-qubit loops over pl_pauli_get. */
static void check_counts(const pl_pauli_t *p, uint64_t seed) {
    int *support = malloc((size_t)p->n * sizeof *support);
    assert_non_null(support);
    int weight = pl_pauli_weight(p);
    CHECK_SEEDED(pl_pauli_support(p, support) == weight, seed);
    int seen = 0, ys = 0;
    for (int q = 0; q < p->n; q++) {
        pl_pauli_op_t op = pl_pauli_get(p, q);
        if (op == PL_I) continue;
        CHECK_SEEDED(seen < weight && support[seen] == q, seed);
        seen++;
        ys += op == PL_Y;
    }
    CHECK_SEEDED(seen == weight && ys == pl_pauli_count_y(p), seed);
    free(support);
}

static void test_weight_support_count_y(void **state) {
    (void)state;
    pl_pauli_t *p = new_pauli(130);
    pl_pauli_set(p, 0, PL_X);
    pl_pauli_set(p, 3, PL_Y);
    pl_pauli_set(p, 64, PL_Z);
    pl_pauli_set(p, 129, PL_Y);
    int support[4];
    assert_int_equal(pl_pauli_weight(p), 4);
    assert_int_equal(pl_pauli_support(p, support), 4);
    assert_int_equal(support[0], 0);
    assert_int_equal(support[1], 3);
    assert_int_equal(support[2], 64);
    assert_int_equal(support[3], 129);
    assert_int_equal(pl_pauli_count_y(p), 2);
    pl_pauli_set(p, 3, PL_I); /* clearing a factor clears both bits */
    assert_int_equal(pl_pauli_get(p, 3), PL_I);
    assert_int_equal(pl_pauli_weight(p), 3);
    assert_int_equal(pl_pauli_count_y(p), 1);
    pl_pauli_set(p, 129, PL_X); /* Y -> X drops the z bit only */
    assert_int_equal(pl_pauli_get(p, 129), PL_X);
    pl_pauli_set_identity(p);
    assert_int_equal(pl_pauli_weight(p), 0);
    assert_int_equal(pl_pauli_support(p, support), 0);
    pl_pauli_destroy(p);
}

/* Products, commutation and counts on 1024 and 4096 qubits against the hand
 * table applied qubit by qubit (the product phase is the sum of the
 * single-qubit phases). */
static void test_large_strings(void **state) {
    (void)state;
    static const int sizes[] = {1024, 4096, 1000};
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 2);
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        int n = sizes[s];
        char *lo = malloc((size_t)n + 1);
        assert_non_null(lo);
        for (int trial = 0; trial < 4; trial++) {
            pl_pauli_t *a = random_pauli(&rng, n), *b = random_pauli(&rng, n), *out = new_pauli(n);
            int k_ref = 0, anti = 0;
            for (int q = 0; q < n; q++) {
                char ca = letter_of(pl_pauli_get(a, q)), cb = letter_of(pl_pauli_get(b, q));
                k_ref += table_mul(ca, cb, &lo[q]);
                anti += ca != 'I' && cb != 'I' && ca != cb;
            }
            int k = pl_pauli_mul(a, b, out);
            CHECK_SEEDED(k == k_ref % 4, SEED);
            CHECK_SEEDED(pl_pauli_commutes(a, b) == (anti % 2 == 0), SEED);
            for (int q = 0; q < n; q++)
                CHECK_SEEDED(letter_of(pl_pauli_get(out, q)) == lo[q], SEED);
            check_counts(a, SEED);
            check_counts(out, SEED);
            pl_pauli_destroy(a), pl_pauli_destroy(b), pl_pauli_destroy(out);
        }
        free(lo);
    }
}

static void test_create_clone_copy_equal(void **state) {
    (void)state;
    pl_pauli_t *p = (pl_pauli_t *)1;
    EXPECT_ERROR(pl_pauli_create(0, &p), PL_EINVAL, "Pauli string of 0 qubits");
    assert_null(p);
    EXPECT_ERROR(pl_pauli_create(PL_PAULI_MAX_QUBITS + 1, &p), PL_EINVAL, "need 1 to 16777216");
    p = new_pauli(4096);
    assert_int_equal(p->n, 4096);
    assert_int_equal(p->nwords, 64);
    pl_pauli_set(p, 4095, PL_Y);
    assert_int_equal(p->x[63] >> 63, 1);
    assert_int_equal(p->z[63] >> 63, 1);
    pl_pauli_t *c;
    ASSERT_OK(pl_pauli_clone(p, &c));
    assert_true(pl_pauli_equal(p, c));
    pl_pauli_set(c, 4094, PL_X);
    assert_false(pl_pauli_equal(p, c));
    pl_pauli_copy(c, p);
    assert_true(pl_pauli_equal(p, c));
    pl_pauli_t *other = new_pauli(4095);
    assert_false(pl_pauli_equal(p, other)); /* different n */
    pl_pauli_destroy(p), pl_pauli_destroy(c), pl_pauli_destroy(other);
    pl_pauli_destroy(NULL);
}

/* ------------------------------------------------------------------------ */
/* Text                                                                     */
/* ------------------------------------------------------------------------ */

static void assert_string_round_trip(const char *text, int n, const char *printed, int n_out) {
    pl_pauli_t *p;
    if (pl_pauli_parse(text, n, &p) != PL_OK)
        fail_msg("parsing '%s': %s", text, pl_error_message());
    assert_int_equal(p->n, n_out);
    char *s;
    ASSERT_OK(pl_pauli_to_string(p, &s));
    assert_string_equal(s, printed);
    free(s);
    pl_pauli_destroy(p);
}

static void test_string_text(void **state) {
    (void)state;
    assert_string_round_trip("X0 Z3 Y10", 11, "X0 Z3 Y10", 11);
    assert_string_round_trip("Z3 X0", 0, "X0 Z3", 4);
    assert_string_round_trip("  x0\tz3  y70 ", 0, "X0 Z3 Y70", 71);
    assert_string_round_trip("I", 0, "I", 1);
    assert_string_round_trip("I", 5, "I", 5);
    assert_string_round_trip("I X2 I7", 0, "X2", 8); /* I factors count towards n only */
    assert_string_round_trip("Y4095 X64", 4096, "X64 Y4095", 4096);

    pl_pauli_t *p = (pl_pauli_t *)1;
    EXPECT_ERROR(pl_pauli_parse("", 4, &p), PL_EPARSE, "empty Pauli string");
    assert_null(p);
    EXPECT_ERROR(pl_pauli_parse("X0 + X1", 4, &p), PL_EPARSE,
                 "column 4: expected a Pauli factor such as X3, got '+'");
    EXPECT_ERROR(pl_pauli_parse("2*X0", 4, &p), PL_EPARSE, "column 1: expected a Pauli factor");
    EXPECT_ERROR(pl_pauli_parse("X1 X5", 4, &p), PL_EINVAL, "qubit 5 out of range [0, 4) in 'X5'");
    EXPECT_ERROR(pl_pauli_parse("X1 Y1", 4, &p), PL_EPARSE, "column 4: qubit 1 appears twice");
    EXPECT_ERROR(pl_pauli_parse("X1", -1, &p), PL_EINVAL, "-1 qubits");
    assert_null(p);
}

/* Parse, check the terms, print back the same text. */
static void test_sum_text_examples(void **state) {
    (void)state;
    pl_pauli_sum_t *s = parse_ok("Z0 Z1 + 0.5*X2 - Y0 Z3", 0);
    assert_int_equal(pl_pauli_sum_qubits(s), 4);
    assert_int_equal(pl_pauli_sum_size(s), 3);
    assert_true(coeff_of(s, "Z0 Z1") == 1.0);
    assert_true(coeff_of(s, "X2") == 0.5);
    assert_true(coeff_of(s, "Z3 Y0") == -1.0);
    assert_true(coeff_of(s, "X0") == 0.0);
    assert_sum_prints(s, "Z0 Z1 + 0.5*X2 - Y0 Z3");
    pl_pauli_sum_destroy(s);

    static const struct {
        const char *in;
        int n, n_out;
        const char *out;
    } cases[] = {
        {"2*I", 0, 1, "2*I"},
        {"-X0", 0, 1, "-X0"},
        {"- 2 * X0", 3, 3, "-2*X0"},
        {"+X1", 0, 2, "X1"},
        {"1e-3*Z5", 0, 6, "0.001*Z5"},
        {"0.5 * X1", 0, 2, "0.5*X1"},
        {"X0-X1+X2", 0, 3, "X0 - X1 + X2"},
        {"x0 y1 - i2 z3", 0, 4, "X0 Y1 - Z3"},
        {"I X0 + X0 I", 0, 1, "2*X0"}, /* I factors are ignored; equal strings merge */
        {"X0 + I", 0, 1, "X0 + I"},
        {"0.25i*Y1", 0, 2, "(0+0.25i)*Y1"},
        {"(0.5+0.25i)*X0 - 0.25i*Y1", 0, 2, "(0.5+0.25i)*X0 + (0-0.25i)*Y1"},
        {"( -1.5 - 2i ) * Z0", 0, 1, "(-1.5-2i)*Z0"},
        {"(3)*Z0 + (2i)*Z0", 0, 1, "(3+2i)*Z0"},
        {"0.1*X0", 0, 1, "0.10000000000000001*X0"},
        {"0*X0", 0, 1, "0*X0"},
        {"-0*X0", 0, 1, "0*X0"},
        {"0", 0, 1, "0"},
        {" 0 ", 7, 7, "0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        s = parse_ok(cases[i].in, cases[i].n);
        assert_int_equal(pl_pauli_sum_qubits(s), cases[i].n_out);
        assert_sum_prints(s, cases[i].out);
        pl_pauli_sum_destroy(s);
    }

    s = parse_ok("(0.5+0.25i)*X0 - 0.25i*Y1 + 1e-3*Z5", 0);
    assert_true(coeff_of(s, "X0") == 0.5 + 0.25 * I);
    assert_true(coeff_of(s, "Y1") == -0.25 * I);
    assert_true(coeff_of(s, "Z5") == 1e-3);
    pl_pauli_sum_destroy(s);
    s = parse_ok("0", 0);
    assert_int_equal(pl_pauli_sum_size(s), 0);
    pl_pauli_sum_destroy(s);
}

/* print -> parse gives the same sum exactly (%.17g round-trips doubles). */
static void test_sum_text_round_trip(void **state) {
    (void)state;
    static const int sizes[] = {1, 3, 70, 1024};
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 3);
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        int n = sizes[s];
        pl_pauli_sum_t *sum = new_sum(n);
        for (int t = 0; t < 12; t++) {
            pl_pauli_t *p = random_pauli(&rng, n);
            /* Mix the printed forms: real, ±1, imaginary, complex. */
            static const double complex special[] = {1.0, -1.0, 2.5, -0.75, 0.5 * I};
            double complex c = t < 5 ? special[t] : random_coeff(&rng);
            if (t == 6) c = creal(c);
            ASSERT_OK(pl_pauli_sum_add(sum, p, c));
            pl_pauli_destroy(p);
        }
        char *text;
        ASSERT_OK(pl_pauli_sum_to_string(sum, &text));
        pl_pauli_sum_t *back;
        pl_status_t st = pl_pauli_sum_parse(text, n, &back);
        CHECK_SEEDED(st == PL_OK, SEED);
        assert_sums_identical(sum, back);
        free(text);
        pl_pauli_sum_destroy(sum);
        pl_pauli_sum_destroy(back);
    }
}

static void expect_parse_error(const char *text, int n, pl_status_t st, const char *message) {
    pl_pauli_sum_t *s = (pl_pauli_sum_t *)1;
    pl_status_t got = pl_pauli_sum_parse(text, n, &s);
    if (got != st) fail_msg("'%s': status %d, expected %d (%s)", text, got, st, pl_error_message());
    if (!strstr(pl_error_message(), message))
        fail_msg("'%s': message '%s' lacks '%s'", text, pl_error_message(), message);
    assert_null(s);
}

static void test_sum_parse_errors(void **state) {
    (void)state;
    expect_parse_error("Z0 Z1 Q1", 0, PL_EPARSE,
                       "column 7: expected a Pauli factor such as X3, got 'Q1'");
    expect_parse_error("X9", 4, PL_EINVAL, "column 1: qubit 9 out of range [0, 4) in 'X9'");
    expect_parse_error("X0 + Z3 Y1 X3", 0, PL_EPARSE,
                       "column 12: qubit 3 appears twice in one term");
    expect_parse_error("", 0, PL_EPARSE, "empty Pauli sum text");
    expect_parse_error(" \t ", 0, PL_EPARSE, "empty Pauli sum text");
    expect_parse_error("X0 +", 0, PL_EPARSE, "column 5: expected a term, got end of text");
    expect_parse_error("X0 + + X1", 0, PL_EPARSE, "column 6: expected a term, got '+'");
    expect_parse_error("X0 + -0.5*X1", 0, PL_EPARSE, "column 6: expected a term, got '-0.5*X1'");
    expect_parse_error("2*", 0, PL_EPARSE,
                       "column 3: expected a Pauli factor such as X3, got end of text");
    expect_parse_error("2* + X0", 0, PL_EPARSE,
                       "column 4: expected a Pauli factor such as X3, got '+'");
    expect_parse_error("2 X0", 0, PL_EPARSE,
                       "column 3: expected '*' after the coefficient, got 'X0'");
    expect_parse_error("2", 0, PL_EPARSE, "column 2: expected '*' after the coefficient, got end");
    expect_parse_error("nan*X0", 0, PL_EPARSE,
                       "column 1: coefficient 'nan' is not a finite number");
    expect_parse_error("X0 - inf*X1", 0, PL_EPARSE, "column 6: coefficient 'inf' is not a finite");
    expect_parse_error("1e999*X1", 0, PL_EPARSE, "coefficient '1e999' is not a finite number");
    expect_parse_error("(1+nani)*X1", 0, PL_EPARSE, "column 4: coefficient 'nan' is not a finite");
    expect_parse_error("(0.5+0.25i*X0", 0, PL_EPARSE,
                       "column 11: expected ')' closing the coefficient, got '*X0'");
    expect_parse_error("(0.5+)*X0", 0, PL_EPARSE, "column 6: expected a number, got ')*X0'");
    expect_parse_error("X123456789", 0, PL_EPARSE,
                       "column 1: qubit index in 'X123456789' has more than 8 digits");
    expect_parse_error("Z0 X16777216", 0, PL_EINVAL,
                       "column 4: qubit 16777216 in 'X16777216' is over the limit of 16777216");
    expect_parse_error("X", 0, PL_EPARSE, "column 1: expected a Pauli factor such as X3, got 'X'");
    expect_parse_error("X0Z1", 0, PL_EPARSE, "got 'X0Z1'");
    expect_parse_error("X0 * X1", 0, PL_EPARSE,
                       "column 4: expected a Pauli factor such as X3, got '*'");
    expect_parse_error("X-1", 0, PL_EPARSE,
                       "column 1: expected a Pauli factor such as X3, got 'X'");
    expect_parse_error("00", 0, PL_EPARSE, "expected '*' after the coefficient");
    expect_parse_error("X0", -2, PL_EINVAL, "-2 qubits asked for");
    expect_parse_error("X0", PL_PAULI_MAX_QUBITS + 1, PL_EINVAL, "16777217 qubits asked for");
}

/* ------------------------------------------------------------------------ */
/* Sums                                                                     */
/* ------------------------------------------------------------------------ */

/* A random string different from the @p count strings of @p pool. */
static pl_pauli_t *random_fresh_pauli(pl_rng_t *rng, int n, pl_pauli_t *const *pool, int count) {
    for (;;) {
        pl_pauli_t *p = random_pauli(rng, n);
        bool fresh = true;
        for (int j = 0; j < count && fresh; j++) fresh = !pl_pauli_equal(p, pool[j]);
        if (fresh) return p;
        pl_pauli_destroy(p);
    }
}

/* Many random adds drawn from a pool of distinct strings, checked against a
 * brute-force accumulation per pool entry (same summation order, so the
 * coefficients must agree bit for bit) and first-insertion order. */
static void check_merging(int n, int pool_size, int adds, uint64_t stream) {
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, stream);
    pl_pauli_t **pool = malloc((size_t)pool_size * sizeof *pool);
    double complex *expect = calloc((size_t)pool_size, sizeof *expect);
    int *order = malloc((size_t)pool_size * sizeof *order), seen = 0;
    bool *present = calloc((size_t)pool_size, sizeof *present);
    assert_true(pool && expect && order && present);
    for (int i = 0; i < pool_size; i++) pool[i] = random_fresh_pauli(&rng, n, pool, i);
    pl_pauli_sum_t *s = new_sum(n);
    for (int t = 0; t < adds; t++) {
        int i = (int)pl_rng_below(&rng, (uint64_t)pool_size);
        double complex c = random_coeff(&rng);
        ASSERT_OK(pl_pauli_sum_add(s, pool[i], c));
        expect[i] += c;
        if (!present[i]) present[i] = true, order[seen++] = i;
    }
    CHECK_SEEDED(pl_pauli_sum_size(s) == (size_t)seen, stream);
    for (int k = 0; k < seen; k++) {
        pl_pauli_t view;
        double complex c;
        pl_pauli_sum_term(s, (size_t)k, &view, &c);
        CHECK_SEEDED(pl_pauli_equal(&view, pool[order[k]]) && c == expect[order[k]], stream);
        CHECK_SEEDED(pl_pauli_sum_coeff(s, pool[order[k]]) == expect[order[k]], stream);
    }
    pl_pauli_t *absent = random_fresh_pauli(&rng, n, pool, pool_size);
    CHECK_SEEDED(pl_pauli_sum_coeff(s, absent) == 0.0, stream);
    pl_pauli_destroy(absent);
    pl_pauli_sum_destroy(s);
    for (int i = 0; i < pool_size; i++) pl_pauli_destroy(pool[i]);
    free(pool), free(expect), free(order), free(present);
}

static void test_sum_merging(void **state) {
    (void)state;
    check_merging(1024, 300, 3000, 4);
    check_merging(4096, 40, 600, 5);
    check_merging(2, 12, 500, 6); /* most strings on 2 qubits: many merges, tiny keys */
}

/* Strings that differ only beyond the first word are distinct keys. */
static void test_sum_high_words(void **state) {
    (void)state;
    pl_pauli_sum_t *s = parse_ok("X4095 + Y4095 + Z4000 + X64 + X4095", 4096);
    assert_int_equal(pl_pauli_sum_size(s), 4);
    assert_true(coeff_of(s, "X4095") == 2.0);
    assert_true(coeff_of(s, "Y4095") == 1.0);
    assert_true(coeff_of(s, "X64") == 1.0);
    assert_true(coeff_of(s, "X65") == 0.0);
    assert_sum_prints(s, "2*X4095 + Y4095 + Z4000 + X64");
    pl_pauli_sum_destroy(s);
}

static void test_sum_prune(void **state) {
    (void)state;
    pl_pauli_sum_t *s = parse_ok("X0 + 0*Y0 + 1e-9*Z0 + 2*X1 + (0+3i)*Y1 + 0.125*Z1 - X0", 0);
    assert_int_equal(pl_pauli_sum_size(s), 6);
    assert_true(coeff_of(s, "X0") == 0.0); /* merged to zero, still held */
    pl_pauli_sum_prune(s, 1e-8);
    assert_sum_prints(s, "2*X1 + (0+3i)*Y1 + 0.125*Z1");
    /* The rebuilt index still finds and merges. */
    assert_true(coeff_of(s, "X1") == 2.0);
    assert_true(coeff_of(s, "Z1") == 0.125);
    assert_true(coeff_of(s, "Z0") == 0.0);
    pl_pauli_t *p;
    ASSERT_OK(pl_pauli_parse("Y1", 2, &p));
    ASSERT_OK(pl_pauli_sum_add(s, p, -3.0 * I));
    pl_pauli_destroy(p);
    ASSERT_OK(pl_pauli_parse("Z0", 2, &p));
    ASSERT_OK(pl_pauli_sum_add(s, p, 4.0));
    pl_pauli_destroy(p);
    assert_sum_prints(s, "2*X1 + 0*Y1 + 0.125*Z1 + 4*Z0");
    pl_pauli_sum_prune(s, 0.0); /* exact zeros only */
    assert_sum_prints(s, "2*X1 + 0.125*Z1 + 4*Z0");
    pl_pauli_sum_prune(s, 10.0);
    assert_sum_prints(s, "0");
    pl_pauli_sum_prune(s, 10.0); /* empty is fine */
    assert_sum_prints(s, "0");
    pl_pauli_sum_destroy(s);

    pl_pauli_sum_t *empty = new_sum(3);
    pl_pauli_sum_prune(empty, 0.0);
    assert_int_equal(pl_pauli_sum_size(empty), 0);
    pl_pauli_sum_destroy(empty);
}

/* Prune a large sum: every second term goes, order and lookups survive. */
static void test_sum_prune_large(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 7);
    enum { TERMS = 200 };
    pl_pauli_t *strings[TERMS];
    pl_pauli_sum_t *s = new_sum(1024);
    for (int i = 0; i < TERMS; i++) {
        strings[i] = random_pauli(&rng, 1024);
        ASSERT_OK(pl_pauli_sum_add(s, strings[i], i % 2 ? 1e-12 : 1.0 + i));
    }
    pl_pauli_sum_prune(s, 1e-10);
    CHECK_SEEDED(pl_pauli_sum_size(s) == TERMS / 2, SEED);
    for (int i = 0; i < TERMS; i++) {
        double complex c = pl_pauli_sum_coeff(s, strings[i]);
        CHECK_SEEDED(c == (i % 2 ? 0.0 : 1.0 + i), SEED);
        if (i % 2) continue;
        pl_pauli_t view;
        pl_pauli_sum_term(s, (size_t)i / 2, &view, &c);
        CHECK_SEEDED(pl_pauli_equal(&view, strings[i]), SEED);
    }
    for (int i = 0; i < TERMS; i++) pl_pauli_destroy(strings[i]);
    pl_pauli_sum_destroy(s);
}

/* A random sum of `terms` strings on n qubits (repeats merge). */
static pl_pauli_sum_t *random_sum(pl_rng_t *rng, int n, int terms) {
    pl_pauli_sum_t *s = new_sum(n);
    for (int t = 0; t < terms; t++) {
        pl_pauli_t *p = random_pauli(rng, n);
        ASSERT_OK(pl_pauli_sum_add(s, p, random_coeff(rng)));
        pl_pauli_destroy(p);
    }
    return s;
}

static void test_sum_mul_vs_dense(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 8);
    for (int n = 1; n <= 4; n++) {
        size_t d = (size_t)1 << n, d2 = d * d;
        for (int trial = 0; trial < 5; trial++) {
            pl_pauli_sum_t *a = random_sum(&rng, n, 1 + trial * 2);
            pl_pauli_sum_t *b = random_sum(&rng, n, 6 - trial);
            pl_pauli_sum_t *ab;
            ASSERT_OK(pl_pauli_sum_mul(a, b, &ab));
            double complex *A = dense_pauli_sum_matrix(a), *B = dense_pauli_sum_matrix(b);
            double complex *AB = dense_pauli_sum_matrix(ab), *ref = dense_zeros(d2);
            dense_matmul(d, A, B, ref);
            CHECK_SEEDED(dense_max_diff(AB, ref, d2) < 1e-12, SEED);
            /* Merged: no string twice. */
            for (size_t i = 0; i < pl_pauli_sum_size(ab); i++)
                for (size_t j = 0; j < i; j++) {
                    pl_pauli_t pi, pj;
                    double complex c;
                    pl_pauli_sum_term(ab, i, &pi, &c);
                    pl_pauli_sum_term(ab, j, &pj, &c);
                    CHECK_SEEDED(!pl_pauli_equal(&pi, &pj), SEED);
                }
            free(A), free(B), free(AB), free(ref);
            pl_pauli_sum_destroy(a), pl_pauli_sum_destroy(b), pl_pauli_sum_destroy(ab);
        }
    }
}

/* Phases by hand: (X0 + Y0)(X0 - Y0) = I - iZ - iZ - I = -2i Z0, and a
 * 1024-qubit product whose factors sit in the last word. */
static void test_sum_mul_by_hand(void **state) {
    (void)state;
    pl_pauli_sum_t *a = parse_ok("X0 + Y0", 1), *b = parse_ok("X0 - Y0", 1), *ab;
    ASSERT_OK(pl_pauli_sum_mul(a, b, &ab));
    assert_sum_prints(ab, "0*I + (0-2i)*Z0");
    pl_pauli_sum_destroy(a), pl_pauli_sum_destroy(b), pl_pauli_sum_destroy(ab);

    a = parse_ok("X1000 Z1 + 2*Y1023", 1024);
    b = parse_ok("Y1000 - Z1023", 1024);
    ASSERT_OK(pl_pauli_sum_mul(a, b, &ab));
    /* X1000 Z1 · Y1000 = i Z1 Z1000; X1000 Z1 · (-Z1023) = -Z1 X1000 Z1023;
     * 2 Y1023 · Y1000 = 2 Y1000 Y1023; 2 Y1023 · (-Z1023) = -2i X1023. */
    assert_sum_prints(ab, "(0+1i)*Z1 Z1000 - Z1 X1000 Z1023 + 2*Y1000 Y1023 + (0-2i)*X1023");
    pl_pauli_sum_destroy(a), pl_pauli_sum_destroy(b), pl_pauli_sum_destroy(ab);
}

static void test_sum_clone_add_sum(void **state) {
    (void)state;
    pl_pauli_sum_t *s = parse_ok("Z0 Z1 + 0.5*X2 - Y0 Z3", 0), *c;
    ASSERT_OK(pl_pauli_sum_clone(s, &c));
    assert_sums_identical(s, c);
    ASSERT_OK(pl_pauli_sum_add_sum(s, s, 2.0)); /* s += 2 s */
    assert_sum_prints(s, "3*Z0 Z1 + 1.5*X2 - 3*Y0 Z3");
    pl_pauli_sum_t *d = parse_ok("X0 + X2", 4);
    ASSERT_OK(pl_pauli_sum_add_sum(c, d, -1.0));
    assert_sum_prints(c, "Z0 Z1 - 0.5*X2 - Y0 Z3 - X0");
    pl_pauli_sum_destroy(d);

    pl_pauli_sum_t *empty = new_sum(5), *empty2;
    ASSERT_OK(pl_pauli_sum_clone(empty, &empty2));
    assert_int_equal(pl_pauli_sum_size(empty2), 0);
    assert_int_equal(pl_pauli_sum_qubits(empty2), 5);
    ASSERT_OK(pl_pauli_sum_add_sum(empty2, empty, 1.0));
    pl_pauli_sum_destroy(empty), pl_pauli_sum_destroy(empty2);
    pl_pauli_sum_destroy(s), pl_pauli_sum_destroy(c);
    pl_pauli_sum_destroy(NULL);
}

/* Resizing keeps terms, order and coefficients, across a word boundary. */
static void test_sum_resize(void **state) {
    (void)state;
    pl_pauli_sum_t *s = parse_ok("Z0 Z1 + (0.5+0.25i)*X2 - Y1 Z3 + 2*I", 0), *big, *back;
    ASSERT_OK(pl_pauli_sum_resize(s, 70, &big));
    assert_int_equal(pl_pauli_sum_qubits(big), 70);
    assert_sum_prints(big, "Z0 Z1 + (0.5+0.25i)*X2 - Y1 Z3 + 2*I");
    pl_pauli_sum_t *y69 = parse_ok("Y69", 70);
    ASSERT_OK(pl_pauli_sum_add_sum(big, y69, 1.0));
    pl_pauli_sum_destroy(y69);
    EXPECT_ERROR(pl_pauli_sum_resize(big, 69, &back), PL_EINVAL,
                 "observable acts on qubit 69, beyond the 69 qubits");
    assert_null(back);
    ASSERT_OK(pl_pauli_sum_resize(s, 4, &back));
    assert_sums_identical(s, back);
    pl_pauli_sum_destroy(back);
    EXPECT_ERROR(pl_pauli_sum_resize(s, 3, &back), PL_EINVAL, "qubit 3, beyond the 3 qubits");
    EXPECT_ERROR(pl_pauli_sum_resize(s, 0, &back), PL_EINVAL, "0 qubits");
    pl_pauli_sum_destroy(s), pl_pauli_sum_destroy(big);
}

static void test_sum_errors(void **state) {
    (void)state;
    pl_pauli_sum_t *s = (pl_pauli_sum_t *)1;
    EXPECT_ERROR(pl_pauli_sum_create(0, &s), PL_EINVAL, "Pauli sum of 0 qubits");
    assert_null(s);
    s = new_sum(4);
    pl_pauli_sum_t *t = new_sum(5), *out = (pl_pauli_sum_t *)1;
    pl_pauli_t *p = new_pauli(5);
    EXPECT_ERROR(pl_pauli_sum_add(s, p, 1.0), PL_EINVAL,
                 "Pauli string on 5 qubits does not match a Pauli sum on 4 qubits");
    EXPECT_ERROR(pl_pauli_sum_add_sum(s, t, 1.0), PL_EINVAL,
                 "Pauli sum on 5 qubits does not match a Pauli sum on 4 qubits");
    EXPECT_ERROR(pl_pauli_sum_mul(s, t, &out), PL_EINVAL, "on 5 qubits does not match");
    assert_null(out);
    assert_true(pl_pauli_sum_coeff(s, p) == 0.0); /* wrong size: simply absent */
    assert_int_equal(pl_pauli_sum_size(s), 0);
    pl_pauli_destroy(p);
    pl_pauli_sum_destroy(s), pl_pauli_sum_destroy(t);
}

/* The shared observable checks: Hermiticity (real, finite coefficients) and size. */
static void test_sum_checks(void **state) {
    (void)state;
    pl_pauli_sum_t *h = parse_ok("Z0 Z1 - 0.5*X2", 3);
    assert_int_equal(pl_pauli_sum_check_hermitian(h, "observable"), PL_OK);
    assert_int_equal(pl_pauli_sum_check_qubits(h, 3, "circuit"), PL_OK);
    EXPECT_ERROR(pl_pauli_sum_check_qubits(h, 2, "circuit"), PL_EINVAL,
                 "observable on 3 qubits for a 2-qubit circuit");
    EXPECT_ERROR(pl_pauli_sum_check_qubits(h, 4, "state"), PL_EINVAL,
                 "observable on 3 qubits for a 4-qubit state");
    pl_pauli_sum_destroy(h);

    h = parse_ok("Z0 + (0.5+1i)*Y1", 2);
    EXPECT_ERROR(pl_pauli_sum_check_hermitian(h, "generator 1"), PL_EINVAL,
                 "generator 1 has the complex coefficient 0.5+1i on 'Y1' (term 1); it must be "
                 "real (Hermitian) and finite");
    pl_pauli_sum_destroy(h);

    /* A non-finite real coefficient (the parser refuses one; arithmetic can make it). */
    h = new_sum(2);
    pl_pauli_t *p = new_pauli(2);
    pl_pauli_set(p, 0, PL_Z);
    assert_int_equal(pl_pauli_sum_add(h, p, 1.0), PL_OK);
    pl_pauli_set(p, 1, PL_X);
    assert_int_equal(pl_pauli_sum_add(h, p, INFINITY), PL_OK);
    EXPECT_ERROR(pl_pauli_sum_check_hermitian(h, "observable"), PL_EINVAL,
                 "observable has the coefficient inf on 'Z0 X1' (term 1); it must be real and "
                 "finite");
    pl_pauli_destroy(p);
    pl_pauli_sum_destroy(h);

    /* The empty sum is Hermitian. */
    h = new_sum(1);
    assert_int_equal(pl_pauli_sum_check_hermitian(h, "observable"), PL_OK);
    pl_pauli_sum_destroy(h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_product_table),
        cmocka_unit_test(test_table_matches_matrices),
        cmocka_unit_test(test_mul_and_commutes_vs_dense),
        cmocka_unit_test(test_weight_support_count_y),
        cmocka_unit_test(test_large_strings),
        cmocka_unit_test(test_create_clone_copy_equal),
        cmocka_unit_test(test_string_text),
        cmocka_unit_test(test_sum_text_examples),
        cmocka_unit_test(test_sum_text_round_trip),
        cmocka_unit_test(test_sum_parse_errors),
        cmocka_unit_test(test_sum_merging),
        cmocka_unit_test(test_sum_high_words),
        cmocka_unit_test(test_sum_prune),
        cmocka_unit_test(test_sum_prune_large),
        cmocka_unit_test(test_sum_mul_vs_dense),
        cmocka_unit_test(test_sum_mul_by_hand),
        cmocka_unit_test(test_sum_clone_add_sum),
        cmocka_unit_test(test_sum_resize),
        cmocka_unit_test(test_sum_errors),
        cmocka_unit_test(test_sum_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
