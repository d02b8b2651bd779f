/*
 * Datasets: parameter points, one part file per computed point (atomic, so a
 * run can stop anywhere and resume), and the merge into one HDF5 file.
 */
#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/thread_error.h"
#include "data/data_internal.h"
#include "io/h5.h"
#include "plateau/core.h"
#include "plateau/dataset.h"

/* ---- parameter points ----------------------------------------------------- */

static int swept(const pl_dataset_opts_t *o, int k) {
    const pl_model_param_t *p = &o->model->params[k];
    return !o->fixed[k] && p->lo < p->hi;
}

/* One uniform draw over the swept parameters (the others fixed or default). */
static void draw_point(const pl_dataset_opts_t *o, pl_rng_t *rng, double *x) {
    const pl_model_t *m = o->model;
    for (int k = 0; k < m->nparams; k++) {
        const pl_model_param_t *p = &m->params[k];
        x[k] = o->fixed[k] ? o->fixed_value[k] : p->def;
        if (swept(o, k)) x[k] = p->lo + pl_rng_uniform(rng) * (p->hi - p->lo);
    }
}

enum { STRATA_PROBES = 20000 };

/* Stratified points (pl_dataset_points): quotas over the phases a probe
 * finds, then uniform draws kept while their phase has room. */
static pl_status_t stratified_points(const pl_dataset_opts_t *o, int count, double *params) {
    const pl_model_t *m = o->model;
    double x[PL_MODEL_MAX_PARAMS];
    int seen[PL_MODEL_MAX_LABELS] = {0}, quota[PL_MODEL_MAX_LABELS] = {0}, label, phases = 0;
    pl_rng_t rng;
    pl_rng_seed(&rng, o->seed, 2);
    for (int i = 0; i < STRATA_PROBES; i++) {
        draw_point(o, &rng, x);
        PL_TRY(pl_model_label(m, x, &label));
        seen[label]++;
    }
    for (int l = 0; l < m->nlabels; l++) phases += seen[l] > 0;
    for (int l = 0, j = 0; l < m->nlabels; l++)
        if (seen[l]) quota[l] = count / phases + (j++ < count % phases);
    pl_rng_seed(&rng, o->seed, 0);
    /* a phase of area a needs about quota / a draws: allow a share down to 1e-4 */
    const double max_draws = 1e4 * (double)count + 1e6;
    int done = 0;
    for (double draws = 0; done < count; draws++) {
        if (draws >= max_draws) {
            int l = 0;
            while (quota[l] == 0) l++;
            return pl_error(PL_EINVAL,
                            "model %s: phase '%s' covers too little of the parameter range for "
                            "%d stratified points (%d still missing after %.0f draws)",
                            m->name, m->labels[l], count, quota[l], draws);
        }
        draw_point(o, &rng, x);
        PL_TRY(pl_model_label(m, x, &label));
        if (quota[label] == 0) continue;
        quota[label]--;
        memcpy(params + (size_t)done++ * m->nparams, x, (size_t)m->nparams * sizeof *x);
    }
    return PL_OK;
}

pl_status_t pl_dataset_points(const pl_dataset_opts_t *o, int *count, double *params) {
    const pl_model_t *m = o->model;
    int d = 0;
    for (int k = 0; k < m->nparams; k++) d += swept(o, k);
    if (d == 0)
        return pl_error(PL_EINVAL, "model %s: every parameter is fixed, nothing to sweep", m->name);
    if (o->points < 1) return pl_error(PL_EINVAL, "need at least 1 point, got %d", o->points);
    double total = o->grid ? pow(o->points, d) : o->points;
    if (total > 1e6) return pl_error(PL_EINVAL, "%.0f points is more than 10^6", total);
    if (o->grid && o->stratified)
        return pl_error(PL_EINVAL, "stratified points are random: not with a grid");
    *count = (int)total;
    if (!params) return PL_OK;
    if (o->stratified) return stratified_points(o, *count, params);
    pl_rng_t rng;
    pl_rng_seed(&rng, o->seed, 0);
    for (int i = 0; i < *count; i++) {
        double *x = params + (size_t)i * m->nparams;
        if (!o->grid) {
            draw_point(o, &rng, x);
            continue;
        }
        int rest = i; /* digit j of i in base `points` indexes swept parameter j */
        for (int k = 0; k < m->nparams; k++) {
            const pl_model_param_t *p = &m->params[k];
            x[k] = o->fixed[k] ? o->fixed_value[k] : p->def;
            if (swept(o, k)) {
                const double t = o->points > 1 ? (double)(rest % o->points) / (o->points - 1) : 0.5;
                x[k] = p->lo + t * (p->hi - p->lo);
                rest /= o->points;
            }
        }
    }
    return PL_OK;
}

