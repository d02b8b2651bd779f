/**
 * @file prop.h
 * @brief Pauli propagation: evolve an observable backwards through a circuit
 *        (Heisenberg picture), O → U† O U, with truncations.
 *
 * The observable is kept as a real combination Σ_α c_α P_α of Pauli strings
 * (Hermitian observables stay Hermitian). Gates are taken from the last to the
 * first. A Pauli rotation R_P(θ) = exp(−iθP/2) maps a string Q that
 * anticommutes with P to cos θ · Q + sin θ · (iPQ) and leaves commuting ones
 * alone; rotation gates of qelib1 (rx … rzz, p, u1, u2, u3, crx, cry, crz,
 * cp, cu3) are rewritten as Pauli rotations; every other gate (Cliffords,
 * t/tdg aside, and generic unitaries on ≤ 3 qubits) acts through its Pauli
 * transfer matrix, computed from the gate matrix — a signed permutation for
 * Cliffords, so no branching.
 *
 * Truncations (any combination) drop strings whose weight exceeds
 * max_weight, whose |c| falls below min_abs_coeff, or that went through more
 * than max_freq sin/cos branchings; the sum of the dropped |c| is reported.
 */
#ifndef PLATEAU_PROP_H
#define PLATEAU_PROP_H

#include <stddef.h>
#include <stdint.h>

#include "plateau/circuit.h"
#include "plateau/errors.h"
#include "plateau/pauli.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Truncation settings; zero-initialise for none. */
typedef struct {
    int max_weight;       /**< drop strings with more non-identity factors (0: no limit) */
    double min_abs_coeff; /**< drop strings with |c| below this (0: no limit) */
    int max_freq;         /**< drop strings after more sin/cos branchings (0: no limit) */
} pl_trunc_t;

/** A propagated observable: strings, real coefficients, branching counts. */
typedef struct pl_prop pl_prop_t;

/** Statistics of a propagation. */
typedef struct {
    size_t terms;            /**< strings at the end */
    size_t max_terms;        /**< largest number of strings held at once */
    double truncated_weight; /**< Σ |c| of every dropped string (an error indicator) */
    size_t bytes;            /**< peak memory of the term storage */
    double seconds;
    uint64_t term_updates; /**< strings pushed through gates, summed over gates */
} pl_prop_stats_t;

/**
 * Propagate @p obs (real coefficients) backwards through @p c with parameter
 * values @p theta, truncating after every gate.
 * @param[out] out   the propagated observable (free with pl_prop_destroy)
 * @param[out] stats may be NULL
 * @return PL_EINVAL for mismatched qubit counts, complex coefficients, bad
 *   truncation settings (negative, NaN) or unsupported gates (a generic gate
 *   on more than 3 qubits); PL_ENOMEM when the terms outgrow the memory limit
 *   ("... after 12345678 terms").
 *
 * With a max weight of at most 16 on more than 64 qubits the terms are held
 * as their non-identity factors while propagating (a few bytes per factor);
 * the result also holds them unpacked, for pl_prop_term's views, and that
 * copy counts against the memory limit too. Terms come in no particular order.
 */
PL_NODISCARD pl_status_t pl_propagate(const pl_circuit_t *c, const double *theta,
                                      const pl_pauli_sum_t *obs, const pl_trunc_t *trunc,
                                      pl_prop_t **out, pl_prop_stats_t *stats);

/** Free (NULL is fine). */
void pl_prop_destroy(pl_prop_t *p);

/** Number of strings held. */
size_t pl_prop_size(const pl_prop_t *p);

/** Number of qubits. */
int pl_prop_qubits(const pl_prop_t *p);

/** Term @p k: a read-only view of its string and its coefficient. */
void pl_prop_term(const pl_prop_t *p, size_t k, pl_pauli_t *view, double *coeff);

/** Copy into a Pauli sum (terms in storage order). */
PL_NODISCARD pl_status_t pl_prop_to_sum(const pl_prop_t *p, pl_pauli_sum_t **out);

/** ⟨0…0|O|0…0⟩: the sum of the coefficients of strings made of I and Z only. */
double pl_prop_expval_zero(const pl_prop_t *p);

