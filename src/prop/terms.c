/*
 * The term table of a propagation: packed strings (x words then z words per
 * term), real coefficients and branching counts, merged by an open-addressing
 * index hashed with XXH3. Storage goes through pl_mem_alloc, so an
 * exploding propagation stops at the memory limit with a clear message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "prop/terms.h"

static size_t term_bytes(const prop_terms_t *t) {
    return (2 * (size_t)t->nw + 2) * sizeof(uint64_t) + (1 + (size_t)t->ngrad) * sizeof(double) +
           sizeof(uint16_t);
}

size_t prop_terms_bytes(const prop_terms_t *t) {
    return t->cap * term_bytes(t) + t->index_cap * sizeof(uint32_t);
}

static void free_arrays(prop_terms_t *t) {
    pl_mem_free(t->words, t->cap * 2 * (size_t)t->nw * sizeof(uint64_t));
    pl_mem_free(t->coeff, t->cap * sizeof(double));
    pl_mem_free(t->freq, t->cap * sizeof(uint16_t));
    pl_mem_free(t->hash, t->cap * sizeof(uint64_t));
    pl_mem_free(t->sig, t->cap * sizeof(uint64_t));
    pl_mem_free(t->grad, t->cap * (size_t)t->ngrad * sizeof(double));
    pl_mem_free(t->index, t->index_cap * sizeof(uint32_t));
}

void prop_terms_free(prop_terms_t *t) {
    if (t->words || t->index) free_arrays(t);
    memset(t, 0, sizeof *t);
}

static pl_status_t alloc_or_report(void **p, size_t bytes, size_t terms) {
    char what[80];
    snprintf(what, sizeof what, "Pauli propagation after %zu terms", terms);
    return pl_mem_alloc(p, bytes, what);
}

pl_status_t prop_grow_arrays(void **const *arrays, const size_t *elem, int count, size_t old_cap,
                             size_t used, size_t cap, size_t terms) {
    void *fresh[8] = {NULL};
    PL_ASSERT(count <= 8);
    for (int a = 0; a < count; a++) {
        if (elem[a] == 0) continue;
        pl_status_t st = alloc_or_report(&fresh[a], cap * elem[a], terms);
        if (st != PL_OK) {
            for (int b = 0; b < a; b++) pl_mem_free(fresh[b], cap * elem[b]);
            return st;
        }
    }
    for (int a = 0; a < count; a++) {
        if (elem[a] == 0) continue;
        if (used) memcpy(fresh[a], *arrays[a], used * elem[a]);
        pl_mem_free(*arrays[a], old_cap * elem[a]);
        *arrays[a] = fresh[a];
    }
    return PL_OK;
}

/* Grow the term arrays to cap terms, copying the first t->size. */
static pl_status_t grow_terms(prop_terms_t *t, size_t cap) {
    void **const arrays[] = {(void **)&t->words, (void **)&t->coeff, (void **)&t->freq,
                             (void **)&t->hash, (void **)&t->sig, (void **)&t->grad};
    const size_t elem[] = {2 * (size_t)t->nw * sizeof(uint64_t), sizeof(double), sizeof(uint16_t),
                           sizeof(uint64_t), sizeof(uint64_t), (size_t)t->ngrad * sizeof(double)};
    PL_TRY(prop_grow_arrays(arrays, elem, 6, t->cap, t->size, cap, t->size));
    t->cap = cap;
    return PL_OK;
}

static uint64_t hash_words(const uint64_t *w, int nw) {
    return XXH3_64bits(w, 2 * (size_t)nw * sizeof *w);
}

/* Rebuild the index with room for cap entries (a power of two). */
static pl_status_t rebuild_index(prop_terms_t *t, size_t cap) {
    uint32_t *index = NULL;
    PL_TRY(alloc_or_report((void **)&index, cap * sizeof *index, t->size));
    memset(index, 0xff, cap * sizeof *index);
    for (size_t k = 0; k < t->size; k++) {
        size_t slot = t->hash[k] & (cap - 1);
        while (index[slot] != UINT32_MAX) slot = (slot + 1) & (cap - 1);
        index[slot] = (uint32_t)k;
    }
    pl_mem_free(t->index, t->index_cap * sizeof(uint32_t));
    t->index = index;
    t->index_cap = cap;
    return PL_OK;
}

