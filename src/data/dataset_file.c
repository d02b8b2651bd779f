/* Datasets as one HDF5 file: merging the per-point parts, and reading it back. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/thread_error.h"
#include "data/data_internal.h"
#include "io/h5.h"
#include "plateau/core.h"
#include "plateau/dataset.h"

/* Everything of a dataset file, in memory. */
typedef struct {
    const pl_dataset_opts_t *o;
    const char *command;
    int count, nparams;
    size_t words; /* 64-shot words per qubit vector */
    double *params, *energies, *trunc;
    int32_t *labels, *closed, *measured;
    uint8_t *converged;
    uint64_t *bits; /* [count][sites][3][words] */
} merged_t;

static void merged_free(merged_t *m) {
    free(m->params);
    free(m->energies);
    free(m->trunc);
    free(m->labels);
    free(m->closed);
    free(m->measured);
    free(m->converged);
    free(m->bits);
}

static pl_status_t merged_alloc(merged_t *m) {
    const size_t c = (size_t)m->count;
    m->params = malloc(c * (size_t)m->nparams * sizeof *m->params);
    m->energies = malloc(c * sizeof *m->energies);
    m->trunc = malloc(c * sizeof *m->trunc);
    m->labels = malloc(c * sizeof *m->labels);
    m->closed = malloc(c * sizeof *m->closed);
    m->measured = malloc(c * sizeof *m->measured);
    m->converged = malloc(c);
    if (m->o->shots) m->bits = malloc(c * (size_t)m->o->sites * 3 * m->words * sizeof *m->bits);
    if (!m->params || !m->energies || !m->trunc || !m->labels || !m->closed || !m->measured ||
        !m->converged || (m->o->shots && !m->bits))
        return pl_error_nomemf("the merged dataset of %zu points", c);
    return PL_OK;
}

static pl_status_t read_i64(hid_t f, const char *name, int32_t *out, const char *path) {
    int64_t v;
    PL_TRY(io_h5_attr_read(f, name, H5T_NATIVE_INT64, &v, path));
    *out = (int32_t)v;
    return PL_OK;
}

/* Point i from its part file at @p path. */
static pl_status_t read_part_file(merged_t *m, const char *path, int i) {
    if (access(path, F_OK) != 0)
        return pl_error(PL_EIO, "point %d is missing (%s): the run is not complete", i, path);
    hid_t f;
    PL_TRY(io_h5_open(path, &f));
    const uint64_t np = (uint64_t)m->nparams;
    int32_t conv = 0;
    pl_status_t st = io_h5_read(f, "params", H5T_NATIVE_DOUBLE, 1, &np,
                                m->params + (size_t)i * m->nparams, path);
    if (st == PL_OK) st = io_h5_attr_read(f, "energy", H5T_NATIVE_DOUBLE, &m->energies[i], path);
    if (st == PL_OK)
        st = io_h5_attr_read(f, "max_truncation_error", H5T_NATIVE_DOUBLE, &m->trunc[i], path);
    if (st == PL_OK) st = read_i64(f, "label", &m->labels[i], path);
    if (st == PL_OK) st = read_i64(f, "label_closed_form", &m->closed[i], path);
    if (st == PL_OK) st = read_i64(f, "label_measured", &m->measured[i], path);
    if (st == PL_OK) st = read_i64(f, "converged", &conv, path);
    m->converged[i] = (uint8_t)(conv != 0);
    if (st == PL_OK && m->o->shots) {
        const uint64_t dims[3] = {(uint64_t)m->o->sites, 3, m->words};
        st = io_h5_read(f, "bits", H5T_NATIVE_UINT64, 3, dims,
                        m->bits + (size_t)i * m->o->sites * 3 * m->words, path);
    }
    H5Fclose(f);
    return st;
}

/* Point i from its part file. */
static pl_status_t read_part(merged_t *m, const char *out, int i) {
    char *path = data_part_path(out, i);
    if (!path) return pl_error_nomem("a part file's path");
    pl_status_t st = read_part_file(m, path, i);
    free(path);
    return st;
}

