/*
 * Classical shadows against independent references: exact expectations of
 * random states from the state vector (estimates within their stated
 * confidence radii), a hand-written shot file with estimates computed by hand,
 * closed-form window counts, and round trips through text and HDF5.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dense.h"
#include "plateau.h"
#include "plateau/shadows.h"
#include "testutil.h"

#define SEED 7007u

static pl_sv_t *random_state(int n, pl_rng_t *rng) {
    pl_sv_t *sv;
    ASSERT_OK(pl_sv_create(n, &sv));
    dense_random_state(n, rng, pl_sv_data(sv));
    return sv;
}

static double exact_expval(const pl_sv_t *sv, const pl_pauli_t *p) {
    pl_pauli_sum_t *one;
    ASSERT_OK(pl_pauli_sum_create(p->n, &one));
    ASSERT_OK(pl_pauli_sum_add(one, p, 1.0));
    double complex e;
    ASSERT_OK(pl_sv_expval_sum(sv, one, &e));
    pl_pauli_sum_destroy(one);
    return creal(e);
}

/* A random string of exactly weight w on n qubits. */
static pl_pauli_t *random_string(pl_rng_t *rng, int n, int w) {
    pl_pauli_t *p;
    int qs[8];
    ASSERT_OK(pl_pauli_create(n, &p));
    test_random_qubits(rng, n, w, qs);
    for (int j = 0; j < w; j++) pl_pauli_set(p, qs[j], (pl_pauli_op_t)(1 + pl_rng_below(rng, 3)));
    return p;
}

/* Unbiased: for weights 1–4 on random 6-qubit states, the mean and the
 * median of means lie within their radii (delta = 1e-3 per estimate, 40
 * estimates: a failure means a bug, not bad luck). */
static void test_estimates_within_bounds(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 1);
    const int n = 6;
    const pl_shadow_opts_t opts = {.delta = 1e-3};
    for (int trial = 0; trial < 2; trial++) {
        pl_sv_t *sv = random_state(n, &rng);
        pl_shadows_t *sh;
        ASSERT_OK(pl_shadows_from_sv(sv, 4000, SEED + (uint64_t)trial, &sh));
        assert_int_equal(pl_shadows_shots(sh), 4000);
        for (int w = 1; w <= 4; w++)
            for (int k = 0; k < 5; k++) {
                pl_pauli_t *p = random_string(&rng, n, w);
                pl_shadow_estimate_t e;
                ASSERT_OK(pl_shadows_estimate(sh, p, &opts, &e));
                const double want = exact_expval(sv, p);
                assert_int_equal(e.weight, w);
                if (fabs(e.mean - want) > e.mean_radius || fabs(e.mom - want) > e.mom_radius)
                    test_fail("weight %d: mean %.4f ± %.4f, median of means %.4f ± %.4f, exact "
                              "%.4f (seed %u)",
                              w, e.mean, e.mean_radius, e.mom, e.mom_radius, want, SEED);
                /* the Hoeffding radius of the formula */
                assert_true(fabs(e.mean_radius - pow(3, w) * sqrt(2 * log(2 / 1e-3) / 4000)) <
                            1e-12);
                pl_pauli_destroy(p);
            }
        pl_shadows_destroy(sh);
        pl_sv_destroy(sv);
    }
}

/* Bases are uniform and independent: each letter about a third of the time. */
static void test_bases_uniform(void **state) {
    (void)state;
    pl_sv_t *sv;
    ASSERT_OK(pl_sv_create(4, &sv));
    pl_shadows_t *sh;
    ASSERT_OK(pl_shadows_from_sv(sv, 3000, 5, &sh));
    uint8_t basis[4], outcome[4];
    size_t count[4] = {0};
    for (size_t s = 0; s < 3000; s++) {
        pl_shadows_get_shot(sh, s, basis, outcome);
        for (int q = 0; q < 4; q++) {
            count[basis[q]]++;
            /* |0000>: Z outcomes are always 0 */
            if (basis[q] == PL_Z) assert_int_equal(outcome[q], 0);
        }
    }
    assert_int_equal(count[0], 0);
    for (int b = 1; b < 4; b++) assert_true(fabs((double)count[b] / 12000.0 - 1.0 / 3) < 0.02);
    pl_shadows_destroy(sh);
    pl_sv_destroy(sv);
}

