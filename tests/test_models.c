/*
 * Spin-chain models (include/plateau/models.h): the descriptor table and
 * parameter text, the Hamiltonians, the real Pauli-sum operator, exact ground
 * states, and phase labels. References are independent of the library code:
 * the TFIM energy from its free-fermion (Bogoliubov–de Gennes) matrix, dense
 * matrices from tests/support/dense.c diagonalised by LAPACKE_dsyev,
 * pl_sv_apply_pauli_sum for the operator, and labels worked out by hand.
 * Tolerances: energies 1e-9 absolute (|E| <= 20); operator 1e-12.
 */
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
#include "plateau/core.h"
#include "plateau/models.h"
#include "plateau/sv.h"
#include "testutil.h"

#define SEED 20250611u

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

static const pl_model_t *model(const char *name) {
    const pl_model_t *m;
    ASSERT_OK(pl_model_lookup(name, &m));
    return m;
}

/* H of a model from parameter text. */
static pl_pauli_sum_t *hamiltonian(const char *name, int n, const char *params) {
    const pl_model_t *m = model(name);
    double q[PL_MODEL_MAX_PARAMS];
    ASSERT_OK(pl_model_parse_params(m, params, q));
    pl_pauli_sum_t *h;
    if (pl_model_hamiltonian(m, n, q, &h) != PL_OK) test_fail("%s", pl_error_message());
    return h;
}

static double exact_energy(const pl_pauli_sum_t *h, pl_sv_t **state) {
    double e;
    const pl_ground_exact_opts_t opts = {.seed = SEED};
    if (pl_ground_exact(h, &opts, &e, state) != PL_OK) test_fail("%s", pl_error_message());
    return e;
}

/* Lowest eigenvalue of the dense matrix of h (real part; imaginary parts checked 0). */
static double dense_lowest(const pl_pauli_sum_t *h) {
    const size_t d = (size_t)1 << pl_pauli_sum_qubits(h);
    double complex *m = dense_pauli_sum_matrix(h);
    double *a = malloc(d * d * sizeof(double)), *w = malloc(d * sizeof(double));
    for (size_t i = 0; i < d * d; i++) {
        assert_true(fabs(cimag(m[i])) < 1e-14);
        a[i] = creal(m[i]);
    }
    assert_int_equal(LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'N', 'U', (lapack_int)d, a, (lapack_int)d, w),
                     0);
    const double e = w[0];
    free(m);
    free(a);
    free(w);
    return e;
}

/*
 * TFIM ground energy by free fermions. Rotating X ↔ Z, H = −J Σ X_i X_{i+1} − h Σ Z_i;
 * Jordan–Wigner with Z_i = 1 − 2 c_i†c_i gives
 * H = Σ c†A c + ½ Σ (c_i† B_ij c_j† + h.c.) − h n with A_ii = 2h,
 * A_{i,i±1} = −J, B_{i,i+1} = −J = −B_{i+1,i}. The 2n x 2n BdG matrix
 * [[A, B], [−B, −A]] has eigenvalues ±Λ_k and E0 = ½ tr A − ½ Σ_k Λ_k − h n
 * = −¼ Σ |eigenvalues|.
 */
static double tfim_free_fermion(int n, double j, double h) {
    const int m = 2 * n;
    double *bdg = calloc((size_t)m * m, sizeof(double)), *w = malloc((size_t)m * sizeof(double));
#define BDG(r, c) bdg[(size_t)(r)*m + (c)]
    for (int i = 0; i < n; i++) {
        BDG(i, i) = 2 * h;
        BDG(n + i, n + i) = -2 * h;
        if (i + 1 < n) {
            BDG(i, i + 1) = BDG(i + 1, i) = -j;                /* A */
            BDG(n + i, n + i + 1) = BDG(n + i + 1, n + i) = j; /* −A */
            BDG(i, n + i + 1) = -j;                            /* B_{i,i+1} */
            BDG(i + 1, n + i) = j;                             /* B_{i+1,i} */
            BDG(n + i, i + 1) = j;                             /* −B_{i,i+1} */
            BDG(n + i + 1, i) = -j;                            /* −B_{i+1,i} */
        }
    }
#undef BDG
    assert_int_equal(LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'N', 'U', m, bdg, m, w), 0);
    double e = 0;
    for (int k = 0; k < m; k++) e -= 0.25 * fabs(w[k]);
    free(bdg);
    free(w);
    return e;
}

