/*
 * The term table of a propagation (terms.h): keys (packed or sparse
 * strings), real coefficients and branching counts in hash-picked shards,
 * each merged through its own open-addressing index (the slot array and
 * backward-shift deletion of src/pauli/pauli_index.h). Storage goes through
 * pl_mem_alloc, so an exploding propagation stops at the memory limit with a
 * clear message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "prop/terms.h"

static size_t term_bytes(const prop_terms_t *t) {
    return ((size_t)t->kw + 2) * sizeof(uint64_t) + (1 + (size_t)t->ngrad) * sizeof(double) +
           sizeof(uint16_t);
}

size_t prop_terms_bytes(const prop_terms_t *t) {
    size_t b = t->dense_bytes;
    for (int s = 0; s < t->nshards; s++)
        b += t->sh[s].cap * term_bytes(t) + t->sh[s].ix.nslots * sizeof(uint32_t);
    return b;
}

bool prop_terms_want_sparse(int n, int max_weight, int force) {
    if (force == 1 || max_weight <= 0 || max_weight > PROP_SPARSE_MAX_WEIGHT ||
        n > PROP_SPARSE_MAX_QUBITS)
        return false;
    if (force == 2) return true;
    /* fewer key words, and enough qubits that skipping the words pays */
    return n > 64 && (max_weight + 3) / 4 < 2 * PL_PAULI_WORDS(n);
}

void prop_terms_init(prop_terms_t *t, int n, int ngrad, bool sparse, int max_weight) {
    memset(t, 0, sizeof *t);
    t->n = n;
    t->ngrad = ngrad;
    t->nw = PL_PAULI_WORDS(n);
    t->sparse = sparse;
    t->kw = sparse ? (max_weight + 3) / 4 : 2 * t->nw;
    t->nshards = 1;
}

static void shard_free(prop_terms_t *t, prop_shard_t *sh) {
    pl_mem_free(sh->keys, sh->cap * (size_t)t->kw * sizeof(uint64_t));
    pl_mem_free(sh->coeff, sh->cap * sizeof(double));
    pl_mem_free(sh->freq, sh->cap * sizeof(uint16_t));
    pl_mem_free(sh->hash, sh->cap * sizeof(uint64_t));
    pl_mem_free(sh->sig, sh->cap * sizeof(uint64_t));
    pl_mem_free(sh->grad, sh->cap * (size_t)t->ngrad * sizeof(double));
    pauli_index_destroy(&sh->ix);
}

size_t prop_reshard_min = PROP_PARALLEL_MIN;

pl_status_t prop_terms_reshard(prop_terms_t *t) {
    if (t->nshards != 1 || t->sh[0].size < prop_reshard_min) return PL_OK;
    prop_terms_t split = *t;
    memset(split.sh, 0, sizeof split.sh);
    split.nshards = PROP_SHARDS;
    const prop_shard_t *old = &t->sh[0];
    const size_t kw = (size_t)t->kw, ng = (size_t)t->ngrad;
    pl_status_t st = PL_OK;
    for (size_t k = 0; k < old->size && st == PL_OK; k++)
        st = prop_shard_add(&split, prop_shard_of(&split, old->hash[k]), old->keys + kw * k,
                            old->hash[k], old->coeff[k], ng ? old->grad + ng * k : NULL,
                            old->freq[k], NULL);
    if (st != PL_OK) {
        for (int s = 0; s < PROP_SHARDS; s++) shard_free(&split, &split.sh[s]);
        return st;
    }
    shard_free(t, &t->sh[0]);
    *t = split;
    return PL_OK;
}

void prop_terms_free(prop_terms_t *t) {
    for (int s = 0; s < PROP_SHARDS; s++) shard_free(t, &t->sh[s]);
    pl_mem_free(t->dense, t->dense_bytes);
    memset(t, 0, sizeof *t);
}

size_t prop_terms_size(const prop_terms_t *t) {
    size_t n = 0;
    for (int s = 0; s < t->nshards; s++) n += t->sh[s].size;
    return n;
}

void prop_terms_number(prop_terms_t *t) {
    t->first[0] = 0;
    for (int s = 0; s < t->nshards; s++) t->first[s + 1] = t->first[s] + t->sh[s].size;
    t->total = t->first[t->nshards];
}