static char *write_temp(const char *text) {
    static char path[64];
    snprintf(path, sizeof path, "/tmp/pl_shadows_%d.txt", (int)getpid());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static double estimate_text(const pl_shadows_t *sh, const char *text) {
    pl_pauli_sum_t *h;
    ASSERT_OK(pl_pauli_sum_parse(text, pl_shadows_qubits(sh), &h));
    pl_shadow_estimate_t e;
    ASSERT_OK(pl_shadows_estimate_sum(sh, h, NULL, &e));
    pl_pauli_sum_destroy(h);
    return e.mean;
}

/* Four shots written by hand; every estimate below is worked out by hand. */
static void test_hand_written_file(void **state) {
    (void)state;
    char *path = write_temp("# basis of qubits 0 1, then their outcomes\n"
                            "XZ 00\n"
                            "\n"
                            "XZ 10\n"
                            "ZZ 11\n"
                            "yx 01\n");
    pl_shadows_t *sh;
    ASSERT_OK(pl_shadows_read_any(path, &sh));
    assert_int_equal(pl_shadows_qubits(sh), 2);
    assert_int_equal(pl_shadows_shots(sh), 4);
    /* X0: shots 1, 2 match with +1, −1 → 3(1 − 1)/4 = 0 */
    assert_true(fabs(estimate_text(sh, "X0") - 0.0) < 1e-15);
    /* Z1: shots 1, 2, 3 with +1, +1, −1 → 3/4 */
    assert_true(fabs(estimate_text(sh, "Z1") - 0.75) < 1e-15);
    /* Z0 Z1: shot 3, (−1)(−1) → 9/4 */
    assert_true(fabs(estimate_text(sh, "Z0 Z1") - 2.25) < 1e-15);
    /* Y0 X1: shot 4, (+1)(−1) → −9/4 */
    assert_true(fabs(estimate_text(sh, "Y0 X1") + 2.25) < 1e-15);
    /* X0 Z1: shots 1 (+9), 2 (−9) → 0; Y0: shot 4 → 3/4; a sum is linear */
    assert_true(fabs(estimate_text(sh, "2*Z1 - 0.5*Y0 + I") - (1.5 - 0.375 + 1.0)) < 1e-15);
    pl_shadows_destroy(sh);
    unlink(path);
}

static void expect_text_error(const char *text, const char *needle) {
    char *path = write_temp(text);
    pl_shadows_t *sh = NULL;
    pl_status_t st = pl_shadows_read_text(path, &sh);
    assert_true(st == PL_EPARSE);
    assert_null(sh);
    test_expect_contains(pl_error_message(), needle);
    unlink(path);
}

static void test_bad_files(void **state) {
    (void)state;
    expect_text_error("XZ 00\nXZY 001\n", ":2: basis has 3 letters, expected 2");
    expect_text_error("XZ 00\nXZ 0\n", ":2: 1 outcome bits for 2 bases");
    expect_text_error("XQ 00\n", ":1: basis letter 'Q' (qubit 1) is not X, Y or Z");
    expect_text_error("XZ 02\n", ":1: outcome '2' (qubit 1) is not 0 or 1");
    expect_text_error("XZ\n", ":1: expected 'BASES OUTCOMES'");
    expect_text_error("XZ 00 11\n", ":1: expected 'BASES OUTCOMES'");
    expect_text_error("", "no shots");
    expect_text_error("# only a comment\n\n", "no shots");
    pl_shadows_t *sh = NULL;
    assert_int_equal(pl_shadows_read_any("/nonexistent/shots.txt", &sh), PL_EIO);
    /* a string on qubits the data does not have */
    char *path = write_temp("XZ 00\n");
    ASSERT_OK(pl_shadows_read_text(path, &sh));
    pl_pauli_t *p;
    ASSERT_OK(pl_pauli_parse("Z3", 4, &p));
    pl_shadow_estimate_t e;
    assert_int_equal(pl_shadows_estimate(sh, p, NULL, &e), PL_EINVAL);
    test_expect_contains(pl_error_message(), "qubit 3, but the shadows have 2 qubits");
    const pl_shadow_opts_t bad = {.delta = 1.5};
    pl_pauli_destroy(p);
    ASSERT_OK(pl_pauli_parse("Z1", 2, &p));
    assert_int_equal(pl_shadows_estimate(sh, p, &bad, &e), PL_EINVAL);
    pl_pauli_destroy(p);
    pl_shadows_destroy(sh);
    unlink(path);
}

static void expect_same(const pl_shadows_t *a, const pl_shadows_t *b) {
    assert_int_equal(pl_shadows_qubits(a), pl_shadows_qubits(b));
    assert_int_equal(pl_shadows_shots(a), pl_shadows_shots(b));
    for (int q = 0; q < pl_shadows_qubits(a); q++) {
        const uint64_t *la, *ha, *oa, *lb, *hb, *ob;
        pl_shadows_packed(a, q, &la, &ha, &oa);
        pl_shadows_packed(b, q, &lb, &hb, &ob);
        const size_t bytes = pl_shadows_words(a) * sizeof(uint64_t);
        assert_memory_equal(la, lb, bytes);
        assert_memory_equal(ha, hb, bytes);
        assert_memory_equal(oa, ob, bytes);
    }
}

/* The shrinkage factor: worked by hand on fixed numbers, and on real shadows
 * of |0000>, where Z0 Z1 (<P> = 1) keeps about 1 − (9 − 1)/300 and X0
 * (<P> = 0, pure noise) about nothing. */
static void test_shrink_factor(void **state) {
    (void)state;
    const double est[3] = {0.9, -0.8, 0.7};
    const size_t shots[3] = {1000, 1000, 500};
    /* noise (3 − 0.81)/1000 + (3 − 0.64)/1000 + (3 − 0.49)/500 = 0.00957; second 1.94 */
    const double want = 1 - 0.00957 / 1.94;
    if (fabs(pl_shadows_shrink_factor(est, shots, 3, 1) - want) > 1e-15)
        test_fail("shrink factor %.17g, by hand %.17g", pl_shadows_shrink_factor(est, shots, 3, 1),
                  want);
    assert_true(pl_shadows_shrink_factor(est, shots, 3, 6) == 0.0); /* 729/1000: noise wins */
    const double zeros[2] = {0, 0};
    assert_true(pl_shadows_shrink_factor(zeros, shots, 2, 1) == 0.0);
    assert_true(pl_shadows_shrink_factor(est, shots, 0, 1) == 0.0);
    pl_sv_t *sv;
    ASSERT_OK(pl_sv_create(4, &sv));
    pl_pauli_t *zz, *x;
    ASSERT_OK(pl_pauli_parse("Z0 Z1", 4, &zz));
    ASSERT_OK(pl_pauli_parse("X0", 4, &x));
    double ezz[20], ex[20];
    size_t n[20];
    for (int t = 0; t < 20; t++) {
        pl_shadows_t *sh;
        ASSERT_OK(pl_shadows_from_sv(sv, 300, SEED + 100 + (uint64_t)t, &sh));
        const pl_pauli_t *ps[2] = {zz, x};
        double e[2];
        ASSERT_OK(pl_shadows_estimate_many(sh, ps, 2, e));
        ezz[t] = e[0];
        ex[t] = e[1];
        n[t] = 300;
        pl_shadows_destroy(sh);
    }
    const double lzz = pl_shadows_shrink_factor(ezz, n, 20, 2),
                 lx = pl_shadows_shrink_factor(ex, n, 20, 1);
    printf("# shrink factors on |0000>, 20 sets of 300 shots (seed %u): Z0Z1 %.4f, X0 %.4f\n",
           SEED + 100, lzz, lx);
    if (fabs(lzz - (1 - 8.0 / 300)) > 0.03 || lx > 0.4)
        test_fail("shrink factors Z0Z1 %.4f (want about %.4f), X0 %.4f (want about 0)", lzz,
                  1 - 8.0 / 300, lx);
    pl_pauli_destroy(zz);
    pl_pauli_destroy(x);
    pl_sv_destroy(sv);
}

/* Text and HDF5 round trips are exact; acquisition does not depend on the
 * thread count; a truncated HDF5 file is refused. */
static void test_round_trips(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 2);
    pl_sv_t *sv = random_state(5, &rng);
    pl_shadows_t *sh[2], *back;
    const int saved = pl_threads_get();
    for (int t = 1; t <= 2; t++) {
        ASSERT_OK(pl_threads_set(t));
        ASSERT_OK(pl_shadows_from_sv(sv, 333, 99, &sh[t - 1]));
    }
    ASSERT_OK(pl_threads_set(saved));
    expect_same(sh[0], sh[1]);
    char txt[64], h5[64];
    snprintf(txt, sizeof txt, "/tmp/pl_shadows_rt_%d.txt", (int)getpid());
    snprintf(h5, sizeof h5, "/tmp/pl_shadows_rt_%d.h5", (int)getpid());
    ASSERT_OK(pl_shadows_write_text(sh[0], txt));
    ASSERT_OK(pl_shadows_read_any(txt, &back));
    expect_same(sh[0], back);
    pl_shadows_destroy(back);
    ASSERT_OK(pl_shadows_save(sh[0], h5, "test", 99));
    ASSERT_OK(pl_shadows_read_any(h5, &back));
    expect_same(sh[0], back);
    pl_shadows_destroy(back);
    /* the first 100 shots, shot by shot */
    pl_shadows_t *head;
    ASSERT_OK(pl_shadows_head(sh[0], 100, &head));
    assert_int_equal(pl_shadows_shots(head), 100);
    uint8_t b1[5], o1[5], b2[5], o2[5];
    for (size_t s = 0; s < 100; s++) {
        pl_shadows_get_shot(sh[0], s, b1, o1);
        pl_shadows_get_shot(head, s, b2, o2);
        assert_memory_equal(b1, b2, 5);
        assert_memory_equal(o1, o2, 5);
    }
    assert_int_equal(pl_shadows_head(sh[0], 334, &back), PL_EINVAL);
    pl_shadows_destroy(head);
    /* slices at offsets that do and do not fall on a 64-shot word, shot by shot,
     * with the bits past their end clear (pl_shadows_from_bits refuses others) */
    static const size_t slices[][2] = {{0, 333}, {64, 100}, {37, 150}, {200, 133}, {332, 1}};
    for (size_t t = 0; t < sizeof slices / sizeof *slices; t++) {
        pl_shadows_t *part, *copy;
        ASSERT_OK(pl_shadows_slice(sh[0], slices[t][0], slices[t][1], &part));
        assert_int_equal(pl_shadows_shots(part), slices[t][1]);
        for (size_t s = 0; s < slices[t][1]; s++) {
            pl_shadows_get_shot(sh[0], slices[t][0] + s, b1, o1);
            pl_shadows_get_shot(part, s, b2, o2);
            assert_memory_equal(b1, b2, 5);
            assert_memory_equal(o1, o2, 5);
        }
        ASSERT_OK(pl_shadows_from_bits(5, slices[t][1], pl_shadows_bits(part), &copy));
        pl_shadows_destroy(copy);
        pl_shadows_destroy(part);
    }
    assert_int_equal(pl_shadows_slice(sh[0], 300, 34, &back), PL_EINVAL);
    assert_null(back);
    assert_int_equal(pl_shadows_slice(sh[0], 334, 1, &back), PL_EINVAL);
    assert_int_equal(pl_shadows_slice(sh[0], 0, 0, &back), PL_EINVAL);
    assert_int_equal(truncate(h5, 1000), 0);
    assert_int_equal(pl_shadows_load(h5, &back), PL_EIO);
    assert_null(back);
    unlink(txt);
    unlink(h5);
    pl_shadows_destroy(sh[0]);
    pl_shadows_destroy(sh[1]);
    pl_sv_destroy(sv);
}

