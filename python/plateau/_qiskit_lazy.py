"""``plateau.from_qiskit`` and ``plateau.to_qiskit`` without importing Qiskit when
plateau is imported: the work lives in :mod:`plateau.qiskit`, loaded on first use."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, Sequence

from .circuit import Circuit

if TYPE_CHECKING:  # pragma: no cover
    from qiskit.circuit import QuantumCircuit


def from_qiskit(circuit: "QuantumCircuit", params: Optional[Any] = None) -> Circuit:
    """A plateau :class:`Circuit` from a Qiskit ``QuantumCircuit``; plateau parameter
    ``k`` is ``circuit.parameters[k]``, and ``params`` (a sequence in that order or a
    mapping from parameters to values) binds them. See :func:`plateau.qiskit.from_qiskit`."""
    from .qiskit import from_qiskit as convert

    return convert(circuit, params)


def to_qiskit(circuit: Circuit, params: Optional[Sequence[float]] = None) -> "QuantumCircuit":
    """A Qiskit ``QuantumCircuit`` from a plateau :class:`Circuit`, symbolic (a
    ``ParameterVector("theta", num_params)``) or bound by ``params``. See
    :func:`plateau.qiskit.to_qiskit`."""
    from .qiskit import to_qiskit as convert

    return convert(circuit, params)
