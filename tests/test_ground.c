/*
 * Ground states of the models (include/plateau/ground.h): pl_ground_solve by
 * DMRG (χ 64) against the exact Lanczos ground state, at 12 sites, for every
 * model at one point deep inside each of its phases (the closed-form label of
 * each point is checked first, so a point that drifts onto a boundary fails
 * loudly). At n = 12 a bond dimension of 64 = 2^6 holds any state exactly, so
 * DMRG must reach the exact energy; the returned MPS's ⟨ψ|H|ψ⟩, computed
 * independently by pl_mps_expval_sum, must equal the reported energy.
 * Tolerances: energies 1e-8 absolute (|E| <= 30). Also the method names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plateau/core.h"
#include "plateau/ground.h"
#include "plateau/models.h"
#include "plateau/mps.h"
#include "testutil.h"

#define SEED 20250612u
#define SITES 12
#define ENERGY_TOL 1e-8

/* One point per phase, away from every boundary (see models.h for the curves). */
static const struct {
    const char *model, *params;
    int label;
} POINTS[] = {
    {"tfim", "h=0.3", PL_TFIM_FERROMAGNETIC},
    {"tfim", "h=2", PL_TFIM_PARAMAGNETIC},
    /* cluster-ising: SPT between c(h1) ≈ −0.98 and b(h1) ≈ 0.79 at h1 = 0.1 */
    {"cluster-ising", "h1=0.1,h2=0.1", PL_CLUSTER_ISING_SPT},
    {"cluster-ising", "h1=1.5,h2=0.5", PL_CLUSTER_ISING_PARAMAGNETIC}, /* b(1.5) ≈ −0.33 */
    {"cluster-ising", "h1=0.2,h2=-1.5", PL_CLUSTER_ISING_ANTIFERROMAGNETIC}, /* a(0.2) = −0.98 */
    /* generalized cluster: roots of 1 − J1 z + J2 z² inside the unit disk */
    {"generalized-cluster", "J1=0.3,J2=0.2", PL_GCLUSTER_TRIVIAL},       /* |z|² = 5 */
    {"generalized-cluster", "J1=2.5,J2=0.2", PL_GCLUSTER_FERROMAGNETIC}, /* 0.42, 12.1 */
    {"generalized-cluster", "J1=-2.5,J2=0.2", PL_GCLUSTER_ANTIFERROMAGNETIC},
    {"generalized-cluster", "J1=0.2,J2=2.5", PL_GCLUSTER_SPT}, /* |z|² = 0.4 */
    /* annni: h_I(0.1) = 0.839; at κ = 1 h_PT = 0.525, h_KT = 0.704 */
    {"annni", "kappa=0.1,h=0.3", PL_ANNNI_FERROMAGNETIC},
    {"annni", "kappa=0.2,h=1.5", PL_ANNNI_PARAMAGNETIC},
    {"annni", "kappa=1,h=0.615", PL_ANNNI_FLOATING},
    {"annni", "kappa=1,h=0.15", PL_ANNNI_ANTIPHASE},
    {"xxx-alternating", "J2=0.3", PL_XXX_TRIVIAL},
    {"xxx-alternating", "J2=1.8", PL_XXX_TOPOLOGICAL},
};
#define NPOINTS (sizeof POINTS / sizeof POINTS[0])

static const pl_model_t *model(const char *name) {
    const pl_model_t *m;
    if (pl_model_lookup(name, &m) != PL_OK) test_fail("%s", pl_error_message());
    return m;
}

/* Ground state by @p method; the MPS into *psi. */
static pl_ground_result_t solve(const pl_model_t *m, const double *q, pl_ground_method_t method,
                                const char *where, pl_mps_t **psi) {
    const pl_ground_opts_t o = {.method = method, .chi_max = 64, .seed = SEED};
    pl_ground_result_t r;
    if (pl_ground_solve(m, SITES, q, &o, &r, psi) != PL_OK)
        test_fail("%s, %s (seed %u): %s", where, pl_ground_method_name(method), SEED,
                  pl_error_message());
    return r;
}

/* ⟨ψ|H|ψ⟩ of the returned state equals the reported energy. */
static void check_expval(const pl_model_t *m, const double *q, const pl_mps_t *psi, double e,
                         const char *where) {
    pl_pauli_sum_t *h;
    ASSERT_OK(pl_model_hamiltonian(m, SITES, q, &h));
    double ev;
    ASSERT_OK(pl_mps_expval_sum(psi, h, &ev));
    pl_pauli_sum_destroy(h);
    if (fabs(ev - e) > ENERGY_TOL)
        test_fail("%s (seed %u): <psi|H|psi> = %.12f but the energy is %.12f", where, SEED, ev, e);
}