/* Window features: the closed-form counts of SCIENCE.md §7, every string
 * distinct with span < k, and each feature equal to the single-string estimate. */
static void test_windows(void **state) {
    (void)state;
    assert_int_equal(pl_shadows_window_count(1024, 2), 12279);
    assert_int_equal(pl_shadows_window_count(512, 3), 24495);
    assert_int_equal(pl_shadows_window_count(32, 4), 5631);
    pl_pauli_sum_t *strings;
    ASSERT_OK(pl_shadows_window_strings(32, 4, &strings));
    assert_int_equal(pl_pauli_sum_size(strings), 5631); /* the sum merges duplicates */
    for (size_t k = 0; k < pl_pauli_sum_size(strings); k++) {
        pl_pauli_t p;
        double complex c;
        pl_pauli_sum_term(strings, k, &p, &c);
        int lo = 64, hi = -1;
        for (int q = 0; q < 32; q++)
            if (pl_pauli_get(&p, q) != PL_I) {
                lo = q < lo ? q : lo;
                hi = q;
            }
        assert_true(hi >= 0 && hi - lo < 4);
    }
    pl_pauli_sum_destroy(strings);

    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 3);
    pl_sv_t *sv = random_state(7, &rng);
    pl_shadows_t *sh;
    ASSERT_OK(pl_shadows_from_sv(sv, 200, 4, &sh));
    for (int k = 1; k <= 3; k++) {
        const size_t count = pl_shadows_window_count(7, k);
        double *features = malloc(count * sizeof *features);
        const pl_pauli_t **views = malloc(count * sizeof *views);
        pl_pauli_t *store = malloc(count * sizeof *store);
        double *many = malloc(count * sizeof *many);
        ASSERT_OK(pl_shadows_window_features(sh, k, features));
        ASSERT_OK(pl_shadows_window_strings(7, k, &strings));
        assert_int_equal(pl_pauli_sum_size(strings), count);
        for (size_t i = 0; i < count; i++) {
            double complex c;
            pl_pauli_sum_term(strings, i, &store[i], &c);
            views[i] = &store[i];
            pl_shadow_estimate_t e;
            ASSERT_OK(pl_shadows_estimate(sh, &store[i], NULL, &e));
            assert_true(fabs(e.mean - features[i]) < 1e-12);
        }
        ASSERT_OK(pl_shadows_estimate_many(sh, views, count, many));
        assert_memory_equal(many, features, count * sizeof *many);
        pl_pauli_sum_destroy(strings);
        free(features);
        free(views);
        free(store);
        free(many);
    }
    double dummy;
    assert_int_equal(pl_shadows_window_features(sh, 9, &dummy), PL_EINVAL);
    pl_shadows_destroy(sh);
    pl_sv_destroy(sv);
}

