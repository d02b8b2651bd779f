/*
 * MPS files (layout in pl_mps_save's comment, include/plateau/mps.h). The
 * tensors go into one chunked float64 dataset with Fletcher-32 checksums, so
 * corrupted bytes fail the read instead of loading silently; site tensors are
 * written and read one hyperslab at a time (no second copy of the state).
 * A claimed orthogonality centre is verified on loading.
 */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/h5.h"
#include "mps/mps_internal.h"

#define MPS_FORMAT "plateau-mps"
#define MPS_FORMAT_VERSION 1
#define MPS_CHUNK ((hsize_t)1 << 16) /* doubles per checksummed chunk */
#define MPS_ORTHO_TOL 1e-9           /* largest deviation from orthonormality on load */

static const char *const RESERVED[] = {"format",         "format_version",  "sites",   "center",
                                       "canonical_form", "plateau_version", "command", "seed"};

/* ------------------------------------------------------------------------ */
/* Writing                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct {
    const pl_mps_t *psi;
    const char *command;
    uint64_t seed;
    const pl_mps_attr_t *extra;
    size_t n_extra;
} save_ctx_t;

static const char *canonical_name(const pl_mps_t *psi) {
    if (psi->center < 0) return "none";
    if (psi->center == 0) return "right";
    return psi->center == psi->n - 1 ? "left" : "mixed";
}

/* Row @p first … of the 1-D dataset @p d from @p data (@p count values). */
static bool slab_io(hid_t d, uint64_t first, size_t count, double *data, bool write) {
    const hsize_t start = first, len = count;
    hid_t mem = H5Screate_simple(1, &len, NULL), file = H5Dget_space(d);
    bool ok = mem >= 0 && file >= 0 &&
              H5Sselect_hyperslab(file, H5S_SELECT_SET, &start, NULL, &len, NULL) >= 0;
    if (ok)
        ok = (write ? H5Dwrite(d, H5T_NATIVE_DOUBLE, mem, file, H5P_DEFAULT, data)
                    : H5Dread(d, H5T_NATIVE_DOUBLE, mem, file, H5P_DEFAULT, data)) >= 0;
    if (mem >= 0) H5Sclose(mem);
    if (file >= 0) H5Sclose(file);
    return ok;
}

