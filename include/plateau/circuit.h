/**
 * @file circuit.h
 * @brief Circuit IR with symbolic angles, and OpenQASM 2.0 import/export.
 *
 * A circuit is a list of operations on n qubits in time order (the first
 * operation acts first on the state). Each angle is affine in at most one
 * parameter: value = a·θ[k] + b (k < 0 means the constant b), so parameters
 * may be shared between gates. Final measurements are recorded separately.
 */
#ifndef PLATEAU_CIRCUIT_H
#define PLATEAU_CIRCUIT_H

#include <stddef.h>

#include "plateau/complex.h"
#include "plateau/errors.h"
#include "plateau/gates.h"
#include "plateau/pauli.h"
#include "plateau/sv.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most qubits a circuit may declare. */
#define PL_CIRCUIT_MAX_QUBITS (1 << 20)

/** An angle a·θ[k] + b; k < 0 for a constant. */
typedef struct {
    double a;
    int k;
    double b;
} pl_angle_t;

/** A constant angle. */
static inline pl_angle_t pl_angle_const(double b) {
    pl_angle_t t = {0.0, -1, b};
    return t;
}

/** Read-only view of one operation; pointers valid until the circuit changes. */
typedef struct {
    pl_gate_t gate;
    int nqubits;
    const int *qubits; /**< controls first, then targets */
    int nangles;
    const pl_angle_t *angles;
    const pl_complex *matrix; /**< UNITARY1/2 and MCU, else NULL */
    const pl_pauli_t *pauli;  /**< PAULI_ROT (on the circuit's n qubits), else NULL;
                                       its qubits[] are the string's support, ascending */
} pl_op_t;

typedef struct pl_circuit pl_circuit_t;

/** Create an empty circuit on @p n qubits (1 <= n <= PL_CIRCUIT_MAX_QUBITS). */
PL_NODISCARD pl_status_t pl_circuit_create(int n, pl_circuit_t **out);
/** Free (NULL is fine). */
void pl_circuit_destroy(pl_circuit_t *c);

/** Number of qubits. */
int pl_circuit_qubits(const pl_circuit_t *c);
/** Number of operations (measurements not included). */
size_t pl_circuit_size(const pl_circuit_t *c);
/** Number of parameters: 1 + the largest k used (0 if none). */
int pl_circuit_num_params(const pl_circuit_t *c);
/** View operation @p i (< size). */
void pl_circuit_op(const pl_circuit_t *c, size_t i, pl_op_t *out);

/**
 * Append a named gate with constant angles. MCX takes any nqubits >= 2
 * (controls, then the target); other named gates their fixed count.
 * @return PL_EINVAL for a generic kind, wrong qubit count, out-of-range or
 *   repeated qubit, or a non-finite angle.
 */
PL_NODISCARD pl_status_t pl_circuit_add(pl_circuit_t *c, pl_gate_t g, const int *qubits,
                                        int nqubits, const double *angles);
/** Append a named gate with symbolic angles (pl_gate_info(g)->angles of them). */
PL_NODISCARD pl_status_t pl_circuit_add_sym(pl_circuit_t *c, pl_gate_t g, const int *qubits,
                                            int nqubits, const pl_angle_t *angles);
/** Append an arbitrary 1- or 2-qubit unitary (checked unitary to 1e-9). */
PL_NODISCARD pl_status_t pl_circuit_add_unitary(pl_circuit_t *c, const int *qubits, int nqubits,
                                                const pl_complex *u);
/** Append a 2x2 unitary on @p target controlled by @p controls. */
PL_NODISCARD pl_status_t pl_circuit_add_mcu(pl_circuit_t *c, const int *controls, int ncontrols,
                                            int target, const pl_complex u[4]);
/** Append exp(−i angle P / 2); P on the circuit's qubit count, not the identity. */
PL_NODISCARD pl_status_t pl_circuit_add_pauli_rot(pl_circuit_t *c, const pl_pauli_t *p,
                                                  pl_angle_t angle);

/** Record a final measurement of @p qubit into classical bit @p clbit. */
PL_NODISCARD pl_status_t pl_circuit_add_measure(pl_circuit_t *c, int qubit, int clbit);
/** Number of recorded measurements. */
size_t pl_circuit_num_measures(const pl_circuit_t *c);
/** Measurement @p i: its qubit and classical bit. */
void pl_circuit_measure(const pl_circuit_t *c, size_t i, int *qubit, int *clbit);
/** Number of classical bits (1 + largest clbit used, or as declared). */
int pl_circuit_clbits(const pl_circuit_t *c);
/** Declare at least @p n classical bits. */
void pl_circuit_set_clbits(pl_circuit_t *c, int n);

/**
 * Bind the angles of operation @p op to numbers with parameter values
 * @p theta (op->nangles of them into @p angles).
 * @return PL_EINVAL naming the gate when an angle is not finite.
 */
