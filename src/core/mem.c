/* Large allocations under a process-wide memory limit. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "plateau/core.h"

#define PL_MEM_ALIGN 64

static atomic_size_t mem_limit; /* 0 = not yet set: use the default */
static atomic_size_t mem_in_use;

static size_t default_limit(void) {
    long pages = sysconf(_SC_PHYS_PAGES);
    long page_size = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || page_size <= 0) return (size_t)1 << 32;
    double physical = (double)pages * (double)page_size;
    return (size_t)(0.8 * physical);
}

void pl_mem_set_limit(size_t bytes) {
    atomic_store(&mem_limit, bytes);
}

size_t pl_mem_limit(void) {
    size_t limit = atomic_load(&mem_limit);
    if (limit) return limit;
    /* The machine's memory, asked once: sysconf cost 1-3 % of DMRG, which
     * allocates per step. Threads racing here store the same value. */
    static atomic_size_t physical;
    size_t d = atomic_load(&physical);
    if (!d) atomic_store(&physical, d = default_limit());
    return d;
}

size_t pl_mem_in_use(void) {
    return atomic_load(&mem_in_use);
}

void pl_mem_format_bytes(double bytes, char *buf, size_t cap) {
    static const char *units[] = {"B", "KB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
    int u = 0;
    while (bytes >= 1024.0 && u < 8) {
        bytes /= 1024.0;
        u++;
    }
    snprintf(buf, cap, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
}

pl_status_t pl_mem_alloc(void **out, size_t bytes, const char *what) {
    *out = NULL;
    if (bytes == 0) return pl_error(PL_EINVAL, "%s: zero-byte allocation", what);
    size_t limit = pl_mem_limit();
    size_t used = atomic_fetch_add(&mem_in_use, bytes);
    if (bytes > limit || used > limit - bytes) {
        atomic_fetch_sub(&mem_in_use, bytes);
        char need[32], have[32];
        pl_mem_format_bytes((double)bytes, need, sizeof need);
        pl_mem_format_bytes((double)limit, have, sizeof have);
        return pl_error(PL_ENOMEM, "%s needs %s, over the memory limit of %s", what, need, have);
    }
    size_t rounded = (bytes + PL_MEM_ALIGN - 1) / PL_MEM_ALIGN * PL_MEM_ALIGN;
    void *p = aligned_alloc(PL_MEM_ALIGN, rounded);
    if (!p) {
        atomic_fetch_sub(&mem_in_use, bytes);
        char need[32];
        pl_mem_format_bytes((double)bytes, need, sizeof need);
        return pl_error_nomemf("%s (%s)", what, need);
    }
    *out = p;
    return PL_OK;
}

/* The capacity pl_mem_grow and pl_mem_grow_limited move to: doubling from
 * max(cap, 8) until it holds need (need itself when doubling would overflow). */
static size_t grown_capacity(size_t cap, size_t need) {
    size_t new_cap = cap > 8 ? cap : 8;
    while (new_cap < need) {
        if (new_cap > SIZE_MAX / 2) return need;
        new_cap *= 2;
    }
    return new_cap;
}

pl_status_t pl_mem_grow(void **buf, size_t *cap, size_t need, size_t elem_size, const char *what) {
    if (need <= *cap) return PL_OK;
    PL_ASSERT(elem_size > 0);
    const size_t new_cap = grown_capacity(*cap, need);
    if (new_cap > SIZE_MAX / elem_size) return pl_error_nomemf("%s (%zu of them)", what, need);
    void *p = realloc(*buf, new_cap * elem_size);
    if (!p) return pl_error_nomemf("%s (%zu of them)", what, need);
    *buf = p;
    *cap = new_cap;
    return PL_OK;
}

pl_status_t pl_mem_grow_limited(void **buf, size_t *cap, size_t need, size_t elem_size,
                                const char *what) {
    if (need <= *cap) return PL_OK;
    PL_ASSERT(elem_size > 0);
    const size_t new_cap = grown_capacity(*cap, need);
    if (new_cap > SIZE_MAX / elem_size) return pl_error_nomemf("%s (%zu of them)", what, need);
    void *p;
    PL_TRY(pl_mem_alloc(&p, new_cap * elem_size, what));
    if (*buf && *cap) memcpy(p, *buf, *cap * elem_size);
    pl_mem_free(*buf, *cap * elem_size);
    *buf = p;
    *cap = new_cap;
    return PL_OK;
}

void pl_mem_free(void *p, size_t bytes) {
    if (!p) return;
    atomic_fetch_sub(&mem_in_use, bytes);
    free(p);
}

pl_status_t pl_mem_parse_bytes(const char *text, size_t *out) {
    char *end = NULL;
    double value = strtod(text, &end);
    if (end == text || !(value >= 0.0))
        return pl_error(PL_EPARSE, "expected a size such as 8G or 512M, got '%s'", text);
    while (*end == ' ') end++;
    double scale = 1.0;
    switch (*end) {
        case 'k':
        case 'K':
            scale = 1024.0;
            end++;
            break;
        case 'm':
        case 'M':
            scale = 1024.0 * 1024;
            end++;
            break;
        case 'g':
        case 'G':
            scale = 1024.0 * 1024 * 1024;
            end++;
            break;
        case 't':
        case 'T':
            scale = 1024.0 * 1024 * 1024 * 1024;
            end++;
            break;
        default: break;
    }
    if (*end == 'B' || *end == 'b') end++;
    if (*end != '\0')
        return pl_error(PL_EPARSE, "expected a size such as 8G or 512M, got '%s'", text);
    double bytes = value * scale;
    if (bytes < 1.0 || bytes > 1.8e19)
        return pl_error(PL_EPARSE, "size '%s' is out of range", text);
    *out = (size_t)bytes;
    return PL_OK;
}
