"""State-vector simulation: final states, expectation values, gradients, samples.

Every function takes the circuit, its parameter values (``params``: one per
parameter, or None for a circuit without parameters) and optionally an initial
state (``initial``: 2^n amplitudes, default |0…0⟩). Observables are
:class:`PauliSum` or their text. The work runs in C with the GIL released.
"""
from __future__ import annotations

from typing import Any, Optional, Sequence, Tuple, Union

import numpy as np

from . import _core
from ._util import as_count, as_params, as_seed, as_state
from .circuit import Circuit
from .pauli import PauliSum, as_pauli_sum

Observable = Union[PauliSum, str]


def statevector(circuit: Circuit, params: Optional[Sequence[float]] = None,
                initial: Optional[Any] = None) -> np.ndarray:
    """The final state as a complex128 array of 2^n amplitudes (qubit 0 least
    significant). The array owns plateau's own buffer: nothing is copied."""
    return _core.statevector(circuit._c, as_params(params), as_state(initial))


def expval(circuit: Circuit, obs: Observable, params: Optional[Sequence[float]] = None,
           shots: Optional[int] = None, seed: Optional[int] = None,
           initial: Optional[Any] = None) -> float:
    """⟨obs⟩ after the circuit.

    With ``shots`` the value is estimated from that many measurement shots per group
    of qubit-wise commuting terms (identity terms exact), reproducibly for a ``seed``
    (default 1, the same numbers as ``plateau sim --shots N --seed S``).
    """
    n_shots = 0 if shots is None else as_count(shots, "shots", 1)
    h = as_pauli_sum(obs)._on(circuit.num_qubits)
    return _core.expval(circuit._c, h, as_params(params), n_shots, as_seed(seed),
                        as_state(initial))


def grad(circuit: Circuit, obs: Observable, params: Optional[Sequence[float]] = None,
         method: str = "adjoint", initial: Optional[Any] = None) -> Tuple[float, np.ndarray]:
    """(⟨obs⟩, its gradient with respect to the parameters) by ``"adjoint"``
    differentiation, the parameter-``"shift"`` rule or central finite differences
    (``"fd"``)."""
    h = as_pauli_sum(obs)._on(circuit.num_qubits)
    return _core.grad(circuit._c, h, as_params(params), method, as_state(initial))


def probabilities(circuit: Circuit, params: Optional[Sequence[float]] = None,
                  initial: Optional[Any] = None) -> np.ndarray:
    """The probability of every basis state (2^n float64, qubit 0 least significant)."""
    return _core.probabilities(circuit._c, as_params(params), as_state(initial))


def sample(circuit: Circuit, shots: int, params: Optional[Sequence[float]] = None,
           seed: Optional[int] = None, basis: Optional[str] = None,
           initial: Optional[Any] = None) -> np.ndarray:
    """``shots`` measurement outcomes as uint64 bit masks: bit q is 1 when qubit q read
    the −1 eigenvalue of its measured Pauli. ``basis`` is one letter per qubit
    (``basis[q]`` for qubit q, ``"X"``, ``"Y"`` or ``"Z"``; default all Z). At most 64
    qubits."""
    return _core.sample(circuit._c, as_params(params), as_count(shots, "shots", 1),
                        as_seed(seed), basis, as_state(initial))


def sample_bits(circuit: Circuit, shots: int, params: Optional[Sequence[float]] = None,
                seed: Optional[int] = None, basis: Optional[str] = None,
                initial: Optional[Any] = None) -> np.ndarray:
    """As :func:`sample`, as a (shots, n) uint8 array of 0/1 (column q is qubit q)."""
    masks = sample(circuit, shots, params, seed, basis, initial)
    n = circuit.num_qubits
    return ((masks[:, None] >> np.arange(n, dtype=np.uint64)) & np.uint64(1)).astype(np.uint8)
