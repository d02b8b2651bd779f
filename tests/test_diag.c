/*
 * Barren-plateau diagnostics against independent references: the 2-design
 * closed form of Var[C] (SCIENCE.md §2), variances recomputed in the test from
 * raw gradients, synthetic decays for the fit, and the textbook behaviour of
 * the hardware-efficient ansatz (global cost: exponential decay; local cost at
 * shallow depth: not; Cerezo et al., Nat. Commun. 12, 1791 (2021)).
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

#include "plateau.h"
#include "testutil.h"

#define SEED 31337u

static pl_circuit_t *ansatz(pl_ansatz_kind_t kind, int n, int layers) {
    pl_ansatz_opts_t o = {.kind = kind, .qubits = n, .layers = layers};
    pl_circuit_t *c;
    ASSERT_OK(pl_ansatz_build(&o, &c));
    return c;
}

/* A deep SU(4) brickwork approximates a unitary 2-design: for O = Z_0 and
 * ρ = |0…0⟩⟨0…0|, Var[C] = (Tr O² − (Tr O)²/d)(Tr ρ² − 1/d)/(d² − 1) = 1/(d + 1). */
static void test_two_design_variance(void **state) {
    (void)state;
    const int n = 3, d = 8;
    pl_circuit_t *c = ansatz(PL_ANSATZ_SU4_BRICKWORK, n, 12);
    pl_pauli_sum_t *z0;
    ASSERT_OK(pl_pauli_sum_parse("Z0", n, &z0));
    const pl_bp_opts_t o = {.samples = 2000, .seed = SEED, .param_index = 0};
    pl_bp_point_t p;
    ASSERT_OK(pl_bp_sample(c, z0, &o, &p));
    const double want = (double)d * (1 - 1.0 / d) / ((double)d * d - 1); /* = 1/(d+1) */
    if (fabs(p.var_cost - want) > 3 * p.var_cost_stderr)
        test_fail("2-design Var[C] = %.5f ± %.5f, closed form %.5f", p.var_cost, p.var_cost_stderr,
                  want);
    assert_true(fabs(p.mean_grad) < 4 * sqrt(p.var_grad / p.samples));
    pl_pauli_sum_destroy(z0);
    pl_circuit_destroy(c);
}

/* The statistics equal those recomputed here from raw adjoint gradients with
 * the same angles, and do not depend on the thread count. */
static void test_statistics(void **state) {
    (void)state;
    const int n = 4, S = 50;
    pl_circuit_t *c = ansatz(PL_ANSATZ_HEA, n, 2);
    pl_pauli_sum_t *obs;
    ASSERT_OK(pl_cost_observable(PL_COST_LOCAL, n, &obs));
    const int np = pl_circuit_num_params(c);
    double *theta = malloc((size_t)np * sizeof *theta), *g = malloc((size_t)np * sizeof *g);
    double *sum = calloc((size_t)np, sizeof *sum), *sum2 = calloc((size_t)np, sizeof *sum2);
    for (int s = 0; s < S; s++) {
        pl_rng_t rng;
        pl_rng_seed(&rng, SEED, (uint64_t)s);
        for (int k = 0; k < np; k++) theta[k] = 2 * PL_PI * pl_rng_uniform(&rng);
        double e;
        ASSERT_OK(pl_grad(c, theta, obs, NULL, PL_GRAD_SHIFT, &e, g));
        for (int k = 0; k < np; k++) {
            sum[k] += g[k];
            sum2[k] += g[k] * g[k];
        }
    }
    double want = 0.0;
    for (int k = 0; k < np; k++) want += (sum2[k] - sum[k] * sum[k] / S) / (S - 1) / np;
    pl_bp_point_t p[2];
    const int saved = pl_threads_get();
    for (int t = 1; t <= 2; t++) {
        ASSERT_OK(pl_threads_set(t));
        const pl_bp_opts_t o = {.samples = S, .seed = SEED, .param_index = -1};
        ASSERT_OK(pl_bp_sample(c, obs, &o, &p[t - 1]));
    }
    ASSERT_OK(pl_threads_set(saved));
    assert_true(fabs(p[0].var_grad - want) < 1e-12 * (1 + want));
    assert_true(p[0].var_grad == p[1].var_grad && p[0].stderr == p[1].stderr);
    assert_int_equal(p[0].params, np);
    assert_true(p[0].stderr > 0 && p[0].stderr < p[0].var_grad);
    free(theta);
    free(g);
    free(sum);
    free(sum2);
    pl_pauli_sum_destroy(obs);
    pl_circuit_destroy(c);
}

