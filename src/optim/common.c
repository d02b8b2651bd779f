/* The base shared by pl_optimize (optim.c) and its two method families (adam.c,
 * nlopt_methods.c): method names, best-point tracking, finiteness checks. */
#include <math.h>
#include <string.h>

#include "optim/optim_internal.h"

/* ------------------------------------------------------------------------ */
/* Names                                                                    */
/* ------------------------------------------------------------------------ */

static const char *const method_names[PL_OPT_COUNT] = {"adam", "lbfgs", "cobyla",
                                                       "nelder-mead"};

const char *pl_optim_method_name(pl_optim_method_t m) {
    if ((unsigned)m >= PL_OPT_COUNT) return "unknown";
    return method_names[m];
}

pl_status_t pl_optim_method_lookup(const char *name, pl_optim_method_t *out) {
    if (!name) return pl_error(PL_EINVAL, "optimizer name is NULL");
    for (int m = 0; m < PL_OPT_COUNT; m++)
        if (strcmp(name, method_names[m]) == 0) {
            *out = (pl_optim_method_t)m;
            return PL_OK;
        }
    return pl_error(PL_EINVAL, "unknown optimizer '%s' (use adam, lbfgs, cobyla or nelder-mead)",
                    name);
}

const char *pl_optim_stop_name(pl_stop_reason_t r) {
    switch (r) {
    case PL_STOP_FTOL: return "ftol";
    case PL_STOP_GTOL: return "gtol";
    case PL_STOP_MAX_ITER: return "max_iter";
    case PL_STOP_MAX_TIME: return "max_time";
    case PL_STOP_CALLBACK: return "callback";
    case PL_STOP_CONVERGED: return "converged";
    }
    return "unknown";
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
