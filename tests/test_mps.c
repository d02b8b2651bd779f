/* Tests for src/mps without DMRG: MPS storage and canonical forms, MPOs from
 * Pauli sums, observables, entropies and HDF5 files. References are built
 * here or in tests/support/dense.c, independent of the library: the state
 * vector of an MPS by multiplying out its matrices, operators from explicit
 * Kronecker products, entropies from an SVD of the reshaped state vector.
 * Random cases use fixed seeds, printed on failure. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <complex.h>
#include <hdf5.h>
#include <inttypes.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dense.h"
#include "plateau/core.h"
#include "plateau/io.h"
#include "plateau/mps.h"
#include "plateau/pauli.h"
#include "testutil.h"

enum { SEED = 20240717 };

/* ------------------------------------------------------------------------ */
/* References                                                               */
/* ------------------------------------------------------------------------ */

/* The 2^n amplitudes of an MPS: ψ(j) = A_0[j_0] ⋯ A_{n−1}[j_{n−1}], bit q of j = j_q. */
static double *mps_dense(const pl_mps_t *psi) {
    const int n = pl_mps_sites(psi);
    const size_t dim = (size_t)1 << n;
    double *out = malloc(dim * sizeof *out), *row = malloc(4096 * sizeof *row),
           *next = malloc(4096 * sizeof *next);
    assert_non_null(out);
    for (size_t j = 0; j < dim; j++) {
        row[0] = 1.0;
        int d = 1;
        for (int i = 0; i < n; i++) {
            const double *a;
            int dl, dr;
            ASSERT_OK(pl_mps_site(psi, i, &a, &dl, &dr));
            assert_int_equal(dl, d);
            const int s = (int)(j >> i) & 1;
            for (int b = 0; b < dr; b++) {
                double v = 0;
                for (int x = 0; x < dl; x++) v += row[x] * a[((size_t)x * 2 + s) * dr + b];
                next[b] = v;
            }
            memcpy(row, next, (size_t)dr * sizeof *row);
            d = dr;
        }
        out[j] = row[0];
    }
    free(row);
    free(next);
    return out;
}

static double *cplx_to_real_check(const double complex *m, size_t len) {
    double *r = malloc(len * sizeof *r);
    for (size_t k = 0; k < len; k++) {
        if (fabs(cimag(m[k])) > 1e-14) test_fail("entry %zu has imaginary part %g", k, cimag(m[k]));
        r[k] = creal(m[k]);
    }
    return r;
}

/* The dense matrix of an MPO: H[row][col] = W_0[row_0 col_0] ⋯ W_{n−1}[…]. */
static double *mpo_dense(const pl_mpo_t *w) {
    const int n = pl_mpo_sites(w);
    const size_t dim = (size_t)1 << n;
    double *h = malloc(dim * dim * sizeof *h), vec[256], next[256];
    for (size_t r = 0; r < dim; r++)
        for (size_t c = 0; c < dim; c++) {
            vec[0] = 1.0;
            for (int i = 0; i < n; i++) {
                const double *t;
                int wl, wr;
                ASSERT_OK(pl_mpo_site(w, i, &t, &wl, &wr));
                assert_true(wr <= 256);
                const int s = (int)(r >> i) & 1, u = (int)(c >> i) & 1;
                for (int b = 0; b < wr; b++) {
                    double v = 0;
                    for (int a = 0; a < wl; a++)
                        v += vec[a] * t[((size_t)(a * 2 + s) * 2 + u) * wr + b];
                    next[b] = v;
                }
                memcpy(vec, next, (size_t)wr * sizeof *vec);
            }
            h[r * dim + c] = vec[0];
        }
    return h;
}

/* ⟨ψ|M|ψ⟩ / ⟨ψ|ψ⟩ for a real vector and a real dim x dim matrix. */
static double dense_real_expval(const double *psi, const double *m, size_t dim) {
    double num = 0, den = 0;
    for (size_t r = 0; r < dim; r++) {
        double row = 0;
        for (size_t c = 0; c < dim; c++) row += m[r * dim + c] * psi[c];
        num += psi[r] * row;
        den += psi[r] * psi[r];
    }
    return num / den;
}

