/*
 * bench_dmrg: two-site DMRG (pl_dmrg) on the critical transverse-field Ising
 * chain up to 1,024 sites, and the exact (Lanczos) ground state at 20 sites.
 *
 * Model: H = −Σ Z_i Z_{i+1} − Σ X_i (pl_model "tfim", J = h = 1), open chain.
 * Exact energy from free fermions, computed here: E0 = −Σ_k σ_k, σ_k the
 * singular values of the n x n upper bidiagonal matrix with h on the diagonal
 * and J above it (LAPACKE_dbdsqr). The formula is checked first against
 * pl_ground_exact at n = 8, 10, 12. Also printed first: a one-thread
 * 1024³ dgemm, the BLAS peak of this machine in this run.
 *
 * (a) DMRG, n = 256 and 1,024: χ_max = 64, cutoff 1e-10, sweeps until the
 *     energy changes by less than 1e-9 per sweep (χ 16, 32, 64, then held),
 *     random start (seed 1), at 1 and at 2 OpenMP threads (pl_threads_set).
 *     Per run: energy, error against free fermions, sweeps, time per sweep and
 *     total, the fraction of the time spent in the local effective-Hamiltonian
 *     products (result.matvec_seconds / result.seconds; the SVDs, Lanczos
 *     bookkeeping and environment updates are not counted there), and those
 *     products' achieved GFLOP/s against a plain single-threaded dgemm of the
 *     size of their largest step (χ·w x χ times χ x 4χ), measured in the same
 *     run. Published reference (ITensor, C++ v3, one core) printed beside;
 *     for its "χ held at 64" figures, two more sweeps per size at one thread
 *     with χ_start = χ_max = 64 and no cutoff (the second sweep's time).
 * (b) Lanczos (pl_ground_exact) at n = 20, h = 1: time and error.
 * (c) Time to an energy error: χ_max 64, cutoff 1e-16, |dE| < 1e-13, one
 *     thread, n = 64 (30 sweeps at most) and 256 (12): per sweep E − E0 and
 *     seconds, and when E − E0 first fell to 1e-8, 1e-10, 1e-12 — the figure
 *     to set beside a peer that stops at another error (TeNPy at n = 64:
 *     bench/peers/run.py).
 *
 * Timings on a shared machine vary with its load (the dgemm baseline shows
 * it); compare the ratio rather than seconds across runs.
 *
 * Every sweep line prints E − E0 and the sweep's seconds.
 *
 * usage: bench_dmrg [quick]   (quick: n = 256 only, no held-χ sweeps, Lanczos at n = 16,
 *                              (c) at n = 64 only)
 */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plateau.h"

static _Noreturn void die(void) {
    fprintf(stderr, "bench_dmrg: %s\n", pl_error_message());
    exit(1);
}

/* The critical TFIM (J = h = 1) on n sites. */
static pl_pauli_sum_t *tfim(int n) {
    const pl_model_t *m;
    const double params[2] = {1.0, 1.0}; /* J, h */
    pl_pauli_sum_t *h;
    if (pl_model_lookup("tfim", &m) != PL_OK || pl_model_hamiltonian(m, n, params, &h) != PL_OK)
        die();
    return h;
}

/* Exact open-TFIM ground energy at J = h = 1 from free fermions: minus the sum
 * of the singular values of the n x n upper bidiagonal matrix with h on the
 * diagonal and J above it (the positive half of the Majorana spectrum), by
 * LAPACKE_dbdsqr, which finds them to full relative accuracy. */
static double tfim_exact(int n) {
    const double J = 1.0, h = 1.0;
    double *d = malloc((size_t)n * sizeof *d), *e = malloc((size_t)n * sizeof *e);
    if (!d || !e) exit(1);
    for (int i = 0; i < n; i++) {
        d[i] = h;
        e[i] = J; /* e[n − 1] unused */
    }
    if (LAPACKE_dbdsqr(LAPACK_COL_MAJOR, 'U', n, 0, 0, 0, d, e, NULL, 1, NULL, 1, NULL, 1)) exit(1);
    double sum = 0;
    for (int k = n - 1; k >= 0; k--) sum += d[k]; /* smallest first */
    free(d);
    free(e);
    return -sum;
}