/* "a,b,c" from n names. */
static void join(char *buf, size_t cap, const char *const *names, int n) {
    buf[0] = '\0';
    for (int k = 0; k < n; k++) {
        const size_t len = strlen(buf);
        snprintf(buf + len, cap - len, "%s%s", k ? "," : "", names[k]);
    }
}

static pl_status_t write_attrs(hid_t f, const merged_t *m, const char *path) {
    const pl_dataset_opts_t *o = m->o;
    const char *pnames[PL_MODEL_MAX_PARAMS];
    for (int k = 0; k < o->model->nparams; k++) pnames[k] = o->model->params[k].name;
    char params[256], labels[256];
    join(params, sizeof params, pnames, o->model->nparams);
    join(labels, sizeof labels, o->model->labels, o->model->nlabels);
    const int64_t sites = o->sites, points = m->count, grid = o->grid, chi = o->gs.chi_max,
                  stratified = o->stratified;
    const uint64_t shots = o->shots;
    if (!(io_h5_attr_str(f, "format", "plateau-dataset") &&
          io_h5_attr_str(f, "model", o->model->name) &&
          io_h5_attr_num(f, "sites", H5T_STD_I64LE, H5T_NATIVE_INT64, &sites) &&
          io_h5_attr_num(f, "points", H5T_STD_I64LE, H5T_NATIVE_INT64, &points) &&
          io_h5_attr_num(f, "shots", H5T_STD_U64LE, H5T_NATIVE_UINT64, &shots) &&
          io_h5_attr_num(f, "grid", H5T_STD_I64LE, H5T_NATIVE_INT64, &grid) &&
          io_h5_attr_num(f, "stratified", H5T_STD_I64LE, H5T_NATIVE_INT64, &stratified) &&
          io_h5_attr_str(f, "method", pl_ground_method_name(o->gs.method)) &&
          io_h5_attr_num(f, "chi", H5T_STD_I64LE, H5T_NATIVE_INT64, &chi) &&
          io_h5_attr_str(f, "param_names", params) && io_h5_attr_str(f, "label_names", labels)))
        return pl_error(PL_EIO, "cannot write '%s': cannot write the attributes", path);
    return io_h5_provenance(f, path, m->command, o->seed);
}

static pl_status_t fill_dataset(hid_t f, void *ctx, const char *path) {
    const merged_t *m = ctx;
    const uint64_t c = (uint64_t)m->count, p2[2] = {c, (uint64_t)m->nparams};
    PL_TRY(io_h5_write(f, "params", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, p2, m->params, path));
    PL_TRY(io_h5_write(f, "labels", H5T_STD_I32LE, H5T_NATIVE_INT32, 1, &c, m->labels, path));
    PL_TRY(io_h5_write(f, "labels_closed_form", H5T_STD_I32LE, H5T_NATIVE_INT32, 1, &c, m->closed,
                       path));
    PL_TRY(io_h5_write(f, "labels_measured", H5T_STD_I32LE, H5T_NATIVE_INT32, 1, &c, m->measured,
                       path));
    PL_TRY(io_h5_write(f, "energies", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, &c, m->energies, path));
    PL_TRY(io_h5_write(f, "max_truncation_error", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, &c,
                       m->trunc, path));
    PL_TRY(io_h5_write(f, "converged", H5T_STD_U8LE, H5T_NATIVE_UINT8, 1, &c, m->converged, path));
    if (m->o->shots) {
        const uint64_t d4[4] = {c, (uint64_t)m->o->sites, 3, m->words};
        PL_TRY(io_h5_write(f, "shadows", H5T_STD_U64LE, H5T_NATIVE_UINT64, 4, d4, m->bits, path));
    }
    return write_attrs(f, m, path);
}

