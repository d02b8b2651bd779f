/* Classifiers: the common head (logits, probabilities, loss), fit and predict. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "learn/learn_internal.h"
#include "plateau/ansatz.h"
#include "plateau/core.h"

static const char *const kind_names[PL_CLF_COUNT] = {"qcnn", "surrogate", "linear"};

pl_status_t pl_clf_lookup(const char *name, pl_clf_kind_t *out) {
    for (int k = 0; k < PL_CLF_COUNT; k++)
        if (strcmp(name, kind_names[k]) == 0) {
            *out = (pl_clf_kind_t)k;
            return PL_OK;
        }
    return pl_error(PL_EINVAL, "unknown classifier '%s' (valid: qcnn, surrogate, linear)", name);
}

const char *pl_clf_name(pl_clf_kind_t kind) {
    return (unsigned)kind < PL_CLF_COUNT ? kind_names[kind] : "unknown";
}

int pl_clf_classes(const pl_clf_t *c) { return c->classes; }

void pl_clf_set_shots(pl_clf_t *c, uint64_t shots, uint64_t seed) {
    c->shots = shots;
    c->shot_seed = seed;
}
int pl_clf_qubits(const pl_clf_t *c) { return c->n; }
pl_clf_kind_t pl_clf_kind(const pl_clf_t *c) { return c->kind; }

void pl_clf_destroy(pl_clf_t *c) {
    if (!c) return;
    pl_circuit_destroy(c->circuit);
    for (int o = 0; o < LEARN_MAX_READOUT; o++) pl_pauli_sum_destroy(c->readout[o]);
    free(c->theta);
    free(c->w);
    free(c->w0);
    free(c->mean);
    free(c->std);
    free(c);
}

/* ---- the head -------------------------------------------------------------- */

int learn_nlogits(const pl_clf_t *c) { return c->classes == 2 ? 1 : c->classes; }

void learn_softmax(const double *z, int nlogits, int classes, double *probs) {
    if (nlogits == 1) { /* binary: σ(z) is the probability of class 1 */
        probs[1] = z[0] >= 0 ? 1 / (1 + exp(-z[0])) : exp(z[0]) / (1 + exp(z[0]));
        probs[0] = 1 - probs[1];
        return;
    }
    double top = z[0], sum = 0.0;
    for (int k = 1; k < classes; k++) top = z[k] > top ? z[k] : top;
    for (int k = 0; k < classes; k++) sum += probs[k] = exp(z[k] - top);
    for (int k = 0; k < classes; k++) probs[k] /= sum;
}

/* Outcome probability of class c (bits of q0, q1) from ⟨Z_q0⟩, ⟨Z_q1⟩, ⟨Z_q0 Z_q1⟩. */
static double outcome_prob(const double *r, int c, double *s0, double *s1) {
    *s0 = (c >> 1) & 1 ? -1.0 : 1.0;
    *s1 = c & 1 ? -1.0 : 1.0;
    return 0.25 * (1 + *s0 * r[0] + *s1 * r[1] + *s0 * *s1 * r[2]);
}

static void logits(const pl_clf_t *c, const double *r, double *z) {
    if (c->classes == 2) {
        z[0] = c->a * r[0] + c->b[0];
        return;
    }
    for (int k = 0; k < c->classes; k++) {
        double s0, s1;
        z[k] = c->a * outcome_prob(r, k, &s0, &s1) + c->b[k];
    }
}

void learn_head_probs(const pl_clf_t *c, const double *r, double *probs) {
    double z[LEARN_MAX_CLASSES] = {0};
    logits(c, r, z);
    learn_softmax(z, learn_nlogits(c), c->classes, probs);
}

double learn_head_loss(const pl_clf_t *c, const double *r, int label, double *dr, double *da,
                       double *db) {
    double z[LEARN_MAX_CLASSES] = {0}, p[LEARN_MAX_CLASSES];
    logits(c, r, z);
    learn_softmax(z, learn_nlogits(c), c->classes, p);
    const double loss = -log(p[label] > 1e-300 ? p[label] : 1e-300);
    if (c->classes == 2) {
        const double dz = p[1] - (label == 1);
        dr[0] += c->a * dz;
        *da += r[0] * dz;
        db[0] += dz;
        return loss;
    }
    for (int k = 0; k < c->classes; k++) {
        const double dz = p[k] - (label == k);
        double s0, s1;
        const double out = outcome_prob(r, k, &s0, &s1), dout = c->a * dz;
        *da += out * dz;
        db[k] += dz;
        dr[0] += 0.25 * dout * s0;
        dr[1] += 0.25 * dout * s1;
        dr[2] += 0.25 * dout * s0 * s1;
    }
    return loss;
}

/* ---- circuit and readout ---------------------------------------------------- */