/* Lanczos ground energy of the critical TFIM on n sites; seconds into *sec. */
static double lanczos(int n, double *sec) {
    pl_pauli_sum_t *h = tfim(n);
    const pl_ground_exact_opts_t o = {.seed = 1};
    double e;
    const pl_timer_t t = pl_timer_start();
    if (pl_ground_exact(h, &o, &e, NULL) != PL_OK) die();
    *sec = pl_timer_elapsed(&t);
    pl_pauli_sum_destroy(h);
    return e;
}

/* GFLOP/s of C (m x n) = A (m x k) B (k x n) on one OpenBLAS thread (as
 * inside pl_dmrg), repeated for about 0.3 s. */
static double dgemm_gflops(int m, int n, int k) {
    const int threads = openblas_get_num_threads();
    openblas_set_num_threads(1);
    double *a = calloc((size_t)m * k, sizeof *a), *b = calloc((size_t)k * n, sizeof *b),
           *c = calloc((size_t)m * n, sizeof *c);
    if (!a || !b || !c) exit(1);
    for (size_t i = 0; i < (size_t)m * k; i++) a[i] = 1e-3 * (double)(i % 7);
    for (size_t i = 0; i < (size_t)k * n; i++) b[i] = 1e-3 * (double)(i % 5);
    long reps = 0;
    const pl_timer_t t = pl_timer_start();
    do {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0, a, k, b, n, 0.0, c, n);
        reps++;
    } while (pl_timer_elapsed(&t) < 0.3);
    const double s = pl_timer_elapsed(&t);
    openblas_set_num_threads(threads);
    free(a);
    free(b);
    free(c);
    return 2.0 * m * n * (double)k * (double)reps / s * 1e-9;
}

/* What the progress callback tracks: the exact energy, and the first time
 * (seconds since the start) the error fell to 1e-8, 1e-10 and 1e-12. */
typedef struct {
    double exact;
    double reached[3];
} track_t;

static const double thresholds[3] = {1e-8, 1e-10, 1e-12};

static void on_sweep(const pl_dmrg_result_t *r, void *ctx) {
    track_t *t = ctx;
    const double err = r->energy - t->exact;
    printf("    sweep %2d  chi %3d  E = %.12f  E-E0 %9.2e  |dE| %8.1e  trunc %8.1e  max bond %3d  "
           "%6.3f s/sweep\n",
           r->sweeps, r->chi, r->energy, err, r->energy_change, r->max_truncation_error,
           r->max_bond_dim, r->last_sweep_seconds);
    for (int k = 0; k < 3; k++)
        if (t->reached[k] < 0 && fabs(err) <= thresholds[k]) t->reached[k] = r->seconds;
}

/* Print the figures of a finished run. */
static void report(const pl_dmrg_result_t *r, int n, int chi, int threads, int mpo_dim,
                   double exact) {
    const double mv = r->matvec_flops / r->matvec_seconds * 1e-9;
    const double base = dgemm_gflops(chi * mpo_dim, 4 * chi, chi);
    char mem[32];
    pl_mem_format_bytes((double)r->env_bytes, mem, sizeof mem);
    printf("  => n = %d, %d thread%s: %d sweeps%s, total %.2f s, %.2f s/sweep on average "
           "(last, at max bond %d: %.2f s)\n"
           "     E = %.10f, free fermions %.10f, error %.2e (%.2e per site)\n"
           "     local matvecs: %llu, %.1f%% of the time (matvec_seconds / seconds; SVDs, "
           "Lanczos bookkeeping and environment updates not counted), %.1f GFLOP/s;\n"
           "     1-thread dgemm %dx%dx%d %.1f GFLOP/s; ratio %.2f (per thread %.2f); max "
           "truncation error %.2e, environments %s\n",
           n, threads, threads > 1 ? "s" : "", r->sweeps, r->converged ? " (converged)" : "",
           r->seconds, r->seconds / r->sweeps, r->max_bond_dim, r->last_sweep_seconds, r->energy,
           exact, r->energy - exact, (r->energy - exact) / n, (unsigned long long)r->matvecs,
           100 * r->matvec_seconds / r->seconds, mv, chi * mpo_dim, 4 * chi, chi, base, mv / base,
           mv / base / threads, r->max_truncation_error, mem);
}

