/*
 * plateau benchmark: the seed paper's experiment end to end — datasets of
 * spin-chain ground states with shadows, the QCNN, its surrogate and the
 * linear baseline trained on each, and a report. Resumable where it costs:
 * a finished dataset file is reused and an unfinished one keeps its finished
 * points (dataset parts), so a second run only recomputes what is missing and
 * retrains (training is the cheap part).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/bench_plan.h"

const char cli_benchmark_usage[] =
    "usage: plateau benchmark [--quick | --full] [--out DIR] [options]\n"
    "\n"
    "Reproduce the QCNN-versus-surrogate benchmark (docs/benchmark.md): for each\n"
    "spin-chain model, a labelled dataset of ground states with classical shadows,\n"
    "then the QCNN (where the state vector allows), its classical surrogate\n"
    "(truncated Pauli propagation fed with shadows) and a linear model on window\n"
    "features, trained on half the points and tested on the rest. Writes\n"
    "DIR/report.md (the table), DIR/results.json, phase-diagram PNGs and the\n"
    "surrogate's accuracy against its truncation k and against shots per state.\n"
    "Run it again after an interruption: finished datasets and points are kept.\n"
    "\n"
    "  --quick      small sizes (8 sites), under two minutes on 2 cores (the demo)\n"
    "  --full       the paper's sizes (with 20, 60 and 200 training points where\n"
    "               the paper varies them), 12- and 16-site rows with the QCNN, and\n"
    "               the learning curves. Without --quick or --full the plan is\n"
    "               printed (rows, sizes, estimated time) and runs only if it is\n"
    "               estimated under 10 minutes\n"
    "  --curves     only the learning curves: accuracy of the three models against\n"
    "               training states (10-200) and shots per state (10-1000) on 8-site\n"
    "               datasets of 300 points (DIR/curves-MODEL-8.png, .svg, .csv)\n"
    "  --only M,... run only the rows of these models (--only tfim,annni) or of a\n"
    "               model at one size (--only annni-12,xxx-alternating-1024; in a\n"
    "               full run MODEL-8 selects that model's learning curves)\n"
    "  --seeds S    independent train/test runs per row (split and initial angles\n"
    "               from seed, seed + 1, ..., and each run its own shots: the\n"
    "               datasets hold shots per state x S; default 5, at most 16):\n"
    "               mean ± sd across them, and the best (as the paper reports)\n"
    "  --out DIR    output folder (default benchmark-quick or benchmark)\n"
    "  --seed S     datasets, splits and initial angles\n"
    "  --json       one JSON object: rows (model, sites, shots (per state and run),\n"
    "               shots_total (one run), train_points, test_points, seeds,\n"
    "               majority_baseline, and per classifier test_accuracy (the mean),\n"
    "               test_stderr (of the mean), test_accuracy_sd, test_accuracy_best,\n"
    "               balanced_accuracy, balanced_accuracy_sd; where the QCNN runs,\n"
    "               surrogate_exact (the surrogate trained and tested on exact <P>)\n"
    "               and qcnn_shots (the QCNN trained on shots, with\n"
    "               train_shots_per_step and its shots_total)), report, seconds\n"
    "  --quiet      no progress on stderr\n";

typedef struct {
    const char *dir;
    const char *only; /* comma-separated model names, or NULL for every row */
    bool quick, full, quiet, json;
    bool curves; /* the learning curves only */
    uint64_t seed;
    int seeds; /* train/test runs per row */
    const char *command;
    const cli_common_t *common; /* for the JSON answer's seed and elapsed_s */
} bench_args_t;

