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
    "  --full       the paper's sizes and 12-site rows with the QCNN. Without --quick\n"
    "               or --full the plan is printed (rows, sizes, estimated time) and\n"
    "               runs only if it is estimated under 10 minutes\n"
    "  --only M,... run only the rows of these models (e.g. --only tfim,annni)\n"
    "  --seeds S    independent train/test runs per row (split, initial angles and\n"
    "               readout shots from seed, seed + 1, ...; default 5, at most 16):\n"
    "               mean ± sd across them, and the best (as the paper reports)\n"
    "  --out DIR    output folder (default benchmark-quick or benchmark)\n"
    "  --seed S     datasets, splits and initial angles\n"
    "  --json       one JSON object: rows (model, sites, shots, shots_total,\n"
    "               train_points, seeds, majority_baseline, and per classifier\n"
    "               test_accuracy (the mean), test_stderr (of the mean),\n"
    "               test_accuracy_sd, test_accuracy_best, balanced_accuracy,\n"
    "               balanced_accuracy_sd; surrogate_exact: the surrogate trained\n"
    "               and tested on exact <P> where the QCNN runs), report, seconds\n"
    "  --quiet      no progress on stderr\n";

/* Quick: every model at 8 sites, all three classifiers. */
static const bench_row_t quick_rows[] = {
    {"tfim", 8, 80, 200, 0, 2, 2, true, NULL},
    {"xxx-alternating", 8, 80, 200, 0, 2, 2, true, NULL},
    {"cluster-ising", 8, 100, 200, 0, 2, 2, true, NULL},
    {"generalized-cluster", 8, 100, 200, 0, 2, 3, true, NULL},
    {"annni", 8, 100, 200, 0, 3, 3, true, NULL},
};

/* Full: the paper's sizes, plus 12-site rows where the QCNN runs too. */
static const bench_row_t full_rows[] = {
    {"tfim", 12, 80, 100, 0, 2, 2, true, NULL},
    {"xxx-alternating", 12, 80, 100, 0, 2, 2, true, NULL},
    {"cluster-ising", 12, 120, 100, 0, 2, 2, true, NULL},
    {"generalized-cluster", 12, 120, 100, 0, 3, 3, true, NULL},
    {"annni", 12, 120, 100, 0, 3, 3, true, NULL},
    {"xxx-alternating", 1024, 200, 100, 16, 2, 2, false, "> 90 % (Bermejo et al.)"},
    {"cluster-ising", 512, 400, 100, 16, 2, 2, false, "~86 % with 200 training points"},
    {"generalized-cluster", 32, 200, 100, 32, 3, 3, false, "80-85 % (four phases)"},
    {"annni", 32, 200, 100, 32, 3, 3, false, "80-85 % (four phases)"},
};