/* Dataset `tensors`: every site, in order. */
static pl_status_t write_tensors(hid_t f, const pl_mps_t *psi, uint64_t total, const char *path) {
    const hsize_t dims = total, chunk = total < MPS_CHUNK ? total : MPS_CHUNK;
    hid_t space = H5Screate_simple(1, &dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    bool ok = space >= 0 && dcpl >= 0 && H5Pset_chunk(dcpl, 1, &chunk) >= 0 &&
              H5Pset_fletcher32(dcpl) >= 0;
    hid_t d =
        ok ? H5Dcreate2(f, "tensors", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT) : -1;
    ok = d >= 0;
    uint64_t first = 0;
    for (int i = 0; ok && i < psi->n; i++) {
        const size_t len = mps_site_len(psi, i);
        ok = slab_io(d, first, len, psi->site[i], true);
        first += len;
    }
    if (d >= 0) ok = H5Dclose(d) >= 0 && ok;
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    return ok ? PL_OK : pl_error(PL_EIO, "cannot write '%s': writing the tensors failed", path);
}

static pl_status_t write_attrs(hid_t f, const save_ctx_t *c, const char *path) {
    const int64_t version = MPS_FORMAT_VERSION, sites = c->psi->n, center = c->psi->center;
    bool ok = io_h5_attr_str(f, "format", MPS_FORMAT) &&
              io_h5_attr_num(f, "format_version", H5T_STD_I64LE, H5T_NATIVE_INT64, &version) &&
              io_h5_attr_num(f, "sites", H5T_STD_I64LE, H5T_NATIVE_INT64, &sites) &&
              io_h5_attr_num(f, "center", H5T_STD_I64LE, H5T_NATIVE_INT64, &center) &&
              io_h5_attr_str(f, "canonical_form", canonical_name(c->psi));
    for (size_t k = 0; ok && k < c->n_extra; k++) {
        const pl_mps_attr_t *a = &c->extra[k];
        ok = a->text ? io_h5_attr_str(f, a->name, a->text)
                     : io_h5_attr_num(f, a->name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &a->value);
    }
    if (!ok) return pl_error(PL_EIO, "cannot write '%s': cannot write the attributes", path);
    return io_h5_provenance(f, path, c->command, c->seed);
}

static pl_status_t fill_file(hid_t f, void *ctx, const char *path) {
    const save_ctx_t *c = ctx;
    const pl_mps_t *psi = c->psi;
    const int n = psi->n;
    int64_t *dims = malloc((size_t)(n + 1) * sizeof *dims);
    int64_t *offsets = malloc((size_t)(n + 1) * sizeof *offsets);
    pl_status_t st = dims && offsets ? PL_OK : pl_error_nomemf("the bond layout of '%s'", path);
    if (st == PL_OK) {
        offsets[0] = 0;
        for (int b = 0; b <= n; b++) dims[b] = psi->dim[b];
        for (int i = 0; i < n; i++) offsets[i + 1] = offsets[i] + (int64_t)mps_site_len(psi, i);
        const uint64_t len = (uint64_t)n + 1;
        st = io_h5_write(f, "bond_dims", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, &len, dims, path);
        if (st == PL_OK)
            st = io_h5_write(f, "offsets", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, &len, offsets, path);
        if (st == PL_OK) st = write_tensors(f, psi, (uint64_t)offsets[n], path);
    }
    if (st == PL_OK) st = write_attrs(f, c, path);
    free(dims);
    free(offsets);
    return st;
}

pl_status_t pl_mps_save(const pl_mps_t *psi, const char *path, const char *command, uint64_t seed,
                        const pl_mps_attr_t *extra, size_t n_extra) {
    for (size_t k = 0; k < n_extra; k++) {
        if (!extra[k].name || !extra[k].name[0])
            return pl_error(PL_EINVAL, "extra attribute %zu has no name", k);
        for (size_t r = 0; r < sizeof RESERVED / sizeof *RESERVED; r++)
            if (!strcmp(extra[k].name, RESERVED[r]))
                return pl_error(PL_EINVAL, "extra attribute '%s' is reserved", extra[k].name);
        for (size_t j = 0; j < k; j++)
            if (!strcmp(extra[k].name, extra[j].name))
                return pl_error(PL_EINVAL, "extra attribute '%s' given twice", extra[k].name);
    }
    save_ctx_t c = {psi, command, seed, extra, n_extra};
    return io_h5_write_atomic(path, fill_file, &c);
}

/* ------------------------------------------------------------------------ */
/* Reading                                                                  */
/* ------------------------------------------------------------------------ */

/* A string attribute into @p buf (fixed or variable length); false if absent. */
static bool read_str_attr(hid_t obj, const char *name, char *buf, size_t cap) {
    if (H5Aexists(obj, name) <= 0) return false;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    hid_t ft = a >= 0 ? H5Aget_type(a) : -1;
    bool ok = ft >= 0 && H5Tget_class(ft) == H5T_STRING;
    if (ok && H5Tis_variable_str(ft) > 0) {
        hid_t mt = H5Tcopy(H5T_C_S1);
        char *value = NULL;
        ok = mt >= 0 && H5Tset_size(mt, H5T_VARIABLE) >= 0 &&
             H5Tset_cset(mt, H5Tget_cset(ft)) >= 0 && H5Aread(a, mt, &value) >= 0 && value;
        if (ok) snprintf(buf, cap, "%s", value);
        if (value) H5free_memory(value);
        if (mt >= 0) H5Tclose(mt);
    } else if (ok) {
        const size_t size = H5Tget_size(ft);
        char *value = calloc(size + 1, 1);
        hid_t mt = H5Tcopy(H5T_C_S1);
        ok = value && mt >= 0 && H5Tset_size(mt, size + 1) >= 0 &&
             H5Tset_cset(mt, H5Tget_cset(ft)) >= 0 && H5Aread(a, mt, value) >= 0;
        if (ok) snprintf(buf, cap, "%s", value);
        free(value);
        if (mt >= 0) H5Tclose(mt);
    }
    if (ft >= 0) H5Tclose(ft);
    if (a >= 0) H5Aclose(a);
    return ok;
}

/* The header attributes: format, version, sites, centre. */
static pl_status_t read_header(hid_t f, const char *path, int *n, int *center) {
    char format[64] = "";
    if (!read_str_attr(f, "format", format, sizeof format) || strcmp(format, MPS_FORMAT))
        return pl_error(PL_EPARSE,
                        "'%s' is not a plateau MPS file (attribute 'format' is not "
                        "'%s')",
                        path, MPS_FORMAT);
    int64_t version, sites, c;
    PL_TRY(io_h5_attr_read(f, "format_version", H5T_NATIVE_INT64, &version, path));
    PL_TRY(io_h5_attr_read(f, "sites", H5T_NATIVE_INT64, &sites, path));
    PL_TRY(io_h5_attr_read(f, "center", H5T_NATIVE_INT64, &c, path));
    if (version != MPS_FORMAT_VERSION)
        return pl_error(PL_EPARSE, "'%s': MPS format version %lld, this plateau reads %d", path,
                        (long long)version, MPS_FORMAT_VERSION);
    if (sites < 1 || sites > PL_MPS_MAX_SITES)
        return pl_error(PL_EPARSE, "'%s': number of sites %lld out of range [1, %d]", path,
                        (long long)sites, PL_MPS_MAX_SITES);
    if (c < -1 || c >= sites)
        return pl_error(PL_EPARSE, "'%s': centre %lld out of range [-1, %lld)", path, (long long)c,
                        (long long)sites);
    *n = (int)sites;
    *center = (int)c;
    return PL_OK;
}

/* bond_dims and offsets, checked against each other; *total: tensor length. */
static pl_status_t read_layout(hid_t f, const char *path, int n, int *dims, uint64_t *total) {
    const uint64_t len = (uint64_t)n + 1;
    int64_t *d = malloc(len * sizeof *d), *off = malloc(len * sizeof *off);
    pl_status_t st = d && off ? PL_OK : pl_error_nomemf("the bond layout of '%s'", path);
    if (st == PL_OK) st = io_h5_read(f, "bond_dims", H5T_NATIVE_INT64, 1, &len, d, path);
    if (st == PL_OK) st = io_h5_read(f, "offsets", H5T_NATIVE_INT64, 1, &len, off, path);
    for (int b = 0; st == PL_OK && b <= n; b++) {
        const bool edge = b == 0 || b == n;
        if (edge ? d[b] != 1 : (d[b] < 1 || d[b] > PL_MPS_MAX_BOND))
            st = pl_error(PL_EPARSE, "'%s': bond dimension %lld of bond %d is invalid", path,
                          (long long)d[b], b);
        else
            dims[b] = (int)d[b];
    }
    for (int i = 0; st == PL_OK && i < n; i++) {
        const int64_t want = off[i] + 2 * d[i] * d[i + 1];
        if ((i == 0 && off[0] != 0) || off[i + 1] != want)
            st = pl_error(PL_EPARSE,
                          "'%s': offset %lld of site %d does not match the bond "
                          "dimensions (expected %lld)",
                          path, (long long)off[i + 1], i + 1, (long long)want);
    }
    if (st == PL_OK) *total = (uint64_t)off[n];
    free(d);
    free(off);
    return st;
}

/* Site tensors from `tensors` (length @p total), checked finite. */
static pl_status_t read_tensors(hid_t f, const char *path, pl_mps_t *psi, uint64_t total) {
    uint64_t have;
    PL_TRY(io_h5_shape(f, "tensors", 1, &have, path));
    if (have != total)
        return pl_error(PL_EPARSE,
                        "'%s': dataset 'tensors' has %llu values, the bond "
                        "dimensions need %llu",
                        path, (unsigned long long)have, (unsigned long long)total);
    hid_t d = H5Dopen2(f, "tensors", H5P_DEFAULT);
    pl_status_t st = d >= 0 ? PL_OK : pl_error(PL_EIO, "'%s': cannot open 'tensors'", path);
    uint64_t first = 0;
    for (int i = 0; st == PL_OK && i < psi->n; i++) {
        const size_t len = mps_site_len(psi, i);
        if (!slab_io(d, first, len, psi->site[i], false))
            st = pl_error(PL_EIO,
                          "'%s': reading the tensor of site %d failed (checksum "
                          "mismatch or truncated file)",
                          path, i);
        for (size_t k = 0; st == PL_OK && k < len; k++)
            if (!isfinite(psi->site[i][k]))
                st = pl_error(PL_EPARSE, "'%s': site %d holds a non-finite value", path, i);
        first += len;
    }
    if (d >= 0) H5Dclose(d);
    return st;
}

/* Largest |G − I| of the Gram matrix of site i: G = Σ_{a,s} A A (left) or
 * Σ_{s,b} A A (right), by dsyrk into @p g (room for max(dl, dr)² doubles). */
static double ortho_error(const pl_mps_t *psi, int i, bool left, double *g) {
    const int dl = psi->dim[i], dr = psi->dim[i + 1], m = left ? dr : dl;
    if (left)
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, m, 2 * dl, 1.0, psi->site[i], dr, 0.0, g,
                    m);
    else
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, m, 2 * dr, 1.0, psi->site[i], 2 * dr,
                    0.0, g, m);
    double worst = 0;
    for (int x = 0; x < m; x++)
        for (int y = x; y < m; y++) {
            const double dev = fabs(g[(size_t)x * m + y] - (x == y));
            worst = dev > worst || isnan(dev) ? dev : worst;
        }
    return worst;
}

