/* Train on one labelled set, measure on it and on a second (test) set. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plateau/core.h"
#include "plateau/learn.h"

pl_status_t pl_clf_score(const pl_clf_t *c, const pl_clf_data_t *d, double *accuracy,
                         int *confusion) {
    *accuracy = 0.0;
    int *pred = malloc((size_t)(d->count > 0 ? d->count : 1) * sizeof *pred);
    if (!pred) return pl_error_nomemf("%d predictions", d->count);
    pl_status_t st = pl_clf_predict(c, d, pred, NULL);
    if (st == PL_OK)
        *accuracy = pl_clf_accuracy(d->labels, pred, d->count, pl_clf_classes(c), confusion);
    free(pred);
    return st;
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
    if (st == PL_OK) st = pl_clf_score(c, train, &r->train_accuracy, NULL);
    if (st == PL_OK) st = pl_clf_score(c, test, &r->test_accuracy, r->confusion);
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
