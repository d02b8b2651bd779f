/* Private parts of the gradient module. */
#ifndef PLATEAU_GRAD_INTERNAL_H
#define PLATEAU_GRAD_INTERNAL_H

#include "gates/gate_form.h"
#include "plateau/grad.h"

/*
 * K_j = (∂U/∂angle_j) · U† for every angle j of a non-PAULI_ROT operation
 * whose kernel form (gates/gate_form.h) at the bound angles is g (nangles
 * matrices of the gate's size, into k). The derivative is exact: each entry
 * of U is a trigonometric polynomial of a single frequency ω in angle j, so
 * ∂U = ω [U(+π/2ω) − U(−π/2ω)] / 2. Trusted input (angles finite).
 */
void grad_gate_derivs(const pl_op_t *op, const double *angles, const gates_form_t *g,
                      double complex *k);

/* Number of circuit evaluations the parameter-shift rule needs for angle j
 * of gate kind g: 2, or 4 for controlled rotations. */
int grad_shift_terms(pl_gate_t g, int j);

/* ψ ← initial (or |0…0⟩), then the circuit; E = ⟨ψ|H|ψ⟩ when energy ≠ NULL. */
PL_NODISCARD pl_status_t grad_forward(const pl_circuit_t *c, const double *theta,
                                      const pl_sv_t *initial, const pl_pauli_sum_t *h, pl_sv_t *psi,
                                      double *energy);

/*
 * The adjoint backward sweep: ψ holds U|ψ_0⟩ and λ the adjoint state (e.g.
 * Hψ); adds ∂/∂θ_k of 2·Re⟨λ|U|ψ_0⟩-style terms, i.e. the gradient of
 * E for λ = Hψ, into grad. Both states are consumed (rewound to the input).
 */
PL_NODISCARD pl_status_t grad_backward(const pl_circuit_t *c, const double *theta, pl_sv_t *psi,
                                       pl_sv_t *lam, double *grad);

/* The three methods behind pl_grad (arguments already validated). */
PL_NODISCARD pl_status_t grad_adjoint(const pl_circuit_t *c, const double *theta,
                                      const pl_pauli_sum_t *h, const pl_sv_t *initial,
                                      double *energy, double *grad);
PL_NODISCARD pl_status_t grad_shift(const pl_circuit_t *c, const double *theta,
                                    const pl_pauli_sum_t *h, const pl_sv_t *initial, double *grad);
PL_NODISCARD pl_status_t grad_fd(const pl_circuit_t *c, const double *theta,
                                 const pl_pauli_sum_t *h, const pl_sv_t *initial, double *grad);

#endif
