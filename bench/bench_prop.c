/*
 * bench_prop: Pauli propagation (pl_propagate) on circuits far beyond state
 * vectors, with the truncations PauliPropagation.jl uses.
 *
 * (a) Trotterised open TFIM, 64 qubits, 20 steps (rzz(2 J dt) on every bond,
 *     then rx(2 h dt) on every qubit; J = h = 1, dt = 0.1), Z on qubit 32,
 *     max weight 6, min |c| 1e-4.
 * (b) The PauliPropagation.jl README quick start: 32 qubits, periodic
 *     bricklayer TFI Trotter circuit of 32 layers (RZZ layer, 31 × (RX layer,
 *     RZZ layer), RX layer), all angles 0.1, Z on their qubit 16 (1-based, our
 *     qubit 15), max weight 6, min |c| 1e-4. Published: 0.154596728241.
 * (c) PauliPropagation.jl's hardwareefficientcircuit: 64 qubits, 4 layers of
 *     RX RZ RX on every qubit then RYY on the open bricklayer (1,020 angles),
 *     random angles (seed 1), Z on their qubit 32 (our 31): min |c| 1e-3 and
 *     exact, at 1 thread and at all threads. Published: exact 0.72 s / 172,943
 *     terms; min |c| 1e-3 0.011 s / 415 terms (their default min |c| is 1e-10).
 * (d) QCNN (PL_ANSATZ_QCNN), random angles, its readout observable: 1,024
 *     qubits at max weight 2 (also shared angles with every derivative carried,
 *     and the same value and gradient from a compiled plan, pl_prop_plan_*:
 *     compile once, then evaluate and reverse pass per step, as a ratio to the
 *     propagation with derivatives measured just before), 64 and 256 qubits at
 *     max weight 3.
 *
 * "updates" counts strings pushed through gates (pl_prop_stats_t.term_updates).
 * Baseline, measured first in the same run: one insertion of a random string
 * into a Pauli-sum hash table (pl_pauli_sum_add, 64 qubits); "x insert" is
 * the time per update in units of that insertion.
 *
 * (e) QCNN, 1,024 qubits at max weight 3 (not in the default set: minutes).
 *
 * usage: bench_prop [CASES]   (a subset of the letters abcde; default abcd)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plateau.h"

_Noreturn static void die(void) {
    fprintf(stderr, "bench_prop: %s\n", pl_error_message());
    exit(1);
}

static void add(pl_circuit_t *c, pl_gate_t g, int q0, int q1, double angle) {
    const int q[2] = {q0, q1};
    if (pl_circuit_add(c, g, q, q1 < 0 ? 1 : 2, &angle) != PL_OK) die();
}

static pl_pauli_sum_t *z_on(int n, int q) {
    char text[32];
    snprintf(text, sizeof text, "Z%d", q);
    pl_pauli_sum_t *obs;
    if (pl_pauli_sum_parse(text, n, &obs) != PL_OK) die();
    return obs;
}

static double *random_angles(const pl_circuit_t *c, uint64_t seed) {
    const int np = pl_circuit_num_params(c);
    double *theta = malloc((size_t)(np ? np : 1) * sizeof *theta);
    if (!theta) exit(1);
    pl_rng_t rng;
    pl_rng_seed(&rng, seed, 0);
    for (int k = 0; k < np; k++) theta[k] = 2 * PL_PI * pl_rng_uniform(&rng);
    return theta;
}

static double baseline_insert_ns;

/* Time per insertion of 2^20 random strings into a Pauli sum. */
static double measure_insert_ns(void) {
    const size_t count = (size_t)1 << 20;
    pl_pauli_sum_t *sum;
    pl_pauli_t *p;
    if (pl_pauli_sum_create(64, &sum) != PL_OK || pl_pauli_create(64, &p) != PL_OK) die();
    pl_rng_t rng;
    pl_rng_seed(&rng, 7, 0);
    pl_timer_t t = pl_timer_start();
    for (size_t i = 0; i < count; i++) {
        p->x[0] = pl_rng_u64(&rng);
        p->z[0] = pl_rng_u64(&rng);
        if (pl_pauli_sum_add(sum, p, 1.0) != PL_OK) die();
    }
    const double ns = 1e9 * pl_timer_elapsed(&t) / (double)count;
    pl_pauli_destroy(p);
    pl_pauli_sum_destroy(sum);
    return ns;
}

