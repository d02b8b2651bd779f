/* plateau benchmark's report: Markdown table, JSON, phase diagrams, trade-off plot. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/bench_plan.h"

#include <math.h>

void bench_mean_sd(const double *v, int n, double *mean, double *sd) {
    double m = 0, s = 0;
    for (int j = 0; j < n; j++) m += v[j] / n;
    for (int j = 0; j < n; j++) s += (v[j] - m) * (v[j] - m);
    *mean = m;
    *sd = n > 1 ? sqrt(s / (n - 1)) : 0; /* the sample standard deviation */
}

void bench_score_summarise(bench_score_t *s) {
    const int n = s->seeds;
    double acc[BENCH_MAX_SEEDS], bal[BENCH_MAX_SEEDS], train[BENCH_MAX_SEEDS], unused;
    s->acc_best = 0;
    memset(s->confusion, 0, sizeof s->confusion);
    for (int j = 0; j < n; j++) {
        const pl_eval_result_t *e = &s->eval[j];
        acc[j] = e->test_accuracy;
        bal[j] = e->balanced_accuracy;
        train[j] = e->train_accuracy;
        if (e->test_accuracy > s->acc_best) s->acc_best = e->test_accuracy;
        for (int c = 0; c < 16; c++) s->confusion[c] += e->confusion[c];
    }
    bench_mean_sd(acc, n, &s->acc_mean, &s->acc_sd);
    bench_mean_sd(bal, n, &s->bal_mean, &s->bal_sd);
    bench_mean_sd(train, n, &s->train_mean, &unused);
}

cJSON *bench_score_json(const bench_score_t *s, bool full) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "test_accuracy", s->acc_mean);
    cJSON_AddNumberToObject(o, "test_stderr", s->acc_sd / sqrt(s->seeds > 0 ? s->seeds : 1));
    cJSON_AddNumberToObject(o, "test_accuracy_sd", s->acc_sd);
    cJSON_AddNumberToObject(o, "test_accuracy_best", s->acc_best);
    cJSON_AddNumberToObject(o, "balanced_accuracy", s->bal_mean);
    cJSON_AddNumberToObject(o, "balanced_accuracy_sd", s->bal_sd);
    if (!full) return o;
    cJSON_AddNumberToObject(o, "train_accuracy", s->train_mean);
    cJSON_AddNumberToObject(o, "test_points", s->eval[0].test_count);
    cJSON_AddNumberToObject(o, "seconds", s->seconds);
    cJSON_AddNumberToObject(o, "strings", (double)s->eval[0].fit.strings);
    const int c = s->eval[0].classes;
    double flat[16], acc[BENCH_MAX_SEEDS], bal[BENCH_MAX_SEEDS];
    for (int j = 0; j < c * c && j < 16; j++) flat[j] = s->confusion[j];
    cJSON_AddItemToObject(o, "confusion", cli_number_array(flat, c * c));
    for (int j = 0; j < s->seeds; j++) {
        acc[j] = s->eval[j].test_accuracy;
        bal[j] = s->eval[j].balanced_accuracy;
    }
    cJSON_AddItemToObject(o, "test_accuracy_per_seed", cli_number_array(acc, s->seeds));
    cJSON_AddItemToObject(o, "balanced_accuracy_per_seed", cli_number_array(bal, s->seeds));
    return o;
}

/* " 85.0 ± 3.1 (best 90.0) (k) |" (accuracy) or " 80.2 ± 4.0 |" (balanced), or " – |" */
static void cell(cli_text_t *t, const bench_score_t *s, int k, bool balanced) {
    if (!s->ran) {
        cli_text_add(t, " – |");
        return;
    }
    if (balanced)
        cli_text_add(t, " %.1f ± %.1f", 100 * s->bal_mean, 100 * s->bal_sd);
    else
        cli_text_add(t, " %.1f ± %.1f (best %.1f)", 100 * s->acc_mean, 100 * s->acc_sd,
                     100 * s->acc_best);
    if (k > 0) cli_text_add(t, " (%d)", k);
    cli_text_add(t, " |");
}

