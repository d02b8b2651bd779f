/*
 * Classifiers in HDF5: attributes format ("plateau-classifier"), kind, qubits,
 * classes, k, shared, and the trained numbers: `theta` and `head` (a, b…) for
 * the QCNN and the surrogate (the circuit is rebuilt from the attributes),
 * and for a surrogate trained on shrunk estimates `shrink` (one factor per
 * estimated string, in the order its compiled readouts meet them);
 * `weights` [logits, features], `bias`, `mean`, `std` for the linear model.
 */
#include <stdlib.h>
#include <string.h>

#include "io/h5.h"
#include "learn/learn_internal.h"
#include "plateau/core.h"

typedef struct {
    const pl_clf_t *c;
    const char *command;
    uint64_t seed;
} clf_file_t;

static pl_status_t write_numbers(hid_t f, const pl_clf_t *c, const char *path) {
    if (c->kind == PL_CLF_LINEAR) {
        const uint64_t w[2] = {(uint64_t)c->nlogits, (uint64_t)c->nfeatures}, nl = w[0], nf = w[1];
        PL_TRY(io_h5_write(f, "weights", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, w, c->w, path));
        PL_TRY(io_h5_write(f, "bias", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, &nl, c->w0, path));
        PL_TRY(io_h5_write(f, "mean", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, &nf, c->mean, path));
        return io_h5_write(f, "std", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, &nf, c->std, path);
    }
    double head[1 + LEARN_MAX_CLASSES];
    head[0] = c->a;
    memcpy(head + 1, c->b, sizeof c->b);
    const uint64_t np = (uint64_t)c->nparams, nh = 1 + (uint64_t)learn_nlogits(c);
    PL_TRY(io_h5_write(f, "theta", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, &np, c->theta, path));
    const uint64_t ns = c->nshrink;
    if (c->shrink && ns)
        PL_TRY(
            io_h5_write(f, "shrink", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, &ns, c->shrink, path));
    return io_h5_write(f, "head", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, &nh, head, path);
}

static pl_status_t fill(hid_t f, void *ctx, const char *path) {
    const clf_file_t *cf = ctx;
    const pl_clf_t *c = cf->c;
    PL_TRY(write_numbers(f, c, path));
    const int64_t n = c->n, classes = c->classes, k = c->k, shared = !c->unshared;
    if (!(io_h5_attr_str(f, "format", "plateau-classifier") &&
          io_h5_attr_str(f, "kind", pl_clf_name(c->kind)) &&
          io_h5_attr_num(f, "qubits", H5T_STD_I64LE, H5T_NATIVE_INT64, &n) &&
          io_h5_attr_num(f, "classes", H5T_STD_I64LE, H5T_NATIVE_INT64, &classes) &&
          io_h5_attr_num(f, "k", H5T_STD_I64LE, H5T_NATIVE_INT64, &k) &&
          io_h5_attr_num(f, "shared", H5T_STD_I64LE, H5T_NATIVE_INT64, &shared)))
        return pl_error(PL_EIO, "cannot write '%s': cannot write the attributes", path);
    return io_h5_provenance(f, path, cf->command, cf->seed);
}

pl_status_t pl_clf_save(const pl_clf_t *c, const char *path, const char *command, uint64_t seed) {
    clf_file_t cf = {c, command, seed};
    return io_h5_write_atomic(path, fill, &cf);
}

static pl_status_t read_linear(hid_t f, pl_clf_t *c, const char *path) {
    c->nlogits = learn_nlogits(c);
    const size_t nf = pl_shadows_window_count(c->n, c->k);
    c->nfeatures = (int)nf;
    c->w = malloc((size_t)c->nlogits * nf * sizeof *c->w);
    c->w0 = malloc((size_t)c->nlogits * sizeof *c->w0);
    c->mean = malloc(nf * sizeof *c->mean);
    c->std = malloc(nf * sizeof *c->std);
    if (!c->w || !c->w0 || !c->mean || !c->std)
        return pl_error_nomem("the linear classifier's weights");
    const uint64_t w[2] = {(uint64_t)c->nlogits, nf}, nl = w[0];
    PL_TRY(io_h5_read(f, "weights", H5T_NATIVE_DOUBLE, 2, w, c->w, path));
    PL_TRY(io_h5_read(f, "bias", H5T_NATIVE_DOUBLE, 1, &nl, c->w0, path));
    PL_TRY(io_h5_read(f, "mean", H5T_NATIVE_DOUBLE, 1, &w[1], c->mean, path));
    return io_h5_read(f, "std", H5T_NATIVE_DOUBLE, 1, &w[1], c->std, path);
}

