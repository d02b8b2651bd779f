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
 *
 * usage: bench_shadows [CASES]   (letters ab; default all)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plateau.h"

_Noreturn static void die(void) {
    fprintf(stderr, "bench_shadows: %s\n", pl_last_error());
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
    printf("\n(b) shots from the state vector (random bases per shot), %d threads\n", pl_threads());
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

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("bench_shadows: plateau %s, %d threads\n", PL_VERSION_STRING, pl_threads());
    const char *cases = argc > 1 ? argv[1] : "ab";
    if (strchr(cases, 'a')) bench_windows();
    if (strchr(cases, 'b')) bench_sv_shots();
    return 0;
}