static void say(const bench_args_t *a, const char *fmt, ...) PL_PRINTF(2, 3);
static void say(const bench_args_t *a, const char *fmt, ...) {
    if (a->quiet) return;
    va_list ap;
    va_start(ap, fmt);
    fputs("plateau benchmark: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* The row's dataset, loaded: computed (or resumed) unless the file is already
 * there with at least the shots the runs read (row shots × seeds: every run
 * its own). */
static pl_status_t make_dataset(const bench_args_t *a, const bench_row_t *row, const char *path,
                                double *seconds, pl_dataset_t **d) {
    pl_timer_t t = pl_timer_start();
    *seconds = 0.0;
    const uint64_t shots = row->shots * (uint64_t)a->seeds;
    if (pl_dataset_load(path, d) == PL_OK && (*d)->points == row->points &&
        (*d)->sites == row->sites && (*d)->shots >= shots && (*d)->stratified)
        return PL_OK;
    pl_dataset_destroy(*d);
    *d = NULL;
    pl_dataset_opts_t o = {.sites = row->sites,
                           .points = row->points,
                           .shots = shots,
                           .seed = a->seed,
                           .stratified = true, /* every phase in the data, equally */
                           .nranks = 1};
    PL_TRY(pl_model_lookup(row->model, &o.model));
    o.gs.chi_max = row->chi;
    o.gs.energy_tol = row->sites > 64 ? 1e-7 : 0.0; /* labels need no more than that */
    pl_progress_t *bar = NULL;
    if (!a->quiet) {
        o.progress = cli_dataset_progress;
        o.progress_ctx = &bar;
    }
    pl_status_t st = pl_dataset_compute(&o, path, NULL, NULL);
    if (bar) pl_progress_end(bar);
    if (st == PL_OK) st = pl_dataset_merge(&o, path, a->command, NULL);
    *seconds = pl_timer_elapsed(&t);
    return st == PL_OK ? pl_dataset_load(path, d) : st;
}

/* What a row trains besides the three classifiers. */
typedef enum {
    BENCH_PLAIN,  /* the classifier as it is */
    BENCH_EXACT,  /* the surrogate on exact ⟨P⟩ */
    BENCH_DEVICE, /* the QCNN trained on shots */
} bench_variant_t;

static const char *variant_name(pl_clf_kind_t kind, bench_variant_t v) {
    return v == BENCH_EXACT    ? "surrogate on exact <P>"
           : v == BENCH_DEVICE ? "qcnn on shots"
                               : pl_clf_name(kind);
}

/* The classifier trained and tested once per seed, run j on shots
 * [j·shots, (j + 1)·shots) of every state (the first seed's model handed out
 * through @p model, may be NULL). */
static pl_status_t train_one(const bench_args_t *a, const bench_row_t *row, const pl_dataset_t *d,
                             pl_sv_t *const *states, pl_clf_kind_t kind, bench_variant_t variant,
                             bench_score_t *s, pl_clf_t **model) {
    pl_timer_t t = pl_timer_start();
    for (int j = 0; j < a->seeds; j++) {
        const uint64_t seed = a->seed + (uint64_t)j;
        pl_eval_opts_t o = {.seed = seed,
                            .train_points = row->train,
                            .test_points = row->test,
                            .shots = row->shots,
                            .shot_first = (uint64_t)j * row->shots,
                            .states = states,
                            .clf = {.kind = kind, .seed = seed, .max_iter = BENCH_ITERATIONS},
                            .exact_features = variant == BENCH_EXACT};
        o.clf.k = kind == PL_CLF_LINEAR ? row->k_linear : row->k_surrogate;
        if (kind == PL_CLF_LINEAR) o.clf.max_iter = 0; /* its own default */
        if (variant == BENCH_DEVICE) o.clf.train_shots = bench_device_shots(row);
        PL_TRY(pl_dataset_train_test(d, &o, &s->eval[j], j == 0 ? model : NULL));
    }
    s->seconds = pl_timer_elapsed(&t);
    s->seeds = a->seeds;
    s->ran = true;
    bench_score_summarise(s);
    say(a, "  %-9s test accuracy %.3f +- %.3f over %d seeds (best %.3f; balanced %.3f; %.1f s)",
        variant_name(kind, variant), s->acc_mean, s->acc_sd, s->seeds, s->acc_best, s->bal_mean,
        s->seconds);
    return PL_OK;
}

/* The surrogate's prediction of every point, for the phase-diagram plot. */
static pl_status_t predict_all(const pl_clf_t *c, const pl_dataset_t *d, uint64_t shots,
                               bench_result_t *r) {
    r->points = d->points;
    r->nparams = d->nparams;
    r->model = d->model;
    r->predicted = malloc((size_t)d->points * sizeof *r->predicted);
    r->labels = malloc((size_t)d->points * sizeof *r->labels);
    r->params = malloc((size_t)d->points * d->nparams * sizeof *r->params);
    pl_shadows_t **first = calloc((size_t)d->points, sizeof *first);
    pl_status_t st = PL_OK;
    if (!r->predicted || !r->labels || !r->params || !first)
        st = pl_error_nomemf("the predictions for %d points", d->points);
    /* the first run's shots, as the model was trained and tested on */
    for (int i = 0; i < d->points && st == PL_OK; i++)
        st = pl_shadows_slice(d->shadows[i], 0, (size_t)shots, &first[i]);
    if (st == PL_OK) {
        memcpy(r->labels, d->labels, (size_t)d->points * sizeof *r->labels);
        memcpy(r->params, d->params, (size_t)d->points * d->nparams * sizeof *r->params);
        const pl_clf_data_t all = {d->points, d->labels, first, NULL};
        st = pl_clf_predict(c, &all, r->predicted, NULL);
    }
    for (int i = 0; first && i < d->points; i++) pl_shadows_destroy(first[i]);
    free(first);
    return st;
}

static void free_states(pl_sv_t **states, int points) {
    for (int i = 0; states && i < points; i++) pl_sv_destroy(states[i]);
    free(states);
}

static pl_status_t run_row(const bench_args_t *a, const bench_row_t *row, bench_result_t *r) {
    char path[4096];
    bench_data_file(a->dir, row, ".h5", path, sizeof path);
    say(a, "%s-%d: %d points, %llu shots per state and run%s", row->model, row->sites, row->points,
        (unsigned long long)row->shots, row->train ? " (training-set size row)" : "");
    r->row = row;
    pl_dataset_t *d;
    PL_TRY(make_dataset(a, row, path, &r->dataset_seconds, &d));
    r->train_points = row->train ? row->train : (int)lround(0.5 * d->points);
    r->test_points = row->test ? row->test : d->points - r->train_points;
    r->seeds = a->seeds;
    r->model = d->model;
    /* the exact states once for every run that needs them (QCNN, surrogate on ⟨P⟩) */
    pl_sv_t **states = NULL;
    pl_status_t st = row->qcnn ? pl_dataset_exact_states(d, a->seed, &states) : PL_OK;
    for (int k = 0; k < PL_CLF_COUNT && st == PL_OK; k++) {
        if (k == PL_CLF_QCNN && !row->qcnn) continue;
        pl_clf_t *model = NULL;
        st = train_one(a, row, d, states, (pl_clf_kind_t)k, BENCH_PLAIN, &r->score[k],
                       k == PL_CLF_SURROGATE ? &model : NULL);
        if (st == PL_OK && model) st = predict_all(model, d, row->shots, r);
        pl_clf_destroy(model);
    }
    /* where the QCNN runs: the surrogate on the information the exact-trained QCNN
     * gets (exact expectation values, no shot noise), and the QCNN trained, as on a
     * device, on shots */
    if (st == PL_OK && row->qcnn)
        st = train_one(a, row, d, states, PL_CLF_SURROGATE, BENCH_EXACT, &r->exact, NULL);
    if (st == PL_OK && row->qcnn)
        st = train_one(a, row, d, states, PL_CLF_QCNN, BENCH_DEVICE, &r->device, NULL);
    /* the baseline depends on the split only: the same for every classifier */
    const bench_score_t *any = &r->score[PL_CLF_LINEAR];
    for (int j = 0; st == PL_OK && j < any->seeds; j++)
        r->majority += any->eval[j].majority_accuracy / any->seeds;
    if (st != PL_OK) pl_error_prefix("%s-%d", row->model, row->sites);
    free_states(states, d->points);
    pl_dataset_destroy(d);
    return st;
}

/* Surrogate accuracy against k (on the row's shots per state) and against the
 * first S shots of each state (up to all the dataset holds). */
static pl_status_t tradeoff(const bench_args_t *a, const bench_row_t *row, bench_tradeoff_t *t) {
    char path[4096];
    bench_data_file(a->dir, row, ".h5", path, sizeof path);
    pl_dataset_t *d;
    PL_TRY(pl_dataset_load(path, &d));
    memset(t, 0, sizeof *t);
    t->model = row->model;
    t->sites = row->sites;
    pl_status_t st = PL_OK;
    say(a, "trade-off on %s-%d: surrogate accuracy against k and shots", row->model, row->sites);
    pl_eval_opts_t o = {.seed = a->seed,
                        .train_points = row->train,
                        .test_points = row->test,
                        .clf = {.kind = PL_CLF_SURROGATE, .seed = a->seed}};
    for (int k = 1; k <= 3 && st == PL_OK; k++) {
        pl_eval_result_t e;
        o.clf.k = k;
        o.shots = row->shots;
        st = pl_dataset_train_test(d, &o, &e, NULL);
        t->k[t->nk] = k;
        t->acc_k[t->nk] = e.test_accuracy;
        t->err_k[t->nk++] = e.test_stderr;
    }
    static const int shots[] = {10, 25, 50, 100, 200, 500, 1000};
    o.clf.k = row->k_surrogate;
    for (size_t s = 0; s < sizeof shots / sizeof *shots && st == PL_OK; s++) {
        if ((uint64_t)shots[s] > d->shots) break;
        pl_eval_result_t e;
        o.shots = (uint64_t)shots[s];
        st = pl_dataset_train_test(d, &o, &e, NULL);
        t->shots[t->nshots] = shots[s];
        t->acc_shots[t->nshots] = e.test_accuracy;
        t->err_shots[t->nshots++] = e.test_stderr;
    }
    pl_dataset_destroy(d);
    return st;
}

static void print_json(const bench_args_t *a, const bench_result_t *r, int nrows,
                       const bench_curve_t *curves, int ncurves, double seconds) {
    cJSON *o = cli_json_begin("benchmark"), *rows = cJSON_CreateArray();
    cJSON_AddBoolToObject(o, "quick", a->quick);
    for (int i = 0; i < nrows; i++) {
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "model", r[i].row->model);
        cJSON_AddNumberToObject(row, "sites", r[i].row->sites);
        cJSON_AddNumberToObject(row, "shots", (double)r[i].row->shots);
        cJSON_AddNumberToObject(row, "shots_total", (double)bench_shots_total(&r[i]));
        cJSON_AddNumberToObject(row, "train_points", r[i].train_points);
        cJSON_AddNumberToObject(row, "test_points", r[i].test_points);
        cJSON_AddNumberToObject(row, "seeds", r[i].seeds);
        cJSON_AddNumberToObject(row, "majority_baseline", r[i].majority);
        for (int k = 0; k < PL_CLF_COUNT; k++)
            if (r[i].score[k].ran)
                cJSON_AddItemToObject(row, pl_clf_name((pl_clf_kind_t)k),
                                      bench_score_json(&r[i].score[k], false));
        if (r[i].exact.ran)
            cJSON_AddItemToObject(row, "surrogate_exact", bench_score_json(&r[i].exact, false));
        bench_device_json(row, &r[i], false);
        cJSON_AddItemToArray(rows, row);
    }
    cJSON_AddItemToObject(o, "rows", rows);
    cJSON *cv = cJSON_CreateArray();
    for (int i = 0; i < ncurves; i++) cJSON_AddItemToArray(cv, bench_curve_json(&curves[i]));
    cJSON_AddItemToObject(o, "curves", cv);
    char report[4200];
    snprintf(report, sizeof report, "%s/report.md", a->dir);
    cJSON_AddStringToObject(o, "report", report);
    cJSON_AddNumberToObject(o, "seconds", seconds);
    cli_json_finish(o, a->common);
}

/* Refuse, before any work, a file in the output folder that the write would
 * refuse (pl_io_out_check): the datasets, report.md, results.json, the plots. */
static pl_status_t check_outputs(const bench_args_t *a, const bench_plan_t *p) {
    static const char *const fixed[] = {"report.md", "results.json", "tradeoff.png", "tradeoff.svg",
                                        "tradeoff.csv"};
    const bench_row_t *const *rows = p->rows;
    const int nrows = p->nrows;
    char path[4200];
    for (int i = 0; i < p->ncurves; i++) {
        static const char *const kinds[] = {".h5", ".png", ".svg", ".csv"};
        for (int k = 0; k < 4; k++) {
            bench_curve_file(a->dir, p->curves[i]->model, BENCH_CURVE_SITES, kinds[k], path,
                             sizeof path);
            PL_TRY(pl_io_out_check(path));
        }
    }
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
        snprintf(path, sizeof path, "%s/%s", a->dir, fixed[i]);
        PL_TRY(pl_io_out_check(path));
    }
    for (int i = 0; i < nrows; i++) {
        bench_data_file(a->dir, rows[i], ".h5", path, sizeof path);
        PL_TRY(pl_io_out_check(path));
        static const char *const kinds[] = {".png", ".csv", ".svg"};
        for (int k = 0; k < 3; k++) {
            bench_phase_file(a->dir, rows[i], kinds[k], path, sizeof path);
            PL_TRY(pl_io_out_check(path));
        }
    }
    return PL_OK;
}

