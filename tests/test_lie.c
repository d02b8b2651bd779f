/* Tests for src/lie: Lie closures of Pauli strings and sums, centres, simple
 * ideals, g-purities, the Lie-algebraic variance and g-sim.
 *
 * References used below:
 * - a brute-force closure in this file: dense 2^n x 2^n Hermitian matrices
 *   (tests/support/dense.c), commutators by matrix products, ranks and
 *   orthonormal bases by LAPACKE_dgesdd — no code shared with src/lie;
 * - free fermions: {X_i, Z_i Z_{i+1}} (open chain) map by Jordan–Wigner to the
 *   nearest-neighbour Majorana bilinears of 2n Majoranas, which generate
 *   so(2n), dim n(2n−1) (Wiersema et al., PRX Quantum 1, 020319 (2020);
 *   Kökcü et al., PRL 129, 070501 (2022));
 * - {X_i, Y_i, Z_i Z_{i+1}} generate su(2^n), dim 4^n − 1;
 * - the periodic Ising chain {Σ Z_i Z_{i+1 mod n}, Σ X_i}: dim 3n − 1, a
 *   two-dimensional centre, semisimple part a sum of su(2)'s (D'Alessandro and
 *   Isik, "Controllability of the periodic quantum Ising spin chain",
 *   arXiv:2405.00898);
 * - the state vector (pl_circuit_apply, pl_sv_expval_sum, pl_grad) for g-sim
 *   and for the variance measured over random angles.
 * Random cases use fixed seeds, printed on failure. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dense.h"
#include "plateau/ansatz.h"
#include "plateau/grad.h"
#include "plateau/lie.h"
#include "testutil.h"

enum { SEED = 20240611 };

/* ------------------------------------------------------------------------ */
/* Generators from text                                                     */
/* ------------------------------------------------------------------------ */

typedef struct {
    size_t m;
    pl_pauli_sum_t *g[64];
} gens_t;

/* Generators separated by ';' on n qubits. */
static gens_t gens_parse(const char *text, int n) {
    gens_t gs = {0};
    char *copy = strdup(text), *save = NULL;
    for (char *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
        if (pl_pauli_sum_parse(t, n, &gs.g[gs.m]) != PL_OK)
            test_fail("'%s': %s", t, pl_error_message());
        gs.m++;
    }
    free(copy);
    return gs;
}

static void gens_free(gens_t *gs) {
    for (size_t i = 0; i < gs->m; i++) pl_pauli_sum_destroy(gs->g[i]);
    gs->m = 0;
}

/* Append "; TERM" built by printf to buf. */
static void cat(char *buf, size_t cap, const char *fmt, ...) PL_PRINTF(3, 4);
static void cat(char *buf, size_t cap, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + strlen(buf), cap - strlen(buf), fmt, ap);
    va_end(ap);
}

/* {X_i, Z_i Z_{i+1}} (with_y: also Y_i) as separate strings, open chain. */
static gens_t chain_strings(int n, bool with_y) {
    char text[4096] = "";
    for (int i = 0; i < n; i++) {
        cat(text, sizeof text, "%sX%d", i ? "; " : "", i);
        if (with_y) cat(text, sizeof text, "; Y%d", i);
        if (i + 1 < n) cat(text, sizeof text, "; Z%d Z%d", i, i + 1);
    }
    return gens_parse(text, n);
}

/* {Σ Z_i Z_{i+1}, Σ X_i}, open or periodic. */
static gens_t ising_sums(int n, bool periodic) {
    char text[4096] = "";
    for (int i = 0; i + 1 < n; i++) cat(text, sizeof text, "%sZ%d Z%d", i ? " + " : "", i, i + 1);
    if (periodic) cat(text, sizeof text, " + Z0 Z%d", n - 1);
    for (int i = 0; i < n; i++) cat(text, sizeof text, "%sX%d", i ? " + " : "; ", i);
    return gens_parse(text, n);
}

static pl_lie_t *closure(const gens_t *gs, pl_lie_method_t method, size_t max_dim) {
    pl_lie_opts_t o = {.max_dim = max_dim, .method = method};
    pl_lie_t *g;
    if (pl_lie_closure((const pl_pauli_sum_t *const *)gs->g, gs->m, &o, &g) != PL_OK)
        test_fail("closure: %s", pl_error_message());
    return g;
}

/* ------------------------------------------------------------------------ */
/* Brute force: dense matrices                                              */
/* ------------------------------------------------------------------------ */

/* i[A, B] for d x d matrices. */
static void dense_icomm(size_t d, const double complex *a, const double complex *b,
                        double complex *out) {
    double complex *ba = dense_zeros(d * d);
    dense_matmul(d, a, b, out);
    dense_matmul(d, b, a, ba);
    for (size_t i = 0; i < d * d; i++) out[i] = I * (out[i] - ba[i]);
    free(ba);
}

/* Column c of a (len x ncols): the Hermitian matrix m as [Re m; Im m]. */
static void flatten(const double complex *m, size_t d, double *col) {
    for (size_t i = 0; i < d * d; i++) {
        col[i] = creal(m[i]);
        col[d * d + i] = cimag(m[i]);
    }
}

static void unflatten(const double *col, size_t d, double complex *m) {
    for (size_t i = 0; i < d * d; i++) m[i] = col[i] + I * col[d * d + i];
}

