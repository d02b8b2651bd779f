/* Public gate application: validate once, then call the trusted entry point
 * (sv/apply_trusted.h), which calls a kernel. */
#include <math.h>

#include "gates/gate_form.h"
#include "sv/apply_trusted.h"
#include "sv/kernels.h"
#include "sv/sv_internal.h"

void sv_apply_matrix_trusted(pl_sv_t *sv, const int *qubits, int ncontrols, int ntargets,
                             const double complex *u) {
    const uint64_t cmask = sv_qubit_mask(qubits, ncontrols);
    if (ntargets == 1)
        sv_kern_1q(sv->amp, sv->dim, qubits[ncontrols], cmask, u);
    else
        sv_kern_2q(sv->amp, sv->dim, qubits[ncontrols], qubits[ncontrols + 1], cmask, u);
}

void sv_apply_pauli_rot_trusted(pl_sv_t *sv, const pl_pauli_t *p, double theta) {
    const sv_pauli_masks_t m = sv_pauli_masks_of(p);
    sv_kern_pauli_combine(sv->amp, sv->dim, m.xm, m.zm, m.ny, cos(theta / 2),
                          CMPLX(0.0, -sin(theta / 2)));
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
    PL_TRY(gates_check_angles(g, angles));
    gates_form_t f;
    gates_form(g, nq, angles, NULL, &f);
    sv_apply_matrix_trusted(sv, qubits, f.ncontrols, f.ntargets, f.u);
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
    sv_apply_matrix_trusted(sv, &q, 0, 1, u);
    return PL_OK;
}

pl_status_t pl_sv_apply_2q(pl_sv_t *sv, int q0, int q1, const double complex u[16]) {
    const int qubits[2] = {q0, q1};
    PL_TRY(sv_check_qubits(sv->n, qubits, 2));
    PL_TRY(check_finite_matrix(u, 16));
    sv_apply_matrix_trusted(sv, qubits, 0, 2, u);
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
    sv_apply_matrix_trusted(sv, qubits, ncontrols, 1, u);
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
    PL_TRY(sv_pauli_masks(sv, p, &m)); /* checks the qubit count */
    sv_apply_pauli_rot_trusted(sv, p, theta);
    return PL_OK;
}
