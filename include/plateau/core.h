/**
 * @file core.h
 * @brief Core services: memory limit, reproducible random numbers, threads,
 *        progress reporting and timers.
 */
#ifndef PLATEAU_CORE_H
#define PLATEAU_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plateau/errors.h"

#ifdef __cplusplus
extern "C" {
#endif

/** π to double precision (M_PI is not part of C11). */
#define PL_PI 3.14159265358979323846

/* ------------------------------------------------------------------------ */
/* Memory limit                                                             */
/* ------------------------------------------------------------------------ */

/**
 * Set the process-wide memory limit in bytes for large plateau allocations
 * (state vectors, tensors). 0 restores the default: 80 % of physical memory.
 */
void pl_mem_set_limit(size_t bytes);

/** The current memory limit in bytes. */
size_t pl_mem_limit(void);

/** Bytes currently held through pl_mem_alloc(). */
size_t pl_mem_in_use(void);

/**
 * Allocate @p bytes (64-byte aligned, uninitialised) for @p what, refusing
 * before trying when the request would take the total over the limit.
 * @param[out] out  the allocation, or NULL on failure
 * @param[in] bytes size; 0 is an error
 * @param[in] what  noun for the message, e.g. "state vector of 30 qubits"
 * @return PL_OK, or PL_ENOMEM with a message such as
 *   "state vector of 60 qubits needs 18.4 EB, over the memory limit of 19.2 GB"
 */
PL_NODISCARD pl_status_t pl_mem_alloc(void **out, size_t bytes, const char *what);

/** Release memory from pl_mem_alloc(); @p bytes must be the size requested. */
void pl_mem_free(void *p, size_t bytes);

/**
 * Make room for @p need elements of @p elem_size bytes in the malloc'ed
 * (realloc-able) array *buf whose capacity is *cap elements: the capacity
 * doubles from max(*cap, 8) until it holds @p need, and the array is
 * reallocated once. Ordinary heap memory, not counted against the memory
 * limit (use pl_mem_alloc() for states and tensors).
 * @param[in,out] buf   the array (may be NULL with *cap == 0); unchanged on failure
 * @param[in,out] cap   its capacity in elements; unchanged on failure
 * @param[in] need      elements wanted; nothing happens when need <= *cap
 * @param[in] elem_size bytes per element (> 0)
 * @param[in] what      noun for the message, e.g. "the circuit's operations"
 * @return PL_OK, or PL_ENOMEM with "out of memory allocating WHAT (N of them)"
 *   when the size overflows or realloc fails
 */
PL_NODISCARD pl_status_t pl_mem_grow(void **buf, size_t *cap, size_t need, size_t elem_size,
                                     const char *what);

/** pl_mem_grow() for the array @p arr of any element type and capacity @p cap
 * (a size_t lvalue): `PL_TRY(PL_GROW(c->ops, c->ops_cap, c->nops + 1, "operations"));` */
#define PL_GROW(arr, cap, need, what)                                                              \
    pl_mem_grow((void **)&(arr), &(cap), (need), sizeof *(arr), (what))

/**
 * pl_mem_grow() for an array held through pl_mem_alloc(), so that it counts
 * against the memory limit: the same doubling from max(*cap, 8), then a fresh
 * pl_mem_alloc() of the new capacity, a copy of all *cap old elements and
 * pl_mem_free() of the old array. Release the result with
 * pl_mem_free(*buf, *cap * elem_size).
 * @param[in,out] buf   the array from pl_mem_alloc() (may be NULL with *cap == 0);
 *                      unchanged on failure
 * @param[in,out] cap   its capacity in elements; unchanged on failure
 * @param[in] need      elements wanted; nothing happens when need <= *cap
 * @param[in] elem_size bytes per element (> 0)
 * @param[in] what      noun for the message, e.g. "propagation removal list"
 * @return PL_OK, or PL_ENOMEM: "WHAT needs 2.0 GB, over the memory limit of
 *   1.0 GB (see --max-memory)" when the limit refuses, "out of memory
 *   allocating WHAT (N of them)" when the size overflows
 */
PL_NODISCARD pl_status_t pl_mem_grow_limited(void **buf, size_t *cap, size_t need, size_t elem_size,
                                             const char *what);

/** pl_mem_grow_limited() for the array @p arr of any element type and capacity @p cap. */
#define PL_GROW_LIMITED(arr, cap, need, what)                                                      \
    pl_mem_grow_limited((void **)&(arr), &(cap), (need), sizeof *(arr), (what))

/**
 * Parse a size such as "512M", "8G", "1.5GB", "1048576" into bytes
 * (powers of 1024). @return PL_EPARSE on malformed text.
 */
PL_NODISCARD pl_status_t pl_mem_parse_bytes(const char *text, size_t *out);

/** Format bytes for humans ("1.5 GB"); writes at most @p cap bytes. */
void pl_mem_format_bytes(double bytes, char *buf, size_t cap);

/* ------------------------------------------------------------------------ */
/* Enumeration names                                                        */
/* ------------------------------------------------------------------------ */

/** One row of a name table: an enumeration value and its name. */
typedef struct {
    int value;
    const char *name;
} pl_enum_entry_t;

/** Number of rows of a name table array. */
#define PL_ENUM_COUNT(table) (sizeof(table) / sizeof((table)[0]))

/**
 * Find @p name (exact, case-sensitive match) in the name table @p table of
 * @p n rows, silently: for hot paths that try a table before something else
 * (the QASM parser's gate names). pl_enum_lookup() is the same with a message.
 * @param[out] out  the row's value; untouched when not found
 * @return true when found (false for a NULL name)
 */
bool pl_enum_find(const pl_enum_entry_t *table, size_t n, const char *name, int *out);

/**
 * Look @p name up (exact, case-sensitive match) in the name table @p table
 * of @p n rows.
 * @param[in] what   noun for the message ("ansatz", "gradient method")
 * @param[in] name   the name (NULL is reported as "(null)")
 * @param[out] out   the row's value; untouched on failure
 * @return PL_OK, or PL_EINVAL with "unknown WHAT 'NAME' (valid: a, b, c)",
 *   the names in table order
 */
PL_NODISCARD pl_status_t pl_enum_lookup(const pl_enum_entry_t *table, size_t n, const char *what,
                                        const char *name, int *out);

/**
 * The name of @p value in the table @p table of @p n rows.
 * @return the name, or NULL for a value that is in no row; then the thread's
 *   message is set (status PL_EINVAL) to
 *   "unknown WHAT value 9 (valid: 0 hea, 1 su4-brickwork, ...)". The public
 *   pl_*_name functions built on it return the string "unknown" instead of NULL.
 */
const char *pl_enum_name(const pl_enum_entry_t *table, size_t n, const char *what, int value);

/**
 * Define an enum's public pair over its static table, the one shape every
 * module uses: `const char *NAME_FN(TYPE value)` ("unknown" for a value in no
 * row) and `pl_status_t LOOKUP_FN(const char *name, TYPE *out)` (PL_EINVAL
 * "unknown WHAT 'x' (valid: ...)"). For a module's .c file, e.g.
 * `PL_ENUM_DEFINE(pl_cost_kind_t, cost_names, "cost", pl_cost_name, pl_cost_lookup)`.
 */
#define PL_ENUM_DEFINE(TYPE, TABLE, WHAT, NAME_FN, LOOKUP_FN)                                      \
    const char *NAME_FN(TYPE value) {                                                              \
        const char *name_ = pl_enum_name(TABLE, PL_ENUM_COUNT(TABLE), WHAT, (int)value);           \
        return name_ ? name_ : "unknown";                                                          \
    }                                                                                              \
    pl_status_t LOOKUP_FN(const char *name, TYPE *out) {                                           \
        int value_;                                                                                \
        PL_TRY(pl_enum_lookup(TABLE, PL_ENUM_COUNT(TABLE), WHAT, name, &value_));                  \
        *out = (TYPE)value_;                                                                       \
        return PL_OK;                                                                              \
    }

/* ------------------------------------------------------------------------ */
/* Random numbers                                                           */
/* ------------------------------------------------------------------------ */

/**
 * xoshiro256** generator. Streams seeded with the same seed and different
 * stream numbers are independent; parallel code gives each work item (not
 * each thread) its own stream so results do not depend on the thread count.
 */
typedef struct {
    uint64_t s[4];
} pl_rng_t;

/** Seed @p rng from (@p seed, @p stream) through SplitMix64. */
void pl_rng_seed(pl_rng_t *rng, uint64_t seed, uint64_t stream);
/** Next 64 random bits. */
uint64_t pl_rng_u64(pl_rng_t *rng);
/** Uniform double in [0, 1) with 53 random bits. */
double pl_rng_uniform(pl_rng_t *rng);
/** Uniform integer in [0, n), without modulo bias; n > 0. */
uint64_t pl_rng_below(pl_rng_t *rng, uint64_t n);
/** Standard normal deviate (Box–Muller). */
double pl_rng_normal(pl_rng_t *rng);

/* ------------------------------------------------------------------------ */
/* Threads                                                                  */
/* ------------------------------------------------------------------------ */

/** Set the number of OpenMP threads plateau's kernels use (>= 1). */
PL_NODISCARD pl_status_t pl_threads_set(int threads);
/** The number of threads kernels will use. */
int pl_threads_get(void);

/**
 * The vector instruction set the library's kernels were compiled for:
 * "AVX-512", "AVX2", "AVX" or "SSE2" (the portable x86-64 build), or "generic"
 * off x86. Benchmarks print it beside their figures.
 */
const char *pl_simd_compiled(void);

/**
 * The widest of those instruction sets the running CPU supports (read with
 * the compiler's CPU detection), so a portable build on an AVX-512 machine
 * says both.
 */
const char *pl_simd_cpu(void);

/* ------------------------------------------------------------------------ */
/* Progress and timers                                                      */
/* ------------------------------------------------------------------------ */

typedef struct pl_progress pl_progress_t;

/**
 * Start a progress bar on stderr for @p total steps labelled @p label.
 * It draws only when @p enabled and stderr is a terminal; otherwise all
 * calls are no-ops. Never returns NULL.
 */
pl_progress_t *pl_progress_begin(const char *label, uint64_t total, bool enabled);
/** Report that @p done of the total steps are finished (redraws at most 10x/s). */
void pl_progress_update(pl_progress_t *p, uint64_t done);
/** Finish the bar (prints the final line and a newline) and free it. */
void pl_progress_end(pl_progress_t *p);
/** Render one bar line into @p buf (used by pl_progress_update; exposed for tests). */
void pl_progress_format(char *buf, size_t cap, const char *label, uint64_t done, uint64_t total,
                        double elapsed_s);

/** Monotonic wall-clock time in seconds. */
double pl_timer_now(void);

/** A stopwatch: `pl_timer_t t = pl_timer_start(); ... pl_timer_elapsed(&t)`. */
typedef struct {
    double start;
} pl_timer_t;
pl_timer_t pl_timer_start(void);
double pl_timer_elapsed(const pl_timer_t *t);

#ifdef __cplusplus
}
#endif
#endif