/* Orthonormal basis of the columns of a (destroyed) into u (len x rank). */
static int orth_basis(double *a, int len, int ncols, double *u) {
    const int k = len < ncols ? len : ncols;
    double *s = malloc((size_t)k * sizeof *s), *uu = malloc((size_t)len * k * sizeof *uu);
    double *vt = malloc((size_t)k * ncols * sizeof *vt);
    if (LAPACKE_dgesdd(LAPACK_COL_MAJOR, 'S', len, ncols, a, len, s, uu, len, vt, k) != 0)
        test_fail("dgesdd failed");
    int rank = 0;
    while (rank < k && s[rank] > 1e-9 * fmax(s[0], 1.0)) rank++;
    memcpy(u, uu, (size_t)len * rank * sizeof *u);
    free(s);
    free(uu);
    free(vt);
    return rank;
}

/* Columns i[G_i, B_j] for every generator and basis column, after `first`
 * columns already in cand. Returns the column count. */
static int commutator_columns(size_t d, double complex **gm, size_t m, const double *basis, int r,
                              double *cand, int first) {
    const size_t len = 2 * d * d;
    double complex *b = dense_zeros(d * d), *c = dense_zeros(d * d);
    int col = first;
    for (size_t i = 0; i < m; i++)
        for (int j = 0; j < r; j++) {
            unflatten(basis + (size_t)j * len, d, b);
            dense_icomm(d, gm[i], b, c);
            flatten(c, d, cand + (size_t)col++ * len);
        }
    free(b);
    free(c);
    return col;
}

/* Dimension and centre dimension of the algebra generated by gs, by levels:
 * span ← span + {i[G_i, B_j]} until the rank stops growing; the centre is
 * dim g − dim [g, g] with [g, g] = span{i[G_i, B_j]} (g reductive). */
static void dense_closure(const gens_t *gs, int n, int *dim, int *center) {
    const size_t d = (size_t)1 << n, len = 2 * d * d, m = gs->m;
    double complex *gm[64];
    for (size_t i = 0; i < m; i++) gm[i] = dense_pauli_sum_matrix(gs->g[i]);
    double *basis = malloc(len * len * sizeof *basis), *cand = NULL;
    double *a = malloc(len * m * sizeof *a);
    for (size_t i = 0; i < m; i++) flatten(gm[i], d, a + i * len);
    int r = orth_basis(a, (int)len, (int)m, basis);
    free(a);
    for (;;) {
        cand = realloc(cand, len * (size_t)r * (m + 1) * sizeof *cand);
        memcpy(cand, basis, len * (size_t)r * sizeof *cand);
        const int ncols = commutator_columns(d, gm, m, basis, r, cand, r);
        const int r2 = orth_basis(cand, (int)len, ncols, basis);
        if (r2 == r) break;
        r = r2;
    }
    *dim = r;
    const int ncols = commutator_columns(d, gm, m, basis, r, cand, 0);
    double *scratch = malloc(len * len * sizeof *scratch);
    *center = r - (ncols ? orth_basis(cand, (int)len, ncols, scratch) : 0);
    free(scratch);
    free(cand);
    free(basis);
    for (size_t i = 0; i < m; i++) free(gm[i]);
}

/* Both closures and (n <= brute_max) the dense one agree on dim and centre. */
static void expect_dims(const gens_t *gs, int n, size_t dim, size_t center, int brute_max,
                        const char *what) {
    for (int method = PL_LIE_AUTO; method <= PL_LIE_SUMS; method++) {
        bool strings_ok = true;
        for (size_t i = 0; i < gs->m; i++) strings_ok &= pl_pauli_sum_size(gs->g[i]) == 1;
        if (method == PL_LIE_STRINGS && !strings_ok) continue;
        pl_lie_t *g = closure(gs, (pl_lie_method_t)method, 0);
        if (pl_lie_dim(g) != dim || pl_lie_center_dim(g) != center || pl_lie_capped(g))
            test_fail("%s, n = %d, method %d: dim %zu centre %zu, want %zu and %zu", what, n,
                      method, pl_lie_dim(g), pl_lie_center_dim(g), dim, center);
        pl_lie_destroy(g);
    }
    if (n > brute_max) return;
    int bd, bc;
    dense_closure(gs, n, &bd, &bc);
    if ((size_t)bd != dim || (size_t)bc != center)
        test_fail("%s, n = %d: brute force dim %d centre %d, want %zu and %zu", what, n, bd, bc,
                  dim, center);
}

/* ------------------------------------------------------------------------ */
/* Dimensions known in the literature                                       */
/* ------------------------------------------------------------------------ */

/* Free fermions: so(2n), dim n(2n − 1), no centre (see the file comment). */
static void test_free_fermion_so2n(void **state) {
    (void)state;
    for (int n = 2; n <= 6; n++) {
        gens_t gs = chain_strings(n, false);
        expect_dims(&gs, n, (size_t)n * (2 * n - 1), 0, 4, "{X_i, Z_i Z_i+1}");
        gens_free(&gs);
    }
}

/* {X_i, Y_i, Z_i Z_{i+1}}: all of su(2^n), dim 4^n − 1, no centre. n = 7 is
 * su(128), 16,383 strings, through the string closure only. */
static void test_full_su(void **state) {
    (void)state;
    for (int n = 1; n <= 7; n++) {
        gens_t gs = chain_strings(n, true);
        const size_t dim = ((size_t)1 << (2 * n)) - 1;
        if (n <= 4) {
            expect_dims(&gs, n, dim, 0, 3, "{X_i, Y_i, Z_i Z_i+1}");
        } else {
            pl_lie_t *g = closure(&gs, PL_LIE_STRINGS, 0);
            assert_int_equal(pl_lie_dim(g), dim);
            assert_int_equal(pl_lie_center_dim(g), 0);
            pl_lie_destroy(g);
        }
        gens_free(&gs);
    }
}

/* Centres: commuting generators (abelian, every element central), and
 * u(2) = su(2) ⊕ u(1) with the identity alone or hidden in a sum. */
