/* Seeded train/test splits of a dataset, and train/test runs of a classifier on them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plateau/core.h"
#include "plateau/dataset.h"

/* The split, with the exact states computed (exact_states), borrowed (given) or absent. */
static pl_status_t split_points(const pl_dataset_t *d, double train_fraction, uint64_t seed,
                                bool exact_states, pl_sv_t *const *given, pl_dataset_split_t *s) {
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
    pl_status_t st = exact_states && !given ? pl_dataset_exact_states(d, seed, &states) : PL_OK;
    if (exact_states && given && st == PL_OK) {
        states = malloc((size_t)d->points * sizeof *states);
        if (states)
            memcpy(states, given, (size_t)d->points * sizeof *states);
        else
            st = pl_error_nomemf("the states of %d points", d->points);
        s->borrowed_states = true;
    }
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
        for (int i = 0; states && !s->borrowed_states && i < d->points; i++)
            pl_sv_destroy(states[i]);
        pl_dataset_split_destroy(s);
    }
    free(states); /* the states themselves now belong to s->states (or the caller) */
    free(perm);
    return st;
}

pl_status_t pl_dataset_split(const pl_dataset_t *d, double train_fraction, uint64_t seed,
                             bool exact_states, pl_dataset_split_t *s) {
    return split_points(d, train_fraction, seed, exact_states, NULL, s);
}

pl_status_t pl_dataset_split_states(const pl_dataset_t *d, double train_fraction, uint64_t seed,
                                    pl_sv_t *const *states, pl_dataset_split_t *s) {
    return split_points(d, train_fraction, seed, true, states, s);
}

void pl_dataset_split_destroy(pl_dataset_split_t *s) {
    for (int i = 0; s->states && !s->borrowed_states && i < s->points; i++)
        pl_sv_destroy(s->states[i]);
    free(s->labels);
    free(s->shadows);
    free(s->states);
    memset(s, 0, sizeof *s);
}

/* Checks of the counts and the shot range of @p o against @p d. */
static pl_status_t check_eval(const pl_dataset_t *d, const pl_eval_opts_t *o) {
    if (o->exact_features && o->clf.kind != PL_CLF_SURROGATE)
        return pl_error(PL_EINVAL, "exact features are for the surrogate, not the %s",
                        pl_clf_name(o->clf.kind));
    if (!d->model && !o->clf.classes)
        return pl_error(PL_EINVAL, "a dataset without a model needs its class count");
    if (o->train_points < 0 || o->test_points < 0)
        return pl_error(PL_EINVAL, "training and test points must be >= 0");
    if (o->train_points && (o->train_points < 2 || o->train_points >= d->points))
        return pl_error(PL_EINVAL, "%d training points: give 2 to %d for %d points",
                        o->train_points, d->points - 1, d->points);
    if ((o->shots || o->shot_first) &&
        (!d->shadows || o->shot_first >= d->shots || o->shots > d->shots - o->shot_first))
        return pl_error(PL_EINVAL, "shots %llu to %llu: the dataset has %llu per state",
                        (unsigned long long)o->shot_first,
                        (unsigned long long)(o->shot_first + o->shots),
                        (unsigned long long)d->shots);
    return PL_OK;
}

/* Every state's shots [first, first + count) (the dataset's own sets for all of them). */
static pl_status_t slice_shadows(const pl_dataset_t *d, uint64_t first, uint64_t count,
                                 pl_shadows_t ***out) {
    *out = NULL;
    if (!d->shadows || (first == 0 && (count == 0 || count == d->shots))) return PL_OK;
    if (count == 0) count = d->shots - first;
    pl_shadows_t **sl = calloc((size_t)d->points, sizeof *sl);
    if (!sl) return pl_error_nomemf("the shadows of %d points", d->points);
    pl_status_t st = PL_OK;
    for (int i = 0; i < d->points && st == PL_OK; i++)
        st = pl_shadows_slice(d->shadows[i], (size_t)first, (size_t)count, &sl[i]);
    *out = sl;
    return st;
}

static void free_slices(pl_shadows_t **sl, int points) {
    for (int i = 0; sl && i < points; i++) pl_shadows_destroy(sl[i]);
    free(sl);
}

pl_status_t pl_dataset_train_test(const pl_dataset_t *d, const pl_eval_opts_t *o,
                                  pl_eval_result_t *r, pl_clf_t **model) {
    if (model) *model = NULL;
    memset(r, 0, sizeof *r);
    const bool qcnn = o->clf.kind == PL_CLF_QCNN;
    PL_TRY(check_eval(d, o));
    pl_shadows_t **sliced;
    PL_TRY(slice_shadows(d, o->shot_first, o->shots, &sliced));
    pl_dataset_t view = *d; /* the dataset with the shots of this run */
    if (sliced) view.shadows = sliced;
    const double frac = o->train_points ? (double)o->train_points / d->points : o->train_fraction;
    pl_dataset_split_t s;
    pl_status_t st = split_points(&view, frac, o->seed, qcnn || o->exact_features, o->states, &s);
    if (st != PL_OK) {
        free_slices(sliced, d->points);
        return st;
    }
    if (o->test_points > s.test.count)
        st = pl_error(PL_EINVAL, "%d training and %d test points: the dataset has %d",
                      s.train.count, o->test_points, d->points);
    else if (o->test_points)
        s.test.count = o->test_points;
    if (st == PL_OK && !qcnn && !o->exact_features && !d->shadows)
        st = pl_error(PL_EINVAL, "the dataset has no shadows (make it with --shots)");
    if (o->exact_features) { /* the surrogate then reads ⟨P⟩ of the states */
        s.train.shadows = NULL;
        s.test.shadows = NULL;
    }
    pl_clf_opts_t co = o->clf;
    co.qubits = d->sites;
    co.classes = o->clf.classes ? o->clf.classes : d->model ? d->model->nlabels : 0;
    const uint64_t shots = o->shots ? o->shots : d->shots - o->shot_first;
    if (st == PL_OK)
        st = pl_clf_evaluate(&co, &s.train, &s.test, d->shadows ? shots : 0,
                             (o->seed + o->shot_first) ^ 0x5bd1e995u, r, model);
    pl_dataset_split_destroy(&s);
    free_slices(sliced, d->points);
    return st;
}
