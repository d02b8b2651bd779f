/* Single bit-packed Pauli strings: creation, factors, weight, products and
 * commutation. Conventions are stated once in include/plateau/pauli.h. */
#include "plateau/pauli.h"

#include <stdlib.h>
#include <string.h>

/* A string and its words in one allocation, so pl_pauli_destroy is one free(). */
typedef struct {
    pl_pauli_t p;
    uint64_t words[];
} pauli_block_t;

static size_t word_bytes(const pl_pauli_t *p) {
    return (size_t)p->nwords * sizeof(uint64_t);
}

pl_status_t pl_pauli_create(int n, pl_pauli_t **out) {
    *out = NULL;
    if (n < 1 || n > PL_PAULI_MAX_QUBITS)
        return pl_error(PL_EINVAL, "Pauli string of %d qubits: need 1 to %d qubits", n,
                        PL_PAULI_MAX_QUBITS);
    int nwords = PL_PAULI_WORDS(n);
    pauli_block_t *b = calloc(1, sizeof *b + 2 * (size_t)nwords * sizeof(uint64_t));
    if (!b) return pl_error_nomemf("a Pauli string of %d qubits", n);
    b->p.n = n;
    b->p.nwords = nwords;
    b->p.x = b->words;
    b->p.z = b->words + nwords;
    *out = &b->p;
    return PL_OK;
}

void pl_pauli_destroy(pl_pauli_t *p) {
    /* p is the first member of its pauli_block_t. */
    free(p);
}

pl_status_t pl_pauli_clone(const pl_pauli_t *p, pl_pauli_t **out) {
    PL_TRY(pl_pauli_create(p->n, out));
    pl_pauli_copy(*out, p);
    return PL_OK;
}

void pl_pauli_copy(pl_pauli_t *dst, const pl_pauli_t *src) {
    memmove(dst->x, src->x, word_bytes(src));
    memmove(dst->z, src->z, word_bytes(src));
}

void pl_pauli_set_identity(pl_pauli_t *p) {
    memset(p->x, 0, word_bytes(p));
    memset(p->z, 0, word_bytes(p));
}

void pl_pauli_set(pl_pauli_t *p, int q, pl_pauli_op_t op) {
    int w = q / 64;
    uint64_t bit = UINT64_C(1) << (q % 64);
    /* The enum encodes the bits: PL_X = x, PL_Z = z, PL_Y = x|z. */
    p->x[w] = (op & 1) ? p->x[w] | bit : p->x[w] & ~bit;
    p->z[w] = (op & 2) ? p->z[w] | bit : p->z[w] & ~bit;
}

pl_pauli_op_t pl_pauli_get(const pl_pauli_t *p, int q) {
    int w = q / 64, b = q % 64;
    unsigned x = (unsigned)(p->x[w] >> b) & 1u;
    unsigned z = (unsigned)(p->z[w] >> b) & 1u;
    return (pl_pauli_op_t)(x | (z << 1));
}

int pl_pauli_weight(const pl_pauli_t *p) {
    int count = 0;
    for (int w = 0; w < p->nwords; w++) count += __builtin_popcountll(p->x[w] | p->z[w]);
    return count;
}

int pl_pauli_support(const pl_pauli_t *p, int *qubits) {
    int count = 0;
    for (int w = 0; w < p->nwords; w++) {
        uint64_t bits = p->x[w] | p->z[w];
        while (bits) {
            qubits[count++] = 64 * w + __builtin_ctzll(bits);
            bits &= bits - 1; /* clear the lowest set bit */
        }
    }
    return count;
}

int pl_pauli_count_y(const pl_pauli_t *p) {
    int count = 0;
    for (int w = 0; w < p->nwords; w++) count += __builtin_popcountll(p->x[w] & p->z[w]);
    return count;
}

bool pl_pauli_equal(const pl_pauli_t *a, const pl_pauli_t *b) {
    return a->n == b->n && memcmp(a->x, b->x, word_bytes(a)) == 0 &&
           memcmp(a->z, b->z, word_bytes(a)) == 0;
}

bool pl_pauli_commutes(const pl_pauli_t *a, const pl_pauli_t *b) {
    /* Qubits where the factors anticommute have (xa&zb) ^ (za&xb) set; only
     * the parity of their number matters, and parity is additive under XOR. */
    uint64_t acc = 0;
    for (int w = 0; w < a->nwords; w++) acc ^= (a->x[w] & b->z[w]) ^ (a->z[w] & b->x[w]);
    return __builtin_parityll(acc) == 0;
}

int pl_pauli_mul(const pl_pauli_t *a, const pl_pauli_t *b, pl_pauli_t *out) {
    /* With a = i^|xa&za| X^xa Z^za and b likewise, moving Z^za past X^xb costs
     * (-1)^|za&xb|, and X^xo Z^zo = i^-|xo&zo| out, so
     *   k = |xa&za| + |xb&zb| + 2|za&xb| - |xo&zo|  (mod 4).
     * Unsigned arithmetic wraps modulo 2^32, a multiple of 4, so the final
     * mask is exact. Each word is read before it is written: out may alias. */
    unsigned k = 0;
    for (int w = 0; w < a->nwords; w++) {
        uint64_t xa = a->x[w], za = a->z[w], xb = b->x[w], zb = b->z[w];
        uint64_t xo = xa ^ xb, zo = za ^ zb;
        k += (unsigned)__builtin_popcountll(xa & za) + (unsigned)__builtin_popcountll(xb & zb) +
             2u * (unsigned)__builtin_popcountll(za & xb) - (unsigned)__builtin_popcountll(xo & zo);
        out->x[w] = xo;
        out->z[w] = zo;
    }
    return (int)(k & 3u);
}
