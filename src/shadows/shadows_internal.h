/* Private parts of the shadows module. */
#ifndef PLATEAU_SHADOWS_INTERNAL_H
#define PLATEAU_SHADOWS_INTERNAL_H

#include <hdf5.h>

#include "plateau/shadows.h"

struct pl_shadows {
    int n;
    size_t shots, words; /* words = ceil(shots / 64) per bit vector */
    uint64_t *bits;      /* qubit q: lo at bits + 3·words·q, then hi, then outcome */
};

static inline uint64_t *shadows_lo(const pl_shadows_t *sh, int q) {
    return sh->bits + 3 * sh->words * (size_t)q;
}
static inline uint64_t *shadows_hi(const pl_shadows_t *sh, int q) {
    return shadows_lo(sh, q) + sh->words;
}
static inline uint64_t *shadows_out(const pl_shadows_t *sh, int q) {
    return shadows_lo(sh, q) + 2 * sh->words;
}

/* Datasets lo, hi, outcome and attributes qubits, shots in an open HDF5
 * location (a file or a group: datasets store one set per point). */
PL_NODISCARD pl_status_t shadows_write_h5(hid_t loc, const pl_shadows_t *sh, const char *path);
PL_NODISCARD pl_status_t shadows_read_h5(hid_t loc, const char *path, pl_shadows_t **out);

#endif
