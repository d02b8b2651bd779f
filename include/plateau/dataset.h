/**
 * @file dataset.h
 * @brief Labelled datasets of spin-chain ground states with classical shadows:
 *        parameter points, ground states and labels, shots, one HDF5 file.
 *
 * A run computes its points into per-point files in `OUT.parts/` (each
 * written atomically), so an interrupted run resumes without recomputing
 * finished points, and several processes (MPI ranks) can share one run: rank
 * r computes the points i with i mod K = r. The parts are then merged into
 * OUT (atomically) and removed.
 *
 * File layout (`format` = "plateau-dataset"): datasets `params` (float64
 * [points, nparams]), `labels`, `labels_closed_form`, `labels_measured` (int32
 * [points]; −1 where not measured), `energies`, `max_truncation_error`
 * (float64 [points]), `converged` (uint8 [points]) and, with shots, `shadows`
 * (uint64 [points, sites, 3, words]: per point the `bits` of pl_shadows_save);
 * attributes `model`, `sites`, `points`, `shots`, `grid`, `method`, `chi`,
 * `seed`, `param_names`, `label_names` (comma-separated), `plateau_version`,
 * `command`.
 *
 * A loaded dataset feeds the classifiers of learn.h through a seeded
 * train/test split (pl_dataset_split, pl_dataset_train_test).
 */
#ifndef PLATEAU_DATASET_H
#define PLATEAU_DATASET_H

#include <stdbool.h>
#include <stdint.h>

#include "plateau/ground.h"
#include "plateau/learn.h"
#include "plateau/models.h"
#include "plateau/shadows.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What to compute. */
typedef struct {
    const pl_model_t *model;
    int sites;
    int points; /**< random points; with grid: points per swept parameter */
    bool grid;  /**< a regular grid over the swept parameters (points^d in all) */
    /** random points, as many in every phase of the closed-form phase diagram
     *  (pl_model_label) as the count allows, so that no phase is missing */
    bool stratified;
    uint64_t shots;
    uint64_t seed;                   /**< parameter points, start vectors, shots (per point) */
    bool fixed[PL_MODEL_MAX_PARAMS]; /**< parameters held at fixed_value instead of swept */
    double fixed_value[PL_MODEL_MAX_PARAMS];
    pl_ground_opts_t gs; /**< ground-state settings (seed ignored) */
    int rank, nranks;    /**< this process's share (0, 1 when alone) */
    /** Called (serialised) after each computed point with done / total of this rank. */
    void (*progress)(int done, int total, void *ctx);
    void *progress_ctx;
} pl_dataset_opts_t;

/**
 * Total number of points and the parameter values of point i at
 * params[i·nparams + k]. Swept parameters take the model's documented range
 * (pl_model_param_t lo … hi, lo < hi); random points are uniform (generator
 * (seed, 0)), grid points evenly spaced including both ends. Stratified
 * points are the uniform draws accepted while their phase (pl_model_label)
 * has room: the phases met among 20,000 probe draws (generator (seed, 2))
 * share the points equally (the first points % phases of them, in label
 * order, one more), in the order accepted.
 * @param[out] params may be NULL (count only); else *count · nparams values.
 * @return PL_EINVAL for points < 1, a grid of more than 10^6 points, no
 *   swept parameter, grid and stratified together, or a phase too small to
 *   fill (named, with the draws made).
 */
PL_NODISCARD pl_status_t pl_dataset_points(const pl_dataset_opts_t *o, int *count, double *params);

/**
 * Compute this rank's points that are missing from `out`.parts/ (a part
 * whose settings differ from this run's is an error, not silently reused).
 * Points run in parallel over threads.
 * @param[out] computed, reused  points computed now / found finished (may be NULL)
 */
PL_NODISCARD pl_status_t pl_dataset_compute(const pl_dataset_opts_t *o, const char *out,
                                            int *computed, int *reused);

/** Label counts of a merged dataset. */
typedef struct {
    int points;
    int counts[PL_MODEL_MAX_LABELS];
} pl_dataset_summary_t;

/**
 * Merge every part into `out` (atomically) and remove the parts. Fails
 * (PL_EIO) naming the first missing point when the run is not complete.
 */
PL_NODISCARD pl_status_t pl_dataset_merge(const pl_dataset_opts_t *o, const char *out,
                                          const char *command, pl_dataset_summary_t *summary);

/** A dataset read back (for training). */
typedef struct pl_dataset {
    const pl_model_t *model;
    int sites, points, nparams;
    uint64_t shots;
    bool stratified;        /**< made with stratified points (pl_dataset_opts_t) */
    double *params;         /**< [points · nparams] */
    int *labels;            /**< [points] */
    double *energies;       /**< [points] */
    pl_shadows_t **shadows; /**< [points] (NULL when the file has no shots) */
} pl_dataset_t;

/** Read a dataset file; PL_EIO / PL_EPARSE naming the problem for bad files. */
PL_NODISCARD pl_status_t pl_dataset_load(const char *path, pl_dataset_t **out);
void pl_dataset_destroy(pl_dataset_t *d);

