/**
 * @file learn.h
 * @brief Phase classifiers on quantum data (SCIENCE.md §7): the QCNN, its
 *        classical surrogate (truncated Pauli propagation + shadows), and a
 *        linear baseline on window features. One interface: fit, predict,
 *        save, load.
 *
 * Outputs and classes. Two classes: the readout f = ⟨Z_q0⟩ after the QCNN
 * (q0 = 0, the qubit pooling keeps) gives the logit z = a·f + b and
 * p(class 1) = σ(z). Three or four classes: the probabilities p_c of the
 * outcomes 00, 01, 10, 11 of the last two qubits (q0, q1) — the projectors
 * written as Pauli sums, (1 ± Z_q0)(1 ± Z_q1)/4 — give logits z_c = a·p_c + b_c
 * and a softmax over the first `classes` of them. a and b are trained with the
 * angles (a classical read-out calibration, the same for QCNN and surrogate).
 * Loss: mean cross entropy. Linear: multinomial logistic regression (binary:
 * one logit) on the standardised window features, with an L2 penalty.
 *
 * The surrogate propagates the readout observables through the QCNN keeping
 * strings of weight ≤ k (any support) and evaluates f = Σ_α c_α(θ) λ_α ⟨P_α⟩
 * with ⟨P_α⟩ estimated from each state's shadows and λ_α the string's
 * shrinkage factor fitted on the training shadows (pl_shadows_shrink_factor;
 * 1 with unshrunk), or ⟨P_α⟩ exact, from a state vector, when the data
 * carries states and no shadows (λ_α = 1). Its angles are trained with
 * the derivatives carried through the propagation (pl_propagate_diff).
 */
#ifndef PLATEAU_LEARN_H
#define PLATEAU_LEARN_H

#include <stdbool.h>
#include <stdint.h>

#include "plateau/errors.h"
#include "plateau/shadows.h"
#include "plateau/sv.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { PL_CLF_QCNN, PL_CLF_SURROGATE, PL_CLF_LINEAR, PL_CLF_COUNT } pl_clf_kind_t;

/** "qcnn", "surrogate", "linear" → kind; PL_EINVAL naming the valid names. */
PL_NODISCARD pl_status_t pl_clf_lookup(const char *name, pl_clf_kind_t *out);
const char *pl_clf_name(pl_clf_kind_t kind);

/** Labelled data. States for the QCNN (exact), shadows for the others. */
typedef struct {
    int count;
    const int *labels;            /**< count labels in [0, classes) */
    pl_shadows_t *const *shadows; /**< count shadow sets, or NULL */
    pl_sv_t *const *states;       /**< count state vectors, or NULL */
} pl_clf_data_t;

/** Called once per training iteration; return false to stop. */
typedef bool (*pl_clf_progress_fn)(int iter, double loss, void *ctx);

/** Settings; zero-initialise and set kind, qubits and classes. */
typedef struct {
    pl_clf_kind_t kind;
    int qubits;
    int classes;   /**< 2, 3 or 4 */
    int k;         /**< surrogate: max Pauli weight (0: 2); linear: window (0: 2) */
    bool unshared; /**< QCNN/surrogate: independent angles per gate (default shared) */
    /** surrogate on shadows: use the raw shadow estimates. By default each
     *  string's estimates are shrunk towards zero by its factor
     *  pl_shadows_shrink_factor over the training states (saved with the model
     *  and applied to the shadows it predicts on; exact ⟨P⟩ are never shrunk) */
    bool unshrunk;
    int max_iter;      /**< training iterations (0: 150 for QCNN/surrogate, 500 for linear) */
    double lr;         /**< Adam step (0: 0.05) */
    double l2;         /**< linear: L2 penalty (0: 1e-3); QCNN/surrogate: weight decay on
                            the angles and the head slope (0: none) */
    double init_scale; /**< initial angles uniform in ±init_scale (0: 0.1) */
    /** QCNN, the device-realistic variant: the readout of every training state
     *  estimated from this many measurements at every training step (fresh
     *  draws each step, from the generator (seed, step, point)) instead of
     *  exactly; the readout's angle derivatives stay exact (adjoint), so this
     *  models the shot noise of the values and not that of a device's
     *  parameter-shift gradient (which would cost 2 circuits per gate more).
     *  0: exact training. Other kinds refuse it. */
    uint64_t train_shots;
    uint64_t seed;
    pl_clf_progress_fn progress;
    void *progress_ctx;
} pl_clf_opts_t;

/** A trained classifier (opaque). */
typedef struct pl_clf pl_clf_t;

/** What training did. */
typedef struct {
    int iterations;
    double loss;    /**< final training loss */
    int params;     /**< trained parameters */
    size_t strings; /**< surrogate: strings estimated; linear: features */
    double seconds;
} pl_clf_fit_info_t;

