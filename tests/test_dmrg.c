/* Tests for pl_dmrg against independent references built here: the
 * free-fermion ground energy of the open transverse-field Ising chain
 * (singular values of its n x n coupling matrix, LAPACKE), and dense exact
 * diagonalisation (LAPACKE_dsyevr on the 2^n x 2^n matrix assembled from the
 * Pauli strings bit by bit) for chains with long strings and Y factors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plateau/core.h"
#include "plateau/mps.h"
#include "plateau/pauli.h"
#include "testutil.h"

/* ------------------------------------------------------------------------ */
/* Hamiltonians                                                             */
/* ------------------------------------------------------------------------ */

/* h += c · (letters[0] on site i0, letters[1] on i0 + 1, …); '.' skips a site. */
static void add_chain_term(pl_pauli_sum_t *h, double c, const char *letters, int i0) {
    char text[128];
    size_t len = 0;
    text[0] = 0;
    for (int j = 0; letters[j]; j++)
        if (letters[j] != '.')
            len += (size_t)snprintf(text + len, sizeof text - len, "%s%c%d", len ? " " : "",
                                    letters[j], i0 + j);
    pl_pauli_t *p;
    if (pl_pauli_parse(len ? text : "I", pl_pauli_sum_qubits(h), &p) != PL_OK)
        test_fail("%s", pl_error_message());
    ASSERT_OK(pl_pauli_sum_add(h, p, c));
    pl_pauli_destroy(p);
}

/* Σ_i c · pattern at i, over every i where the pattern fits on the open chain. */
static void add_chain(pl_pauli_sum_t *h, double c, const char *letters) {
    const int n = pl_pauli_sum_qubits(h), k = (int)strlen(letters);
    for (int i = 0; i + k <= n; i++) add_chain_term(h, c, letters, i);
}

static pl_pauli_sum_t *new_sum(int n) {
    pl_pauli_sum_t *h;
    ASSERT_OK(pl_pauli_sum_create(n, &h));
    return h;
}

/* TFIM: −J Σ Z_i Z_{i+1} − h Σ X_i. */
static pl_pauli_sum_t *tfim(int n, double j, double hx) {
    pl_pauli_sum_t *h = new_sum(n);
    add_chain(h, -j, "ZZ");
    add_chain(h, -hx, "X");
    return h;
}

/* Cluster-Ising: −Σ Z_{i−1} X_i Z_{i+1} − h1 Σ X_i − h2 Σ X_i X_{i+1}. */
static pl_pauli_sum_t *cluster_ising(int n, double h1, double h2) {
    pl_pauli_sum_t *h = new_sum(n);
    add_chain(h, -1, "ZXZ");
    add_chain(h, -h1, "X");
    add_chain(h, -h2, "XX");
    return h;
}

/* Bond-alternating Heisenberg: J_b S_i·S_{i+1}, J1 on even i, J2 on odd i. */
static pl_pauli_sum_t *xxx_alternating(int n, double j1, double j2) {
    pl_pauli_sum_t *h = new_sum(n);
    for (int i = 0; i + 1 < n; i++) {
        const double j = i % 2 ? j2 : j1;
        add_chain_term(h, j / 4, "XX", i);
        add_chain_term(h, j / 4, "YY", i);
        add_chain_term(h, j / 4, "ZZ", i);
    }
    return h;
}

/* ANNNI: −Σ X_i X_{i+1} + κ Σ X_i X_{i+2} − h Σ Z_i. */
static pl_pauli_sum_t *annni(int n, double kappa, double hz) {
    pl_pauli_sum_t *h = new_sum(n);
    add_chain(h, -1, "XX");
    add_chain(h, kappa, "X.X");
    add_chain(h, -hz, "Z");
    return h;
}

/* ------------------------------------------------------------------------ */
/* References                                                               */
/* ------------------------------------------------------------------------ */

/*
 * Open TFIM ground energy by free fermions (Lieb, Schultz, Mattis 1961;
 * Pfeuty 1970): after Jordan–Wigner the single-particle energies are
 * ε_k = 2 σ_k, σ_k the singular values of the n x n matrix C with C_ii = h,
 * C_{i,i+1} = J (equivalently ε_k² are the eigenvalues of (A−B)(A+B)), and
 * E_0 = −Σ_k ε_k / 2 = −Σ_k σ_k. The SVD (not the eigenvalues of CᵀC) keeps
 * the tiny edge mode of the ordered phase accurate.
 */