static void synthetic(pl_bp_point_t *pts, int count, double (*law)(int)) {
    for (int i = 0; i < count; i++) {
        pts[i] = (pl_bp_point_t){.qubits = 2 + 2 * i, .samples = 200};
        pts[i].var_grad = law(pts[i].qubits);
        pts[i].stderr = 0.05 * pts[i].var_grad;
    }
}
static double exponential(int n) {
    return 0.3 * pow(2.0, -n);
}
static double polynomial(int n) {
    return 0.3 * pow(n, -2.0);
}

static void test_fit(void **state) {
    (void)state;
    pl_bp_point_t pts[6];
    pl_bp_fit_t f;
    synthetic(pts, 6, exponential);
    ASSERT_OK(pl_bp_fit(pts, 6, &f));
    assert_string_equal(f.verdict, "barren plateau");
    assert_true(fabs(f.base - 2.0) < 1e-9 && fabs(f.rate - log(2.0)) < 1e-9 && f.chi2_exp < 1e-12);
    synthetic(pts, 6, polynomial);
    ASSERT_OK(pl_bp_fit(pts, 6, &f));
    assert_string_equal(f.verdict, "no barren plateau");
    assert_true(fabs(f.exponent - 2.0) < 1e-9 && f.chi2_poly < 1e-12);
    ASSERT_OK(pl_bp_fit(pts, 2, &f));
    assert_string_equal(f.verdict, "inconclusive");
    pts[1].var_grad = 0.0;
    ASSERT_OK(pl_bp_fit(pts, 6, &f));
    assert_string_equal(f.verdict, "inconclusive");
}

/* HEA: the global cost decays exponentially; the local cost at depth 2 does not. */
static void test_hea_costs(void **state) {
    (void)state;
    const pl_cost_kind_t kinds[2] = {PL_COST_GLOBAL, PL_COST_LOCAL};
    const char *expected[2] = {"barren plateau", "no barren plateau"};
    for (int c = 0; c < 2; c++) {
        pl_bp_point_t pts[4];
        for (int i = 0; i < 4; i++) {
            const int n = 2 + 2 * i;
            pl_circuit_t *circ = ansatz(PL_ANSATZ_HEA, n, c == 0 ? n : 2);
            pl_pauli_sum_t *obs;
            ASSERT_OK(pl_cost_observable(kinds[c], n, &obs));
            const pl_bp_opts_t o = {.samples = 300, .seed = SEED + (uint64_t)n, .param_index = -1};
            ASSERT_OK(pl_bp_sample(circ, obs, &o, &pts[i]));
            pl_pauli_sum_destroy(obs);
            pl_circuit_destroy(circ);
        }
        pl_bp_fit_t f;
        ASSERT_OK(pl_bp_fit(pts, 4, &f));
        if (strcmp(f.verdict, expected[c]) != 0)
            test_fail("%s cost: verdict '%s' (rate %.3f ± %.3f, chi2 exp %.2f poly %.2f)",
                      pl_cost_name(kinds[c]), f.verdict, f.rate, f.rate_stderr, f.chi2_exp,
                      f.chi2_poly);
    }
}

static void test_errors(void **state) {
    (void)state;
    pl_circuit_t *c = ansatz(PL_ANSATZ_HEA, 2, 1), *fixed;
    pl_pauli_sum_t *obs, *obs3;
    ASSERT_OK(pl_cost_observable(PL_COST_GLOBAL, 2, &obs));
    ASSERT_OK(pl_cost_observable(PL_COST_GLOBAL, 3, &obs3));
    pl_bp_point_t p;
    pl_bp_opts_t o = {.samples = 1, .param_index = -1};
    assert_int_equal(pl_bp_sample(c, obs, &o, &p), PL_EINVAL);
    test_expect_contains(pl_error_message(), "at least 2 samples");
    o.samples = 10;
    o.param_index = 99;
    assert_int_equal(pl_bp_sample(c, obs, &o, &p), PL_EINVAL);
    test_expect_contains(pl_error_message(), "parameter index 99 out of range");
    o.param_index = -1;
    assert_int_equal(pl_bp_sample(c, obs3, &o, &p), PL_EINVAL);
    ASSERT_OK(pl_circuit_create(2, &fixed));
    assert_int_equal(pl_bp_sample(fixed, obs, &o, &p), PL_EINVAL);
    test_expect_contains(pl_error_message(), "no parameters");
    pl_cost_kind_t k;
    assert_int_equal(pl_cost_lookup("middle", &k), PL_EINVAL);
    test_expect_contains(pl_error_message(), "valid: global, local");
    assert_int_equal(pl_cost_lookup(pl_cost_name(PL_COST_LOCAL), &k), PL_OK);
    assert_int_equal(k, PL_COST_LOCAL);
    assert_string_equal(pl_cost_name(PL_COST_GLOBAL), "global");
    assert_string_equal(pl_cost_name((pl_cost_kind_t)2), "unknown");
    test_expect_contains(pl_error_message(), "unknown cost value 2 (valid: 0 global, 1 local)");
    pl_pauli_sum_destroy(obs);
    pl_pauli_sum_destroy(obs3);
    pl_circuit_destroy(c);
    pl_circuit_destroy(fixed);
}

