/**
 * @file grad.h
 * @brief Exact gradients of expectation values, and batched losses.
 *
 * E(θ) = ⟨ψ(θ)|H|ψ(θ)⟩ with |ψ(θ)⟩ = U(θ)|ψ_0⟩ for a circuit whose angles
 * are a·θ_k + b (circuit.h); ∂E/∂θ_k sums a·∂E/∂angle over every angle that
 * uses θ_k (parameter sharing).
 */
#ifndef PLATEAU_GRAD_H
#define PLATEAU_GRAD_H

#include "plateau/circuit.h"
#include "plateau/errors.h"
#include "plateau/pauli.h"
#include "plateau/sv.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    /** Adjoint differentiation: one forward and one backward pass, three
     *  state vectors in all; exact. */
    PL_GRAD_ADJOINT,
    /** Parameter-shift rule per angle occurrence: two circuit runs for
     *  rotation-like angles, four for controlled rotations (Anselmetti et al.
     *  2021 four-term rule); exact. */
    PL_GRAD_SHIFT,
    /** Central finite differences with step 1e-5 on each θ_k (error ~1e-10). */
    PL_GRAD_FD,
    PL_GRAD_COUNT
} pl_grad_method_t;

/** Name ("adjoint", "shift", "fd"); "unknown" for a value outside the enumeration
 *  (the thread's message then lists the valid values). */
const char *pl_grad_method_name(pl_grad_method_t m);
/** Look up a method by name; PL_EINVAL naming the valid ones otherwise. */
PL_NODISCARD pl_status_t pl_grad_method_lookup(const char *name, pl_grad_method_t *out);

/**
 * E(θ) and ∇E(θ) for the circuit @p c applied to @p initial (NULL: |0…0⟩).
 * @param[in] theta  pl_circuit_num_params(c) values (NULL when there are none)
 * @param[out] energy E(θ) (may be NULL)
 * @param[out] grad   pl_circuit_num_params(c) partial derivatives (may be NULL)
 * @return PL_EINVAL for non-finite θ, size mismatches or a non-Hermitian H
 *   (complex coefficient); PL_ENOMEM when the extra state vectors do not fit.
 */
PL_NODISCARD pl_status_t pl_grad(const pl_circuit_t *c, const double *theta,
                                 const pl_pauli_sum_t *h, const pl_sv_t *initial,
                                 pl_grad_method_t method, double *energy, double *grad);

/* ------------------------------------------------------------------------ */
/* Batched losses for classifiers                                           */
/* ------------------------------------------------------------------------ */

typedef enum {
    /** (f − y)² with f = ⟨H⟩ and label y (use y = ±1 for two classes). */
    PL_LOSS_MSE,
    /** −[y log p + (1 − y) log(1 − p)] with p = (1 + ⟨H⟩)/2 ∈ [0, 1] the
     *  probability of class 1 and y ∈ {0, 1}; p is clamped to [1e-12, 1−1e-12]. */
    PL_LOSS_CROSS_ENTROPY,
    PL_LOSS_COUNT
} pl_loss_t;

/**
 * Mean loss over @p nsamples input states and its gradient (adjoint method),
 * samples in parallel (OpenMP; the sum is taken in sample order, so the result
 * does not depend on the thread count).
 * @param[in] inputs   nsamples states, all on pl_circuit_qubits(c) qubits
 * @param[in] labels   nsamples labels
 * @param[out] loss    mean loss (may be NULL)
 * @param[out] grad    gradient of the mean loss (may be NULL)
 * @param[out] outputs the nsamples values f = ⟨H⟩ (may be NULL)
 */
PL_NODISCARD pl_status_t pl_grad_batch_loss(const pl_circuit_t *c, const double *theta,
                                            const pl_pauli_sum_t *h, const pl_sv_t *const *inputs,
                                            const double *labels, int nsamples, pl_loss_t kind,
                                            double *loss, double *grad, double *outputs);

#ifdef __cplusplus
}
#endif
#endif
