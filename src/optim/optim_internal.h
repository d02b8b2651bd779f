/* Private parts of the optimisation module: resolved options, best-point
 * tracking and the two method families behind pl_optimize. */
#ifndef PLATEAU_OPTIM_INTERNAL_H
#define PLATEAU_OPTIM_INTERNAL_H

#include "plateau/optim.h"

/* Defaults for the fields of pl_optim_opts_t left at 0. */
#define OPTIM_DEFAULT_MAX_ITER 1000
#define OPTIM_DEFAULT_FTOL_ABS 1e-12
#define OPTIM_DEFAULT_GTOL 1e-8
#define OPTIM_DEFAULT_LEARNING_RATE 0.01
#define OPTIM_DEFAULT_BETA1 0.9
#define OPTIM_DEFAULT_BETA2 0.999
#define OPTIM_DEFAULT_EPSILON 1e-8

/* The best point seen so far: its value f and a private copy of x (n entries). */
typedef struct {
    int n;
    double f;
    double *x;
} optim_best_t;

/* ---- common.c: shared by optim.c, adam.c and nlopt_methods.c ------------ */

/* Keep (f, x) when f is below the best value so far. */
void optim_best_offer(optim_best_t *best, double f, const double *x);

/* "nan", "inf" or "-inf" for a non-finite @p v (printf may write "-nan" for a
 * NaN with its sign bit set). */
const char *optim_nonfinite_name(double v);

/* PL_OK for a method of the table, else PL_EINVAL with
 * "unknown optimizer value 4 (valid: 0 adam, 1 lbfgs, 2 cobyla, 3 nelder-mead)". */
PL_NODISCARD pl_status_t optim_check_method(pl_optim_method_t m);

/*
 * PL_EINVAL with "objective returned nan at <unit> k" when f is not finite,
 * or "objective gradient[i] is inf at <unit> k" when grad (n entries, may be
 * NULL) has a non-finite component; PL_OK otherwise. @p unit is "iteration"
 * (Adam) or "evaluation" (NLopt methods).
 */
PL_NODISCARD pl_status_t optim_check_finite(double f, const double *grad, int n, const char *unit,
                                            int k);

/* ---- adam.c, nlopt_methods.c ------------------------------------------- */

/*
 * The two method families. @p opts is complete (defaults filled in, values
 * validated), @p x is finite and @p res is written in full, also on failure
 * (then with the counts so far). On return x holds the best point found.
 */
PL_NODISCARD pl_status_t optim_adam(pl_objective_fn f, void *ctx, int n, double *x,
                                    const pl_optim_opts_t *opts, pl_optim_result_t *res);
PL_NODISCARD pl_status_t optim_nlopt(pl_objective_fn f, void *ctx, int n, double *x,
                                     const pl_optim_opts_t *opts, pl_optim_result_t *res);

#endif
