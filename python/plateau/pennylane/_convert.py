"""PennyLane tapes and observables as plateau circuits and Pauli sums.

Wire ``wire_order[i]`` is plateau qubit ``i``. PennyLane writes wire 0 as the MOST
significant bit of a state-vector index and plateau writes qubit 0 as the least
significant one, so states cross the boundary through :func:`reorder` (its own
inverse). Gate angles carry over unchanged: both libraries define rotations as
``exp(-i θ P / 2)``, ``PhaseShift`` is ``p``, ``U2``/``U3`` are qelib1's ``u2``/``u3``
and ``IsingXX``/``YY``/``ZZ`` are ``rxx``/``ryy``/``rzz``.
"""
from __future__ import annotations

import cmath
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Union

import numpy as np
import pennylane as qml
from pennylane.exceptions import DeviceError
from pennylane.operation import Operator

from .. import Circuit, PauliSum

# PennyLane name -> qelib1 name, for gates whose PennyLane parameters are the qelib1
# angles in the same order (none, or one per angle).
_DIRECT: Dict[str, str] = {
    "Identity": "id", "PauliX": "x", "PauliY": "y", "PauliZ": "z", "Hadamard": "h",
    "S": "s", "T": "t", "SX": "sx", "CNOT": "cx", "CY": "cy", "CZ": "cz", "CH": "ch",
    "SWAP": "swap", "Toffoli": "ccx", "CSWAP": "cswap",
    "RX": "rx", "RY": "ry", "RZ": "rz", "PhaseShift": "p", "U1": "p", "U2": "u2", "U3": "u3",
    "CRX": "crx", "CRY": "cry", "CRZ": "crz", "ControlledPhaseShift": "cp",
    "IsingXX": "rxx", "IsingYY": "ryy", "IsingZZ": "rzz",
}
# Adjoint(base) for parameter-free bases: self-inverse ones and the daggered phases.
_ADJOINT: Dict[str, str] = {"S": "sdg", "T": "tdg", "SX": "sxdg"}
_SELF_INVERSE = frozenset({"Identity", "PauliX", "PauliY", "PauliZ", "Hadamard", "CNOT", "CY",
                           "CZ", "CH", "SWAP", "Toffoli", "CSWAP"})
# Gates whose parameters become plateau angles (so adjoint differentiation sees them).
_ANGLE_GATES = frozenset({"RX", "RY", "RZ", "PhaseShift", "U1", "U2", "U3", "CRX", "CRY", "CRZ",
                          "ControlledPhaseShift", "IsingXX", "IsingYY", "IsingZZ", "Rot", "CRot",
                          "PauliRot", "MultiRZ"})

#: An angle: a number or plateau's symbolic (a, k, b) = a * theta[k] + b.
Angle = Union[float, tuple]


def reorder(vec: np.ndarray, n: int) -> np.ndarray:
    """A 2^n vector between PennyLane's wire order (wire 0 most significant) and
    plateau's (qubit 0 least significant): reversing the tensor axes swaps them."""
    return np.ascontiguousarray(np.reshape(vec, (2,) * n).transpose()).reshape(-1)


def _trainable(op: Operator) -> bool:
    return any(qml.math.requires_grad(d) for d in op.data)


def _base_gate(op: Operator) -> Optional[str]:
    """The qelib1 name of a parameter-free ``Adjoint(base)``, else None."""
    if not isinstance(op, qml.ops.Adjoint) or op.base.num_params:
        return None
    name = op.base.name
    if name in _ADJOINT:
        return _ADJOINT[name]
    return _DIRECT[name] if name in _SELF_INVERSE else None


def _all_on(control_values: Sequence) -> bool:
    return all(bool(v) for v in control_values)


def supported(op: Operator, differentiable: bool = False, max_qubits: int = 0) -> bool:
    """Whether plateau applies ``op`` without decomposition.

    ``differentiable``: trainable parameters must become plateau angles (adjoint
    differentiation), so trainable generic-matrix gates are decomposed instead.
    ``max_qubits``: the most qubits of a multi-controlled gate (0: any).
    """
    name = op.name
    if name in _DIRECT or name in ("Rot", "CRot", "GlobalPhase"):
        return True
    if name in ("PauliRot", "MultiRZ"):
        return True
    if _base_gate(op) is not None:
        return True
    if name == "MultiControlledX":
        return _all_on(op.control_values) and (max_qubits == 0 or len(op.wires) <= max_qubits)
    if differentiable and _trainable(op):
        return False
    if isinstance(op, qml.ops.Controlled):
        return (len(op.target_wires) == 1 and _all_on(op.control_values) and op.base.has_matrix
                and not op.work_wires and (max_qubits == 0 or len(op.wires) <= max_qubits))
    return op.has_matrix and len(op.wires) <= 2 and name != "Snapshot"


class Converted(NamedTuple):
    """A tape as a plateau circuit (``circuit`` with values ``params`` for its
    symbolic parameters; symbolic parameter k is tape trainable parameter k), its
    initial state in plateau's order (None for |0…0⟩) and a global phase factor."""

    circuit: Circuit
    params: Optional[np.ndarray]
    initial: Optional[np.ndarray]
    phase: complex