/* Amplitudes of an MPS, contracted here from its site tensors (independent of
 * the sampler): ψ(b) = A_0[b_0] ⋯ A_{n−1}[b_{n−1}], b_q = bit q of the index. */
static pl_sv_t *mps_to_sv(const pl_mps_t *psi) {
    const int n = pl_mps_sites(psi);
    pl_sv_t *sv;
    ASSERT_OK(pl_sv_create(n, &sv));
    double complex *amp = pl_sv_data(sv);
    double row[64], next[64];
    for (uint64_t idx = 0; idx < (UINT64_C(1) << n); idx++) {
        row[0] = 1.0;
        int dim = 1;
        for (int i = 0; i < n; i++) {
            const double *a;
            int dl, dr;
            ASSERT_OK(pl_mps_site(psi, i, &a, &dl, &dr));
            assert_true(dl == dim && dr <= 64);
            const int s = (int)(idx >> i & 1);
            for (int b = 0; b < dr; b++) {
                next[b] = 0.0;
                for (int l = 0; l < dl; l++) next[b] += row[l] * a[(l * 2 + s) * dr + b];
            }
            memcpy(row, next, (size_t)dr * sizeof *row);
            dim = dr;
        }
        amp[idx] = row[0];
    }
    return sv;
}

/* Probability of outcomes o (bits) on qubits 0..2 measured in bases b there. */
static double marginal3(const pl_sv_t *sv, const uint8_t *b, int o) {
    static const char names[4] = {'I', 'X', 'Z', 'Y'};
    char letters[3];
    for (int q = 0; q < 3; q++) letters[q] = names[b[q]];
    /* p(o) = ⟨Π_q (1 + (−1)^{o_q} P_q)/2⟩ = Σ over subsets of the qubits */
    double p = 0.0;
    for (int subset = 0; subset < 8; subset++) {
        char text[32] = "I";
        int len = 0, sign = 1;
        for (int q = 0; q < 3; q++)
            if (subset >> q & 1) {
                len += snprintf(text + len, sizeof text - (size_t)len, "%s%c%d", len ? " " : "",
                                letters[q], q);
                if (o >> q & 1) sign = -sign;
            }
        pl_pauli_t *p_str;
        ASSERT_OK(pl_pauli_parse(text, pl_sv_qubits(sv), &p_str));
        p += sign * exact_expval(sv, p_str) / 8.0;
        pl_pauli_destroy(p_str);
    }
    return p;
}

