/*
 * Carrying a failure out of an OpenMP parallel region: error messages are
 * thread-local, so a worker's message would be lost to the calling thread.
 * Workers record the first failure (status and message) here; after the
 * region the caller re-raises it in its own thread.
 *
 *   core_thread_error_t err = CORE_THREAD_ERROR_INIT;
 *   #pragma omp parallel
 *   { ... if (st != PL_OK) core_thread_error_set(&err, st); }
 *   PL_TRY(core_thread_error_raise(&err));
 */
#ifndef PLATEAU_CORE_THREAD_ERROR_H
#define PLATEAU_CORE_THREAD_ERROR_H

#include <stdio.h>

#include "plateau/errors.h"

typedef struct {
    pl_status_t st;
    char msg[512];
} core_thread_error_t;

#define CORE_THREAD_ERROR_INIT                                                                     \
    {                                                                                              \
        PL_OK, {                                                                                   \
            0                                                                                      \
        }                                                                                          \
    }

/* Record a worker's failure (its pl_error_message()); the first one wins. */
static inline void core_thread_error_set(core_thread_error_t *e, pl_status_t st) {
#pragma omp critical(core_thread_error)
    if (e->st == PL_OK) {
        e->st = st;
        snprintf(e->msg, sizeof e->msg, "%s", pl_error_message());
    }
}

/* In the calling thread: PL_OK, or the recorded failure with its message. */
static inline pl_status_t core_thread_error_raise(const core_thread_error_t *e) {
    return e->st == PL_OK ? PL_OK : pl_error(e->st, "%s", e->msg);
}

/* Has any worker failed yet? (lets the others stop early) */
static inline int core_thread_error_any(const core_thread_error_t *e) {
    pl_status_t st;
#pragma omp atomic read
    st = e->st;
    return st != PL_OK;
}

#endif