pl_status_t prop_terms_init(prop_terms_t *t, int n, int ngrad, size_t expected) {
    memset(t, 0, sizeof *t);
    t->n = n;
    t->ngrad = ngrad;
    t->nw = PL_PAULI_WORDS(n);
    size_t cap = 16;
    while (cap < expected) cap *= 2;
    PL_TRY(grow_terms(t, cap));
    pl_status_t st = rebuild_index(t, 2 * cap);
    if (st != PL_OK) prop_terms_free(t);
    return st;
}

void prop_terms_clear(prop_terms_t *t) {
    t->size = 0;
    memset(t->index, 0xff, t->index_cap * sizeof *t->index);
}

pl_status_t prop_terms_add(prop_terms_t *t, const uint64_t *words, double c,
                           const double *grad, uint16_t freq, size_t *where) {
    const size_t ng = (size_t)t->ngrad;
    const size_t wn = 2 * (size_t)t->nw;
    const uint64_t h = hash_words(words, t->nw);
    size_t slot = h & (t->index_cap - 1);
    for (;;) {
        uint32_t k = t->index[slot];
        if (k == UINT32_MAX) break;
        if (t->hash[k] == h && memcmp(t->words + k * wn, words, wn * sizeof *words) == 0) {
            t->coeff[k] += c;
            for (size_t j = 0; j < ng; j++) t->grad[k * ng + j] += grad[j];
            /* Merged paths keep the smaller branching count: the string is
             * reachable through the shallower one. */
            if (freq < t->freq[k]) t->freq[k] = freq;
            if (where) *where = k;
            return PL_OK;
        }
        slot = (slot + 1) & (t->index_cap - 1);
    }
    if (t->size >= UINT32_MAX - 1)
        return pl_error(PL_ENOMEM, "Pauli propagation: more than %u terms", UINT32_MAX - 1);
    if (t->size == t->cap) {
        PL_TRY(grow_terms(t, 2 * t->cap));
        PL_TRY(rebuild_index(t, 2 * t->cap));
        return prop_terms_add(t, words, c, grad, freq, where);
    }
    const size_t k = t->size++;
    memcpy(t->words + k * wn, words, wn * sizeof *words);
    t->coeff[k] = c;
    if (ng) memcpy(t->grad + k * ng, grad, ng * sizeof *grad);
    t->freq[k] = freq;
    t->hash[k] = h;
    uint64_t sig = 0;
    for (int i = 0; i < t->nw; i++) sig |= words[i] | words[t->nw + i];
    t->sig[k] = sig;
    t->index[slot] = (uint32_t)k;
    if (where) *where = k;
    return PL_OK;
}

/* The index slot that holds term k. */
static size_t slot_of(const prop_terms_t *t, size_t k) {
    size_t slot = t->hash[k] & (t->index_cap - 1);
    while (t->index[slot] != (uint32_t)k) slot = (slot + 1) & (t->index_cap - 1);
    return slot;
}

/* Empty slot i of a linear-probing table, shifting later entries of the same
 * probe run back so every entry stays reachable from its home slot. */
static void delete_slot(prop_terms_t *t, size_t i) {
    const size_t mask = t->index_cap - 1;
    t->index[i] = UINT32_MAX;
    for (size_t j = (i + 1) & mask; t->index[j] != UINT32_MAX; j = (j + 1) & mask) {
        const size_t home = t->hash[t->index[j]] & mask;
        /* Entry j may move to i unless its home lies cyclically in (i, j]. */
        const int stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (stays) continue;
        t->index[i] = t->index[j];
        t->index[j] = UINT32_MAX;
        i = j;
    }
}

void prop_terms_remove(prop_terms_t *t, size_t k) {
    const size_t wn = 2 * (size_t)t->nw, last = t->size - 1;
    delete_slot(t, slot_of(t, k));
    if (k != last) {
        t->index[slot_of(t, last)] = (uint32_t)k;
        memcpy(t->words + k * wn, t->words + last * wn, wn * sizeof *t->words);
        t->coeff[k] = t->coeff[last];
        t->freq[k] = t->freq[last];
        t->hash[k] = t->hash[last];
        t->sig[k] = t->sig[last];
        const size_t ng = (size_t)t->ngrad;
        if (ng) memcpy(t->grad + k * ng, t->grad + last * ng, ng * sizeof *t->grad);
    }
    t->size--;
}