static void test_centres(void **state) {
    (void)state;
    const struct {
        const char *gens;
        int n;
        size_t dim, center;
    } cases[] = {
        {"Z0; Z1; Z0 Z1 Z2; X3 X4; Z1", 5, 4, 4}, /* Z1 repeats: 4 distinct */
        {"Z0 + Z1; Z1 Z2 - 2*Z0; 0.5*Z0 Z2", 3, 3, 3},
        {"X0; Z0; I", 1, 4, 1},
        {"X0 + 0.5*I; Z0", 1, 4, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gens_t gs = gens_parse(cases[i].gens, cases[i].n);
        expect_dims(&gs, cases[i].n, cases[i].dim, cases[i].center, 3, cases[i].gens);
        gens_free(&gs);
    }
}

/* The TFIM-HVA generators {Σ Z_i Z_{i+1}, Σ X_i}. Open chain: dim n², a
 * one-dimensional centre and one simple ideal of dim n² − 1 (u(n)); the
 * sources at hand give no closed form, so the value rests on the dense brute
 * force (n <= 4) and the pattern up to n = 8. Periodic chain: D'Alessandro
 * and Isik's 3n − 1 with a centre of 2 and n − 1 copies of su(2). */
static void test_tfim_sums(void **state) {
    (void)state;
    for (int n = 2; n <= 8; n++) {
        gens_t gs = ising_sums(n, false);
        expect_dims(&gs, n, (size_t)n * n, 1, 4, "open TFIM");
        pl_lie_t *g = closure(&gs, PL_LIE_AUTO, 0);
        size_t count, dims[4];
        ASSERT_OK(pl_lie_simple_ideals(g, &count, dims, 4));
        assert_int_equal(count, 1);
        assert_int_equal(dims[0], (size_t)n * n - 1);
        assert_false(pl_lie_is_pauli(g));
        pl_lie_destroy(g);
        gens_free(&gs);
    }
    for (int n = 3; n <= 9; n++) {
        gens_t gs = ising_sums(n, true);
        expect_dims(&gs, n, 3 * (size_t)n - 1, 2, 4, "periodic TFIM");
        pl_lie_t *g = closure(&gs, PL_LIE_AUTO, 0);
        size_t count, dims[16];
        ASSERT_OK(pl_lie_simple_ideals(g, &count, dims, 16));
        assert_int_equal(count, (size_t)n - 1);
        for (size_t k = 0; k < count; k++) assert_int_equal(dims[k], 3);
        pl_lie_destroy(g);
        gens_free(&gs);
    }
}

/* The same algebra from the ansatz builder: two generators, the Hadamards
 * in front are the Clifford prefix. */
static void test_tfim_hva_circuit(void **state) {
    (void)state;
    for (int n = 2; n <= 6; n++) {
        pl_ansatz_opts_t o = {.kind = PL_ANSATZ_TFIM_HVA, .qubits = n, .layers = 3};
        pl_circuit_t *c;
        ASSERT_OK(pl_ansatz_build(&o, &c));
        pl_pauli_sum_t **gens;
        size_t m;
        ASSERT_OK(pl_lie_circuit_generators(c, &gens, &m));
        assert_int_equal(m, 2);
        gens_t want = ising_sums(n, false);
        for (size_t i = 0; i < 2; i++) { /* rzz(2β), rx(2γ): coefficients 2 */
            assert_int_equal(pl_pauli_sum_size(gens[i]), pl_pauli_sum_size(want.g[i]));
            for (size_t t = 0; t < pl_pauli_sum_size(want.g[i]); t++) {
                pl_pauli_t p;
                double complex c1;
                pl_pauli_sum_term(want.g[i], t, &p, &c1);
                assert_true(cabs(pl_pauli_sum_coeff(gens[i], &p) - 2.0) < 1e-15);
            }
        }
        pl_lie_t *g;
        ASSERT_OK(pl_lie_from_circuit(c, NULL, &g));
        assert_int_equal(pl_lie_dim(g), (size_t)n * n);
        assert_int_equal(pl_lie_center_dim(g), 1);
        pl_lie_destroy(g);
        gens_free(&want);
        pl_lie_generators_destroy(gens, m);
        pl_circuit_destroy(c);
    }
}

/* Random string sets: both closures and the brute force agree. */
static void test_random_strings(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 1);
    for (int trial = 0; trial < 12; trial++) {
        const int n = 2 + trial % 2, m = 2 + (int)pl_rng_below(&rng, 3);
        char text[512] = "";
        for (int i = 0; i < m; i++) {
            cat(text, sizeof text, "%s", i ? "; " : "");
            int weight = 0;
            for (int q = 0; q < n; q++) {
                const char letter = "IXYZ"[pl_rng_below(&rng, 4)];
                if (letter != 'I') cat(text, sizeof text, "%c%d ", letter, q);
                weight += letter != 'I';
            }
            if (weight == 0) cat(text, sizeof text, "I");
        }
        gens_t gs = gens_parse(text, n);
        pl_lie_t *g = closure(&gs, PL_LIE_STRINGS, 0);
        int bd, bc;
        dense_closure(&gs, n, &bd, &bc);
        if (pl_lie_dim(g) != (size_t)bd || pl_lie_center_dim(g) != (size_t)bc)
            test_fail("seed %d trial %d {%s}: dim %zu centre %zu, brute force %d %d", SEED, trial,
                      text, pl_lie_dim(g), pl_lie_center_dim(g), bd, bc);
        pl_lie_t *h = closure(&gs, PL_LIE_SUMS, 0);
        assert_int_equal(pl_lie_dim(h), pl_lie_dim(g));
        assert_int_equal(pl_lie_center_dim(h), pl_lie_center_dim(g));
        pl_lie_destroy(g);
        pl_lie_destroy(h);
        gens_free(&gs);
    }
}

