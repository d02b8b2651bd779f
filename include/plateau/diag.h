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
/** kind → "global" / "local"; "unknown" for a value outside the enumeration
 *  (the thread's message then lists the valid values). */
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
    int params; /**< parameters of the circuit */
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
    double rate, rate_stderr;         /**< exponential: log Var = a − rate·n (natural log) */
    double base;                      /**< e^rate: Var ∝ base^−n */
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

/* ---- the audit ------------------------------------------------------------ */

/** Settings of pl_audit; zero-initialise for the defaults. */
typedef struct {
    int samples;    /**< random angle vectors for the sampled variances (0: 100);
                         sampling is skipped above 20 qubits */
    size_t max_dim; /**< DLA closure cap (0: 4096) */
    uint64_t seed;
} pl_audit_opts_t;

/** Which classical simulator the audit found (PL_SIM_NONE: none). */
typedef enum {
    PL_SIM_NONE,
    PL_SIM_GSIM,
    PL_SIM_LIGHT_CONE,
    PL_SIM_PAULI_PROPAGATION
} pl_sim_kind_t;

/** The simulator's name ("g-sim", "light-cone Pauli propagation", "truncated Pauli
 *  propagation"), or NULL for PL_SIM_NONE and values outside the enumeration. */
const char *pl_sim_name(pl_sim_kind_t kind);

/** The evidence and the verdict. */
typedef struct {
    int qubits, params;
    size_t dla_dim; /**< dimension, or a lower bound when capped */
    bool dla_capped;
    size_t dla_center_dim;     /**< when not capped */
    bool dla_ok;               /**< false when the DLA could not be computed (note says why) */
    bool has_prediction;       /**< predicted_variance is set */
    double predicted_variance; /**< P_g(ρ)P_g(O)/dim g (Lie-algebraic theory) */
    double haar_variance;      /**< Var[C] of a unitary 2-design: the barren-plateau scale */
    bool sampled;
    double var_cost, var_cost_stderr, var_grad, var_grad_stderr; /**< sampled */
    int light_cone;                    /**< qubits in the backward light cone of the observable */
    size_t terms_w2, terms_w4;         /**< strings kept by propagation at max weight 2 and 4 */
    double truncated_w2, truncated_w4; /**< their truncated weight Σ|dropped c| */
    double obs_norm1; /**< Σ|c| of the observable (the truncated weights' scale) */
    pl_sim_kind_t simulator;
    const char *verdict; /**< "barren plateau", "trainable and classically simulable",
                                "trainable, no efficient classical simulation known" */
    char note[256];      /**< why a part could not be computed, or "" */
} pl_audit_t;

/**
 * Audit a parameterised circuit with cost ⟨0…0|U(θ)† O U(θ)|0…0⟩: its DLA
 * (pl_lie_from_circuit, capped), the Lie-algebraic predicted variance when
 * the algebra is small enough, the sampled Var[C] and Var[∂C] over uniform
 * angles (pl_bp_sample, up to 20 qubits), the backward light cone of O, and
 * Pauli propagation at max weight 2 and 4 (angles @p theta, or random ones).
 * Verdict: a barren plateau when the variance of the cost (sampled, else
 * predicted) is below 10× the 2-design value (Tr O² − (Tr O)²/d)(1 − 1/d)/(d² − 1),
 * which is exponentially small in n; otherwise classically simulable when a
 * simulator applies — g-sim (DLA of dimension ≤ 10⁴ containing O), the light
 * cone (≤ 20 qubits), or Pauli propagation (weight 4 truncates less than 1 %
 * of Σ|c|) — else "no efficient classical simulation known".
 * @return PL_EINVAL for a circuit without parameters or mismatched qubit counts.
 */
PL_NODISCARD pl_status_t pl_audit(const pl_circuit_t *c, const pl_pauli_sum_t *obs,
                                  const double *theta, const pl_audit_opts_t *opts,
                                  pl_audit_t *out);

#ifdef __cplusplus
}
#endif
#endif