/* ---- run settings --------------------------------------------------------- */

/* Everything that changes a point's result: parts must match it to be reused. */
static void signature(const pl_dataset_opts_t *o, char *buf, size_t cap) {
    size_t len = (size_t)
        snprintf(buf, cap,
                 "model=%s sites=%d points=%d grid=%d shots=%llu seed=%llu method=%s chi=%d "
                 "cutoff=%g sweeps=%d tol=%g",
                 o->model->name, o->sites, o->points, (int)o->grid, (unsigned long long)o->shots,
                 (unsigned long long)o->seed, pl_ground_method_name(o->gs.method), o->gs.chi_max,
                 o->gs.cutoff, o->gs.max_sweeps, o->gs.energy_tol);
    if (o->stratified && len < cap) /* only then: older parts stay valid */
        len += (size_t)snprintf(buf + len, cap - len, " stratified=1");
    for (int k = 0; k < o->model->nparams && len < cap; k++)
        if (o->fixed[k])
            len += (size_t)snprintf(buf + len, cap - len, " %s=%.17g", o->model->params[k].name,
                                    o->fixed_value[k]);
}

char *data_parts_dir(const char *out) {
    const size_t len = strlen(out) + 8;
    char *dir = malloc(len);
    if (dir) snprintf(dir, len, "%s.parts", out);
    return dir;
}

char *data_part_path(const char *out, int i) {
    const size_t len = strlen(out) + 40;
    char *p = malloc(len);
    if (p) snprintf(p, len, "%s.parts/point_%07d.h5", out, i);
    return p;
}

/* ---- one point ------------------------------------------------------------ */

typedef struct {
    int index, nparams;
    const double *params;
    const char *sig;
    pl_ground_result_t gs;
    const pl_shadows_t *shadows; /* NULL without shots */
} part_t;

static pl_status_t fill_part(hid_t f, void *ctx, const char *path) {
    const part_t *p = ctx;
    const uint64_t np = (uint64_t)p->nparams;
    PL_TRY(io_h5_write(f, "params", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, &np, p->params, path));
    if (p->shadows) {
        const uint64_t dims[3] = {(uint64_t)pl_shadows_qubits(p->shadows), 3,
                                  pl_shadows_words(p->shadows)};
        PL_TRY(io_h5_write(f, "bits", H5T_STD_U64LE, H5T_NATIVE_UINT64, 3, dims,
                           pl_shadows_bits(p->shadows), path));
    }
    const int64_t index = p->index, label = p->gs.label, closed = p->gs.label_closed_form,
                  measured = p->gs.label_measured, converged = p->gs.converged;
    if (!(io_h5_attr_str(f, "signature", p->sig) &&
          io_h5_attr_num(f, "index", H5T_STD_I64LE, H5T_NATIVE_INT64, &index) &&
          io_h5_attr_num(f, "label", H5T_STD_I64LE, H5T_NATIVE_INT64, &label) &&
          io_h5_attr_num(f, "label_closed_form", H5T_STD_I64LE, H5T_NATIVE_INT64, &closed) &&
          io_h5_attr_num(f, "label_measured", H5T_STD_I64LE, H5T_NATIVE_INT64, &measured) &&
          io_h5_attr_num(f, "converged", H5T_STD_I64LE, H5T_NATIVE_INT64, &converged) &&
          io_h5_attr_num(f, "energy", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &p->gs.energy) &&
          io_h5_attr_num(f, "max_truncation_error", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                         &p->gs.max_truncation_error)))
        return pl_error(PL_EIO, "cannot write '%s': cannot write the attributes", path);
    return PL_OK;
}

