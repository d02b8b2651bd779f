/**
 * @file diag.h
 * @brief Barren-plateau diagnostics: gradient-variance sampling over random
 *        angles and the fit of its decay with the number of qubits.
 *
 * For a cost C(θ) = ⟨0…0|U(θ)† O U(θ)|0…0⟩ with θ uniform in [0, 2π)^P, a
 * barren plateau is Var_θ[∂_k C] ∈ O(b^−n), b > 1 (SCIENCE.md §2).
 */
#ifndef PLATEAU_DIAG_H
#define PLATEAU_DIAG_H

#include <stdint.h>

#include "plateau/circuit.h"
#include "plateau/errors.h"
#include "plateau/pauli.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The standard cost observables of barren-plateau studies (Cerezo et al. 2021). */
typedef enum {
    PL_COST_GLOBAL, /**< Z_0 Z_1 … Z_{n−1}: every qubit at once */
    PL_COST_LOCAL   /**< (1/n) Σ_j Z_j: the average of single-qubit terms */
} pl_cost_kind_t;

/** "global" / "local" → kind; PL_EINVAL naming the valid names otherwise. */
PL_NODISCARD pl_status_t pl_cost_lookup(const char *name, pl_cost_kind_t *out);
const char *pl_cost_name(pl_cost_kind_t kind);

/** The cost observable of @p kind on @p n qubits. */
PL_NODISCARD pl_status_t pl_cost_observable(pl_cost_kind_t kind, int n, pl_pauli_sum_t **out);

/** Sampling settings. */
typedef struct {
    int samples;     /**< random angle vectors (≥ 2) */
    uint64_t seed;   /**< sample s draws its angles from the generator (seed, s) */
    int param_index; /**< differentiate θ_k only; −1: every parameter (variances averaged) */
} pl_bp_opts_t;

/** One point of a scan. */
typedef struct {
    int qubits;
    int params;      /**< parameters of the circuit */
    int samples;
    double var_grad; /**< Var[∂_k C] (k = param_index), or its mean over k */
    double stderr;   /**< standard error of var_grad (from the sample fourth moments) */
    double var_cost; /**< Var[C] over the same samples */
    double var_cost_stderr;
    double mean_grad; /**< mean of ∂_k C (should be ~0) */
    double seconds;
} pl_bp_point_t;

/**
 * Sample the gradient (adjoint method, state vector) at @p opts->samples
 * random angle vectors and return the variance statistics. Runs samples in
 * parallel when the state is small; results do not depend on the thread count.
 * The standard error of a sample variance s² uses the unbiased estimate
 * SE² = (m4 − (S−3)/(S−1)·s⁴)/S with m4 the sample fourth central moment;
 * averaged over parameters, SE is that of the average (parameters treated as
 * independent estimates).
 * @return PL_EINVAL for samples < 2, a circuit without parameters, a bad
 *   param_index or mismatched qubit counts; PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_bp_sample(const pl_circuit_t *c, const pl_pauli_sum_t *obs,
                                      const pl_bp_opts_t *opts, pl_bp_point_t *out);

/** Fit of log Var against n. */
typedef struct {
    int points;
    double rate, rate_stderr; /**< exponential: log Var = a − rate·n (natural log) */
    double base;              /**< e^rate: Var ∝ base^−n */
    double exponent, exponent_stderr; /**< polynomial: log Var = a − exponent·log n */
    double log_a_exp, log_a_poly;     /**< the intercepts a of both fits */
    double chi2_exp, chi2_poly;       /**< weighted residuals of both fits */
    const char *verdict; /**< "barren plateau", "no barren plateau" or "inconclusive" */
} pl_bp_fit_t;

/**
 * Weighted least-squares fits of log Var[∂C] against n (exponential decay)
 * and against log n (polynomial decay), weights 1/σ² with σ = stderr/var.
 * Verdict: "barren plateau" when the exponential model fits at least as well
 * as the polynomial one and its rate is positive by more than 3 standard
 * errors; "inconclusive" with fewer than 3 distinct sizes or a zero variance;
 * else "no barren plateau".
 */
PL_NODISCARD pl_status_t pl_bp_fit(const pl_bp_point_t *points, int count, pl_bp_fit_t *out);

#ifdef __cplusplus
}
#endif
#endif