/* A random string with an even number of Y factors (the last Y turned into X). */
static void random_even_y(pl_rng_t *rng, pl_pauli_t *p, double p_identity) {
    int last_y = -1, ny = 0;
    for (int q = 0; q < p->n; q++) {
        pl_pauli_op_t op = PL_I;
        if (pl_rng_uniform(rng) >= p_identity) op = (pl_pauli_op_t)(1 + pl_rng_below(rng, 3));
        pl_pauli_set(p, q, op);
        if (op == PL_Y) {
            last_y = q;
            ny++;
        }
    }
    if (ny % 2) pl_pauli_set(p, last_y, PL_X);
}

/* A random real Pauli sum with even-Y terms, a few long ones, and an identity term. */
static pl_pauli_sum_t *random_real_sum(pl_rng_t *rng, int n, int terms) {
    pl_pauli_sum_t *h;
    pl_pauli_t *p;
    ASSERT_OK(pl_pauli_sum_create(n, &h));
    ASSERT_OK(pl_pauli_create(n, &p));
    for (int t = 0; t < terms; t++) {
        random_even_y(rng, p, t % 3 == 0 ? 0.1 : 0.6);
        ASSERT_OK(pl_pauli_sum_add(h, p, pl_rng_uniform(rng) - 0.5));
    }
    pl_pauli_set_identity(p);
    ASSERT_OK(pl_pauli_sum_add(h, p, 0.3));
    pl_pauli_destroy(p);
    return h;
}

static pl_pauli_sum_t *parse_sum(const char *text, int n) {
    pl_pauli_sum_t *h;
    if (pl_pauli_sum_parse(text, n, &h) != PL_OK) test_fail("parse: %s", pl_error_message());
    return h;
}

static pl_mpo_t *mpo_of(const char *text, int n) {
    pl_pauli_sum_t *h = parse_sum(text, n);
    pl_mpo_t *w;
    if (pl_mpo_from_pauli_sum(h, &w) != PL_OK) test_fail("mpo: %s", pl_error_message());
    pl_pauli_sum_destroy(h);
    return w;
}

/* Append "c*A i B i+1 ..." terms over a chain: ops are letters for consecutive
 * sites starting at every i with i + strlen(ops) <= n. */
static void append_chain(char *buf, size_t cap, int n, double c, const char *ops) {
    const int k = (int)strlen(ops);
    for (int i = 0; i + k <= n; i++) {
        size_t len = strlen(buf);
        len += (size_t)snprintf(buf + len, cap - len, " %+.17g*", c);
        for (int j = 0; j < k; j++)
            len += (size_t)snprintf(buf + len, cap - len, "%s%c%d", j ? " " : "", ops[j], i + j);
    }
}

/* ------------------------------------------------------------------------ */
/* MPO                                                                      */
/* ------------------------------------------------------------------------ */

/* Random real Pauli sums at n = 6: the contracted MPO equals the Kronecker sum. */
static void test_mpo_dense_random(void **state) {
    (void)state;
    for (uint64_t seed = SEED; seed < SEED + 6; seed++) {
        pl_rng_t rng;
        pl_rng_seed(&rng, seed, 0);
        const int n = 6;
        pl_pauli_sum_t *h = random_real_sum(&rng, n, 12);
        pl_mpo_t *w;
        CHECK_SEEDED(pl_mpo_from_pauli_sum(h, &w) == PL_OK, seed);
        double complex *ref_c = dense_pauli_sum_matrix(h);
        const size_t dim = (size_t)1 << n;
        double *ref = cplx_to_real_check(ref_c, dim * dim), *got = mpo_dense(w);
        for (size_t k = 0; k < dim * dim; k++) CHECK_SEEDED(fabs(ref[k] - got[k]) < 1e-13, seed);
        free(ref_c);
        free(ref);
        free(got);
        pl_mpo_destroy(w);
        pl_pauli_sum_destroy(h);
    }
}