def _add(c: Circuit, op: Operator, q: List[int], a: List[Angle], phase: List[complex]) -> None:
    """Append ``op`` acting on plateau qubits ``q`` with angles ``a``."""
    name = op.name
    if name in _DIRECT:
        c.add(_DIRECT[name], q, *a)
    elif name == "Rot":  # Rot(φ, θ, ω) = RZ(ω) RY(θ) RZ(φ)
        c.add("rz", q, a[0]).add("ry", q, a[1]).add("rz", q, a[2])
    elif name == "CRot":
        c.add("crz", q, a[0]).add("cry", q, a[1]).add("crz", q, a[2])
    elif name == "GlobalPhase":  # exp(-iφ): not a gate; applied to the state at the end
        phase[0] *= cmath.exp(-1j * float(op.data[0]))
    elif name in ("PauliRot", "MultiRZ"):
        word = op.hyperparameters["pauli_word"] if name == "PauliRot" else "Z" * len(q)
        label = " ".join(f"{p}{k}" for p, k in zip(word, q) if p != "I")
        if label:
            c.add_pauli_rotation(label, a[0])
        else:  # exp(-iθ I/2), a global phase
            phase[0] *= cmath.exp(-0.5j * float(op.data[0]))
    elif _base_gate(op) is not None:
        c.add(_base_gate(op), q)
    elif name == "MultiControlledX":
        if len(q) <= 5:
            c.add(["x", "cx", "ccx", "c3x", "c4x"][len(q) - 1], q)
        else:
            c.add_controlled_unitary(q[:-1], q[-1], np.array([[0, 1], [1, 0]]))
    elif isinstance(op, qml.ops.Controlled) and len(op.target_wires) == 1:
        k = len(op.control_wires)
        c.add_controlled_unitary(q[:k], q[k], qml.math.toarray(op.base.matrix()))
    elif op.has_matrix and len(q) <= 2:
        # PennyLane's first wire is the matrix index's most significant bit; plateau's first
        # listed qubit its least significant one.
        c.add_unitary(q[::-1], qml.math.toarray(op.matrix()))
    else:
        raise DeviceError(f"plateau cannot apply operation {op.name} on {len(q)} wires")


def to_circuit(tape: qml.tape.QuantumScript, wire_order: Sequence,
               symbolic: bool = False, initial_state: bool = True) -> Converted:
    """Convert the operations of ``tape`` (already decomposed to :func:`supported`
    gates) to a circuit on ``len(wire_order)`` qubits.

    With ``symbolic`` every trainable gate parameter (``tape.trainable_params``)
    becomes a plateau parameter, in the tape's trainable order. A leading
    ``StatePrep``/``BasisState`` becomes the initial state when ``initial_state``.
    """
    n = len(wire_order)
    index = {w: i for i, w in enumerate(wire_order)}
    trainable = {p: k for k, p in enumerate(tape.trainable_params)} if symbolic else {}
    c = Circuit(n)
    values: List[float] = []
    initial = None
    phase = [1.0 + 0j]
    p = 0  # index of the next parameter in the tape's full parameter list
    for i, op in enumerate(tape.operations):
        if i == 0 and initial_state and isinstance(op, qml.operation.StatePrepBase):
            vec = qml.math.toarray(op.state_vector(wire_order=list(wire_order)))
            initial = reorder(vec.astype(np.complex128), n)
            p += op.num_params
            continue
        angles: List[Angle] = []
        for d in op.data:
            x = float(qml.math.toarray(d).real) if np.ndim(d) == 0 else None
            if p in trainable and x is not None and op.name in _ANGLE_GATES:
                k = trainable[p]
                while len(values) <= k:
                    values.append(0.0)
                values[k] = x
                angles.append((1.0, k, 0.0))
            else:
                angles.append(x)
            p += 1
        _add(c, op, [index[w] for w in op.wires], angles, phase)
    params = np.array(values, dtype=np.float64) if values else None
    return Converted(c, params, initial, phase[0])


def pauli_sum(obs: Operator, wire_order: Sequence) -> PauliSum:
    """``obs`` (a Pauli word, a Hamiltonian, or a sum, product or multiple of Pauli
    operators) as a PauliSum on ``len(wire_order)`` qubits."""
    rep = obs.pauli_rep
    if rep is None:
        raise DeviceError(f"observable {obs} is not a combination of Pauli operators")
    index = {w: i for i, w in enumerate(wire_order)}
    terms = []
    for word, coeff in rep.items():
        label = " ".join(f"{p}{index[w]}" for w, p in word.items()) or "I"
        terms.append((complex(qml.math.toarray(coeff)), label))
    if not terms:
        terms = [(0.0, "I")]
    return PauliSum.from_terms(terms, len(wire_order))


def is_pauli(obs: Optional[Operator]) -> bool:
    """Whether ``obs`` is a combination of Pauli operators."""
    return obs is not None and obs.pauli_rep is not None


def jacobian_layout(jac: np.ndarray) -> Any:
    """A (measurements, parameters) Jacobian in PennyLane's nested-tuple layout (as
    default.qubit's adjoint_jacobian returns it)."""
    jac = np.squeeze(jac)
    if jac.ndim == 0:
        return np.array(jac)
    if jac.ndim == 1:
        return tuple(np.array(j) for j in jac)
    return tuple(tuple(np.array(j_) for j_ in j) for j in jac)
