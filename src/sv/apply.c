/* Public gate application: validate once, then call a kernel. */
#include <math.h>

#include "sv/kernels.h"
#include "sv/sv_internal.h"

static pl_status_t check_angles(pl_gate_t g, const double *angles) {
    const pl_gate_info_t *info = pl_gate_info(g);
    for (int k = 0; k < info->angles; k++)
        if (!isfinite(angles[k]))
            return pl_error(PL_EINVAL, "gate %s: angle %d is not finite (%g)", info->name, k,
                            angles[k]);
    return PL_OK;
}

static uint64_t qubit_mask(const int *qubits, int k) {
    uint64_t mask = 0;
    for (int j = 0; j < k; j++) mask |= UINT64_C(1) << qubits[j];
    return mask;
}

pl_status_t pl_sv_apply_gate(pl_sv_t *sv, pl_gate_t g, const int *qubits, const double *angles) {
    if ((unsigned)g >= PL_GATE_COUNT || pl_gate_info(g)->qubits < 1 || g == PL_GATE_UNITARY1 ||
        g == PL_GATE_UNITARY2)
        return pl_error(PL_EINVAL,
                        "pl_sv_apply_gate: gate kind %d has no fixed matrix; use "
                        "pl_sv_apply_1q/2q/mc1q/pauli_rot",
                        (int)g);
    const int nq = pl_gate_info(g)->qubits;
    PL_TRY(sv_check_qubits(sv->n, qubits, nq));
    PL_TRY(check_angles(g, angles));
    pl_gate_t base;
    double complex u[16];
    if (nq == 1 || pl_gate_controlled_base(g, &base)) {
        /* One target (the last qubit), any number of controls. */
        PL_TRY(pl_gate_matrix(nq == 1 ? g : base, angles, u));
        sv_kern_1q(sv->amp, sv->dim, qubits[nq - 1], qubit_mask(qubits, nq - 1), u);
    } else if (g == PL_GATE_CSWAP) {
        PL_TRY(pl_gate_matrix(PL_GATE_SWAP, angles, u));
        sv_kern_2q(sv->amp, sv->dim, qubits[1], qubits[2], qubit_mask(qubits, 1), u);
    } else {
        PL_TRY(pl_gate_matrix(g, angles, u)); /* SWAP, RXX, RYY, RZZ */
        sv_kern_2q(sv->amp, sv->dim, qubits[0], qubits[1], 0, u);
    }
    return PL_OK;
}

static pl_status_t check_finite_matrix(const double complex *u, int entries) {
    for (int e = 0; e < entries; e++)
        if (!isfinite(creal(u[e])) || !isfinite(cimag(u[e])))
            return pl_error(PL_EINVAL, "matrix entry %d is not finite", e);
    return PL_OK;
}

pl_status_t pl_sv_apply_1q(pl_sv_t *sv, int q, const double complex u[4]) {
    PL_TRY(sv_check_qubits(sv->n, &q, 1));
    PL_TRY(check_finite_matrix(u, 4));
    sv_kern_1q(sv->amp, sv->dim, q, 0, u);
    return PL_OK;
}

pl_status_t pl_sv_apply_2q(pl_sv_t *sv, int q0, int q1, const double complex u[16]) {
    const int qubits[2] = {q0, q1};
    PL_TRY(sv_check_qubits(sv->n, qubits, 2));
    PL_TRY(check_finite_matrix(u, 16));
    sv_kern_2q(sv->amp, sv->dim, q0, q1, 0, u);
    return PL_OK;
}

pl_status_t pl_sv_apply_mc1q(pl_sv_t *sv, const int *controls, int ncontrols, int target,
                             const double complex u[4]) {
    if (ncontrols < 0 || ncontrols >= sv->n)
        return pl_error(PL_EINVAL, "%d controls on a %d-qubit state", ncontrols, sv->n);
    int qubits[PL_SV_MAX_QUBITS];
    for (int j = 0; j < ncontrols; j++) qubits[j] = controls[j];
    qubits[ncontrols] = target;
    PL_TRY(sv_check_qubits(sv->n, qubits, ncontrols + 1));
    PL_TRY(check_finite_matrix(u, 4));
    sv_kern_1q(sv->amp, sv->dim, target, qubit_mask(controls, ncontrols), u);
    return PL_OK;
}

pl_status_t pl_sv_apply_pauli(pl_sv_t *sv, const pl_pauli_t *p) {
    sv_pauli_masks_t m;
    PL_TRY(sv_pauli_masks(sv, p, &m));
    sv_kern_pauli_combine(sv->amp, sv->dim, m.xm, m.zm, m.ny, 0.0, 1.0);
    return PL_OK;
}

pl_status_t pl_sv_apply_pauli_rot(pl_sv_t *sv, const pl_pauli_t *p, double theta) {
    if (!isfinite(theta))
        return pl_error(PL_EINVAL, "Pauli rotation angle is not finite (%g)", theta);
    sv_pauli_masks_t m;
    PL_TRY(sv_pauli_masks(sv, p, &m));
    sv_kern_pauli_combine(sv->amp, sv->dim, m.xm, m.zm, m.ny, cos(theta / 2),
                          CMPLX(0.0, -sin(theta / 2)));
    return PL_OK;
}
