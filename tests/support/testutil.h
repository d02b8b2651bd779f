/* Small helpers shared by the cmocka test programs. */
#ifndef PLATEAU_TESTUTIL_H
#define PLATEAU_TESTUTIL_H

#include "plateau/core.h"

/* Print a printf-style message to stderr, then fail the current cmocka test. */
void test_fail(const char *fmt, ...) PL_PRINTF(1, 2);

/* Fail unless @p needle occurs in @p text (quoted in the failure message). */
void test_expect_contains(const char *text, const char *needle);

/* @p k distinct random qubits of [0, n) (partial Fisher–Yates; n <= 64). */
void test_random_qubits(pl_rng_t *rng, int n, int k, int *qs);

#endif
