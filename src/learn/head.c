/* The head shared by the classifier kinds (logits, probabilities, loss) and the
 * QCNN circuit with its readout observables (QCNN, surrogate, loading). */
#include <math.h>

#include "learn/learn_internal.h"
#include "plateau/ansatz.h"
#include "plateau/core.h"

/* ---- the head -------------------------------------------------------------- */

int learn_nlogits(const pl_clf_t *c) {
    return c->classes == 2 ? 1 : c->classes;
}

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
    const pl_ansatz_opts_t ao = {.kind = PL_ANSATZ_QCNN,
                                 .qubits = c->n,
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