/**
 * Exact ground states of every point of @p d (Lanczos on the state vector, as
 * the QCNN needs them), computed in parallel over points.
 * @param[out] states d->points new state vectors (free each, then the array)
 * @return PL_EINVAL above 20 sites; errors of pl_ground_exact.
 */
PL_NODISCARD pl_status_t pl_dataset_exact_states(const pl_dataset_t *d, uint64_t seed,
                                                 pl_sv_t ***states);

/* ---- train / test split ---------------------------------------------------- */

/**
 * The points of @p d split for a classifier: a seeded random permutation
 * (Fisher–Yates, generator (seed, 1)), its first round(train_fraction ·
 * points) points for training, the rest for testing. The views borrow the
 * dataset's shadow sets (NULL when the file has no shots) and, with
 * @p exact_states, carry the points' exact ground states
 * (pl_dataset_exact_states with @p seed), which the split owns.
 */
typedef struct {
    pl_clf_data_t train;
    pl_clf_data_t test;
    /* storage behind the views, the points in permuted order (pl_dataset_split_destroy) */
    int points;
    int *labels;
    pl_shadows_t **shadows;
    pl_sv_t **states;
    bool borrowed_states; /* the states are the caller's (pl_eval_opts_t.states) */
} pl_dataset_split_t;

/**
 * Split @p d into training and test views (pl_dataset_split_t).
 * @param[in] train_fraction  share of the points used for training, in (0, 1); 0: 0.5
 * @param[in] exact_states    also compute the exact states (as the QCNN needs them)
 * @param[out] out  the two views; release with pl_dataset_split_destroy (also
 *   after a failure, when it holds nothing)
 * @return PL_EINVAL for a fraction outside (0, 1) or fewer than two training
 *   points or no test point; the errors of pl_dataset_exact_states; PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_dataset_split(const pl_dataset_t *d, double train_fraction,
                                          uint64_t seed, bool exact_states,
                                          pl_dataset_split_t *out);

/**
 * pl_dataset_split with the exact states the caller already has
 * (@p states, in point order, as pl_dataset_exact_states gives them): the
 * views borrow them instead of recomputing them, and
 * pl_dataset_split_destroy leaves them to the caller.
 * @return the errors of pl_dataset_split but those of the states; PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_dataset_split_states(const pl_dataset_t *d, double train_fraction,
                                                 uint64_t seed, pl_sv_t *const *states,
                                                 pl_dataset_split_t *out);

/** Release what a split holds (its states, its arrays); the dataset stays. */
void pl_dataset_split_destroy(pl_dataset_split_t *s);

/** How to split and train. */
typedef struct {
    double train_fraction; /**< share of the points used for training (0: 0.5) */
    uint64_t seed;         /**< the split (a seeded permutation) */
    pl_clf_opts_t clf;     /**< kind, k, iterations, ...; qubits and classes come from the data */
    /** surrogate: train and test on the exact expectation values ⟨P⟩ of the
     *  recomputed ground states instead of shadow estimates (at most 20 sites)
     *  — the information the exact-trained QCNN gets, no shot noise */
    bool exact_features;
    /** training points (0: train_fraction of the points); overrides train_fraction */
    int train_points;
    /** test points, the next ones of the permutation (0: all the others) */
    int test_points;
    /** shots per state the shadow models read and the QCNN is tested with:
     *  shots [shot_first, shot_first + shots) of each state's shadows, so
     *  disjoint ranges give independent runs (0: all of them, from the first) */
    uint64_t shots, shot_first;
    /** the points' exact ground states in point order, when the caller has
     *  them (pl_dataset_exact_states; borrowed): runs on the same dataset then
     *  skip recomputing them (NULL: computed when needed) */
    pl_sv_t *const *states;
} pl_eval_opts_t;

/**
 * Split @p d (pl_dataset_split with o->train_fraction and o->seed), train a
 * classifier and measure it (pl_clf_evaluate). The QCNN needs the states:
 * they are recomputed exactly from the dataset's parameters
 * (pl_ground_exact; PL_EINVAL above 20 sites); it trains on exact
 * expectations and is measured, like the shadow models, with the dataset's
 * shots per state (pl_clf_set_shots; exact when the dataset has none).
 * Qubits = the dataset's sites, classes = o->clf.classes when set, else the
 * model's label count (a dataset without a model needs o->clf.classes).
 * @param[out] result  what the run measured
 * @param[out] model   may be NULL; else the trained classifier
 * With exact_features the surrogate reads the states instead of the shadows.
 * @return PL_EINVAL for a bad split (pl_dataset_split), training or test
 *   points that do not fit in the dataset, a shot range past the dataset's
 *   shots, exact features for another kind than the surrogate, a shadow model
 *   on a dataset without shadows, and the errors of pl_clf_evaluate; PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_dataset_train_test(const pl_dataset_t *d, const pl_eval_opts_t *o,
                                               pl_eval_result_t *result, pl_clf_t **model);

#ifdef __cplusplus
}
#endif
#endif