/* One table: plain or balanced accuracy per row and classifier. */
static void score_table(cli_text_t *t, const bench_result_t *r, int nrows, bool balanced) {
    cli_text_add(t,
                 "| dataset | n | shots / state | shots in all | training / test points | %s | "
                 "QCNN | QCNN on shots | surrogate (k) | linear (k) | surrogate on exact ⟨P⟩ (k) "
                 "|%s\n"
                 "|---|---|---|---|---|---|---|---|---|---|---|%s\n",
                 balanced ? "one phase always" : "majority class", balanced ? "" : " paper |",
                 balanced ? "" : "---|");
    for (int i = 0; i < nrows; i++) {
        const bench_row_t *row = r[i].row;
        /* the baseline: the majority class; balanced, any single phase scores 1/phases */
        const double base = balanced ? 1.0 / r[i].model->nlabels : r[i].majority;
        cli_text_add(t, "| %s | %d | %llu | %llu | %d / %d | %.1f |", row->model, row->sites,
                     (unsigned long long)row->shots, (unsigned long long)bench_shots_total(&r[i]),
                     r[i].train_points, r[i].test_points, 100 * base);
        cell(t, &r[i].score[PL_CLF_QCNN], 0, balanced);
        cell(t, &r[i].device, 0, balanced);
        cell(t, &r[i].score[PL_CLF_SURROGATE], row->k_surrogate, balanced);
        cell(t, &r[i].score[PL_CLF_LINEAR], row->k_linear, balanced);
        cell(t, &r[i].exact, row->k_surrogate, balanced);
        if (!balanced) cli_text_add(t, " %s |", row->claim ? row->claim : "");
        cli_text_add(t, "\n");
    }
}

uint64_t bench_shots_total(const bench_result_t *r) {
    return r->row->shots * (uint64_t)(r->train_points + r->test_points);
}

uint64_t bench_device_shots_total(const bench_result_t *r) {
    return bench_device_shots(r->row) * BENCH_ITERATIONS * (uint64_t)r->train_points +
           r->row->shots * (uint64_t)r->test_points;
}

/* " −3.1 ± 2.0 (yes) |": the difference of two classifiers' mean balanced
 * accuracies, its standard error sqrt(sd_a²/runs + sd_b²/runs), and whether
 * it is within one standard error of zero. */
static void difference_cell(cli_text_t *t, const bench_score_t *a, const bench_score_t *b) {
    if (!a->ran || !b->ran) {
        cli_text_add(t, " – |");
        return;
    }
    const double d = a->bal_mean - b->bal_mean;
    const double se = sqrt(a->bal_sd * a->bal_sd / a->seeds + b->bal_sd * b->bal_sd / b->seeds);
    cli_text_add(t, " %+.1f ± %.1f (%s) |", 100 * d, 100 * se, fabs(d) <= se ? "yes" : "no");
}

/* Where the QCNN runs: the surrogate against both QCNNs in balanced accuracy. */
static void difference_table(cli_text_t *t, const bench_result_t *r, int nrows) {
    bool any = false;
    for (int i = 0; i < nrows; i++) any |= r[i].score[PL_CLF_QCNN].ran;
    if (!any) return;
    cli_text_add(t, "\nThe surrogate against the QCNN where both run: difference of the mean "
                    "balanced accuracies (points) ± its standard error over the runs, and "
                    "whether it is within one standard error of zero:\n\n"
                    "| dataset | n | surrogate − QCNN (exact-trained) | surrogate − QCNN on "
                    "shots | surrogate on exact ⟨P⟩ − QCNN |\n|---|---|---|---|---|\n");
    for (int i = 0; i < nrows; i++) {
        if (!r[i].score[PL_CLF_QCNN].ran) continue;
        cli_text_add(t, "| %s | %d |", r[i].row->model, r[i].row->sites);
        difference_cell(t, &r[i].score[PL_CLF_SURROGATE], &r[i].score[PL_CLF_QCNN]);
        difference_cell(t, &r[i].score[PL_CLF_SURROGATE], &r[i].device);
        difference_cell(t, &r[i].exact, &r[i].score[PL_CLF_QCNN]);
        cli_text_add(t, "\n");
    }
}

