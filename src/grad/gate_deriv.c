/* Exact angle derivatives of gate matrices for adjoint differentiation. */
#include <math.h>
#include <string.h>

#include "grad/grad_internal.h"
#include "plateau/core.h"

/* The kind whose matrix the simulator applies to the target(s). */
static pl_gate_t matrix_kind(pl_gate_t g) {
    pl_gate_t base;
    return pl_gate_controlled_base(g, &base) ? base : g;
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

void grad_gate_derivs(const pl_op_t *op, const double *angles, const gates_form_t *g,
                      double complex *k) {
    const int d = 2 * g->ntargets;
    for (int j = 0; j < op->nangles; j++) {
        const double w = angle_frequency(op->gate, j), s = PL_PI / (2 * w);
        double shifted[4];
        gates_form_t plus, minus;
        memcpy(shifted, angles, (size_t)op->nangles * sizeof shifted[0]);
        shifted[j] = angles[j] + s;
        gates_form(op->gate, op->nqubits, shifted, op->matrix, &plus);
        shifted[j] = angles[j] - s;
        gates_form(op->gate, op->nqubits, shifted, op->matrix, &minus);
        double complex *kj = k + (size_t)j * d * d;
        /* K_j = dU · U†, dU = ω (U₊ − U₋) / 2 */
        for (int r = 0; r < d; r++)
            for (int c = 0; c < d; c++) {
                double complex sum = 0;
                for (int m = 0; m < d; m++)
                    sum +=
                        0.5 * w * (plus.u[r * d + m] - minus.u[r * d + m]) * conj(g->u[c * d + m]);
                kj[r * d + c] = sum;
            }
    }
}

int grad_shift_terms(pl_gate_t g, int j) {
    /* A controlled rotation's generator has eigenvalues {0, ±1/2}: the
     * expectation has frequencies 1/2 and 1 and needs four evaluations. */
    if (g == PL_GATE_CRX || g == PL_GATE_CRY || g == PL_GATE_CRZ) return 4;
    if (g == PL_GATE_CU3 && j == 0) return 4;
    return 2;
}