/* ------------------------------------------------------------------------ */
/* Simple ideals                                                            */
/* ------------------------------------------------------------------------ */

static int cmp_size(const void *a, const void *b) {
    const size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* The string method (anticommutation graph) and the dense method (root
 * vectors of a random element) find the same ideals: su(2) on qubit 0;
 * {X1, X2, Z1 Z2} = so(4) = su(2) ⊕ su(2); Z3 central; {X4, Z4 Z5, X5, Z5 Z6,
 * X6} = so(6) = su(4), dim 15. */
static void test_ideals_agree(void **state) {
    (void)state;
    gens_t gs = gens_parse("X0; Z0; X1; X2; Z1 Z2; Z3; X4; Z4 Z5; X5; Z5 Z6; X6", 7);
    const size_t want[4] = {3, 3, 3, 15};
    for (int method = PL_LIE_STRINGS; method <= PL_LIE_SUMS; method++) {
        pl_lie_t *g = closure(&gs, (pl_lie_method_t)method, 0);
        assert_int_equal(pl_lie_dim(g), 25);
        assert_int_equal(pl_lie_center_dim(g), 1);
        size_t count, dims[8];
        ASSERT_OK(pl_lie_simple_ideals(g, &count, dims, 8));
        assert_int_equal(count, 4);
        qsort(dims, count, sizeof *dims, cmp_size);
        for (size_t k = 0; k < 4; k++) assert_int_equal(dims[k], want[k]);
        pl_lie_destroy(g);
    }
    gens_free(&gs);
}

/* Random string sets: the two ideal methods agree, and the ideals plus the
 * centre make up the algebra. */
static void test_ideals_random(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 2);
    for (int trial = 0; trial < 10; trial++) {
        const int n = 4;
        char text[512] = "";
        for (int i = 0; i < 4; i++) {
            cat(text, sizeof text, "%s", i ? "; " : "");
            int q0 = (int)pl_rng_below(&rng, n), q1 = (q0 + 1 + (int)pl_rng_below(&rng, n - 1)) % n;
            cat(text, sizeof text, "%c%d %c%d", "XYZ"[pl_rng_below(&rng, 3)], q0,
                "XYZ"[pl_rng_below(&rng, 3)], q1);
        }
        gens_t gs = gens_parse(text, n);
        size_t dims[2][64], count[2], total = 0;
        for (int method = 0; method < 2; method++) {
            pl_lie_t *g = closure(&gs, method ? PL_LIE_SUMS : PL_LIE_STRINGS, 0);
            ASSERT_OK(pl_lie_simple_ideals(g, &count[method], dims[method], 64));
            qsort(dims[method], count[method], sizeof(size_t), cmp_size);
            total = pl_lie_center_dim(g);
            for (size_t k = 0; k < count[method]; k++) total += dims[method][k];
            if (total != pl_lie_dim(g))
                test_fail("seed %d trial %d {%s}: ideals + centre = %zu, dim %zu", SEED, trial,
                          text, total, pl_lie_dim(g));
            pl_lie_destroy(g);
        }
        if (count[0] != count[1] || memcmp(dims[0], dims[1], count[0] * sizeof(size_t)) != 0)
            test_fail("seed %d trial %d {%s}: %zu ideals by strings, %zu by the dense method", SEED,
                      trial, text, count[0], count[1]);
        gens_free(&gs);
    }
}

/* Orthonormal basis as Pauli sums: unit norm, orthogonal, [g, g] first. */
static void test_basis_orthonormal(void **state) {
    (void)state;
    gens_t gs = ising_sums(4, false);
    pl_lie_t *g = closure(&gs, PL_LIE_SUMS, 0);
    const size_t dim = pl_lie_dim(g);
    pl_pauli_sum_t *b[16];
    for (size_t j = 0; j < dim; j++) ASSERT_OK(pl_lie_basis_element(g, j, &b[j]));
    for (size_t j = 0; j < dim; j++)
        for (size_t k = 0; k < dim; k++) {
            double dot = 0.0;
            for (size_t t = 0; t < pl_pauli_sum_size(b[j]); t++) {
                pl_pauli_t p;
                double complex c;
                pl_pauli_sum_term(b[j], t, &p, &c);
                assert_true(cimag(c) == 0.0);
                dot += creal(c) * creal(pl_pauli_sum_coeff(b[k], &p));
            }
            if (fabs(dot - (j == k)) > 1e-12) test_fail("b_%zu . b_%zu = %.3g", j, k, dot);
        }
    for (size_t j = 0; j < dim; j++) pl_pauli_sum_destroy(b[j]);
    pl_pauli_sum_t *out = NULL;
    EXPECT_ERROR(pl_lie_basis_element(g, dim, &out), PL_EINVAL, "out of range");
    assert_null(out);
    pl_lie_destroy(g);
    gens_free(&gs);
}

/* ------------------------------------------------------------------------ */
/* g-purities and the variance                                              */
/* ------------------------------------------------------------------------ */

static pl_pauli_sum_t *sum_of(const char *text, int n) {
    pl_pauli_sum_t *s;
    if (pl_pauli_sum_parse(text, n, &s) != PL_OK) test_fail("'%s': %s", text, pl_error_message());
    return s;
}

/* su(2^n): P_g(ρ) = Tr ρ² − 2^−n for any state, P_g(P) = 2^n for a string, and
 * the variance is the 2-design value (Tr O² − (Tr O)²/d)(Tr ρ² − 1/d)/(d² − 1)
 * of SCIENCE.md §2, = 1/(d + 1) for a string O. */