/* Every site left of the centre left-orthonormal, right of it right-orthonormal. */
static pl_status_t check_center(const pl_mps_t *psi, int center, const char *path) {
    if (center < 0) return PL_OK;
    const size_t d = (size_t)pl_mps_max_bond_dim(psi);
    double *g;
    PL_TRY(mps_alloc(&g, d * d, "orthonormality check"));
    pl_status_t st = PL_OK;
    for (int i = 0; st == PL_OK && i < psi->n; i++) {
        if (i == center) continue;
        const double err = ortho_error(psi, i, i < center, g);
        if (!(err <= MPS_ORTHO_TOL))
            st = pl_error(PL_EPARSE,
                          "'%s': site %d is not %s-orthonormal (deviation %.3g) "
                          "although the file claims centre %d",
                          path, i, i < center ? "left" : "right", err, center);
    }
    mps_free(g, d * d);
    return st;
}

pl_status_t pl_mps_load(const char *path, pl_mps_t **out) {
    *out = NULL;
    hid_t f;
    PL_TRY(io_h5_open(path, &f));
    int n = 0, center = -1, *dims = NULL;
    uint64_t total = 0;
    pl_mps_t *psi = NULL;
    pl_status_t st = read_header(f, path, &n, &center);
    if (st == PL_OK) {
        dims = malloc(((size_t)n + 1) * sizeof *dims);
        if (!dims) st = pl_error_nomemf("the bond layout of '%s'", path);
    }
    if (st == PL_OK) st = read_layout(f, path, n, dims, &total);
    if (st == PL_OK) st = pl_mps_create(n, dims, &psi);
    if (st == PL_OK) st = read_tensors(f, path, psi, total);
    if (st == PL_OK) st = check_center(psi, center, path);
    H5Fclose(f);
    free(dims);
    if (st != PL_OK) {
        pl_mps_destroy(psi);
        return st;
    }
    psi->center = center;
    *out = psi;
    return PL_OK;
}