/**
 * ⟨O⟩ on the product state whose qubit q has Bloch vector
 * (bloch[3q], bloch[3q+1], bloch[3q+2]) = (⟨X⟩, ⟨Y⟩, ⟨Z⟩).
 */
double pl_prop_expval_product(const pl_prop_t *p, const double *bloch);

/**
 * Σ_α c_α · f(P_α) with ⟨P_α⟩ supplied by a callback (e.g. shadow estimates;
 * pl_pauli_expval_fn in pauli.h). The callback returns PL_OK and writes
 * *value, or a failing status that stops the sum.
 */
PL_NODISCARD pl_status_t pl_prop_expval_callback(const pl_prop_t *p, pl_pauli_expval_fn f,
                                                 void *ctx, double *out);

/**
 * Like pl_propagate, and every term also carries its derivatives ∂c_α/∂θ_k
 * for all k < pl_circuit_num_params(c) (forward mode: product rule through
 * every rotation, sums through merges). The derivatives are those of the
 * truncated propagation with the set of kept strings held fixed: exact when
 * only max_weight / max_freq truncate; with min_abs_coeff a string that
 * crosses the threshold makes the truncated result jump, and its derivative
 * there is not seen. Memory: ngrad more doubles per term (checked against the
 * memory limit like the terms themselves).
 */
PL_NODISCARD pl_status_t pl_propagate_diff(const pl_circuit_t *c, const double *theta,
                                           const pl_pauli_sum_t *obs, const pl_trunc_t *trunc,
                                           pl_prop_t **out, pl_prop_stats_t *stats);

/** Derivatives carried per term: pl_circuit_num_params(c) after pl_propagate_diff, else 0. */
int pl_prop_num_grad(const pl_prop_t *p);

/** ∂c_k/∂θ (pl_prop_num_grad entries) of term @p k, or NULL without derivatives. */
const double *pl_prop_term_grad(const pl_prop_t *p, size_t k);

/**
 * Value and gradient of ⟨0…0|O(θ)|0…0⟩, of the product-state expectation,
 * or of Σ_α c_α(θ) f(P_α) with f from a callback (the surrogate's
 * Σ_α c_α(θ)·⟨P_α⟩_shadows). @p value may be NULL; @p grad gets
 * pl_prop_num_grad(p) entries. PL_EINVAL when @p p carries no derivatives.
 */
PL_NODISCARD pl_status_t pl_prop_grad_zero(const pl_prop_t *p, double *value, double *grad);
PL_NODISCARD pl_status_t pl_prop_grad_product(const pl_prop_t *p, const double *bloch,
                                              double *value, double *grad);
PL_NODISCARD pl_status_t pl_prop_grad_callback(const pl_prop_t *p, pl_pauli_expval_fn f, void *ctx,
                                               double *value, double *grad);

/**
 * ⟨0…0|U†OU|0…0⟩ under the truncations and its gradient with respect to θ,
 * by pl_propagate_diff (one propagation carrying the derivatives).
 * @param[out] value may be NULL; @param[out] grad pl_circuit_num_params(c) entries.
 */
PL_NODISCARD pl_status_t pl_propagate_grad(const pl_circuit_t *c, const double *theta,
                                           const pl_pauli_sum_t *obs, const pl_trunc_t *trunc,
                                           double *value, double *grad);

/**
 * The same gradient by the parameter-shift rule applied to the propagation
 * itself (two propagations per rotation; slow, kept as an independent check):
 * every rotation angle enters the truncated result as a + b cos α + c sin α
 * when only max_weight / max_freq truncate, so the rule is exact then.
 */
PL_NODISCARD pl_status_t pl_propagate_grad_shift(const pl_circuit_t *c, const double *theta,
                                                 const pl_pauli_sum_t *obs, const pl_trunc_t *trunc,
                                                 double *value, double *grad);

/* ---- Compiled propagations ------------------------------------------------ */