PL_NODISCARD pl_status_t pl_op_bind_angles(const pl_op_t *op, const double *theta, double *angles);

/**
 * Check parameter values for @p c: PL_EINVAL when the circuit has parameters
 * and @p theta is NULL, or when one of its pl_circuit_num_params(c) values is
 * not finite ("parameter theta[3] is not finite (nan)").
 */
PL_NODISCARD pl_status_t pl_circuit_check_params(const pl_circuit_t *c, const double *theta);

/** Evaluate angle @p t with parameters @p theta (may be NULL when k < 0). */
static inline double pl_angle_value(pl_angle_t t, const double *theta) {
    return t.k < 0 ? t.b : t.a * theta[t.k] + t.b;
}

/**
 * Apply every operation to @p sv (same qubit count), with parameter values
 * @p theta (pl_circuit_num_params(c) of them; may be NULL when there are none).
 * Measurements are not applied. @return PL_EINVAL for a size mismatch,
 * missing or non-finite parameters.
 */
PL_NODISCARD pl_status_t pl_circuit_apply(const pl_circuit_t *c, const double *theta, pl_sv_t *sv);

/**
 * As pl_circuit_apply, for operations [first, last) only (last <= size), so
 * that callers can report progress on long circuits.
 */
PL_NODISCARD pl_status_t pl_circuit_apply_range(const pl_circuit_t *c, const double *theta,
                                                size_t first, size_t last, pl_sv_t *sv);

/**
 * As pl_circuit_apply, with one angle occurrence shifted: angle @p angle_index
 * of operation @p op gets @p delta added after binding θ.
 */
PL_NODISCARD pl_status_t pl_circuit_apply_shifted(const pl_circuit_t *c, const double *theta,
                                                  size_t op, int angle_index, double delta,
                                                  pl_sv_t *sv);

/* ------------------------------------------------------------------------ */
/* OpenQASM 2.0                                                             */
/* ------------------------------------------------------------------------ */

/**
 * Read an OpenQASM 2.0 program. The first statement must be `OPENQASM 2.0;`.
 * Supports `include "qelib1.inc"` (built in;
 * no file is read), qreg/creg (registers are concatenated in declaration
 * order), every qelib1 gate, user `gate` definitions (expanded), `barrier`
 * (ignored), final `measure`, register broadcasting, expressions with pi,
 * + - * / ^, unary minus, sin cos tan exp ln sqrt, and the extension
 * `theta[k]` for symbolic parameters (angles must stay affine in one θ).
 * `reset` on a qubit not yet touched is accepted (it is a no-op on |0⟩).
 * Every error message reads "FILE:LINE:COL: problem".
 * @return PL_EPARSE for a malformed program (syntax, undeclared names, wrong
 *   argument counts); PL_EINVAL for bad values (index out of range, repeated
 *   qubit, non-finite angle, too many qubits); PL_EUNSUPPORTED for valid
 *   OpenQASM that plateau does not run (`if`, mid-circuit measurement, reset
 *   after gates, `opaque` gates used, other versions, programs expanding to
 *   more than 2^25 operations); PL_EIO when the file cannot be read or is
 *   larger than 256 MB.
 */
PL_NODISCARD pl_status_t pl_qasm_read_file(const char *path, pl_circuit_t **out);
/** As pl_qasm_read_file, from text; @p name labels messages. */
PL_NODISCARD pl_status_t pl_qasm_read_string(const char *text, const char *name,
                                             pl_circuit_t **out);

/**
 * Write @p c as plain OpenQASM 2.0 with qelib1 gates (one `qreg q[n]`), with
 * parameters bound to @p theta. P and CP are written `u1`/`cu1`; RYY and
 * Pauli rotations are decomposed into basis changes, CX ladders and rz;
 * UNITARY1 becomes u3 and a singly-controlled MCU becomes cu3 plus u1 (exact
 * up to a global phase); MCX with 1–4 controls becomes cx/ccx/c3x/c4x.
 * UNITARY2, MCU with 2+ controls and MCX with 5+ controls are refused with
 * PL_EUNSUPPORTED. With @p theta NULL on a circuit that has parameters, the
 * angles stay symbolic ("2*theta[3]+0.25", plateau's extension, which
 * pl_qasm_read_* reads back). The caller frees *out with free().
 */
PL_NODISCARD pl_status_t pl_qasm_write_string(const pl_circuit_t *c, const double *theta,
                                              char **out);
/** As pl_qasm_write_string, into a file written atomically (temp + rename). */
PL_NODISCARD pl_status_t pl_qasm_write_file(const pl_circuit_t *c, const double *theta,
                                            const char *path);

#ifdef __cplusplus
}
#endif
#endif