/* ⟨P⟩ on a state vector, as a pl_pauli_expval_fn. */
static pl_status_t sv_expval(const pl_pauli_t *p, void *ctx, double *value) {
    return pl_sv_expval_pauli(ctx, p, value);
}

static int label_from_exact(const char *name, int n, const char *params) {
    const pl_model_t *m = model(name);
    double q[PL_MODEL_MAX_PARAMS];
    ASSERT_OK(pl_model_parse_params(m, params, q));
    pl_pauli_sum_t *h = hamiltonian(name, n, params);
    pl_sv_t *gs;
    exact_energy(h, &gs);
    int label = -1;
    if (pl_model_label_from_state(m, n, q, sv_expval, gs, &label) != PL_OK)
        test_fail("%s", pl_error_message());
    pl_sv_destroy(gs);
    pl_pauli_sum_destroy(h);
    return label;
}

static int closed_label(const char *name, const char *params) {
    const pl_model_t *m = model(name);
    double q[PL_MODEL_MAX_PARAMS];
    ASSERT_OK(pl_model_parse_params(m, params, q));
    int label = -1;
    ASSERT_OK(pl_model_label(m, q, &label));
    return label;
}

/* ------------------------------------------------------------------------ */
/* Table and parameters                                                     */
/* ------------------------------------------------------------------------ */

static void test_table(void **state) {
    (void)state;
    const char *names[] = {"tfim", "cluster-ising", "generalized-cluster", "annni",
                           "xxx-alternating"};
    const int nlabels[] = {2, 3, 4, 4, 2};
    for (int i = 0; i < PL_MODEL_COUNT; i++) {
        const pl_model_t *m = pl_model_get(i);
        assert_non_null(m);
        assert_int_equal(m->id, i);
        assert_string_equal(m->name, names[i]);
        assert_ptr_equal(model(names[i]), m);
        assert_int_equal(m->nlabels, nlabels[i]);
        for (int k = 0; k < m->nparams; k++) {
            assert_int_equal(pl_model_param_index(m, m->params[k].name), k);
            assert_true(m->params[k].lo <= m->params[k].hi);
        }
        assert_null(pl_model_label_name(m, -1));
        assert_null(pl_model_label_name(m, m->nlabels));
    }
    assert_null(pl_model_get(PL_MODEL_COUNT));
    assert_string_equal(pl_model_label_name(model("tfim"), PL_TFIM_FERROMAGNETIC), "ferromagnetic");
    assert_string_equal(pl_model_label_name(model("cluster-ising"), PL_CLUSTER_ISING_SPT), "spt");
    assert_string_equal(pl_model_label_name(model("generalized-cluster"), PL_GCLUSTER_SPT), "spt");
    assert_string_equal(pl_model_label_name(model("annni"), PL_ANNNI_FLOATING), "floating");
    assert_string_equal(pl_model_label_name(model("xxx-alternating"), PL_XXX_TOPOLOGICAL),
                        "topological");
    /* SCIENCE.md dataset ranges */
    const pl_model_t *ci = model("cluster-ising");
    assert_true(ci->params[1].lo == 0 && ci->params[1].hi == 1.6);
    assert_true(ci->params[2].lo == -1.6 && ci->params[2].hi == 1.6);
}