/* Chi-square statistic of the shots' outcomes on qubits 0..2 against the
 * exact conditional distribution given their bases there (27 × 8 cells). */
static double chi_square_first3(const pl_shadows_t *sh, const pl_sv_t *sv, int *dof) {
    static double prob[27][8];
    size_t count[27][8] = {{0}}, per_basis[27] = {0};
    const int n = pl_shadows_qubits(sh);
    uint8_t *basis = malloc((size_t)n), *outcome = malloc((size_t)n);
    for (size_t s = 0; s < pl_shadows_shots(sh); s++) {
        pl_shadows_get_shot(sh, s, basis, outcome);
        int pattern = 0;
        for (int q = 2; q >= 0; q--) pattern = 3 * pattern + (basis[q] - 1);
        count[pattern][outcome[0] | outcome[1] << 1 | outcome[2] << 2]++;
        per_basis[pattern]++;
    }
    double chi2 = 0.0;
    *dof = 0;
    for (int pattern = 0; pattern < 27; pattern++) {
        const uint8_t b[3] = {(uint8_t)(1 + pattern % 3), (uint8_t)(1 + pattern / 3 % 3),
                              (uint8_t)(1 + pattern / 9)};
        for (int o = 0; o < 8; o++) {
            prob[pattern][o] = marginal3(sv, b, o);
            const double want = (double)per_basis[pattern] * prob[pattern][o];
            if (want < 5) continue; /* too few expected: skip the cell */
            chi2 += ((double)count[pattern][o] - want) * ((double)count[pattern][o] - want) / want;
            (*dof)++;
        }
        (*dof)--;
    }
    free(basis);
    free(outcome);
    return chi2;
}