static double tfim_free_fermion(int n, double j, double hx) {
    double *c = calloc((size_t)n * n, sizeof *c), *s = malloc((size_t)n * sizeof *s),
           *superb = malloc((size_t)n * sizeof *superb);
    for (int i = 0; i < n; i++) {
        c[(size_t)i * n + i] = hx;
        if (i + 1 < n) c[(size_t)i * n + i + 1] = j;
    }
    assert_int_equal(LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'N', 'N', n, n, c, n, s, NULL, 1, NULL, 1,
                                    superb),
                     0);
    double e = 0;
    for (int k = n - 1; k >= 0; k--) e -= s[k];
    free(c);
    free(s);
    free(superb);
    return e;
}

/*
 * Lowest eigenvalue of the real matrix of @p h, on all 2^n basis states or,
 * with @p ones >= 0, on those with @p ones bits set (for Hamiltonians that
 * conserve the magnetisation: H is applied to the sector's states as a
 * 2^n x dim block, and its rows outside the sector must cancel to zero).
 * Every string acts as P|x⟩ = i^{#Y} (−1)^{popcount(x & z)} |x ⊕ xmask⟩
 * (Y = iXZ), real for an even number of Y; then LAPACKE_dsyevr for the lowest
 * eigenvalue only.
 */
static double dense_ground_energy_sector(const pl_pauli_sum_t *h, int ones) {
    const int n = pl_pauli_sum_qubits(h);
    const size_t full = (size_t)1 << n;
    size_t *index = malloc(full * sizeof *index), dim = 0; /* basis state → row */
    for (size_t x = 0; x < full; x++)
        index[x] = ones < 0 || __builtin_popcountll(x) == ones ? dim++ : SIZE_MAX;
    double *m = calloc(full * dim, sizeof *m); /* m[x][col]: all rows, sector columns */
    assert_non_null(m);
    for (size_t t = 0; t < pl_pauli_sum_size(h); t++) {
        pl_pauli_t v;
        double complex c;
        pl_pauli_sum_term(h, t, &v, &c);
        uint64_t xm = 0, zm = 0;
        int ny = 0;
        for (int q = 0; q < n; q++) {
            const pl_pauli_op_t op = pl_pauli_get(&v, q);
            xm |= (uint64_t)(op == PL_X || op == PL_Y) << q;
            zm |= (uint64_t)(op == PL_Z || op == PL_Y) << q;
            ny += op == PL_Y;
        }
        assert_true(ny % 2 == 0 && cimag(c) == 0);
        const double phase = (ny / 2) % 2 ? -1.0 : 1.0; /* i^{ny} */
        for (uint64_t x = 0; x < full; x++) {
            if (index[x] == SIZE_MAX) continue;
            const double sign = __builtin_popcountll(x & zm) % 2 ? -1.0 : 1.0;
            m[(x ^ xm) * dim + index[x]] += creal(c) * phase * sign;
        }
    }
    size_t rows = 0; /* compact the sector rows to the top; the others must vanish */
    for (size_t x = 0; x < full; x++) {
        if (index[x] != SIZE_MAX) {
            memmove(m + rows++ * dim, m + x * dim, dim * sizeof *m);
            continue;
        }
        for (size_t col = 0; col < dim; col++)
            if (fabs(m[x * dim + col]) > 1e-12) test_fail("H leaves the sector of %d ones", ones);
    }
    double w[1], z[1];
    lapack_int found, isuppz[2];
    assert_int_equal(LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'N', 'I', 'U', (lapack_int)dim, m,
                                    (lapack_int)dim, 0, 0, 1, 1, 0.0, &found, w, z, 1, isuppz),
                     0);
    free(m);
    free(index);
    return w[0];
}

static double dense_ground_energy(const pl_pauli_sum_t *h) {
    return dense_ground_energy_sector(h, -1);
}

/* ------------------------------------------------------------------------ */
/* Running DMRG                                                             */
/* ------------------------------------------------------------------------ */