/**
 * A propagation compiled once for a circuit, an observable and a weight
 * limit, then evaluated for any parameter values: what an optimiser calls
 * many times. When only the weight limit truncates, the strings a
 * propagation meets do not depend on the angles, so the plan records the
 * linear map from the observable's coefficients to the result's
 * ("moves": src string, dst string, factor cos α, ±sin α or a PTM entry)
 * and an evaluation streams over it without hashing. Its gradient is a
 * reverse pass over the same moves: Σ_t w_t ∂c_t/∂θ costs about two
 * evaluations whatever the number of parameters (pl_propagate_diff carries
 * one derivative per parameter on every string).
 *
 * Evaluations equal pl_propagate with the same weight limit up to rounding
 * (the same strings; sums taken in another order). A plan holds its work
 * arrays: evaluate one plan from one thread at a time.
 */
typedef struct pl_prop_plan pl_prop_plan_t;

/**
 * Compile the propagation of @p obs (real coefficients) through @p c.
 * @param[in] trunc NULL or a truncation with max_weight only
 * @return PL_EINVAL for mismatched qubit counts, complex coefficients, a
 *   negative weight limit, min_abs_coeff or max_freq set (they depend on the
 *   angles) or an unsupported gate; PL_ENOMEM when the moves outgrow the
 *   memory limit (16 bytes per move and 8 more for evaluating).
 */
PL_NODISCARD pl_status_t pl_prop_plan_create(const pl_circuit_t *c, const pl_pauli_sum_t *obs,
                                             const pl_trunc_t *trunc, pl_prop_plan_t **out);

/** Free (NULL is fine). */
void pl_prop_plan_destroy(pl_prop_plan_t *p);

/** Strings of the result (the same for every evaluation). */
size_t pl_prop_plan_size(const pl_prop_plan_t *p);

/** Moves recorded (the cost of one evaluation). */
size_t pl_prop_plan_moves(const pl_prop_plan_t *p);

/** String @p k of the result (a read-only view, valid while the plan lives). */
void pl_prop_plan_term(const pl_prop_plan_t *p, size_t k, pl_pauli_t *view);

/**
 * Coefficients of the result's strings at parameter values @p theta
 * (pl_circuit_num_params entries, finite): @p coeff gets pl_prop_plan_size
 * values (may be NULL, to prepare pl_prop_plan_vjp only).
 * @return PL_EINVAL for a non-finite parameter.
 */
PL_NODISCARD pl_status_t pl_prop_plan_eval(pl_prop_plan_t *p, const double *theta, double *coeff);

/**
 * grad[k] = Σ_t w[t] ∂c_t/∂θ_k at the parameters of the last
 * pl_prop_plan_eval (vector-Jacobian product; w has pl_prop_plan_size
 * entries, grad pl_circuit_num_params).
 * @return PL_EINVAL before any evaluation.
 */
PL_NODISCARD pl_status_t pl_prop_plan_vjp(pl_prop_plan_t *p, const double *w, double *grad);

/* ---- Files --------------------------------------------------------------- */

/**
 * Write the Pauli sum held by @p p, Σ_α c_α P_α (terms in storage order), to
 * the HDF5 file @p path atomically (a temporary "PATH.tmp.XXXXXX" in the same
 * folder, then rename(); the temporary file is removed on failure).
 * Layout: datasets `x` and `z` (uint64, shape [terms, words] with
 * words = PL_PAULI_WORDS(qubits): the packed bits of each string, qubit q is
 * bit q % 64 of word q / 64; X ↔ x only, Z ↔ z only, Y ↔ both) and `coeff`
 * (float64, [terms]); attributes `qubits` (int64), `plateau_version`,
 * `command` (UTF-8 strings) and `seed` (uint64).
 * @param[in] p       the propagated observable (pl_propagate)
 * @param[in] path    the file to create or replace
 * @param[in] command the command line to record (NULL: empty)
 * @param[in] seed    the seed to record
 * @return PL_EIO naming the path and the problem (folder missing or not
 *   writable, HDF5 failure), PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_prop_save(const pl_prop_t *p, const char *path, const char *command,
                                      uint64_t seed);

#ifdef __cplusplus
}
#endif
#endif
