/*
 * A hash index over Pauli strings held in someone else's table (module header
 * of src/pauli, shared with src/prop; not public API).
 *
 * The owner keeps its strings in one array, entry k's words at
 * words + k * 2 * nwords (nwords X words, then nwords Z words), and caches each
 * entry's hash (pauli_index_hash) in hash[k]. The index maps a string to its
 * entry number by open addressing with linear probing: a slot holds entry + 1,
 * or 0 when empty. Keep the load at most 1/2 (nslots >= 2 * entries) and
 * rebuild after growing the table or renumbering its entries.
 *
 *     size_t slot = pauli_index_find_slot(&ix, &keys, h, x, z);
 *     if (pauli_index_entry(&ix, slot) == PAULI_INDEX_NONE) pauli_index_set(&ix, slot, k);
 */
#ifndef PLATEAU_PAULI_INDEX_H
#define PLATEAU_PAULI_INDEX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "plateau/errors.h"

/** pauli_index_entry() of an empty slot. */
#define PAULI_INDEX_NONE SIZE_MAX
/** Most entries an index can address (slots are 32-bit). */
#define PAULI_INDEX_MAX_ENTRIES ((size_t)UINT32_MAX - 1)

typedef struct {
    uint32_t *slots; /* entry + 1, or 0 when empty */
    size_t nslots;   /* 0 or a power of two */
} pauli_index_t;

/** The owner's table as the index reads it. */
typedef struct {
    const uint64_t *words; /* entry k: words + k * 2 * nwords */
    const uint64_t *hash;  /* hash[k] = pauli_index_hash of entry k */
    int nwords;
} pauli_index_keys_t;

/** Hash of the string with X words @p x and Z words @p z (nwords each; x and z need not be adjacent). */
uint64_t pauli_index_hash(const uint64_t *x, const uint64_t *z, int nwords);

/**
 * Hash of the string packed as nwords X words followed by nwords Z words at
 * @p w, in one pass (cheaper than pauli_index_hash on short strings). It is a
 * different function: an owner hashes all its entries with one of the two.
 */
uint64_t pauli_index_hash_packed(const uint64_t *w, int nwords);

/** The slot holding (x, z), or the empty slot where it would go. Requires
 * nslots > 0. Inline: it is the inner loop of every lookup. */
static inline size_t pauli_index_find_slot(const pauli_index_t *ix, const pauli_index_keys_t *keys,
                                           uint64_t h, const uint64_t *x, const uint64_t *z) {
    const size_t mask = ix->nslots - 1;
    const size_t bytes = (size_t)keys->nwords * sizeof(uint64_t);
    size_t i = (size_t)h & mask;
    while (ix->slots[i] != 0) {
        const size_t k = (size_t)ix->slots[i] - 1;
        const uint64_t *kx = keys->words + k * 2 * (size_t)keys->nwords;
        if (keys->hash[k] == h && memcmp(kx, x, bytes) == 0 &&
            memcmp(kx + keys->nwords, z, bytes) == 0)
            break;
        i = (i + 1) & mask;
    }
    return i;
}

/** The entry in @p slot, or PAULI_INDEX_NONE when the slot is empty. */
static inline size_t pauli_index_entry(const pauli_index_t *ix, size_t slot) {
    return ix->slots[slot] ? (size_t)ix->slots[slot] - 1 : PAULI_INDEX_NONE;
}

/** Point the (empty) @p slot at @p entry (< PAULI_INDEX_MAX_ENTRIES). */
static inline void pauli_index_set(pauli_index_t *ix, size_t slot, size_t entry) {
    ix->slots[slot] = (uint32_t)(entry + 1);
}

/**
 * Re-index entries 0 … count−1 from their cached hashes into @p nslots slots
 * (a power of two >= 2 * count; fresh memory when nslots changes, through
 * pl_mem_alloc so it counts against the memory limit).
 * @return PL_OK, or PL_ENOMEM naming @p what (the index is then unchanged)
 */
PL_NODISCARD pl_status_t pauli_index_rebuild(pauli_index_t *ix, size_t nslots, const uint64_t *hash,
                                             size_t count, const char *what);

/** The slot holding @p entry, whose cached hash is @p h (the entry must be indexed). */
static inline size_t pauli_index_slot_of(const pauli_index_t *ix, uint64_t h, size_t entry) {
    const size_t mask = ix->nslots - 1;
    size_t i = (size_t)h & mask;
    while (ix->slots[i] != (uint32_t)(entry + 1)) i = (i + 1) & mask;
    return i;
}

/**
 * Empty @p slot, shifting later entries of its probe run back so that every
 * entry stays reachable from its home slot (backward-shift deletion; no
 * tombstones). @p hash holds the owner's cached hashes.
 */
void pauli_index_remove(pauli_index_t *ix, const uint64_t *hash, size_t slot);

/**
 * Point the slot of entry @p from at entry @p to instead, after the owner
 * moved entry from's string to place to (whose old entry is no longer
 * indexed); @p keys->hash[from] must still be from's hash.
 */
void pauli_index_renumber(pauli_index_t *ix, const pauli_index_keys_t *keys, size_t from,
                          size_t to);

/** Empty every slot, keeping the storage. */
void pauli_index_clear(pauli_index_t *ix);

/** Release the slots; the index is then empty (nslots 0). */
void pauli_index_destroy(pauli_index_t *ix);

#endif
