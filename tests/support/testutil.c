/* Small helpers shared by the cmocka test programs. */
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

void test_fail(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fail();
}

void test_expect_contains(const char *text, const char *needle) {
    if (!strstr(text, needle)) test_fail("expected '%s' in \"%s\"", needle, text);
}

void test_random_qubits(pl_rng_t *rng, int n, int k, int *qs) {
    int all[64];
    PL_ASSERT(n <= 64 && k <= n);
    for (int q = 0; q < n; q++) all[q] = q;
    for (int i = 0; i < k; i++) {
        int j = i + (int)pl_rng_below(rng, (uint64_t)(n - i));
        int t = all[i];
        all[i] = all[j];
        all[j] = t;
        qs[i] = all[i];
    }
}

pl_pauli_sum_t *test_random_observable(pl_rng_t *rng, int n, int terms, double p_identity) {
    pl_pauli_sum_t *h;
    pl_pauli_t *p;
    assert_int_equal(pl_pauli_sum_create(n, &h), PL_OK);
    assert_int_equal(pl_pauli_create(n, &p), PL_OK);
    for (int t = 0; t < terms; t++) {
        for (int k = 0; k < n; k++) {
            pl_pauli_op_t op = PL_I;
            if (pl_rng_uniform(rng) >= p_identity) op = (pl_pauli_op_t)(1 + pl_rng_below(rng, 3));
            pl_pauli_set(p, k, op);
        }
        assert_int_equal(pl_pauli_sum_add(h, p, pl_rng_uniform(rng) - 0.5), PL_OK);
    }
    pl_pauli_destroy(p);
    return h;
}