static void test_parse_params(void **state) {
    (void)state;
    const pl_model_t *m = model("tfim");
    double q[PL_MODEL_MAX_PARAMS];
    ASSERT_OK(pl_model_parse_params(m, "h=0.75,J=2", q));
    assert_true(q[0] == 2 && q[1] == 0.75);
    ASSERT_OK(pl_model_parse_params(m, " h = -1e-1 ", q));
    assert_true(q[0] == 1 && q[1] == -0.1);
    ASSERT_OK(pl_model_parse_params(m, "", q));
    assert_true(q[0] == m->params[0].def && q[1] == m->params[1].def);
    ASSERT_OK(pl_model_parse_params(m, NULL, q));
    EXPECT_ERROR(pl_model_parse_params(m, "g=1", q), PL_EINVAL,
                 "unknown parameter 'g' for model tfim (valid: J, h)");
    EXPECT_ERROR(pl_model_parse_params(m, "h=", q), PL_EINVAL, "parameter h has no value");
    EXPECT_ERROR(pl_model_parse_params(m, "h", q), PL_EINVAL, "'h' has no value");
    EXPECT_ERROR(pl_model_parse_params(m, "h=nan", q), PL_EINVAL, "h = nan is not finite");
    EXPECT_ERROR(pl_model_parse_params(m, "h=inf", q), PL_EINVAL, "not finite");
    EXPECT_ERROR(pl_model_parse_params(m, "h=1x", q), PL_EINVAL, "malformed number '1x'");
    EXPECT_ERROR(pl_model_parse_params(m, "h=1,h=2", q), PL_EINVAL, "h given twice");
    EXPECT_ERROR(pl_model_parse_params(m, "h=1,", q), PL_EINVAL, "empty parameter entry");
    EXPECT_ERROR(pl_model_parse_params(model("annni"), "kappa=0.1,J=1", q), PL_EINVAL,
                 "unknown parameter 'J' for model annni (valid: kappa, h)");
}

static void test_bad_input(void **state) {
    (void)state;
    const pl_model_t *m;
    EXPECT_ERROR(pl_model_lookup("ising", &m), PL_EINVAL,
                 "unknown model 'ising' (valid: tfim, cluster-ising, generalized-cluster, annni, "
                 "xxx-alternating)");
    assert_null(m);
    pl_pauli_sum_t *h = NULL;
    double q[PL_MODEL_MAX_PARAMS] = {1, 1, 1};
    EXPECT_ERROR(pl_model_hamiltonian(model("xxx-alternating"), 7, q, &h), PL_EINVAL,
                 "model xxx-alternating needs an even number of sites, got 7");
    EXPECT_ERROR(pl_model_hamiltonian(model("xxx-alternating"), 2, q, &h), PL_EINVAL, "needs 4 to");
    EXPECT_ERROR(pl_model_hamiltonian(model("cluster-ising"), 2, q, &h), PL_EINVAL,
                 "model cluster-ising needs 3 to");
    EXPECT_ERROR(pl_model_hamiltonian(model("tfim"), 1, q, &h), PL_EINVAL, "got 1");
    assert_null(h);
    q[1] = NAN;
    EXPECT_ERROR(pl_model_hamiltonian(model("tfim"), 4, q, &h), PL_EINVAL,
                 "model tfim: parameter h = nan is not finite");
    int label;
    EXPECT_ERROR(pl_model_label(model("annni"), q, &label), PL_EINVAL, "h = nan");
    q[1] = 1;
    q[0] = 0;
    EXPECT_ERROR(pl_model_label(model("cluster-ising"), q, &label), PL_EINVAL, "J > 0");
    EXPECT_ERROR(pl_model_label_from_state(model("annni"), 8, q, sv_expval, NULL, &label),
                 PL_EUNSUPPORTED, "floating");
    EXPECT_ERROR(pl_model_label_from_state(model("xxx-alternating"), 9, q, sv_expval, NULL, &label),
                 PL_EINVAL, "even");
}

/* ------------------------------------------------------------------------ */
/* Hamiltonians and the real operator                                       */
/* ------------------------------------------------------------------------ */