/* Remove OUT.parts and the point files in it. */
static void remove_parts(const char *out) {
    char *dir = data_parts_dir(out), file[4096 + 300];
    DIR *d = dir ? opendir(dir) : NULL;
    for (struct dirent *e; d && (e = readdir(d));) {
        if (strncmp(e->d_name, "point_", 6) != 0) continue;
        snprintf(file, sizeof file, "%s/%s", dir, e->d_name);
        remove(file);
    }
    if (d) closedir(d);
    if (dir) rmdir(dir);
    free(dir);
}

pl_status_t pl_dataset_merge(const pl_dataset_opts_t *o, const char *out, const char *command,
                             pl_dataset_summary_t *summary) {
    merged_t m = {.o = o,
                  .command = command,
                  .nparams = o->model->nparams,
                  .words = ((size_t)o->shots + 63) / 64};
    PL_TRY(pl_dataset_points(o, &m.count, NULL));
    pl_status_t st = merged_alloc(&m);
    for (int i = 0; i < m.count && st == PL_OK; i++) st = read_part(&m, out, i);
    if (st == PL_OK) st = io_h5_write_atomic(out, fill_dataset, &m);
    if (st == PL_OK) {
        remove_parts(out);
        if (summary) {
            memset(summary, 0, sizeof *summary);
            summary->points = m.count;
            for (int i = 0; i < m.count; i++)
                if (m.labels[i] >= 0 && m.labels[i] < PL_MODEL_MAX_LABELS)
                    summary->counts[m.labels[i]]++;
        }
    }
    merged_free(&m);
    return st;
}

/* ---- reading -------------------------------------------------------------- */

void pl_dataset_destroy(pl_dataset_t *d) {
    if (!d) return;
    for (int i = 0; d->shadows && i < d->points; i++) pl_shadows_destroy(d->shadows[i]);
    free(d->shadows);
    free(d->params);
    free(d->labels);
    free(d->energies);
    free(d);
}

/* Header attributes, checked. */
static pl_status_t read_header(hid_t f, const char *path, pl_dataset_t *d) {
    char *format = NULL, *model = NULL;
    int64_t sites = 0, points = 0;
    pl_status_t st = io_h5_attr_read_str(f, "format", &format, path);
    if (st == PL_OK && strcmp(format, "plateau-dataset") != 0)
        st = pl_error(PL_EPARSE, "'%s' is not a plateau dataset (format '%s')", path, format);
    if (st == PL_OK) st = io_h5_attr_read_str(f, "model", &model, path);
    if (st == PL_OK) st = pl_model_lookup(model, &d->model);
    if (st == PL_OK) st = io_h5_attr_read(f, "sites", H5T_NATIVE_INT64, &sites, path);
    if (st == PL_OK) st = io_h5_attr_read(f, "points", H5T_NATIVE_INT64, &points, path);
    if (st == PL_OK) st = io_h5_attr_read(f, "shots", H5T_NATIVE_UINT64, &d->shots, path);
    int64_t stratified = 0; /* absent in files made before it existed: not stratified */
    if (st == PL_OK && H5Aexists(f, "stratified") > 0)
        st = io_h5_attr_read(f, "stratified", H5T_NATIVE_INT64, &stratified, path);
    d->stratified = stratified != 0;
    if (st == PL_OK && (sites < 1 || sites > (1 << 20) || points < 1 || points > 1000000))
        st = pl_error(PL_EPARSE, "'%s': %lld sites and %lld points make no dataset", path,
                      (long long)sites, (long long)points);
    d->sites = (int)sites;
    d->points = (int)points;
    d->nparams = d->model ? d->model->nparams : 0;
    free(format);
    free(model);
    return st;
}