/* Upper 0.999 quantile of chi-square with k degrees of freedom (Wilson–Hilferty). */
static double chi2_quantile_999(int k) {
    const double z = 3.0902, h = 2.0 / (9.0 * k);
    return k * pow(1 - h + z * sqrt(h), 3);
}

/* MPS sampling and state-vector sampling both follow the exact distribution
 * of the same 10-qubit state (chi-square at the 0.999 quantile), and MPS
 * shadows estimate Pauli strings within their radii. */
static void test_mps_sampler(void **state) {
    (void)state;
    pl_mps_t *psi;
    ASSERT_OK(pl_mps_create_random(10, 6, SEED, &psi));
    pl_sv_t *sv = mps_to_sv(psi);
    double norm = 0.0;
    for (size_t i = 0; i < pl_sv_dim(sv); i++)
        norm += creal(pl_sv_data(sv)[i] * conj(pl_sv_data(sv)[i]));
    assert_true(fabs(norm - 1.0) < 1e-10);
    pl_shadows_t *from_mps, *from_sv;
    ASSERT_OK(pl_shadows_from_mps(psi, 20000, 11, &from_mps));
    ASSERT_OK(pl_shadows_from_sv(sv, 20000, 12, &from_sv));
    int dof;
    double chi2 = chi_square_first3(from_mps, sv, &dof);
    if (chi2 > chi2_quantile_999(dof))
        test_fail("MPS sampler: chi2 %.1f over %d dof (0.999 quantile %.1f)", chi2, dof,
                  chi2_quantile_999(dof));
    chi2 = chi_square_first3(from_sv, sv, &dof);
    if (chi2 > chi2_quantile_999(dof))
        test_fail("state-vector sampler: chi2 %.1f over %d dof", chi2, dof);
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 4);
    const pl_shadow_opts_t opts = {.delta = 1e-3};
    for (int k = 0; k < 12; k++) {
        pl_pauli_t *p = random_string(&rng, 10, 1 + k % 3);
        pl_shadow_estimate_t e;
        ASSERT_OK(pl_shadows_estimate(from_mps, p, &opts, &e));
        const double want = exact_expval(sv, p);
        if (fabs(e.mean - want) > e.mean_radius)
            test_fail("MPS shadows: %.4f ± %.4f vs exact %.4f", e.mean, e.mean_radius, want);
        pl_pauli_destroy(p);
    }
    /* thread-count independence */
    pl_shadows_t *again;
    const int saved = pl_threads_get();
    ASSERT_OK(pl_threads_set(1));
    ASSERT_OK(pl_shadows_from_mps(psi, 20000, 11, &again));
    ASSERT_OK(pl_threads_set(saved));
    expect_same(from_mps, again);
    pl_shadows_destroy(again);
    pl_shadows_destroy(from_mps);
    pl_shadows_destroy(from_sv);
    pl_sv_destroy(sv);
    pl_mps_destroy(psi);
}