/* The confusion matrices summed over the seeds, one line per row and classifier. */
static void confusions(cli_text_t *t, const bench_result_t *r, int nrows) {
    cli_text_add(t, "\n## Confusion matrices (test points, summed over the seeds; rows: true "
                    "phase, columns: predicted, in the model's label order)\n\n");
    for (int i = 0; i < nrows; i++)
        for (int k = 0; k <= PL_CLF_COUNT; k++) {
            const bench_score_t *s = k < PL_CLF_COUNT ? &r[i].score[k] : &r[i].device;
            if (!s->ran) continue;
            const int c = s->eval[0].classes;
            cli_text_add(t, "- %s-%d, %d training points, %s:", r[i].row->model, r[i].row->sites,
                         r[i].train_points,
                         k < PL_CLF_COUNT ? pl_clf_name((pl_clf_kind_t)k) : "qcnn on shots");
            for (int a = 0; a < c; a++) {
                cli_text_add(t, " [");
                for (int b = 0; b < c; b++)
                    cli_text_add(t, "%s%d", b ? " " : "", s->confusion[a * c + b]);
                cli_text_add(t, "]");
            }
            cli_text_add(t, "\n");
        }
}

/* The learning curves' section. */
static void curves_markdown(cli_text_t *t, const bench_curve_t *cv, int n) {
    if (n == 0) return;
    cli_text_add(t,
                 "\n## Learning curves\n\nTest accuracy (%%, mean ± sd over the runs, %d test "
                 "points per run) of the three classifiers against the training states (%d shots "
                 "per state) and against the shots per state (%d training states), on %d-site "
                 "datasets of %d stratified points; run j reads its own shots, as the rows do. "
                 "The QCNN (exact-trained) does not see shots in training: its shot curve is its "
                 "test readout's.\n",
                 BENCH_CURVE_TEST, BENCH_CURVE_FIXED_SHOTS, BENCH_CURVE_FIXED_TRAIN,
                 BENCH_CURVE_SITES, BENCH_CURVE_POINTS);
    for (int i = 0; i < n; i++) bench_curve_markdown(t, &cv[i]);
}

