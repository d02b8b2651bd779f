/*
 * plateau benchmark's plan: the rows and learning curves a run does (the
 * quick and full tables), the files each writes, and rough times.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/bench_plan.h"

/* Quick: every model at 8 sites, all three classifiers. */
static const bench_row_t quick_rows[] = {
    {"tfim", 8, 80, 200, 0, 2, 2, true, NULL, 0, 0},
    {"xxx-alternating", 8, 80, 200, 0, 2, 2, true, NULL, 0, 0},
    {"cluster-ising", 8, 100, 200, 0, 2, 2, true, NULL, 0, 0},
    {"generalized-cluster", 8, 100, 200, 0, 2, 3, true, NULL, 0, 0},
    {"annni", 8, 100, 200, 0, 3, 3, true, NULL, 0, 0},
};

/* Full: 12- and 16-site rows where both QCNNs run; the paper's sizes, with 20,
 * 60 and 200 training points (100 test points) where the paper varies them;
 * 128-site ANNNI and generalized cluster, beyond the paper. */
static const bench_row_t full_rows[] = {
    {"tfim", 12, 80, 100, 0, 2, 2, true, NULL, 0, 0},
    {"xxx-alternating", 12, 80, 100, 0, 2, 2, true, NULL, 0, 0},
    {"cluster-ising", 12, 120, 100, 0, 2, 2, true, NULL, 0, 0},
    {"generalized-cluster", 12, 120, 100, 0, 3, 3, true, NULL, 0, 0},
    {"annni", 12, 120, 100, 0, 3, 3, true, NULL, 0, 0},
    {"tfim", 16, 60, 100, 0, 2, 2, true, NULL, 0, 0},
    {"xxx-alternating", 16, 60, 100, 0, 2, 2, true, NULL, 0, 0},
    {"cluster-ising", 16, 60, 100, 0, 2, 2, true, NULL, 0, 0},
    {"generalized-cluster", 16, 60, 100, 0, 3, 3, true, NULL, 0, 0},
    {"annni", 16, 60, 100, 0, 3, 3, true, NULL, 0, 0},
    {"xxx-alternating", 256, 300, 100, 16, 2, 2, false, "> 90 % (Bermejo et al.)", 20, 100},
    {"xxx-alternating", 256, 300, 100, 16, 2, 2, false, "> 90 % (Bermejo et al.)", 60, 100},
    {"xxx-alternating", 256, 300, 100, 16, 2, 2, false, "> 90 % (Bermejo et al.)", 200, 100},
    {"xxx-alternating", 1024, 300, 100, 16, 2, 2, false, "> 90 % (Bermejo et al.)", 20, 100},
    {"xxx-alternating", 1024, 300, 100, 16, 2, 2, false, "> 90 % (Bermejo et al.)", 60, 100},
    {"xxx-alternating", 1024, 300, 100, 16, 2, 2, false, "> 90 % (Bermejo et al.)", 200, 100},
    {"cluster-ising", 512, 300, 100, 16, 2, 2, false, "80.2 % with 20 training points", 20, 100},
    {"cluster-ising", 512, 300, 100, 16, 2, 2, false, "85.8 % with 200 training points", 200, 100},
    {"generalized-cluster", 32, 200, 100, 32, 3, 3, false, "80-85 % (four phases)", 0, 0},
    {"annni", 32, 200, 100, 32, 3, 3, false, "80-85 % (four phases)", 0, 0},
    {"generalized-cluster", 128, 200, 100, 32, 3, 3, false, NULL, 0, 0},
    {"annni", 128, 200, 100, 32, 3, 3, false, NULL, 0, 0},
};

void bench_data_file(const char *dir, const bench_row_t *r, const char *suffix, char *buf,
                     size_t cap) {
    snprintf(buf, cap, "%s/%s-%d%s", dir, r->model, r->sites, suffix);
}

void bench_phase_file(const char *dir, const bench_row_t *r, const char *suffix, char *buf,
                      size_t cap) {
    if (r->train)
        snprintf(buf, cap, "%s/phase-%s-%d-train%d%s", dir, r->model, r->sites, r->train, suffix);
    else
        snprintf(buf, cap, "%s/phase-%s-%d%s", dir, r->model, r->sites, suffix);
}

uint64_t bench_device_shots(const bench_row_t *r) {
    return (r->shots + BENCH_ITERATIONS - 1) / BENCH_ITERATIONS;
}

/* Is a row of model @p name on @p sites selected by the comma-separated list
 * (NULL: everything)? A token selects a model ("annni") or its rows at one
 * size ("annni-12"). */
static bool selected(const char *only, const char *name, int sites) {
    if (!only) return true;
    char sized[96];
    snprintf(sized, sizeof sized, "%s-%d", name, sites);
    for (const char *p = only; *p;) {
        const char *end = strchr(p, ',');
        const size_t n = end ? (size_t)(end - p) : strlen(p);
        if ((n == strlen(name) && strncmp(p, name, n) == 0) ||
            (n == strlen(sized) && strncmp(p, sized, n) == 0))
            return true;
        p += n + (end != NULL);
    }
    return false;
}

/* Every --only token names a model, or a model and a size (MODEL-N). */
static pl_status_t check_only(const char *only) {
    for (const char *q = only; q && *q;) {
        const char *end = strchr(q, ',');
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(end ? (size_t)(end - q) : strlen(q)), q);
        const pl_model_t *m;
        char *dash = strrchr(name, '-');
        if (pl_model_lookup(name, &m) != PL_OK) {
            if (!dash || !dash[1] || strspn(dash + 1, "0123456789") != strlen(dash + 1))
                return pl_model_lookup(name, &m); /* its message names the models */
            *dash = '\0';
            PL_TRY(pl_model_lookup(name, &m));
        }
        q = end ? end + 1 : q + strlen(q);
    }
    return PL_OK;
}