/* The learning curves of quick row @p row's model on a dataset of their own. */
static pl_status_t run_curve(const bench_args_t *a, const bench_row_t *row, bench_curve_t *cv) {
    char path[4200];
    bench_curve_file(a->dir, row->model, BENCH_CURVE_SITES, ".h5", path, sizeof path);
    const bench_row_t data = {.model = row->model,
                              .sites = BENCH_CURVE_SITES,
                              .points = BENCH_CURVE_POINTS,
                              .shots = (uint64_t)bench_curve_shots[BENCH_CURVE_STEPS - 1]};
    say(a, "learning curves on %s-%d: %d points, up to %d training states and %d shots per state",
        row->model, BENCH_CURVE_SITES, BENCH_CURVE_POINTS, bench_curve_train[BENCH_CURVE_STEPS - 1],
        bench_curve_shots[BENCH_CURVE_STEPS - 1]);
    pl_dataset_t *d;
    double seconds;
    PL_TRY(make_dataset(a, &data, path, &seconds, &d));
    pl_status_t st =
        bench_curve_compute(d, a->seeds, a->seed, row->k_surrogate, row->k_linear, a->quiet, cv);
    if (st == PL_OK) cv->seconds += seconds;
    if (st != PL_OK) pl_error_prefix("learning curves on %s-%d", row->model, BENCH_CURVE_SITES);
    pl_dataset_destroy(d);
    return st;
}

