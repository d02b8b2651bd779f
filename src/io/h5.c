/* Shared HDF5 plumbing: files created through the output routine, attributes,
 * whole-dataset reads and writes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/h5.h"
#include "plateau/io.h"
#include "plateau/version.h"

pl_status_t io_h5_write_atomic(const char *path, io_h5_fill_fn fill, void *ctx) {
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors are reported by status, not printed */
    pl_io_out_t *out;
    PL_TRY(pl_io_out_begin(path, &out)); /* refuses directories and devices */
    pl_status_t st = PL_OK;
    /* HDF5 needs a seekable file: it fills the temporary one by name. */
    hid_t f = H5Fcreate(pl_io_out_temp_path(out), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0) st = pl_error(PL_EIO, "cannot write '%s': HDF5 cannot create the file", path);
    if (st == PL_OK) st = fill(f, ctx, path);
    if (f >= 0 && H5Fclose(f) < 0 && st == PL_OK)
        st = pl_error(PL_EIO, "cannot write '%s': closing the file failed", path);
    if (st == PL_OK) return pl_io_out_commit(out);
    pl_io_out_abort(out);
    return st;
}

bool io_h5_attr_num(hid_t obj, const char *name, hid_t file_type, hid_t mem_type,
                    const void *value) {
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = space >= 0 ? H5Acreate2(obj, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT) : -1;
    bool ok = a >= 0 && H5Awrite(a, mem_type, value) >= 0;
    if (a >= 0) ok = H5Aclose(a) >= 0 && ok;
    if (space >= 0) H5Sclose(space);
    return ok;
}

/* A variable-length UTF-8 string attribute (h5py reads it as str). */
bool io_h5_attr_str(hid_t obj, const char *name, const char *value) {
    hid_t type = H5Tcopy(H5T_C_S1);
    bool ok =
        type >= 0 && H5Tset_size(type, H5T_VARIABLE) >= 0 && H5Tset_cset(type, H5T_CSET_UTF8) >= 0;
    if (ok) ok = io_h5_attr_num(obj, name, type, type, &value);
    if (type >= 0) H5Tclose(type);
    return ok;
}

pl_status_t io_h5_provenance(hid_t obj, const char *path, const char *command, uint64_t seed) {
    if (io_h5_attr_str(obj, "plateau_version", PL_VERSION_STRING) &&
        io_h5_attr_str(obj, "command", command ? command : "") &&
        io_h5_attr_num(obj, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &seed))
        return PL_OK;
    return pl_error(PL_EIO, "cannot write '%s': cannot write the attributes", path);
}

