/*
 * Pauli strings as packed words (nw X words, then nw Z words) and what a
 * compiled op does to one (internal to src/prop: the propagation driver and
 * the compiled plans share them).
 */
#ifndef PLATEAU_PROP_WORDS_H
#define PLATEAU_PROP_WORDS_H

#include <stdbool.h>
#include <stdint.h>

#include "plateau/core.h"
#include "program/program.h"

/* P·Q = i^prop_phase_table[P][Q] (P ^ Q) for single-qubit codes I=0, X=1, Z=2, Y=3. */
static const uint8_t prop_phase_table[4][4] = {
    {0, 0, 0, 0}, /* I·Q */
    {0, 0, 3, 1}, /* X·I, X·X, X·Z = −iY, X·Y = iZ */
    {0, 1, 0, 3}, /* Z·X = iY, Z·Z, Z·Y = −iX */
    {0, 3, 1, 0}, /* Y·X = −iZ, Y·Z = iX, Y·Y */
};

/* The code of qubit q's factor. */
static inline int prop_get_op(const uint64_t *w, int nw, int q) {
    const uint64_t bit = UINT64_C(1) << (q & 63);
    return ((w[q >> 6] & bit) != 0) | (((w[nw + (q >> 6)] & bit) != 0) << 1);
}

static inline void prop_set_op(uint64_t *w, int nw, int q, int op) {
    const uint64_t bit = UINT64_C(1) << (q & 63);
    w[q >> 6] = (op & 1) ? w[q >> 6] | bit : w[q >> 6] & ~bit;
    w[nw + (q >> 6)] = (op & 2) ? w[nw + (q >> 6)] | bit : w[nw + (q >> 6)] & ~bit;
}

/* Non-identity factors. */
static inline int prop_weight(const uint64_t *w, int nw) {
    int s = 0;
    for (int i = 0; i < nw; i++) s += __builtin_popcountll(w[i] | w[nw + i]);
    return s;
}

/* Does string w anticommute with the rotation's generator? */
static inline bool prop_anticommutes(const program_mask_t *m, const uint64_t *w, int nw) {
    int parity = 0;
    for (int e = 0; e < m->nwords; e++) {
        const uint64_t x = w[m->word[e]], z = w[nw + m->word[e]];
        parity ^= __builtin_popcountll((x & m->z[e]) ^ (z & m->x[e])) & 1;
    }
    return parity;
}

/* Does string w act on any qubit of the op? */
static inline bool prop_touches(const program_mask_t *m, const uint64_t *w, int nw) {
    for (int e = 0; e < m->nwords; e++)
        if ((w[m->word[e]] | w[nw + m->word[e]]) & m->x[e]) return true;
    return false;
}

/* Sign of i·P·Q = ±R for the rotation's generator P and an anticommuting Q. */
static inline double prop_product_sign(const program_op_t *op, const uint64_t *w, int nw) {
    int phase = 1; /* the factor i */
    for (int j = 0; j < op->nq; j++)
        phase += prop_phase_table[op->ops[j]][prop_get_op(w, nw, op->qubits[j])];
    PL_ASSERT((phase & 1) == 0);
    return (phase & 3) == 0 ? 1.0 : -1.0;
}

/* w ← P·w up to phase: the string iPQ of a rotation's generator P. */
static inline void prop_apply_generator(const program_mask_t *m, uint64_t *w, int nw) {
    for (int e = 0; e < m->nwords; e++) {
        w[m->word[e]] ^= m->x[e];
        w[nw + m->word[e]] ^= m->z[e];
    }
}

#endif
