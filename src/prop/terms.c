/*
 * The term table of a propagation: packed strings (x words then z words per
 * term), real coefficients and branching counts, merged through the shared
 * Pauli hash index (src/pauli/pauli_index.h). Storage goes through
 * pl_mem_alloc, so an exploding propagation stops at the memory limit with a
 * clear message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prop/terms.h"

static size_t term_bytes(const prop_terms_t *t) {
    return (2 * (size_t)t->nw + 2) * sizeof(uint64_t) + (1 + (size_t)t->ngrad) * sizeof(double) +
           sizeof(uint16_t);
}

size_t prop_terms_bytes(const prop_terms_t *t) {
    return t->cap * term_bytes(t) + t->ix.nslots * sizeof(uint32_t);
}

static void free_arrays(prop_terms_t *t) {
    pl_mem_free(t->words, t->cap * 2 * (size_t)t->nw * sizeof(uint64_t));
    pl_mem_free(t->coeff, t->cap * sizeof(double));
    pl_mem_free(t->freq, t->cap * sizeof(uint16_t));
    pl_mem_free(t->hash, t->cap * sizeof(uint64_t));
    pl_mem_free(t->sig, t->cap * sizeof(uint64_t));
    pl_mem_free(t->grad, t->cap * (size_t)t->ngrad * sizeof(double));
    pauli_index_destroy(&t->ix);
}

void prop_terms_free(prop_terms_t *t) {
    if (t->words || t->ix.slots) free_arrays(t);
    memset(t, 0, sizeof *t);
}

/* The noun of a refusal: "Pauli propagation after N terms". */
static void name_terms(char *what, size_t size, size_t terms) {
    snprintf(what, size, "Pauli propagation after %zu terms", terms);
}

static pl_status_t alloc_or_report(void **p, size_t bytes, size_t terms) {
    char what[80];
    name_terms(what, sizeof what, terms);
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
                             (void **)&t->hash,  (void **)&t->sig,   (void **)&t->grad};
    const size_t elem[] = {2 * (size_t)t->nw * sizeof(uint64_t),
                           sizeof(double),
                           sizeof(uint16_t),
                           sizeof(uint64_t),
                           sizeof(uint64_t),
                           (size_t)t->ngrad * sizeof(double)};
    PL_TRY(prop_grow_arrays(arrays, elem, 6, t->cap, t->size, cap, t->size));
    t->cap = cap;
    return PL_OK;
}

/* Rebuild the index with cap slots (a power of two). */
static pl_status_t rebuild_index(prop_terms_t *t, size_t cap) {
    char what[80];
    name_terms(what, sizeof what, t->size);
    return pauli_index_rebuild(&t->ix, cap, t->hash, t->size, what);
}

/* The index's view of the table. */
static pauli_index_keys_t keys_of(const prop_terms_t *t) {
    return (pauli_index_keys_t){.words = t->words, .hash = t->hash, .nwords = t->nw};
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
    pauli_index_clear(&t->ix);
}

pl_status_t prop_terms_add(prop_terms_t *t, const uint64_t *words, double c, const double *grad,
                           uint16_t freq, size_t *where) {
    const size_t ng = (size_t)t->ngrad;
    const size_t wn = 2 * (size_t)t->nw;
    /* one pass over the packed string; every entry of this table uses the same hash */
    const uint64_t h = pauli_index_hash_packed(words, t->nw);
    const pauli_index_keys_t keys = keys_of(t);
    const size_t slot = pauli_index_find_slot(&t->ix, &keys, h, words, words + t->nw);
    const size_t found = pauli_index_entry(&t->ix, slot);
    if (found != PAULI_INDEX_NONE) {
        const size_t k = found;
        t->coeff[k] += c;
        for (size_t j = 0; j < ng; j++) t->grad[k * ng + j] += grad[j];
        /* Merged paths keep the smaller branching count: the string is
         * reachable through the shallower one. */
        if (freq < t->freq[k]) t->freq[k] = freq;
        if (where) *where = k;
        return PL_OK;
    }
    if (t->size >= PAULI_INDEX_MAX_ENTRIES)
        return pl_error(PL_ENOMEM, "Pauli propagation: more than %zu terms",
                        PAULI_INDEX_MAX_ENTRIES);
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
    pauli_index_set(&t->ix, slot, k);
    if (where) *where = k;
    return PL_OK;
}

void prop_terms_remove(prop_terms_t *t, size_t k) {
    const size_t wn = 2 * (size_t)t->nw, last = t->size - 1;
    pauli_index_remove(&t->ix, t->hash, pauli_index_slot_of(&t->ix, t->hash[k], k));
    if (k != last) {
        const pauli_index_keys_t keys = keys_of(t);
        pauli_index_renumber(&t->ix, &keys, last, k);
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
