/*
 * bench_dmrg: two-site DMRG (pl_dmrg) on the chains of SCIENCE.md §8 up to
 * 1,024 sites.
 *
 * (a) TFIM H = −Σ Z_i Z_{i+1} − h Σ X_i at the critical point h = 1, open
 *     chain; the exact energy comes from free fermions (singular values of
 *     the n x n bidiagonal coupling matrix), so the error is printed too.
 * (b) Bond-alternating Heisenberg H = Σ_i J_i S_i·S_{i+1}, J_i = 1 on even
 *     and 1.5 on odd bonds (topological side), open chain.
 * Sizes 128, 512, 1,024; bond dimensions 32 and 64; cutoff 1e-14, energy
 * tolerance 1e-8 per full sweep, at most 8 sweeps, χ growing 16, 32, 64.
 *
 * Per run: time per sweep, total time, energy, largest discarded weight of the
 * last sweep, and the local effective-Hamiltonian product's achieved GFLOP/s
 * against a plain single-threaded dgemm of the size of its largest step
 * (χ·w x χ times χ x 4χ), measured in the same run.
 *
 * Timings on a shared machine vary with its load (the dgemm baseline shows
 * it); compare the ratio rather than seconds across runs.
 *
 * usage: bench_dmrg [SIZES]   (comma-separated site counts; default 128,512,1024)
 */
#include <cblas.h>
#include <lapacke.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plateau.h"
#include "plateau/mps.h"

static _Noreturn void die(void) {
    fprintf(stderr, "bench_dmrg: %s\n", pl_last_error());
    exit(1);
}

/* h += c · (letter a on site i) (letter b on site i + 1); b = 0 for one factor. */
static void add(pl_pauli_sum_t *h, pl_pauli_t *p, double c, pl_pauli_op_t a, pl_pauli_op_t b,
                int i) {
    pl_pauli_set_identity(p);
    pl_pauli_set(p, i, a);
    if (b != PL_I) pl_pauli_set(p, i + 1, b);
    if (pl_pauli_sum_add(h, p, c) != PL_OK) die();
}

static pl_pauli_sum_t *model(int n, bool xxx) {
    pl_pauli_sum_t *h;
    pl_pauli_t *p;
    if (pl_pauli_sum_create(n, &h) != PL_OK || pl_pauli_create(n, &p) != PL_OK) die();
    for (int i = 0; i < n; i++) {
        if (!xxx) add(h, p, -1.0, PL_X, PL_I, i);
        if (i + 1 == n) continue;
        if (!xxx) {
            add(h, p, -1.0, PL_Z, PL_Z, i);
            continue;
        }
        const double j = (i % 2 ? 1.5 : 1.0) / 4; /* S·S = (XX + YY + ZZ) / 4 */
        add(h, p, j, PL_X, PL_X, i);
        add(h, p, j, PL_Y, PL_Y, i);
        add(h, p, j, PL_Z, PL_Z, i);
    }
    pl_pauli_destroy(p);
    return h;
}

/* Exact open-TFIM energy at J = h = 1: −Σ σ_k of the bidiagonal C (C_ii = h, C_i,i+1 = J). */
static double tfim_exact(int n) {
    double *c = calloc((size_t)n * n, sizeof *c), *s = malloc((size_t)n * sizeof *s),
           *superb = malloc((size_t)n * sizeof *superb);
    if (!c || !s || !superb) exit(1);
    for (int i = 0; i < n; i++) {
        c[(size_t)i * n + i] = 1.0;
        if (i + 1 < n) c[(size_t)i * n + i + 1] = 1.0;
    }
    if (LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'N', 'N', n, n, c, n, s, NULL, 1, NULL, 1, superb))
        exit(1);
    double e = 0;
    for (int k = n - 1; k >= 0; k--) e -= s[k];
    free(c);
    free(s);
    free(superb);
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
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0, a, k, b, n, 0.0, c,
                    n);
        reps++;
    } while (pl_timer_elapsed(&t) < 0.3);
    const double s = pl_timer_elapsed(&t);
    openblas_set_num_threads(threads);
    free(a);
    free(b);
    free(c);
    return 2.0 * m * n * (double)k * (double)reps / s * 1e-9;
}

static void on_sweep(const pl_dmrg_result_t *r, void *ctx) {
    (void)ctx;
    printf("    sweep %2d  chi %3d  E = %.10f  |dE| %8.1e  trunc %8.1e  max bond %3d  "
           "%7.2f s\n", r->sweeps, r->chi, r->energy, r->energy_change,
           r->max_truncation_error, r->max_bond_dim, r->last_sweep_seconds);
}

static void run(int n, int chi, bool xxx) {
    pl_pauli_sum_t *h = model(n, xxx);
    pl_mpo_t *w;
    if (pl_mpo_from_pauli_sum(h, &w) != PL_OK) die();
    printf("\n  %s n = %d, chi = %d (MPO bond dimension %d)\n",
           xxx ? "xxx-alternating J2 = 1.5" : "tfim h = 1", n, chi, pl_mpo_max_bond_dim(w));
    const pl_dmrg_opts_t o = {.chi_max = chi, .cutoff = 1e-14, .energy_tol = 1e-8,
                              .max_sweeps = 8, .seed = 1, .progress = on_sweep};
    pl_mps_t *psi;
    pl_dmrg_result_t r;
    if (pl_dmrg(w, &o, NULL, &psi, &r) != PL_OK) die();
    const double mv = r.matvec_flops / r.matvec_seconds * 1e-9;
    const int d = pl_mpo_max_bond_dim(w);
    const double base = dgemm_gflops(chi * d, 4 * chi, chi);
    char mem[32];
    pl_format_bytes((double)r.env_bytes, mem, sizeof mem);
    printf("  => %s n=%d chi=%d: %d sweeps%s, total %.2f s, %.2f s/sweep (last %.2f s), "
           "E = %.10f (%.12f per site)", xxx ? "xxx" : "tfim", n, chi, r.sweeps,
           r.converged ? " (converged)" : "", r.seconds, r.seconds / r.sweeps,
           r.last_sweep_seconds, r.energy, r.energy / n);
    if (!xxx) printf(", exact %.10f, error %.2e", tfim_exact(n), r.energy - tfim_exact(n));
    printf("\n     max truncation error %.2e, max bond %d, environments %s, matvecs %llu "
           "(%.0f%% of the time) at %.1f GFLOP/s; 1-thread dgemm %dx%dx%d %.1f GFLOP/s; ratio "
           "%.2f\n",
           r.max_truncation_error, r.max_bond_dim, mem, (unsigned long long)r.matvecs,
           100 * r.matvec_seconds / r.seconds, mv, chi * d, 4 * chi, chi, base, mv / base);
    pl_mps_destroy(psi);
    pl_mpo_destroy(w);
    pl_pauli_sum_destroy(h);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    int sizes[16] = {128, 512, 1024}, nsizes = 3;
    if (argc > 1) {
        nsizes = 0;
        for (char *tok = strtok(argv[1], ","); tok && nsizes < 16; tok = strtok(NULL, ","))
            sizes[nsizes++] = atoi(tok);
    }
    printf("bench_dmrg: plateau %s, two-site DMRG, %d OpenMP threads (OpenBLAS on one thread "
           "inside pl_dmrg and in the dgemm baseline)\n", PL_VERSION_STRING, pl_threads());
    for (int m = 0; m < 2; m++)
        for (int k = 0; k < nsizes; k++)
            for (int chi = 32; chi <= 64; chi *= 2) run(sizes[k], chi, m == 1);
    return 0;
}