static void test_hamiltonian_text(void **state) {
    (void)state;
    /* Built by hand from the formulas in models.h. */
    const struct {
        const char *model, *params;
        int n;
        const char *expect;
    } cases[] = {
        {"tfim", "J=2,h=0.5", 3, "-2*Z0 Z1 - 2*Z1 Z2 - 0.5*X0 - 0.5*X1 - 0.5*X2"},
        {"cluster-ising", "h1=0.5,h2=0.25", 4,
         "-Z0 X1 Z2 - Z1 X2 Z3 - 0.25*X0 X1 - 0.25*X1 X2 - 0.25*X2 X3 - 0.5*X0 - 0.5*X1 - 0.5*X2 - "
         "0.5*X3"},
        {"generalized-cluster", "J1=1.5,J2=-2", 3,
         "-1.5*X0 X1 - 1.5*X1 X2 + 2*X0 Z1 X2 + Z0 + Z1 + Z2"},
        {"annni", "kappa=0.5,h=0.25", 4,
         "-X0 X1 - X1 X2 - X2 X3 + 0.5*X0 X2 + 0.5*X1 X3 - 0.25*Z0 - 0.25*Z1 - 0.25*Z2 - 0.25*Z3"},
        {"xxx-alternating", "J1=1,J2=2", 4,
         "0.25*X0 X1 + 0.25*X2 X3 + 0.25*Y0 Y1 + 0.25*Y2 Y3 + 0.25*Z0 Z1 + 0.25*Z2 Z3 "
         "+ 0.5*X1 X2 + 0.5*Y1 Y2 + 0.5*Z1 Z2"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        pl_pauli_sum_t *h = hamiltonian(cases[k].model, cases[k].n, cases[k].params), *ref, *diff;
        ASSERT_OK(pl_pauli_sum_parse(cases[k].expect, cases[k].n, &ref));
        ASSERT_OK(pl_pauli_sum_clone(h, &diff));
        ASSERT_OK(pl_pauli_sum_add_sum(diff, ref, -1));
        pl_pauli_sum_prune(diff, 1e-15);
        if (pl_pauli_sum_size(diff) != 0 || pl_pauli_sum_size(h) != pl_pauli_sum_size(ref)) {
            char *s;
            ASSERT_OK(pl_pauli_sum_to_string(h, &s));
            test_fail("%s: got %s, expected %s", cases[k].model, s, cases[k].expect);
        }
        pl_pauli_sum_destroy(h);
        pl_pauli_sum_destroy(ref);
        pl_pauli_sum_destroy(diff);
    }
}

/* max |pl_ground_exact_apply(h, x) − pl_sv_apply_pauli_sum(h, x)| on a random real x. */
static double apply_diff(const pl_pauli_sum_t *h, pl_rng_t *rng) {
    const int n = pl_pauli_sum_qubits(h);
    const size_t d = (size_t)1 << n;
    double *x = malloc(d * sizeof(double)), *y = malloc(d * sizeof(double));
    pl_sv_t *in, *out;
    ASSERT_OK(pl_sv_create(n, &in));
    ASSERT_OK(pl_sv_create(n, &out));
    for (size_t i = 0; i < d; i++) pl_sv_data(in)[i] = x[i] = pl_rng_normal(rng);
    ASSERT_OK(pl_ground_exact_apply(h, x, y));
    ASSERT_OK(pl_sv_apply_pauli_sum(in, h, 1, out));
    double diff = 0;
    for (size_t i = 0; i < d; i++) diff = fmax(diff, cabs(pl_sv_data(out)[i] - y[i]));
    free(x);
    free(y);
    pl_sv_destroy(in);
    pl_sv_destroy(out);
    return diff;
}

static void test_apply_vs_sv(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 1);
    const char *params[] = {"h=0.7", "h1=0.3,h2=-0.6", "J1=1.3,J2=-0.4", "kappa=0.4,h=0.9",
                            "J2=1.7"};
    for (int i = 0; i < PL_MODEL_COUNT; i++) {
        pl_pauli_sum_t *h =
            hamiltonian(pl_model_get(i)->name, i == PL_MODEL_XXX_ALTERNATING ? 10 : 9, params[i]);
        double diff = apply_diff(h, &rng);
        if (diff > 1e-12)
            test_fail("%s: max diff %.3g (seed %u)", pl_model_get(i)->name, diff, SEED);
        pl_pauli_sum_destroy(h);
    }
    /* Random real sums: every string with an even number of Y factors. */
    for (int rep = 0; rep < 5; rep++) {
        pl_pauli_sum_t *all = test_random_observable(&rng, 7, 40, 0.4), *h;
        ASSERT_OK(pl_pauli_sum_create(7, &h));
        for (size_t k = 0; k < pl_pauli_sum_size(all); k++) {
            pl_pauli_t p;
            double complex c;
            pl_pauli_sum_term(all, k, &p, &c);
            if (pl_pauli_count_y(&p) % 2 == 0) ASSERT_OK(pl_pauli_sum_add(h, &p, c));
        }
        double diff = apply_diff(h, &rng);
        if (diff > 1e-12) test_fail("random sum %d: max diff %.3g (seed %u)", rep, diff, SEED);
        pl_pauli_sum_destroy(all);
        pl_pauli_sum_destroy(h);
    }
}