/* The benchmark run at @p threads threads: χ 16, 32, 64, cutoff 1e-10, until
 * |dE| < 1e-9 per sweep. Returns its total seconds. */
static double run(const pl_mpo_t *w, int n, int threads, double exact) {
    const int chi = 64;
    track_t track = {exact, {-1, -1, -1}};
    if (pl_threads_set(threads) != PL_OK) die();
    printf("\n  tfim h = 1, n = %d, chi_max = %d, %d thread%s (MPO bond dimension %d)\n", n, chi,
           threads, threads > 1 ? "s" : "", pl_mpo_max_bond_dim(w));
    const pl_dmrg_opts_t o = {.chi_max = chi,
                              .cutoff = 1e-10,
                              .energy_tol = 1e-9,
                              .max_sweeps = 40,
                              .seed = 1,
                              .progress = on_sweep,
                              .progress_ctx = &track};
    pl_mps_t *psi;
    pl_dmrg_result_t r;
    if (pl_dmrg(w, &o, NULL, &psi, &r) != PL_OK) die();
    report(&r, n, chi, threads, pl_mpo_max_bond_dim(w), exact);
    pl_mps_destroy(psi);
    return r.seconds;
}

/* ITensor's second figure: two sweeps with the bond dimension held at 64 and no
 * cutoff (random start of bond dimension 64), one thread; the second sweep is
 * the time per sweep at χ = 64. */
static void run_held(const pl_mpo_t *w, int n, double exact) {
    const int chi = 64;
    track_t track = {exact, {-1, -1, -1}};
    if (pl_threads_set(1) != PL_OK) die();
    printf("\n  tfim h = 1, n = %d, chi held at %d (chi_start %d, cutoff 0), 2 sweeps, 1 thread\n",
           n, chi, chi);
    const pl_dmrg_opts_t o = {.chi_max = chi,
                              .chi_start = chi,
                              .max_sweeps = 2,
                              .min_sweeps = 2,
                              .seed = 1,
                              .progress = on_sweep,
                              .progress_ctx = &track};
    pl_mps_t *psi;
    pl_dmrg_result_t r;
    if (pl_dmrg(w, &o, NULL, &psi, &r) != PL_OK) die();
    report(&r, n, chi, 1, pl_mpo_max_bond_dim(w), exact);
    printf("  => n = %d, chi held at 64: %.2f s per sweep (second sweep; ITensor: %s); a timing "
           "run only: two sweeps from a random start do not converge the energy\n",
           n, r.last_sweep_seconds,
           n == 256    ? "2.1 s"
           : n == 1024 ? "7.5 s"
                       : "-");
    pl_mps_destroy(psi);
}

/* (c) Time to an energy error: χ_max 64, cutoff 1e-16 (the SVD split), stop
 * at |dE| < 1e-13 or after @p sweeps sweeps, one thread; the first time
 * E − E0 fell to 1e-8, 1e-10, 1e-12 (TeNPy TwoSiteDMRG at n = 64 reaches
 * 1e-13 in bench/peers/run.py). */