/* Long strings and shared prefixes: Z X X X Z, terms that branch after a common part. */
static void test_mpo_dense_long(void **state) {
    (void)state;
    const char *text = "Z0 X1 X2 X3 Z4 - 0.5*Z0 X1 X2 Y3 Y5 + 2*Z0 X1 Z2 + Y0 Y5 - 0.25*X2 "
                       "+ 0.7*Z0 X1 X2 X3 Z5 + 1.5*I";
    const int n = 6;
    pl_pauli_sum_t *h = parse_sum(text, n);
    pl_mpo_t *w;
    ASSERT_OK(pl_mpo_from_pauli_sum(h, &w));
    double complex *ref_c = dense_pauli_sum_matrix(h);
    const size_t dim = (size_t)1 << n;
    double *ref = cplx_to_real_check(ref_c, dim * dim), *got = mpo_dense(w);
    for (size_t k = 0; k < dim * dim; k++) assert_true(fabs(ref[k] - got[k]) < 1e-13);
    free(ref_c);
    free(ref);
    free(got);
    pl_mpo_destroy(w);
    pl_pauli_sum_destroy(h);
}

/* MPO bond dimensions of the models of SCIENCE.md §8 (optimal automata). */
static void test_mpo_bond_dims(void **state) {
    (void)state;
    static char buf[1 << 16];
    const int n = 12;
    struct {
        const char *name, *ops[3];
        double c[3];
        int want;
    } cases[] = {
        {"tfim", {"ZZ", "X", NULL}, {-1, -0.7, 0}, 3},
        {"xxx", {"XX", "YY", "ZZ"}, {0.25, 0.25, 0.25}, 5},
        {"cluster-ising", {"ZXZ", "X", "XX"}, {-1, -0.5, -0.3}, 5},
        {"annni", {"XX", "XIX", "Z"}, {-1, 0.4, -0.8}, 4},
        {"generalized-cluster", {"Z", "XX", "XZX"}, {1, -1.2, -0.7}, 4},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        buf[0] = 0;
        for (int t = 0; t < 3 && cases[k].ops[t]; t++) {
            char ops[8];
            snprintf(ops, sizeof ops, "%s", cases[k].ops[t]);
            append_chain(buf, sizeof buf, n, cases[k].c[t], ops);
        }
        /* "I" factors in the pattern: drop them from the text. */
        for (char *p = strstr(buf, "I"); p; p = strstr(buf, "I")) {
            char *e = p;
            while (*e && *e != ' ') e++;
            memmove(p, e, strlen(e) + 1);
        }
        pl_mpo_t *w = mpo_of(buf, n);
        if (pl_mpo_max_bond_dim(w) != cases[k].want)
            test_fail("%s: MPO bond dimension %d, expected %d", cases[k].name,
                      pl_mpo_max_bond_dim(w), cases[k].want);
        assert_int_equal(pl_mpo_bond_dim(w, 0), 1);
        assert_int_equal(pl_mpo_bond_dim(w, n), 1);
        pl_mpo_destroy(w);
    }
}

static void test_mpo_errors(void **state) {
    (void)state;
    pl_pauli_sum_t *h = parse_sum("Z0 Z1 + X0 Y1", 3);
    pl_mpo_t *w;
    EXPECT_ERROR(pl_mpo_from_pauli_sum(h, &w), PL_EINVAL, "X0 Y1) has 1 Y factors");
    pl_pauli_sum_destroy(h);
    h = parse_sum("Z0 Z1 + 0.5i*Y0 Y1", 3);
    EXPECT_ERROR(pl_mpo_from_pauli_sum(h, &w), PL_EINVAL, "complex coefficient");
    pl_pauli_sum_destroy(h);
    /* n = 1 and a pure constant work. */
    w = mpo_of("2*X0 - 0.5*I", 1);
    double *m = mpo_dense(w);
    assert_true(fabs(m[0] + 0.5) < 1e-15 && fabs(m[1] - 2) < 1e-15 && fabs(m[3] + 0.5) < 1e-15);
    free(m);
    pl_mpo_destroy(w);
}

/* ------------------------------------------------------------------------ */
/* MPS                                                                      */
/* ------------------------------------------------------------------------ */

static pl_mps_t *random_mps(int n, int chi, uint64_t seed) {
    pl_mps_t *psi;
    if (pl_mps_create_random(n, chi, seed, &psi) != PL_OK) test_fail("%s", pl_error_message());
    return psi;
}

/* An MPS with random (non-canonical, unnormalised) tensors of bond dimension
 * chi <= 64, entries 3 x standard normal. */
