/*
 * bench_diag: barren-plateau diagnostics (pl_bp_sample, pl_bp_fit) on the
 * hardware-efficient ansatz.
 *
 * Scan: `hea` (RY RZ on every qubit then a CZ chain, per layer) with
 * layers = n, for n = 4, 6, …, 20, 200 random angle vectors per size (seed 1),
 * every parameter differentiated (variances averaged), for the global cost
 * Z_0 ⋯ Z_{n−1} and the local cost (1/n) Σ_j Z_j. Per size and cost: the
 * time of pl_bp_sample, Var[∂C] ± its standard error, Var[C]; at the end the
 * fits of log Var against n and log n (pl_bp_fit) and their verdicts.
 *
 * Baseline, measured in the same run before each point: the time of one
 * adjoint gradient (pl_grad on one thread: the best of three timings, each
 * averaged over repeats for small n) times the number of samples, i.e. the
 * same gradients done one after another. The ratio (sampling time / baseline)
 * shows the sampler's overhead (angle draws, storing every gradient, the
 * moments) together with its use of the threads: pl_bp_sample runs whole
 * samples in parallel for small states and splits each gradient's kernels
 * over the threads for large ones, so with T threads and perfect scaling the
 * ratio would be 1/T.
 *
 * n = 20 is run only when its projected time (baseline of both costs divided
 * by the thread count, i.e. perfect scaling) is under 3 minutes; otherwise the
 * scan stops at 18 and the output says why.
 *
 * usage: bench_diag [NMAX]   (largest n, even, 4…20; default 20)
 */
#include <stdio.h>
#include <stdlib.h>

#include "plateau.h"

#define SAMPLES 200
#define BUDGET_SECONDS 180.0

_Noreturn static void die(void) {
    fprintf(stderr, "bench_diag: %s\n", pl_error_message());
    exit(1);
}

/* Seconds of one adjoint gradient of @p c for @p obs at random angles on one
 * thread: the best of three timings, each averaged over repeats for at least
 * 0.1 s (one call when that is longer). */
static double grad_seconds(const pl_circuit_t *c, const pl_pauli_sum_t *obs) {
    const int np = pl_circuit_num_params(c), threads = pl_threads_get();
    double *theta = malloc((size_t)np * sizeof *theta), *g = malloc((size_t)np * sizeof *g);
    if (!theta || !g) exit(1);
    pl_rng_t rng;
    pl_rng_seed(&rng, 99, 0);
    for (int k = 0; k < np; k++) theta[k] = 2 * PL_PI * pl_rng_uniform(&rng);
    if (pl_threads_set(1) != PL_OK) die();
    double best = 0.0;
    for (int trial = 0; trial < 3; trial++) {
        double e;
        int reps = 0;
        const pl_timer_t t = pl_timer_start();
        do {
            if (pl_grad(c, theta, obs, NULL, PL_GRAD_ADJOINT, &e, g) != PL_OK) die();
            reps++;
        } while (pl_timer_elapsed(&t) < 0.1);
        const double sec = pl_timer_elapsed(&t) / reps;
        if (trial == 0 || sec < best) best = sec;
    }
    if (pl_threads_set(threads) != PL_OK) die();
    free(theta);
    free(g);
    return best;
}

static void print_fit(pl_cost_kind_t cost, const pl_bp_point_t *pts, int count) {
    pl_bp_fit_t f;
    if (pl_bp_fit(pts, count, &f) != PL_OK) die();
    printf("  %-6s cost, n = %d…%d (%d sizes): exponential rate %.4f ± %.4f (Var ∝ %.3f^-n, "
           "chi2 %.2f); polynomial exponent %.3f ± %.3f (chi2 %.2f) => verdict: %s\n",
           pl_cost_name(cost), pts[0].qubits, pts[count - 1].qubits, count, f.rate, f.rate_stderr,
           f.base, f.chi2_exp, f.exponent, f.exponent_stderr, f.chi2_poly, f.verdict);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    int nmax = argc > 1 ? atoi(argv[1]) : 20;
    if (nmax < 4 || nmax > 20 || nmax % 2) {
        fprintf(stderr, "bench_diag: NMAX must be even, 4 to 20, got '%s'\n", argv[1]);
        return 2;
    }
    printf("bench_diag: plateau %s, gradient variance of hea (layers = n), %d samples per "
           "size (seed 1), all parameters, %d threads\n"
           "baseline per point: one adjoint pl_grad (1 thread) at that size x %d samples; "
           "ratio = time / baseline (perfect use of the threads: %.2f)\n",
           PL_VERSION_STRING, SAMPLES, pl_threads_get(), SAMPLES, 1.0 / pl_threads_get());
    printf("  %-6s %3s %5s %9s %9s %22s %22s %9s %6s\n", "cost", "n", "P", "time s", "base s",
           "Var[dC] ± stderr", "Var[C] ± stderr", "mean dC", "ratio");
    pl_bp_point_t pts[2][9];
    int count = 0;
    for (int n = 4; n <= nmax; n += 2) {
        const pl_ansatz_opts_t ao = {.kind = PL_ANSATZ_HEA, .qubits = n, .layers = n};
        pl_circuit_t *c;
        pl_pauli_sum_t *obs[2];
        if (pl_ansatz_build(&ao, &c) != PL_OK) die();
        double base[2], projected = 0;
        for (int k = 0; k < 2; k++) {
            if (pl_cost_observable((pl_cost_kind_t)k, n, &obs[k]) != PL_OK) die();
            base[k] = SAMPLES * grad_seconds(c, obs[k]);
            projected += base[k];
        }
        projected /= pl_threads_get();
        if (n == 20 && projected > BUDGET_SECONDS) {
            printf("  n = %d skipped, the scan stops at n = %d: one adjoint gradient takes "
                   "%.2f s (global) / %.2f s (local) on one thread, so %d samples of both costs "
                   "would take at least %.0f s on %d threads (perfect scaling), over the %.0f s "
                   "budget\n",
                   n, n - 2, base[0] / SAMPLES, base[1] / SAMPLES, SAMPLES, projected,
                   pl_threads_get(), BUDGET_SECONDS);
            for (int k = 0; k < 2; k++) pl_pauli_sum_destroy(obs[k]);
            pl_circuit_destroy(c);
            break;
        }
        for (int k = 0; k < 2; k++) {
            const pl_bp_opts_t bo = {.samples = SAMPLES, .seed = 1, .param_index = -1};
            pl_bp_point_t *p = &pts[k][count];
            if (pl_bp_sample(c, obs[k], &bo, p) != PL_OK) die();
            printf("  %-6s %3d %5d %9.3f %9.3f %11.4e ± %8.2e %11.4e ± %8.2e %9.1e %6.2f\n",
                   pl_cost_name((pl_cost_kind_t)k), n, p->params, p->seconds, base[k], p->var_grad,
                   p->stderr, p->var_cost, p->var_cost_stderr, p->mean_grad, p->seconds / base[k]);
            pl_pauli_sum_destroy(obs[k]);
        }
        count++;
        pl_circuit_destroy(c);
    }
    printf("fits of log Var[dC] (pl_bp_fit):\n");
    for (int k = 0; k < 2; k++) print_fit((pl_cost_kind_t)k, pts[k], count);
    return 0;
}