/* The audit: a deep hardware-efficient circuit with a global cost is a barren
 * plateau (its cost variance is the 2-design value); the TFIM-HVA is simulable
 * with g-sim and its prediction is the Lie-algebraic one; the light cone of Z3
 * through one HEA layer (CZ ladder 0-1, …, 6-7) is qubits 0..4, by hand. */
static void test_sim_names(void **state) {
    (void)state;
    assert_string_equal(pl_sim_name(PL_SIM_GSIM), "g-sim");
    assert_string_equal(pl_sim_name(PL_SIM_LIGHT_CONE), "light-cone Pauli propagation");
    assert_string_equal(pl_sim_name(PL_SIM_PAULI_PROPAGATION), "truncated Pauli propagation");
    assert_null(pl_sim_name(PL_SIM_NONE));
    assert_null(pl_sim_name((pl_sim_kind_t)99));
}

static void test_audit(void **state) {
    (void)state;
    pl_circuit_t *deep = ansatz(PL_ANSATZ_HEA, 6, 6), *shallow = ansatz(PL_ANSATZ_HEA, 8, 1);
    pl_circuit_t *hva = ansatz(PL_ANSATZ_TFIM_HVA, 6, 4);
    pl_pauli_sum_t *global, *z3, *zz;
    ASSERT_OK(pl_cost_observable(PL_COST_GLOBAL, 6, &global));
    ASSERT_OK(pl_pauli_sum_parse("Z3", 8, &z3));
    ASSERT_OK(pl_pauli_sum_parse("Z0 Z1 + Z1 Z2 + Z2 Z3 + Z3 Z4 + Z4 Z5", 6, &zz));
    const pl_audit_opts_t o = {.samples = 200, .seed = SEED};
    pl_audit_t a;
    ASSERT_OK(pl_audit(deep, global, NULL, &o, &a));
    assert_string_equal(a.verdict, "barren plateau");
    assert_true(fabs(a.haar_variance - 1.0 / 65) <
                1e-12); /* O = Z⊗6: (d − 1)/(d² − 1) = 1/(d + 1) */
    ASSERT_OK(pl_audit(shallow, z3, NULL, &o, &a));
    assert_int_equal(a.light_cone, 5);
    assert_string_equal(a.verdict, "trainable and classically simulable");
    ASSERT_OK(pl_audit(hva, zz, NULL, &o, &a));
    assert_string_equal(a.verdict, "trainable and classically simulable");
    assert_int_equal(a.simulator, PL_SIM_GSIM);
    pl_lie_t *g;
    double want;
    ASSERT_OK(pl_lie_from_circuit(hva, NULL, &g));
    ASSERT_OK(pl_lie_predicted_variance(g, NULL, zz, &want));
    assert_true(a.has_prediction && fabs(a.predicted_variance - want) < 1e-12 &&
                a.dla_dim == pl_lie_dim(g));
    pl_lie_destroy(g);
    pl_circuit_t *fixed;
    ASSERT_OK(pl_circuit_create(6, &fixed));
    assert_int_equal(pl_audit(fixed, zz, NULL, &o, &a), PL_EINVAL);
    test_expect_contains(pl_error_message(), "no parameters");
    pl_circuit_destroy(fixed);
    pl_circuit_destroy(deep);
    pl_circuit_destroy(shallow);
    pl_circuit_destroy(hva);
    pl_pauli_sum_destroy(global);
    pl_pauli_sum_destroy(z3);
    pl_pauli_sum_destroy(zz);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_design_variance),
        cmocka_unit_test(test_statistics),
        cmocka_unit_test(test_fit),
        cmocka_unit_test(test_hea_costs),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_sim_names),
        cmocka_unit_test(test_audit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