static pl_mps_t *raw_mps(int n, int chi, uint64_t seed) {
    int *dims = malloc((size_t)(n + 1) * sizeof *dims);
    dims[0] = dims[n] = 1;
    for (int b = 1; b < n; b++) dims[b] = chi;
    pl_mps_t *psi;
    ASSERT_OK(pl_mps_create(n, dims, &psi));
    pl_rng_t rng;
    pl_rng_seed(&rng, seed, 1);
    double buf[2 * 64 * 64];
    for (int i = 0; i < n; i++) {
        const int dl = dims[i], dr = dims[i + 1];
        for (int k = 0; k < 2 * dl * dr; k++) buf[k] = 3 * pl_rng_normal(&rng);
        ASSERT_OK(pl_mps_set_site(psi, i, buf, dl, dr));
    }
    assert_int_equal(pl_mps_center(psi), -1);
    free(dims);
    return psi;
}

/* Σ ψ_j² and the maximum of |a_j − s b_j|. */
static double vec_norm(const double *v, size_t dim) {
    double s = 0;
    for (size_t j = 0; j < dim; j++) s += v[j] * v[j];
    return sqrt(s);
}

static double vec_diff(const double *a, const double *b, double scale, size_t dim) {
    double m = 0;
    for (size_t j = 0; j < dim; j++) m = fmax(m, fabs(a[j] - scale * b[j]));
    return m;
}

/* Canonical forms keep the state; orthonormality as documented. */
static void test_canonical(void **state) {
    (void)state;
    const int n = 8;
    const size_t dim = 1u << n;
    for (uint64_t seed = SEED; seed < SEED + 3; seed++) {
        pl_mps_t *psi = raw_mps(n, 5, seed);
        double *ref = mps_dense(psi);
        double nrm;
        ASSERT_OK(pl_mps_norm(psi, &nrm));
        CHECK_SEEDED(fabs(nrm / vec_norm(ref, dim) - 1) < 1e-12, seed);
        for (int c = 0; c < n; c += 3) {
            ASSERT_OK(pl_mps_canonicalize(psi, c));
            assert_int_equal(pl_mps_center(psi), c);
            double *got = mps_dense(psi);
            CHECK_SEEDED(vec_diff(got, ref, 1, dim) < 1e-12 * vec_norm(ref, dim), seed);
            free(got);
            /* left of c: Σ_{a,s} A A = I; right of c: Σ_{s,b} A A = I */
            for (int i = 0; i < n; i++) {
                if (i == c) continue;
                const double *a;
                int dl, dr;
                ASSERT_OK(pl_mps_site(psi, i, &a, &dl, &dr));
                const int m = i < c ? dr : dl;
                for (int x = 0; x < m; x++)
                    for (int y = 0; y < m; y++) {
                        double g = 0;
                        if (i < c)
                            for (int r = 0; r < 2 * dl; r++) g += a[r * dr + x] * a[r * dr + y];
                        else
                            for (int r = 0; r < 2 * dr; r++)
                                g += a[x * 2 * dr + r] * a[y * 2 * dr + r];
                        CHECK_SEEDED(fabs(g - (x == y)) < 1e-12, seed);
                    }
            }
        }
        ASSERT_OK(pl_mps_normalize(psi, &nrm));
        CHECK_SEEDED(fabs(nrm / vec_norm(ref, dim) - 1) < 1e-12, seed);
        double *got = mps_dense(psi);
        CHECK_SEEDED(vec_diff(got, ref, 1 / nrm, dim) < 1e-12, seed);
        free(got);
        free(ref);
        pl_mps_destroy(psi);
    }
}

/* Random MPS: norm 1, bond dimensions, overlap against the dense inner product. */
static void test_random_and_overlap(void **state) {
    (void)state;
    const int n = 9;
    const size_t dim = 1u << n;
    pl_mps_t *a = random_mps(n, 6, SEED), *b = raw_mps(n, 3, SEED + 1);
    assert_int_equal(pl_mps_center(a), 0);
    for (int bond = 0; bond <= n; bond++) {
        const int edge = bond < n - bond ? bond : n - bond;
        const int want = (1 << edge) < 6 ? 1 << edge : 6;
        assert_int_equal(pl_mps_bond_dim(a, bond), want);
    }
    assert_int_equal(pl_mps_bond_dim(a, n + 1), 0);
    double *va = mps_dense(a), *vb = mps_dense(b);
    assert_true(fabs(vec_norm(va, dim) - 1) < 1e-12);
    double ref = 0, got;
    for (size_t j = 0; j < dim; j++) ref += va[j] * vb[j];
    ASSERT_OK(pl_mps_overlap(a, b, &got));
    assert_true(fabs(got - ref) < 1e-12 * vec_norm(vb, dim));
    pl_mps_t *c;
    ASSERT_OK(pl_mps_clone(b, &c));
    ASSERT_OK(pl_mps_overlap(b, c, &got));
    assert_true(fabs(got / (vec_norm(vb, dim) * vec_norm(vb, dim)) - 1) < 1e-12);
    free(va);
    free(vb);
    pl_mps_destroy(a);
    pl_mps_destroy(b);
    pl_mps_destroy(c);
}

