/**
 * @file gates.h
 * @brief The gate set shared by the circuit IR, the simulators and OpenQASM.
 *
 * Conventions, stated once:
 * - qubit 0 is the least significant bit of a basis-state index;
 * - rotations are R_P(θ) = exp(−iθP/2) (rx, ry, rz, rxx, ryy, rzz, Pauli rotations);
 * - matrices are row-major; for a gate on qubits (q0, q1, ...) the matrix index
 *   of a basis state has the bit of q0 as its least significant bit, so for a
 *   2-qubit matrix u[r*4 + c], r = b0 + 2*b1. Controlled gates list controls
 *   first, then targets.
 * - qelib1 definitions: u3(θ,φ,λ) = [[cos θ/2, −e^{iλ} sin θ/2],
 *   [e^{iφ} sin θ/2, e^{i(φ+λ)} cos θ/2]], u1(λ) = p(λ) = diag(1, e^{iλ}),
 *   u2(φ,λ) = u3(π/2,φ,λ), rz(θ) = diag(e^{−iθ/2}, e^{iθ/2}), cu1/cp = controlled p,
 *   cu3 = controlled u3 (no extra phase), crx/cry/crz = controlled rotations.
 */
#ifndef PLATEAU_GATES_H
#define PLATEAU_GATES_H

#include <stdbool.h>

#include "plateau/complex.h"
#include "plateau/errors.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Gate kinds. The comment gives qubits/angles. */
typedef enum {
    PL_GATE_ID,       /**< 1/0 identity */
    PL_GATE_X,        /**< 1/0 */
    PL_GATE_Y,        /**< 1/0 */
    PL_GATE_Z,        /**< 1/0 */
    PL_GATE_H,        /**< 1/0 */
    PL_GATE_S,        /**< 1/0 diag(1, i) */
    PL_GATE_SDG,      /**< 1/0 */
    PL_GATE_T,        /**< 1/0 diag(1, e^{iπ/4}) */
    PL_GATE_TDG,      /**< 1/0 */
    PL_GATE_SX,       /**< 1/0 sqrt(X) = ½[[1+i, 1−i],[1−i, 1+i]] */
    PL_GATE_SXDG,     /**< 1/0 */
    PL_GATE_RX,       /**< 1/1 */
    PL_GATE_RY,       /**< 1/1 */
    PL_GATE_RZ,       /**< 1/1 */
    PL_GATE_P,        /**< 1/1 phase, qelib1 u1 and p */
    PL_GATE_U2,       /**< 1/2 */
    PL_GATE_U3,       /**< 1/3 qelib1 u3, u and the builtin U */
    PL_GATE_CX,       /**< 2/0 control, target */
    PL_GATE_CY,       /**< 2/0 */
    PL_GATE_CZ,       /**< 2/0 */
    PL_GATE_CH,       /**< 2/0 */
    PL_GATE_CSX,      /**< 2/0 */
    PL_GATE_SWAP,     /**< 2/0 */
    PL_GATE_CRX,      /**< 2/1 */
    PL_GATE_CRY,      /**< 2/1 */
    PL_GATE_CRZ,      /**< 2/1 */
    PL_GATE_CP,       /**< 2/1 qelib1 cu1 and cp */
    PL_GATE_CU3,      /**< 2/3 */
    PL_GATE_RXX,      /**< 2/1 exp(−iθ XX/2) */
    PL_GATE_RYY,      /**< 2/1 */
    PL_GATE_RZZ,      /**< 2/1 */
    PL_GATE_CCX,      /**< 3/0 Toffoli */
    PL_GATE_CSWAP,    /**< 3/0 Fredkin */
    PL_GATE_MCX,      /**< k+1/0 X on the last qubit controlled by all others (c3x, c4x) */
    PL_GATE_UNITARY1, /**< 1/0 arbitrary 2x2 unitary matrix */
    PL_GATE_UNITARY2, /**< 2/0 arbitrary 4x4 unitary matrix */
    PL_GATE_MCU, /**< k+1/0 arbitrary 2x2 unitary on the last qubit, controlled by the others */
    PL_GATE_PAULI_ROT, /**< n/1 exp(−iθP/2) for a Pauli string P */
    PL_GATE_COUNT
} pl_gate_t;

/** Static facts about a gate kind. */
typedef struct {
    const char
        *name;  /**< OpenQASM 2 name (qelib1), e.g. "cx"; generic kinds have descriptive names */
    int qubits; /**< qubit count, or -1 when variable (MCX, MCU, PAULI_ROT) */
    int angles; /**< number of angle parameters */
} pl_gate_info_t;

/** Facts about @p g (g < PL_GATE_COUNT). */
const pl_gate_info_t *pl_gate_info(pl_gate_t g);

/**
 * Look up a gate by its OpenQASM name; also accepts the aliases of qelib1
 * ("u1" → P, "cu1" → CP, "u" and "U" → U3, "CX" → CX, "c3x"/"c4x" → MCX).
 * @return true when found.
 */
bool pl_gate_lookup(const char *name, pl_gate_t *g);

/**
 * For a controlled gate (CX, CY, CZ, CH, CSX, CRX, CRY, CRZ, CP, CU3, CCX,
 * MCX), the 1-qubit gate applied to the last qubit when all the others
 * (the controls) are 1, with the same angles. @return false for other gates.
 */
bool pl_gate_controlled_base(pl_gate_t g, pl_gate_t *base);

/**
 * The (2^(k+1))² matrix of a 2x2 matrix @p t on the top qubit controlled by
 * the @p k qubits below it (bits 0..k−1 of the row index): identity where a
 * control is 0. @p u has room for 4^(k+1) entries; 0 <= k <= 5.
 */
void pl_gate_controlled_matrix(int k, const pl_complex t[4], pl_complex *u);

/**
 * The matrix of a fixed-size gate (not MCX, MCU, PAULI_ROT, UNITARY*) in the
 * convention above: 2x2 for 1-qubit gates, 4x4 for 2-qubit gates, 8x8 for
 * CCX/CSWAP. @p u must have room for (2^qubits)^2 entries.
 * @return PL_EINVAL for a generic kind or a non-finite angle.
 */
PL_NODISCARD pl_status_t pl_gate_matrix(pl_gate_t g, const double *angles, pl_complex *u);

#ifdef __cplusplus
}
#endif
#endif
