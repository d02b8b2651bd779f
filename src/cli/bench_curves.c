/*
 * plateau benchmark's learning curves: test accuracy of the QCNN, the
 * surrogate and the linear model against the number of training states (at a
 * fixed number of shots per state) and against shots per state (at a fixed
 * number of training states), on one dataset, mean ± sd over the runs. The
 * same 100 test points per run at every point of a curve.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/bench_plan.h"

const int bench_curve_train[BENCH_CURVE_STEPS] = {10, 20, 50, 100, 200};
const int bench_curve_shots[BENCH_CURVE_STEPS] = {10, 30, 100, 300, 1000};

/* Accuracy and balanced accuracy of a trained QCNN on the test view with
 * @p shots measurements per state (a split with the run's seed: the run's
 * test points). */
static pl_status_t qcnn_at_shots(pl_clf_t *c, const pl_clf_data_t *test, uint64_t shots,
                                 uint64_t seed, double *acc, double *bal) {
    int conf[16] = {0};
    pl_clf_set_shots(c, shots, seed);
    PL_TRY(pl_clf_score(c, test, acc, conf));
    *bal = pl_clf_balanced_accuracy(conf, pl_clf_classes(c));
    return PL_OK;
}

/* One run (seed) of every curve point of classifier @p kind: acc[curve][step]. */
static pl_status_t curve_run(const pl_dataset_t *d, pl_sv_t *const *states, pl_clf_kind_t kind,
                             int k, uint64_t seed, int run, double acc[2][BENCH_CURVE_STEPS],
                             double bal[2][BENCH_CURVE_STEPS]) {
    pl_eval_opts_t o = {.seed = seed,
                        .test_points = BENCH_CURVE_TEST,
                        .states = states,
                        .clf = {.kind = kind, .k = k, .seed = seed}};
    if (kind != PL_CLF_LINEAR) o.clf.max_iter = BENCH_ITERATIONS;
    pl_eval_result_t e;
    pl_clf_t *c = NULL;                           /* the QCNN at the fixed training-set size */
    for (int s = 0; s < BENCH_CURVE_STEPS; s++) { /* against training states */
        o.train_points = bench_curve_train[s];
        o.shots = BENCH_CURVE_FIXED_SHOTS;
        o.shot_first = (uint64_t)run * BENCH_CURVE_FIXED_SHOTS;
        const bool keep = kind == PL_CLF_QCNN && o.train_points == BENCH_CURVE_FIXED_TRAIN;
        PL_TRY(pl_dataset_train_test(d, &o, &e, keep ? &c : NULL));
        acc[0][s] = e.test_accuracy;
        bal[0][s] = e.balanced_accuracy;
    }
    o.train_points = BENCH_CURVE_FIXED_TRAIN;
    if (kind != PL_CLF_QCNN) {
        for (int s = 0; s < BENCH_CURVE_STEPS; s++) { /* against shots per state */
            o.shots = (uint64_t)bench_curve_shots[s];
            o.shot_first = (uint64_t)run * o.shots;
            PL_TRY(pl_dataset_train_test(d, &o, &e, NULL));
            acc[1][s] = e.test_accuracy;
            bal[1][s] = e.balanced_accuracy;
        }
        return PL_OK;
    }
    /* the QCNN trains on exact states: one model, tested at every shot count on
     * the same test points (the split of the run's seed) */
    if (!c)
        return pl_error(PL_EINVAL, "the QCNN's curve lacks its %d-point model",
                        BENCH_CURVE_FIXED_TRAIN);
    pl_dataset_split_t sp;
    pl_status_t st =
        pl_dataset_split_states(d, (double)BENCH_CURVE_FIXED_TRAIN / d->points, seed, states, &sp);
    if (st == PL_OK) sp.test.count = BENCH_CURVE_TEST;
    for (int s = 0; s < BENCH_CURVE_STEPS && st == PL_OK; s++)
        st = qcnn_at_shots(c, &sp.test, (uint64_t)bench_curve_shots[s],
                           (seed + (uint64_t)s) ^ 0x5bd1e995u, &acc[1][s], &bal[1][s]);
    pl_dataset_split_destroy(&sp);
    pl_clf_destroy(c);
    return st;
}

