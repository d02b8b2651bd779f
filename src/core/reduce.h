/* Deterministic parallel reductions: a fixed number of chunks, independent of
 * the thread count, each summed sequentially, then combined in order. */
#ifndef PLATEAU_CORE_REDUCE_H
#define PLATEAU_CORE_REDUCE_H

#include <stddef.h>

/* Upper bound on the number of chunks a reduction uses. */
#define CORE_REDUCE_CHUNKS 64

/* Number of chunks for `total` items: at most CORE_REDUCE_CHUNKS, at least 1. */
static inline int core_reduce_chunks(size_t total) {
    return total < CORE_REDUCE_CHUNKS ? (total ? (int)total : 1) : CORE_REDUCE_CHUNKS;
}

/* Items [lo, hi) of chunk c of nchunks over total items. */
static inline void core_reduce_range(size_t total, int nchunks, int c, size_t *lo, size_t *hi) {
    *lo = total / (size_t)nchunks * (size_t)c +
          (total % (size_t)nchunks < (size_t)c ? total % (size_t)nchunks : (size_t)c);
    *hi = *lo + total / (size_t)nchunks + ((size_t)c < total % (size_t)nchunks);
}

#endif