static pl_status_t z_string(int n, const int *qs, int count, pl_pauli_sum_t **out) {
    pl_pauli_t *p;
    PL_TRY(pl_pauli_create(n, &p));
    for (int j = 0; j < count; j++) pl_pauli_set(p, qs[j], PL_Z);
    pl_status_t st = pl_pauli_sum_create(n, out);
    if (st == PL_OK) st = pl_pauli_sum_add(*out, p, 1.0);
    pl_pauli_destroy(p);
    return st;
}

pl_status_t learn_setup_circuit(pl_clf_t *c) {
    const pl_ansatz_opts_t ao = {.kind = PL_ANSATZ_QCNN, .qubits = c->n,
                                 .share_angles = !c->unshared};
    PL_TRY(pl_ansatz_build(&ao, &c->circuit));
    PL_TRY(pl_ansatz_readout_pair(&ao, &c->q0, &c->q1));
    c->nparams = pl_circuit_num_params(c->circuit);
    c->nreadout = c->classes == 2 ? 1 : 3;
    const int both[2] = {c->q0, c->q1};
    PL_TRY(z_string(c->n, &c->q0, 1, &c->readout[0]));
    if (c->nreadout == 3) {
        PL_TRY(z_string(c->n, &c->q1, 1, &c->readout[1]));
        PL_TRY(z_string(c->n, both, 2, &c->readout[2]));
    }
    return PL_OK;
}

/* ---- fit and predict -------------------------------------------------------- */

static pl_status_t check_data(const pl_clf_opts_t *o, const pl_clf_data_t *d, bool training) {
    if (d->count < 1) return pl_error(PL_EINVAL, "no data points");
    const bool need_states = o->kind == PL_CLF_QCNN;
    if (need_states && !d->states)
        return pl_error(PL_EINVAL, "the QCNN needs the states themselves (state vectors)");
    if (!need_states && !d->shadows && !(o->kind == PL_CLF_SURROGATE && d->states))
        return pl_error(PL_EINVAL, "the %s model needs shadows of the states", pl_clf_name(o->kind));
    for (int i = 0; i < d->count; i++) {
        const int n = d->shadows && !need_states ? pl_shadows_qubits(d->shadows[i])
                                                 : pl_sv_qubits(d->states[i]);
        if (n != o->qubits)
            return pl_error(PL_EINVAL, "data point %d has %d qubits, the model %d", i, n, o->qubits);
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
        return pl_error(PL_EINVAL, "the training data holds one class only (label %d)", d->labels[0]);
    return PL_OK;
}

static pl_status_t check_opts(const pl_clf_opts_t *o) {
    if ((unsigned)o->kind >= PL_CLF_COUNT) return pl_error(PL_EINVAL, "unknown classifier kind");
    if (o->classes < 2 || o->classes > LEARN_MAX_CLASSES)
        return pl_error(PL_EINVAL, "%d classes: 2 to 4 are supported", o->classes);
    if (o->qubits < 2) return pl_error(PL_EINVAL, "a classifier needs at least 2 qubits");
    if (o->k < 0 || o->max_iter < 0 || !(o->lr >= 0) || !(o->l2 >= 0) || !(o->init_scale >= 0))
        return pl_error(PL_EINVAL, "k, iterations, learning rate, L2 and init scale must be >= 0");
    return PL_OK;
}

pl_status_t pl_clf_fit(const pl_clf_opts_t *o, const pl_clf_data_t *train, pl_clf_t **out,
                       pl_clf_fit_info_t *info) {
    *out = NULL;
    PL_TRY(check_opts(o));
    PL_TRY(check_data(o, train, true));
    pl_clf_t *c = calloc(1, sizeof *c);
    if (!c) return pl_error(PL_ENOMEM, "out of memory");
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
    if (!r) return pl_error(PL_ENOMEM, "out of memory");
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

pl_status_t pl_clf_surrogate_of(const pl_clf_t *q, int k, pl_clf_t **out) {
    *out = NULL;
    if (q->kind != PL_CLF_QCNN) return pl_error(PL_EINVAL, "pl_clf_surrogate_of needs a QCNN");
    if (k < 1) return pl_error(PL_EINVAL, "max weight %d must be at least 1", k);
    pl_clf_t *c = calloc(1, sizeof *c);
    if (!c) return pl_error(PL_ENOMEM, "out of memory");
    c->kind = PL_CLF_SURROGATE;
    c->n = q->n;
    c->classes = q->classes;
    c->k = k;
    c->unshared = q->unshared;
    c->a = q->a;
    memcpy(c->b, q->b, sizeof c->b);
    pl_status_t st = learn_setup_circuit(c);
    c->theta = st == PL_OK ? malloc((size_t)c->nparams * sizeof *c->theta) : NULL;
    if (st == PL_OK && !c->theta) st = pl_error(PL_ENOMEM, "out of memory");
    if (st != PL_OK) {
        pl_clf_destroy(c);
        return st;
    }
    memcpy(c->theta, q->theta, (size_t)c->nparams * sizeof *c->theta);
    *out = c;
    return PL_OK;
}
