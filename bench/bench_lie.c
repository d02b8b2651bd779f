/*
 * bench_lie: dynamical Lie algebras and g-sim.
 *
 * (a) String closures: {X_i, Y_i, Z_i Z_{i+1}} on 7 qubits is su(128), 16,383
 *     strings; {X_i, Z_i Z_{i+1}} on 100 qubits is so(200), 19,900 strings.
 *     Baseline, measured first in the same run: one product of two random
 *     strings plus a hash insertion (pl_pauli_mul + pl_pauli_sum_add, the two
 *     steps a closure does per new element); "x product" is the closure time
 *     per element in units of it.
 * (b) Sum closures: the open TFIM-HVA generators {Σ Z_i Z_{i+1}, Σ X_i}
 *     (dim n², Gram–Schmidt in the Pauli basis) at n = 20, 40.
 * (c) g-sim of the TFIM-HVA (pl_ansatz_build, L layers, random angles, seed 1),
 *     O = Z0 Z1 + X_{n/2}: at 18 qubits against the state vector (pl_grad,
 *     adjoint) in the same run, value and gradient; at 200 qubits (so(400),
 *     dim 79,800; 2^200 amplitudes are out of reach) with the build time.
 *
 * usage: bench_lie [CASES]   (a subset of the letters abc; default all)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plateau.h"
#include "plateau/lie.h"

_Noreturn static void die(void) {
    fprintf(stderr, "bench_lie: %s\n", pl_error_message());
    exit(1);
}

static double baseline_ns;

/* Product and insertion of 2^20 random 7-qubit strings. */
static double measure_product_ns(void) {
    const size_t count = (size_t)1 << 20;
    pl_pauli_t *a, *b, *c;
    pl_pauli_sum_t *set;
    if (pl_pauli_create(7, &a) != PL_OK || pl_pauli_create(7, &b) != PL_OK ||
        pl_pauli_create(7, &c) != PL_OK || pl_pauli_sum_create(7, &set) != PL_OK)
        die();
    pl_rng_t rng;
    pl_rng_seed(&rng, 7, 0);
    pl_timer_t t = pl_timer_start();
    for (size_t i = 0; i < count; i++) {
        a->x[0] = pl_rng_u64(&rng) & 127;
        a->z[0] = pl_rng_u64(&rng) & 127;
        b->x[0] = pl_rng_u64(&rng) & 127;
        b->z[0] = pl_rng_u64(&rng) & 127;
        (void)pl_pauli_mul(a, b, c);
        if (pl_pauli_sum_add(set, c, 1.0) != PL_OK) die();
    }
    const double ns = 1e9 * pl_timer_elapsed(&t) / (double)count;
    pl_pauli_destroy(a);
    pl_pauli_destroy(b);
    pl_pauli_destroy(c);
    pl_pauli_sum_destroy(set);
    return ns;
}

/* {X_i, (Y_i,) Z_i Z_{i+1}} on an open chain. */
static pl_pauli_sum_t **chain(int n, bool with_y, size_t *m) {
    pl_pauli_sum_t **g = malloc((size_t)(3 * n) * sizeof *g);
    if (!g) exit(1);
    *m = 0;
    for (int i = 0; i < n; i++) {
        char t[64];
        snprintf(t, sizeof t, "X%d", i);
        if (pl_pauli_sum_parse(t, n, &g[(*m)++]) != PL_OK) die();
        snprintf(t, sizeof t, "Y%d", i);
        if (with_y && pl_pauli_sum_parse(t, n, &g[(*m)++]) != PL_OK) die();
        snprintf(t, sizeof t, "Z%d Z%d", i, i + 1);
        if (i + 1 < n && pl_pauli_sum_parse(t, n, &g[(*m)++]) != PL_OK) die();
    }
    return g;
}

static void closure_line(const char *label, pl_pauli_sum_t **g, size_t m, pl_lie_method_t method) {
    pl_lie_opts_t o = {.method = method};
    pl_lie_t *lie;
    pl_timer_t t = pl_timer_start();
    if (pl_lie_closure((const pl_pauli_sum_t *const *)g, m, &o, &lie) != PL_OK) die();
    const double s = pl_timer_elapsed(&t);
    const double per = 1e9 * s / (double)pl_lie_dim(lie);
    printf("  %-36s dim %7zu  centre %3zu  %9.4f s  %9.1f ns/element (%7.1f x product)\n", label,
           pl_lie_dim(lie), pl_lie_center_dim(lie), s, per, per / baseline_ns);
    pl_lie_destroy(lie);
    pl_lie_generators_destroy(g, m);
}

static void bench_strings(void) {
    printf("\n(a) string closures (breadth-first search, hash set of packed words)\n");
    size_t m;
    pl_pauli_sum_t **g = chain(7, true, &m);
    closure_line("su(128): {X_i, Y_i, Z_iZ_i+1}, n = 7", g, m, PL_LIE_STRINGS);
    g = chain(100, false, &m);
    closure_line("so(200): {X_i, Z_iZ_i+1}, n = 100", g, m, PL_LIE_STRINGS);
}

static pl_pauli_sum_t **tfim(int n, size_t *m) {
    pl_pauli_sum_t **g = calloc(2, sizeof *g);
    char *zz = malloc((size_t)n * 32), *x = malloc((size_t)n * 32);
    if (!g || !zz || !x) exit(1);
    zz[0] = x[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (i + 1 < n) sprintf(zz + strlen(zz), "%sZ%d Z%d", i ? " + " : "", i, i + 1);
        sprintf(x + strlen(x), "%sX%d", i ? " + " : "", i);
    }
    if (pl_pauli_sum_parse(zz, n, &g[0]) != PL_OK || pl_pauli_sum_parse(x, n, &g[1]) != PL_OK)
        die();
    free(zz);
    free(x);
    *m = 2;
    return g;
}

