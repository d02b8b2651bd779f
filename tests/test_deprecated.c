/*
 * The old spellings of renamed public names (include/plateau/deprecated.h)
 * still compile and call the new functions, for one release. Each call here
 * uses an old name and checks the result against the new name's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "plateau.h"
#include "testutil.h"

static void test_errors_and_core(void **state) {
    (void)state;
    assert_int_equal(pl_error(PL_EINVAL, "old spelling %d", 1), PL_EINVAL);
    assert_string_equal(pl_last_error(), "old spelling 1");
    assert_ptr_equal(pl_last_error(), pl_error_message());
    pl_clear_error();
    assert_string_equal(pl_error_message(), "");
    assert_string_equal(pl_status_str(PL_ENOMEM), pl_status_name(PL_ENOMEM));

    ASSERT_OK(pl_set_threads(1));
    assert_int_equal(pl_threads(), 1);
    assert_int_equal(pl_threads_get(), 1);

    size_t bytes = 0;
    ASSERT_OK(pl_parse_bytes("2K", &bytes));
    assert_int_equal(bytes, 2048);
    char a[32], b[32];
    pl_format_bytes(1536.0, a, sizeof a);
    pl_mem_format_bytes(1536.0, b, sizeof b);
    assert_string_equal(a, b);
    assert_true(pl_time_now() > 0.0);
}

static void test_models_and_ground(void **state) {
    (void)state;
    const pl_model_t *m_old, *m_new;
    ASSERT_OK(pl_model_find("tfim", &m_old));
    ASSERT_OK(pl_model_lookup("tfim", &m_new));
    assert_ptr_equal(m_old, m_new);

    pl_gs_method_t g_old;
    pl_ground_method_t g_new;
    ASSERT_OK(pl_gs_method_lookup("dmrg", &g_old));
    ASSERT_OK(pl_ground_method_lookup("dmrg", &g_new));
    assert_int_equal(g_old, g_new);
    assert_int_equal(g_old, PL_GS_DMRG);
    assert_int_equal(PL_GS_EXACT, PL_GROUND_EXACT);
    assert_int_equal(PL_GS_EXACT_MAX_SITES, PL_GROUND_EXACT_MAX_SITES);
    assert_string_equal(pl_gs_method_name(PL_GS_AUTO), pl_ground_method_name(PL_GROUND_AUTO));

    /* Exact ground energy of the 4-site critical TFIM through both spellings. */
    const double params[2] = {1.0, 1.0};
    pl_pauli_sum_t *h;
    ASSERT_OK(pl_model_hamiltonian(m_new, 4, params, &h));
    const pl_exact_opts_t o = {.seed = 1};
    double e_old, e_new;
    ASSERT_OK(pl_exact_ground_state(h, &o, &e_old, NULL));
    ASSERT_OK(pl_ground_exact(h, &o, &e_new, NULL));
    assert_true(e_old == e_new);
    pl_pauli_sum_destroy(h);
}

static void test_mps_and_optim(void **state) {
    (void)state;
    pl_mps_t *psi, *copy;
    ASSERT_OK(pl_mps_create_random(4, 2, 7, &psi));
    ASSERT_OK(pl_mps_copy(psi, &copy));
    assert_int_equal(pl_mps_sites(copy), 4);
    pl_mps_destroy(copy);
    pl_mps_destroy(psi);

    pl_optimizer_t o_old;
    ASSERT_OK(pl_optimizer_lookup("lbfgs", &o_old));
    assert_int_equal(o_old, PL_OPT_LBFGS);
    assert_string_equal(pl_optimizer_name(o_old), pl_optim_method_name(o_old));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_errors_and_core),
        cmocka_unit_test(test_models_and_ground),
        cmocka_unit_test(test_mps_and_optim),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
