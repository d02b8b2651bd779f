/* pl_optimize: option defaults and validation, dispatch to adam.c and nlopt_methods.c
 * (their shared helpers and the method names are in common.c). */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "optim/optim_internal.h"

/* ------------------------------------------------------------------------ */
/* Options                                                                  */
/* ------------------------------------------------------------------------ */

/* v if it is non-zero, otherwise the default d (NaN is kept for validation). */
static double or_default(double v, double d) {
    return v == 0.0 ? d : v;
}

/* A copy of *in (all zero when in is NULL) with the zero fields set to their defaults. */
static pl_optim_opts_t resolve_opts(const pl_optim_opts_t *in) {
    pl_optim_opts_t o;
    if (in)
        o = *in;
    else
        memset(&o, 0, sizeof o);
    if (o.max_iter == 0) o.max_iter = OPTIM_DEFAULT_MAX_ITER;
    o.ftol_abs = or_default(o.ftol_abs, OPTIM_DEFAULT_FTOL_ABS);
    o.gtol = or_default(o.gtol, OPTIM_DEFAULT_GTOL);
    o.learning_rate = or_default(o.learning_rate, OPTIM_DEFAULT_LEARNING_RATE);
    o.beta1 = or_default(o.beta1, OPTIM_DEFAULT_BETA1);
    o.beta2 = or_default(o.beta2, OPTIM_DEFAULT_BETA2);
    o.epsilon = or_default(o.epsilon, OPTIM_DEFAULT_EPSILON);
    return o;
}

/* PL_EINVAL unless 0 <= beta < 1. */
static pl_status_t check_beta(const char *name, double beta) {
    if (!(beta >= 0.0 && beta < 1.0))
        return pl_error(PL_EINVAL, "%s must be in [0, 1), got %g", name, beta);
    return PL_OK;
}

/* PL_EINVAL when a tolerance is NaN (a negative one disables its test). */
static pl_status_t check_tol(const char *name, double tol) {
    if (isnan(tol)) return pl_error(PL_EINVAL, "%s must not be nan", name);
    return PL_OK;
}

/* Validate resolved options. */
static pl_status_t check_opts(const pl_optim_opts_t *o) {
    PL_TRY(optim_check_method(o->method));
    if (o->max_iter < 0) return pl_error(PL_EINVAL, "max_iter must be >= 0, got %d", o->max_iter);
    if (!(o->max_time >= 0.0))
        return pl_error(PL_EINVAL, "max_time must be >= 0 seconds, got %g", o->max_time);
    PL_TRY(check_tol("ftol_abs", o->ftol_abs));
    PL_TRY(check_tol("gtol", o->gtol));
    if (!(o->learning_rate > 0.0 && isfinite(o->learning_rate)))
        return pl_error(PL_EINVAL, "learning_rate must be finite and > 0, got %g",
                        o->learning_rate);
    PL_TRY(check_beta("beta1", o->beta1));
    PL_TRY(check_beta("beta2", o->beta2));
    if (!(o->epsilon > 0.0 && isfinite(o->epsilon)))
        return pl_error(PL_EINVAL, "epsilon must be finite and > 0, got %g", o->epsilon);
    return PL_OK;
}

/* Validate the problem: objective, dimension and start point. */
static pl_status_t check_problem(pl_objective_fn f, int n, const double *x) {
    if (!f) return pl_error(PL_EINVAL, "objective function is NULL");
    if (n < 1) return pl_error(PL_EINVAL, "number of variables must be >= 1, got %d", n);
    if (!x) return pl_error(PL_EINVAL, "start point x is NULL");
    for (int i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return pl_error(PL_EINVAL, "start point x[%d] is %s", i, optim_nonfinite_name(x[i]));
    return PL_OK;
}

pl_status_t pl_optimize(pl_objective_fn f, void *ctx, int n, double *x, const pl_optim_opts_t *opts,
                        pl_optim_result_t *res) {
    pl_optim_result_t scratch;
    if (!res) res = &scratch;
    *res = (pl_optim_result_t){.f = NAN, .reason = PL_STOP_MAX_ITER};
    PL_TRY(check_problem(f, n, x));
    pl_optim_opts_t o = resolve_opts(opts);
    PL_TRY(check_opts(&o));
    if (o.method == PL_OPT_ADAM) return optim_adam(f, ctx, n, x, &o, res);
    return optim_nlopt(f, ctx, n, x, &o, res);
}