/* DMRG ground energy of @p h; also checks the returned state and the result. */
static double run_dmrg(const pl_pauli_sum_t *h, int chi, double cutoff, pl_dmrg_result_t *r) {
    pl_mpo_t *w;
    if (pl_mpo_from_pauli_sum(h, &w) != PL_OK) test_fail("%s", pl_error_message());
    const pl_dmrg_opts_t o = {.chi_max = chi, .cutoff = cutoff, .energy_tol = 1e-11, .seed = 7};
    pl_mps_t *psi;
    if (pl_dmrg(w, &o, NULL, &psi, r) != PL_OK) test_fail("dmrg: %s", pl_error_message());
    assert_int_equal(pl_mps_center(psi), 0);
    assert_true(pl_mps_max_bond_dim(psi) <= chi);
    assert_int_equal(r->max_bond_dim, pl_mps_max_bond_dim(psi));
    double nrm, e;
    ASSERT_OK(pl_mps_norm(psi, &nrm));
    assert_true(fabs(nrm - 1) < 1e-12);
    /* the reported energy is ⟨ψ|H|ψ⟩ of the state returned, per term too */
    ASSERT_OK(pl_mps_expval_sum(psi, h, &e));
    if (fabs(e - r->energy) > 1e-10 * fmax(1, fabs(e)))
        test_fail("reported energy %.15g, ⟨ψ|H|ψ⟩ %.15g", r->energy, e);
    pl_mps_destroy(psi);
    pl_mpo_destroy(w);
    return r->energy;
}