static pl_status_t run(const bench_args_t *a) {
    bench_plan_t p;
    PL_TRY(bench_plan_make(a->only, a->quick, a->curves, &p));
    const bench_row_t *const *rows = p.rows;
    const int nrows = p.nrows;
    PL_TRY(check_outputs(a, &p));
    if (mkdir(a->dir, 0755) != 0 && errno != EEXIST)
        return pl_error(PL_EIO, "cannot create '%s': %s", a->dir, strerror(errno));
    bench_result_t *res = calloc((size_t)nrows + 1, sizeof *res);
    bench_curve_t *curves = calloc((size_t)p.ncurves + 1, sizeof *curves);
    if (!res || !curves) {
        free(res);
        free(curves);
        return pl_error_nomemf("the results of %d benchmark rows", nrows);
    }
    pl_timer_t t = pl_timer_start();
    pl_status_t st = PL_OK;
    double done_planned = 0;
    const double planned = bench_plan_seconds(&p, a->seeds, pl_threads_get());
    const int steps = nrows + p.ncurves;
    for (int i = 0; i < steps && st == PL_OK; i++) {
        if (i < nrows) {
            st = run_row(a, rows[i], &res[i]);
            done_planned += bench_row_estimate(&p, i, a->seeds, pl_threads_get());
        } else {
            st = run_curve(a, p.curves[i - nrows], &curves[i - nrows]);
            done_planned += bench_curve_estimate(p.curves[i - nrows], a->seeds);
        }
        /* the plan's remainder, scaled by how the steps so far compared with it */
        const double spent = pl_timer_elapsed(&t), left = (planned - done_planned) * spent /
                                                          (done_planned > 0 ? done_planned : 1);
        if (st == PL_OK && i + 1 < steps)
            say(a, "%d of %d done after %.0f s; about %.0f s left", i + 1, steps, spent, left);
    }
    bench_tradeoff_t trade;
    /* the trade-off on the cluster-Ising row (the paper's Haldane chain) when it ran */
    int tr = 0;
    for (int i = 0; i < nrows; i++)
        if (strcmp(rows[i]->model, "cluster-ising") == 0) {
            tr = i;
            break;
        }
    if (st == PL_OK && nrows) st = tradeoff(a, rows[tr], &trade);
    const double seconds = pl_timer_elapsed(&t);
    if (st == PL_OK)
        st = bench_write_report(a->dir, a->quick, res, nrows, nrows ? &trade : NULL, curves,
                                p.ncurves, seconds);
    if (st == PL_OK) {
        say(a, "report: %s/report.md (%.0f s)", a->dir, seconds);
        if (a->json)
            print_json(a, res, nrows, curves, p.ncurves, seconds);
        else
            printf("%s/report.md\n", a->dir);
    }
    for (int i = 0; i < nrows; i++) {
        free(res[i].predicted);
        free(res[i].params);
        free(res[i].labels);
    }
    free(res);
    free(curves);
    return st;
}

