/*
 * bench_shadows: classical-shadow estimation at 1,024 qubits.
 *
 * (a) Window features (every string inside k adjacent qubits) for k = 2 and 3
 *     from 100 shots per state, 100 states: features per second. Shots are
 *     random bases and outcomes (the estimator's cost does not depend on the
 *     state). Baseline, measured in the same run: one pass of popcounts over
 *     the packed words a feature reads (per feature: the basis and outcome
 *     words of its qubits), i.e. the same memory with the least possible work;
 *     the ratio says how close the estimator runs to that floor.
 * (b) Shots from the state vector (n = 16 and 20): shots per second.
 * (c) Shots from a matrix product state (pl_shadows_from_mps): a random MPS
 *     (pl_mps_create_random, seed 1) of 1,024 sites and bond dimension 32,
 *     1,000 shots, at 1 and at 2 threads (alternated, median of 3): shots per
 *     second. Floors, measured in the same run on one OpenBLAS thread: the
 *     issue's, one pass of a row vector through every site tensor (v ← v·A_i[s]
 *     by cblas_dgemv on the χ x 2χ tensor, keeping s = 0 and renormalising),
 *     the least work a shot sampled on its own must do; and the batched one,
 *     the same pass for 64 shots at once (one dgemm of a 128 x χ block — re and
 *     im of 64 row vectors — per tensor, as the sampler does), per shot. The
 *     ratios are time per shot per thread over each floor.
 *
 * usage: bench_shadows [CASES]   (letters abc; default all)
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plateau.h"

_Noreturn static void die(void) {
    fprintf(stderr, "bench_shadows: %s\n", pl_error_message());
    exit(1);
}

static pl_shadows_t *random_shots(int n, size_t shots, uint64_t seed) {
    pl_shadows_t *sh;
    if (pl_shadows_create(n, shots, &sh) != PL_OK) die();
    uint8_t *basis = malloc((size_t)n), *outcome = malloc((size_t)n);
    pl_rng_t rng;
    pl_rng_seed(&rng, seed, 0);
    for (size_t s = 0; s < shots; s++) {
        for (int q = 0; q < n; q++) {
            basis[q] = (uint8_t)(1 + pl_rng_below(&rng, 3));
            outcome[q] = (uint8_t)pl_rng_below(&rng, 2);
        }
        if (pl_shadows_set_shot(sh, s, basis, outcome) != PL_OK) die();
    }
    free(basis);
    free(outcome);
    return sh;
}

/* The floor: per feature, popcount the lo/hi/outcome words of its qubits. */
static double popcount_floor(const pl_shadows_t *sh, int k, size_t features, double *sink) {
    const int n = pl_shadows_qubits(sh);
    const size_t words = pl_shadows_words(sh);
    pl_timer_t t = pl_timer_start();
    uint64_t acc = 0;
    size_t done = 0;
    for (int a = 0; a < n && done < features; a++)
        for (int f = 0; f < 3 << (2 * (k - 1)) && done < features; f++, done++)
            for (int j = 0; j < k && a + j < n; j++) {
                const uint64_t *lo, *hi, *out;
                pl_shadows_packed(sh, a + j, &lo, &hi, &out);
                for (size_t w = 0; w < words; w++)
                    acc += (uint64_t)__builtin_popcountll(lo[w] ^ hi[w] ^ out[w]);
            }
    *sink += (double)acc;
    return pl_timer_elapsed(&t);
}

static void bench_windows(void) {
    const int n = 1024, states = 100;
    const size_t shots = 100;
    printf("\n(a) window features, %d qubits, %zu shots per state, %d states\n", n, shots, states);
    pl_shadows_t **sets = malloc(states * sizeof *sets);
    for (int i = 0; i < states; i++) sets[i] = random_shots(n, shots, (uint64_t)i);
    double sink = 0.0;
    for (int k = 2; k <= 3; k++) {
        const size_t count = pl_shadows_window_count(n, k);
        double *features = malloc(count * sizeof *features);
        pl_timer_t t = pl_timer_start();
        for (int i = 0; i < states; i++)
            if (pl_shadows_window_features(sets[i], k, features) != PL_OK) die();
        const double sec = pl_timer_elapsed(&t);
        sink += features[0];
        double floor_sec = 0.0;
        for (int i = 0; i < states; i++) floor_sec += popcount_floor(sets[i], k, count, &sink);
        printf("  k = %d: %6zu features/state  %.4f s  %.3g features/s  (popcount floor %.4f s: "
               "%.2f x floor)\n",
               k, count, sec, (double)count * states / sec, floor_sec, sec / floor_sec);
        free(features);
    }
    for (int i = 0; i < states; i++) pl_shadows_destroy(sets[i]);
    free(sets);
    if (sink == 0.123) printf("%g\n", sink); /* keep the floor loop */
}

static void bench_sv_shots(void) {
    printf("\n(b) shots from the state vector (random bases per shot), %d threads\n",
           pl_threads_get());
    for (int n = 16; n <= 20; n += 4) {
        pl_sv_t *sv;
        if (pl_sv_create(n, &sv) != PL_OK) die();
        const size_t shots = n == 16 ? 2000 : 200;
        pl_timer_t t = pl_timer_start();
        pl_shadows_t *sh;
        if (pl_shadows_from_sv(sv, shots, 1, &sh) != PL_OK) die();
        const double sec = pl_timer_elapsed(&t);
        printf("  n = %d: %zu shots in %.3f s: %.0f shots/s\n", n, shots, sec, (double)shots / sec);
        pl_shadows_destroy(sh);
        pl_sv_destroy(sv);
    }
}