static void test_apply_rejects_complex(void **state) {
    (void)state;
    double x[8] = {1}, y[8];
    pl_pauli_sum_t *h;
    ASSERT_OK(pl_pauli_sum_parse("Z0 + Y1 X2", 3, &h));
    EXPECT_ERROR(pl_ground_exact_apply(h, x, y), PL_EINVAL, "term 1 has 1 Y factors (odd)");
    double e;
    EXPECT_ERROR(pl_ground_exact(h, NULL, &e, NULL), PL_EINVAL, "not real");
    pl_pauli_sum_destroy(h);
    ASSERT_OK(pl_pauli_sum_parse("Z0 + 0.5i*X1", 3, &h));
    EXPECT_ERROR(pl_ground_exact_apply(h, x, y), PL_EINVAL, "complex coefficient");
    pl_pauli_sum_destroy(h);
}

/* ------------------------------------------------------------------------ */
/* Exact ground states                                                      */
/* ------------------------------------------------------------------------ */

static void test_tfim_free_fermions(void **state) {
    (void)state;
    const double hs[] = {0.0, 0.3, 1.0, 1.7};
    const double js[] = {1.0, 1.0, 1.0, 0.8};
    for (size_t k = 0; k < sizeof hs / sizeof hs[0]; k++) {
        char params[64];
        snprintf(params, sizeof params, "J=%.17g,h=%.17g", js[k], hs[k]);
        pl_pauli_sum_t *h = hamiltonian("tfim", 12, params);
        const double e = exact_energy(h, NULL), ref = tfim_free_fermion(12, js[k], hs[k]);
        if (fabs(e - ref) > 1e-9)
            test_fail("tfim n 12 %s: E %.15g vs free fermions %.15g", params, e, ref);
        pl_pauli_sum_destroy(h);
    }
    /* Critical open chain, J = h = 1: modes k_m = 2πm/(2n+1), m = 1..n, with
     * Λ = 4 cos(k/2); E0 = −½ Σ Λ = 1 − csc(π / (2(2n + 1))) by the Dirichlet sum. */
    assert_true(fabs(tfim_free_fermion(12, 1, 1) - (1 - 1 / sin(PL_PI / 50))) < 1e-12);
    assert_true(fabs(tfim_free_fermion(12, 1, 0) + 11) < 1e-12);  /* −J(n−1) */
    assert_true(fabs(tfim_free_fermion(12, 0, 0.5) + 6) < 1e-12); /* −hn */
}

static void test_cluster_ising_stabilizer(void **state) {
    (void)state;
    pl_pauli_sum_t *h = hamiltonian("cluster-ising", 10, "h1=0,h2=0");
    pl_sv_t *gs;
    const double e = exact_energy(h, &gs);
    if (fabs(e + 8) > 1e-10) test_fail("cluster at h1 = h2 = 0: E %.15g, expected -(n-2) = -8", e);
    double complex ev;
    ASSERT_OK(pl_sv_expval_sum(gs, h, &ev));
    assert_true(fabs(creal(ev) - e) < 1e-10 && fabs(pl_sv_norm2(gs) - 1) < 1e-12);
    pl_sv_destroy(gs);
    pl_pauli_sum_destroy(h);
}