static void test_purities_su(void **state) {
    (void)state;
    const int n = 3;
    const double d = 8;
    gens_t gs = chain_strings(n, true);
    pl_lie_t *g = closure(&gs, PL_LIE_AUTO, 0);
    double p;
    ASSERT_OK(pl_lie_purity_state(g, NULL, &p));
    assert_true(fabs(p - (1 - 1 / d)) < 1e-14);
    pl_sv_t *sv;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 3);
    ASSERT_OK(pl_sv_create(n, &sv));
    dense_random_state(n, &rng, pl_sv_data(sv));
    ASSERT_OK(pl_lie_purity_state(g, sv, &p));
    assert_true(fabs(p - (1 - 1 / d)) < 1e-12);
    pl_pauli_sum_t *o = sum_of("Z0 + 0.5*I", n);
    ASSERT_OK(pl_lie_purity_obs(g, o, &p));
    assert_true(fabs(p - d) < 1e-12);
    double var;
    ASSERT_OK(pl_lie_predicted_variance(g, sv, o, &var));
    assert_true(fabs(var - 1 / (d + 1)) < 1e-14);
    pl_pauli_sum_t *o2 = sum_of("X0 Y1 - 0.5*Z2", n); /* Tr O² = 1.25 d */
    ASSERT_OK(pl_lie_predicted_variance(g, NULL, o2, &var));
    assert_true(fabs(var - 1.25 * d * (1 - 1 / d) / (d * d - 1)) < 1e-14);
    pl_pauli_sum_destroy(o);
    pl_pauli_sum_destroy(o2);
    pl_sv_destroy(sv);
    pl_lie_destroy(g);
    gens_free(&gs);
}

/* Sample mean of ⟨O⟩ over uniform angles, its variance and the standard
 * error of that variance, sqrt((m4 − v²)/N), from the state vector. */
static void measured_variance(const pl_circuit_t *c, const pl_pauli_sum_t *o, int samples,
                              uint64_t seed, double *var, double *se) {
    const int np = pl_circuit_num_params(c);
    double *theta = malloc((size_t)np * sizeof *theta), *x = malloc((size_t)samples * sizeof *x);
    pl_rng_t rng;
    pl_rng_seed(&rng, seed, 4);
    pl_sv_t *sv;
    ASSERT_OK(pl_sv_create(pl_circuit_qubits(c), &sv));
    double mean = 0.0;
    for (int s = 0; s < samples; s++) {
        for (int k = 0; k < np; k++) theta[k] = 2 * PL_PI * pl_rng_uniform(&rng);
        ASSERT_OK(pl_sv_set_basis(sv, 0));
        ASSERT_OK(pl_circuit_apply(c, theta, sv));
        double complex e;
        ASSERT_OK(pl_sv_expval_sum(sv, o, &e));
        x[s] = creal(e);
        mean += x[s] / samples;
    }
    double m2 = 0.0, m4 = 0.0;
    for (int s = 0; s < samples; s++) {
        const double dx = x[s] - mean;
        m2 += dx * dx / samples;
        m4 += dx * dx * dx * dx / samples;
    }
    *var = m2 * samples / (samples - 1);
    *se = sqrt((m4 - m2 * m2) / samples);
    pl_sv_destroy(sv);
    free(theta);
    free(x);
}

static void expect_variance(const pl_circuit_t *c, pl_lie_t *g, const char *obs, double closed,
                            const char *what) {
    pl_pauli_sum_t *o = sum_of(obs, pl_circuit_qubits(c));
    double predicted, var, se;
    ASSERT_OK(pl_lie_predicted_variance(g, NULL, o, &predicted));
    if (closed > 0 && fabs(predicted - closed) > 1e-12 * closed)
        test_fail("%s: predicted variance %.6g, closed form %.6g", what, predicted, closed);
    measured_variance(c, o, 500, SEED, &var, &se);
    fprintf(stderr, "  %s <%s>: predicted %.5f, measured %.5f +- %.5f (500 samples, seed %d)\n",
            what, obs, predicted, var, se, SEED);
    if (fabs(var - predicted) > 3 * se)
        test_fail("%s <%s>: predicted variance %.5f, measured %.5f +- %.5f (seed %d)", what, obs,
                  predicted, var, se, SEED);
    pl_pauli_sum_destroy(o);
}

/* Deep free-fermion circuit with independent angles: rx on every qubit, rzz
 * on every bond, L layers (L = 60 at n = 6: g-sim over 20,000 samples shows
 * the variance converged to 1 % from L = 48 on). g = so(2n); the strings of I and Z in g are the
 * n − 1 bonds Z_i Z_{i+1}, so for O = Z0 Z1: P_g(ρ) = (n − 1)/2^n,
 * P_g(O) = 2^n and Var = (n − 1)/(n(2n − 1)). */
static pl_circuit_t *free_fermion_circuit(int n, int layers) {
    pl_circuit_t *c;
    ASSERT_OK(pl_circuit_create(n, &c));
    int k = 0;
    for (int l = 0; l < layers; l++) {
        for (int q = 0; q < n; q++) {
            const pl_angle_t a = {1.0, k++, 0.0};
            ASSERT_OK(pl_circuit_add_sym(c, PL_GATE_RX, &q, 1, &a));
        }
        for (int q = 0; q + 1 < n; q++) {
            const int b[2] = {q, q + 1};
            const pl_angle_t a = {1.0, k++, 0.0};
            ASSERT_OK(pl_circuit_add_sym(c, PL_GATE_RZZ, b, 2, &a));
        }
    }
    return c;
}

