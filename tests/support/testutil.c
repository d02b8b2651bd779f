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
