/* The hash index over Pauli strings (src/pauli/pauli_index.h). */
#include "pauli/pauli_index.h"

#include <string.h>
#include <xxhash.h>

#include "plateau/core.h"

uint64_t pauli_index_hash(const uint64_t *x, const uint64_t *z, int nwords) {
    size_t bytes = (size_t)nwords * sizeof(uint64_t);
    return XXH3_64bits_withSeed(z, bytes, XXH3_64bits(x, bytes));
}

uint64_t pauli_index_hash_packed(const uint64_t *w, int nwords) {
    return XXH3_64bits(w, 2 * (size_t)nwords * sizeof *w);
}

pl_status_t pauli_index_rebuild(pauli_index_t *ix, size_t nslots, const uint64_t *hash,
                                size_t count, const char *what) {
    PL_ASSERT(nslots > 0 && (nslots & (nslots - 1)) == 0 && count <= nslots / 2);
    if (count > PAULI_INDEX_MAX_ENTRIES)
        return pl_error(PL_ENOMEM, "%s: %zu entries are more than an index holds (%zu)", what,
                        count, PAULI_INDEX_MAX_ENTRIES);
    if (nslots != ix->nslots) {
        if (nslots > SIZE_MAX / sizeof(uint32_t))
            return pl_error_nomemf("%s (%zu slots)", what, nslots);
        void *fresh;
        PL_TRY(pl_mem_alloc(&fresh, nslots * sizeof(uint32_t), what));
        pauli_index_destroy(ix);
        ix->slots = fresh;
        ix->nslots = nslots;
    }
    memset(ix->slots, 0, nslots * sizeof(uint32_t));
    const size_t mask = nslots - 1;
    for (size_t k = 0; k < count; k++) {
        size_t i = (size_t)hash[k] & mask;
        while (ix->slots[i] != 0) i = (i + 1) & mask;
        ix->slots[i] = (uint32_t)(k + 1);
    }
    return PL_OK;
}

void pauli_index_remove(pauli_index_t *ix, const uint64_t *hash, size_t slot) {
    const size_t mask = ix->nslots - 1;
    size_t i = slot;
    ix->slots[i] = 0;
    for (size_t j = (i + 1) & mask; ix->slots[j] != 0; j = (j + 1) & mask) {
        const size_t home = (size_t)hash[ix->slots[j] - 1] & mask;
        /* Entry j may move to i unless its home lies cyclically in (i, j]. */
        const int stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (stays) continue;
        ix->slots[i] = ix->slots[j];
        ix->slots[j] = 0;
        i = j;
    }
}

void pauli_index_renumber(pauli_index_t *ix, const pauli_index_keys_t *keys, size_t from,
                          size_t to) {
    ix->slots[pauli_index_slot_of(ix, keys->hash[from], from)] = (uint32_t)(to + 1);
}

void pauli_index_clear(pauli_index_t *ix) {
    if (ix->nslots) memset(ix->slots, 0, ix->nslots * sizeof *ix->slots);
}

void pauli_index_destroy(pauli_index_t *ix) {
    pl_mem_free(ix->slots, ix->nslots * sizeof(uint32_t));
    ix->slots = NULL;
    ix->nslots = 0;
}