static void test_variance_prediction(void **state) {
    (void)state;
    const int n = 6;
    pl_circuit_t *c = free_fermion_circuit(n, 60);
    pl_lie_t *g;
    ASSERT_OK(pl_lie_from_circuit(c, NULL, &g));
    assert_true(pl_lie_is_pauli(g));
    expect_variance(c, g, "Z0 Z1", (n - 1.0) / (n * (2.0 * n - 1)), "free fermions, n = 6");
    pl_lie_destroy(g);
    pl_circuit_destroy(c);
    /* TFIM-HVA (tied angles, Hadamards in front): u(n) with a centre. */
    pl_ansatz_opts_t o = {.kind = PL_ANSATZ_TFIM_HVA, .qubits = n, .layers = 60};
    ASSERT_OK(pl_ansatz_build(&o, &c));
    ASSERT_OK(pl_lie_from_circuit(c, NULL, &g));
    assert_false(pl_lie_is_pauli(g));
    expect_variance(c, g, "Z0 Z1 + Z1 Z2 + Z2 Z3 + Z3 Z4 + Z4 Z5", 0, "TFIM-HVA, n = 6");
    expect_variance(c, g, "X0 + X1 + X2 + X3 + X4 + X5 + 0.3*I", 0, "TFIM-HVA, n = 6");
    pl_lie_destroy(g);
    pl_circuit_destroy(c);
}

/* ------------------------------------------------------------------------ */
/* g-sim against the state vector                                           */
/* ------------------------------------------------------------------------ */

/* g-sim's value and gradient equal the state vector's (adjoint) to 1e-10. */
static void expect_gsim(const pl_circuit_t *c, pl_lie_method_t method, const char *obs,
                        uint64_t seed, const char *what) {
    const int n = pl_circuit_qubits(c), np = pl_circuit_num_params(c);
    pl_lie_opts_t opts = {.method = method};
    pl_gsim_t *s;
    if (pl_gsim_create(c, &opts, &s) != PL_OK) test_fail("%s: %s", what, pl_error_message());
    pl_pauli_sum_t *o = sum_of(obs, n);
    double *theta = malloc((size_t)np * sizeof *theta), *g1 = malloc((size_t)np * sizeof *g1);
    double *g2 = malloc((size_t)np * sizeof *g2);
    pl_rng_t rng;
    pl_rng_seed(&rng, seed, 5);
    for (int trial = 0; trial < 3; trial++) {
        for (int k = 0; k < np; k++) theta[k] = 2 * PL_PI * pl_rng_uniform(&rng) - PL_PI;
        double e1, e2;
        if (pl_gsim_expval(s, theta, o, &e1, g1) != PL_OK)
            test_fail("%s: %s", what, pl_error_message());
        ASSERT_OK(pl_grad(c, theta, o, NULL, PL_GRAD_ADJOINT, &e2, g2));
        double worst = fabs(e1 - e2);
        for (int k = 0; k < np; k++) worst = fmax(worst, fabs(g1[k] - g2[k]));
        if (worst > 1e-10)
            test_fail("%s, method %d, <%s>, seed %llu trial %d: g-sim %.12f vs %.12f, max "
                      "difference %.3g",
                      what, (int)method, obs, (unsigned long long)seed, trial, e1, e2, worst);
    }
    free(theta);
    free(g1);
    free(g2);
    pl_pauli_sum_destroy(o);
    pl_gsim_destroy(s);
}

static void test_gsim_tfim_hva(void **state) {
    (void)state;
    const int n = 8;
    pl_ansatz_opts_t o = {.kind = PL_ANSATZ_TFIM_HVA, .qubits = n, .layers = 3};
    pl_circuit_t *c;
    ASSERT_OK(pl_ansatz_build(&o, &c));
    const char *energy = "Z0 Z1 + Z1 Z2 + Z2 Z3 + Z3 Z4 + Z4 Z5 + Z5 Z6 + Z6 Z7 + 0.7*X0 + 0.7*X1 "
                         "+ 0.7*X2 + 0.7*X3 + 0.7*X4 + 0.7*X5 + 0.7*X6 + 0.7*X7 - 0.25*I";
    for (int m = PL_LIE_AUTO; m <= PL_LIE_SUMS; m++)
        expect_gsim(c, (pl_lie_method_t)m, energy, SEED, "TFIM-HVA n = 8");
    /* Single bonds are outside the TFIM-HVA's u(n) but inside the strings'
     * so(2n), where AUTO and STRINGS run. */
    expect_gsim(c, PL_LIE_STRINGS, "Z0 Z1 - 0.5*X3 + Y2 X3 X4 Z5", SEED + 1, "TFIM-HVA n = 8");
    pl_gsim_t *s;
    ASSERT_OK(pl_gsim_create(c, NULL, &s));
    assert_int_equal(pl_lie_dim(pl_gsim_algebra(s)), (size_t)n * (2 * n - 1));
    pl_gsim_destroy(s);
    pl_circuit_destroy(c);
}

/* A random circuit of free-fermion rotations (rx on a qubit, rzz and ryy on
 * neighbours: Majorana bilinears under Jordan–Wigner), angles a·θ_k + b on six
 * shared parameters, fixed x and z gates in the middle, Hadamards in front. */
static pl_circuit_t *random_free_circuit(int n, int gates, uint64_t seed) {
    pl_rng_t rng;
    pl_rng_seed(&rng, seed, 6);
    pl_circuit_t *c;
    ASSERT_OK(pl_circuit_create(n, &c));
    for (int q = 0; q < n; q += 2) ASSERT_OK(pl_circuit_add(c, PL_GATE_H, &q, 1, NULL));
    const pl_gate_t two[2] = {PL_GATE_RZZ, PL_GATE_RYY};
    for (int i = 0; i < gates; i++) {
        const int q = (int)pl_rng_below(&rng, (uint64_t)n - 1), kind = (int)pl_rng_below(&rng, 5);
        const int b[2] = {q, q + 1};
        const pl_angle_t a = {0.5 + pl_rng_uniform(&rng), (int)pl_rng_below(&rng, 6),
                              0.3 * pl_rng_uniform(&rng)};
        if (kind == 0) {
            ASSERT_OK(pl_circuit_add_sym(c, PL_GATE_RX, &q, 1, &a));
        } else if (kind <= 2) {
            ASSERT_OK(pl_circuit_add_sym(c, two[kind - 1], b, 2, &a));
        } else {
            const pl_gate_t pauli = kind == 3 ? PL_GATE_X : PL_GATE_Z;
            ASSERT_OK(pl_circuit_add(c, pauli, &q, 1, NULL));
        }
    }
    return c;
}

