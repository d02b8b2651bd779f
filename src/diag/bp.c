/*
 * Gradient-variance sampling and the fit of its decay with the number of
 * qubits (barren-plateau diagnostics).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/thread_error.h"
#include "plateau/core.h"
#include "plateau/diag.h"
#include "plateau/grad.h"

/* States up to this many qubits (16 MB at 20) run one sample per thread;
 * larger ones use the threads inside each gradient instead. Samples in
 * parallel beat threaded kernels here: at 18 qubits 1.45x on an idle 2-core
 * machine, far more on a loaded one (the kernels' barriers stall). */
enum { BP_PARALLEL_SAMPLES_MAX_QUBITS = 20 };

static const pl_enum_entry_t cost_names[] = {{PL_COST_GLOBAL, "global"}, {PL_COST_LOCAL, "local"}};

PL_ENUM_DEFINE(pl_cost_kind_t, cost_names, "cost", pl_cost_name, pl_cost_lookup)

pl_status_t pl_cost_observable(pl_cost_kind_t kind, int n, pl_pauli_sum_t **out) {
    if (n < 1) return pl_error(PL_EINVAL, "a cost needs at least 1 qubit, got %d", n);
    pl_pauli_t *p;
    PL_TRY(pl_pauli_create(n, &p));
    pl_status_t st = pl_pauli_sum_create(n, out);
    if (kind == PL_COST_GLOBAL) {
        for (int q = 0; q < n; q++) pl_pauli_set(p, q, PL_Z);
        if (st == PL_OK) st = pl_pauli_sum_add(*out, p, 1.0);
    } else {
        for (int q = 0; q < n && st == PL_OK; q++) {
            pl_pauli_set_identity(p);
            pl_pauli_set(p, q, PL_Z);
            st = pl_pauli_sum_add(*out, p, 1.0 / n);
        }
    }
    pl_pauli_destroy(p);
    if (st != PL_OK) {
        pl_pauli_sum_destroy(*out);
        *out = NULL;
    }
    return st;
}

/* Gradient and cost of sample s into row s of grads / costs[s]. */
static pl_status_t one_sample(const pl_circuit_t *c, const pl_pauli_sum_t *obs, uint64_t seed,
                              int s, int np, double *theta, double *grads, double *costs) {
    pl_rng_t rng;
    pl_rng_seed(&rng, seed, (uint64_t)s);
    for (int k = 0; k < np; k++) theta[k] = 2 * PL_PI * pl_rng_uniform(&rng);
    return pl_grad(c, theta, obs, NULL, PL_GRAD_ADJOINT, &costs[s], grads + (size_t)s * np);
}

/* Sample variance (unbiased), its standard error and the mean of x[i·stride]. */
static void moments(const double *x, int count, size_t stride, double *mean, double *var,
                    double *se) {
    double m = 0.0;
    for (int i = 0; i < count; i++) m += x[(size_t)i * stride];
    m /= count;
    double m2 = 0.0, m4 = 0.0;
    for (int i = 0; i < count; i++) {
        const double d = x[(size_t)i * stride] - m;
        m2 += d * d;
        m4 += d * d * d * d;
    }
    const double s2 = m2 / (count - 1);
    m4 /= count;
    const double se2 = (m4 - (count - 3.0) / (count - 1.0) * s2 * s2) / count;
    *mean = m;
    *var = s2;
    *se = sqrt(se2 > 0 ? se2 : 0);
}

static pl_status_t check_inputs(const pl_circuit_t *c, const pl_pauli_sum_t *obs,
                                const pl_bp_opts_t *o) {
    const int np = pl_circuit_num_params(c);
    if (o->samples < 2) return pl_error(PL_EINVAL, "need at least 2 samples, got %d", o->samples);
    if (np < 1) return pl_error(PL_EINVAL, "the circuit has no parameters to differentiate");
    if (o->param_index < -1 || o->param_index >= np)
        return pl_error(PL_EINVAL, "parameter index %d out of range [0, %d)", o->param_index, np);
    PL_TRY(pl_pauli_sum_check_qubits(obs, pl_circuit_qubits(c), "circuit"));
    return PL_OK;
}

/* Run every sample (in parallel over samples for small states). */
static pl_status_t run_samples(const pl_circuit_t *c, const pl_pauli_sum_t *obs,
                               const pl_bp_opts_t *o, double *grads, double *costs) {
    const int np = pl_circuit_num_params(c);
    const int parallel = pl_circuit_qubits(c) <= BP_PARALLEL_SAMPLES_MAX_QUBITS;
    core_thread_error_t err = CORE_THREAD_ERROR_INIT;
#pragma omp parallel if (parallel)
    {
        double *theta = malloc((size_t)np * sizeof *theta);
        if (!theta) core_thread_error_set(&err, pl_error_nomemf("%d sample angles", np));
#pragma omp for schedule(dynamic, 1)
        for (int s = 0; s < o->samples; s++) {
            if (!theta || core_thread_error_any(&err)) continue;
            pl_status_t st = one_sample(c, obs, o->seed, s, np, theta, grads, costs);
            if (st != PL_OK) core_thread_error_set(&err, st);
        }
        free(theta);
    }
    return core_thread_error_raise(&err);
}