static void test_exact_vs_dense(void **state) {
    (void)state;
    const char *points[PL_MODEL_COUNT][2] = {
        {"h=0.6", "J=1.3,h=1.1"},
        {"h1=0.3,h2=0.4", "h1=1.2,h2=-1.1"},
        {"J1=1.5,J2=0.3", "J1=-0.7,J2=2.2"},
        {"kappa=0.3,h=0.5", "kappa=0.8,h=0.4"},
        {"J2=0.4", "J2=1.6"},
    };
    for (int i = 0; i < PL_MODEL_COUNT; i++)
        for (int k = 0; k < 2; k++) {
            pl_pauli_sum_t *h = hamiltonian(pl_model_get(i)->name, 8, points[i][k]);
            pl_sv_t *gs;
            const double e = exact_energy(h, &gs), ref = dense_lowest(h);
            double complex ev;
            ASSERT_OK(pl_sv_expval_sum(gs, h, &ev));
            if (fabs(e - ref) > 1e-9 || fabs(creal(ev) - e) > 1e-9)
                test_fail("%s %s: E %.15g, dsyev %.15g, <H> %.15g", pl_model_get(i)->name,
                          points[i][k], e, ref, creal(ev));
            pl_sv_destroy(gs);
            pl_pauli_sum_destroy(h);
        }
}

static void test_exact_options_memory(void **state) {
    (void)state;
    pl_pauli_sum_t *h = hamiltonian("tfim", 16, "h=0.5");
    double e;
    const pl_ground_exact_opts_t bad = {.tol = -1};
    EXPECT_ERROR(pl_ground_exact(h, &bad, &e, NULL), PL_EINVAL, "exact options");
    pl_mem_set_limit((size_t)4 << 20);
    EXPECT_ERROR(pl_ground_exact(h, NULL, &e, NULL), PL_ENOMEM,
                 "exact diagonalisation of 16 qubits needs");
    pl_mem_set_limit(0);
    /* A tiny Krylov space still converges (thick restarts). */
    const pl_ground_exact_opts_t small = {.krylov_max = 4, .seed = 3};
    pl_pauli_sum_destroy(h);
    h = hamiltonian("tfim", 10, "h=0.5");
    ASSERT_OK(pl_ground_exact(h, &small, &e, NULL));
    assert_true(fabs(e - tfim_free_fermion(10, 1, 0.5)) < 1e-9);
    /* Too few steps: reported, with the residual. */
    const pl_ground_exact_opts_t few = {.max_iter = 3};
    EXPECT_ERROR(pl_ground_exact(h, &few, &e, NULL), PL_EUNSUPPORTED, "did not converge");
    pl_pauli_sum_destroy(h);
}

/* ------------------------------------------------------------------------ */
/* Labels                                                                   */
/* ------------------------------------------------------------------------ */