/* Shot s of a right-canonical, normalised MPS the obvious way: one shot at a
 * time, complex arithmetic, ⟨o| written out per basis, the generator (seed, s)
 * drawing the basis then the outcome at each site (pl_shadows_from_mps's
 * contract). */
static void reference_shot(const pl_mps_t *psi, uint64_t seed, size_t s, uint8_t *basis,
                           uint8_t *outcome) {
    static const uint8_t codes[3] = {PL_X, PL_Y, PL_Z};
    const double h = 1.0 / sqrt(2.0);
    const int n = pl_mps_sites(psi);
    pl_rng_t rng;
    pl_rng_seed(&rng, seed, s);
    double complex v[64] = {1.0}, w[2][64];
    for (int i = 0; i < n; i++) {
        const double *a;
        int dl, dr;
        ASSERT_OK(pl_mps_site(psi, i, &a, &dl, &dr));
        assert_true(dr <= 64);
        basis[i] = codes[pl_rng_below(&rng, 3)];
        double p[2] = {0, 0};
        for (int o = 0; o < 2; o++) {
            const double sg = o ? -1.0 : 1.0;
            /* ⟨o| = bra[0] ⟨0| + bra[1] ⟨1| */
            const double complex bra[2] = {basis[i] == PL_Z ? (o ? 0.0 : 1.0) : h,
                                           basis[i] == PL_Z   ? (o ? 1.0 : 0.0)
                                           : basis[i] == PL_X ? sg * h
                                                              : -I * sg * h};
            for (int b = 0; b < dr; b++) {
                w[o][b] = 0.0;
                for (int l = 0; l < dl; l++)
                    for (int t = 0; t < 2; t++) w[o][b] += bra[t] * v[l] * a[(l * 2 + t) * dr + b];
                p[o] += creal(w[o][b] * conj(w[o][b]));
            }
        }
        const int o = pl_rng_uniform(&rng) * (p[0] + p[1]) < p[0] ? 0 : 1;
        outcome[i] = (uint8_t)o;
        for (int b = 0; b < dr; b++) v[b] = w[o][b] / sqrt(p[o]);
    }
}

/* The block sampler (64 shots per dgemm) gives the reference's shots: same
 * bases, same outcomes, shot for shot (a flip would need a uniform within
 * rounding, ~1e-16, of a probability); on 1 and 2 threads bit for bit; and
 * shot s does not depend on how many shots are drawn. */
