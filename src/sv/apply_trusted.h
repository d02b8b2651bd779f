/*
 * Trusted entry points of the state-vector module, for callers that have
 * validated their input once for many operations: the circuit runner
 * (src/circuit/run.c, whose circuit checked every qubit and matrix when the
 * operation was added and whose angles are checked when bound) and the
 * adjoint sweep (src/grad). Each public pl_sv_apply_* / pl_sv_adjoint_step
 * checks its arguments, then calls the function here; nothing here checks.
 */
#ifndef PLATEAU_SV_APPLY_TRUSTED_H
#define PLATEAU_SV_APPLY_TRUSTED_H

#include "plateau/sv.h"

/* u (2x2 for ntargets = 1, 4x4 for 2; finite) on qubits[ncontrols ...],
 * controlled by qubits[0 .. ncontrols−1]: the qubits are distinct and in
 * [0, n), ncontrols + ntargets <= n. Takes a gates_form_t's fields. */
void sv_apply_matrix_trusted(pl_sv_t *sv, const int *qubits, int ncontrols, int ntargets,
                             const double complex *u);

/* exp(−iθP/2) for a Pauli string p on the state's qubit count, θ finite. */
void sv_apply_pauli_rot_trusted(pl_sv_t *sv, const pl_pauli_t *p, double theta);

/* pl_sv_adjoint_step without its checks: psi and lam have the same size,
 * 1 <= ntargets <= 2, the ncontrols + ntargets qubits are distinct and in
 * range, 0 <= nk <= 4. */
void sv_adjoint_step_trusted(pl_sv_t *psi, pl_sv_t *lam, const int *qubits, int ncontrols,
                             int ntargets, const double complex *u, int nk, const double complex *k,
                             double complex *out);

#endif
