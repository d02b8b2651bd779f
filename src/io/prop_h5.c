/*
 * A propagated observable as an HDF5 file: datasets x, z (uint64 [terms,
 * words]) and coeff (float64 [terms]), attributes qubits, plateau_version,
 * command and seed. Written to a temporary file beside the target, then
 * renamed, so readers never see a half-written file.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "io/io_internal.h"
#include "plateau/io.h"
#include "plateau/version.h"

/* Terms copied and written per block, so the copy stays small for big sums. */
#define PROP_H5_BLOCK ((size_t)1 << 16)

/* A scalar attribute of a fixed numeric type. */
static bool write_num_attr(hid_t obj, const char *name, hid_t file_type, hid_t mem_type,
                           const void *value) {
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = space >= 0 ? H5Acreate2(obj, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT) : -1;
    bool ok = a >= 0 && H5Awrite(a, mem_type, value) >= 0;
    if (a >= 0) ok = H5Aclose(a) >= 0 && ok;
    if (space >= 0) H5Sclose(space);
    return ok;
}

/* A variable-length UTF-8 string attribute (h5py reads it as str). */
static bool write_str_attr(hid_t obj, const char *name, const char *value) {
    hid_t type = H5Tcopy(H5T_C_S1);
    bool ok = type >= 0 && H5Tset_size(type, H5T_VARIABLE) >= 0 &&
              H5Tset_cset(type, H5T_CSET_UTF8) >= 0;
    if (ok) ok = write_num_attr(obj, name, type, type, &value);
    if (type >= 0) H5Tclose(type);
    return ok;
}

/* Rows [first, first + count) of the datasets from the term table. */
static bool write_block(const pl_prop_t *p, hid_t dx, hid_t dz, hid_t dc, size_t first,
                        size_t count, uint64_t *xbuf, uint64_t *zbuf, double *cbuf) {
    const int nw = PL_PAULI_WORDS(pl_prop_qubits(p));
    for (size_t i = 0; i < count; i++) {
        pl_pauli_t v;
        pl_prop_term(p, first + i, &v, &cbuf[i]);
        memcpy(xbuf + i * (size_t)nw, v.x, (size_t)nw * sizeof *xbuf);
        memcpy(zbuf + i * (size_t)nw, v.z, (size_t)nw * sizeof *zbuf);
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

/* The whole file at @p tmp (already created, empty). */
static pl_status_t write_file(const char *tmp, const char *path, const pl_prop_t *p,
                              const char *command, uint64_t seed) {
    hid_t f = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0) return pl_error(PL_EIO, "cannot write '%s': HDF5 cannot create the file", path);
    pl_status_t st = write_terms(f, p, path);
    const int64_t qubits = pl_prop_qubits(p);
    if (st == PL_OK &&
        !(write_num_attr(f, "qubits", H5T_STD_I64LE, H5T_NATIVE_INT64, &qubits) &&
          write_str_attr(f, "plateau_version", PL_VERSION_STRING) &&
          write_str_attr(f, "command", command ? command : "") &&
          write_num_attr(f, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &seed)))
        st = pl_error(PL_EIO, "cannot write '%s': cannot write the attributes", path);
    if (H5Fclose(f) < 0 && st == PL_OK)
        st = pl_error(PL_EIO, "cannot write '%s': closing the file failed", path);
    return st;
}

pl_status_t pl_io_write_prop_h5(const char *path, const pl_prop_t *p, const char *command,
                                uint64_t seed) {
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    char *tmp;
    int fd;
    PL_TRY(io_temp_create(path, &tmp, &fd));
    close(fd); /* HDF5 reopens the file by name */
    pl_status_t st = write_file(tmp, path, p, command, seed);
    if (st == PL_OK && rename(tmp, path) != 0)
        st = pl_error(PL_EIO, "cannot write '%s': %s", path, strerror(errno));
    if (st != PL_OK) remove(tmp);
    free(tmp);
    return st;
}