/* Propagate, print one line of figures, return the expectation on |0…0⟩. */
static double run(const char *label, const pl_circuit_t *c, const double *theta,
                  const pl_pauli_sum_t *obs, pl_trunc_t trunc, pl_prop_stats_t *stats) {
    pl_prop_t *p;
    if (pl_propagate(c, theta, obs, &trunc, &p, stats) != PL_OK) die();
    const double e = pl_prop_expval_zero(p);
    pl_prop_destroy(p);
    char mem[32];
    pl_mem_format_bytes((double)stats->bytes, mem, sizeof mem);
    const double per_m =
        stats->term_updates ? 1e6 * stats->seconds / (double)stats->term_updates : 0.0;
    printf("  %-34s w<=%-2d |c|>=%-6g %9.4f s  terms %9zu  max %9zu  updates %12llu"
           "  %7.2f ms/M-updates (%5.1f x insert)  mem %9s  truncated %.3g  <O> = %.12f\n",
           label, trunc.max_weight, trunc.min_abs_coeff, stats->seconds, stats->terms,
           stats->max_terms, (unsigned long long)stats->term_updates, 1e3 * per_m,
           1e3 * per_m / baseline_insert_ns, mem, stats->truncated_weight, e);
    return e;
}

/* (a) Open chain: every step rzz(2 J dt) on (i, i+1), then rx(2 h dt) on every qubit. */
static void bench_tfim(void) {
    const int n = 64, steps = 20;
    const double J = 1.0, h = 1.0, dt = 0.1;
    printf("\n(a) Trotterised TFIM, open chain: %d qubits, %d steps, J = h = 1, dt = 0.1, "
           "O = Z32\n",
           n, steps);
    pl_circuit_t *c;
    if (pl_circuit_create(n, &c) != PL_OK) die();
    for (int s = 0; s < steps; s++) {
        for (int i = 0; i + 1 < n; i++) add(c, PL_GATE_RZZ, i, i + 1, 2 * J * dt);
        for (int i = 0; i < n; i++) add(c, PL_GATE_RX, i, -1, 2 * h * dt);
    }
    pl_pauli_sum_t *obs = z_on(n, 32);
    pl_prop_stats_t st;
    run("tfim64", c, NULL, obs, (pl_trunc_t){.max_weight = 6, .min_abs_coeff = 1e-4}, &st);
    pl_pauli_sum_destroy(obs);
    pl_circuit_destroy(c);
}

/* PauliPropagation.jl's bricklayertopology: bonds (0,1), (2,3), …, then
 * (1,2), (3,4), …, and (n−1, 0) when periodic. Returns the bond count. */
static int bricklayer(int n, bool periodic, int (*bonds)[2]) {
    int m = 0;
    for (int start = 0; start < 2; start++)
        for (int i = start; i + 1 < n || (periodic && i == n - 1 && start == 1); i += 2) {
            bonds[m][0] = i;
            bonds[m][1] = (i + 1) % n;
            m++;
        }
    return m;
}

/* PauliPropagation.jl's tfitrottercircuit(n, layers; topology = bricklayertopology(n;
 * periodic = true)): RZZ layer, (layers − 1) × (RX layer, RZZ layer), RX layer;
 * every angle 0.1. */
static pl_circuit_t *pp_tfi(int n, int layers) {
    int bonds[2 * n][2];
    const int nb = bricklayer(n, true, bonds);
    pl_circuit_t *c;
    if (pl_circuit_create(n, &c) != PL_OK) die();
    for (int l = 0; l < layers; l++) {
        if (l > 0)
            for (int i = 0; i < n; i++) add(c, PL_GATE_RX, i, -1, 0.1);
        for (int b = 0; b < nb; b++) add(c, PL_GATE_RZZ, bonds[b][0], bonds[b][1], 0.1);
    }
    for (int i = 0; i < n; i++) add(c, PL_GATE_RX, i, -1, 0.1);
    return c;
}

/* PauliPropagation.jl's hardwareefficientcircuit(n, layers): per layer RX RZ RX
 * on every qubit, then RYY on every bond of the open bricklayer; angles from theta. */
static pl_circuit_t *pp_hea(int n, int layers, const double *theta) {
    int bonds[2 * n][2];
    const int nb = bricklayer(n, false, bonds);
    pl_circuit_t *c;
    if (pl_circuit_create(n, &c) != PL_OK) die();
    int k = 0;
    for (int l = 0; l < layers; l++) {
        for (int i = 0; i < n; i++) {
            add(c, PL_GATE_RX, i, -1, theta[k++]);
            add(c, PL_GATE_RZ, i, -1, theta[k++]);
            add(c, PL_GATE_RX, i, -1, theta[k++]);
        }
        for (int b = 0; b < nb; b++) add(c, PL_GATE_RYY, bonds[b][0], bonds[b][1], theta[k++]);
    }
    return c;
}

