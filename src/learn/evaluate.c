/* Train on one labelled set, measure on it and on a second (test) set. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plateau/core.h"
#include "plateau/learn.h"

static double measure(const pl_clf_t *c, const pl_clf_data_t *d, int *confusion, pl_status_t *st) {
    int *pred = malloc((size_t)d->count * sizeof *pred);
    if (!pred) {
        *st = pl_error_nomemf("%d predictions", d->count);
        return 0.0;
    }
    *st = pl_clf_predict(c, d, pred, NULL);
    const double acc =
        *st == PL_OK ? pl_clf_accuracy(d->labels, pred, d->count, pl_clf_classes(c), confusion)
                     : 0.0;
    free(pred);
    return acc;
}

pl_status_t pl_clf_evaluate(const pl_clf_opts_t *o, const pl_clf_data_t *train,
                            const pl_clf_data_t *test, uint64_t shots, uint64_t shot_seed,
                            pl_eval_result_t *r, pl_clf_t **model) {
    if (model) *model = NULL;
    memset(r, 0, sizeof *r);
    if (test->count < 1) return pl_error(PL_EINVAL, "no test points");
    pl_clf_t *c = NULL;
    pl_status_t st = pl_clf_fit(o, train, &c, &r->fit);
    if (st == PL_OK) pl_clf_set_shots(c, shots, shot_seed);
    if (st == PL_OK) r->train_accuracy = measure(c, train, NULL, &st);
    if (st == PL_OK) r->test_accuracy = measure(c, test, r->confusion, &st);
    r->train_count = train->count;
    r->test_count = test->count;
    r->classes = o->classes;
    r->test_stderr = sqrt(r->test_accuracy * (1 - r->test_accuracy) / test->count);
    r->balanced_accuracy = pl_clf_balanced_accuracy(r->confusion, o->classes);
    r->majority_accuracy = pl_clf_majority_accuracy(train->labels, train->count, test->labels,
                                                    test->count, o->classes);
    if (st == PL_OK && model)
        *model = c;
    else
        pl_clf_destroy(c);
    return st;
}
