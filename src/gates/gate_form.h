/*
 * The trusted side of the gate table, shared by the state-vector simulator,
 * the circuit runner and adjoint differentiation (not a private header: the
 * gates module sits below all three).
 *
 * Validation happens once, at a public boundary (pl_gate_matrix,
 * pl_sv_apply_gate, pl_circuit_add_*, pl_op_bind_angles); the functions here
 * that return void trust their input.
 */
#ifndef PLATEAU_GATES_GATE_FORM_H
#define PLATEAU_GATES_GATE_FORM_H

#include "plateau/gates.h"

/* The one check that a gate's angles are finite: PL_EINVAL
 * ("gate rx: angle 0 is not finite (inf)") unless the
 * pl_gate_info(g)->angles entries of angles are finite. */
PL_NODISCARD pl_status_t gates_check_angles(pl_gate_t g, const double *angles);

/* pl_gate_matrix without its checks: g is a fixed-size kind (below
 * PL_GATE_MCX) and its angles are finite. */
void gates_matrix(pl_gate_t g, const double *angles, double complex *u);

/* A gate as a state-vector kernel applies it: of the gate's qubits (controls
 * first, as in gates.h), the first ncontrols are controls and the next
 * ntargets (1 or 2) carry u (2x2 or 4x4, row-major) where all controls are 1. */
typedef struct {
    int ncontrols, ntargets;
    double complex u[16];
} gates_form_t;

/* The kernel form of a gate kind other than PAULI_ROT on nqubits qubits:
 * named kinds from their (finite) angles; UNITARY1 and MCU from their 2x2
 * matrix, UNITARY2 from its 4x4 matrix (row-major, as a circuit stores them).
 * angles and matrix may be NULL where the kind has none. Trusted input. */
void gates_form(pl_gate_t g, int nqubits, const double *angles, const double complex *matrix,
                gates_form_t *out);

#endif
