/*
 * NLopt's L-BFGS, COBYLA and Nelder–Mead behind pl_optimize. The objective is
 * wrapped so that plateau counts evaluations, tracks the best point, checks
 * values for NaN/Inf, calls the progress callback, and turns an objective
 * failure into nlopt_force_stop plus the objective's own status.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <nlopt.h>

#include "optim/optim_internal.h"

/* What the wrapped objective shares with the driver. */
typedef struct {
    pl_objective_fn f;
    void *ctx;
    const pl_optim_opts_t *opts;
    nlopt_opt opt;
    int evaluations;
    pl_status_t status; /* objective failure or non-finite value: stop with it */
    bool callback_stop; /* the callback returned false */
    bool maxeval_stop;  /* max_iter evaluations made */
    double f_first;     /* value at the first evaluation (the start point) */
    double g_first;     /* ‖∇f‖∞ there (0 for derivative-free methods) */
    optim_best_t best;
} nlopt_wrap_t;

/* True once the run has been told to stop (NLopt may still call the objective
 * before it notices: L-BFGS checks only between iterations). */
static bool wrap_stopping(const nlopt_wrap_t *w) {
    return w->status != PL_OK || w->callback_stop || w->maxeval_stop;
}

/* Record a failure (objective status or non-finite value) and stop. */
static double wrap_fail(nlopt_wrap_t *w, pl_status_t st) {
    w->status = st;
    nlopt_force_stop(w->opt);
    return HUGE_VAL;
}

/*
 * The NLopt objective: one call of the user's objective plus bookkeeping.
 * Once stopping, it answers +∞ with a zero gradient without calling the
 * user's objective, so evaluations counts only real calls and max_iter holds
 * exactly.
 */
static double wrap_objective(unsigned n, const double *x, double *grad, void *data) {
    nlopt_wrap_t *w = data;
    if (wrap_stopping(w)) {
        if (grad)
            for (unsigned i = 0; i < n; i++) grad[i] = 0.0;
        return HUGE_VAL;
    }
    pl_status_t st = PL_OK;
    const double fx = w->f(x, grad, w->ctx, &st);
    const int k = ++w->evaluations;
    if (st == PL_OK) st = optim_check_finite(fx, grad, (int)n, "evaluation", k);
    if (st != PL_OK) return wrap_fail(w, st);
    if (k == 1) {
        w->f_first = fx;
        w->g_first = 0.0;
        for (unsigned i = 0; grad && st == PL_OK && i < n; i++)
            if (fabs(grad[i]) > w->g_first) w->g_first = fabs(grad[i]);
    }
    optim_best_offer(&w->best, fx, x);
    const pl_optim_callback cb = w->opts->callback;
    if (cb && !cb(k, fx, x, (int)n, w->opts->callback_ctx))
        w->callback_stop = true;
    else if (k >= w->opts->max_iter)
        w->maxeval_stop = true;
    if (wrap_stopping(w)) nlopt_force_stop(w->opt);
    return fx;
}

/* The NLopt algorithm for a plateau method. */
static nlopt_algorithm nlopt_algo(pl_optim_method_t m) {
    switch (m) {
        case PL_OPT_LBFGS: return NLOPT_LD_LBFGS;
        case PL_OPT_COBYLA: return NLOPT_LN_COBYLA;
        case PL_OPT_NELDER_MEAD: return NLOPT_LN_NELDERMEAD;
        default: pl_error_internal(__FILE__, __LINE__, "not an NLopt method");
    }
}

/* What a failing NLopt result means, in words. */
static const char *nlopt_result_words(nlopt_result r) {
    switch (r) {
        case NLOPT_FAILURE: return "generic failure";
        case NLOPT_INVALID_ARGS: return "invalid arguments";
        case NLOPT_ROUNDOFF_LIMITED: return "roundoff errors limited progress";
        case NLOPT_FORCED_STOP: return "forced stop";
        default: return "unexpected result";
    }
}

/*
 * The status for a failing NLopt result r during @p stage ("set-up" or
 * "run"): PL_ENOMEM naming NLopt's work space, PL_EINTERNAL otherwise, with NLopt's
 * own message when it has one, e.g. "NLopt lbfgs run failed: generic failure
 * (NLOPT_FAILURE); f never went below its start value 13".
 */
static pl_status_t nlopt_failure(const nlopt_wrap_t *w, nlopt_result r, const char *stage) {
    const char *name = pl_optim_method_name(w->opts->method);
    const char *detail = nlopt_get_errmsg(w->opt);
    if (!detail) detail = nlopt_result_words(r);
    const char *code = nlopt_result_to_string(r);
    if (r == NLOPT_OUT_OF_MEMORY) return pl_error_nomemf("NLopt %s work space (%s)", name, stage);
    char hint[96] = ""; /* a run that never improved hints at a wrong gradient */
    if (w->evaluations > 0 && !(w->best.f < w->f_first))
        snprintf(hint, sizeof hint, "; f never went below its start value %g", w->f_first);
    return pl_error(PL_EINTERNAL, "NLopt %s %s failed: %s (NLOPT_%s)%s", name, stage, detail,
                    code ? code : "?", hint);
}

