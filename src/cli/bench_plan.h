/* plateau benchmark: the rows it runs and what it measures (shared by its files). */
#ifndef PLATEAU_CLI_BENCH_PLAN_H
#define PLATEAU_CLI_BENCH_PLAN_H

#include "cli/cli.h"

/* One dataset and the classifiers trained on it. */
typedef struct {
    const char *model;
    int sites, points;
    uint64_t shots; /* per state and run: run j reads shots [j·shots, (j + 1)·shots) */
    int chi;        /* DMRG bond dimension (0: plateau gs default) */
    int k_surrogate, k_linear;
    bool qcnn;         /* small enough for the state-vector QCNN */
    const char *claim; /* the paper's figure this row checks, or NULL */
    int train, test;   /* training and test points (0: half the points, the rest) */
} bench_row_t;

/* What a run does: its rows, and the quick rows whose datasets get learning curves. */
typedef struct {
    const bench_row_t *rows[32];
    int nrows;
    const bench_row_t *curves[8];
    int ncurves;
} bench_plan_t;

/* The rows and curves of a run, checked against @p only (comma-separated
 * MODEL or MODEL-N tokens, NULL: all; in a full run MODEL-8 selects that
 * model's curves): @p quick the quick rows; @p curves_only the learning
 * curves alone; else the full rows and the curves. PL_EINVAL for a token
 * naming no model or a selection of nothing. */
PL_NODISCARD pl_status_t bench_plan_make(const char *only, bool quick, bool curves_only,
                                         bench_plan_t *p);

/* Rough wall seconds of row i of @p p on @p threads threads, of one model's
 * learning curves, and of the whole plan (constants in bench_plan.c). */
double bench_row_estimate(const bench_plan_t *p, int i, int seeds, int threads);
double bench_curve_estimate(const bench_row_t *r, int seeds);
double bench_plan_seconds(const bench_plan_t *p, int seeds, int threads);

/* The plan on @p out: one line per row and curve, and the estimated total. */
void bench_plan_print(const bench_plan_t *p, int seeds, bool quick, FILE *out);

/* DIR/<model>-<sites>SUFFIX, a row's dataset (rows that differ only in their
 * training and test points share it), and DIR/phase-<model>-<sites>[-train<N>]
 * SUFFIX, its phase diagram. One place, so the early output check and the
 * writers name the same files. */
void bench_data_file(const char *dir, const bench_row_t *r, const char *suffix, char *buf,
                     size_t cap);
void bench_phase_file(const char *dir, const bench_row_t *r, const char *suffix, char *buf,
                      size_t cap);

/* Training iterations of the QCNN and the surrogate (the library's default),
 * and the device-realistic QCNN's shots per training state and step: the
 * row's shots per state spread over the iterations, so its training measures
 * each state about as often as a shadow set does. */
enum { BENCH_ITERATIONS = 150 };
uint64_t bench_device_shots(const bench_row_t *r);

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

/* Mean and sample standard deviation of v[0 .. n − 1] (0 and 0 for n = 0). */
void bench_mean_sd(const double *v, int n, double *mean, double *sd);

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
    bench_score_t exact;  /* the surrogate on exact ⟨P⟩ (rows with the QCNN) */
    bench_score_t device; /* the QCNN trained on shots (rows with the QCNN) */
    int test_points;
    int *predicted; /* surrogate's prediction of every point (phase diagrams) */
    double *params; /* the points' parameters */
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

/* Shots a run spends (S × (training + test states)), and those of the QCNN
 * trained on shots (its training steps' and its test readout's). */
uint64_t bench_shots_total(const bench_result_t *r);
uint64_t bench_device_shots_total(const bench_result_t *r);

/* The QCNN on shots as "qcnn_shots" of a row's JSON (with its shots per step
 * and its total), when it ran. */
void bench_device_json(cJSON *row, const bench_result_t *r, bool full);

/* Learning curves of one dataset: the three classifiers' test accuracy
 * against training states (bench_curve_train, BENCH_CURVE_FIXED_SHOTS shots
 * per state) and against shots per state (bench_curve_shots,
 * BENCH_CURVE_FIXED_TRAIN training states), BENCH_CURVE_TEST test points;
 * run j reads its own shots, as the rows do. mean/sd/bal[curve][kind][step]:
 * curve 0 against training states, 1 against shots. */
enum {
    BENCH_CURVE_STEPS = 5,
    BENCH_CURVE_TEST = 100,
    BENCH_CURVE_POINTS = 300, /* 200 training states at most + the test points */
    BENCH_CURVE_FIXED_SHOTS = 100,
    BENCH_CURVE_FIXED_TRAIN = 100,
    BENCH_CURVE_SITES = 8,
};
extern const int bench_curve_train[BENCH_CURVE_STEPS], bench_curve_shots[BENCH_CURVE_STEPS];
typedef struct {
    const char *model;
    int sites, seeds;
    double mean[2][PL_CLF_COUNT][BENCH_CURVE_STEPS], sd[2][PL_CLF_COUNT][BENCH_CURVE_STEPS];
    double bal[2][PL_CLF_COUNT][BENCH_CURVE_STEPS];
    double seconds;
} bench_curve_t;

/* The curves of @p d (BENCH_CURVE_POINTS points, at least 1000 × seeds shots
 * per state; PL_EINVAL otherwise), progress on stderr unless @p quiet. */
PL_NODISCARD pl_status_t bench_curve_compute(const pl_dataset_t *d, int seeds, uint64_t seed,
                                             int k_surrogate, int k_linear, bool quiet,
                                             bench_curve_t *out);
/* DIR/curves-<model>-<sites>SUFFIX: the curves' dataset (.h5), plot and CSV. */
void bench_curve_file(const char *dir, const char *model, int sites, const char *suffix, char *buf,
                      size_t cap);
/* The plot (PNG, SVG) and the CSV of the curves. */
PL_NODISCARD pl_status_t bench_curve_write(const char *dir, const bench_curve_t *cv);
void bench_curve_markdown(cli_text_t *t, const bench_curve_t *cv);
cJSON *bench_curve_json(const bench_curve_t *cv);

/* The report: report.md, results.json and the PNG plots in @p dir. */
/* @p t may be NULL (no rows ran); @p curves, ncurves: the learning curves. */
PL_NODISCARD pl_status_t bench_write_report(const char *dir, bool quick, const bench_result_t *r,
                                            int nrows, const bench_tradeoff_t *t,
                                            const bench_curve_t *curves, int ncurves,
                                            double seconds);

#endif