/**
 * Train on @p train. @return PL_EINVAL for mismatched qubit counts between
 * options and data, labels outside [0, classes), fewer than two classes
 * present, missing states (QCNN) or shadows (linear), k < 1, training shots
 * for another kind than the QCNN or on more than 64 qubits; PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_clf_fit(const pl_clf_opts_t *opts, const pl_clf_data_t *train,
                                    pl_clf_t **out, pl_clf_fit_info_t *info);

/**
 * Class probabilities (probs[i·classes + c], may be NULL) and predicted
 * classes (pred[i], the most probable; may be NULL) of every point of @p data
 * (labels are not read).
 */
PL_NODISCARD pl_status_t pl_clf_predict(const pl_clf_t *clf, const pl_clf_data_t *data, int *pred,
                                        double *probs);

/** The raw readout values (binary: ⟨Z⟩; else the four outcome probabilities). */
PL_NODISCARD pl_status_t pl_clf_outputs(const pl_clf_t *clf, const pl_clf_data_t *data,
                                        double *outputs);

/**
 * The classical surrogate of a trained QCNN: the same angles and head, the
 * readout propagated keeping strings of weight ≤ @p k (k ≥ qubits: exact).
 * @return PL_EINVAL when @p qcnn is not a QCNN or k < 1.
 */
PL_NODISCARD pl_status_t pl_clf_surrogate_of(const pl_clf_t *qcnn, int k, pl_clf_t **out);

/**
 * QCNN: estimate the readout from @p shots measurements of the readout qubits
 * per state (point i's from the generator (seed, i)) instead of exactly — the
 * same quantum cost per state as a shadow set of that many shots. 0: exact.
 * Other kinds ignore it.
 */
void pl_clf_set_shots(pl_clf_t *clf, uint64_t shots, uint64_t seed);

int pl_clf_classes(const pl_clf_t *clf);
int pl_clf_qubits(const pl_clf_t *clf);
pl_clf_kind_t pl_clf_kind(const pl_clf_t *clf);
void pl_clf_destroy(pl_clf_t *clf);

/** Save to HDF5 (atomically) / load; PL_EIO / PL_EPARSE naming the problem. */
PL_NODISCARD pl_status_t pl_clf_save(const pl_clf_t *clf, const char *path, const char *command,
                                     uint64_t seed);
PL_NODISCARD pl_status_t pl_clf_load(const char *path, pl_clf_t **out);

/**
 * Predict the points of @p data (pl_clf_predict) and score the predictions:
 * @p accuracy, and the confusion matrix into @p confusion (may be NULL;
 * conf[true·classes + predicted], classes² entries).
 * @return the errors of pl_clf_predict; PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_clf_score(const pl_clf_t *clf, const pl_clf_data_t *data,
                                      double *accuracy, int *confusion);

/** Accuracy and confusion matrix (conf[true·classes + predicted]). */
double pl_clf_accuracy(const int *labels, const int *pred, int count, int classes, int *conf);

/**
 * Balanced accuracy from a confusion matrix (conf[true·classes + predicted]):
 * the mean over the classes present (a non-empty row) of the share of their
 * points predicted right. Unlike plain accuracy it does not reward always
 * answering the largest class (that scores 1/classes present). 0 for an
 * empty matrix.
 */
double pl_clf_balanced_accuracy(const int *conf, int classes);

/**
 * The majority-class baseline: the accuracy on @p test_labels of always
 * answering the class most frequent in @p train_labels (ties: the lowest
 * label) — what a classifier must beat to have learnt anything.
 */
double pl_clf_majority_accuracy(const int *train_labels, int ntrain, const int *test_labels,
                                int ntest, int classes);

/* ---- train and test ------------------------------------------------------ */

/** What a train/test run measured. */
typedef struct {
    int train_count, test_count, classes;
    double train_accuracy, test_accuracy;
    double test_stderr;       /**< sqrt(a(1 − a)/n_test): the binomial standard error */
    double balanced_accuracy; /**< test set (pl_clf_balanced_accuracy) */
    double majority_accuracy; /**< test set, the majority-class baseline */
    int confusion[16];        /**< test set, confusion[true·classes + predicted] */
    pl_clf_fit_info_t fit;
} pl_eval_result_t;

/**
 * Train on @p train (pl_clf_fit with @p opts), then measure the accuracy on
 * @p train and the accuracy and confusion matrix on @p test, predicting, for
 * a QCNN, with @p shots measurements per state (pl_clf_set_shots with
 * @p shot_seed; 0: exact). A dataset's seeded split and exact states come
 * from pl_dataset_train_test (dataset.h).
 * @param[out] result  written in full (zero where not reached on failure)
 * @param[out] model   may be NULL; else the trained classifier (NULL on failure)
 * @return PL_EINVAL for an empty test set and the errors of pl_clf_fit and
 *   pl_clf_predict; PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_clf_evaluate(const pl_clf_opts_t *opts, const pl_clf_data_t *train,
                                         const pl_clf_data_t *test, uint64_t shots,
                                         uint64_t shot_seed, pl_eval_result_t *result,
                                         pl_clf_t **model);

#ifdef __cplusplus
}
#endif
#endif
