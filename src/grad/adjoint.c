/*
 * Adjoint differentiation (Jones & Gacon 2020; Luo et al. 2020).
 *
 * With ψ_i the state after gate i and λ_i = U_{i+1}†…U_N† H ψ_N,
 * ∂E/∂φ = 2 Re ⟨λ_i| (∂U_i/∂φ) |ψ_{i−1}⟩ = 2 Re ⟨λ_i| K |ψ_i⟩, K = ∂U_i·U_i†.
 * Sweeping from the last gate to the first, each step evaluates those terms
 * and rewinds both states by U_i†, fused in one pass (pl_sv_adjoint_step):
 * two state vectors in all, besides the caller's.
 */
#include <math.h>
#include <stdlib.h>

#include "grad/grad_internal.h"
#include "plateau/core.h"
#include "sv/apply_trusted.h"

pl_status_t grad_forward(const pl_circuit_t *c, const double *theta, const pl_sv_t *initial,
                         const pl_pauli_sum_t *h, pl_sv_t *psi, double *energy) {
    if (initial) {
        PL_TRY(pl_sv_copy(psi, initial));
    } else {
        PL_TRY(pl_sv_set_basis(psi, 0));
    }
    PL_TRY(pl_circuit_apply(c, theta, psi));
    if (energy) {
        double complex e;
        PL_TRY(pl_sv_expval_sum(psi, h, &e));
        *energy = creal(e);
    }
    return PL_OK;
}

/* Backward step through a Pauli rotation exp(−iφP/2): ∂U·U† = −(i/2)P. */
static pl_status_t step_pauli_rot(const pl_op_t *op, double angle, pl_sv_t *psi, pl_sv_t *lam,
                                  double *dangle) {
    double complex elem;
    PL_TRY(pl_sv_pauli_matrix_element(lam, op->pauli, psi, &elem));
    *dangle = 2.0 * creal(-0.5 * I * elem);
    sv_apply_pauli_rot_trusted(psi, op->pauli, -angle);
    sv_apply_pauli_rot_trusted(lam, op->pauli, -angle);
    return PL_OK;
}

/* Backward step through one operation; dangles[j] = ∂E/∂angle_j. */
static pl_status_t step_op(const pl_op_t *op, const double *angles, pl_sv_t *psi, pl_sv_t *lam,
                           double *dangles) {
    if (op->gate == PL_GATE_PAULI_ROT) return step_pauli_rot(op, angles[0], psi, lam, dangles);
    gates_form_t g;
    double complex k[4 * 16], out[4];
    gates_form(op->gate, op->nqubits, angles, op->matrix, &g);
    grad_gate_derivs(op, angles, &g, k);
    sv_adjoint_step_trusted(psi, lam, op->qubits, g.ncontrols, g.ntargets, g.u, op->nangles, k,
                            out);
    for (int j = 0; j < op->nangles; j++) dangles[j] = 2.0 * creal(out[j]);
    return PL_OK;
}

pl_status_t grad_backward(const pl_circuit_t *c, const double *theta, pl_sv_t *psi, pl_sv_t *lam,
                          double *grad) {
    /* The one size check of the sweep: each step below trusts its input (the
     * circuit validated qubits and matrices, binding checks the angles). */
    PL_ASSERT(pl_sv_qubits(psi) == pl_circuit_qubits(c) &&
              pl_sv_qubits(lam) == pl_circuit_qubits(c));
    for (size_t i = pl_circuit_size(c); i-- > 0;) {
        pl_op_t op;
        double angles[4], dangles[4];
        pl_circuit_op(c, i, &op);
        PL_TRY(pl_op_bind_angles(&op, theta, angles));
        PL_TRY(step_op(&op, angles, psi, lam, dangles));
        for (int j = 0; j < op.nangles; j++)
            if (op.angles[j].k >= 0) grad[op.angles[j].k] += op.angles[j].a * dangles[j];
    }
    return PL_OK;
}

pl_status_t grad_adjoint(const pl_circuit_t *c, const double *theta, const pl_pauli_sum_t *h,
                         const pl_sv_t *initial, double *energy, double *grad) {
    const int n = pl_circuit_qubits(c);
    pl_sv_t *psi = NULL, *lam = NULL;
    pl_status_t st = pl_sv_create(n, &psi);
    if (st == PL_OK) st = grad_forward(c, theta, initial, h, psi, energy);
    if (st == PL_OK && grad) {
        for (int k = 0; k < pl_circuit_num_params(c); k++) grad[k] = 0.0;
        st = pl_sv_create(n, &lam);
        if (st == PL_OK) st = pl_sv_apply_pauli_sum(psi, h, 1.0, lam);
        if (st == PL_OK) st = grad_backward(c, theta, psi, lam, grad);
    }
    pl_sv_destroy(lam);
    pl_sv_destroy(psi);
    return st;
}
