/* The term table of a propagation (internal). */
#ifndef PLATEAU_PROP_TERMS_H
#define PLATEAU_PROP_TERMS_H

#include <stddef.h>
#include <stdint.h>

#include "plateau/core.h"
#include "plateau/pauli.h"
#include "pauli/pauli_index.h"

typedef struct {
    int n, nw;        /* qubits; words per bit vector */
    size_t size, cap; /* terms held; room */
    uint64_t *words;  /* term k: x words at words + 2·nw·k, z words after them */
    double *coeff;
    uint16_t *freq;   /* sin/cos branchings so far */
    int ngrad;        /* derivative coefficients carried per term (0: none) */
    double *grad;     /* term k: ∂c_k/∂θ_j at grad + ngrad·k + j */
    uint64_t *hash;   /* XXH3 of each term's words */
    uint64_t *sig;    /* support signature: OR of the term's x|z words (bit q mod 64) */
    pauli_index_t ix; /* string -> term number; load <= 1/2 */
} prop_terms_t;

PL_NODISCARD pl_status_t prop_terms_init(prop_terms_t *t, int n, int ngrad, size_t expected);
void prop_terms_free(prop_terms_t *t);
/* Forget the terms, keep the storage. */
void prop_terms_clear(prop_terms_t *t);
/* Add c·P with derivatives grad (ngrad entries; NULL when ngrad is 0),
 * merging with an equal string; *where gets its index (may be NULL). */
PL_NODISCARD pl_status_t prop_terms_add(prop_terms_t *t, const uint64_t *words, double c,
                                        const double *grad, uint16_t freq, size_t *where);
/* Remove term k; the last term moves into its place. */
void prop_terms_remove(prop_terms_t *t, size_t k);
/* Replace each of the `count` (≤ 8) arrays *arrays[a] of old_cap elements of
 * elem[a] bytes (0: skipped) by fresh ones of cap elements through
 * pl_mem_alloc, copying the first `used`. All are allocated before any is
 * released, so a refusal (naming `terms`) leaves them as they were. */
PL_NODISCARD pl_status_t prop_grow_arrays(void **const *arrays, const size_t *elem, int count,
                                          size_t old_cap, size_t used, size_t cap, size_t terms);
/* Bytes held by the arrays. */
size_t prop_terms_bytes(const prop_terms_t *t);

#endif