static void markdown(cli_text_t *t, bool quick, const bench_result_t *r, int nrows,
                     const bench_tradeoff_t *tr, const bench_curve_t *cv, int ncurves,
                     double seconds) {
    cli_text_add(t, "# plateau benchmark%s: QCNN versus its classical surrogate\n\n",
                 quick ? " (quick)" : "");
    if (nrows == 0) {
        cli_text_add(t, "Made by `plateau benchmark --curves` in %.0f s.\n", seconds);
        curves_markdown(t, cv, ncurves);
        return;
    }
    const int seeds = nrows ? r[0].seeds : 0;
    cli_text_add(
        t,
        "Test accuracy (%%) on held-out ground states over %d independent runs per row: run j "
        "takes its split and initial angles from --seed + j and its own shots (shots "
        "[j·S, (j + 1)·S) of every state's shadows, S the shots per state), so the runs are "
        "independent in split, initialisation and measurement. Mean ± standard deviation "
        "across the runs, and the best run (the paper reports the best of 5). Training / test "
        "points: half and half unless the row says (rows of the paper's training-set sizes). "
        "Majority class: the accuracy of always answering the training set's most frequent "
        "phase (mean over the runs) — the score to beat. QCNN: state-vector QCNN trained on "
        "the exact states (shared angles, %d Adam steps), tested with S shots per state on its "
        "readout qubits. QCNN on shots: the same QCNN trained as on a device, its readout of "
        "every training state estimated at every step from ⌈S / %d⌉ fresh shots (so that "
        "training measures each state about as often as a shadow set does; the readout's "
        "angle derivatives stay exact, which a device's parameter-shift rule would pay for "
        "with two more circuits per gate and step), tested like the QCNN. Surrogate: the "
        "QCNN's readout propagated keeping Pauli strings of weight ≤ k, fed with each state's "
        "S-shot classical shadows. Linear: logistic regression on the shadow estimates of "
        "every string inside k adjacent sites. Surrogate on exact ⟨P⟩: the same surrogate "
        "trained and tested on the exact expectation values of the ground states (where the "
        "QCNN runs): the information the exact-trained QCNN gets, so the two compare at equal "
        "(infinite) budget. Shots in all (one run): S × (training + test states), the same for "
        "the surrogate, the linear model and the QCNN's test readout; the QCNN on shots spends "
        "⌈S / %d⌉ × %d × training states + S × test states. Made by `plateau benchmark%s` in "
        "%.0f s.\n\n",
        seeds, BENCH_ITERATIONS, BENCH_ITERATIONS, BENCH_ITERATIONS, BENCH_ITERATIONS,
        quick ? " --quick" : "", seconds);
    score_table(t, r, nrows, false);
    cli_text_add(t, "\nBalanced accuracy (%%: the mean over phases of the share of each phase's "
                    "test points classified right; always answering one phase scores 100 / "
                    "phases), mean ± sd over the runs:\n\n");
    score_table(t, r, nrows, true);
    difference_table(t, r, nrows);
    confusions(t, r, nrows);
    cli_text_add(
        t, "\nTime per row (s, all runs): dataset (ground states + shadows; 0 when an earlier "
           "row made it) / QCNN / QCNN on shots / surrogate / linear / surrogate on exact ⟨P⟩\n\n");
    for (int i = 0; i < nrows; i++)
        cli_text_add(t,
                     "- %s, n = %d, %d training points: %.1f / %.1f / %.1f / %.1f / %.1f / %.1f\n",
                     r[i].row->model, r[i].row->sites, r[i].train_points, r[i].dataset_seconds,
                     r[i].score[PL_CLF_QCNN].seconds, r[i].device.seconds,
                     r[i].score[PL_CLF_SURROGATE].seconds, r[i].score[PL_CLF_LINEAR].seconds,
                     r[i].exact.seconds);
    cli_text_add(t,
                 "\n## Phase diagrams\n\nTrue labels beside the surrogate's predictions over every "
                 "point (training and test):\n\n");
    for (int i = 0; i < nrows; i++) {
        char png[4200];
        bench_phase_file(".", r[i].row, ".png", png, sizeof png);
        cli_text_add(t, "![%s-%d](%s)\n", r[i].row->model, r[i].row->sites, png + 2);
    }
    cli_text_add(t, "\n## Surrogate: accuracy against k and against shots (%s, n = %d)\n\n",
                 tr->model, tr->sites);
    cli_text_add(t, "| k | test accuracy |\n|---|---|\n");
    for (int j = 0; j < tr->nk; j++)
        cli_text_add(t, "| %d | %.1f ± %.1f |\n", tr->k[j], 100 * tr->acc_k[j], 100 * tr->err_k[j]);
    cli_text_add(t, "\n| shots / state | test accuracy |\n|---|---|\n");
    for (int j = 0; j < tr->nshots; j++)
        cli_text_add(t, "| %d | %.1f ± %.1f |\n", tr->shots[j], 100 * tr->acc_shots[j],
                     100 * tr->err_shots[j]);
    cli_text_add(t, "\n![trade-off](tradeoff.png)\n");
    curves_markdown(t, cv, ncurves);
}