typedef struct {
    const char *dir;
    const char *only; /* comma-separated model names, or NULL for every row */
    bool quick, full, quiet, json;
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

void bench_row_file(const char *dir, const char *prefix, const bench_row_t *r, const char *suffix,
                    char *buf, size_t cap) {
    snprintf(buf, cap, "%s/%s%s-%d%s", dir, prefix, r->model, r->sites, suffix);
}

/* The row's dataset, loaded: computed (or resumed) unless the file is already there. */
static pl_status_t make_dataset(const bench_args_t *a, const bench_row_t *row, const char *path,
                                double *seconds, pl_dataset_t **d) {
    pl_timer_t t = pl_timer_start();
    *seconds = 0.0;
    if (pl_dataset_load(path, d) == PL_OK && (*d)->points == row->points &&
        (*d)->sites == row->sites && (*d)->shots == row->shots && (*d)->stratified)
        return PL_OK;
    pl_dataset_destroy(*d);
    *d = NULL;
    pl_dataset_opts_t o = {.sites = row->sites,
                           .points = row->points,
                           .shots = row->shots,
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

/* The classifier trained and tested once per seed (the first seed's model
 * handed out through @p model, may be NULL). */
static pl_status_t train_one(const bench_args_t *a, const bench_row_t *row, const pl_dataset_t *d,
                             pl_clf_kind_t kind, bool exact, bench_score_t *s, pl_clf_t **model) {
    pl_timer_t t = pl_timer_start();
    for (int j = 0; j < a->seeds; j++) {
        const uint64_t seed = a->seed + (uint64_t)j;
        pl_eval_opts_t o = {.seed = seed,
                            .clf = {.kind = kind, .seed = seed},
                            .exact_features = exact};
        o.clf.k = kind == PL_CLF_LINEAR ? row->k_linear : row->k_surrogate;
        PL_TRY(pl_dataset_train_test(d, &o, &s->eval[j], j == 0 ? model : NULL));
    }
    s->seconds = pl_timer_elapsed(&t);
    s->seeds = a->seeds;
    s->ran = true;
    bench_score_summarise(s);
    say(a, "  %-9s test accuracy %.3f +- %.3f over %d seeds (best %.3f; balanced %.3f; %.1f s)",
        exact ? "surrogate on exact <P>" : pl_clf_name(kind), s->acc_mean, s->acc_sd, s->seeds,
        s->acc_best, s->bal_mean, s->seconds);
    return PL_OK;
}

/* The surrogate's prediction of every point, for the phase-diagram plot. */
static pl_status_t predict_all(const pl_clf_t *c, const pl_dataset_t *d, bench_result_t *r) {
    r->points = d->points;
    r->nparams = d->nparams;
    r->model = d->model;
    r->predicted = malloc((size_t)d->points * sizeof *r->predicted);
    r->labels = malloc((size_t)d->points * sizeof *r->labels);
    r->params = malloc((size_t)d->points * d->nparams * sizeof *r->params);
    if (!r->predicted || !r->labels || !r->params)
        return pl_error_nomemf("the predictions for %d points", d->points);
    memcpy(r->labels, d->labels, (size_t)d->points * sizeof *r->labels);
    memcpy(r->params, d->params, (size_t)d->points * d->nparams * sizeof *r->params);
    const pl_clf_data_t all = {d->points, d->labels, d->shadows, NULL};
    return pl_clf_predict(c, &all, r->predicted, NULL);
}

static pl_status_t run_row(const bench_args_t *a, const bench_row_t *row, bench_result_t *r) {
    char path[4096];
    bench_row_file(a->dir, "", row, ".h5", path, sizeof path);
    say(a, "%s-%d: %d points, %llu shots per state", row->model, row->sites, row->points,
        (unsigned long long)row->shots);
    r->row = row;
    pl_dataset_t *d;
    PL_TRY(make_dataset(a, row, path, &r->dataset_seconds, &d));
    r->train_points = (int)(0.5 * d->points + 0.5);
    r->seeds = a->seeds;
    r->model = d->model;
    pl_status_t st = PL_OK;
    for (int k = 0; k < PL_CLF_COUNT && st == PL_OK; k++) {
        if (k == PL_CLF_QCNN && !row->qcnn) continue;
        pl_clf_t *model = NULL;
        st = train_one(a, row, d, (pl_clf_kind_t)k, false, &r->score[k],
                       k == PL_CLF_SURROGATE ? &model : NULL);
        if (st == PL_OK && model) st = predict_all(model, d, r);
        pl_clf_destroy(model);
    }
    /* where the QCNN runs, the surrogate also on the information the QCNN trains on:
     * exact expectation values, no shot noise */
    if (st == PL_OK && row->qcnn)
        st = train_one(a, row, d, PL_CLF_SURROGATE, true, &r->exact, NULL);
    /* the baseline depends on the split only: the same for every classifier */
    const bench_score_t *any = &r->score[PL_CLF_LINEAR];
    for (int j = 0; st == PL_OK && j < any->seeds; j++)
        r->majority += any->eval[j].majority_accuracy / any->seeds;
    if (st != PL_OK) pl_error_prefix("%s-%d", row->model, row->sites);
    pl_dataset_destroy(d);
    return st;
}

/* Surrogate accuracy against k and against the first S shots of each state. */
static pl_status_t tradeoff(const bench_args_t *a, const bench_row_t *row, bench_tradeoff_t *t) {
    char path[4096];
    bench_row_file(a->dir, "", row, ".h5", path, sizeof path);
    pl_dataset_t *d;
    PL_TRY(pl_dataset_load(path, &d));
    memset(t, 0, sizeof *t);
    t->model = row->model;
    t->sites = row->sites;
    pl_status_t st = PL_OK;
    say(a, "trade-off on %s-%d: surrogate accuracy against k and shots", row->model, row->sites);
    for (int k = 1; k <= 3 && st == PL_OK; k++) {
        pl_eval_opts_t o = {.seed = a->seed,
                            .clf = {.kind = PL_CLF_SURROGATE, .k = k, .seed = a->seed}};
        pl_eval_result_t e;
        st = pl_dataset_train_test(d, &o, &e, NULL);
        t->k[t->nk] = k;
        t->acc_k[t->nk] = e.test_accuracy;
        t->err_k[t->nk++] = e.test_stderr;
    }
    static const int shots[] = {10, 25, 50, 100, 200};
    pl_shadows_t **full = d->shadows;
    pl_shadows_t **part = calloc((size_t)d->points, sizeof *part);
    if (!part) st = pl_error_nomemf("the shadows of %d points", d->points);
    for (int s = 0; s < 5 && st == PL_OK && (uint64_t)shots[s] <= d->shots; s++) {
        for (int i = 0; i < d->points && st == PL_OK; i++) {
            pl_shadows_destroy(part[i]);
            st = pl_shadows_head(full[i], (size_t)shots[s], &part[i]);
        }
        d->shadows = part;
        pl_eval_opts_t o = {.seed = a->seed,
                            .clf = {.kind = PL_CLF_SURROGATE,
                                    .k = row->k_surrogate,
                                    .seed = a->seed}};
        pl_eval_result_t e;
        if (st == PL_OK) st = pl_dataset_train_test(d, &o, &e, NULL);
        d->shadows = full;
        t->shots[t->nshots] = shots[s];
        t->acc_shots[t->nshots] = e.test_accuracy;
        t->err_shots[t->nshots++] = e.test_stderr;
    }
    for (int i = 0; part && i < d->points; i++) pl_shadows_destroy(part[i]);
    free(part);
    pl_dataset_destroy(d);
    return st;
}

static void print_json(const bench_args_t *a, const bench_result_t *r, int nrows, double seconds) {
    cJSON *o = cli_json_begin("benchmark"), *rows = cJSON_CreateArray();
    cJSON_AddBoolToObject(o, "quick", a->quick);
    for (int i = 0; i < nrows; i++) {
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "model", r[i].row->model);
        cJSON_AddNumberToObject(row, "sites", r[i].row->sites);
        cJSON_AddNumberToObject(row, "shots", (double)r[i].row->shots);
        cJSON_AddNumberToObject(row, "shots_total", (double)r[i].row->shots * r[i].row->points);
        cJSON_AddNumberToObject(row, "train_points", r[i].train_points);
        cJSON_AddNumberToObject(row, "seeds", r[i].seeds);
        cJSON_AddNumberToObject(row, "majority_baseline", r[i].majority);
        for (int k = 0; k < PL_CLF_COUNT; k++)
            if (r[i].score[k].ran)
                cJSON_AddItemToObject(row, pl_clf_name((pl_clf_kind_t)k),
                                      bench_score_json(&r[i].score[k], false));
        if (r[i].exact.ran)
            cJSON_AddItemToObject(row, "surrogate_exact", bench_score_json(&r[i].exact, false));
        cJSON_AddItemToArray(rows, row);
    }
    cJSON_AddItemToObject(o, "rows", rows);
    char report[4200];
    snprintf(report, sizeof report, "%s/report.md", a->dir);
    cJSON_AddStringToObject(o, "report", report);
    cJSON_AddNumberToObject(o, "seconds", seconds);
    cli_json_finish(o, a->common);
}

/* Is model @p name in the comma-separated list (NULL: everything)? */
static bool selected(const char *only, const char *name) {
    if (!only) return true;
    const size_t len = strlen(name);
    for (const char *p = only; *p;) {
        const char *end = strchr(p, ',');
        const size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && strncmp(p, name, n) == 0) return true;
        p += n + (end != NULL);
    }
    return false;
}

/* The rows to run, checked against --only. */
static pl_status_t plan(const bench_args_t *a, const bench_row_t **rows, int *nrows) {
    const bench_row_t *all = a->quick ? quick_rows : full_rows;
    const int count =
        a->quick ? (int)(sizeof quick_rows / sizeof *all) : (int)(sizeof full_rows / sizeof *all);
    const bench_row_t **pick = (const bench_row_t **)rows;
    *nrows = 0;
    for (int i = 0; i < count; i++)
        if (selected(a->only, all[i].model)) pick[(*nrows)++] = &all[i];
    for (const char *p = a->only; p && *p;) { /* every name must be a model */
        const char *end = strchr(p, ',');
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(end ? (size_t)(end - p) : strlen(p)), p);
        const pl_model_t *m;
        PL_TRY(pl_model_lookup(name, &m));
        p = end ? end + 1 : p + strlen(p);
    }
    if (*nrows == 0) return pl_error(PL_EINVAL, "--only selects no row");
    return PL_OK;
}

