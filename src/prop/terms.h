/*
 * The term table of a propagation (internal).
 *
 * Each term is a key of kw uint64 words, in one of two representations:
 * - dense: the packed string, nw X words then nw Z words (kw = 2·nw);
 * - sparse (max weight k ≤ PROP_SPARSE_MAX_WEIGHT on many qubits): its
 *   non-identity factors as uint16 entries (qubit << 2 | code, code I=0,
 *   X=1, Z=2, Y=3) in increasing qubit order, 4 per word, the unused ones
 *   PROP_SPARSE_PAD (kw = ⌈k/4⌉: 8 bytes at k ≤ 4 instead of 256 at n = 1,024).
 * A large table is split into PROP_SHARDS shards by the top bits of the
 * key's hash, so that threads merge new strings into disjoint shards; each
 * shard has its own arrays and hash index. A small one is one shard: a gate
 * visits every shard twice (scan, merge), which costs more than the work on a
 * few thousand strings. The shard count depends on the size only. The numbering of the result (result.c)
 * runs shard by shard, so it does not depend on the thread count.
 */
#ifndef PLATEAU_PROP_TERMS_H
#define PLATEAU_PROP_TERMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plateau/core.h"
#include "plateau/pauli.h"
#include "pauli/pauli_index.h"

enum {
    PROP_SHARD_BITS = 6,
    PROP_SHARDS = 1 << PROP_SHARD_BITS,
    PROP_SPARSE_MAX_WEIGHT = 16, /* 4 key words */
    PROP_SPARSE_MAX_QUBITS = 1 << 14,
    PROP_SPARSE_PAD = 0xFFFF
};

typedef struct {
    size_t size, cap; /* terms held; room */
    uint64_t *keys;   /* term k: kw words at keys + kw·k */
    double *coeff;
    uint16_t *freq;   /* sin/cos branchings so far */
    double *grad;     /* term k: ∂c_k/∂θ_j at grad + ngrad·k + j */
    uint64_t *hash;   /* XXH3 of each key */
    uint64_t *sig;    /* support signature: bit q mod 64 for each factor on qubit q */
    uint64_t sig_any; /* OR of every signature the shard has held (never cleared) */
    pauli_index_t ix; /* key -> term number; load <= 1/2 */
} prop_shard_t;

typedef struct {
    int n, nw;    /* qubits; words per bit vector */
    int kw;       /* key words per term */
    bool sparse;  /* key representation (see above) */
    int ngrad;    /* derivative coefficients carried per term (0: none) */
    size_t total; /* terms at the last prop_terms_number (for messages) */
    int nshards;  /* 1 while the table is small (prop_terms_reshard), then PROP_SHARDS */
    prop_shard_t sh[PROP_SHARDS];
    size_t first[PROP_SHARDS + 1]; /* global number of shard s's term 0 */
    /* sparse: every string expanded into packed words for pl_prop_term's
     * views, made on its first call (2·nw words per term, numbered globally) */
    uint64_t *dense;
    size_t dense_bytes;
    int dense_ready;
} prop_terms_t;

/* Should a propagation on n qubits truncated at max_weight (0: none) use the
 * sparse keys? `force`: 0 decides (fewer key words), 1 dense, 2 sparse when possible. */
bool prop_terms_want_sparse(int n, int max_weight, int force);
void prop_terms_init(prop_terms_t *t, int n, int ngrad, bool sparse, int max_weight);
/* Which shard a hash goes to. */
static inline int prop_shard_of(const prop_terms_t *t, uint64_t h) {
    return t->nshards == 1 ? 0 : (int)(h >> (64 - PROP_SHARD_BITS));
}
/* Tables smaller than this are scanned by one thread: every gate is a parallel
 * region, and on a loaded machine its barrier can cost milliseconds (a
 * 1,024-qubit QCNN at 21k strings ran 6x slower on 2 threads than on 1). */
enum { PROP_PARALLEL_MIN = 1 << 15 };
/* Terms at which a one-shard table is split into PROP_SHARDS: by default
 * PROP_PARALLEL_MIN, where threads start sharing the shards (tests change it). */
extern size_t prop_reshard_min;
/* Split a one-shard table of at least prop_reshard_min terms into
 * PROP_SHARDS (else nothing); on failure the table is as it was. */
PL_NODISCARD pl_status_t prop_terms_reshard(prop_terms_t *t);
void prop_terms_free(prop_terms_t *t);
/* May a term of the table act on a qubit of signature sig? False only when
 * no term ever held does: an op there changes nothing. */
static inline bool prop_terms_may_touch(const prop_terms_t *t, uint64_t sig) {
    uint64_t any = 0;
    for (int s = 0; s < t->nshards; s++) any |= t->sh[s].sig_any;
    return (any & sig) != 0;
}
/* Total terms held (sums the shards). */
size_t prop_terms_size(const prop_terms_t *t);
/* Fill first[] and total. */
void prop_terms_number(prop_terms_t *t);
/* Shard and local index of global term k (after prop_terms_number). */
void prop_terms_locate(const prop_terms_t *t, size_t k, int *shard, size_t *local);
/* Key of a string given as packed words xz (nw X then nw Z words); sparse
 * keys need weight(xz) ≤ 4·kw. */
void prop_terms_encode(const prop_terms_t *t, const uint64_t *xz, uint64_t *key);
/* Packed words (2·nw, overwritten) of a sparse key. */
void prop_terms_decode(const prop_terms_t *t, const uint64_t *key, uint64_t *xz);
uint64_t prop_terms_hash(const prop_terms_t *t, const uint64_t *key);
/* Packed words of global term k: a pointer into the table (dense) or into
 * scratch (sparse; 2·nw words). */
const uint64_t *prop_terms_words(const prop_terms_t *t, size_t k, uint64_t *scratch, double *coeff);
/* Add c·P (key with hash h, which picks shard s) with derivatives grad
 * (ngrad entries; NULL when ngrad is 0), merging with an equal string;
 * *where gets its index in the shard. Shards may be added to concurrently. */
PL_NODISCARD pl_status_t prop_shard_add(prop_terms_t *t, int s, const uint64_t *key, uint64_t h,
                                        double c, const double *grad, uint16_t freq, size_t *where);
/* Remove term k of shard s; the shard's last term moves into its place. */
void prop_shard_remove(prop_terms_t *t, int s, size_t k);
/* Replace each of the `count` (≤ 8) arrays *arrays[a] of old_cap elements of
 * elem[a] bytes (0: skipped) by fresh ones of cap elements through
 * pl_mem_alloc, copying the first `used`. All are allocated before any is
 * released, so a refusal (naming `terms`) leaves them as they were. */
PL_NODISCARD pl_status_t prop_grow_arrays(void **const *arrays, const size_t *elem, int count,
                                          size_t old_cap, size_t used, size_t cap, size_t terms);
/* Bytes held by the arrays. */
size_t prop_terms_bytes(const prop_terms_t *t);
/* Expand a sparse table into t->dense (once; thread-safe). */
PL_NODISCARD pl_status_t prop_terms_densify(prop_terms_t *t);

#endif