void bench_device_json(cJSON *row, const bench_result_t *r, bool full) {
    if (!r->device.ran) return;
    cJSON *o = bench_score_json(&r->device, full);
    cJSON_AddNumberToObject(o, "train_shots_per_step", (double)bench_device_shots(r->row));
    cJSON_AddNumberToObject(o, "shots_total", (double)bench_device_shots_total(r));
    cJSON_AddItemToObject(row, "qcnn_shots", o);
}

static char *results_json(const bench_result_t *r, int nrows, const bench_tradeoff_t *tr,
                          const bench_curve_t *cv, int ncurves, double seconds) {
    cJSON *o = cJSON_CreateObject(), *rows = cJSON_CreateArray();
    cJSON_AddStringToObject(o, "version", PL_VERSION_STRING);
    cJSON_AddNumberToObject(o, "seconds", seconds);
    for (int i = 0; i < nrows; i++) {
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "model", r[i].row->model);
        cJSON_AddNumberToObject(row, "sites", r[i].row->sites);
        cJSON_AddNumberToObject(row, "shots", (double)r[i].row->shots);
        cJSON_AddNumberToObject(row, "points", r[i].row->points);
        cJSON_AddNumberToObject(row, "shots_total", (double)bench_shots_total(&r[i]));
        cJSON_AddNumberToObject(row, "train_points", r[i].train_points);
        cJSON_AddNumberToObject(row, "test_points", r[i].test_points);
        cJSON_AddNumberToObject(row, "seeds", r[i].seeds);
        cJSON_AddNumberToObject(row, "majority_baseline", r[i].majority);
        cJSON_AddNumberToObject(row, "k_surrogate", r[i].row->k_surrogate);
        cJSON_AddNumberToObject(row, "k_linear", r[i].row->k_linear);
        cJSON_AddNumberToObject(row, "dataset_seconds", r[i].dataset_seconds);
        for (int k = 0; k < PL_CLF_COUNT; k++)
            if (r[i].score[k].ran)
                cJSON_AddItemToObject(row, pl_clf_name((pl_clf_kind_t)k),
                                      bench_score_json(&r[i].score[k], true));
        if (r[i].exact.ran)
            cJSON_AddItemToObject(row, "surrogate_exact", bench_score_json(&r[i].exact, true));
        bench_device_json(row, &r[i], true);
        cJSON_AddItemToArray(rows, row);
    }
    cJSON_AddItemToObject(o, "rows", rows);
    cJSON *curves = cJSON_CreateArray();
    for (int i = 0; i < ncurves; i++) cJSON_AddItemToArray(curves, bench_curve_json(&cv[i]));
    cJSON_AddItemToObject(o, "curves", curves);
    if (!tr) {
        char *s = cJSON_Print(o);
        cJSON_Delete(o);
        return s;
    }
    cJSON *t = cJSON_CreateObject();
    cJSON_AddStringToObject(t, "model", tr->model);
    cJSON_AddNumberToObject(t, "sites", tr->sites);
    double k[4], sh[8];
    for (int j = 0; j < tr->nk; j++) k[j] = tr->k[j];
    for (int j = 0; j < tr->nshots; j++) sh[j] = tr->shots[j];
    cJSON_AddItemToObject(t, "k", cli_number_array(k, tr->nk));
    cJSON_AddItemToObject(t, "accuracy_k", cli_number_array(tr->acc_k, tr->nk));
    cJSON_AddItemToObject(t, "shots", cli_number_array(sh, tr->nshots));
    cJSON_AddItemToObject(t, "accuracy_shots", cli_number_array(tr->acc_shots, tr->nshots));
    cJSON_AddItemToObject(o, "tradeoff", t);
    char *s = cJSON_Print(o);
    cJSON_Delete(o);
    return s;
}

/* The data behind a phase diagram: one line per point with its parameters,
 * true and predicted phase (names) and whether the surrogate got it wrong. */