static void run_to_error(int n, int sweeps) {
    pl_pauli_sum_t *h = tfim(n);
    pl_mpo_t *w;
    if (pl_mpo_from_pauli_sum(h, &w) != PL_OK) die();
    track_t track = {tfim_exact(n), {-1, -1, -1}};
    if (pl_threads_set(1) != PL_OK) die();
    printf("\n  tfim h = 1, n = %d, chi_max 64, cutoff 1e-16, stop at |dE| < 1e-13 or %d sweeps, "
           "1 thread\n",
           n, sweeps);
    const pl_dmrg_opts_t o = {.chi_max = 64,
                              .cutoff = 1e-16,
                              .energy_tol = 1e-13,
                              .max_sweeps = sweeps,
                              .seed = 1,
                              .progress = on_sweep,
                              .progress_ctx = &track};
    pl_mps_t *psi;
    pl_dmrg_result_t r;
    if (pl_dmrg(w, &o, NULL, &psi, &r) != PL_OK) die();
    printf(
        "  => n = %d: E - E0 = %.2e after %d sweeps (%.2f s); first at |E - E0| <= 1e-8: %.2f s, "
        "1e-10: %.2f s, 1e-12: %.2f s (-1: not reached)\n",
        n, r.energy - track.exact, r.sweeps, r.seconds, track.reached[0], track.reached[1],
        track.reached[2]);
    pl_mps_destroy(psi);
    pl_mpo_destroy(w);
    pl_pauli_sum_destroy(h);
}

static void bench_dmrg(const int *sizes, int nsizes, bool held) {
    printf("\n(a) two-site DMRG, tfim J = h = 1 (critical), open chain, chi_max 64, cutoff "
           "1e-10, stop at |dE| < 1e-9 per sweep, random start (seed 1)\n"
           "    published, ITensor (C++ v3, one core): n = 256 in 2.6 s (14 sweeps), n = 1,024 "
           "in 33 s (24 sweeps, bond dim settling at 41); with chi held at 64: 2.1 s and 7.5 s "
           "per sweep\n");
    for (int k = 0; k < nsizes; k++) {
        const int n = sizes[k];
        pl_pauli_sum_t *h = tfim(n);
        pl_mpo_t *w;
        if (pl_mpo_from_pauli_sum(h, &w) != PL_OK) die();
        const double exact = tfim_exact(n);
        const double one = run(w, n, 1, exact), two = run(w, n, 2, exact);
        printf("  => n = %d: 2 threads vs 1: speedup %.2f\n", n, one / two);
        if (held) run_held(w, n, exact);
        pl_mpo_destroy(w);
        pl_pauli_sum_destroy(h);
    }
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    const bool quick = argc > 1 && strcmp(argv[1], "quick") == 0;
    printf("bench_dmrg: plateau %s, two-site DMRG and Lanczos, %d OpenMP threads available "
           "(OpenBLAS on one thread inside pl_dmrg and in the dgemm baseline)%s\n",
           PL_VERSION_STRING, pl_threads_get(), quick ? ", quick" : "");
    const int threads = pl_threads_get();
    printf("free-fermion formula against Lanczos (pl_ground_exact):");
    for (int n = 8; n <= 12; n += 2) {
        double sec;
        const double e = lanczos(n, &sec), ff = tfim_exact(n);
        printf("  n = %d: %.12f vs %.12f (diff %.1e)", n, ff, e, ff - e);
        if (fabs(ff - e) > 1e-8) {
            fprintf(stderr, "bench_dmrg: free-fermion formula disagrees with Lanczos\n");
            return 1;
        }
    }
    printf("\n");

    printf("one-thread dgemm 1024 x 1024 x 1024 (the BLAS peak here): %.1f GFLOP/s\n",
           dgemm_gflops(1024, 1024, 1024));
    const int full[] = {256, 1024}, small[] = {256};
    if (quick)
        bench_dmrg(small, 1, false);
    else
        bench_dmrg(full, 2, true);

    if (pl_threads_set(threads) != PL_OK) die();
    const int n = quick ? 16 : 20;
    double sec;
    const double e = lanczos(n, &sec), ff = tfim_exact(n);
    printf("\n(b) Lanczos (pl_ground_exact, full reorthogonalisation, tol 1e-10), tfim "
           "h = 1, n = %d, %d threads: %.3f s, E = %.12f, free fermions %.12f, error %.2e\n",
           n, pl_threads_get(), sec, e, ff, e - ff);
    printf("\n(c) time to an energy error, tfim h = 1, chi_max 64, cutoff 1e-16\n");
    run_to_error(64, 30);
    if (!quick) run_to_error(256, 12);
    return 0;
}
