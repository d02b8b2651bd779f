/*
 * A propagated observable as an HDF5 file: datasets x, z (uint64 [terms,
 * words]) and coeff (float64 [terms]), attributes qubits, plateau_version,
 * command and seed. Written to a temporary file beside the target, then
 * renamed, so readers never see a half-written file.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "io/h5.h"
#include "plateau/prop.h"
#include "prop/prop_internal.h"

/* Terms copied and written per block, so the copy stays small for big sums. */
#define PROP_H5_BLOCK ((size_t)1 << 16)

/* Rows [first, first + count) of the datasets from the term table. */
static bool write_block(const pl_prop_t *p, hid_t dx, hid_t dz, hid_t dc, size_t first,
                        size_t count, uint64_t *xbuf, uint64_t *zbuf, double *cbuf) {
    const int nw = PL_PAULI_WORDS(pl_prop_qubits(p));
    uint64_t scratch[2 * PL_PAULI_WORDS(PROP_SPARSE_MAX_QUBITS)];
    for (size_t i = 0; i < count; i++) {
        /* sparse keys decoded one by one (pl_prop_term would expand them all) */
        const uint64_t *w = prop_terms_words(&p->t, first + i, scratch, &cbuf[i]);
        memcpy(xbuf + i * (size_t)nw, w, (size_t)nw * sizeof *xbuf);
        memcpy(zbuf + i * (size_t)nw, w + nw, (size_t)nw * sizeof *zbuf);
    }
    const hsize_t start[2] = {first, 0}, rows[2] = {count, (hsize_t)nw};
    hid_t mem2 = H5Screate_simple(2, rows, NULL), mem1 = H5Screate_simple(1, rows, NULL);
    hid_t f2 = H5Dget_space(dx), f1 = H5Dget_space(dc);
    bool ok = mem2 >= 0 && mem1 >= 0 && f2 >= 0 && f1 >= 0 &&
              H5Sselect_hyperslab(f2, H5S_SELECT_SET, start, NULL, rows, NULL) >= 0 &&
              H5Sselect_hyperslab(f1, H5S_SELECT_SET, start, NULL, rows, NULL) >= 0 &&
              H5Dwrite(dx, H5T_NATIVE_UINT64, mem2, f2, H5P_DEFAULT, xbuf) >= 0 &&
              H5Dwrite(dz, H5T_NATIVE_UINT64, mem2, f2, H5P_DEFAULT, zbuf) >= 0 &&
              H5Dwrite(dc, H5T_NATIVE_DOUBLE, mem1, f1, H5P_DEFAULT, cbuf) >= 0;
    if (mem2 >= 0) H5Sclose(mem2);
    if (mem1 >= 0) H5Sclose(mem1);
    if (f2 >= 0) H5Sclose(f2);
    if (f1 >= 0) H5Sclose(f1);
    return ok;
}

/* The datasets: every term, in storage order. */
static pl_status_t write_terms(hid_t f, const pl_prop_t *p, const char *path) {
    const size_t terms = pl_prop_size(p);
    const int nw = PL_PAULI_WORDS(pl_prop_qubits(p));
    const hsize_t dims[2] = {terms, (hsize_t)nw};
    hid_t s2 = H5Screate_simple(2, dims, NULL), s1 = H5Screate_simple(1, dims, NULL);
    hid_t dx = -1, dz = -1, dc = -1;
    if (s2 >= 0 && s1 >= 0) {
        dx = H5Dcreate2(f, "x", H5T_STD_U64LE, s2, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        dz = H5Dcreate2(f, "z", H5T_STD_U64LE, s2, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        dc = H5Dcreate2(f, "coeff", H5T_IEEE_F64LE, s1, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    }
    const size_t block = terms < PROP_H5_BLOCK ? terms : PROP_H5_BLOCK;
    uint64_t *xbuf = malloc((block ? block : 1) * (size_t)nw * sizeof *xbuf);
    uint64_t *zbuf = malloc((block ? block : 1) * (size_t)nw * sizeof *zbuf);
    double *cbuf = malloc((block ? block : 1) * sizeof *cbuf);
    pl_status_t st = PL_OK;
    if (!xbuf || !zbuf || !cbuf) {
        st = pl_error(PL_ENOMEM, "out of memory writing '%s'", path);
    } else if (dx < 0 || dz < 0 || dc < 0) {
        st = pl_error(PL_EIO, "cannot write '%s': cannot create the datasets", path);
    } else {
        for (size_t first = 0; first < terms && st == PL_OK; first += block) {
            const size_t count = terms - first < block ? terms - first : block;
            if (!write_block(p, dx, dz, dc, first, count, xbuf, zbuf, cbuf))
                st = pl_error(PL_EIO, "cannot write '%s': writing terms failed", path);
        }
    }
    free(xbuf);
    free(zbuf);
    free(cbuf);
    const hid_t sets[3] = {dx, dz, dc};
    for (int i = 0; i < 3; i++)
        if (sets[i] >= 0 && H5Dclose(sets[i]) < 0 && st == PL_OK)
            st = pl_error(PL_EIO, "cannot write '%s': closing a dataset failed", path);
    if (s2 >= 0) H5Sclose(s2);
    if (s1 >= 0) H5Sclose(s1);
    return st;
}

typedef struct {
    const pl_prop_t *p;
    const char *command;
    uint64_t seed;
} prop_file_t;

static pl_status_t fill(hid_t f, void *ctx, const char *path) {
    const prop_file_t *pf = ctx;
    PL_TRY(write_terms(f, pf->p, path));
    const int64_t qubits = pl_prop_qubits(pf->p);
    if (!io_h5_attr_num(f, "qubits", H5T_STD_I64LE, H5T_NATIVE_INT64, &qubits))
        return pl_error(PL_EIO, "cannot write '%s': cannot write the attributes", path);
    return io_h5_provenance(f, path, pf->command, pf->seed);
}

pl_status_t pl_prop_save(const pl_prop_t *p, const char *path, const char *command, uint64_t seed) {
    prop_file_t pf = {p, command, seed};
    return io_h5_write_atomic(path, fill, &pf);
}
