/**
 * @file optim.h
 * @brief Minimisers: Adam (plateau's own) and NLopt's L-BFGS, COBYLA, ...
 */
#ifndef PLATEAU_OPTIM_H
#define PLATEAU_OPTIM_H

#include <stdbool.h>

#include "plateau/errors.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Objective: return f(x); when @p grad is not NULL also write ∇f(x) there.
 * Set *@p st to a failing status (and return anything) to abort the run.
 */
typedef double (*pl_objective_fn)(const double *x, double *grad, void *ctx, pl_status_t *st);

/**
 * Progress callback, called once per iteration (Adam) or per objective
 * evaluation (NLopt methods) with the current value and point; return false
 * to stop early (the result then reports PL_STOP_CALLBACK).
 */
typedef bool (*pl_optim_callback)(int iter, double f, const double *x, int n, void *ctx);

typedef enum {
    PL_OPT_ADAM,        /**< Adam (Kingma & Ba), gradient-based, plateau's own */
    PL_OPT_LBFGS,       /**< NLopt LD_LBFGS */
    PL_OPT_COBYLA,      /**< NLopt LN_COBYLA (derivative-free) */
    PL_OPT_NELDER_MEAD, /**< NLopt LN_NELDERMEAD (derivative-free) */
    PL_OPT_COUNT
} pl_optim_method_t;

/** Options; zero-initialise and set what you need (0 means the default). */
typedef struct {
    pl_optim_method_t method;
    int max_iter;         /**< iterations (Adam) or evaluations (NLopt); default 1000 */
    double max_time;      /**< seconds; 0 = no limit */
    double ftol_abs;      /**< stop when |Δf| < ftol_abs between iterations; default 1e-12 */
    double gtol;          /**< Adam: stop when ‖∇f‖∞ < gtol; default 1e-8 */
    double learning_rate; /**< Adam step size; default 0.01 */
    double beta1, beta2, epsilon; /**< Adam moments; defaults 0.9, 0.999, 1e-8 */
    pl_optim_callback callback;
    void *callback_ctx;
} pl_optim_opts_t;

/** Why a run stopped. */
typedef enum {
    PL_STOP_FTOL, /**< change in f below ftol_abs */
    PL_STOP_GTOL, /**< gradient below gtol (Adam) */
    PL_STOP_MAX_ITER,
    PL_STOP_MAX_TIME,
    PL_STOP_CALLBACK, /**< the callback returned false */
    PL_STOP_CONVERGED /**< the method's own convergence test (NLopt) */
} pl_stop_reason_t;

typedef struct {
    double f; /**< best value found */
    int iterations;
    int evaluations; /**< objective calls */
    pl_stop_reason_t reason;
} pl_optim_result_t;

/** Name of a method ("adam", "lbfgs", "cobyla", "nelder-mead"). */
const char *pl_optim_method_name(pl_optim_method_t m);
/** Look up a method by name; PL_EINVAL listing the valid names otherwise. */
PL_NODISCARD pl_status_t pl_optim_method_lookup(const char *name, pl_optim_method_t *out);
/** Text for a stop reason ("ftol", "max_iter", ...). */
const char *pl_optim_stop_name(pl_stop_reason_t r);

/**
 * Minimise @p f over @p n variables starting from @p x (overwritten with the
 * best point found).
 * @return PL_OK (see res->reason), PL_EINVAL for bad options or a non-finite
 *   start point or objective value, the objective's own failing status, or
 *   PL_EINTERNAL when NLopt fails unexpectedly.
 */
PL_NODISCARD pl_status_t pl_optimize(pl_objective_fn f, void *ctx, int n, double *x,
                                     const pl_optim_opts_t *opts, pl_optim_result_t *res);

#ifdef __cplusplus
}
#endif
#endif