static void test_gsim_random_free(void **state) {
    (void)state;
    for (int trial = 0; trial < 3; trial++) {
        pl_circuit_t *c = random_free_circuit(7, 60, SEED + (uint64_t)trial);
        pl_lie_t *g;
        ASSERT_OK(pl_lie_from_circuit(c, NULL, &g));
        assert_true(pl_lie_dim(g) <= 91); /* inside so(14) */
        pl_lie_destroy(g);
        expect_gsim(c, PL_LIE_STRINGS, "Z0 Z1 + 0.3*Y2 Y3 - X6 + 2*I", SEED + (uint64_t)trial,
                    "random free-fermion circuit");
        expect_gsim(c, PL_LIE_SUMS, "Z0 Z1 + 0.3*Y2 Y3 - X6 + 2*I", SEED + (uint64_t)trial,
                    "random free-fermion circuit");
        pl_circuit_destroy(c);
    }
}

/* Clifford conjugation: HEA (CZ ladders between rotation layers), and
 * circuits whose fixed gates move generators by hand-checked rules. */
static void test_gsim_cliffords(void **state) {
    (void)state;
    pl_ansatz_opts_t o = {.kind = PL_ANSATZ_HEA, .qubits = 4, .layers = 3};
    pl_circuit_t *c;
    ASSERT_OK(pl_ansatz_build(&o, &c));
    expect_gsim(c, PL_LIE_STRINGS, "Z0 Z1 + 0.5*X2 - Y0 Z3 + X1 X2 X3", SEED, "HEA n = 4");
    pl_circuit_destroy(c);
    /* ry(θ0) q0; cz q0,q1 → generator CZ Y0 CZ = Y0 Z1; rz(θ1) q2; h q2 → X2;
     * rx(θ2) q3; y q3 → Y X3 Y = −X3 (the sign goes into the coefficient). */
    const char *simple = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[4];\n"
                         "ry(theta[0]) q[0]; cz q[0],q[1]; rz(theta[1]) q[2]; h q[2];\n"
                         "rx(theta[2]) q[3]; y q[3];\n";
    ASSERT_OK(pl_qasm_read_string(simple, "simple", &c));
    pl_pauli_sum_t **gens;
    size_t m;
    ASSERT_OK(pl_lie_circuit_generators(c, &gens, &m));
    assert_int_equal(m, 3);
    const char *want[3] = {"Y0 Z1", "X2", "X3"};
    const double sign[3] = {1, 1, -1};
    for (size_t i = 0; i < 3; i++) {
        pl_pauli_sum_t *w = sum_of(want[i], 4);
        pl_pauli_t p;
        double complex cw;
        pl_pauli_sum_term(w, 0, &p, &cw);
        assert_int_equal(pl_pauli_sum_size(gens[i]), 1);
        assert_true(pl_pauli_sum_coeff(gens[i], &p) == sign[i]);
        pl_pauli_sum_destroy(w);
    }
    pl_lie_generators_destroy(gens, m);
    expect_gsim(c, PL_LIE_STRINGS, "Y0 Z1 + 0.5*X2 - X3 + 0.2*I", SEED, "Clifford rules");
    pl_circuit_destroy(c);
    /* u2 (rz · ry(π/2) · rz: a quarter turn in the middle), s, sdg, sx, swap,
     * controlled rotations and cu3 (an angle on two parameters), shared θ. */
    const char *qasm = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[4];\n"
                       "ry(theta[0]) q[0]; cz q[0],q[1]; rz(theta[1]) q[2]; h q[2];\n"
                       "rx(theta[2]) q[3]; y q[3]; u2(theta[3], 2*theta[0]) q[1];\n"
                       "s q[0]; rxx(theta[4]) q[0],q[2]; sdg q[2]; sx q[3]; swap q[1],q[3];\n"
                       "cry(theta[5]) q[0],q[3]; cu3(theta[1],theta[2],theta[3]) q[2],q[1];\n"
                       "rz(pi/2) q[0]; rx(-pi) q[1];\n";
    ASSERT_OK(pl_qasm_read_string(qasm, "cliffords", &c));
    expect_gsim(c, PL_LIE_STRINGS, "Z0 Z1 + 0.5*X2 - Y0 Z3 + X1 X2 X3", SEED, "Clifford mix");
    expect_gsim(c, PL_LIE_SUMS, "Z0 Z1 + 0.5*X2 - Y0 Z3 + X1 X2 X3", SEED, "Clifford mix");
    pl_circuit_destroy(c);
}

/* ------------------------------------------------------------------------ */
/* Bad input                                                                */
/* ------------------------------------------------------------------------ */