/* Long chains: unnormalised random tensors on 1,000 sites have a norm beyond
 * the double range, yet normalising gives a clean state; a
 * normalised 1,000-site state has overlap 1 with itself. */
static void test_overlap_long_chain(void **state) {
    (void)state;
    pl_mps_t *a = raw_mps(1000, 2, SEED);
    double nrm, ov;
    ASSERT_OK(pl_mps_norm(a, &nrm));
    assert_true(isinf(nrm));
    ASSERT_OK(pl_mps_normalize(a, &nrm));
    assert_true(isinf(nrm));
    ASSERT_OK(pl_mps_overlap(a, a, &ov));
    assert_true(fabs(ov - 1) < 1e-10);
    pl_mps_t *big = random_mps(1000, 4, SEED);
    ASSERT_OK(pl_mps_norm(big, &nrm));
    assert_true(fabs(nrm - 1) < 1e-12);
    ASSERT_OK(pl_mps_overlap(big, big, &ov));
    assert_true(fabs(ov - 1) < 1e-10);
    pl_mps_destroy(a);
    pl_mps_destroy(big);
}

static void test_product_state(void **state) {
    (void)state;
    const double local[8] = {1, 1, 0, 2, 3, 0, 1, -1};
    pl_mps_t *psi;
    ASSERT_OK(pl_mps_create_product(4, local, &psi));
    double *v = mps_dense(psi);
    /* ψ(j) = Π_q u_q[j_q] / |u_q| */
    for (size_t j = 0; j < 16; j++) {
        double want = 1;
        for (int q = 0; q < 4; q++)
            want *= local[2 * q + ((j >> q) & 1)] / hypot(local[2 * q], local[2 * q + 1]);
        assert_true(fabs(v[j] - want) < 1e-15);
    }
    free(v);
    pl_mps_destroy(psi);
    const double zero[4] = {1, 0, 0, 0};
    EXPECT_ERROR(pl_mps_create_product(2, zero, &psi), PL_EINVAL, "site 1");
}

/* ⟨P⟩ of random strings (any support, Y pairs, odd Y) against the dense value. */
static void test_expval_pauli(void **state) {
    (void)state;
    const int n = 8;
    for (uint64_t seed = SEED; seed < SEED + 4; seed++) {
        pl_mps_t *psi = seed % 2 ? random_mps(n, 5, seed) : raw_mps(n, 3, seed);
        if (seed == SEED + 2) ASSERT_OK(pl_mps_canonicalize(psi, 4));
        double *v = mps_dense(psi);
        const size_t dim = 1u << n;
        double complex *vc = dense_zeros(dim);
        const double nrm = vec_norm(v, dim);
        for (size_t j = 0; j < dim; j++) vc[j] = v[j] / nrm;
        pl_rng_t rng;
        pl_rng_seed(&rng, seed, 2);
        pl_pauli_t *p;
        ASSERT_OK(pl_pauli_create(n, &p));
        for (int t = 0; t < 40; t++) {
            for (int q = 0; q < n; q++) {
                pl_pauli_op_t op = PL_I;
                if (pl_rng_uniform(&rng) >= 0.5) op = (pl_pauli_op_t)(1 + pl_rng_below(&rng, 3));
                pl_pauli_set(p, q, op);
            }
            char letters[65];
            dense_pauli_letters(p, letters);
            const double complex ref = dense_pauli_expval_direct(n, vc, letters);
            double got;
            CHECK_SEEDED(pl_mps_expval_pauli(psi, p, &got) == PL_OK, seed);
            CHECK_SEEDED(fabs(cimag(ref)) < 1e-13, seed);
            if (fabs(got - creal(ref)) > 1e-12)
                test_fail("seed %" PRIu64 " %s: MPS %.15g, dense %.15g", seed, letters, got,
                          creal(ref));
        }
        pl_pauli_destroy(p);
        free(vc);
        free(v);
        pl_mps_destroy(psi);
    }
}

