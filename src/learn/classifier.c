/* Classifiers: names, accessors, validation, and fit / predict dispatched to the
 * kinds (circuit_models.c, linear.c); their shared head is in head.c. */
#include <stdlib.h>
#include <string.h>

#include "learn/learn_internal.h"
#include "plateau/core.h"

static const pl_enum_entry_t kind_names[] = {{PL_CLF_QCNN, "qcnn"},
                                             {PL_CLF_SURROGATE, "surrogate"},
                                             {PL_CLF_LINEAR, "linear"}};

PL_ENUM_DEFINE(pl_clf_kind_t, kind_names, "classifier", pl_clf_name, pl_clf_lookup)

int pl_clf_classes(const pl_clf_t *c) {
    return c->classes;
}

void pl_clf_set_shots(pl_clf_t *c, uint64_t shots, uint64_t seed) {
    c->shots = shots;
    c->shot_seed = seed;
}
int pl_clf_qubits(const pl_clf_t *c) {
    return c->n;
}
pl_clf_kind_t pl_clf_kind(const pl_clf_t *c) {
    return c->kind;
}

void pl_clf_destroy(pl_clf_t *c) {
    if (!c) return;
    pl_circuit_destroy(c->circuit);
    for (int o = 0; o < LEARN_MAX_READOUT; o++) pl_pauli_sum_destroy(c->readout[o]);
    free(c->theta);
    free(c->shrink);
    free(c->w);
    free(c->w0);
    free(c->mean);
    free(c->std);
    free(c);
}

/* ---- fit and predict -------------------------------------------------------- */

static pl_status_t check_data(const pl_clf_opts_t *o, const pl_clf_data_t *d, bool training) {
    if (d->count < 1) return pl_error(PL_EINVAL, "no data points");
    const bool need_states = o->kind == PL_CLF_QCNN;
    if (need_states && !d->states)
        return pl_error(PL_EINVAL, "the QCNN needs the states themselves (state vectors)");
    if (!need_states && !d->shadows && !(o->kind == PL_CLF_SURROGATE && d->states))
        return pl_error(PL_EINVAL, "the %s model needs shadows of the states",
                        pl_clf_name(o->kind));
    for (int i = 0; i < d->count; i++) {
        const int n = d->shadows && !need_states ? pl_shadows_qubits(d->shadows[i])
                                                 : pl_sv_qubits(d->states[i]);
        if (n != o->qubits)
            return pl_error(PL_EINVAL, "data point %d has %d qubits, the model %d", i, n,
                            o->qubits);
    }
    if (!training) return PL_OK;
    int seen[LEARN_MAX_CLASSES] = {0}, distinct = 0;
    for (int i = 0; i < d->count; i++) {
        if (d->labels[i] < 0 || d->labels[i] >= o->classes)
            return pl_error(PL_EINVAL, "label %d of point %d is outside [0, %d)", d->labels[i], i,
                            o->classes);
        distinct += !seen[d->labels[i]]++;
    }
    if (distinct < 2)
        return pl_error(PL_EINVAL, "the training data holds one class only (label %d)",
                        d->labels[0]);
    return PL_OK;
}

static pl_status_t check_opts(const pl_clf_opts_t *o) {
    if ((unsigned)o->kind >= PL_CLF_COUNT) return pl_error(PL_EINVAL, "unknown classifier kind");
    if (o->classes < 2 || o->classes > LEARN_MAX_CLASSES)
        return pl_error(PL_EINVAL, "%d classes: 2 to 4 are supported", o->classes);
    if (o->qubits < 2) return pl_error(PL_EINVAL, "a classifier needs at least 2 qubits");
    if (o->k < 0 || o->max_iter < 0 || !(o->lr >= 0) || !(o->l2 >= 0) || !(o->init_scale >= 0))
        return pl_error(PL_EINVAL, "k, iterations, learning rate, L2 and init scale must be >= 0");
    if (o->train_shots && o->kind != PL_CLF_QCNN)
        return pl_error(PL_EINVAL, "training shots are for the QCNN, not the %s",
                        pl_clf_name(o->kind));
    if (o->train_shots && o->qubits > 64)
        return pl_error(PL_EINVAL, "training shots need at most 64 qubits, not %d", o->qubits);
    return PL_OK;
}

pl_status_t pl_clf_fit(const pl_clf_opts_t *o, const pl_clf_data_t *train, pl_clf_t **out,
                       pl_clf_fit_info_t *info) {
    *out = NULL;
    PL_TRY(check_opts(o));
    PL_TRY(check_data(o, train, true));
    pl_clf_t *c = calloc(1, sizeof *c);
    if (!c) return pl_error_nomem("a classifier");
    c->kind = o->kind;
    c->n = o->qubits;
    c->classes = o->classes;
    c->k = o->k ? o->k : 2;
    c->unshared = o->unshared;
    pl_clf_fit_info_t local;
    if (!info) info = &local;
    memset(info, 0, sizeof *info);
    pl_timer_t t = pl_timer_start();
    pl_status_t st = o->kind == PL_CLF_LINEAR ? learn_fit_linear(c, o, train, info)
                                              : learn_fit_circuit(c, o, train, info);
    info->seconds = pl_timer_elapsed(&t);
    if (st != PL_OK) {
        pl_clf_destroy(c);
        return st;
    }
    *out = c;
    return PL_OK;
}