static void expect_close(const char *what, double got, double ref, double tol,
                         const pl_dmrg_result_t *r) {
    fprintf(stderr,
            "  %-36s DMRG %.12f  reference %.12f  diff %8.1e  sweeps %d  chi %d  "
            "trunc %.1e  %.2f s\n",
            what, got, ref, got - ref, r->sweeps, r->max_bond_dim, r->max_truncation_error,
            r->seconds);
    if (!(fabs(got - ref) <= tol)) test_fail("%s: DMRG %.15g, reference %.15g", what, got, ref);
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                    */
/* ------------------------------------------------------------------------ */

/* The free-fermion reference itself against dense ED at n = 9. */
static void test_free_fermion_reference(void **state) {
    (void)state;
    const double hs[3] = {0.5, 1.0, 1.5};
    for (int k = 0; k < 3; k++) {
        pl_pauli_sum_t *h = tfim(9, 1.0, hs[k]);
        const double ed = dense_ground_energy(h), ff = tfim_free_fermion(9, 1.0, hs[k]);
        if (fabs(ed - ff) > 1e-11)
            test_fail("h = %g: ED %.15g, free fermions %.15g", hs[k], ed, ff);
        pl_pauli_sum_destroy(h);
    }
}

/* TFIM at n = 64 and 128 against free fermions, to 1e-9. */
static void test_tfim_free_fermions(void **state) {
    (void)state;
    const int ns[2] = {64, 128};
    const double hs[3] = {0.5, 1.0, 1.5};
    for (int a = 0; a < 2; a++)
        for (int k = 0; k < 3; k++) {
            pl_pauli_sum_t *h = tfim(ns[a], 1.0, hs[k]);
            pl_dmrg_result_t r;
            const int chi = hs[k] == 1.0 ? 40 : 24;
            const double e = run_dmrg(h, chi, 1e-13, &r);
            char what[64];
            snprintf(what, sizeof what, "tfim n=%d h=%g", ns[a], hs[k]);
            expect_close(what, e, tfim_free_fermion(ns[a], 1.0, hs[k]), 1e-9, &r);
            assert_true(r.converged);
            pl_pauli_sum_destroy(h);
        }
}

/* Long strings, Y terms, next-nearest neighbours: dense ED at n = 10–12, to
 * 1e-8. The XXX chains at n = 12 are diagonalised in the S^z = 0 sector (924
 * states), where the singlet ground state of a bipartite antiferromagnet
 * lies (Lieb–Mattis); the full 4096 x 4096 problem would take seconds. */
static void test_exact_diagonalisation(void **state) {
    (void)state;
    struct {
        const char *name;
        pl_pauli_sum_t *h;
        int sector;
    } cases[] = {
        {"cluster-ising n=10 h1=0.5 h2=0.3", cluster_ising(10, 0.5, 0.3), -1},
        {"cluster-ising n=11 h1=1.1 h2=-0.8", cluster_ising(11, 1.1, -0.8), -1},
        {"xxx-alternating n=12 J2=1.5", xxx_alternating(12, 1.0, 1.5), 6},
        {"xxx-alternating n=12 J2=0.6", xxx_alternating(12, 1.0, 0.6), 6},
        {"xxx-alternating n=10 J2=1.5 (full)", xxx_alternating(10, 1.0, 1.5), -1},
        {"annni n=10 kappa=0.6 h=0.5", annni(10, 0.6, 0.5), -1},
        {"annni n=10 kappa=0.3 h=1.2", annni(10, 0.3, 1.2), -1},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        pl_dmrg_result_t r;
        const double e = run_dmrg(cases[k].h, 64, 0, &r);
        expect_close(cases[k].name, e, dense_ground_energy_sector(cases[k].h, cases[k].sector),
                     1e-8, &r);
        pl_pauli_sum_destroy(cases[k].h);
    }
}

/* A long string term with Y pairs, Z X X X Z, and a constant: ED at n = 9. */
static void test_long_strings(void **state) {
    (void)state;
    pl_pauli_sum_t *h = new_sum(9);
    add_chain(h, -1.0, "ZXXXZ");
    add_chain(h, 0.4, "YZY");
    add_chain(h, -0.7, "X");
    add_chain(h, 0.3, "Z..Z");
    add_chain_term(h, 0.25, "Y.......Y", 0);
    add_chain_term(h, 2.0, "", 0); /* the identity */
    pl_dmrg_result_t r;
    const double e = run_dmrg(h, 32, 0, &r);
    expect_close("ZXXXZ + YZY + X + Z..Z + Y0Y8 + 2", e, dense_ground_energy(h), 1e-8, &r);
    pl_pauli_sum_destroy(h);
}

typedef struct {
    int calls, last_sweep;
    double last_energy;
} progress_t;

static void on_sweep(const pl_dmrg_result_t *r, void *ctx) {
    progress_t *p = ctx;
    assert_int_equal(r->sweeps, p->last_sweep + 1);
    p->calls++;
    p->last_sweep = r->sweeps;
    p->last_energy = r->energy;
}

/* Progress callback, start state, χ schedule, sweep limit. */
static void test_options(void **state) {
    (void)state;
    pl_pauli_sum_t *h = tfim(20, 1.0, 1.0);
    pl_mpo_t *w;
    ASSERT_OK(pl_mpo_from_pauli_sum(h, &w));
    progress_t p = {0};
    pl_dmrg_opts_t o = {.chi_max = 16,
                        .chi_start = 2,
                        .max_sweeps = 3,
                        .progress = on_sweep,
                        .progress_ctx = &p};
    pl_mps_t *psi, *again;
    pl_dmrg_result_t r;
    ASSERT_OK(pl_dmrg(w, &o, NULL, &psi, &r));
    assert_int_equal(p.calls, 3);
    assert_int_equal(r.sweeps, 3);
    assert_int_equal(r.chi, 8); /* 2, 4, 8 */
    assert_false(r.converged);
    assert_true(r.energy == p.last_energy);
    assert_int_equal(r.mpo_bond_dim, 3);
    assert_true(r.matvecs > 0 && r.matvec_flops > 0 && r.env_bytes > 0);
    /* restarting from the state converges to the free-fermion energy */
    o = (pl_dmrg_opts_t){.chi_max = 24, .chi_start = 24, .energy_tol = 1e-12};
    ASSERT_OK(pl_dmrg(w, &o, psi, &again, &r));
    expect_close("tfim n=20 restarted", r.energy, tfim_free_fermion(20, 1.0, 1.0), 1e-10, &r);
    assert_true(r.converged);
    pl_mps_destroy(again);
    pl_mps_destroy(psi);
    pl_mpo_destroy(w);
    pl_pauli_sum_destroy(h);
}

/* The split through the density matrix of the orthonormal side (pl_dmrg's
 * truncation): at χ = 12 on 40 sites the returned state is right-canonical —
 * Σ_s A_i[s] A_i[s]ᵀ = 1 on every site but the first, checked here by hand —
 * its energy stays within the truncation of the free-fermion value, and 1 and
 * 2 threads give the same state bit for bit (which kernels run in parallel
 * depends on the sizes only; at these χ, none). */
static void test_split_canonical_threads(void **state) {
    (void)state;
    pl_pauli_sum_t *h = tfim(40, 1.0, 1.0);
    pl_mpo_t *w;
    ASSERT_OK(pl_mpo_from_pauli_sum(h, &w));
    const pl_dmrg_opts_t o = {.chi_max = 12, .cutoff = 1e-12, .energy_tol = 1e-10, .seed = 3};
    pl_mps_t *psi;
    pl_dmrg_result_t r;
    ASSERT_OK(pl_dmrg(w, &o, NULL, &psi, &r));
    for (int i = 1; i < 40; i++) {
        const double *a;
        int dl, dr;
        ASSERT_OK(pl_mps_site(psi, i, &a, &dl, &dr));
        for (int x = 0; x < dl; x++)
            for (int y = 0; y < dl; y++) {
                double g = 0; /* Σ_{s,b} A[x][s][b] A[y][s][b] */
                for (int sb = 0; sb < 2 * dr; sb++) g += a[x * 2 * dr + sb] * a[y * 2 * dr + sb];
                if (fabs(g - (x == y)) > 1e-12)
                    test_fail("site %d: (A Aᵀ)[%d][%d] = %.3e, want %d", i, x, y, g, x == y);
            }
    }
    const double ff = tfim_free_fermion(40, 1.0, 1.0);
    expect_close("tfim n=40 chi 12", r.energy, ff, 1e-5, &r);
    assert_true(r.energy >= ff - 1e-10); /* variational */
    const int saved = pl_threads_get();
    const int chis[2] = {12, 24};
    for (int c = 0; c < 2; c++) {
        pl_dmrg_opts_t oc = o;
        oc.chi_max = chis[c];
        pl_mps_t *st[2];
        pl_dmrg_result_t rt[2];
        for (int t = 1; t <= 2; t++) {
            ASSERT_OK(pl_threads_set(t));
            ASSERT_OK(pl_dmrg(w, &oc, NULL, &st[t - 1], &rt[t - 1]));
        }
        ASSERT_OK(pl_threads_set(saved));
        assert_true(rt[0].energy == rt[1].energy);
        for (int i = 0; i < 40; i++) {
            const double *a, *b;
            int dl, dr, dl2, dr2;
            ASSERT_OK(pl_mps_site(st[0], i, &a, &dl, &dr));
            ASSERT_OK(pl_mps_site(st[1], i, &b, &dl2, &dr2));
            assert_int_equal(dl, dl2);
            assert_int_equal(dr, dr2);
            assert_memory_equal(a, b, (size_t)dl * 2 * dr * sizeof *a);
        }
        pl_mps_destroy(st[0]);
        pl_mps_destroy(st[1]);
    }
    pl_mps_destroy(psi);
    pl_mpo_destroy(w);
    pl_pauli_sum_destroy(h);
}

static void test_bad_input(void **state) {
    (void)state;
    pl_pauli_sum_t *h = tfim(6, 1.0, 1.0);
    pl_mpo_t *w;
    ASSERT_OK(pl_mpo_from_pauli_sum(h, &w));
    pl_mps_t *psi = NULL;
    pl_dmrg_opts_t o = {.chi_max = 0};
    EXPECT_ERROR(pl_dmrg(w, &o, NULL, &psi, NULL), PL_EINVAL, "chi_max 0");
    o.chi_max = -3;
    EXPECT_ERROR(pl_dmrg(w, &o, NULL, &psi, NULL), PL_EINVAL, "chi_max -3");
    o = (pl_dmrg_opts_t){.chi_max = 8, .cutoff = NAN};
    EXPECT_ERROR(pl_dmrg(w, &o, NULL, &psi, NULL), PL_EINVAL, "cutoff nan");
    o = (pl_dmrg_opts_t){.chi_max = 8, .energy_tol = -1};
    EXPECT_ERROR(pl_dmrg(w, &o, NULL, &psi, NULL), PL_EINVAL, "energy_tol");
    EXPECT_ERROR(pl_dmrg(w, NULL, NULL, &psi, NULL), PL_EINVAL, "chi_max is required");
    o = (pl_dmrg_opts_t){.chi_max = 8};
    pl_mps_t *other;
    ASSERT_OK(pl_mps_create_random(7, 2, 1, &other));
    EXPECT_ERROR(pl_dmrg(w, &o, other, &psi, NULL), PL_EINVAL, "7 sites, the Hamiltonian 6");
    assert_null(psi);
    pl_mps_destroy(other);
    pl_mpo_destroy(w);
    pl_pauli_sum_destroy(h);
    /* one site: use exact diagonalisation */
    h = tfim(1, 1.0, 1.0);
    ASSERT_OK(pl_mpo_from_pauli_sum(h, &w));
    EXPECT_ERROR(pl_dmrg(w, &o, NULL, &psi, NULL), PL_EINVAL, "at least 2 sites");
    pl_mpo_destroy(w);
    pl_pauli_sum_destroy(h);
    /* refused before allocating when the environments would not fit */
    h = tfim(1024, 1.0, 1.0);
    ASSERT_OK(pl_mpo_from_pauli_sum(h, &w));
    pl_mem_set_limit((size_t)64 << 20);
    o = (pl_dmrg_opts_t){.chi_max = 512};
    EXPECT_ERROR(pl_dmrg(w, &o, NULL, &psi, NULL), PL_ENOMEM, "memory limit");
    pl_mem_set_limit(0);
    pl_mpo_destroy(w);
    pl_pauli_sum_destroy(h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_free_fermion_reference),
        cmocka_unit_test(test_tfim_free_fermions),
        cmocka_unit_test(test_exact_diagonalisation),
        cmocka_unit_test(test_long_strings),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_split_canonical_threads),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
