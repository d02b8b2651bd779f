/* Private parts of the classifiers. */
#ifndef PLATEAU_LEARN_INTERNAL_H
#define PLATEAU_LEARN_INTERNAL_H

#include "plateau/circuit.h"
#include "plateau/learn.h"
#include "plateau/pauli.h"

/* Readout observables: Z_q0 (binary), or Z_q0, Z_q1, Z_q0 Z_q1 (more classes). */
enum { LEARN_MAX_READOUT = 3, LEARN_MAX_CLASSES = 4 };

struct pl_clf {
    pl_clf_kind_t kind;
    int n, classes, k;
    bool unshared;
    /* QCNN and surrogate: the circuit, its angles, the readout */
    pl_circuit_t *circuit;
    int nparams;
    double *theta;
    int q0, q1;
    uint64_t shots, shot_seed; /* QCNN predictions: measurements per state (0: exact) */
    int nreadout;
    pl_pauli_sum_t *readout[LEARN_MAX_READOUT];
    /* surrogate: the shrinkage factor of every estimated string, in the order the
     * compiled readouts meet them (pl_shadows_shrink_factor, fitted on the
     * training shadows; NULL: raw estimates) */
    double *shrink;
    size_t nshrink;
    /* the head: logits a·r + b (binary) or a·p_c + b_c */
    double a, b[LEARN_MAX_CLASSES];
    /* linear: logits W·x̂ + w0 on standardised features x̂ = (x − mean)/std */
    int nfeatures, nlogits;
    double *w, *w0, *mean, *std;
};

/* ---- head.c: the shared head and the QCNN circuit ------------------------ */

/* Logits of the head: 1 (binary) or `classes`. */
int learn_nlogits(const pl_clf_t *c);

/* Class probabilities (classes entries) from readout values r (nreadout). */
void learn_head_probs(const pl_clf_t *c, const double *r, double *probs);

/* Cross entropy of one point and its derivatives by the readout values (dr,
 * nreadout entries), by a (*da) and by b (db, nlogits entries), added to. */
double learn_head_loss(const pl_clf_t *c, const double *r, int label, double *dr, double *da,
                       double *db);

/* Softmax / sigmoid probabilities of `classes` classes from logits. */
void learn_softmax(const double *z, int nlogits, int classes, double *probs);

/* Build the QCNN circuit and readout of @p c (kind, n, classes, unshared set). */
PL_NODISCARD pl_status_t learn_setup_circuit(pl_clf_t *c);

/* ---- circuit_models.c, linear.c: the kinds behind classifier.c ---------- */

/* Readout values of every point (out[i·nreadout + o]); the QCNN's are exact
 * with shots = 0, else estimated from that many measurements of the readout
 * qubits (point i's from the generator (seed, i)). */
PL_NODISCARD pl_status_t learn_qcnn_outputs(const pl_clf_t *c, const pl_clf_data_t *d,
                                            uint64_t shots, uint64_t seed, double *out);
PL_NODISCARD pl_status_t learn_surrogate_outputs(const pl_clf_t *c, const pl_clf_data_t *d,
                                                 double *out);
PL_NODISCARD pl_status_t learn_linear_logits(const pl_clf_t *c, const pl_clf_data_t *d,
                                             double *logits);

/* Training of each kind (c set up, parameters initialised). */
PL_NODISCARD pl_status_t learn_fit_circuit(pl_clf_t *c, const pl_clf_opts_t *o,
                                           const pl_clf_data_t *d, pl_clf_fit_info_t *info);
PL_NODISCARD pl_status_t learn_fit_linear(pl_clf_t *c, const pl_clf_opts_t *o,
                                          const pl_clf_data_t *d, pl_clf_fit_info_t *info);

#endif
