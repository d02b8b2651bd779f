/* Gate matrices and their exact angle derivatives for adjoint differentiation. */
#include <math.h>
#include <string.h>

#include "grad/grad_internal.h"
#include "plateau/core.h"

/* The kind whose matrix the simulator applies to the target(s). */
static pl_gate_t matrix_kind(pl_gate_t g) {
    pl_gate_t base;
    return pl_gate_controlled_base(g, &base) ? base : g;
}

pl_status_t grad_gate_spec(const pl_op_t *op, const double *angles, grad_gate_t *g) {
    const pl_gate_t kind = op->gate;
    static const double complex swap[16] = {1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1};
    switch (kind) {
    case PL_GATE_UNITARY1:
    case PL_GATE_MCU:
        g->ncontrols = op->nqubits - 1;
        g->ntargets = 1;
        memcpy(g->u, op->matrix, 4 * sizeof g->u[0]);
        return PL_OK;
    case PL_GATE_UNITARY2:
        g->ncontrols = 0;
        g->ntargets = 2;
        memcpy(g->u, op->matrix, 16 * sizeof g->u[0]);
        return PL_OK;
    case PL_GATE_CSWAP:
        g->ncontrols = 1;
        g->ntargets = 2;
        memcpy(g->u, swap, sizeof swap);
        return PL_OK;
    case PL_GATE_SWAP:
    case PL_GATE_RXX:
    case PL_GATE_RYY:
    case PL_GATE_RZZ:
        g->ncontrols = 0;
        g->ntargets = 2;
        return pl_gate_matrix(kind, angles, g->u);
    case PL_GATE_PAULI_ROT:
        return pl_error(PL_EINTERNAL, "Pauli rotations have no small matrix");
    default:
        /* One target, the last qubit; any controls before it. */
        g->ncontrols = op->nqubits - 1;
        g->ntargets = 1;
        return pl_gate_matrix(matrix_kind(kind), angles, g->u);
    }
}

/* Frequency of angle j in the entries of the gate's target matrix. */
static double angle_frequency(pl_gate_t kind, int j) {
    switch (matrix_kind(kind)) {
    case PL_GATE_P:
    case PL_GATE_U2: return 1.0;
    case PL_GATE_U3: return j == 0 ? 0.5 : 1.0;
    default: return 0.5;
    }
}

pl_status_t grad_gate_derivs(const pl_op_t *op, const double *angles, const grad_gate_t *g,
                             double complex *k) {
    const int d = 2 * g->ntargets;
    for (int j = 0; j < op->nangles; j++) {
        const double w = angle_frequency(op->gate, j), s = PL_PI / (2 * w);
        double shifted[4];
        grad_gate_t plus, minus;
        memcpy(shifted, angles, (size_t)op->nangles * sizeof shifted[0]);
        shifted[j] = angles[j] + s;
        PL_TRY(grad_gate_spec(op, shifted, &plus));
        shifted[j] = angles[j] - s;
        PL_TRY(grad_gate_spec(op, shifted, &minus));
        double complex *kj = k + (size_t)j * d * d;
        /* K_j = dU · U†, dU = ω (U₊ − U₋) / 2 */
        for (int r = 0; r < d; r++)
            for (int c = 0; c < d; c++) {
                double complex sum = 0;
                for (int m = 0; m < d; m++)
                    sum += 0.5 * w * (plus.u[r * d + m] - minus.u[r * d + m]) *
                           conj(g->u[c * d + m]);
                kj[r * d + c] = sum;
            }
    }
    return PL_OK;
}

int grad_shift_terms(pl_gate_t g, int j) {
    /* A controlled rotation's generator has eigenvalues {0, ±1/2}: the
     * expectation has frequencies 1/2 and 1 and needs four evaluations. */
    if (g == PL_GATE_CRX || g == PL_GATE_CRY || g == PL_GATE_CRZ) return 4;
    if (g == PL_GATE_CU3 && j == 0) return 4;
    return 2;
}
