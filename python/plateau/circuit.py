"""Circuits: OpenQASM 2.0 in and out, named ansätze, and gate-by-gate construction."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, List, NamedTuple, Optional, Sequence, Tuple, Union

import numpy as np

from . import _core
from ._errors import InvalidInputError
from ._util import as_count, as_params

if TYPE_CHECKING:  # pragma: no cover
    from .pauli import PauliSum

#: An angle ``a * theta[k] + b``; ``k < 0`` for the constant ``b``.
Angle = Tuple[float, int, float]


class Operation(NamedTuple):
    """One operation of a circuit, as :meth:`Circuit.operations` lists it."""

    gate: str  #: qelib1 name ("rx", "cx", ...) or "unitary1"/"unitary2"/"mcu"/"pauli_rot"
    qubits: Tuple[int, ...]  #: controls first, then targets
    angles: Tuple[Angle, ...]  #: each (a, k, b): a * theta[k] + b
    matrix: Optional[np.ndarray]  #: the unitary of generic gates, else None
    pauli: Optional[str]  #: the string of a Pauli rotation ("X0 Z3"), else None


def _angle(value: Any) -> Angle:
    """A constant (a number) or a symbolic (a, k, b) angle."""
    if isinstance(value, tuple):
        if len(value) != 3:
            raise InvalidInputError(f"a symbolic angle is (a, k, b), got {value!r}")
        return (float(value[0]), int(value[1]), float(value[2]))
    return (0.0, -1, float(value))


class Circuit:
    """A parameterised quantum circuit on ``num_qubits`` qubits.

    Angles are affine in at most one parameter, ``a * theta[k] + b``, so parameters
    may be shared between gates; ``num_params`` is one more than the largest ``k``.
    Qubit 0 is the least significant bit of a basis-state index. Rotations are
    ``exp(-i theta P / 2)``.
    """

    __slots__ = ("_c",)

    def __init__(self, qubits: int) -> None:
        """An empty circuit on ``qubits`` qubits (add gates with :meth:`add`)."""
        self._c = _core.Circuit.create(as_count(qubits, "qubits", 1))

    @classmethod
    def _wrap(cls, core: Any) -> "Circuit":
        c = cls.__new__(cls)
        c._c = core
        return c

    @classmethod
    def from_qasm(cls, text: str, name: str = "<string>") -> "Circuit":
        """Read OpenQASM 2.0 text; ``theta[k]`` in angles marks parameter ``k``.

        Raises :class:`plateau.ParseError` naming ``name:line:column`` on malformed text.
        """
        return cls._wrap(_core.Circuit.from_qasm(text, name))

    @classmethod
    def from_file(cls, path: Union[str, os.PathLike]) -> "Circuit":
        """Read an OpenQASM 2.0 file."""
        return cls._wrap(_core.Circuit.from_file(os.fspath(path)))

    def to_qasm(self, params: Optional[Sequence[float]] = None) -> str:
        """OpenQASM 2.0 text; with ``params`` the angles are bound to numbers, without
        them they stay symbolic (``theta[k]``, which :meth:`from_qasm` reads back)."""
        return self._c.to_qasm(as_params(params))

    @property
    def num_qubits(self) -> int:
        """Number of qubits."""
        return self._c.num_qubits

    @property
    def num_params(self) -> int:
        """Number of parameters (1 + the largest index used)."""
        return self._c.num_params

    @property
    def num_operations(self) -> int:
        """Number of operations (final measurements not counted)."""
        return self._c.num_operations

    def __len__(self) -> int:
        return self._c.num_operations

    def __repr__(self) -> str:
        return (f"<plateau.Circuit: {self.num_qubits} qubits, {self.num_operations} operations, "
                f"{self.num_params} parameters>")

    def add(self, gate: str, qubits: Sequence[int], *angles: Union[float, Angle]) -> "Circuit":
        """Append a qelib1 gate (``"h"``, ``"cx"``, ``"rx"``, ``"u3"``, ``"rzz"``, ...).

        Each angle is a number or a symbolic ``(a, k, b)`` meaning ``a * theta[k] + b``.
        Returns the circuit, so calls chain.
        """
        self._c.add_gate(gate, [int(q) for q in qubits], [_angle(a) for a in angles])
        return self

    def add_unitary(self, qubits: Sequence[int], matrix: Any) -> "Circuit":
        """Append a 1- or 2-qubit unitary; row and column index bit j is ``qubits[j]``."""
        u = np.ascontiguousarray(matrix, dtype=np.complex128).reshape(-1)
        self._c.add_unitary([int(q) for q in qubits], u)
        return self

    def add_controlled_unitary(self, controls: Sequence[int], target: int,
                               matrix: Any) -> "Circuit":
        """Append a 2x2 unitary on ``target`` applied when every control is 1."""
        u = np.ascontiguousarray(matrix, dtype=np.complex128).reshape(-1)
        self._c.add_controlled_unitary([int(q) for q in controls], int(target), u)
        return self

    def add_pauli_rotation(self, pauli: str, angle: Union[float, Angle]) -> "Circuit":
        """Append ``exp(-i angle P / 2)`` for a Pauli string such as ``"X0 Z3"``."""
        self._c.add_pauli_rot(pauli, _angle(angle))
        return self

    def operations(self) -> List[Operation]:
        """Every operation in time order."""
        out = []
        for gate, qubits, angles, matrix, pauli in self._c.operations():
            m = None
            if matrix is not None:
                dim = int(round(len(matrix) ** 0.5))
                m = np.array(matrix, dtype=np.complex128).reshape(dim, dim)
            out.append(Operation(gate, tuple(qubits), tuple(angles), m, pauli))
        return out

    def measurements(self) -> List[Tuple[int, int]]:
        """Final measurements as (qubit, classical bit)."""
        return [tuple(m) for m in self._c.measurements()]


def _ansatz_opts(name: str, qubits: int, layers: Optional[int], share: bool) -> tuple:
    if layers is None:
        if name != "qcnn":
            raise InvalidInputError(f"ansatz '{name}' needs layers=")
        layers = 1
    return (name, as_count(qubits, "qubits"), as_count(layers, "layers"), bool(share))


def ansatz_readout(name: str, qubits: int, layers: Optional[int] = None,
                   share: bool = False) -> "PauliSum":
    """The observable the ansatz is read out with: Z on the qcnn's last active qubit;
    Z0 (a local cost) for the others."""
    from .pauli import PauliSum

    return PauliSum._wrap(_core.ansatz_readout(*_ansatz_opts(name, qubits, layers, share)))


def ansatz(name: str, qubits: int, layers: Optional[int] = None,
           share: bool = False) -> Circuit:
    """Build a named ansatz: ``"hea"``, ``"qcnn"``, ``"tfim-hva"`` or ``"su4-brickwork"``.

    ``layers`` is required except for ``qcnn`` (whose depth is ⌈log2 n⌉); ``share``
    makes every gate of one qcnn layer share its angles.
    """
    return Circuit._wrap(_core.Circuit.ansatz(*_ansatz_opts(name, qubits, layers, share)))
