/*
 * Adam (Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015,
 * Algorithm 1) with bias-corrected moments:
 *
 *   m_t = β1 m_{t-1} + (1 − β1) g_t,    m̂_t = m_t / (1 − β1^t)
 *   v_t = β2 v_{t-1} + (1 − β2) g_t²,   v̂_t = v_t / (1 − β2^t)
 *   x_t = x_{t-1} − α m̂_t / (√v̂_t + ε)
 *
 * Iteration t takes one step and evaluates f and ∇f at the new point, so a
 * run of T iterations makes T + 1 objective calls (the first at the start).
 */
#include <math.h>
#include <stdlib.h>

#include "optim/optim_internal.h"
#include "plateau/core.h"

/* Working state of one run. */
typedef struct {
    pl_objective_fn f;
    void *ctx;
    int n;
    double *x;  /* current point (the caller's array) */
    double *g;  /* gradient at x */
    double *m;  /* first moment */
    double *v;  /* second moment */
    double fx;  /* f(x) */
    double b1t; /* β1^t */
    double b2t; /* β2^t */
    optim_best_t best;
} adam_state_t;

/* Allocate the moment, gradient and best-point arrays (one block, zeroed). */
static pl_status_t adam_alloc(adam_state_t *s, int n) {
    double *block = calloc((size_t)4 * (size_t)n, sizeof *block);
    if (!block) return pl_error_nomemf("Adam work space for %d variables", n);
    s->g = block;
    s->m = block + n;
    s->v = block + 2 * (size_t)n;
    s->best.x = block + 3 * (size_t)n;
    return PL_OK;
}

/* f and ∇f at s->x (iteration t, for messages); updates the best point. */
static pl_status_t adam_eval(adam_state_t *s, int t, pl_optim_result_t *res) {
    pl_status_t st = PL_OK;
    s->fx = s->f(s->x, s->g, s->ctx, &st);
    res->evaluations++;
    PL_TRY(st);
    PL_TRY(optim_check_finite(s->fx, s->g, s->n, "iteration", t));
    optim_best_offer(&s->best, s->fx, s->x);
    return PL_OK;
}

/* One Adam step from the gradient in s->g (iteration t counts from 1). */
static void adam_step(adam_state_t *s, const pl_optim_opts_t *o) {
    const double b1 = o->beta1, b2 = o->beta2;
    s->b1t *= b1;
    s->b2t *= b2;
    const double c1 = 1.0 - s->b1t; /* bias corrections */
    const double c2 = 1.0 - s->b2t;
    for (int i = 0; i < s->n; i++) {
        const double gi = s->g[i];
        s->m[i] = b1 * s->m[i] + (1.0 - b1) * gi;
        s->v[i] = b2 * s->v[i] + (1.0 - b2) * gi * gi;
        s->x[i] -= o->learning_rate * (s->m[i] / c1) / (sqrt(s->v[i] / c2) + o->epsilon);
    }
}

/* ‖g‖∞ */
static double max_abs(const double *g, int n) {
    double r = 0.0;
    for (int i = 0; i < n; i++)
        if (fabs(g[i]) > r) r = fabs(g[i]);
    return r;
}

/*
 * The stopping tests after iteration t, in order: callback, gradient, change
 * in f (fprev is the value before the step), time. True with *reason set when
 * the run should stop.
 */
static bool adam_should_stop(const adam_state_t *s, const pl_optim_opts_t *o, int t, double fprev,
                             const pl_timer_t *timer, pl_stop_reason_t *reason) {
    if (o->callback && !o->callback(t, s->fx, s->x, s->n, o->callback_ctx))
        *reason = PL_STOP_CALLBACK;
    else if (max_abs(s->g, s->n) < o->gtol)
        *reason = PL_STOP_GTOL;
    else if (fabs(s->fx - fprev) < o->ftol_abs)
        *reason = PL_STOP_FTOL;
    else if (o->max_time > 0 && pl_timer_elapsed(timer) >= o->max_time)
        *reason = PL_STOP_MAX_TIME;
    else
        return false;
    return true;
}

/* The iterations; x ends at the last iterate (the caller restores the best). */
static pl_status_t adam_run(adam_state_t *s, const pl_optim_opts_t *o, pl_optim_result_t *res) {
    const pl_timer_t timer = pl_timer_start();
    PL_TRY(adam_eval(s, 0, res));
    if (max_abs(s->g, s->n) < o->gtol) {
        res->reason = PL_STOP_GTOL;
        return PL_OK;
    }
    res->reason = PL_STOP_MAX_ITER;
    for (int t = 1; t <= o->max_iter; t++) {
        const double fprev = s->fx;
        adam_step(s, o);
        PL_TRY(adam_eval(s, t, res));
        res->iterations = t;
        if (adam_should_stop(s, o, t, fprev, &timer, &res->reason)) break;
    }
    return PL_OK;
}

pl_status_t optim_adam(pl_objective_fn f, void *ctx, int n, double *x, const pl_optim_opts_t *opts,
                       pl_optim_result_t *res) {
    adam_state_t s = {.f = f, .ctx = ctx, .n = n, .x = x, .b1t = 1.0, .b2t = 1.0};
    PL_TRY(adam_alloc(&s, n));
    s.best.n = n;
    s.best.f = INFINITY;
    for (int i = 0; i < n; i++) s.best.x[i] = x[i];
    const pl_status_t st = adam_run(&s, opts, res);
    for (int i = 0; i < n; i++) x[i] = s.best.x[i];
    res->f = s.best.f < INFINITY ? s.best.f : NAN; /* NaN: no valid evaluation */
    free(s.g);
    return st;
}