static void bench_sums(void) {
    printf("\n(b) sum closures (Gram-Schmidt in the Pauli basis): TFIM-HVA {sum ZZ, sum X}\n");
    for (int n = 20; n <= 40; n += 20) {
        size_t m;
        pl_pauli_sum_t **g = tfim(n, &m);
        char label[64];
        snprintf(label, sizeof label, "u(%d): TFIM-HVA, n = %d", n, n);
        closure_line(label, g, m, PL_LIE_SUMS);
    }
}

static double *random_angles(const pl_circuit_t *c) {
    const int np = pl_circuit_num_params(c);
    double *theta = malloc((size_t)np * sizeof *theta);
    if (!theta) exit(1);
    pl_rng_t rng;
    pl_rng_seed(&rng, 1, 0);
    for (int k = 0; k < np; k++) theta[k] = 2 * PL_PI * pl_rng_uniform(&rng);
    return theta;
}

/* g-sim of the TFIM-HVA: build, value, value + gradient; returns value+grad seconds. */
static double gsim_line(int n, int layers, double *value, double *grad0) {
    const pl_ansatz_opts_t o = {.kind = PL_ANSATZ_TFIM_HVA, .qubits = n, .layers = layers};
    pl_circuit_t *c;
    if (pl_ansatz_build(&o, &c) != PL_OK) die();
    double *theta = random_angles(c), *grad = malloc((size_t)(2 * layers) * sizeof *grad);
    char text[64];
    snprintf(text, sizeof text, "Z0 Z1 + X%d", n / 2);
    pl_pauli_sum_t *obs;
    if (!grad || pl_pauli_sum_parse(text, n, &obs) != PL_OK) die();
    pl_gsim_t *s;
    pl_timer_t t = pl_timer_start();
    if (pl_gsim_create(c, NULL, &s) != PL_OK) die();
    const double build = pl_timer_elapsed(&t);
    t = pl_timer_start();
    if (pl_gsim_expval(s, theta, obs, value, NULL) != PL_OK) die();
    const double val = pl_timer_elapsed(&t);
    t = pl_timer_start();
    if (pl_gsim_expval(s, theta, obs, value, grad) != PL_OK) die();
    const double both = pl_timer_elapsed(&t);
    printf("  g-sim  n = %3d, L = %3d: dim %6zu, %7zu gates; build %8.4f s, value %8.4f s, "
           "value+grad %8.4f s  <O> = %.12f\n",
           n, layers, pl_lie_dim(pl_gsim_algebra(s)), pl_circuit_size(c), build, val, both, *value);
    *grad0 = grad[0];
    pl_gsim_destroy(s);
    pl_pauli_sum_destroy(obs);
    free(theta);
    free(grad);
    pl_circuit_destroy(c);
    return both;
}

static double sv_line(int n, int layers, double *value, double *grad0) {
    const pl_ansatz_opts_t o = {.kind = PL_ANSATZ_TFIM_HVA, .qubits = n, .layers = layers};
    pl_circuit_t *c;
    if (pl_ansatz_build(&o, &c) != PL_OK) die();
    double *theta = random_angles(c), *grad = malloc((size_t)(2 * layers) * sizeof *grad);
    char text[64];
    snprintf(text, sizeof text, "Z0 Z1 + X%d", n / 2);
    pl_pauli_sum_t *obs;
    if (!grad || pl_pauli_sum_parse(text, n, &obs) != PL_OK) die();
    pl_timer_t t = pl_timer_start();
    if (pl_grad(c, theta, obs, NULL, PL_GRAD_ADJOINT, value, grad) != PL_OK) die();
    const double s = pl_timer_elapsed(&t);
    printf("  state vector (adjoint) n = %d, L = %d: value+grad %8.4f s  <O> = %.12f\n", n, layers,
           s, *value);
    *grad0 = grad[0];
    pl_pauli_sum_destroy(obs);
    free(theta);
    free(grad);
    pl_circuit_destroy(c);
    return s;
}

static void bench_gsim(void) {
    printf("\n(c) g-sim, TFIM-HVA, random angles (seed 1), O = Z0 Z1 + X_{n/2}\n");
    double v1, v2, g1, g2;
    const double tg = gsim_line(18, 18, &v1, &g1);
    const double ts = sv_line(18, 18, &v2, &g2);
    printf("  n = 18: g-sim %.1f x faster than the state vector; |<O> diff| %.1e, "
           "|dO/dtheta0 diff| %.1e\n",
           ts / tg, fabs(v1 - v2), fabs(g1 - g2));
    gsim_line(200, 200, &v1, &g1);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0); /* one line per run, even into a pipe */
    printf("bench_lie: plateau %s, dynamical Lie algebras and g-sim, %d threads\n",
           PL_VERSION_STRING, pl_threads_get());
    baseline_ns = measure_product_ns();
    printf("baseline: product of two random 7-qubit strings + hash insertion: %.1f ns\n",
           baseline_ns);
    const char *cases = argc > 1 ? argv[1] : "abc";
    if (strchr(cases, 'a')) bench_strings();
    if (strchr(cases, 'b')) bench_sums();
    if (strchr(cases, 'c')) bench_gsim();
    return 0;
}
