/* Small helpers shared by the cmocka test programs. */
#ifndef PLATEAU_TESTUTIL_H
#define PLATEAU_TESTUTIL_H

#include <inttypes.h>
#include <stdint.h>

#include "plateau/core.h"
#include "plateau/errors.h"
#include "plateau/pauli.h"

/* Print a printf-style message to stderr, then fail the current cmocka test. */
void test_fail(const char *fmt, ...) PL_PRINTF(1, 2);

/* As test_fail, reporting @p file:@p line as the place of the failure. */
void test_fail_at(const char *file, int line, const char *fmt, ...) PL_PRINTF(3, 4);

/* The enum spelling of @p st ("PL_EINVAL"); pl_status_name() gives the words. */
const char *test_status_name(pl_status_t st);

/* Fail unless @p got == @p want; the failure names both statuses, @p call
 * (the call's text), pl_error_message() and the place. */
void test_check_status(pl_status_t got, pl_status_t want, const char *call, const char *file,
                       int line);

/* The call returns PL_OK; otherwise the test fails with the status name,
 * pl_error_message() and the call's text. */
#define ASSERT_OK(call) test_check_status((call), PL_OK, #call, __FILE__, __LINE__)

/* Fail unless @p got == @p want and pl_error_message() contains @p text; the
 * failure names the statuses, the message, @p call and the place. */
void test_check_error(pl_status_t got, pl_status_t want, const char *text, const char *call,
                      const char *file, int line);

/* The call fails with status @p st and a message containing @p text; on a
 * wrong status the failure also prints the message (and the call's text). */
#define EXPECT_ERROR(call, st, text)                                                               \
    test_check_error((call), (st), (text), #call, __FILE__, __LINE__)

/* Fail with the seed that produced the case. */
#define CHECK_SEEDED(cond, seed)                                                                   \
    do {                                                                                           \
        if (!(cond))                                                                               \
            test_fail_at(__FILE__, __LINE__, "%s failed (seed %" PRIu64 ")", #cond,                \
                         (uint64_t)(seed));                                                        \
    } while (0)

/* Fail unless @p needle occurs in @p text (quoted in the failure message). */
void test_expect_contains(const char *text, const char *needle);

/* @p k distinct random qubits of [0, n) (partial Fisher–Yates; n <= 64). */
void test_random_qubits(pl_rng_t *rng, int n, int k, int *qs);

/* A random Hermitian Pauli sum of @p terms strings on n qubits: each factor
 * is I with probability p_identity, else X, Y or Z; coefficients in [-0.5, 0.5). */
pl_pauli_sum_t *test_random_observable(pl_rng_t *rng, int n, int terms, double p_identity);

#endif