static pl_status_t read_circuit_model(hid_t f, pl_clf_t *c, const char *path) {
    PL_TRY(learn_setup_circuit(c));
    c->theta = malloc((size_t)c->nparams * sizeof *c->theta);
    if (!c->theta) return pl_error_nomemf("%d circuit parameters", c->nparams);
    double head[1 + LEARN_MAX_CLASSES] = {0};
    const uint64_t np = (uint64_t)c->nparams, nh = 1 + (uint64_t)learn_nlogits(c);
    PL_TRY(io_h5_read(f, "theta", H5T_NATIVE_DOUBLE, 1, &np, c->theta, path));
    PL_TRY(io_h5_read(f, "head", H5T_NATIVE_DOUBLE, 1, &nh, head, path));
    c->a = head[0];
    memcpy(c->b, head + 1, sizeof c->b);
    if (H5Lexists(f, "shrink", H5P_DEFAULT) <= 0) return PL_OK; /* raw estimates */
    uint64_t ns;
    PL_TRY(io_h5_shape(f, "shrink", 1, &ns, path));
    c->shrink = malloc((ns ? ns : 1) * sizeof *c->shrink);
    if (!c->shrink) return pl_error_nomemf("%llu shrinkage factors", (unsigned long long)ns);
    c->nshrink = (size_t)ns;
    return io_h5_read(f, "shrink", H5T_NATIVE_DOUBLE, 1, &ns, c->shrink, path);
}

static pl_status_t read_header(hid_t f, pl_clf_t *c, const char *path) {
    char *format = NULL, *kind = NULL;
    int64_t n = 0, classes = 0, k = 0, shared = 0;
    pl_status_t st = io_h5_attr_read_str(f, "format", &format, path);
    if (st == PL_OK && strcmp(format, "plateau-classifier") != 0)
        st = pl_error(PL_EPARSE, "'%s' is not a plateau classifier (format '%s')", path, format);
    if (st == PL_OK) st = io_h5_attr_read_str(f, "kind", &kind, path);
    if (st == PL_OK) st = pl_clf_lookup(kind, &c->kind);
    if (st == PL_OK) st = io_h5_attr_read(f, "qubits", H5T_NATIVE_INT64, &n, path);
    if (st == PL_OK) st = io_h5_attr_read(f, "classes", H5T_NATIVE_INT64, &classes, path);
    if (st == PL_OK) st = io_h5_attr_read(f, "k", H5T_NATIVE_INT64, &k, path);
    if (st == PL_OK) st = io_h5_attr_read(f, "shared", H5T_NATIVE_INT64, &shared, path);
    if (st == PL_OK &&
        (n < 2 || n > (1 << 20) || classes < 2 || classes > LEARN_MAX_CLASSES || k < 1 || k > n))
        st =
            pl_error(PL_EPARSE, "'%s': inconsistent classifier (qubits %lld, classes %lld, k %lld)",
                     path, (long long)n, (long long)classes, (long long)k);
    c->n = (int)n;
    c->classes = (int)classes;
    c->k = (int)k;
    c->unshared = !shared;
    free(format);
    free(kind);
    return st;
}

pl_status_t pl_clf_load(const char *path, pl_clf_t **out) {
    *out = NULL;
    hid_t f;
    PL_TRY(io_h5_open(path, &f));
    pl_clf_t *c = calloc(1, sizeof *c);
    pl_status_t st = c ? read_header(f, c, path) : pl_error_nomem("a classifier");
    if (st == PL_OK)
        st = c->kind == PL_CLF_LINEAR ? read_linear(f, c, path) : read_circuit_model(f, c, path);
    H5Fclose(f);
    if (st != PL_OK) {
        pl_clf_destroy(c);
        return st;
    }
    *out = c;
    return PL_OK;
}