void prop_terms_locate(const prop_terms_t *t, size_t k, int *shard, size_t *local) {
    int lo = 0, hi = t->nshards; /* the last s with first[s] <= k */
    while (hi - lo > 1) {
        const int mid = (lo + hi) / 2;
        if (t->first[mid] <= k)
            lo = mid;
        else
            hi = mid;
    }
    *shard = lo;
    *local = k - t->first[lo];
}

void prop_terms_encode(const prop_terms_t *t, const uint64_t *xz, uint64_t *key) {
    const int nw = t->nw;
    uint16_t e[4 * PROP_SPARSE_MAX_WEIGHT / 4 * 4];
    int m = 0;
    for (int i = 0; i < nw; i++) {
        uint64_t sup = xz[i] | xz[nw + i];
        while (sup) {
            const int b = __builtin_ctzll(sup);
            sup &= sup - 1;
            const int code = (int)(xz[i] >> b & 1) | (int)(xz[nw + i] >> b & 1) << 1;
            e[m++] = (uint16_t)((64 * i + b) << 2 | code);
        }
    }
    PL_ASSERT(m <= 4 * t->kw);
    for (; m < 4 * t->kw; m++) e[m] = PROP_SPARSE_PAD;
    memcpy(key, e, (size_t)t->kw * sizeof *key);
}

void prop_terms_decode(const prop_terms_t *t, const uint64_t *key, uint64_t *xz) {
    const int nw = t->nw;
    memset(xz, 0, 2 * (size_t)nw * sizeof *xz);
    uint16_t e[4 * PROP_SPARSE_MAX_WEIGHT / 4 * 4];
    memcpy(e, key, (size_t)t->kw * sizeof *key);
    for (int m = 0; m < 4 * t->kw && e[m] != PROP_SPARSE_PAD; m++) {
        const int q = e[m] >> 2;
        const uint64_t bit = UINT64_C(1) << (q & 63);
        if (e[m] & 1) xz[q >> 6] |= bit;
        if (e[m] & 2) xz[nw + (q >> 6)] |= bit;
    }
}

uint64_t prop_terms_hash(const prop_terms_t *t, const uint64_t *key) {
    return XXH3_64bits(key, (size_t)t->kw * sizeof *key);
}

const uint64_t *prop_terms_words(const prop_terms_t *t, size_t k, uint64_t *scratch,
                                 double *coeff) {
    int s;
    size_t j;
    prop_terms_locate(t, k, &s, &j);
    const prop_shard_t *sh = &t->sh[s];
    *coeff = sh->coeff[j];
    const uint64_t *key = sh->keys + (size_t)t->kw * j;
    if (!t->sparse) return key;
    prop_terms_decode(t, key, scratch);
    return scratch;
}