static void test_labels_closed_form(void **state) {
    (void)state;
    const struct {
        const char *model, *params;
        int label;
    } cases[] = {
        {"tfim", "h=0.9", PL_TFIM_FERROMAGNETIC},
        {"tfim", "h=1.1", PL_TFIM_PARAMAGNETIC},
        {"tfim", "J=2,h=1.5", PL_TFIM_FERROMAGNETIC},
        /* generalized cluster: roots of 1 − J1 z + J2 z², by hand */
        {"generalized-cluster", "J1=0.5,J2=0", PL_GCLUSTER_TRIVIAL},       /* z = 2 */
        {"generalized-cluster", "J1=1.5,J2=0", PL_GCLUSTER_FERROMAGNETIC}, /* z = 2/3 */
        {"generalized-cluster", "J1=-1.5,J2=0", PL_GCLUSTER_ANTIFERROMAGNETIC},
        {"generalized-cluster", "J1=0,J2=0", PL_GCLUSTER_TRIVIAL},       /* no root */
        {"generalized-cluster", "J1=0,J2=0.9", PL_GCLUSTER_TRIVIAL},     /* |z|² = 1/0.9 */
        {"generalized-cluster", "J1=0,J2=1.1", PL_GCLUSTER_SPT},         /* |z|² = 1/1.1 */
        {"generalized-cluster", "J1=0,J2=-2", PL_GCLUSTER_SPT},          /* z = ±0.707 */
        {"generalized-cluster", "J1=0,J2=-0.9", PL_GCLUSTER_TRIVIAL},    /* z = ±1.054 */
        {"generalized-cluster", "J1=3,J2=1", PL_GCLUSTER_FERROMAGNETIC}, /* 2.618, 0.382 */
        {"generalized-cluster", "J1=-3,J2=1", PL_GCLUSTER_ANTIFERROMAGNETIC},
        {"generalized-cluster", "J1=1.4,J2=0.5", PL_GCLUSTER_TRIVIAL},       /* |z|² = 2 */
        {"generalized-cluster", "J1=1.6,J2=0.5", PL_GCLUSTER_FERROMAGNETIC}, /* 2.348, 0.852 */
        {"generalized-cluster", "J1=2.5,J2=2", PL_GCLUSTER_SPT},             /* |z|² = 0.5 */
        /* J1 = 4: the ferromagnet–SPT boundary is the line p(1) = 1 − J1 + J2 = 0, J2 = 3 */
        {"generalized-cluster", "J1=4,J2=2.9", PL_GCLUSTER_FERROMAGNETIC}, /* 1.051, 0.328 */
        {"generalized-cluster", "J1=4,J2=3.1", PL_GCLUSTER_SPT},           /* 0.951, 0.339 */
        {"generalized-cluster", "J1=4,J2=3.5", PL_GCLUSTER_SPT},           /* 0.773, 0.369 */
        {"generalized-cluster", "J1=-4,J2=3.1", PL_GCLUSTER_SPT},
        {"generalized-cluster", "J1=-4,J2=2.9", PL_GCLUSTER_ANTIFERROMAGNETIC},
        /* (1 − z)²: a double root on the circle is not inside */
        {"generalized-cluster", "J1=2,J2=1", PL_GCLUSTER_TRIVIAL},
        /* ANNNI: h_I(0.2) = 4(1 − sqrt(0.7)) = 0.6534; h_PT(0.8) = 0.315, h_KT(0.8) = 0.4812 */
        {"annni", "kappa=0.2,h=0.6", PL_ANNNI_FERROMAGNETIC},
        {"annni", "kappa=0.2,h=0.7", PL_ANNNI_PARAMAGNETIC},
        {"annni", "kappa=0,h=0.99", PL_ANNNI_FERROMAGNETIC},
        {"annni", "kappa=0,h=1.01", PL_ANNNI_PARAMAGNETIC},
        {"annni", "kappa=0.8,h=0.3", PL_ANNNI_ANTIPHASE},
        {"annni", "kappa=0.8,h=0.4", PL_ANNNI_FLOATING},
        {"annni", "kappa=0.8,h=0.5", PL_ANNNI_PARAMAGNETIC},
        {"xxx-alternating", "J2=0.9", PL_XXX_TRIVIAL},
        {"xxx-alternating", "J2=1.1", PL_XXX_TOPOLOGICAL},
        /* cluster-Ising (approximate curves; exact on the h1 = 0 and h2 = 0 lines) */
        {"cluster-ising", "h1=0.9,h2=0", PL_CLUSTER_ISING_SPT},
        {"cluster-ising", "h1=1.1,h2=0", PL_CLUSTER_ISING_PARAMAGNETIC},
        {"cluster-ising", "h1=0,h2=0.9", PL_CLUSTER_ISING_SPT},
        {"cluster-ising", "h1=0,h2=1.1", PL_CLUSTER_ISING_PARAMAGNETIC},
        {"cluster-ising", "h1=0,h2=-0.9", PL_CLUSTER_ISING_SPT},
        {"cluster-ising", "h1=0,h2=-1.1", PL_CLUSTER_ISING_ANTIFERROMAGNETIC},
        {"cluster-ising", "h1=0.5,h2=0.38", PL_CLUSTER_ISING_SPT},
        {"cluster-ising", "h1=0.5,h2=0.46", PL_CLUSTER_ISING_PARAMAGNETIC},
        {"cluster-ising", "h1=1.4,h2=-1.0", PL_CLUSTER_ISING_SPT},
        {"cluster-ising", "h1=1.4,h2=-1.4", PL_CLUSTER_ISING_PARAMAGNETIC}, /* the sliver */
        {"cluster-ising", "h1=1.4,h2=-1.7", PL_CLUSTER_ISING_ANTIFERROMAGNETIC},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const int label = closed_label(cases[k].model, cases[k].params);
        if (label != cases[k].label)
            test_fail("%s %s: label %d, expected %d", cases[k].model, cases[k].params, label,
                      cases[k].label);
    }
}