/* ⟨H⟩ of random real sums (odd-Y terms skipped) and of the MPO, against dense. */
static void test_expval_sum(void **state) {
    (void)state;
    const int n = 7;
    const size_t dim = 1u << n;
    for (uint64_t seed = SEED; seed < SEED + 3; seed++) {
        pl_rng_t rng;
        pl_rng_seed(&rng, seed, 3);
        pl_pauli_sum_t *h = random_real_sum(&rng, n, 15);
        pl_pauli_sum_t *odd = parse_sum("0.7*Y0 X3 + 2*Y6", n);
        ASSERT_OK(pl_pauli_sum_add_sum(h, odd, 1.0));
        pl_mps_t *psi = seed % 2 ? random_mps(n, 4, seed) : raw_mps(n, 3, seed);
        double *v = mps_dense(psi);
        double complex *hc = dense_pauli_sum_matrix(h);
        double *hr = malloc(dim * dim * sizeof *hr);
        for (size_t k = 0; k < dim * dim; k++) hr[k] = creal(hc[k]); /* odd-Y part: imaginary */
        const double ref = dense_real_expval(v, hr, dim);
        double got;
        CHECK_SEEDED(pl_mps_expval_sum(psi, h, &got) == PL_OK, seed);
        CHECK_SEEDED(fabs(got - ref) < 1e-12, seed);
        pl_mpo_t *w;
        EXPECT_ERROR(pl_mpo_from_pauli_sum(h, &w), PL_EINVAL, "Y factors");
        free(hc);
        free(hr);
        free(v);
        pl_pauli_sum_destroy(odd);
        pl_pauli_sum_destroy(h);
        pl_mps_destroy(psi);
    }
}

/* Entropies: 0 for a product state, ln 2 for a Bell pair, and the SVD of the
 * reshaped state vector for random states. */
static void test_entropies(void **state) {
    (void)state;
    double s[16];
    pl_mps_t *psi;
    ASSERT_OK(pl_mps_create_product(5, NULL, &psi));
    ASSERT_OK(pl_mps_entropies(psi, s));
    for (int b = 0; b < 4; b++) assert_true(fabs(s[b]) < 1e-14);
    pl_mps_destroy(psi);

    /* |0⟩ ⊗ (|00⟩ + |11⟩)/√2 on sites 1, 2 ⊗ |0⟩: bond dims 1, 1, 2, 1, 1. */
    const int dims[5] = {1, 1, 2, 1, 1};
    ASSERT_OK(pl_mps_create(4, dims, &psi));
    const double r2 = 0.70710678118654752; /* 1/√2 */
    const double zero[2] = {1, 0}, left[4] = {1, 0, 0, 1}, right[4] = {r2, 0, 0, r2};
    ASSERT_OK(pl_mps_set_site(psi, 0, zero, 1, 1));
    ASSERT_OK(pl_mps_set_site(psi, 1, left, 1, 2));
    ASSERT_OK(pl_mps_set_site(psi, 2, right, 2, 1));
    ASSERT_OK(pl_mps_set_site(psi, 3, zero, 1, 1));
    ASSERT_OK(pl_mps_entropies(psi, s));
    assert_true(fabs(s[0]) < 1e-14 && fabs(s[1] - log(2)) < 1e-14 && fabs(s[2]) < 1e-14);
    pl_mps_destroy(psi);

    const int n = 8;
    psi = raw_mps(n, 4, SEED);
    double *v = mps_dense(psi);
    ASSERT_OK(pl_mps_entropies(psi, s));
    for (int b = 0; b + 1 < n; b++) {
        /* sites 0..b are the low bits: ψ as a 2^(n-b-1) x 2^(b+1) row-major matrix */
        const int cols = 1 << (b + 1), rows = 1 << (n - b - 1), k = rows < cols ? rows : cols;
        double *m = malloc((size_t)rows * cols * sizeof *m), sv[256], superb[256];
        memcpy(m, v, (size_t)rows * cols * sizeof *m);
        assert_int_equal(LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'N', 'N', rows, cols, m, cols, sv, NULL,
                                        1, NULL, 1, superb),
                         0);
        double total = 0, ref = 0;
        for (int j = 0; j < k; j++) total += sv[j] * sv[j];
        for (int j = 0; j < k; j++) {
            const double p = sv[j] * sv[j] / total;
            if (p > 0) ref -= p * log(p);
        }
        if (fabs(ref - s[b]) > 1e-11) test_fail("cut %d: entropy %.15g, dense %.15g", b, s[b], ref);
        free(m);
    }
    free(v);
    pl_mps_destroy(psi);
}

