/* Small helpers shared by the cmocka test programs. */
#ifndef PLATEAU_TESTUTIL_H
#define PLATEAU_TESTUTIL_H

#include "plateau/core.h"
#include "plateau/pauli.h"

/* Print a printf-style message to stderr, then fail the current cmocka test. */
void test_fail(const char *fmt, ...) PL_PRINTF(1, 2);

/* Fail unless @p needle occurs in @p text (quoted in the failure message). */
void test_expect_contains(const char *text, const char *needle);

/* @p k distinct random qubits of [0, n) (partial Fisher–Yates; n <= 64). */
void test_random_qubits(pl_rng_t *rng, int n, int k, int *qs);

/* A random Hermitian Pauli sum of @p terms strings on n qubits: each factor
 * is I with probability p_identity, else X, Y or Z; coefficients in [-0.5, 0.5). */
pl_pauli_sum_t *test_random_observable(pl_rng_t *rng, int n, int terms, double p_identity);

#endif