static void test_mps_sampler_reference(void **state) {
    (void)state;
    const int n = 14;
    const size_t shots = 300; /* four full blocks of 64 and one of 44 */
    const uint64_t seed = 99;
    pl_mps_t *psi, *canon;
    ASSERT_OK(pl_mps_create_random(n, 8, SEED + 3, &psi));
    ASSERT_OK(pl_mps_clone(psi, &canon));
    ASSERT_OK(pl_mps_canonicalize(canon, 0));
    double norm;
    ASSERT_OK(pl_mps_normalize(canon, &norm));
    const int saved = pl_threads_get();
    pl_shadows_t *sh[2];
    for (int t = 1; t <= 2; t++) {
        ASSERT_OK(pl_threads_set(t));
        ASSERT_OK(pl_shadows_from_mps(psi, shots, seed, &sh[t - 1]));
    }
    ASSERT_OK(pl_threads_set(saved));
    expect_same(sh[0], sh[1]);
    uint8_t basis[14], outcome[14], want_b[14], want_o[14];
    for (size_t s = 0; s < shots; s++) {
        pl_shadows_get_shot(sh[0], s, basis, outcome);
        reference_shot(canon, seed, s, want_b, want_o);
        for (int q = 0; q < n; q++)
            if (basis[q] != want_b[q] || outcome[q] != want_o[q])
                test_fail("shot %zu qubit %d: basis %d outcome %d, reference %d %d (seed %llu)", s,
                          q, basis[q], outcome[q], want_b[q], want_o[q], (unsigned long long)seed);
    }
    pl_shadows_t *head, *fewer;
    ASSERT_OK(pl_shadows_from_mps(psi, 70, seed, &fewer));
    ASSERT_OK(pl_shadows_head(sh[0], 70, &head));
    expect_same(head, fewer);
    pl_shadows_destroy(head);
    pl_shadows_destroy(fewer);
    pl_shadows_destroy(sh[0]);
    pl_shadows_destroy(sh[1]);
    pl_mps_destroy(canon);
    pl_mps_destroy(psi);
}

/* pl_mps_from_sv: a random real state converted to an MPS and contracted back
 * (mps_to_sv above, independent of the conversion) is the same state. */
static void test_mps_from_sv(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 5);
    pl_sv_t *sv;
    ASSERT_OK(pl_sv_create(7, &sv));
    double norm = 0.0;
    for (size_t i = 0; i < pl_sv_dim(sv); i++) {
        const double v = pl_rng_normal(&rng);
        pl_sv_data(sv)[i] = v;
        norm += v * v;
    }
    for (size_t i = 0; i < pl_sv_dim(sv); i++) pl_sv_data(sv)[i] /= sqrt(norm);
    pl_mps_t *psi;
    ASSERT_OK(pl_mps_from_sv(sv, &psi));
    assert_int_equal(pl_mps_sites(psi), 7);
    assert_true(pl_mps_max_bond_dim(psi) <= 8);
    pl_sv_t *back = mps_to_sv(psi);
    for (size_t i = 0; i < pl_sv_dim(sv); i++)
        assert_true(cabs(pl_sv_data(sv)[i] - pl_sv_data(back)[i]) < 1e-12);
    pl_sv_destroy(back);
    pl_mps_destroy(psi);
    pl_sv_data(sv)[3] += 0.5 * I; /* complex amplitudes are refused */
    assert_int_equal(pl_mps_from_sv(sv, &psi), PL_EINVAL);
    test_expect_contains(pl_error_message(), "complex");
    pl_sv_destroy(sv);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_estimates_within_bounds),
        cmocka_unit_test(test_shrink_factor),
        cmocka_unit_test(test_bases_uniform),
        cmocka_unit_test(test_hand_written_file),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_windows),
        cmocka_unit_test(test_mps_sampler),
        cmocka_unit_test(test_mps_sampler_reference),
        cmocka_unit_test(test_mps_from_sv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