int cli_cmd_benchmark(const cli_command_t *cmd, int argc, char **argv) {
    bench_args_t a = {.seeds = 5};
    cli_common_t common = {0};
    const cli_opt_t opts[] = {
        {"--quick", CLI_FLAG, &a.quick, NULL}, {"--full", CLI_FLAG, &a.full, NULL},
        {"--out", CLI_STRING, &a.dir, NULL},   {"--only", CLI_STRING, &a.only, NULL},
        {"--seeds", CLI_INT, &a.seeds, NULL},  {"--curves", CLI_FLAG, &a.curves, NULL},
    };
    int npos = 0;
    int rc = CLI_PARSE(cmd, argc, argv, opts, &common, NULL, &npos);
    if (rc != CLI_CONTINUE) return rc;
    if (!a.dir) a.dir = a.quick ? "benchmark-quick" : "benchmark";
    if (a.seeds < 1 || a.seeds > BENCH_MAX_SEEDS) {
        cli_error("benchmark", "--seeds %d: give 1 to %d", a.seeds, BENCH_MAX_SEEDS);
        return CLI_USAGE;
    }
    a.quiet = common.quiet;
    a.json = common.json;
    a.seed = common.seed;
    a.common = &common;
    if (a.quick && (a.full || a.curves)) {
        cli_error("benchmark", a.full ? "--quick and --full: give one"
                                      : "--quick and --curves: the curves are not in the demo");
        return CLI_USAGE;
    }
    if (!a.quick && !a.full) { /* the plan first; a long run needs --full */
        bench_plan_t p;
        pl_status_t st = bench_plan_make(a.only, a.quick, a.curves, &p);
        if (st != PL_OK) return cli_fail("benchmark", st);
        /* printed as the answer when it does not run, else as progress */
        const double seconds = bench_plan_seconds(&p, a.seeds, pl_threads_get());
        if (seconds > 600 || !a.quiet)
            bench_plan_print(&p, a.seeds, a.quick, seconds > 600 ? stdout : stderr);
        if (seconds > 600) {
            fprintf(stderr,
                    "plateau benchmark: about %.0f min: run it with --full (or --quick for the "
                    "8-site demo)\n",
                    seconds / 60);
            return CLI_OK;
        }
    }
    char *command = cli_command_line(argc, argv);
    a.command = command;
    pl_status_t st = command ? run(&a) : pl_error_nomem("the command line");
    free(command);
    return st == PL_OK ? CLI_OK : cli_fail("benchmark", st);
}