pl_status_t pl_clf_outputs(const pl_clf_t *c, const pl_clf_data_t *d, double *outputs) {
    const pl_clf_opts_t o = {.kind = c->kind, .qubits = c->n, .classes = c->classes};
    PL_TRY(check_data(&o, d, false));
    if (c->kind == PL_CLF_LINEAR) return learn_linear_logits(c, d, outputs);
    return c->kind == PL_CLF_QCNN ? learn_qcnn_outputs(c, d, c->shots, c->shot_seed, outputs)
                                  : learn_surrogate_outputs(c, d, outputs);
}

pl_status_t pl_clf_predict(const pl_clf_t *c, const pl_clf_data_t *d, int *pred, double *probs) {
    const int width = c->kind == PL_CLF_LINEAR ? c->nlogits : c->nreadout;
    double *r = malloc((size_t)d->count * width * sizeof *r);
    if (!r) return pl_error_nomemf("readouts of %d points", d->count);
    pl_status_t st = pl_clf_outputs(c, d, r);
    for (int i = 0; i < d->count && st == PL_OK; i++) {
        double p[LEARN_MAX_CLASSES];
        if (c->kind == PL_CLF_LINEAR)
            learn_softmax(r + (size_t)i * width, c->nlogits, c->classes, p);
        else
            learn_head_probs(c, r + (size_t)i * width, p);
        int best = 0;
        for (int k = 1; k < c->classes; k++) best = p[k] > p[best] ? k : best;
        if (pred) pred[i] = best;
        if (probs) memcpy(probs + (size_t)i * c->classes, p, (size_t)c->classes * sizeof *p);
    }
    free(r);
    return st;
}

double pl_clf_accuracy(const int *labels, const int *pred, int count, int classes, int *conf) {
    int right = 0;
    if (conf) memset(conf, 0, (size_t)classes * classes * sizeof *conf);
    for (int i = 0; i < count; i++) {
        right += labels[i] == pred[i];
        if (conf && labels[i] >= 0 && labels[i] < classes && pred[i] >= 0 && pred[i] < classes)
            conf[labels[i] * classes + pred[i]]++;
    }
    return count ? (double)right / count : 0.0;
}

double pl_clf_balanced_accuracy(const int *conf, int classes) {
    double sum = 0.0;
    int present = 0;
    for (int t = 0; t < classes; t++) {
        int row = 0;
        for (int p = 0; p < classes; p++) row += conf[t * classes + p];
        if (row == 0) continue;
        sum += (double)conf[t * classes + t] / row;
        present++;
    }
    return present ? sum / present : 0.0;
}

double pl_clf_majority_accuracy(const int *train_labels, int ntrain, const int *test_labels,
                                int ntest, int classes) {
    int count[LEARN_MAX_CLASSES] = {0}, major = 0;
    for (int i = 0; i < ntrain; i++)
        if (train_labels[i] >= 0 && train_labels[i] < classes && classes <= LEARN_MAX_CLASSES)
            count[train_labels[i]]++;
    for (int c = 1; c < classes && c < LEARN_MAX_CLASSES; c++)
        if (count[c] > count[major]) major = c;
    int right = 0;
    for (int i = 0; i < ntest; i++) right += test_labels[i] == major;
    return ntest ? (double)right / ntest : 0.0;
}

pl_status_t pl_clf_surrogate_of(const pl_clf_t *q, int k, pl_clf_t **out) {
    *out = NULL;
    if (q->kind != PL_CLF_QCNN) return pl_error(PL_EINVAL, "pl_clf_surrogate_of needs a QCNN");
    if (k < 1) return pl_error(PL_EINVAL, "max weight %d must be at least 1", k);
    pl_clf_t *c = calloc(1, sizeof *c);
    if (!c) return pl_error_nomem("a classifier");
    c->kind = PL_CLF_SURROGATE;
    c->n = q->n;
    c->classes = q->classes;
    c->k = k;
    c->unshared = q->unshared;
    c->a = q->a;
    memcpy(c->b, q->b, sizeof c->b);
    pl_status_t st = learn_setup_circuit(c);
    c->theta = st == PL_OK ? malloc((size_t)c->nparams * sizeof *c->theta) : NULL;
    if (st == PL_OK && !c->theta) st = pl_error_nomemf("%d circuit parameters", c->nparams);
    if (st != PL_OK) {
        pl_clf_destroy(c);
        return st;
    }
    memcpy(c->theta, q->theta, (size_t)c->nparams * sizeof *c->theta);
    *out = c;
    return PL_OK;
}