/* (b) The README quick start: their qubit 16 (1-based) is our qubit 15. */
static void bench_readme(void) {
    const int n = 32, layers = 32;
    const double published = 0.154596728241;
    printf("\n(b) PauliPropagation.jl README quick start: %d qubits, periodic bricklayer TFI, "
           "%d layers, angles 0.1, O = Z15, max weight 6, min |c| 1e-4\n",
           n, layers);
    pl_circuit_t *c = pp_tfi(n, layers);
    pl_pauli_sum_t *obs = z_on(n, 15);
    pl_prop_stats_t st;
    double e =
        run("readme32", c, NULL, obs, (pl_trunc_t){.max_weight = 6, .min_abs_coeff = 1e-4}, &st);
    printf("  %-34s published %.12f, difference %.2e\n", "", published, e - published);
    pl_pauli_sum_destroy(obs);
    pl_circuit_destroy(c);
}

/* (c) PauliPropagation.jl's hardware-efficient circuit, 64 qubits, 4 layers:
 * 4 × (3·64 + 63) = 1,020 angles, uniform in [0, 2π) (seed 1); Z on their qubit 32. */
static void bench_hea(void) {
    const int n = 64, layers = 4, nangles = layers * (3 * n + n - 1);
    double *theta = malloc(nangles * sizeof *theta);
    if (!theta) exit(1);
    pl_rng_t rng;
    pl_rng_seed(&rng, 1, 0);
    for (int k = 0; k < nangles; k++) theta[k] = 2 * PL_PI * pl_rng_uniform(&rng);
    pl_circuit_t *c = pp_hea(n, layers, theta);
    printf("\n(c) PauliPropagation.jl hardwareefficientcircuit (RX RZ RX + RYY bricklayer), "
           "%d qubits, %d layers, %d random angles (seed 1), O = Z31\n"
           "    published: exact 0.72 s / 172,943 terms; min |c| 1e-3 0.011 s / 415 terms\n",
           n, layers, nangles);
    pl_pauli_sum_t *obs = z_on(n, 31);
    pl_prop_stats_t st;
    run("hea64 min|c| 1e-3", c, NULL, obs, (pl_trunc_t){.min_abs_coeff = 1e-3}, &st);
    run("hea64 min|c| 1e-10 (their default)", c, NULL, obs, (pl_trunc_t){.min_abs_coeff = 1e-10},
        &st);
    const int threads = pl_threads_get();
    if (pl_threads_set(1) != PL_OK) die();
    pl_prop_stats_t one;
    run("hea64 exact, 1 thread", c, NULL, obs, (pl_trunc_t){0}, &one);
    if (pl_threads_set(threads) != PL_OK) die();
    run("hea64 exact", c, NULL, obs, (pl_trunc_t){0}, &st);
    printf("  %-34s speedup on %d threads: %.2f\n", "", threads, one.seconds / st.seconds);
    pl_pauli_sum_destroy(obs);
    free(theta);
    pl_circuit_destroy(c);
}

/* (d) QCNN, readout observable. At max weight 3 the strings kept grow ~4x per
 * doubling of n (64: 135k, 256: 2.3M), so 1,024 qubits at weight 3 means ~37M
 * strings: with sparse keys (~80 bytes per string, all buffers counted) that
 * is ~3 GB; each run of ops on a qubit pair (a block) still scans the whole
 * table once, so that case (e) takes minutes and is not in the default set. */
/* share: translation-invariant QCNN (one angle set per layer), propagated with
 * derivatives (pl_propagate_diff) as the surrogate's training needs. */
static double qcnn(int n, int w, bool share) {
    const pl_ansatz_opts_t o = {.kind = PL_ANSATZ_QCNN, .qubits = n, .share_angles = share};
    pl_circuit_t *c = NULL;
    pl_pauli_sum_t *obs = NULL;
    if (pl_ansatz_build(&o, &c) != PL_OK || pl_ansatz_readout(&o, &obs) != PL_OK) die();
    double *theta = random_angles(c, 1);
    char label[64];
    snprintf(label, sizeof label, "qcnn%d%s (%zu ops, %d angles)", n, share ? " shared+grad" : "",
             pl_circuit_size(c), pl_circuit_num_params(c));
    pl_prop_stats_t st;
    const pl_trunc_t t = {.max_weight = w};
    if (!share) {
        run(label, c, theta, obs, t, &st);
    } else {
        /* the same figures, from a propagation carrying every derivative */
        pl_prop_t *p;
        if (pl_propagate_diff(c, theta, obs, &t, &p, &st) != PL_OK) die();
        double v, *g = malloc((size_t)pl_circuit_num_params(c) * sizeof *g);
        if (!g || pl_prop_grad_zero(p, &v, g) != PL_OK) die();
        char mem[32];
        pl_mem_format_bytes((double)st.bytes, mem, sizeof mem);
        printf("  %-34s w<=%-2d %9.4f s  terms %9zu  updates %12llu  %7.2f ms/M-updates"
               "  mem %9s  <O> = %.12f  dO/dtheta0 = %.6g\n",
               label, w, st.seconds, st.terms, (unsigned long long)st.term_updates,
               1e9 * st.seconds / (double)st.term_updates, mem, v, g[0]);
        free(g);
        pl_prop_destroy(p);
    }
    pl_pauli_sum_destroy(obs);
    free(theta);
    pl_circuit_destroy(c);
    return st.seconds;
}