/* Seconds per shot of one pass of @p rows real row vectors through every site
 * tensor of @p psi (v ← v·A_i[0], renormalised): cblas_dgemv for one row, one
 * cblas_dgemm for several (then per row: divided by rows / 2, the rows being
 * re and im of rows / 2 shots). Repeated for about 0.3 s on one OpenBLAS
 * thread. */
static double floor_pass(const pl_mps_t *psi, int rows, double *sink) {
    const int n = pl_mps_sites(psi), chi = pl_mps_max_bond_dim(psi);
    double *v = calloc((size_t)rows * chi, sizeof *v),
           *m = malloc(2 * (size_t)rows * chi * sizeof *m);
    if (!v || !m) exit(1);
    const int threads = openblas_get_num_threads();
    openblas_set_num_threads(1);
    long passes = 0;
    const pl_timer_t t = pl_timer_start();
    do {
        for (int r = 0; r < rows; r++) v[(size_t)r * chi] = 1.0;
        for (int i = 0; i < n; i++) {
            const double *a;
            int dl, dr;
            if (pl_mps_site(psi, i, &a, &dl, &dr) != PL_OK) die();
            /* m[r][s·dr + b] = Σ_a v[r][a] A[a][s][b]: the tensor is a dl × 2dr matrix */
            if (rows == 1)
                cblas_dgemv(CblasRowMajor, CblasTrans, dl, 2 * dr, 1.0, a, 2 * dr, v, 1, 0.0, m, 1);
            else
                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, 2 * dr, dl, 1.0, v,
                            chi, a, 2 * dr, 0.0, m, 2 * dr);
            for (int r = 0; r < rows; r++) { /* keep outcome s = 0 */
                const double *mr = m + (size_t)r * 2 * dr;
                const double inv = 1.0 / cblas_dnrm2(dr, mr, 1);
                for (int b = 0; b < dr; b++) v[(size_t)r * chi + b] = mr[b] * inv;
            }
        }
        *sink += v[0];
        passes++;
    } while (pl_timer_elapsed(&t) < 0.3);
    const double sec = pl_timer_elapsed(&t) / (double)passes / (rows == 1 ? 1.0 : rows / 2.0);
    openblas_set_num_threads(threads);
    free(v);
    free(m);
    return sec;
}

static int cmp_double(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void bench_mps_shots(void) {
    const int n = 1024, chi = 32, reps = 3;
    const size_t shots = 1000;
    pl_mps_t *psi;
    if (pl_mps_create_random(n, chi, 1, &psi) != PL_OK) die();
    double sink = 0.0;
    const double pass = floor_pass(psi, 1, &sink), batched = floor_pass(psi, 128, &sink);
    printf("\n(c) shots from an MPS (pl_shadows_from_mps), random MPS n = %d, chi = %d (seed 1), "
           "%zu shots, median of %d\n  floor: one dgemv pass over all %d site tensors (1 thread): "
           "%.1f us (%.0f passes/s)\n  batched floor: one dgemm pass of 64 shots (128 x %d "
           "rows) over them, per shot: %.1f us (%.0f shots/s)\n",
           n, chi, shots, reps, n, 1e6 * pass, 1.0 / pass, chi, 1e6 * batched, 1.0 / batched);
    const int threads = pl_threads_get();
    double sec[2][8], cpu[2][8];
    for (int r = 0; r < reps; r++)
        for (int t = 1; t <= 2; t++) {
            if (pl_threads_set(t) != PL_OK) die();
            pl_shadows_t *sh;
            const pl_timer_t timer = pl_timer_start();
            const clock_t c0 = clock();
            if (pl_shadows_from_mps(psi, shots, 1, &sh) != PL_OK) die();
            sec[t - 1][r] = pl_timer_elapsed(&timer);
            cpu[t - 1][r] = (double)(clock() - c0) / CLOCKS_PER_SEC;
            pl_shadows_destroy(sh);
        }
    double med[2], med_cpu[2];
    for (int t = 1; t <= 2; t++) {
        qsort(sec[t - 1], (size_t)reps, sizeof(double), cmp_double);
        qsort(cpu[t - 1], (size_t)reps, sizeof(double), cmp_double);
        med[t - 1] = sec[t - 1][reps / 2];
        med_cpu[t - 1] = cpu[t - 1][reps / 2];
        const double per_shot = med[t - 1] * t / (double)shots; /* thread-seconds per shot */
        printf("  %d thread%s: %zu shots in %.3f s: %.0f shots/s, %.1f us per shot per thread "
               "(%.2f x the dgemv floor, %.2f x the batched floor); CPU %.3f s\n",
               t, t > 1 ? "s" : " ", shots, med[t - 1], (double)shots / med[t - 1], 1e6 * per_shot,
               per_shot / pass, per_shot / batched, med_cpu[t - 1]);
    }
    printf("  2 threads vs 1: %.2f x wall; CPU seconds 2 threads / 1 thread %.2f (1.0: no "
           "parallel overhead; a wall speedup under 2 with this near 1 means the second core "
           "was busy with other work)\n",
           med[0] / med[1], med_cpu[1] / med_cpu[0]);
    if (pl_threads_set(threads) != PL_OK) die();
    pl_mps_destroy(psi);
    if (sink == 0.123) printf("%g\n", sink); /* keep the floor loops */
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("bench_shadows: plateau %s, %d threads\n", PL_VERSION_STRING, pl_threads_get());
    const char *cases = argc > 1 ? argv[1] : "abc";
    if (strchr(cases, 'a')) bench_windows();
    if (strchr(cases, 'b')) bench_sv_shots();
    if (strchr(cases, 'c')) bench_mps_shots();
    return 0;
}
