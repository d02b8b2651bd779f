/* Parameter vectors from the command line, JSON arrays and HDF5 datasets. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <hdf5.h>

#include "plateau/io.h"

#define PL_IO_MAX_FILE (64u << 20) /* parameter files are small; refuse larger ones */

static pl_status_t check_finite(const double *v, size_t n, const char *where) {
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return pl_error(PL_EINVAL, "%s: value %zu is not finite (%g)", where, i, v[i]);
    return PL_OK;
}

pl_status_t pl_io_parse_list(const char *text, double **out, size_t *count) {
    *out = NULL;
    *count = 0;
    size_t cap = 1;
    for (const char *s = text; *s; s++) cap += *s == ',';
    double *v = malloc(cap * sizeof *v);
    if (!v) return pl_error_nomemf("%zu parameter values", cap);
    const char *s = text;
    size_t n = 0;
    for (;;) {
        char *end;
        errno = 0;
        double x = strtod(s, &end);
        const char *item_end = end;
        while (isspace((unsigned char)*item_end)) item_end++;
        if (end == s || (*item_end != ',' && *item_end != '\0') || errno == ERANGE) {
            size_t len = strcspn(s, ",");
            free(v);
            return pl_error(PL_EPARSE, "item %zu of the list is not a number: '%.*s'", n + 1,
                            (int)len, s);
        }
        v[n++] = x;
        if (*item_end == '\0') break;
        s = item_end + 1;
    }
    pl_status_t st = check_finite(v, n, "parameter list");
    if (st != PL_OK) {
        free(v);
        return st;
    }
    *out = v;
    *count = n;
    return PL_OK;
}

static pl_status_t slurp(const char *path, char **out) {
    FILE *f = fopen(path, "rb");
    if (!f) return pl_error(PL_EIO, "cannot open '%s': %s", path, strerror(errno));
    char *buf = malloc(PL_IO_MAX_FILE + 1);
    if (!buf) {
        fclose(f);
        return pl_error_nomemf("a %u MB buffer to read '%s'", PL_IO_MAX_FILE >> 20, path);
    }
    size_t len = fread(buf, 1, PL_IO_MAX_FILE + 1, f);
    /* Whole-file read with a size cap: parameter files are small. */
    int failed = ferror(f);
    fclose(f);
    if (failed || len > PL_IO_MAX_FILE) {
        free(buf);
        return pl_error(PL_EIO, failed ? "cannot read '%s'" : "'%s' is larger than 64 MB", path);
    }
    buf[len] = '\0';
    *out = buf;
    return PL_OK;
}

static pl_status_t params_from_json(const char *path, const char *text, double **out,
                                    size_t *count) {
    cJSON *root = cJSON_Parse(text);
    if (!root) return pl_error(PL_EPARSE, "%s: not valid JSON", path);
    pl_status_t st = PL_OK;
    if (!cJSON_IsArray(root)) {
        st = pl_error(PL_EPARSE, "%s: expected a JSON array of numbers", path);
        goto done;
    }
    size_t n = (size_t)cJSON_GetArraySize(root);
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) {
        st = pl_error_nomemf("%zu parameter values from '%s'", n, path);
        goto done;
    }
    size_t i = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, root) {
        if (!cJSON_IsNumber(item)) {
            free(v);
            st = pl_error(PL_EPARSE, "%s: element %zu is not a number", path, i);
            goto done;
        }
        v[i++] = item->valuedouble;
    }
    *out = v;
    *count = n;
done:
    cJSON_Delete(root);
    return st;
}

/* Read a 1-D numeric dataset; HDF5 prints its own error stack unless silenced. */
static pl_status_t params_from_hdf5(const char *file, const char *dataset, double **out,
                                    size_t *count) {
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) return pl_error(PL_EIO, "cannot open '%s' as an HDF5 file", file);
    pl_status_t st = PL_OK;
    hid_t d = H5Dopen2(f, dataset, H5P_DEFAULT);
    hid_t space = d >= 0 ? H5Dget_space(d) : -1;
    if (d < 0 || space < 0) {
        st = pl_error(PL_EIO, "%s: no dataset '%s'", file, dataset);
        goto done;
    }
    hsize_t dims[2] = {0, 0};
    int rank = H5Sget_simple_extent_ndims(space);
    if (rank != 1) {
        st = pl_error(PL_EINVAL, "%s:%s: expected a 1-D dataset, got rank %d", file, dataset, rank);
        goto done;
    }
    H5Sget_simple_extent_dims(space, dims, NULL);
    double *v = malloc((dims[0] ? dims[0] : 1) * sizeof *v);
    if (!v) {
        st = pl_error_nomemf("%llu parameter values from '%s'", (unsigned long long)dims[0], file);
        goto done;
    }
    if (H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0) {
        free(v);
        st = pl_error(PL_EIO, "%s:%s: cannot read the dataset as numbers", file, dataset);
        goto done;
    }
    *out = v;
    *count = (size_t)dims[0];
done:
    if (space >= 0) H5Sclose(space);
    if (d >= 0) H5Dclose(d);
    H5Fclose(f);
    return st;
}

static int is_hdf5_name(const char *path, size_t len) {
    return (len > 3 && memcmp(path + len - 3, ".h5", 3) == 0) ||
           (len > 5 && memcmp(path + len - 5, ".hdf5", 5) == 0);
}

pl_status_t pl_io_read_params(const char *spec, double **out, size_t *count) {
    *out = NULL;
    *count = 0;
    /* "file.h5:/dataset" or "file.h5" (dataset "params"). */
    const char *colon = strstr(spec, ".h5:");
    size_t file_len = colon ? (size_t)(colon - spec) + 3 : strlen(spec);
    pl_status_t st;
    if (colon || is_hdf5_name(spec, file_len)) {
        char *file = malloc(file_len + 1);
        if (!file) return pl_error_nomemf("the file name of '%s'", spec);
        memcpy(file, spec, file_len);
        file[file_len] = '\0';
        st = params_from_hdf5(file, colon ? colon + 4 : "params", out, count);
        free(file);
    } else {
        char *text = NULL;
        PL_TRY(slurp(spec, &text));
        st = params_from_json(spec, text, out, count);
        free(text);
    }
    if (st == PL_OK) st = check_finite(*out, *count, spec);
    if (st != PL_OK) {
        free(*out);
        *out = NULL;
        *count = 0;
    }
    return st;
}
