/**
 * @file ansatz.h
 * @brief Builders for the standard parameterised circuits (ansätze).
 *
 * Every builder returns a circuit of the IR (circuit.h) whose angles are
 * affine in the parameters θ_0 … θ_{P−1}; pl_ansatz_num_params() gives P by
 * the closed formula documented with each kind, and pl_qasm_write_* exports
 * the circuit bound to any θ.
 */
#ifndef PLATEAU_ANSATZ_H
#define PLATEAU_ANSATZ_H

#include <stdbool.h>

#include "plateau/circuit.h"
#include "plateau/errors.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    /** Hardware-efficient: L layers of (RY(θ) then RZ(θ) on every qubit, then
     *  CZ on (0,1), (1,2), …, (n−2,n−1)). P = 2·n·L. */
    PL_ANSATZ_HEA,
    /** Brickwork of general two-qubit gates, each u3⊗u3 · rxx·ryy·rzz ·
     *  u3⊗u3 (15 angles): layer l acts on pairs (i, i+1) with i ≡ l (mod 2).
     *  P = 15 · Σ_l (number of pairs in layer l). */
    PL_ANSATZ_SU4_BRICKWORK,
    /** Hamiltonian-variational ansatz for the open TFIM: H on every qubit
     *  (|+…+⟩), then L layers of exp(−iβ_l Σ Z_i Z_{i+1}) (rzz(2β_l) on every
     *  bond) and exp(−iγ_l Σ X_i) (rx(2γ_l) on every qubit). P = 2·L. */
    PL_ANSATZ_TFIM_HVA,
    /** Quantum convolutional neural network: while more than one qubit is
     *  active, a convolution (SU(4) gates as above in two brickwork layers over
     *  the active qubits) then pooling (a parameterised two-qubit gate between
     *  each pair (kept, dropped) and the dropped qubit is discarded: every other
     *  active qubit), until one qubit is left; readout Z on it. With
     *  share_angles, all gates of one convolution (or pooling) layer share their
     *  angles. P: see pl_ansatz_num_params. */
    PL_ANSATZ_QCNN,
    PL_ANSATZ_COUNT
} pl_ansatz_kind_t;

/** What to build. layers is ignored by qcnn (its depth is ⌈log2 n⌉). */
typedef struct {
    pl_ansatz_kind_t kind;
    int qubits;
    int layers;
    bool share_angles; /**< qcnn only */
} pl_ansatz_opts_t;

/** Name used on the command line ("hea", "su4-brickwork", "tfim-hva", "qcnn");
 *  "unknown" for a value outside the enumeration (the thread's message then
 *  lists the valid values). */
const char *pl_ansatz_name(pl_ansatz_kind_t kind);

/** Look up a kind by name; PL_EINVAL naming the valid names when unknown. */
PL_NODISCARD pl_status_t pl_ansatz_lookup(const char *name, pl_ansatz_kind_t *out);

/**
 * Number of parameters, from the closed formula of the kind.
 * @return PL_EINVAL for impossible sizes (qubits < 1, or < 2 for the kinds
 *   with two-qubit gates; layers < 1 where layers count), with a message.
 */
PL_NODISCARD pl_status_t pl_ansatz_num_params(const pl_ansatz_opts_t *o, int *out);

/** Build the circuit. Same errors as pl_ansatz_num_params, plus PL_ENOMEM. */
PL_NODISCARD pl_status_t pl_ansatz_build(const pl_ansatz_opts_t *o, pl_circuit_t **out);

/**
 * The observable the ansatz is read out with: Z on the last active qubit for
 * qcnn; for the others Z on qubit 0 (a local cost) — callers usually supply
 * their own.
 */
PL_NODISCARD pl_status_t pl_ansatz_readout(const pl_ansatz_opts_t *o, pl_pauli_sum_t **out);

/**
 * qcnn: the two qubits active at its last level — @p q0, the readout qubit,
 * and @p q1, the one the last pooling gate drops. Reading both after the whole
 * circuit gives four outcomes (the four-class readout). PL_EINVAL for other kinds.
 */
PL_NODISCARD pl_status_t pl_ansatz_readout_pair(const pl_ansatz_opts_t *o, int *q0, int *q1);

#ifdef __cplusplus
}
#endif
#endif