pl_status_t prop_terms_densify(prop_terms_t *t) {
    if (!t->sparse || t->dense_ready) return PL_OK;
    const size_t wn = 2 * (size_t)t->nw, bytes = (t->total ? t->total : 1) * wn * 8;
    void *d;
    char what[96];
    snprintf(what, sizeof what, "the unpacked view of %zu Pauli strings", t->total);
    PL_TRY(pl_mem_alloc(&d, bytes, what));
    uint64_t *w = d;
    for (int s = 0; s < t->nshards; s++)
        for (size_t j = 0; j < t->sh[s].size; j++, w += wn)
            prop_terms_decode(t, t->sh[s].keys + (size_t)t->kw * j, w);
    t->dense = d;
    t->dense_bytes = bytes;
    t->dense_ready = 1;
    return PL_OK;
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

/* Grow a shard's arrays to cap terms (and its index to 2·cap slots). */
static pl_status_t grow_shard(prop_terms_t *t, prop_shard_t *sh, size_t cap) {
    void **const arrays[] = {(void **)&sh->keys, (void **)&sh->coeff, (void **)&sh->freq,
                             (void **)&sh->hash, (void **)&sh->sig,   (void **)&sh->grad};
    const size_t elem[] = {(size_t)t->kw * sizeof(uint64_t),
                           sizeof(double),
                           sizeof(uint16_t),
                           sizeof(uint64_t),
                           sizeof(uint64_t),
                           (size_t)t->ngrad * sizeof(double)};
    const size_t approx = t->total > sh->size ? t->total : sh->size;
    PL_TRY(prop_grow_arrays(arrays, elem, 6, sh->cap, sh->size, cap, approx));
    sh->cap = cap;
    char what[80];
    name_terms(what, sizeof what, approx);
    return pauli_index_rebuild(&sh->ix, 2 * cap, sh->hash, sh->size, what);
}

/* The slot holding key (hash h), or the empty slot where it would go. */
static inline size_t find_slot(const prop_terms_t *t, const prop_shard_t *sh, uint64_t h,
                               const uint64_t *key) {
    const size_t mask = sh->ix.nslots - 1, kw = (size_t)t->kw;
    size_t i = (size_t)h & mask;
    while (sh->ix.slots[i] != 0) {
        const size_t k = (size_t)sh->ix.slots[i] - 1;
        if (sh->hash[k] == h && memcmp(sh->keys + k * kw, key, kw * sizeof *key) == 0) break;
        i = (i + 1) & mask;
    }
    return i;
}

pl_status_t prop_shard_add(prop_terms_t *t, int s, const uint64_t *key, uint64_t h, double c,
                           const double *grad, uint16_t freq, size_t *where) {
    prop_shard_t *sh = &t->sh[s];
    const size_t ng = (size_t)t->ngrad, kw = (size_t)t->kw;
    if (sh->cap == 0) PL_TRY(grow_shard(t, sh, 16));
    const size_t slot = find_slot(t, sh, h, key);
    const size_t found = pauli_index_entry(&sh->ix, slot);
    if (found != PAULI_INDEX_NONE) {
        const size_t k = found;
        sh->coeff[k] += c;
        for (size_t j = 0; j < ng; j++) sh->grad[k * ng + j] += grad[j];
        /* Merged paths keep the smaller branching count: the string is
         * reachable through the shallower one. */
        if (freq < sh->freq[k]) sh->freq[k] = freq;
        if (where) *where = k;
        return PL_OK;
    }
    if (sh->size >= PAULI_INDEX_MAX_ENTRIES)
        return pl_error(PL_ENOMEM, "Pauli propagation: more than %zu terms in one of %d shards",
                        PAULI_INDEX_MAX_ENTRIES, PROP_SHARDS);
    if (sh->size == sh->cap) {
        PL_TRY(grow_shard(t, sh, 2 * sh->cap));
        return prop_shard_add(t, s, key, h, c, grad, freq, where);
    }
    const size_t k = sh->size++;
    memcpy(sh->keys + k * kw, key, kw * sizeof *key);
    sh->coeff[k] = c;
    if (ng) memcpy(sh->grad + k * ng, grad, ng * sizeof *grad);
    sh->freq[k] = freq;
    sh->hash[k] = h;
    uint64_t sig = 0;
    if (t->sparse) {
        for (int i = 0; i < 4 * t->kw; i++) {
            const unsigned e = (unsigned)(key[i / 4] >> (16 * (i % 4))) & 0xFFFF;
            if (e == PROP_SPARSE_PAD) break;
            sig |= UINT64_C(1) << ((e >> 2) & 63);
        }
    } else {
        for (int i = 0; i < t->nw; i++) sig |= key[i] | key[t->nw + i];
    }
    sh->sig[k] = sig;
    sh->sig_any |= sig;
    pauli_index_set(&sh->ix, slot, k);
    if (where) *where = k;
    return PL_OK;
}

void prop_shard_remove(prop_terms_t *t, int s, size_t k) {
    prop_shard_t *sh = &t->sh[s];
    const size_t kw = (size_t)t->kw, last = sh->size - 1;
    pauli_index_remove(&sh->ix, sh->hash, pauli_index_slot_of(&sh->ix, sh->hash[k], k));
    if (k != last) {
        const pauli_index_keys_t keys = {.words = NULL, .hash = sh->hash, .nwords = 0};
        pauli_index_renumber(&sh->ix, &keys, last, k);
        memcpy(sh->keys + k * kw, sh->keys + last * kw, kw * sizeof *sh->keys);
        sh->coeff[k] = sh->coeff[last];
        sh->freq[k] = sh->freq[last];
        sh->hash[k] = sh->hash[last];
        sh->sig[k] = sh->sig[last];
        const size_t ng = (size_t)t->ngrad;
        if (ng) memcpy(sh->grad + k * ng, sh->grad + last * ng, ng * sizeof *sh->grad);
    }
    sh->size--;
}