pl_status_t io_h5_write(hid_t loc, const char *name, hid_t file_type, hid_t mem_type, int rank,
                        const uint64_t *dims, const void *data, const char *path) {
    hsize_t h[4];
    PL_ASSERT(rank >= 1 && rank <= 4);
    for (int i = 0; i < rank; i++) h[i] = dims[i];
    hid_t space = H5Screate_simple(rank, h, NULL);
    hid_t d = space >= 0
                  ? H5Dcreate2(loc, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)
                  : -1;
    bool ok = d >= 0 && H5Dwrite(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0;
    if (d >= 0) ok = H5Dclose(d) >= 0 && ok;
    if (space >= 0) H5Sclose(space);
    return ok ? PL_OK
              : pl_error(PL_EIO, "cannot write '%s': writing dataset '%s' failed", path, name);
}

pl_status_t io_h5_open(const char *path, hid_t *file) {
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (access(path, R_OK) != 0)
        return pl_error(PL_EIO, "cannot read '%s': %s", path, strerror(errno));
    if (H5Fis_hdf5(path) <= 0)
        return pl_error(PL_EIO, "'%s' is not an HDF5 file (or it is truncated)", path);
    *file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (*file < 0) return pl_error(PL_EIO, "cannot open '%s' as HDF5", path);
    return PL_OK;
}

pl_status_t io_h5_shape(hid_t loc, const char *name, int rank, uint64_t *dims, const char *path) {
    if (H5Lexists(loc, name, H5P_DEFAULT) <= 0)
        return pl_error(PL_EIO, "'%s': no dataset '%s'", path, name);
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    hid_t space = d >= 0 ? H5Dget_space(d) : -1;
    const int have = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    hsize_t h[8] = {0};
    pl_status_t st = PL_OK;
    if (have < 0)
        st = pl_error(PL_EIO, "'%s': cannot read dataset '%s'", path, name);
    else if (have != rank)
        st =
            pl_error(PL_EIO, "'%s': dataset '%s' has rank %d, expected %d", path, name, have, rank);
    else if (H5Sget_simple_extent_dims(space, h, NULL) < 0)
        st = pl_error(PL_EIO, "'%s': cannot read the shape of '%s'", path, name);
    for (int i = 0; st == PL_OK && i < rank; i++) dims[i] = h[i];
    if (space >= 0) H5Sclose(space);
    if (d >= 0) H5Dclose(d);
    return st;
}

pl_status_t io_h5_read(hid_t loc, const char *name, hid_t mem_type, int rank, const uint64_t *dims,
                       void *out, const char *path) {
    uint64_t have[4];
    PL_ASSERT(rank >= 1 && rank <= 4);
    PL_TRY(io_h5_shape(loc, name, rank, have, path));
    for (int i = 0; i < rank; i++)
        if (have[i] != dims[i])
            return pl_error(PL_EIO,
                            "'%s': dataset '%s' has %llu entries along axis %d, expected %llu",
                            path, name, (unsigned long long)have[i], i,
                            (unsigned long long)dims[i]);
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    const bool ok = d >= 0 && H5Dread(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) >= 0;
    if (d >= 0) H5Dclose(d);
    return ok ? PL_OK
              : pl_error(PL_EIO, "'%s': reading dataset '%s' failed (corrupt file?)", path, name);
}

pl_status_t io_h5_attr_read(hid_t obj, const char *name, hid_t mem_type, void *out,
                            const char *path) {
    if (H5Aexists(obj, name) <= 0) return pl_error(PL_EIO, "'%s': no attribute '%s'", path, name);
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    const bool ok = a >= 0 && H5Aread(a, mem_type, out) >= 0;
    if (a >= 0) H5Aclose(a);
    return ok ? PL_OK : pl_error(PL_EIO, "'%s': cannot read attribute '%s'", path, name);
}

pl_status_t io_h5_attr_read_str(hid_t obj, const char *name, char **out, const char *path) {
    *out = NULL;
    if (H5Aexists(obj, name) <= 0) return pl_error(PL_EIO, "'%s': no attribute '%s'", path, name);
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    hid_t type = a >= 0 ? H5Aget_type(a) : -1;
    pl_status_t st = PL_OK;
    if (type < 0 || H5Tget_class(type) != H5T_STRING) {
        st = pl_error(PL_EIO, "'%s': attribute '%s' is not a string", path, name);
    } else if (H5Tis_variable_str(type) > 0) {
        char *v = NULL;
        hid_t mem = H5Tcopy(type); /* same size and character set as stored */
        if (H5Aread(a, mem, &v) < 0 || !v)
            st = pl_error(PL_EIO, "'%s': cannot read '%s'", path, name);
        else if (!(*out = strdup(v)))
            st = pl_error_nomemf("attribute '%s' of '%s'", name, path);
        if (v) H5free_memory(v);
        H5Tclose(mem);
    } else {
        const size_t size = H5Tget_size(type);
        *out = calloc(size + 1, 1);
        if (!*out)
            st = pl_error_nomemf("attribute '%s' of '%s'", name, path);
        else if (H5Aread(a, type, *out) < 0)
            st = pl_error(PL_EIO, "'%s': cannot read '%s'", path, name);
    }
    if (type >= 0) H5Tclose(type);
    if (a >= 0) H5Aclose(a);
    if (st != PL_OK) {
        free(*out);
        *out = NULL;
    }
    return st;
}