/* Refuse, before any work, a file in the output folder that the write would
 * refuse (pl_io_out_check): the datasets, report.md, results.json, the plots. */
static pl_status_t check_outputs(const bench_args_t *a, const bench_row_t *const *rows, int nrows) {
    static const char *const fixed[] = {"report.md", "results.json", "tradeoff.png", "tradeoff.svg",
                                        "tradeoff.csv"};
    char path[4200];
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
        snprintf(path, sizeof path, "%s/%s", a->dir, fixed[i]);
        PL_TRY(pl_io_out_check(path));
    }
    for (int i = 0; i < nrows; i++) {
        bench_row_file(a->dir, "", rows[i], ".h5", path, sizeof path);
        PL_TRY(pl_io_out_check(path));
        bench_row_file(a->dir, "phase-", rows[i], ".png", path, sizeof path);
        PL_TRY(pl_io_out_check(path));
        bench_row_file(a->dir, "phase-", rows[i], ".csv", path, sizeof path);
        PL_TRY(pl_io_out_check(path));
        bench_row_file(a->dir, "phase-", rows[i], ".svg", path, sizeof path);
        PL_TRY(pl_io_out_check(path));
    }
    return PL_OK;
}

/*
 * Rough wall seconds of a row on @p threads threads, from constants measured
 * on a 2-core AVX-512 machine (2026-12-03; docs/learn.md): DMRG points cost
 * ~4.5e-7 s × sites × χ³ each, exact ground states ~2e-7 s × 2^n × n; the
 * QCNN's training ~2e-5 s × 2^n × n × training points per seed (12 sites, 40
 * points: 38 s); the shadow models ~0.02 s + 4e-8 s × sites × points × shots
 * per seed. A plan, not a promise: other machines differ by several times.
 */