/* Ground state, label and shots of point i; its part file. */
static pl_status_t compute_point(const pl_dataset_opts_t *o, const char *out, const char *sig,
                                 int i, const double *params) {
    pl_ground_opts_t gs = o->gs;
    gs.seed = o->seed + (uint64_t)i; /* start vectors per point */
    gs.progress = NULL;
    part_t part = {.index = i, .nparams = o->model->nparams, .params = params, .sig = sig};
    pl_mps_t *psi = NULL;
    pl_shadows_t *sh = NULL;
    PL_TRY(pl_ground_solve(o->model, o->sites, params, &gs, &part.gs, o->shots ? &psi : NULL));
    /* shots of point i: seed mixed with the index, shot s then uses stream s */
    pl_status_t st =
        o->shots ? pl_shadows_from_mps(psi, (size_t)o->shots,
                                       o->seed * 0x9E3779B97F4A7C15ull + (uint64_t)i + 1, &sh)
                 : PL_OK;
    part.shadows = sh;
    char *path = data_part_path(out, i);
    if (st == PL_OK)
        st = path ? io_h5_write_atomic(path, fill_part, &part)
                  : pl_error_nomem("a part file's path");
    if (st != PL_OK) pl_error_prefix("point %d", i);
    free(path);
    pl_shadows_destroy(sh);
    pl_mps_destroy(psi);
    return st;
}

/* Is point i's part present and from this run? PL_EINVAL when it belongs to another run. */
static pl_status_t part_done(const char *out, const char *sig, int i, bool *done) {
    *done = false;
    char *path = data_part_path(out, i);
    if (!path) return pl_error_nomem("a part file's path");
    pl_status_t st = PL_OK;
    if (access(path, F_OK) == 0) {
        hid_t f;
        st = io_h5_open(path, &f);
        if (st == PL_OK) {
            char *have = NULL;
            st = io_h5_attr_read_str(f, "signature", &have, path);
            if (st == PL_OK && strcmp(have, sig) != 0)
                st = pl_error(PL_EINVAL,
                              "'%s' belongs to a run with other settings (%s); remove %s.parts "
                              "or use the same settings",
                              path, have, out);
            *done = st == PL_OK;
            free(have);
            H5Fclose(f);
        }
    }
    free(path);
    return st;
}

pl_status_t pl_dataset_compute(const pl_dataset_opts_t *o, const char *out, int *computed,
                               int *reused) {
    int count;
    PL_TRY(pl_dataset_points(o, &count, NULL));
    const int np = o->model->nparams;
    double *params = malloc((size_t)count * np * sizeof *params);
    char *dir = data_parts_dir(out);
    int *todo = malloc((size_t)count * sizeof *todo);
    char sig[512];
    signature(o, sig, sizeof sig);
    pl_status_t st = params && dir && todo ? pl_dataset_points(o, &count, params)
                                           : pl_error_nomemf("the plan of %d points", count);
    if (st == PL_OK && mkdir(dir, 0755) != 0 && errno != EEXIST)
        st = pl_error(PL_EIO, "cannot create '%s': %s", dir, strerror(errno));
    int ntodo = 0, nreused = 0;
    const int nranks = o->nranks > 0 ? o->nranks : 1;
    for (int i = o->rank; i < count && st == PL_OK; i += nranks) {
        bool done;
        st = part_done(out, sig, i, &done);
        if (done)
            nreused++;
        else
            todo[ntodo++] = i;
    }
    /* Points in parallel, each ground state single-threaded in BLAS. */
    const int blas_threads = openblas_get_num_threads();
    if (st == PL_OK && pl_threads_get() > 1 && ntodo > 1) openblas_set_num_threads(1);
    core_thread_error_t err = CORE_THREAD_ERROR_INIT;
    int finished = 0;
    if (st == PL_OK) {
#pragma omp parallel for schedule(dynamic, 1) if (ntodo > 1)
        for (int t = 0; t < ntodo; t++) {
            if (core_thread_error_any(&err)) continue;
            pl_status_t mine = compute_point(o, out, sig, todo[t], params + (size_t)todo[t] * np);
            if (mine != PL_OK) core_thread_error_set(&err, mine);
#pragma omp critical(dataset_progress)
            {
                finished++;
                if (o->progress) o->progress(finished, ntodo, o->progress_ctx);
            }
        }
        st = core_thread_error_raise(&err);
    }
    openblas_set_num_threads(blas_threads);
    if (computed) *computed = st == PL_OK ? ntodo : 0;
    if (reused) *reused = nreused;
    free(params);
    free(dir);
    free(todo);
    return st;
}