static pl_status_t phase_csv(const char *dir, const bench_result_t *r) {
    if (!r->predicted) return PL_OK;
    const pl_model_t *m = r->model;
    cli_text_t t = {0};
    for (int k = 0; k < m->nparams; k++) cli_text_add(&t, "%s,", m->params[k].name);
    cli_text_add(&t, "label,predicted,misclassified\n");
    for (int i = 0; i < r->points; i++) {
        for (int k = 0; k < m->nparams; k++)
            cli_text_add(&t, "%.17g,", r->params[(size_t)i * r->nparams + k]);
        cli_text_add(&t, "%s,%s,%d\n", m->labels[r->labels[i]], m->labels[r->predicted[i]],
                     r->labels[i] != r->predicted[i]);
    }
    char path[4200];
    bench_phase_file(dir, r->row, ".csv", path, sizeof path);
    pl_status_t st =
        t.failed ? pl_error_nomemf("the text of '%s'", path) : pl_io_write_text_atomic(path, t.s);
    free(t.s);
    return st;
}

/* The trade-off's numbers: what, value, accuracy, standard error. */
static pl_status_t tradeoff_csv(const char *dir, const bench_tradeoff_t *tr) {
    cli_text_t t = {0};
    cli_text_add(&t, "sweep,value,test_accuracy,test_stderr\n");
    for (int j = 0; j < tr->nk; j++)
        cli_text_add(&t, "k,%d,%.17g,%.17g\n", tr->k[j], tr->acc_k[j], tr->err_k[j]);
    for (int j = 0; j < tr->nshots; j++)
        cli_text_add(&t, "shots,%d,%.17g,%.17g\n", tr->shots[j], tr->acc_shots[j],
                     tr->err_shots[j]);
    char path[4200];
    snprintf(path, sizeof path, "%s/tradeoff.csv", dir);
    pl_status_t st =
        t.failed ? pl_error_nomemf("the text of '%s'", path) : pl_io_write_text_atomic(path, t.s);
    free(t.s);
    return st;
}

/* Colours of phases 0–3 (Dark2, legible on white and for most colour-blind
 * readers) and the light tints of their regions. */
static const char *const phase_colour[4] = {"#1b9e77", "#d95f02", "#7570b3", "#e7298a"};
static const char *const phase_tint[4] = {"#d2ede5", "#f8dccb", "#e0dfee", "#f9d4e7"};

/* The closed-form phase regions behind the points: a 160 × 120 grid of
 * pl_model_label over the two swept parameters as an image (two swept), or
 * the boundary positions as vertical lines (one swept). The others sit at the
 * first point's values. */
static void phase_regions(cli_text_t *t, const bench_result_t *r, const int *swept, int ns) {
    const pl_model_t *m = r->model;
    double x[PL_MODEL_MAX_PARAMS];
    memcpy(x, r->params, (size_t)m->nparams * sizeof *x);
    const pl_model_param_t *px = &m->params[swept[0]];
    if (ns == 1) {
        int prev = -1;
        for (int i = 0; i <= 2000; i++) {
            x[swept[0]] = px->lo + (px->hi - px->lo) * i / 2000.0;
            int lab;
            if (pl_model_label(m, x, &lab) != PL_OK) return;
            if (prev >= 0 && lab != prev)
                cli_text_add(t,
                             "set arrow from %.6g, graph 0 to %.6g, graph 1 nohead dt 2 lc "
                             "rgb '#555555'\n",
                             x[swept[0]], x[swept[0]]);
            prev = lab;
        }
        return;
    }
    const pl_model_param_t *py = &m->params[swept[1]];
    cli_text_add(t, "$regions << EOD\n");
    for (int j = 0; j < 120; j++) {
        for (int i = 0; i < 160; i++) {
            x[swept[0]] = px->lo + (px->hi - px->lo) * (i + 0.5) / 160;
            x[swept[1]] = py->lo + (py->hi - py->lo) * (j + 0.5) / 120;
            int lab = 0;
            if (pl_model_label(m, x, &lab) != PL_OK) lab = 0;
            cli_text_add(t, "%.6g %.6g %d\n", x[swept[0]], x[swept[1]], lab);
        }
        cli_text_add(t, "\n");
    }
    cli_text_add(t, "EOD\n");
}

