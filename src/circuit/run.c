/* Running a circuit on a state vector: check the circuit against the state
 * once, bind each operation's angles (the one finiteness check), build its
 * matrix once and hand it to the simulator's trusted entry point. */
#include <math.h>

#include "gates/gate_form.h"
#include "plateau/circuit.h"
#include "sv/apply_trusted.h"

pl_status_t pl_op_bind_angles(const pl_op_t *op, const double *theta, double *out) {
    for (int k = 0; k < op->nangles; k++) {
        out[k] = pl_angle_value(op->angles[k], theta);
        if (!isfinite(out[k]))
            return pl_error(PL_EINVAL, "gate %s: angle %d evaluates to %g",
                            pl_gate_info(op->gate)->name, k, out[k]);
    }
    return PL_OK;
}

/* Apply one operation. Trusted: the circuit checked its qubits (distinct, in
 * range) and matrix (unitary) when it was added, apply_ops checked the state's
 * size, and its angles are bound (finite). The gate matrix is built once here. */
static void apply_op(const pl_op_t *op, const double *angles, pl_sv_t *sv) {
    if (op->gate == PL_GATE_PAULI_ROT) {
        sv_apply_pauli_rot_trusted(sv, op->pauli, angles[0]);
        return;
    }
    gates_form_t f;
    gates_form(op->gate, op->nqubits, angles, op->matrix, &f);
    sv_apply_matrix_trusted(sv, op->qubits, f.ncontrols, f.ntargets, f.u);
}

/* A shifted angle is the one value not checked when binding. */
static pl_status_t check_shifted(const pl_op_t *op, const double *angles, int k) {
    if (isfinite(angles[k])) return PL_OK;
    if (op->gate == PL_GATE_PAULI_ROT)
        return pl_error(PL_EINVAL, "Pauli rotation angle is not finite (%g)", angles[k]);
    return gates_check_angles(op->gate, angles);
}

/* An optional extra angle added to one occurrence (parameter-shift rules). */
typedef struct {
    size_t op;
    int angle;
    double delta;
} angle_shift_t;

static pl_status_t apply_ops(const pl_circuit_t *c, const double *theta, size_t first, size_t last,
                             const angle_shift_t *shift, pl_sv_t *sv) {
    if (pl_circuit_qubits(c) != pl_sv_qubits(sv))
        return pl_error(PL_EINVAL, "circuit on %d qubits applied to a %d-qubit state",
                        pl_circuit_qubits(c), pl_sv_qubits(sv));
    if (first > last || last > pl_circuit_size(c))
        return pl_error(PL_EINVAL, "operation range [%zu, %zu) outside [0, %zu)", first, last,
                        pl_circuit_size(c));
    PL_TRY(pl_circuit_check_params(c, theta));
    for (size_t i = first; i < last; i++) {
        pl_op_t op;
        double angles[4];
        pl_circuit_op(c, i, &op);
        PL_TRY(pl_op_bind_angles(&op, theta, angles));
        if (shift && shift->op == i) {
            angles[shift->angle] += shift->delta;
            pl_status_t st = check_shifted(&op, angles, shift->angle);
            if (st != PL_OK) {
                pl_error_prefix("operation %zu (%s)", i, pl_gate_info(op.gate)->name);
                return st;
            }
        }
        apply_op(&op, angles, sv);
    }
    return PL_OK;
}

pl_status_t pl_circuit_apply_range(const pl_circuit_t *c, const double *theta, size_t first,
                                   size_t last, pl_sv_t *sv) {
    return apply_ops(c, theta, first, last, NULL, sv);
}

pl_status_t pl_circuit_apply(const pl_circuit_t *c, const double *theta, pl_sv_t *sv) {
    return apply_ops(c, theta, 0, pl_circuit_size(c), NULL, sv);
}

pl_status_t pl_circuit_apply_shifted(const pl_circuit_t *c, const double *theta, size_t op,
                                     int angle_index, double delta, pl_sv_t *sv) {
    if (op >= pl_circuit_size(c))
        return pl_error(PL_EINVAL, "shifted operation %zu out of range [0, %zu)", op,
                        pl_circuit_size(c));
    pl_op_t view;
    pl_circuit_op(c, op, &view);
    if (angle_index < 0 || angle_index >= view.nangles)
        return pl_error(PL_EINVAL, "operation %zu (%s) has no angle %d", op,
                        pl_gate_info(view.gate)->name, angle_index);
    const angle_shift_t shift = {op, angle_index, delta};
    return apply_ops(c, theta, 0, pl_circuit_size(c), &shift, sv);
}