/* ------------------------------------------------------------------------ */
/* Files                                                                    */
/* ------------------------------------------------------------------------ */

static void temp_path(char *buf, size_t cap, const char *name) {
    snprintf(buf, cap, "/tmp/plateau_test_mps_%d_%s", (int)getpid(), name);
}

static void expect_identical(const pl_mps_t *a, const pl_mps_t *b) {
    assert_int_equal(pl_mps_sites(a), pl_mps_sites(b));
    assert_int_equal(pl_mps_center(a), pl_mps_center(b));
    for (int i = 0; i < pl_mps_sites(a); i++) {
        const double *ta, *tb;
        int dla, dra, dlb, drb;
        ASSERT_OK(pl_mps_site(a, i, &ta, &dla, &dra));
        ASSERT_OK(pl_mps_site(b, i, &tb, &dlb, &drb));
        assert_int_equal(dla, dlb);
        assert_int_equal(dra, drb);
        assert_memory_equal(ta, tb, (size_t)2 * dla * dra * sizeof *ta);
    }
}

/* Set an int64 attribute of an existing file (to fake a damaged file). */
static void poke_attr(const char *path, const char *name, int64_t value) {
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    assert_true(a >= 0);
    assert_true(H5Awrite(a, H5T_NATIVE_INT64, &value) >= 0);
    H5Aclose(a);
    H5Fclose(f);
}

static void test_save_load(void **state) {
    (void)state;
    char path[256];
    temp_path(path, sizeof path, "state.h5");
    pl_mps_t *psi = random_mps(30, 16, SEED), *back;
    ASSERT_OK(pl_mps_canonicalize(psi, 11));
    const pl_mps_attr_t extra[2] = {{"model", "tfim", 0}, {"energy", NULL, -1.25}};
    ASSERT_OK(pl_mps_save(psi, path, "plateau gs --model tfim", 7, extra, 2));
    if (pl_mps_load(path, &back) != PL_OK) test_fail("%s", pl_error_message());
    expect_identical(psi, back);
    pl_mps_destroy(back);
    /* a non-canonical state keeps centre −1 */
    pl_mps_t *raw = raw_mps(6, 3, SEED);
    ASSERT_OK(pl_mps_save(raw, path, NULL, 0, NULL, 0));
    ASSERT_OK(pl_mps_load(path, &back));
    expect_identical(raw, back);
    pl_mps_destroy(back);
    /* ... and claiming a centre for it is caught */
    poke_attr(path, "center", 0);
    EXPECT_ERROR(pl_mps_load(path, &back), PL_EPARSE, "not right-orthonormal");
    ASSERT_OK(pl_mps_save(raw, path, NULL, 0, NULL, 0));
    poke_attr(path, "sites", 7);
    EXPECT_ERROR(pl_mps_load(path, &back), PL_EIO, "bond_dims");
    ASSERT_OK(pl_mps_save(raw, path, NULL, 0, NULL, 0));
    poke_attr(path, "format_version", 2);
    EXPECT_ERROR(pl_mps_load(path, &back), PL_EPARSE, "format version 2");
    pl_mps_destroy(raw);
    const pl_mps_attr_t reserved = {"seed", NULL, 1};
    EXPECT_ERROR(pl_mps_save(psi, path, NULL, 0, &reserved, 1), PL_EINVAL, "reserved");
    remove(path);
    pl_mps_destroy(psi);
}

