/* The base shared by pl_optimize (optim.c) and its two method families (adam.c,
 * nlopt_methods.c): method names, best-point tracking, finiteness checks. */
#include <math.h>
#include <string.h>

#include "optim/optim_internal.h"
#include "plateau/core.h"

/* ------------------------------------------------------------------------ */
/* Names                                                                    */
/* ------------------------------------------------------------------------ */

static const pl_enum_entry_t method_names[] = {{PL_OPT_ADAM, "adam"},
                                               {PL_OPT_LBFGS, "lbfgs"},
                                               {PL_OPT_COBYLA, "cobyla"},
                                               {PL_OPT_NELDER_MEAD, "nelder-mead"}};

static const pl_enum_entry_t stop_names[] = {{PL_STOP_FTOL, "ftol"},
                                             {PL_STOP_GTOL, "gtol"},
                                             {PL_STOP_MAX_ITER, "max_iter"},
                                             {PL_STOP_MAX_TIME, "max_time"},
                                             {PL_STOP_CALLBACK, "callback"},
                                             {PL_STOP_CONVERGED, "converged"}};

PL_ENUM_DEFINE(pl_optim_method_t, method_names, "optimizer", pl_optim_method_name,
               pl_optim_method_lookup)

pl_status_t optim_check_method(pl_optim_method_t m) {
    return pl_enum_name(method_names, PL_ENUM_COUNT(method_names), "optimizer", (int)m) ? PL_OK
                                                                                        : PL_EINVAL;
}

const char *pl_optim_stop_name(pl_stop_reason_t r) {
    const char *name = pl_enum_name(stop_names, PL_ENUM_COUNT(stop_names), "stop reason", (int)r);
    return name ? name : "unknown";
}

/* ------------------------------------------------------------------------ */
/* Shared helpers                                                           */
/* ------------------------------------------------------------------------ */

void optim_best_offer(optim_best_t *best, double f, const double *x) {
    if (!(f < best->f)) return;
    best->f = f;
    memcpy(best->x, x, (size_t)best->n * sizeof *x);
}

const char *optim_nonfinite_name(double v) {
    if (isnan(v)) return "nan";
    return v > 0 ? "inf" : "-inf";
}

pl_status_t optim_check_finite(double f, const double *grad, int n, const char *unit, int k) {
    if (!isfinite(f))
        return pl_error(PL_EINVAL, "objective returned %s at %s %d", optim_nonfinite_name(f), unit,
                        k);
    if (!grad) return PL_OK;
    for (int i = 0; i < n; i++)
        if (!isfinite(grad[i]))
            return pl_error(PL_EINVAL, "objective gradient[%d] is %s at %s %d", i,
                            optim_nonfinite_name(grad[i]), unit, k);
    return PL_OK;
}
