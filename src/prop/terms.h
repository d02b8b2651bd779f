/* The term table of a propagation (internal). */
#ifndef PLATEAU_PROP_TERMS_H
#define PLATEAU_PROP_TERMS_H

#include <stddef.h>
#include <stdint.h>

#include "plateau/core.h"
#include "plateau/pauli.h"

typedef struct {
    int n, nw;        /* qubits; words per bit vector */
    size_t size, cap; /* terms held; room */
    uint64_t *words;  /* term k: x words at words + 2·nw·k, z words after them */
    double *coeff;
    uint16_t *freq;   /* sin/cos branchings so far */
    uint64_t *hash;   /* XXH3 of each term's words */
    uint32_t *index;  /* open addressing, UINT32_MAX = empty; load <= 1/2 */
    size_t index_cap;
} prop_terms_t;

PL_NODISCARD pl_status_t prop_terms_init(prop_terms_t *t, int n, size_t expected);
void prop_terms_free(prop_terms_t *t);
/* Forget the terms, keep the storage. */
void prop_terms_clear(prop_terms_t *t);
/* Add c·P (merging with an equal string); *where gets its index (may be NULL). */
PL_NODISCARD pl_status_t prop_terms_add(prop_terms_t *t, const uint64_t *words, double c,
                                        uint16_t freq, size_t *where);
/* Remove term k; the last term moves into its place. */
void prop_terms_remove(prop_terms_t *t, size_t k);
/* Bytes held by the arrays. */
size_t prop_terms_bytes(const prop_terms_t *t);

#endif
