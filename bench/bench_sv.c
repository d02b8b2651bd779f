/*
 * bench_sv: state-vector kernel throughput against the machine's memory
 * bandwidth, measured in the same run.
 *
 * Baseline: the in-place scaling loop a[i] = s * a[i] over an array as large
 * as the state (reads and writes 2 x 16 x 2^n bytes). A gate that touches
 * every amplitude moves the same bytes, so ratio = baseline time / gate time.
 * Each row re-measures the baseline, interleaved with the gate's runs, so
 * both see the same machine load.
 *
 * The 10-term Pauli sum is timed against a read-only pass (pl_sv_norm2):
 * grouping terms by X/Y pattern makes it cost ~2 passes, not 10.
 *
 * usage: bench_sv [n ...]   (default: 20 24 26, skipping sizes over the memory limit)
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#include "plateau.h"

#define REPS 5

static double best_of(double (*fn)(void *), void *arg) {
    double best = 1e300;
    for (int r = 0; r < REPS; r++) {
        double t = fn(arg);
        if (t < best) best = t;
    }
    return best;
}

static double time_scale(void *arg);

/* Best times of fn and of the baseline, runs interleaved so that both see the
 * same machine load; returns fn's time and stores the baseline's. */
static double best_with_baseline(double (*fn)(void *), void *arg, double *baseline) {
    double best = 1e300, base = 1e300;
    for (int r = 0; r < REPS; r++) {
        double tb = time_scale(arg), t = fn(arg);
        if (tb < base) base = tb;
        if (t < best) best = t;
    }
    *baseline = base;
    return best;
}

typedef struct {
    pl_sv_t *sv;
    pl_gate_t gate;
    int qubits[2];
    double angle;
    const pl_pauli_sum_t *obs;
} job_t;

static double time_scale(void *arg) {
    job_t *job = arg;
    double *a = (double *)pl_sv_data(job->sv);
    const long long len = 2 * (long long)pl_sv_dim(job->sv);
    /* s = 1 keeps the values (and avoids denormals); volatile keeps the loop. */
    static volatile double one = 1.0;
    const double s = one;
    double t0 = pl_timer_now();
#pragma omp parallel for schedule(static)
    for (long long i = 0; i < len; i++) a[i] = s * a[i];
    return pl_timer_now() - t0;
}

static double time_gate(void *arg) {
    job_t *job = arg;
    double t0 = pl_timer_now();
    if (pl_sv_apply_gate(job->sv, job->gate, job->qubits, &job->angle) != PL_OK) {
        fprintf(stderr, "bench_sv: %s\n", pl_error_message());
        exit(1);
    }
    return pl_timer_now() - t0;
}

static double time_norm(void *arg) {
    job_t *job = arg;
    double t0 = pl_timer_now();
    volatile double norm = pl_sv_norm2(job->sv);
    (void)norm;
    return pl_timer_now() - t0;
}

static double time_expval(void *arg) {
    job_t *job = arg;
    double complex e;
    double t0 = pl_timer_now();
    if (pl_sv_expval_sum(job->sv, job->obs, &e) != PL_OK) {
        fprintf(stderr, "bench_sv: %s\n", pl_error_message());
        exit(1);
    }
    return pl_timer_now() - t0;
}

/* A 10-term observable with 2 distinct X/Y patterns: 6 diagonal terms, 4 on qubits 2 and n/2. */
static pl_pauli_sum_t *ten_term_observable(int n) {
    char text[256];
    int m = n / 2;
    snprintf(text, sizeof text,
             "Z0 Z1 + Z1 Z2 + 0.5*Z%d Z%d + Z%d + 0.25*Z0 Z%d + Z3 + "
             "X%d X%d + 0.3*Y%d Y%d + X%d Y%d Z0 + Y%d X%d",
             m, m + 1, n - 1, n - 1, 2, m, 2, m, 2, m, 2, m);
    pl_pauli_sum_t *h;
    if (pl_pauli_sum_parse(text, n, &h) != PL_OK) {
        fprintf(stderr, "bench_sv: %s\n", pl_error_message());
        exit(1);
    }
    return h;
}

