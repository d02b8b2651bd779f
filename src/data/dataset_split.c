/* Seeded train/test splits of a dataset, and train/test runs of a classifier on them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plateau/core.h"
#include "plateau/dataset.h"

pl_status_t pl_dataset_split(const pl_dataset_t *d, double train_fraction, uint64_t seed,
                             bool exact_states, pl_dataset_split_t *s) {
    memset(s, 0, sizeof *s);
    const double frac = train_fraction > 0 ? train_fraction : 0.5;
    if (!(frac < 1)) return pl_error(PL_EINVAL, "train fraction %g must lie in (0, 1)", frac);
    const int ntrain = (int)lround(frac * d->points), ntest = d->points - ntrain;
    if (ntrain < 2 || ntest < 1)
        return pl_error(PL_EINVAL, "%d points cannot be split %g / %g into training and test sets",
                        d->points, frac, 1 - frac);
    int *perm = malloc((size_t)d->points * sizeof *perm);
    if (!perm) return pl_error_nomemf("a permutation of %d points", d->points);
    pl_rng_t rng;
    pl_rng_seed(&rng, seed, 1);
    for (int i = 0; i < d->points; i++) perm[i] = i;
    for (int i = d->points - 1; i > 0; i--) { /* Fisher–Yates */
        const int j = (int)pl_rng_below(&rng, (uint64_t)i + 1), t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    pl_sv_t **states = NULL; /* point order */
    pl_status_t st = exact_states ? pl_dataset_exact_states(d, seed, &states) : PL_OK;
    s->labels = st == PL_OK ? malloc((size_t)d->points * sizeof *s->labels) : NULL;
    s->shadows = st == PL_OK && d->shadows ? malloc((size_t)d->points * sizeof *s->shadows) : NULL;
    s->states = st == PL_OK && states ? malloc((size_t)d->points * sizeof *s->states) : NULL;
    if (st == PL_OK && (!s->labels || (d->shadows && !s->shadows) || (states && !s->states)))
        st = pl_error_nomemf("a split of %d points", d->points);
    if (st == PL_OK) {
        for (int j = 0; j < d->points; j++) { /* j-th point of the permutation */
            s->labels[j] = d->labels[perm[j]];
            if (s->shadows) s->shadows[j] = d->shadows[perm[j]];
            if (s->states) s->states[j] = states[perm[j]];
        }
        s->points = d->points;
        s->train = (pl_clf_data_t){ntrain, s->labels, s->shadows, s->states};
        s->test =
            (pl_clf_data_t){ntest, s->labels + ntrain, s->shadows ? s->shadows + ntrain : NULL,
                            s->states ? s->states + ntrain : NULL};
    } else {
        for (int i = 0; states && i < d->points; i++) pl_sv_destroy(states[i]);
        pl_dataset_split_destroy(s);
    }
    free(states); /* the states themselves now belong to s->states */
    free(perm);
    return st;
}

void pl_dataset_split_destroy(pl_dataset_split_t *s) {
    for (int i = 0; s->states && i < s->points; i++) pl_sv_destroy(s->states[i]);
    free(s->labels);
    free(s->shadows);
    free(s->states);
    memset(s, 0, sizeof *s);
}

pl_status_t pl_dataset_train_test(const pl_dataset_t *d, const pl_eval_opts_t *o,
                                  pl_eval_result_t *r, pl_clf_t **model) {
    if (model) *model = NULL;
    memset(r, 0, sizeof *r);
    const bool qcnn = o->clf.kind == PL_CLF_QCNN;
    if (o->exact_features && o->clf.kind != PL_CLF_SURROGATE)
        return pl_error(PL_EINVAL, "exact features are for the surrogate, not the %s",
                        pl_clf_name(o->clf.kind));
    pl_dataset_split_t s;
    PL_TRY(pl_dataset_split(d, o->train_fraction, o->seed, qcnn || o->exact_features, &s));
    pl_status_t st = PL_OK;
    if (!qcnn && !o->exact_features && !d->shadows)
        st = pl_error(PL_EINVAL, "the dataset has no shadows (make it with --shots)");
    if (o->exact_features) { /* the surrogate then reads ⟨P⟩ of the states */
        s.train.shadows = NULL;
        s.test.shadows = NULL;
    }
    pl_clf_opts_t co = o->clf;
    co.qubits = d->sites;
    co.classes = d->model->nlabels;
    if (st == PL_OK)
        st = pl_clf_evaluate(&co, &s.train, &s.test, d->shots, o->seed ^ 0x5bd1e995u, r, model);
    pl_dataset_split_destroy(&s);
    return st;
}