/* Objective, limits and tolerances for one run. */
static pl_status_t nlopt_configure(nlopt_wrap_t *w) {
    const pl_optim_opts_t *o = w->opts;
    nlopt_result r = nlopt_set_min_objective(w->opt, wrap_objective, w);
    if (r > 0) r = nlopt_set_maxeval(w->opt, o->max_iter);
    if (r > 0 && o->max_time > 0 && isfinite(o->max_time))
        r = nlopt_set_maxtime(w->opt, o->max_time);
    if (r > 0) r = nlopt_set_ftol_abs(w->opt, o->ftol_abs > 0 ? o->ftol_abs : 0.0);
    if (r < 0) return nlopt_failure(w, r, "set-up");
    return PL_OK;
}

/*
 * True when a failing result r only means "no further progress": NLopt's
 * ROUNDOFF_LIMITED, or the FAILURE its L-BFGS returns when a line search
 * cannot decrease f any more (typically within rounding of the optimum) —
 * provided the run improved on the start with a finite value, or started
 * where the gradient already vanishes.
 */
static bool nlopt_stalled(const nlopt_wrap_t *w, nlopt_result r) {
    const bool stall_result =
        r == NLOPT_ROUNDOFF_LIMITED || (r == NLOPT_FAILURE && w->opts->method == PL_OPT_LBFGS);
    /* A start at a stationary point (restarting from a converged run) cannot
     * improve either; a wrong gradient can't improve but is not small. */
    const bool at_stationary_start = w->g_first <= 1e-6 * fmax(1.0, fabs(w->f_first));
    return stall_result && isfinite(w->best.f) && (w->best.f < w->f_first || at_stationary_start);
}

/* Map an NLopt result to a stop reason; PL_OK, or the failure. */
static pl_status_t nlopt_reason(const nlopt_wrap_t *w, nlopt_result r, pl_stop_reason_t *reason) {
    if (w->status != PL_OK) return w->status;
    if (w->callback_stop || w->maxeval_stop) { /* plateau's own stops come first */
        *reason = w->callback_stop ? PL_STOP_CALLBACK : PL_STOP_MAX_ITER;
        return PL_OK;
    }
    switch (r) {
        case NLOPT_FTOL_REACHED: *reason = PL_STOP_FTOL; return PL_OK;
        case NLOPT_MAXEVAL_REACHED: *reason = PL_STOP_MAX_ITER; return PL_OK;
        case NLOPT_MAXTIME_REACHED: *reason = PL_STOP_MAX_TIME; return PL_OK;
        case NLOPT_SUCCESS:
        case NLOPT_STOPVAL_REACHED:
        case NLOPT_XTOL_REACHED: *reason = PL_STOP_CONVERGED; return PL_OK;
        default: break;
    }
    if (nlopt_stalled(w, r)) {
        *reason = PL_STOP_CONVERGED;
        return PL_OK;
    }
    return nlopt_failure(w, r, "run");
}

/* Create, configure and run the optimiser; x ends wherever NLopt leaves it. */
static pl_status_t nlopt_run(nlopt_wrap_t *w, int n, double *x, pl_stop_reason_t *reason) {
    w->opt = nlopt_create(nlopt_algo(w->opts->method), (unsigned)n);
    if (!w->opt)
        return pl_error_nomemf("the NLopt %s optimiser", pl_optim_method_name(w->opts->method));
    pl_status_t st = nlopt_configure(w);
    if (st == PL_OK) {
        double fmin = HUGE_VAL;
        const nlopt_result r = nlopt_optimize(w->opt, x, &fmin);
        st = nlopt_reason(w, r, reason);
    }
    nlopt_destroy(w->opt);
    return st;
}

pl_status_t optim_nlopt(pl_objective_fn f, void *ctx, int n, double *x, const pl_optim_opts_t *opts,
                        pl_optim_result_t *res) {
    nlopt_wrap_t w = {.f = f, .ctx = ctx, .opts = opts, .status = PL_OK, .f_first = NAN};
    w.best.n = n;
    w.best.f = INFINITY;
    w.best.x = malloc((size_t)n * sizeof *w.best.x);
    if (!w.best.x) return pl_error_nomemf("NLopt work space for %d variables", n);
    for (int i = 0; i < n; i++) w.best.x[i] = x[i];
    const pl_status_t st = nlopt_run(&w, n, x, &res->reason);
    for (int i = 0; i < n; i++) x[i] = w.best.x[i];
    res->f = w.best.f < INFINITY ? w.best.f : NAN; /* NaN: no valid evaluation */
    res->evaluations = w.evaluations;
    res->iterations = w.evaluations;
    free(w.best.x);
    return st;
}
