/**
 * @file errors.h
 * @brief Status codes and thread-local error messages.
 *
 * Every fallible plateau function returns a ::pl_status_t. On failure the
 * calling thread's message (pl_error_message()) names the problem and the values
 * involved, e.g. "qubit 7 out of range [0, 5)". The library never prints and
 * never exits.
 */
#ifndef PLATEAU_ERRORS_H
#define PLATEAU_ERRORS_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define PL_NODISCARD __attribute__((warn_unused_result))
#define PL_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define PL_NODISCARD
#define PL_PRINTF(fmt, args)
#endif

/** Marks a function that never returns (C11 `_Noreturn`, C++ `[[noreturn]]`). */
#ifdef __cplusplus
#define PL_NORETURN [[noreturn]]
#else
#define PL_NORETURN _Noreturn
#endif

/** Status codes: PL_OK is zero, errors are negative. */
typedef enum {
    PL_OK = 0,
    PL_EINVAL = -1,       /**< invalid argument (bad index, NaN angle, ...) */
    PL_ENOMEM = -2,       /**< allocation refused by the memory limit or failed */
    PL_EIO = -3,          /**< file could not be read or written */
    PL_EPARSE = -4,       /**< malformed text input (QASM, Pauli text, numbers) */
    PL_EUNSUPPORTED = -5, /**< valid input that plateau does not support */
    PL_EINTERNAL = -6     /**< a bug in plateau; please report it */
} pl_status_t;

/** Short fixed name of a status code ("invalid argument", ...). */
const char *pl_status_name(pl_status_t st);

/**
 * The calling thread's message for the most recent failure ("" if none).
 * The pointer stays valid until the next plateau call on this thread.
 */
const char *pl_error_message(void);

/**
 * Record a failure: set the thread-local message from a printf format and
 * return @p st, so that `return pl_error(PL_EINVAL, "qubit %d ...", q);` works.
 */
pl_status_t pl_error(pl_status_t st, const char *fmt, ...) PL_PRINTF(2, 3);

/**
 * Prefix the current message with a context string: after
 * `pl_error_prefix("%s:%d", file, line)` the message reads "file:12: old message".
 */
void pl_error_prefix(const char *fmt, ...) PL_PRINTF(1, 2);

/**
 * Record an allocation failure: set the message to
 * "out of memory allocating WHAT" and return PL_ENOMEM, so that
 * `if (!ops) return pl_error_nomem("the circuit's operations");` works.
 * @param[in] what  noun phrase naming the object (NULL reads "memory")
 * @return PL_ENOMEM
 */
pl_status_t pl_error_nomem(const char *what);

/**
 * pl_error_nomem() with a printf-style object name:
 * `pl_error_nomemf("%d parameters", np)` gives "out of memory allocating 5 parameters".
 * @return PL_ENOMEM
 */
pl_status_t pl_error_nomemf(const char *fmt, ...) PL_PRINTF(1, 2);

/** Clear the calling thread's message. */
void pl_error_clear(void);

/** Abort with "internal error, please report"; for broken invariants only. */
PL_NORETURN void pl_error_internal(const char *file, int line, const char *what);

/** Propagate a failing status to the caller. */
#define PL_TRY(expr)                                                                               \
    do {                                                                                           \
        pl_status_t pl_try_status_ = (expr);                                                       \
        if (pl_try_status_ != PL_OK) return pl_try_status_;                                        \
    } while (0)

/** Check an internal invariant (always on, also in release builds). */
#define PL_ASSERT(cond)                                                                            \
    do {                                                                                           \
        if (!(cond)) pl_error_internal(__FILE__, __LINE__, #cond);                                 \
    } while (0)

#ifdef __cplusplus
}
#endif
#endif