/* ⟨0|O|0⟩ and its gradient from a compiled plan: the weights of the reverse
 * pass are 1 on strings of I and Z (their ⟨0|P|0⟩), 0 elsewhere. Prints the
 * compile time once and the best of 5 evaluate + reverse passes against
 * `diff_seconds` (pl_propagate_diff of the same work). */
static void qcnn_plan(int n, int w, double diff_seconds) {
    const pl_ansatz_opts_t o = {.kind = PL_ANSATZ_QCNN, .qubits = n, .share_angles = true};
    pl_circuit_t *c = NULL;
    pl_pauli_sum_t *obs = NULL;
    if (pl_ansatz_build(&o, &c) != PL_OK || pl_ansatz_readout(&o, &obs) != PL_OK) die();
    double *theta = random_angles(c, 1);
    const pl_trunc_t t = {.max_weight = w};
    pl_timer_t timer = pl_timer_start();
    pl_prop_plan_t *plan;
    if (pl_prop_plan_create(c, obs, &t, &plan) != PL_OK) die();
    const double compile = pl_timer_elapsed(&timer);
    const size_t nt = pl_prop_plan_size(plan);
    double *coeff = malloc(nt * sizeof *coeff), *wt = malloc(nt * sizeof *wt);
    double *g = malloc((size_t)pl_circuit_num_params(c) * sizeof *g);
    if (!coeff || !wt || !g) die();
    for (size_t k = 0; k < nt; k++) {
        pl_pauli_t v;
        pl_prop_plan_term(plan, k, &v);
        bool diag = true;
        for (int i = 0; i < v.nwords; i++) diag &= v.x[i] == 0;
        wt[k] = diag ? 1.0 : 0.0;
    }
    double best = 1e300, value = 0.0;
    for (int rep = 0; rep < 5; rep++) {
        timer = pl_timer_start();
        if (pl_prop_plan_eval(plan, theta, coeff) != PL_OK ||
            pl_prop_plan_vjp(plan, wt, g) != PL_OK)
            die();
        const double s = pl_timer_elapsed(&timer);
        if (s < best) best = s;
    }
    for (size_t k = 0; k < nt; k++) value += wt[k] * coeff[k];
    char label[64];
    snprintf(label, sizeof label, "qcnn%d shared, plan", n);
    printf("  %-34s w<=%-2d %9.4f s  terms %9zu  moves %14zu  compile %.3f s  %6.1fx faster"
           " than the line above  <O> = %.12f  dO/dtheta0 = %.6g\n",
           label, w, best, nt, pl_prop_plan_moves(plan), compile, diff_seconds / best, value, g[0]);
    free(coeff);
    free(wt);
    free(g);
    pl_prop_plan_destroy(plan);
    pl_pauli_sum_destroy(obs);
    free(theta);
    pl_circuit_destroy(c);
}

static void bench_qcnn(void) {
    printf("\n(d) QCNN, random angles (seed 1), readout observable (Z on the last active "
           "qubit)\n");
    qcnn(1024, 2, false);
    qcnn_plan(1024, 2, qcnn(1024, 2, true));
    qcnn(64, 3, false);
    qcnn(256, 3, false);
    printf("  qcnn1024 max weight 3: case e (bench_prop e; minutes, ~37M strings)\n");
}

/* (e) QCNN, 1,024 qubits at max weight 3 (~37M strings, sparse keys, blocks). */
static void bench_qcnn_big(void) {
    printf("\n(e) QCNN 1,024 qubits, max weight 3, random angles (seed 1)\n");
    qcnn(1024, 3, false);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0); /* one line per run, even into a pipe */
    printf("bench_prop: plateau %s, Pauli propagation, %d threads\n", PL_VERSION_STRING,
           pl_threads_get());
    baseline_insert_ns = measure_insert_ns();
    printf("baseline: pl_pauli_sum_add of a random 64-qubit string: %.1f ns\n", baseline_insert_ns);
    const char *cases = argc > 1 ? argv[1] : "abcd";
    if (strchr(cases, 'a')) bench_tfim();
    if (strchr(cases, 'b')) bench_readme();
    if (strchr(cases, 'c')) bench_hea();
    if (strchr(cases, 'd')) bench_qcnn();
    if (strchr(cases, 'e')) bench_qcnn_big();
    return 0;
}