pl_status_t bench_curve_compute(const pl_dataset_t *d, int seeds, uint64_t seed, int k_surrogate,
                                int k_linear, bool quiet, bench_curve_t *out) {
    memset(out, 0, sizeof *out);
    out->model = d->model->name;
    out->sites = d->sites;
    out->seeds = seeds;
    if (d->points < BENCH_CURVE_POINTS ||
        d->shots < (uint64_t)seeds * bench_curve_shots[BENCH_CURVE_STEPS - 1])
        return pl_error(PL_EINVAL, "learning curves need %d points and %d shots per state",
                        BENCH_CURVE_POINTS, seeds * bench_curve_shots[BENCH_CURVE_STEPS - 1]);
    pl_timer_t t = pl_timer_start();
    pl_sv_t **states = NULL;
    PL_TRY(pl_dataset_exact_states(d, seed, &states));
    pl_status_t st = PL_OK;
    for (int kind = 0; kind < PL_CLF_COUNT && st == PL_OK; kind++) {
        double acc[BENCH_MAX_SEEDS][2][BENCH_CURVE_STEPS],
            bal[BENCH_MAX_SEEDS][2][BENCH_CURVE_STEPS];
        const int k = kind == PL_CLF_LINEAR ? k_linear : k_surrogate;
        for (int j = 0; j < seeds && st == PL_OK; j++)
            st =
                curve_run(d, states, (pl_clf_kind_t)kind, k, seed + (uint64_t)j, j, acc[j], bal[j]);
        for (int c = 0; c < 2 && st == PL_OK; c++)
            for (int s = 0; s < BENCH_CURVE_STEPS; s++) {
                double v[BENCH_MAX_SEEDS], w[BENCH_MAX_SEEDS], unused;
                for (int j = 0; j < seeds; j++) {
                    v[j] = acc[j][c][s];
                    w[j] = bal[j][c][s];
                }
                bench_mean_sd(v, seeds, &out->mean[c][kind][s], &out->sd[c][kind][s]);
                bench_mean_sd(w, seeds, &out->bal[c][kind][s], &unused);
            }
        if (st == PL_OK && !quiet)
            fprintf(stderr, "plateau benchmark:   curves of the %s done (%.0f s)\n",
                    pl_clf_name((pl_clf_kind_t)kind), pl_timer_elapsed(&t));
    }
    for (int i = 0; states && i < d->points; i++) pl_sv_destroy(states[i]);
    free(states);
    out->seconds = pl_timer_elapsed(&t);
    return st;
}

static const char *const curve_axis[2] = {"training states", "shots per state"};

static int curve_x(int c, int s) {
    return c == 0 ? bench_curve_train[s] : bench_curve_shots[s];
}

void bench_curve_markdown(cli_text_t *t, const bench_curve_t *cv) {
    cli_text_add(t, "\n### %s, n = %d (%d runs, %.0f s)\n\n", cv->model, cv->sites, cv->seeds,
                 cv->seconds);
    for (int c = 0; c < 2; c++) {
        cli_text_add(t,
                     c == 0 ? "Against training states (%d shots per state):\n\n"
                            : "\nAgainst shots per state (%d training states; the QCNN trains "
                              "on exact states and is tested with these shots):\n\n",
                     c == 0 ? BENCH_CURVE_FIXED_SHOTS : BENCH_CURVE_FIXED_TRAIN);
        cli_text_add(t, "| %s | QCNN | surrogate | linear |\n|---|---|---|---|\n", curve_axis[c]);
        for (int s = 0; s < BENCH_CURVE_STEPS; s++) {
            cli_text_add(t, "| %d |", curve_x(c, s));
            for (int k = 0; k < PL_CLF_COUNT; k++)
                cli_text_add(t, " %.1f ± %.1f |", 100 * cv->mean[c][k][s], 100 * cv->sd[c][k][s]);
            cli_text_add(t, "\n");
        }
    }
    cli_text_add(t, "\n![curves %s-%d](curves-%s-%d.png)\n", cv->model, cv->sites, cv->model,
                 cv->sites);
}

cJSON *bench_curve_json(const bench_curve_t *cv) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "model", cv->model);
    cJSON_AddNumberToObject(o, "sites", cv->sites);
    cJSON_AddNumberToObject(o, "seeds", cv->seeds);
    cJSON_AddNumberToObject(o, "test_points", BENCH_CURVE_TEST);
    cJSON_AddNumberToObject(o, "fixed_shots", BENCH_CURVE_FIXED_SHOTS);
    cJSON_AddNumberToObject(o, "fixed_train_points", BENCH_CURVE_FIXED_TRAIN);
    static const char *const keys[2] = {"train_points", "shots"};
    for (int c = 0; c < 2; c++) {
        cJSON *curve = cJSON_CreateObject();
        double x[BENCH_CURVE_STEPS];
        for (int s = 0; s < BENCH_CURVE_STEPS; s++) x[s] = curve_x(c, s);
        cJSON_AddItemToObject(curve, keys[c], cli_number_array(x, BENCH_CURVE_STEPS));
        for (int k = 0; k < PL_CLF_COUNT; k++) {
            cJSON *m = cJSON_CreateObject();
            cJSON_AddItemToObject(m, "test_accuracy",
                                  cli_number_array(cv->mean[c][k], BENCH_CURVE_STEPS));
            cJSON_AddItemToObject(m, "test_accuracy_sd",
                                  cli_number_array(cv->sd[c][k], BENCH_CURVE_STEPS));
            cJSON_AddItemToObject(m, "balanced_accuracy",
                                  cli_number_array(cv->bal[c][k], BENCH_CURVE_STEPS));
            cJSON_AddItemToObject(curve, pl_clf_name((pl_clf_kind_t)k), m);
        }
        cJSON_AddItemToObject(o, c == 0 ? "against_train_points" : "against_shots", curve);
    }
    return o;
}

