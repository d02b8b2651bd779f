/*
 * bench_grad: cost of one gradient in units of one forward pass, for the
 * hardware-efficient ansatz (hea) with 10 layers.
 *
 * forward  = prepare |0…0⟩, apply the circuit, evaluate ⟨H⟩ (H = Σ Z_i Z_{i+1}).
 * adjoint  = pl_grad(..., PL_GRAD_ADJOINT): target ≤ 3 forward passes.
 * shift    = pl_grad(..., PL_GRAD_SHIFT): expected ≈ 2P forward passes; run in
 *            full only where it takes seconds (n ≤ 14 by default).
 *
 * usage: bench_grad [n ...]   (default: 12 14 20)
 */
#include <stdio.h>
#include <stdlib.h>

#include "plateau.h"

#define LAYERS 10

static void die(void) {
    fprintf(stderr, "bench_grad: %s\n", pl_error_message());
    exit(1);
}

static pl_pauli_sum_t *zz_chain(int n) {
    pl_pauli_sum_t *h;
    pl_pauli_t *p;
    if (pl_pauli_sum_create(n, &h) != PL_OK || pl_pauli_create(n, &p) != PL_OK) die();
    for (int i = 0; i + 1 < n; i++) {
        pl_pauli_set_identity(p);
        pl_pauli_set(p, i, PL_Z);
        pl_pauli_set(p, i + 1, PL_Z);
        if (pl_pauli_sum_add(h, p, 1.0) != PL_OK) die();
    }
    pl_pauli_destroy(p);
    return h;
}

static double best_time(const pl_circuit_t *c, const double *theta, const pl_pauli_sum_t *h,
                        pl_grad_method_t m, double *grad, int reps) {
    double best = 1e300;
    for (int r = 0; r < reps; r++) {
        double e;
        pl_timer_t t = pl_timer_start();
        if (pl_grad(c, theta, h, NULL, m, &e, grad) != PL_OK) die();
        double s = pl_timer_elapsed(&t);
        if (s < best) best = s;
    }
    return best;
}

static void bench(int n, int max_shift_n) {
    pl_ansatz_opts_t o = {.kind = PL_ANSATZ_HEA, .qubits = n, .layers = LAYERS};
    pl_circuit_t *c;
    if (pl_ansatz_build(&o, &c) != PL_OK) die();
    const int np = pl_circuit_num_params(c);
    double *theta = malloc((size_t)np * sizeof *theta), *grad = malloc((size_t)np * sizeof *grad);
    pl_rng_t rng;
    pl_rng_seed(&rng, 1, 0);
    for (int k = 0; k < np; k++) theta[k] = 6.283185307179586 * pl_rng_uniform(&rng);
    pl_pauli_sum_t *h = zz_chain(n);
    const int reps = n <= 16 ? 5 : 3;
    double t_fwd = best_time(c, theta, h, PL_GRAD_ADJOINT, NULL, reps);
    double t_adj = best_time(c, theta, h, PL_GRAD_ADJOINT, grad, reps);
    printf("n=%2d  P=%4d  ops=%5zu  forward %9.3f ms  adjoint %9.3f ms = %5.2f forward", n, np,
           pl_circuit_size(c), 1e3 * t_fwd, 1e3 * t_adj, t_adj / t_fwd);
    if (n <= max_shift_n) {
        double t_shift = best_time(c, theta, h, PL_GRAD_SHIFT, grad, 1);
        printf("  shift %9.1f ms = %7.1f forward (2P = %d)", 1e3 * t_shift, t_shift / t_fwd,
               2 * np);
    }
    printf("\n");
    pl_pauli_sum_destroy(h);
    pl_circuit_destroy(c);
    free(theta);
    free(grad);
}

int main(int argc, char **argv) {
    printf("bench_grad: plateau %s, hea with %d layers, H = sum Z_i Z_i+1, %d threads\n",
           PL_VERSION_STRING, LAYERS, pl_threads_get());
    printf("kernels compiled for %s, running on a CPU with %s\n", pl_simd_compiled(),
           pl_simd_cpu());
    if (argc > 1) {
        for (int i = 1; i < argc; i++) bench(atoi(argv[i]), 14);
        return 0;
    }
    const int sizes[] = {12, 14, 20};
    for (int i = 0; i < 3; i++) bench(sizes[i], 14);
    return 0;
}
