/*
 * bench_run: forward simulation of a deep circuit through the circuit runner
 * (pl_circuit_apply), against one pass over the state per operation.
 *
 * Circuit: the hardware-efficient ansatz (hea: RY and RZ on every qubit, then
 * a CZ ladder, per layer) on n qubits with L layers, random angles (seed 1).
 * A small state (12 qubits = 64 KB) stays in cache, so what the runner adds
 * per operation (binding angles, building the matrix, checks) shows.
 *
 * Baseline: the in-place scaling loop a[i] = s * a[i] over the state, once per
 * operation of the circuit. ratio = baseline time / runner time; the runs of
 * both are interleaved so that both see the same machine load. Times are
 * medians of REPS runs; the best run is printed too (steadier on a loaded
 * machine).
 *
 * usage: bench_run [n [layers]]   (default: 12 200)
 */
#include <stdio.h>
#include <stdlib.h>

#include "plateau.h"

#define REPS 9

static void die(void) {
    fprintf(stderr, "bench_run: %s\n", pl_error_message());
    exit(1);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *t, int n) {
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    return n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

static double time_run(const pl_circuit_t *c, const double *theta, pl_sv_t *sv) {
    double t0 = pl_timer_now();
    if (pl_sv_set_basis(sv, 0) != PL_OK || pl_circuit_apply(c, theta, sv) != PL_OK) die();
    return pl_timer_now() - t0;
}

/* One scaling pass per operation (s = 1 keeps the values; volatile keeps the loop). */
static double time_baseline(pl_sv_t *sv, size_t passes) {
    double *a = (double *)pl_sv_data(sv);
    const size_t len = 2 * pl_sv_dim(sv);
    static volatile double one = 1.0;
    const double s = one;
    double t0 = pl_timer_now();
    for (size_t p = 0; p < passes; p++)
        for (size_t i = 0; i < len; i++) a[i] = s * a[i];
    return pl_timer_now() - t0;
}

int main(int argc, char **argv) {
    const int n = argc > 1 ? atoi(argv[1]) : 12;
    const int layers = argc > 2 ? atoi(argv[2]) : 200;
    pl_ansatz_opts_t o = {.kind = PL_ANSATZ_HEA, .qubits = n, .layers = layers};
    pl_circuit_t *c;
    pl_sv_t *sv;
    if (pl_ansatz_build(&o, &c) != PL_OK || pl_sv_create(n, &sv) != PL_OK) die();
    const int np = pl_circuit_num_params(c);
    const size_t nops = pl_circuit_size(c);
    double *theta = malloc((size_t)np * sizeof *theta);
    if (!theta) return 1;
    pl_rng_t rng;
    pl_rng_seed(&rng, 1, 0);
    for (int k = 0; k < np; k++) theta[k] = 2 * PL_PI * pl_rng_uniform(&rng);

    double t_run[REPS], t_base[REPS];
    (void)time_run(c, theta, sv); /* warm-up */
    for (int r = 0; r < REPS; r++) {
        t_base[r] = time_baseline(sv, nops);
        t_run[r] = time_run(c, theta, sv);
    }
    const double run = median(t_run, REPS), base = median(t_base, REPS);
    const double run_best = t_run[0]; /* sorted by median() */
    printf("bench_run: plateau %s, hea n=%d layers=%d: %zu operations, %d parameters, "
           "median of %d runs\n",
           PL_VERSION_STRING, n, layers, nops, np, REPS);
    printf("pl_circuit_apply: %.3f ms (%.1f ns per operation), best %.3f ms\n", 1e3 * run,
           1e9 * run / (double)nops, 1e3 * run_best);
    printf("baseline, one pass a[i]=s*a[i] per operation: %.3f ms\n", 1e3 * base);
    printf("ratio (baseline / run): %.2f\n", base / run);
    free(theta);
    pl_sv_destroy(sv);
    pl_circuit_destroy(c);
    return 0;
}