pl_status_t bench_plan_make(const char *only, bool quick, bool curves_only, bench_plan_t *p) {
    const bench_row_t *all = quick ? quick_rows : full_rows;
    const int count =
        quick ? (int)(sizeof quick_rows / sizeof *all) : (int)(sizeof full_rows / sizeof *all);
    memset(p, 0, sizeof *p);
    for (int i = 0; i < count && !curves_only; i++)
        if (selected(only, all[i].model, all[i].sites)) p->rows[p->nrows++] = &all[i];
    const int nquick = (int)(sizeof quick_rows / sizeof *quick_rows);
    for (int i = 0; i < nquick && !quick; i++)
        if (selected(only, quick_rows[i].model, BENCH_CURVE_SITES))
            p->curves[p->ncurves++] = &quick_rows[i];
    PL_TRY(check_only(only));
    if (p->nrows + p->ncurves == 0) return pl_error(PL_EINVAL, "--only selects no row");
    return PL_OK;
}

/* Does row i read the dataset of an earlier row (the same model and sites)? */
static bool shares_dataset(const bench_row_t *const *rows, int i) {
    for (int j = 0; j < i; j++)
        if (strcmp(rows[j]->model, rows[i]->model) == 0 && rows[j]->sites == rows[i]->sites)
            return true;
    return false;
}

/*
 * Constants measured on a 2-core AVX-512 machine (2026-12-03; docs/learn.md):
 * DMRG points cost ~4.5e-7 s × sites × χ³ each (nothing when an earlier row
 * made the dataset), exact ground states ~2e-7 s × 2^n × n; a QCNN step
 * ~4.3e-4 s × 1.6^(n − 8) per training point (8 sites: 4.3e-4 s, 16 sites:
 * 0.02 s), run by both QCNNs; the shadow models ~0.02 s + 4e-8 s × sites ×
 * points × shots per seed. A plan, not a promise: other machines differ by
 * several times.
 */
double bench_row_estimate(const bench_plan_t *p, int i, int seeds, int threads) {
    const bench_row_t *r = p->rows[i];
    const double n = r->sites, pts = r->points, train = r->train ? r->train : 0.5 * pts;
    const double chi = r->chi ? r->chi : 64;
    const double per_point = r->sites > 20 ? 4.5e-7 * n * chi * chi * chi : 2e-7 * pow(2, n) * n;
    double t = shares_dataset(p->rows, i) ? 0 : per_point * pts / threads;
    if (r->qcnn) t += 2 * seeds * BENCH_ITERATIONS * 4.3e-4 * pow(1.6, n - 8) * train;
    t += 2 * seeds * (0.02 + 4e-8 * n * pts * (double)r->shots);
    return t;
}

/* As bench_row_estimate: the QCNN trains once per training-set size and run,
 * 4-class readouts cost about 1.7 times the binary one; the shadow models
 * train 10 times per run. */
double bench_curve_estimate(const bench_row_t *r, int seeds) {
    const pl_model_t *m;
    const double classes = pl_model_lookup(r->model, &m) == PL_OK && m->nlabels > 2 ? 1.7 : 1.0;
    double train = 0;
    for (int s = 0; s < BENCH_CURVE_STEPS; s++) train += bench_curve_train[s];
    return seeds * (BENCH_ITERATIONS * 4.3e-4 * classes * train +
                    20 * (0.02 + 4e-8 * BENCH_CURVE_SITES * BENCH_CURVE_POINTS * 300));
}

double bench_plan_seconds(const bench_plan_t *p, int seeds, int threads) {
    double total = 0;
    for (int i = 0; i < p->nrows; i++) total += bench_row_estimate(p, i, seeds, threads);
    for (int i = 0; i < p->ncurves; i++) total += bench_curve_estimate(p->curves[i], seeds);
    return total;
}

void bench_plan_print(const bench_plan_t *p, int seeds, bool quick, FILE *out) {
    const int threads = pl_threads_get();
    fprintf(out,
            "plateau benchmark%s: %d rows and %d learning curves, %d runs each (--seeds), %d "
            "threads\n",
            quick ? " --quick" : "", p->nrows, p->ncurves, seeds, threads);
    fprintf(out, "  %-20s %6s %7s %10s %6s %5s  %-24s %10s\n", "dataset", "sites", "points",
            "train/test", "shots", "chi", "classifiers", "about");
    for (int i = 0; i < p->nrows; i++) {
        const bench_row_t *r = p->rows[i];
        char chi[16], split[32];
        snprintf(chi, sizeof chi, r->chi ? "%d" : "auto", r->chi);
        const int train = r->train ? r->train : (int)lround(0.5 * r->points);
        snprintf(split, sizeof split, "%d/%d", train, r->test ? r->test : r->points - train);
        fprintf(out, "  %-20s %6d %7d %10s %6llu %5s  %-24s %8.1f min\n", r->model, r->sites,
                r->points, split, (unsigned long long)r->shots, chi,
                r->qcnn ? "2 qcnn, surrogate, linear" : "surrogate, linear",
                bench_row_estimate(p, i, seeds, threads) / 60);
    }
    for (int i = 0; i < p->ncurves; i++)
        fprintf(out, "  %-20s %6d %7d %10s %6s %5s  %-24s %8.1f min\n", p->curves[i]->model,
                BENCH_CURVE_SITES, BENCH_CURVE_POINTS, "curves", "10-1e3", "exact",
                "qcnn, surrogate, linear", bench_curve_estimate(p->curves[i], seeds) / 60);
    fprintf(out, "  estimated in all: %.0f min (rough: measured on a 2-core machine)\n",
            bench_plan_seconds(p, seeds, threads) / 60);
}
