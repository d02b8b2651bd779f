/* Parameter-shift rules and central finite differences. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "grad/grad_internal.h"
#include "plateau/core.h"

#define FD_STEP 1e-5

/* E with angle j of operation i shifted by delta (op = SIZE_MAX: no shift). */
static pl_status_t shifted_energy(const pl_circuit_t *c, const double *theta,
                                  const pl_sv_t *initial, const pl_pauli_sum_t *h, size_t op, int j,
                                  double delta, pl_sv_t *psi, double *e) {
    if (initial) {
        PL_TRY(pl_sv_copy(psi, initial));
    } else {
        PL_TRY(pl_sv_set_basis(psi, 0));
    }
    PL_TRY(pl_circuit_apply_shifted(c, theta, op, j, delta, psi));
    double complex v;
    PL_TRY(pl_sv_expval_sum(psi, h, &v));
    *e = creal(v);
    return PL_OK;
}

/* ∂E/∂angle for one occurrence. Two terms: [E(+π/2) − E(−π/2)]/2. Four terms
 * (frequencies 1/2 and 1): d₊[E(+π/2) − E(−π/2)] − d₋[E(+3π/2) − E(−3π/2)],
 * d± = (√2 ± 1)/(4√2) (Anselmetti et al., New J. Phys. 23, 113010 (2021)). */
static pl_status_t shift_derivative(const pl_circuit_t *c, const double *theta,
                                    const pl_sv_t *initial, const pl_pauli_sum_t *h, size_t op,
                                    int j, int terms, pl_sv_t *psi, double *out) {
    double ep, em;
    PL_TRY(shifted_energy(c, theta, initial, h, op, j, PL_PI / 2, psi, &ep));
    PL_TRY(shifted_energy(c, theta, initial, h, op, j, -PL_PI / 2, psi, &em));
    if (terms == 2) {
        *out = 0.5 * (ep - em);
        return PL_OK;
    }
    double ep3, em3;
    PL_TRY(shifted_energy(c, theta, initial, h, op, j, 1.5 * PL_PI, psi, &ep3));
    PL_TRY(shifted_energy(c, theta, initial, h, op, j, -1.5 * PL_PI, psi, &em3));
    const double r2 = sqrt(2.0);
    *out = (r2 + 1) / (4 * r2) * (ep - em) - (r2 - 1) / (4 * r2) * (ep3 - em3);
    return PL_OK;
}

pl_status_t grad_shift(const pl_circuit_t *c, const double *theta, const pl_pauli_sum_t *h,
                       const pl_sv_t *initial, double *grad) {
    pl_sv_t *psi;
    PL_TRY(pl_sv_create(pl_circuit_qubits(c), &psi));
    for (int k = 0; k < pl_circuit_num_params(c); k++) grad[k] = 0.0;
    pl_status_t st = PL_OK;
    for (size_t i = 0; i < pl_circuit_size(c) && st == PL_OK; i++) {
        pl_op_t op;
        pl_circuit_op(c, i, &op);
        for (int j = 0; j < op.nangles && st == PL_OK; j++) {
            if (op.angles[j].k < 0) continue;
            double d;
            st =
                shift_derivative(c, theta, initial, h, i, j, grad_shift_terms(op.gate, j), psi, &d);
            if (st == PL_OK) grad[op.angles[j].k] += op.angles[j].a * d;
        }
    }
    pl_sv_destroy(psi);
    return st;
}

pl_status_t grad_fd(const pl_circuit_t *c, const double *theta, const pl_pauli_sum_t *h,
                    const pl_sv_t *initial, double *grad) {
    const int np = pl_circuit_num_params(c);
    pl_sv_t *psi = NULL;
    double *shifted = malloc((size_t)(np ? np : 1) * sizeof *shifted);
    pl_status_t st = shifted ? pl_sv_create(pl_circuit_qubits(c), &psi)
                             : pl_error_nomemf("%d shifted parameters", np);
    for (int k = 0; k < np && st == PL_OK; k++) {
        double ep = 0, em = 0;
        memcpy(shifted, theta, (size_t)np * sizeof *shifted);
        shifted[k] = theta[k] + FD_STEP;
        st = grad_forward(c, shifted, initial, h, psi, &ep);
        shifted[k] = theta[k] - FD_STEP;
        if (st == PL_OK) st = grad_forward(c, shifted, initial, h, psi, &em);
        grad[k] = (ep - em) / (2 * FD_STEP);
    }
    pl_sv_destroy(psi);
    free(shifted);
    return st;
}