static double row_estimate(const bench_row_t *r, int seeds, int threads) {
    const double n = r->sites, pts = r->points, train = 0.5 * pts;
    const double chi = r->chi ? r->chi : 64;
    const double per_point = r->sites > 20 ? 4.5e-7 * n * chi * chi * chi : 2e-7 * pow(2, n) * n;
    double t = per_point * pts / threads;
    if (r->qcnn) t += seeds * 2e-5 * pow(2, n) * n * train;
    t += 2 * seeds * (0.02 + 4e-8 * n * pts * (double)r->shots);
    return t;
}

/* The plan: one line per row, and the estimated total. */
static double print_plan(const bench_args_t *a, const bench_row_t *const *rows, int nrows) {
    const int threads = pl_threads_get();
    double total = 0;
    printf("plateau benchmark%s: %d rows, %d runs each (--seeds), %d threads\n",
           a->quick ? " --quick" : "", nrows, a->seeds, threads);
    printf("  %-20s %6s %7s %6s %5s  %-24s %10s\n", "dataset", "sites", "points", "shots", "chi",
           "classifiers", "about");
    for (int i = 0; i < nrows; i++) {
        const bench_row_t *r = rows[i];
        const double t = row_estimate(r, a->seeds, threads);
        total += t;
        char chi[16];
        snprintf(chi, sizeof chi, r->chi ? "%d" : "auto", r->chi);
        printf("  %-20s %6d %7d %6llu %5s  %-24s %8.1f min\n", r->model, r->sites, r->points,
               (unsigned long long)r->shots, chi,
               r->qcnn ? "qcnn, surrogate, linear" : "surrogate, linear", t / 60);
    }
    printf("  estimated in all: %.0f min (rough: measured on a 2-core machine)\n", total / 60);
    return total;
}

