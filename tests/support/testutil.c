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

void test_fail_at(const char *file, int line, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s:%d: ", file, line);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    _fail(file, line);
}

const char *test_status_name(pl_status_t st) {
    switch (st) {
        case PL_OK: return "PL_OK";
        case PL_EINVAL: return "PL_EINVAL";
        case PL_ENOMEM: return "PL_ENOMEM";
        case PL_EIO: return "PL_EIO";
        case PL_EPARSE: return "PL_EPARSE";
        case PL_EUNSUPPORTED: return "PL_EUNSUPPORTED";
        case PL_EINTERNAL: return "PL_EINTERNAL";
    }
    return "an unknown status";
}

void test_check_status(pl_status_t got, pl_status_t want, const char *call, const char *file,
                       int line) {
    if (got == want) return;
    if (want == PL_OK)
        test_fail_at(file, line, "%s failed with %s (%s): %s", call, test_status_name(got),
                     pl_status_name(got), pl_error_message());
    else
        test_fail_at(file, line, "%s returned %s (%s), expected %s; message: \"%s\"", call,
                     test_status_name(got), pl_status_name(got), test_status_name(want),
                     pl_error_message());
}

void test_check_error(pl_status_t got, pl_status_t want, const char *text, const char *call,
                      const char *file, int line) {
    test_check_status(got, want, call, file, line);
    if (!strstr(pl_error_message(), text))
        test_fail_at(file, line, "%s: expected '%s' in the message \"%s\"", call, text,
                     pl_error_message());
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
    ASSERT_OK(pl_pauli_sum_create(n, &h));
    ASSERT_OK(pl_pauli_create(n, &p));
    for (int t = 0; t < terms; t++) {
        for (int k = 0; k < n; k++) {
            pl_pauli_op_t op = PL_I;
            if (pl_rng_uniform(rng) >= p_identity) op = (pl_pauli_op_t)(1 + pl_rng_below(rng, 3));
            pl_pauli_set(p, k, op);
        }
        ASSERT_OK(pl_pauli_sum_add(h, p, pl_rng_uniform(rng) - 0.5));
    }
    pl_pauli_destroy(p);
    return h;
}