void bench_curve_file(const char *dir, const char *model, int sites, const char *suffix, char *buf,
                      size_t cap) {
    snprintf(buf, cap, "%s/curves-%s-%d%s", dir, model, sites, suffix);
}

/* curve,x,classifier,test_accuracy,test_accuracy_sd,balanced_accuracy */
static pl_status_t curve_csv(const char *dir, const bench_curve_t *cv) {
    cli_text_t t = {0};
    cli_text_add(&t, "sweep,value,classifier,test_accuracy,test_accuracy_sd,balanced_accuracy\n");
    static const char *const sweep[2] = {"train_points", "shots"};
    for (int c = 0; c < 2; c++)
        for (int k = 0; k < PL_CLF_COUNT; k++)
            for (int s = 0; s < BENCH_CURVE_STEPS; s++)
                cli_text_add(&t, "%s,%d,%s,%.17g,%.17g,%.17g\n", sweep[c], curve_x(c, s),
                             pl_clf_name((pl_clf_kind_t)k), cv->mean[c][k][s], cv->sd[c][k][s],
                             cv->bal[c][k][s]);
    char path[4200];
    bench_curve_file(dir, cv->model, cv->sites, ".csv", path, sizeof path);
    pl_status_t st =
        t.failed ? pl_error_nomemf("the text of '%s'", path) : pl_io_write_text_atomic(path, t.s);
    free(t.s);
    return st;
}

/* Two panels (against training states, against shots), a line with error bars
 * per classifier, chance level (1 / phases) dashed. */
static pl_status_t curve_plot(const char *dir, const bench_curve_t *cv, int phases) {
    static const char *const colour[PL_CLF_COUNT] = {"#1b9e77", "#d95f02", "#7570b3"};
    cli_text_t t = {0};
    cli_text_add(&t,
                 "set multiplot layout 1,2 title '%s, n = %d: test accuracy, mean ± sd over %d "
                 "runs, %d test points'\nset grid\nset key bottom right\nset logscale x\n"
                 "set yrange [0:1.05]\nset ylabel 'test accuracy'\n",
                 cv->model, cv->sites, cv->seeds, BENCH_CURVE_TEST);
    for (int c = 0; c < 2; c++) {
        cli_text_add(&t, "set xlabel '%s (%s %d)'\nset xrange [%g:%g]\nplot ", curve_axis[c],
                     c == 0 ? "shots per state" : "training states",
                     c == 0 ? BENCH_CURVE_FIXED_SHOTS : BENCH_CURVE_FIXED_TRAIN,
                     0.8 * curve_x(c, 0), 1.25 * curve_x(c, BENCH_CURVE_STEPS - 1));
        for (int k = 0; k < PL_CLF_COUNT; k++)
            cli_text_add(&t, "'-' using 1:2:3 with yerrorlines pt 7 lc rgb '%s' title '%s', ",
                         colour[k], pl_clf_name((pl_clf_kind_t)k));
        cli_text_add(&t, "%g with lines dt 2 lc rgb '#555555' title 'chance'\n", 1.0 / phases);
        for (int k = 0; k < PL_CLF_COUNT; k++) {
            for (int s = 0; s < BENCH_CURVE_STEPS; s++)
                cli_text_add(&t, "%d %.6g %.6g\n", curve_x(c, s), cv->mean[c][k][s],
                             cv->sd[c][k][s]);
            cli_text_add(&t, "e\n");
        }
    }
    cli_text_add(&t, "unset multiplot\n");
    char png[4200], svg[4200];
    bench_curve_file(dir, cv->model, cv->sites, ".png", png, sizeof png);
    bench_curve_file(dir, cv->model, cv->sites, ".svg", svg, sizeof svg);
    pl_status_t st = t.failed ? pl_error_nomemf("the plot script of '%s'", png)
                              : cli_plot_png(png, 1100, 460, t.s);
    if (st == PL_OK) st = cli_plot_svg(svg, 1100, 460, t.s);
    free(t.s);
    return st;
}

pl_status_t bench_curve_write(const char *dir, const bench_curve_t *cv) {
    const pl_model_t *m;
    PL_TRY(pl_model_lookup(cv->model, &m));
    PL_TRY(curve_plot(dir, cv, m->nlabels));
    return curve_csv(dir, cv);
}