static void test_errors(void **state) {
    (void)state;
    pl_lie_t *g = (pl_lie_t *)1;
    EXPECT_ERROR(pl_lie_closure(NULL, 0, NULL, &g), PL_EINVAL, "no generators");
    assert_null(g);
    gens_t gs = gens_parse("X0", 1);
    gens_t gt = gens_parse("Z0 Z1", 2);
    gs.g[gs.m++] = gt.g[0];
    EXPECT_ERROR(pl_lie_closure((const pl_pauli_sum_t *const *)gs.g, gs.m, NULL, &g), PL_EINVAL,
                 "generator 1 acts on 2 qubits, generator 0 on 1");
    gens_free(&gs);
    gs = gens_parse("X0 + Z1; (0.5+1i)*Y1", 2);
    EXPECT_ERROR(pl_lie_closure((const pl_pauli_sum_t *const *)gs.g, gs.m, NULL, &g), PL_EINVAL,
                 "generator 1 has the complex coefficient 0.5+1i on 'Y1'");
    gens_free(&gs);
    gs = gens_parse("X0 - X0; Z0", 1);
    EXPECT_ERROR(pl_lie_closure((const pl_pauli_sum_t *const *)gs.g, gs.m, NULL, &g), PL_EINVAL,
                 "generator 0 is zero");
    gens_free(&gs);
    gs = gens_parse("X0 + Z1; Y1", 2);
    pl_lie_opts_t strings = {.method = PL_LIE_STRINGS};
    EXPECT_ERROR(pl_lie_closure((const pl_pauli_sum_t *const *)gs.g, gs.m, &strings, &g), PL_EINVAL,
                 "generator 0 is a sum of 2 strings");
    gens_free(&gs);
    /* Capped: at least max_dim, and no purities. */
    gs = chain_strings(3, true);
    for (int m = PL_LIE_STRINGS; m <= PL_LIE_SUMS; m++) {
        g = closure(&gs, (pl_lie_method_t)m, 10);
        assert_true(pl_lie_capped(g));
        assert_int_equal(pl_lie_dim(g), 10);
        double p;
        EXPECT_ERROR(pl_lie_purity_state(g, NULL, &p), PL_EINVAL, "capped at 10");
        pl_lie_destroy(g);
    }
    gens_free(&gs);
    /* The variance needs O in i·g. */
    gs = chain_strings(3, false);
    g = closure(&gs, PL_LIE_AUTO, 0);
    pl_pauli_sum_t *o = sum_of("Z0", 3);
    double v;
    EXPECT_ERROR(pl_lie_predicted_variance(g, NULL, o, &v), PL_EUNSUPPORTED, "not in i*g");
    pl_pauli_sum_destroy(o);
    pl_lie_destroy(g);
    gens_free(&gs);
    /* Circuits: no parameters; a fixed non-Clifford gate. */
    pl_circuit_t *c;
    const char *fixed = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\nrx(0.3) q[0];\n";
    ASSERT_OK(pl_qasm_read_string(fixed, "fixed", &c));
    EXPECT_ERROR(pl_lie_from_circuit(c, NULL, &g), PL_EINVAL, "no parameters");
    pl_circuit_destroy(c);
    const char *t = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\n"
                    "rx(theta[0]) q[0]; t q[1]; rzz(theta[1]) q[0],q[1];\n";
    ASSERT_OK(pl_qasm_read_string(t, "t", &c));
    EXPECT_ERROR(pl_lie_from_circuit(c, NULL, &g), PL_EUNSUPPORTED, "is not a Clifford gate");
    pl_gsim_t *s = (pl_gsim_t *)1;
    EXPECT_ERROR(pl_gsim_create(c, NULL, &s), PL_EUNSUPPORTED, "is not a Clifford gate");
    assert_null(s);
    pl_circuit_destroy(c);
    /* g-sim: capped algebra, observable outside the span, bad θ. */
    pl_ansatz_opts_t ao = {.kind = PL_ANSATZ_HEA, .qubits = 3, .layers = 2};
    ASSERT_OK(pl_ansatz_build(&ao, &c));
    pl_lie_opts_t small = {.max_dim = 20, .method = PL_LIE_STRINGS};
    EXPECT_ERROR(pl_gsim_create(c, &small, &s), PL_EUNSUPPORTED, "at least 20 elements");
    pl_circuit_destroy(c);
    ao = (pl_ansatz_opts_t){.kind = PL_ANSATZ_TFIM_HVA, .qubits = 4, .layers = 2};
    ASSERT_OK(pl_ansatz_build(&ao, &c));
    pl_lie_opts_t sums = {.method = PL_LIE_SUMS};
    ASSERT_OK(pl_gsim_create(c, &sums, &s));
    o = sum_of("Z0 Z1", 4);
    double theta[4] = {0.1, 0.2, 0.3, 0.4};
    EXPECT_ERROR(pl_gsim_expval(s, theta, o, &v, NULL), PL_EINVAL,
                 "outside the span of the 16-dimensional g-sim algebra");
    pl_pauli_sum_destroy(o);
    o = sum_of("Z0 Z1 + Z1 Z2 + Z2 Z3", 4);
    theta[2] = NAN;
    EXPECT_ERROR(pl_gsim_expval(s, theta, o, &v, NULL), PL_EINVAL, "theta[2] is not finite");
    pl_pauli_sum_destroy(o);
    pl_gsim_destroy(s);
    pl_circuit_destroy(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_free_fermion_so2n),
        cmocka_unit_test(test_full_su),
        cmocka_unit_test(test_centres),
        cmocka_unit_test(test_tfim_sums),
        cmocka_unit_test(test_tfim_hva_circuit),
        cmocka_unit_test(test_random_strings),
        cmocka_unit_test(test_ideals_agree),
        cmocka_unit_test(test_ideals_random),
        cmocka_unit_test(test_basis_orthonormal),
        cmocka_unit_test(test_purities_su),
        cmocka_unit_test(test_variance_prediction),
        cmocka_unit_test(test_gsim_tfim_hva),
        cmocka_unit_test(test_gsim_random_free),
        cmocka_unit_test(test_gsim_cliffords),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