static void test_labels_from_state(void **state) {
    (void)state;
    const struct {
        const char *model, *params;
        int label;
    } cases[] = {
        {"tfim", "h=0.4", PL_TFIM_FERROMAGNETIC},
        {"tfim", "h=1.6", PL_TFIM_PARAMAGNETIC},
        {"cluster-ising", "h1=0.1,h2=0.1", PL_CLUSTER_ISING_SPT},
        {"cluster-ising", "h1=0.6,h2=-0.5", PL_CLUSTER_ISING_SPT},
        {"cluster-ising", "h1=1.5,h2=0.5", PL_CLUSTER_ISING_PARAMAGNETIC},
        {"cluster-ising", "h1=0.2,h2=1.5", PL_CLUSTER_ISING_PARAMAGNETIC},
        {"cluster-ising", "h1=0.2,h2=-1.5", PL_CLUSTER_ISING_ANTIFERROMAGNETIC},
        {"cluster-ising", "h1=0.7,h2=0", PL_CLUSTER_ISING_SPT},
        {"cluster-ising", "h1=1.3,h2=0", PL_CLUSTER_ISING_PARAMAGNETIC},
        {"generalized-cluster", "J1=0.3,J2=0.2", PL_GCLUSTER_TRIVIAL},
        {"generalized-cluster", "J1=2.5,J2=0.2", PL_GCLUSTER_FERROMAGNETIC},
        {"generalized-cluster", "J1=-2.5,J2=0.2", PL_GCLUSTER_ANTIFERROMAGNETIC},
        {"generalized-cluster", "J1=0.2,J2=2.5", PL_GCLUSTER_SPT},
        {"generalized-cluster", "J1=0.2,J2=-2.5", PL_GCLUSTER_SPT},
        {"xxx-alternating", "J2=0.4", PL_XXX_TRIVIAL},
        {"xxx-alternating", "J2=1.6", PL_XXX_TOPOLOGICAL},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const int label = label_from_exact(cases[k].model, 12, cases[k].params);
        if (label != cases[k].label)
            test_fail("%s %s n 12: label %d from the ground state, expected %d", cases[k].model,
                      cases[k].params, label, cases[k].label);
        /* the closed form agrees deep in each phase */
        assert_int_equal(closed_label(cases[k].model, cases[k].params), cases[k].label);
    }
}

/* Over a grid of the dataset range, the order-parameter rule on exact ground
 * states of 12 sites agrees with the closed-form curves wherever the curves
 * give the same label 0.15 above and below the point (away from boundaries). */
static void test_cluster_ising_grid(void **state) {
    (void)state;
    int checked = 0;
    for (double h1 = 0.1; h1 < 1.65; h1 += 0.4)
        for (double h2 = -1.5; h2 < 1.65; h2 += 0.4) {
            char at[64], above[64], below[64];
            snprintf(at, sizeof at, "h1=%.2f,h2=%.2f", h1, h2);
            snprintf(above, sizeof above, "h1=%.2f,h2=%.2f", h1, h2 + 0.15);
            snprintf(below, sizeof below, "h1=%.2f,h2=%.2f", h1, h2 - 0.15);
            const int label = closed_label("cluster-ising", at);
            if (label != closed_label("cluster-ising", above) ||
                label != closed_label("cluster-ising", below))
                continue;
            const int measured = label_from_exact("cluster-ising", 12, at);
            if (measured != label)
                test_fail("cluster-ising %s: closed form %d, ground state %d", at, label, measured);
            checked++;
        }
    assert_true(checked >= 20);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_parse_params),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_hamiltonian_text),
        cmocka_unit_test(test_apply_vs_sv),
        cmocka_unit_test(test_apply_rejects_complex),
        cmocka_unit_test(test_tfim_free_fermions),
        cmocka_unit_test(test_cluster_ising_stabilizer),
        cmocka_unit_test(test_exact_vs_dense),
        cmocka_unit_test(test_exact_options_memory),
        cmocka_unit_test(test_labels_closed_form),
        cmocka_unit_test(test_labels_from_state),
        cmocka_unit_test(test_cluster_ising_grid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