/* True labels beside the surrogate's predictions over the swept parameters
 * (one swept: y = the phase), each phase in its colour and named in the key,
 * misclassified points crossed, the closed-form regions behind; PNG and SVG. */
static pl_status_t phase_plot(const char *dir, const bench_result_t *r) {
    if (!r->predicted) return PL_OK;
    const pl_model_t *m = r->model;
    int swept[2] = {-1, -1}, ns = 0;
    for (int k = 0; k < m->nparams && ns < 2; k++)
        if (m->params[k].lo < m->params[k].hi) swept[ns++] = k;
    cli_text_t t = {0};
    cli_text_add(&t,
                 "set multiplot layout 1,2 title '%s, n = %d, %d points (%d trained), %llu shots "
                 "per state, surrogate k = %d (run 1 of %d); shading: closed-form phases'\n"
                 "set key outside bottom center horizontal\n",
                 m->name, r->row->sites, r->points, r->train_points,
                 (unsigned long long)r->row->shots, r->row->k_surrogate, r->seeds);
    cli_text_add(&t, "set palette defined (");
    for (int l = 0; l < m->nlabels && l < 4; l++)
        cli_text_add(&t, "%s%d '%s'", l ? ", " : "", l, phase_tint[l]);
    cli_text_add(&t, ")\nset cbrange [0:%d]\nunset colorbox\n", m->nlabels - 1);
    phase_regions(&t, r, swept, ns);
    const pl_model_param_t *px = &m->params[swept[0]];
    cli_text_add(&t, "set xrange [%.6g:%.6g]\n", px->lo, px->hi);
    if (ns > 1)
        cli_text_add(&t, "set yrange [%.6g:%.6g]\n", m->params[swept[1]].lo,
                     m->params[swept[1]].hi);
    else { /* the phases by name on the y axis */
        cli_text_add(&t, "set yrange [-0.5:%d.5]\nset ytics (", m->nlabels - 1);
        for (int l = 0; l < m->nlabels; l++)
            cli_text_add(&t, "%s'%s' %d", l ? ", " : "", m->labels[l], l);
        cli_text_add(&t, ")\n");
    }
    for (int panel = 0; panel < 2; panel++) {
        const int *lab = panel ? r->predicted : r->labels;
        cli_text_add(&t, "set title '%s'\nset xlabel '%s'\nset ylabel '%s'\nplot ",
                     panel ? "surrogate prediction (x: misclassified)" : "true phase", px->name,
                     ns > 1 ? m->params[swept[1]].name : "phase");
        if (ns > 1) cli_text_add(&t, "$regions using 1:2:3 with image notitle, ");
        for (int l = 0; l < m->nlabels && l < 4; l++)
            cli_text_add(&t, "'-' using 1:2 with points pt 7 ps 0.8 lc rgb '%s' title '%s', ",
                         phase_colour[l], m->labels[l]);
        cli_text_add(&t, "'-' using 1:2 with points pt 2 ps 1.4 lw 1.5 lc rgb '#000000' title "
                         "'misclassified'\n");
        for (int l = 0; l <= m->nlabels && l <= 4; l++) { /* one block per series */
            const bool wrong_block = l == m->nlabels || l == 4;
            for (int i = 0; i < r->points; i++) {
                const bool wrong = panel && r->predicted[i] != r->labels[i];
                if (wrong_block ? !wrong : lab[i] != l) continue;
                const double xv = r->params[(size_t)i * r->nparams + swept[0]];
                const double yv = ns > 1 ? r->params[(size_t)i * r->nparams + swept[1]] : lab[i];
                cli_text_add(&t, "%.6g %.6g\n", xv, yv);
            }
            cli_text_add(&t, "e\n");
        }
    }
    cli_text_add(&t, "unset multiplot\n");
    char png[4200], svg[4200];
    bench_phase_file(dir, r->row, ".png", png, sizeof png);
    bench_phase_file(dir, r->row, ".svg", svg, sizeof svg);
    pl_status_t st = t.failed ? pl_error_nomemf("the plot script of '%s'", png)
                              : cli_plot_png(png, 1100, 520, t.s);
    if (st == PL_OK) st = cli_plot_svg(svg, 1100, 520, t.s);
    free(t.s);
    return st;
}