static void bench_size(int n, int threads) {
    job_t job = {0};
    if (pl_sv_create(n, &job.sv) != PL_OK) {
        printf("n=%d: skipped (%s)\n", n, pl_error_message());
        return;
    }
    omp_set_num_threads(threads);
    const double bytes = 2.0 * 16.0 * (double)pl_sv_dim(job.sv);
    double t_base = best_of(time_scale, &job);
    printf("\nn=%d threads=%d state=%.0f MB  baseline a[i]=s*a[i]: %.2f ms, %.1f GB/s\n", n,
           threads, bytes / 2 / 1e6, 1e3 * t_base, bytes / t_base / 1e9);
    printf("%-6s %5s %10s %8s %7s\n", "gate", "qubit", "ms", "GB/s", "ratio");
    const pl_gate_t gates[2] = {PL_GATE_H, PL_GATE_RZ};
    double worst[2] = {1e9, 1e9};
    for (int g = 0; g < 2; g++) {
        for (int q = 0; q < n; q++) {
            job.gate = gates[g];
            job.qubits[0] = q;
            job.angle = 0.3;
            double t_row;
            double t = best_with_baseline(time_gate, &job, &t_row);
            double ratio = t_row / t;
            if (ratio < worst[g]) worst[g] = ratio;
            printf("%-6s %5d %10.3f %8.1f %7.2f\n", pl_gate_info(gates[g])->name, q, 1e3 * t,
                   bytes / t / 1e9, ratio);
        }
    }
    const int cx_pairs[4][2] = {{0, 1}, {n / 2, n / 2 + 1}, {n - 2, n - 1}, {n - 1, 0}};
    for (int p = 0; p < 4; p++) {
        job.gate = PL_GATE_CX;
        job.qubits[0] = cx_pairs[p][0];
        job.qubits[1] = cx_pairs[p][1];
        double t_row;
        double t = best_with_baseline(time_gate, &job, &t_row);
        printf("cx     %2d,%-2d %10.3f %8.1f %7.2f  (touches half the state)\n", job.qubits[0],
               job.qubits[1], 1e3 * t, bytes / t / 1e9, t_row / t);
    }
    pl_pauli_sum_t *obs = ten_term_observable(n);
    job.obs = obs;
    double t_read = best_of(time_norm, &job);
    double t = best_of(time_expval, &job);
    /* A read-only pass (the norm) is the floor for one X/Y pattern group. */
    printf("norm2 (one read pass): %.3f ms, %.1f GB/s\n", 1e3 * t_read, bytes / 2 / t_read / 1e9);
    printf("expval 10 terms, 2 X/Y patterns: %.3f ms = %.2f read passes "
           "(one pass per term would be 10)\n",
           1e3 * t, t / t_read);
    printf("summary n=%d threads=%d: worst 1-qubit ratio h %.2f, rz %.2f\n", n, threads, worst[0],
           worst[1]);
    pl_pauli_sum_destroy(obs);
    pl_sv_destroy(job.sv);
}

int main(int argc, char **argv) {
    int sizes[16] = {20, 24, 26};
    int nsizes = 3;
    if (argc > 1) {
        nsizes = 0;
        for (int i = 1; i < argc && nsizes < 16; i++) sizes[nsizes++] = atoi(argv[i]);
    }
    const int max_threads = omp_get_max_threads();
    printf("bench_sv: plateau %s, up to %d threads, best of %d runs\n", PL_VERSION_STRING,
           max_threads, REPS);
    printf("kernels compiled for %s, running on a CPU with %s\n", pl_simd_compiled(),
           pl_simd_cpu());
    for (int i = 0; i < nsizes; i++)
        for (int threads = 1; threads <= (max_threads < 2 ? max_threads : 2); threads++)
            bench_size(sizes[i], threads);
    return 0;
}