static pl_status_t run(const bench_args_t *a) {
    const bench_row_t *rows[16];
    int nrows;
    PL_TRY(plan(a, rows, &nrows));
    PL_TRY(check_outputs(a, rows, nrows));
    if (mkdir(a->dir, 0755) != 0 && errno != EEXIST)
        return pl_error(PL_EIO, "cannot create '%s': %s", a->dir, strerror(errno));
    bench_result_t *res = calloc((size_t)nrows, sizeof *res);
    if (!res) return pl_error_nomemf("the results of %d benchmark rows", nrows);
    pl_timer_t t = pl_timer_start();
    pl_status_t st = PL_OK;
    double planned = 0, done_planned = 0;
    for (int i = 0; i < nrows; i++) planned += row_estimate(rows[i], a->seeds, pl_threads_get());
    for (int i = 0; i < nrows && st == PL_OK; i++) {
        st = run_row(a, rows[i], &res[i]);
        done_planned += row_estimate(rows[i], a->seeds, pl_threads_get());
        /* the plan's remainder, scaled by how the rows so far compared with it */
        const double spent = pl_timer_elapsed(&t), left = (planned - done_planned) * spent /
                                                          (done_planned > 0 ? done_planned : 1);
        if (st == PL_OK && i + 1 < nrows)
            say(a, "row %d of %d done after %.0f s; about %.0f s left", i + 1, nrows, spent, left);
    }
    bench_tradeoff_t trade;
    /* the trade-off on the cluster-Ising row (the paper's Haldane chain) when it ran */
    int tr = 0;
    for (int i = 0; i < nrows; i++)
        if (strcmp(rows[i]->model, "cluster-ising") == 0) {
            tr = i;
            break;
        }
    if (st == PL_OK) st = tradeoff(a, rows[tr], &trade);
    const double seconds = pl_timer_elapsed(&t);
    if (st == PL_OK) st = bench_write_report(a->dir, a->quick, res, nrows, &trade, seconds);
    if (st == PL_OK) {
        say(a, "report: %s/report.md (%.0f s)", a->dir, seconds);
        if (a->json)
            print_json(a, res, nrows, seconds);
        else
            printf("%s/report.md\n", a->dir);
    }
    for (int i = 0; i < nrows; i++) {
        free(res[i].predicted);
        free(res[i].params);
        free(res[i].labels);
    }
    free(res);
    return st;
}

int cli_cmd_benchmark(const cli_command_t *cmd, int argc, char **argv) {
    bench_args_t a = {.seeds = 5};
    cli_common_t common = {0};
    const cli_opt_t opts[] = {
        {"--quick", CLI_FLAG, &a.quick, NULL}, {"--full", CLI_FLAG, &a.full, NULL},
        {"--out", CLI_STRING, &a.dir, NULL},   {"--only", CLI_STRING, &a.only, NULL},
        {"--seeds", CLI_INT, &a.seeds, NULL},
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
    if (a.quick && a.full) {
        cli_error("benchmark", "--quick and --full: give one");
        return CLI_USAGE;
    }
    if (!a.quick && !a.full) { /* the plan first; a long run needs --full */
        const bench_row_t *rows[16];
        int nrows;
        pl_status_t st = plan(&a, rows, &nrows);
        if (st != PL_OK) return cli_fail("benchmark", st);
        const double seconds = print_plan(&a, rows, nrows);
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