/* Flip bytes in the middle of a file / cut it short / read another format. */
static void test_load_damaged(void **state) {
    (void)state;
    char path[256];
    temp_path(path, sizeof path, "damaged.h5");
    pl_mps_t *psi = random_mps(40, 16, SEED), *back;
    ASSERT_OK(pl_mps_save(psi, path, NULL, 0, NULL, 0));
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    const long size = ftell(f);
    fseek(f, size / 2, SEEK_SET);
    const char junk[64] = "0123456789abcdef0123456789abcdef0123456789abcdef012345678";
    fwrite(junk, 1, sizeof junk, f);
    fclose(f);
    const pl_status_t st = pl_mps_load(path, &back);
    assert_true(st == PL_EIO || st == PL_EPARSE);
    test_expect_contains(pl_error_message(), path);

    ASSERT_OK(pl_mps_save(psi, path, NULL, 0, NULL, 0));
    assert_int_equal(truncate(path, size / 3), 0);
    EXPECT_ERROR(pl_mps_load(path, &back), PL_EIO, path);

    remove(path);
    EXPECT_ERROR(pl_mps_load(path, &back), PL_EIO, "cannot read");
    ASSERT_OK(pl_io_write_text_atomic(path, "not hdf5\n"));
    EXPECT_ERROR(pl_mps_load(path, &back), PL_EIO, "not an HDF5 file");
    /* an HDF5 file of another kind */
    hid_t h = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(h >= 0);
    H5Fclose(h);
    EXPECT_ERROR(pl_mps_load(path, &back), PL_EPARSE, "not a plateau MPS file");
    remove(path);
    pl_mps_destroy(psi);
}

/* ------------------------------------------------------------------------ */
/* Bad input                                                                */
/* ------------------------------------------------------------------------ */

static void test_bad_input(void **state) {
    (void)state;
    pl_mps_t *psi;
    EXPECT_ERROR(pl_mps_create_random(5, 0, 1, &psi), PL_EINVAL, "bond dimension 0");
    EXPECT_ERROR(pl_mps_create_random(0, 2, 1, &psi), PL_EINVAL, "number of sites 0");
    const int bad[4] = {1, 2, 0, 1};
    EXPECT_ERROR(pl_mps_create(3, bad, &psi), PL_EINVAL, "bond 2");
    const int edge[3] = {2, 2, 1};
    EXPECT_ERROR(pl_mps_create(2, edge, &psi), PL_EINVAL, "boundary");
    psi = random_mps(4, 2, 1);
    double buf[8] = {0};
    EXPECT_ERROR(pl_mps_set_site(psi, 1, buf, 1, 1), PL_EINVAL, "(2, 2), got (1, 1)");
    buf[0] = NAN;
    EXPECT_ERROR(pl_mps_set_site(psi, 0, buf, 1, 2), PL_EINVAL, "not finite");
    EXPECT_ERROR(pl_mps_canonicalize(psi, 4), PL_EINVAL, "site 4 out of range");
    pl_pauli_t *p;
    ASSERT_OK(pl_pauli_create(5, &p));
    double v;
    EXPECT_ERROR(pl_mps_expval_pauli(psi, p, &v), PL_EINVAL, "5 qubits");
    pl_pauli_destroy(p);
    pl_mpo_t *w = mpo_of("Z0 Z1", 3);
    EXPECT_ERROR(pl_mps_expval_mpo(psi, w, &v), PL_EINVAL, "3 sites");
    pl_mpo_destroy(w);
    pl_mps_t *other = random_mps(3, 2, 1);
    EXPECT_ERROR(pl_mps_overlap(psi, other, &v), PL_EINVAL, "4 and 3");
    pl_mps_destroy(other);
    pl_mps_destroy(psi);
    /* a zero state cannot be normalised */
    const int ones[3] = {1, 1, 1};
    ASSERT_OK(pl_mps_create(2, ones, &psi));
    EXPECT_ERROR(pl_mps_normalize(psi, NULL), PL_EINVAL, "zero");
    pl_mps_destroy(psi);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mpo_dense_random),   cmocka_unit_test(test_mpo_dense_long),
        cmocka_unit_test(test_mpo_bond_dims),      cmocka_unit_test(test_mpo_errors),
        cmocka_unit_test(test_canonical),          cmocka_unit_test(test_random_and_overlap),
        cmocka_unit_test(test_overlap_long_chain), cmocka_unit_test(test_product_state),
        cmocka_unit_test(test_expval_pauli),       cmocka_unit_test(test_expval_sum),
        cmocka_unit_test(test_entropies),          cmocka_unit_test(test_save_load),
        cmocka_unit_test(test_load_damaged),       cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