static pl_status_t tradeoff_plot(const char *dir, const bench_tradeoff_t *tr) {
    cli_text_t t = {0};
    cli_text_add(&t,
                 "set multiplot layout 1,2 title 'surrogate, %s, n = %d'\nset key off\nset grid\n"
                 "set yrange [0:1.05]\nset ylabel 'test accuracy'\n",
                 tr->model, tr->sites);
    cli_text_add(&t, "set xlabel 'max Pauli weight k'\nset xtics 1\nplot '-' using 1:2:3 with "
                     "yerrorlines pt 7\n");
    for (int j = 0; j < tr->nk; j++)
        cli_text_add(&t, "%d %.6g %.6g\n", tr->k[j], tr->acc_k[j], tr->err_k[j]);
    cli_text_add(&t, "e\nset xlabel 'shots per state'\nset logscale x\nset xtics auto\n"
                     "plot '-' using 1:2:3 with yerrorlines pt 7\n");
    for (int j = 0; j < tr->nshots; j++)
        cli_text_add(&t, "%d %.6g %.6g\n", tr->shots[j], tr->acc_shots[j], tr->err_shots[j]);
    cli_text_add(&t, "e\nunset multiplot\n");
    char path[4200], svg[4200];
    snprintf(path, sizeof path, "%s/tradeoff.png", dir);
    snprintf(svg, sizeof svg, "%s/tradeoff.svg", dir);
    pl_status_t st = t.failed ? pl_error_nomemf("the plot script of '%s'", path)
                              : cli_plot_png(path, 1000, 420, t.s);
    if (st == PL_OK) st = cli_plot_svg(svg, 1000, 420, t.s);
    free(t.s);
    return st;
}

pl_status_t bench_write_report(const char *dir, bool quick, const bench_result_t *r, int nrows,
                               const bench_tradeoff_t *tr, const bench_curve_t *cv, int ncurves,
                               double seconds) {
    cli_text_t md = {0};
    markdown(&md, quick, r, nrows, tr, cv, ncurves, seconds);
    char path[4200];
    snprintf(path, sizeof path, "%s/report.md", dir);
    pl_status_t st =
        md.failed ? pl_error_nomemf("the text of '%s'", path) : pl_io_write_text_atomic(path, md.s);
    free(md.s);
    char *json = st == PL_OK ? results_json(r, nrows, tr, cv, ncurves, seconds) : NULL;
    snprintf(path, sizeof path, "%s/results.json", dir);
    if (st == PL_OK)
        st = json ? pl_io_write_text_atomic(path, json) : pl_error_nomemf("the text of '%s'", path);
    free(json);
    for (int i = 0; i < nrows && st == PL_OK; i++) st = phase_plot(dir, &r[i]);
    for (int i = 0; i < nrows && st == PL_OK; i++) st = phase_csv(dir, &r[i]);
    if (st == PL_OK && tr) st = tradeoff_plot(dir, tr);
    if (st == PL_OK && tr) st = tradeoff_csv(dir, tr);
    for (int i = 0; i < ncurves && st == PL_OK; i++) st = bench_curve_write(dir, &cv[i]);
    return st;
}