static pl_status_t read_shadows(hid_t f, const char *path, pl_dataset_t *d) {
    const size_t words = ((size_t)d->shots + 63) / 64, per = (size_t)d->sites * 3 * words;
    const uint64_t dims[4] = {(uint64_t)d->points, (uint64_t)d->sites, 3, words};
    const size_t bytes = (size_t)d->points * per * sizeof(uint64_t);
    uint64_t *bits;
    PL_TRY(pl_mem_alloc((void **)&bits, bytes, "dataset shadows"));
    pl_status_t st = io_h5_read(f, "shadows", H5T_NATIVE_UINT64, 4, dims, bits, path);
    d->shadows = st == PL_OK ? calloc((size_t)d->points, sizeof *d->shadows) : NULL;
    if (st == PL_OK && !d->shadows) st = pl_error_nomemf("shadows of %d points", d->points);
    for (int i = 0; i < d->points && st == PL_OK; i++) {
        st = pl_shadows_from_bits(d->sites, (size_t)d->shots, bits + (size_t)i * per,
                                  &d->shadows[i]);
        if (st != PL_OK)
            st = pl_error(PL_EPARSE, "'%s': point %d: %s", path, i, pl_error_message());
    }
    pl_mem_free(bits, bytes);
    return st;
}

pl_status_t pl_dataset_load(const char *path, pl_dataset_t **out) {
    *out = NULL;
    hid_t f;
    PL_TRY(io_h5_open(path, &f));
    pl_dataset_t *d = calloc(1, sizeof *d);
    pl_status_t st = d ? read_header(f, path, d) : pl_error_nomem("a dataset");
    if (st == PL_OK) {
        d->params = malloc((size_t)d->points * d->nparams * sizeof *d->params);
        d->labels = malloc((size_t)d->points * sizeof *d->labels);
        d->energies = malloc((size_t)d->points * sizeof *d->energies);
        if (!d->params || !d->labels || !d->energies)
            st = pl_error_nomemf("parameters, labels and energies of %d points", d->points);
    }
    const uint64_t c = d ? (uint64_t)d->points : 0, p2[2] = {c, d ? (uint64_t)d->nparams : 0};
    if (st == PL_OK) st = io_h5_read(f, "params", H5T_NATIVE_DOUBLE, 2, p2, d->params, path);
    if (st == PL_OK) st = io_h5_read(f, "labels", H5T_NATIVE_INT, 1, &c, d->labels, path);
    if (st == PL_OK) st = io_h5_read(f, "energies", H5T_NATIVE_DOUBLE, 1, &c, d->energies, path);
    for (int i = 0; st == PL_OK && i < d->points; i++)
        if (d->labels[i] < 0 || d->labels[i] >= d->model->nlabels)
            st = pl_error(PL_EPARSE, "'%s': point %d has label %d, outside [0, %d)", path, i,
                          d->labels[i], d->model->nlabels);
    if (st == PL_OK && d->shots) st = read_shadows(f, path, d);
    H5Fclose(f);
    if (st != PL_OK) {
        pl_dataset_destroy(d);
        return st;
    }
    *out = d;
    return PL_OK;
}

/* ---- exact states ----------------------------------------------------------- */

pl_status_t pl_dataset_exact_states(const pl_dataset_t *d, uint64_t seed, pl_sv_t ***states) {
    *states = NULL;
    if (d->sites > 20)
        return pl_error(PL_EINVAL, "exact states of %d sites would not fit: at most 20", d->sites);
    pl_sv_t **sv = calloc((size_t)d->points, sizeof *sv);
    if (!sv) return pl_error_nomemf("%d exact states", d->points);
    core_thread_error_t err = CORE_THREAD_ERROR_INIT;
#pragma omp parallel for schedule(dynamic, 1)
    for (int i = 0; i < d->points; i++) {
        if (core_thread_error_any(&err)) continue;
        pl_pauli_sum_t *h;
        double e;
        const pl_ground_exact_opts_t eo = {.seed = seed + (uint64_t)i};
        pl_status_t st =
            pl_model_hamiltonian(d->model, d->sites, d->params + (size_t)i * d->nparams, &h);
        if (st == PL_OK) st = pl_ground_exact(h, &eo, &e, &sv[i]);
        pl_pauli_sum_destroy(h);
        if (st != PL_OK) core_thread_error_set(&err, st);
    }
    pl_status_t st = core_thread_error_raise(&err);
    if (st != PL_OK) {
        for (int i = 0; i < d->points; i++) pl_sv_destroy(sv[i]);
        free(sv);
        return st;
    }
    *states = sv;
    return PL_OK;
}
