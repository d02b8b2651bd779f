/* plateau benchmark: the rows it runs and what it measures (shared by its files). */
#ifndef PLATEAU_CLI_BENCH_PLAN_H
#define PLATEAU_CLI_BENCH_PLAN_H

#include "cli/cli.h"

/* One dataset and the classifiers trained on it. */
typedef struct {
    const char *model;
    int sites, points;
    uint64_t shots;
    int chi; /* DMRG bond dimension (0: plateau gs default) */
    int k_surrogate, k_linear;
    bool qcnn;         /* small enough for the state-vector QCNN */
    const char *claim; /* the paper's figure this row checks, or NULL */
} bench_row_t;

/* DIR/PREFIX<model>-<sites>SUFFIX, the name of each file a row writes: its
 * dataset ("", ".h5") and its phase diagram ("phase-", ".png"). One place, so
 * the early output check and the writers name the same files. */
void bench_row_file(const char *dir, const char *prefix, const bench_row_t *r, const char *suffix,
                    char *buf, size_t cap);

/* Independent train/test runs per row at most (split, initial angles,
 * readout shots from seed + s). */
enum { BENCH_MAX_SEEDS = 16 };

/* Results of one classifier on one row, over the seeds. */
typedef struct {
    bool ran;
    int seeds;
    pl_eval_result_t eval[BENCH_MAX_SEEDS];
    double acc_mean, acc_sd, acc_best; /* test accuracy: mean, sample sd, best seed */
    double bal_mean, bal_sd;           /* balanced accuracy */
    double train_mean;
    int confusion[16]; /* summed over the seeds */
    double seconds;    /* all seeds */
} bench_score_t;

/* Fill the summary fields of s from its eval[0 .. seeds − 1]. */
void bench_score_summarise(bench_score_t *s);

/* A score as JSON: test_accuracy (the mean over seeds), test_stderr (of the
 * mean: sd / sqrt(seeds)), test_accuracy_sd, test_accuracy_best,
 * balanced_accuracy, balanced_accuracy_sd; with @p full also train_accuracy,
 * test_points, seconds, strings, the confusion matrix summed over the seeds
 * and the per-seed accuracies. */
cJSON *bench_score_json(const bench_score_t *s, bool full);

typedef struct {
    const bench_row_t *row;
    int train_points, seeds;
    double majority; /* mean over the seeds of the majority-class baseline */
    double dataset_seconds;
    bench_score_t score[PL_CLF_COUNT];
    bench_score_t exact; /* the surrogate on exact ⟨P⟩ (rows with the QCNN) */
    int *predicted;      /* surrogate's prediction of every point (phase diagrams) */
    double *params;      /* the points' parameters */
    int *labels;
    int nparams, points;
    const pl_model_t *model;
} bench_result_t;

/* Surrogate accuracy against its truncation and against shots per state. */
typedef struct {
    const char *model;
    int sites;
    int nk, nshots;
    int k[4];
    double acc_k[4], err_k[4];
    int shots[8];
    double acc_shots[8], err_shots[8];
} bench_tradeoff_t;

/* The report: report.md, results.json and the PNG plots in @p dir. */
PL_NODISCARD pl_status_t bench_write_report(const char *dir, bool quick, const bench_result_t *r,
                                            int nrows, const bench_tradeoff_t *t, double seconds);

#endif
