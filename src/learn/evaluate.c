/* Train/test runs on a dataset: split, fit, measure. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "learn/learn_internal.h"
#include "plateau/core.h"
#include "plateau/dataset.h"

/* A view of the points idx[0..count) of the dataset. */
typedef struct {
    int *labels;
    pl_shadows_t **shadows;
    pl_sv_t **states;
    pl_clf_data_t data;
} subset_t;

static pl_status_t subset(const pl_dataset_t *d, pl_sv_t **states, const int *idx, int count,
                          subset_t *s) {
    s->labels = malloc((size_t)count * sizeof *s->labels);
    s->shadows = d->shadows ? malloc((size_t)count * sizeof *s->shadows) : NULL;
    s->states = states ? malloc((size_t)count * sizeof *s->states) : NULL;
    if (!s->labels || (d->shadows && !s->shadows) || (states && !s->states))
        return pl_error(PL_ENOMEM, "out of memory");
    for (int j = 0; j < count; j++) {
        s->labels[j] = d->labels[idx[j]];
        if (s->shadows) s->shadows[j] = d->shadows[idx[j]];
        if (s->states) s->states[j] = states[idx[j]];
    }
    s->data = (pl_clf_data_t){count, s->labels, s->shadows, s->states};
    return PL_OK;
}

static void subset_free(subset_t *s) {
    free(s->labels);
    free(s->shadows);
    free(s->states);
}

static double measure(const pl_clf_t *c, const pl_clf_data_t *d, int *confusion, pl_status_t *st) {
    int *pred = malloc((size_t)d->count * sizeof *pred);
    if (!pred) {
        *st = pl_error(PL_ENOMEM, "out of memory");
        return 0.0;
    }
    *st = pl_clf_predict(c, d, pred, NULL);
    const double acc = *st == PL_OK ? pl_clf_accuracy(d->labels, pred, d->count, c->classes, confusion) : 0.0;
    free(pred);
    return acc;
}

pl_status_t pl_clf_train_test(const pl_dataset_t *d, const pl_eval_opts_t *o, pl_eval_result_t *r,
                              pl_clf_t **model) {
    if (model) *model = NULL;
    memset(r, 0, sizeof *r);
    const double frac = o->train_fraction > 0 ? o->train_fraction : 0.5;
    if (!(frac < 1)) return pl_error(PL_EINVAL, "train fraction %g must lie in (0, 1)", frac);
    const int ntrain = (int)lround(frac * d->points), ntest = d->points - ntrain;
    if (ntrain < 2 || ntest < 1)
        return pl_error(PL_EINVAL, "%d points cannot be split %g / %g into training and test sets",
                        d->points, frac, 1 - frac);
    if (o->clf.kind != PL_CLF_QCNN && !d->shadows)
        return pl_error(PL_EINVAL, "the dataset has no shadows (make it with --shots)");
    int *perm = malloc((size_t)d->points * sizeof *perm);
    if (!perm) return pl_error(PL_ENOMEM, "out of memory");
    pl_rng_t rng;
    pl_rng_seed(&rng, o->seed, 1);
    for (int i = 0; i < d->points; i++) perm[i] = i;
    for (int i = d->points - 1; i > 0; i--) { /* Fisher–Yates */
        const int j = (int)pl_rng_below(&rng, (uint64_t)i + 1), t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    pl_sv_t **states = NULL;
    pl_status_t st = o->clf.kind == PL_CLF_QCNN ? pl_dataset_exact_states(d, o->seed, &states) : PL_OK;
    subset_t train = {0}, test = {0};
    if (st == PL_OK) st = subset(d, states, perm, ntrain, &train);
    if (st == PL_OK) st = subset(d, states, perm + ntrain, ntest, &test);
    pl_clf_opts_t co = o->clf;
    co.qubits = d->sites;
    co.classes = d->model->nlabels;
    pl_clf_t *c = NULL;
    if (st == PL_OK) st = pl_clf_fit(&co, &train.data, &c, &r->fit);
    if (st == PL_OK) pl_clf_set_shots(c, d->shots, o->seed ^ 0x5bd1e995u);
    if (st == PL_OK) r->train_accuracy = measure(c, &train.data, NULL, &st);
    if (st == PL_OK) r->test_accuracy = measure(c, &test.data, r->confusion, &st);
    r->train_count = ntrain;
    r->test_count = ntest;
    r->classes = co.classes;
    r->test_stderr = sqrt(r->test_accuracy * (1 - r->test_accuracy) / ntest);
    if (st == PL_OK && model) *model = c;
    else pl_clf_destroy(c);
    subset_free(&train);
    subset_free(&test);
    for (int i = 0; states && i < d->points; i++) pl_sv_destroy(states[i]);
    free(states);
    free(perm);
    return st;
}
