/*
 * The fully classical baseline: multinomial logistic regression (binary: one
 * logit) on the standardised window features of the shadows (every string
 * inside k adjacent qubits), with an L2 penalty, trained by L-BFGS (NLopt).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/thread_error.h"
#include "learn/learn_internal.h"
#include "plateau/core.h"
#include "plateau/optim.h"

/* Window features of every point: X[i·F + f]. */
static pl_status_t features(const pl_clf_data_t *d, int k, size_t nf, double **out) {
    double *X;
    PL_TRY(pl_mem_alloc((void **)&X, (size_t)d->count * nf * sizeof *X, "window features"));
    core_thread_error_t err = CORE_THREAD_ERROR_INIT;
#pragma omp parallel for schedule(dynamic, 1)
    for (int i = 0; i < d->count; i++) {
        if (core_thread_error_any(&err)) continue;
        pl_status_t st = pl_shadows_window_features(d->shadows[i], k, X + (size_t)i * nf);
        if (st != PL_OK) core_thread_error_set(&err, st);
    }
    pl_status_t st = core_thread_error_raise(&err);
    if (st != PL_OK) {
        pl_mem_free(X, (size_t)d->count * nf * sizeof *X);
        return st;
    }
    *out = X;
    return PL_OK;
}

static void standardise(const pl_clf_t *c, double *X, int count) {
    const size_t nf = (size_t)c->nfeatures;
    for (int i = 0; i < count; i++)
        for (size_t f = 0; f < nf; f++) X[i * nf + f] = (X[i * nf + f] - c->mean[f]) / c->std[f];
}

/* logits[i·nl + l] = Σ_f W[l·F + f] x̂[i·F + f] + w0[l]. */
static void linear_logits(const pl_clf_t *c, const double *W, const double *w0, const double *X,
                          int count, double *logits) {
    const size_t nf = (size_t)c->nfeatures;
    for (int i = 0; i < count; i++)
        for (int l = 0; l < c->nlogits; l++) {
            double z = w0[l];
            for (size_t f = 0; f < nf; f++) z += W[l * nf + f] * X[i * nf + f];
            logits[(size_t)i * c->nlogits + l] = z;
        }
}

pl_status_t learn_linear_logits(const pl_clf_t *c, const pl_clf_data_t *d, double *logits) {
    double *X;
    const size_t nf = (size_t)c->nfeatures;
    PL_TRY(features(d, c->k, nf, &X));
    standardise(c, X, d->count);
    linear_logits(c, c->w, c->w0, X, d->count, logits);
    pl_mem_free(X, (size_t)d->count * nf * sizeof *X);
    return PL_OK;
}

typedef struct {
    const pl_clf_t *c;
    const pl_clf_data_t *d;
    const double *X;
    double l2;
    double *z;
} linear_fit_t;

/* Mean cross entropy + (l2/2)‖W‖² and its gradient by x = (W, w0). */
static double linear_objective(const double *x, double *grad, void *ctx, pl_status_t *st) {
    linear_fit_t *f = ctx;
    const pl_clf_t *c = f->c;
    const size_t nf = (size_t)c->nfeatures, nl = (size_t)c->nlogits;
    const double *W = x, *w0 = x + nl * nf;
    linear_logits(c, W, w0, f->X, f->d->count, f->z);
    double loss = 0.0;
    if (grad) memset(grad, 0, (nl * nf + nl) * sizeof *grad);
    for (int i = 0; i < f->d->count; i++) {
        double p[LEARN_MAX_CLASSES];
        learn_softmax(f->z + (size_t)i * nl, (int)nl, c->classes, p);
        const int y = f->d->labels[i];
        loss -= log(p[y] > 1e-300 ? p[y] : 1e-300);
        if (!grad) continue;
        for (size_t l = 0; l < nl; l++) {
            /* binary: the logit is class 1's; else logit l is class l's */
            const double dz = nl == 1 ? p[1] - (y == 1) : p[l] - (y == (int)l);
            const double *xi = f->X + (size_t)i * nf;
            for (size_t q = 0; q < nf; q++) grad[l * nf + q] += dz * xi[q];
            grad[nl * nf + l] += dz;
        }
    }
    const int count = f->d->count;
    double penalty = 0.0;
    for (size_t j = 0; j < nl * nf; j++) penalty += 0.5 * f->l2 * x[j] * x[j];
    if (grad) {
        for (size_t j = 0; j < nl * nf + nl; j++) grad[j] /= count;
        for (size_t j = 0; j < nl * nf; j++) grad[j] += f->l2 * x[j];
    }
    *st = PL_OK;
    return loss / count + penalty;
}

pl_status_t learn_fit_linear(pl_clf_t *c, const pl_clf_opts_t *o, const pl_clf_data_t *d,
                             pl_clf_fit_info_t *info) {
    if (c->k > c->n || c->k > 8)
        return pl_error(PL_EINVAL, "window size %d must lie in [1, min(8, %d)]", c->k, c->n);
    const size_t nf = pl_shadows_window_count(c->n, c->k);
    c->nfeatures = (int)nf;
    c->nlogits = learn_nlogits(c);
    const size_t nx = (size_t)c->nlogits * nf + (size_t)c->nlogits;
    double *X;
    PL_TRY(features(d, c->k, nf, &X));
    c->mean = calloc(nf, sizeof *c->mean);
    c->std = calloc(nf, sizeof *c->std);
    c->w = calloc((size_t)c->nlogits * nf, sizeof *c->w);
    c->w0 = calloc((size_t)c->nlogits, sizeof *c->w0);
    double *x = calloc(nx, sizeof *x), *z = malloc((size_t)d->count * c->nlogits * sizeof *z);
    pl_status_t st = c->mean && c->std && c->w && c->w0 && x && z
                         ? PL_OK
                         : pl_error_nomem("the linear classifier's work space");
    for (size_t f = 0; f < nf && st == PL_OK; f++) {
        double m = 0, v = 0;
        for (int i = 0; i < d->count; i++) m += X[(size_t)i * nf + f];
        m /= d->count;
        for (int i = 0; i < d->count; i++)
            v += (X[(size_t)i * nf + f] - m) * (X[(size_t)i * nf + f] - m);
        c->mean[f] = m;
        c->std[f] = v > 1e-12 * d->count ? sqrt(v / d->count) : 1.0; /* constant features stay 0 */
    }
    pl_optim_result_t res = {0};
    if (st == PL_OK) {
        standardise(c, X, d->count);
        linear_fit_t lf = {c, d, X, o->l2 > 0 ? o->l2 : 1e-3, z};
        const pl_optim_opts_t oo = {.method = PL_OPT_LBFGS,
                                    .max_iter = o->max_iter ? o->max_iter : 500,
                                    .ftol_abs = 1e-10};
        st = pl_optimize(linear_objective, &lf, (int)nx, x, &oo, &res);
    }
    if (st == PL_OK) {
        memcpy(c->w, x, (size_t)c->nlogits * nf * sizeof *x);
        memcpy(c->w0, x + (size_t)c->nlogits * nf, (size_t)c->nlogits * sizeof *x);
        info->iterations = res.evaluations;
        info->loss = res.f;
        info->params = (int)nx;
        info->strings = nf;
    }
    pl_mem_free(X, (size_t)d->count * nf * sizeof *X);
    free(x);
    free(z);
    return st;
}