static void test_dmrg_equals_exact_in_every_phase(void **state) {
    (void)state;
    bool seen[PL_MODEL_COUNT][PL_MODEL_MAX_LABELS] = {{false}};
    for (size_t k = 0; k < NPOINTS; k++) {
        const pl_model_t *m = model(POINTS[k].model);
        double q[PL_MODEL_MAX_PARAMS];
        ASSERT_OK(pl_model_parse_params(m, POINTS[k].params, q));
        char where[96];
        snprintf(where, sizeof where, "%s %s n %d", m->name, POINTS[k].params, SITES);
        int label;
        ASSERT_OK(pl_model_label(m, q, &label));
        if (label != POINTS[k].label)
            test_fail("%s: closed-form label %s, expected %s", where, pl_model_label_name(m, label),
                      pl_model_label_name(m, POINTS[k].label));
        seen[m->id][label] = true;

        pl_mps_t *exact_psi, *dmrg_psi;
        const pl_ground_result_t ex = solve(m, q, PL_GROUND_EXACT, where, &exact_psi);
        const pl_ground_result_t dm = solve(m, q, PL_GROUND_DMRG, where, &dmrg_psi);
        assert_int_equal(ex.method, PL_GROUND_EXACT);
        assert_int_equal(dm.method, PL_GROUND_DMRG);
        if (fabs(dm.energy - ex.energy) > ENERGY_TOL)
            test_fail("%s (seed %u): DMRG %.12f (%d sweeps, bond %d, converged %d), exact "
                      "%.12f, difference %.2e",
                      where, SEED, dm.energy, dm.sweeps, dm.max_bond_dim, dm.converged, ex.energy,
                      dm.energy - ex.energy);
        assert_true(dm.converged);
        check_expval(m, q, dmrg_psi, dm.energy, where);
        check_expval(m, q, exact_psi, ex.energy, where);
        /* a valid label, and deep in a phase the dataset label is that phase */
        const pl_ground_result_t *both[2] = {&ex, &dm};
        for (int b = 0; b < 2; b++) {
            const pl_ground_result_t *r = both[b];
            if (!pl_model_label_name(m, r->label) || r->label != POINTS[k].label)
                test_fail("%s, %s: label %d (%s, %s), expected %s", where,
                          pl_ground_method_name(r->method), r->label,
                          pl_model_label_name(m, r->label) ? pl_model_label_name(m, r->label)
                                                           : "invalid",
                          r->label_rule, pl_model_label_name(m, POINTS[k].label));
            assert_int_equal(r->label_closed_form, label);
            assert_true(r->label_measured >= -1 && r->label_measured < m->nlabels);
        }
        pl_mps_destroy(exact_psi);
        pl_mps_destroy(dmrg_psi);
    }
    /* every phase of every model was visited */
    for (int id = 0; id < PL_MODEL_COUNT; id++)
        for (int l = 0; l < pl_model_get(id)->nlabels; l++)
            if (!seen[id][l])
                test_fail("no point in phase %s of %s", pl_model_get(id)->labels[l],
                          pl_model_get(id)->name);
}

static void test_method_names(void **state) {
    (void)state;
    const pl_ground_method_t all[] = {PL_GROUND_AUTO, PL_GROUND_EXACT, PL_GROUND_DMRG};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) {
        pl_ground_method_t m = PL_GROUND_AUTO;
        ASSERT_OK(pl_ground_method_lookup(pl_ground_method_name(all[k]), &m));
        assert_int_equal(m, all[k]);
    }
    pl_ground_method_t m;
    EXPECT_ERROR(pl_ground_method_lookup("lanczos", &m), PL_EINVAL,
                 "unknown method 'lanczos' (valid: auto, exact, dmrg)");
    EXPECT_ERROR(pl_ground_method_lookup("", &m), PL_EINVAL, "unknown method ''");
    EXPECT_ERROR(pl_ground_method_lookup("DMRG", &m), PL_EINVAL, "unknown method 'DMRG'");
    EXPECT_ERROR(pl_ground_method_lookup(NULL, &m), PL_EINVAL, "unknown method '(null)'");
    /* A value outside the enumeration: "unknown", with the valid values in the message. */
    assert_string_equal(pl_ground_method_name((pl_ground_method_t)7), "unknown");
    test_expect_contains(pl_error_message(),
                         "unknown method value 7 (valid: 0 auto, 1 exact, 2 dmrg)");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dmrg_equals_exact_in_every_phase),
        cmocka_unit_test(test_method_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