pl_status_t pl_bp_sample(const pl_circuit_t *c, const pl_pauli_sum_t *obs, const pl_bp_opts_t *opts,
                         pl_bp_point_t *out) {
    PL_TRY(check_inputs(c, obs, opts));
    pl_timer_t timer = pl_timer_start();
    const int np = pl_circuit_num_params(c), S = opts->samples;
    const size_t gbytes = (size_t)S * np * sizeof(double), cbytes = (size_t)S * sizeof(double);
    double *grads, *costs;
    PL_TRY(pl_mem_alloc((void **)&grads, gbytes, "gradient samples"));
    pl_status_t st = pl_mem_alloc((void **)&costs, cbytes, "cost samples");
    if (st == PL_OK) st = run_samples(c, obs, opts, grads, costs);
    if (st == PL_OK) {
        memset(out, 0, sizeof *out);
        out->qubits = pl_circuit_qubits(c);
        out->params = np;
        out->samples = S;
        const int k0 = opts->param_index < 0 ? 0 : opts->param_index;
        const int k1 = opts->param_index < 0 ? np : k0 + 1;
        double se2 = 0.0;
        for (int k = k0; k < k1; k++) {
            double mean, var, se;
            moments(grads + k, S, (size_t)np, &mean, &var, &se);
            out->var_grad += var / (k1 - k0);
            out->mean_grad += mean / (k1 - k0);
            se2 += se * se / ((double)(k1 - k0) * (k1 - k0));
        }
        out->stderr = sqrt(se2);
        double mean;
        moments(costs, S, 1, &mean, &out->var_cost, &out->var_cost_stderr);
        out->seconds = pl_timer_elapsed(&timer);
    }
    pl_mem_free(grads, gbytes);
    if (costs) pl_mem_free(costs, cbytes);
    return st;
}

/* Weighted least squares y = a + b·x; returns a, b, b's standard error and χ². */
static void line_fit(const double *x, const double *y, const double *w, int m, double *a_out,
                     double *b, double *b_se, double *chi2) {
    double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < m; i++) {
        sw += w[i];
        sx += w[i] * x[i];
        sy += w[i] * y[i];
        sxx += w[i] * x[i] * x[i];
        sxy += w[i] * x[i] * y[i];
    }
    const double det = sw * sxx - sx * sx;
    *b = (sw * sxy - sx * sy) / det;
    const double a = (sy - *b * sx) / sw;
    *a_out = a;
    *b_se = sqrt(sw / det);
    *chi2 = 0.0;
    for (int i = 0; i < m; i++) *chi2 += w[i] * (y[i] - a - *b * x[i]) * (y[i] - a - *b * x[i]);
}

pl_status_t pl_bp_fit(const pl_bp_point_t *points, int count, pl_bp_fit_t *out) {
    memset(out, 0, sizeof *out);
    out->points = count;
    out->verdict = "inconclusive";
    if (count < 1) return pl_error(PL_EINVAL, "no points to fit");
    double *x = malloc(3 * (size_t)count * sizeof *x);
    if (!x) return pl_error_nomemf("the fit's work arrays (%d points)", count);
    double *y = x + count, *w = y + count;
    int distinct = 0, usable = 1;
    for (int i = 0; i < count; i++) {
        const pl_bp_point_t *p = &points[i];
        if (!(p->var_grad > 0) || !(p->stderr > 0)) usable = 0;
        x[i] = p->qubits;
        y[i] = log(p->var_grad);
        const double sigma = p->stderr / p->var_grad; /* σ of log Var, to first order */
        w[i] = sigma > 0 ? 1 / (sigma * sigma) : 0;
        int seen = 0;
        for (int j = 0; j < i; j++) seen |= points[j].qubits == p->qubits;
        distinct += !seen;
    }
    if (usable && distinct >= 2) {
        double b, chi;
        line_fit(x, y, w, count, &out->log_a_exp, &b, &out->rate_stderr, &chi);
        out->rate = -b;
        out->base = exp(out->rate);
        out->chi2_exp = chi;
        for (int i = 0; i < count; i++) x[i] = log(x[i]);
        line_fit(x, y, w, count, &out->log_a_poly, &b, &out->exponent_stderr, &chi);
        out->exponent = -b;
        out->chi2_poly = chi;
        if (distinct >= 3)
            out->verdict = out->chi2_exp <= out->chi2_poly && out->rate > 3 * out->rate_stderr
                               ? "barren plateau"
                               : "no barren plateau";
    }
    free(x);
    return PL_OK;
}
