"""Pauli sums: ``PauliSum("Z0 Z1 + 0.5*X2")``, arithmetic, and conversion."""
from __future__ import annotations

import numbers
from typing import Any, Iterable, List, Optional, Tuple, Union

from . import _core
from ._errors import InvalidInputError
from ._util import as_count

Coefficient = Union[float, complex]


def _plain(c: complex) -> Coefficient:
    """A real coefficient as a float, a complex one as complex."""
    return c.real if c.imag == 0 else c


class PauliSum:
    """A sum ``Σ_k c_k P_k`` of distinct Pauli strings.

    Text format: terms joined by ``+`` or ``-``, each an optional coefficient with ``*``
    and space-separated factors, e.g. ``"Z0 Z1 + 0.5*X2 - Y0 Z3"``; ``"2*I"`` is a
    multiple of the identity and ``"0"`` the empty sum. Qubit k is ``q[k]`` of a
    circuit. ``qubits`` fixes the qubit count (default: as many as the text needs);
    a sum is measured on any circuit at least that wide.
    """

    __slots__ = ("_s", "_wide")

    def __init__(self, text: Union[str, Iterable[Tuple[Coefficient, str]], "PauliSum"] = "0",
                 qubits: Optional[int] = None) -> None:
        n = 0 if qubits is None else as_count(qubits, "qubits", 1)
        if isinstance(text, PauliSum):
            self._s = text._s.resize(n or text.num_qubits)
        elif isinstance(text, str):
            s = _core.PauliSum.parse(text, n)
            self._s = s
        else:
            self._s = PauliSum.from_terms(text, qubits)._s

    @classmethod
    def _wrap(cls, core: Any) -> "PauliSum":
        p = cls.__new__(cls)
        p._s = core
        return p

    def _on(self, qubits: int) -> Any:
        """The extension's sum on exactly ``qubits`` qubits, resized once and kept (sums
        never change after construction), so repeated calls on a wider circuit do not
        copy the sum each time. Terms beyond ``qubits`` raise InvalidInputError."""
        if qubits == self._s.num_qubits:
            return self._s
        wide = getattr(self, "_wide", None)
        if wide is None or wide.num_qubits != qubits:
            wide = self._s.resize(qubits)
            self._wide = wide
        return wide

    @classmethod
    def from_terms(cls, terms: Iterable[Tuple[Coefficient, str]],
                   qubits: Optional[int] = None) -> "PauliSum":
        """A sum from (coefficient, label) pairs such as ``[(0.5, "X0 Z2"), (1, "I")]``."""
        terms = list(terms)
        n = qubits
        if n is None:
            n = 1
            for _, label in terms:
                n = max(n, _core.PauliSum.parse(label, 0).num_qubits)
        s = _core.PauliSum.create(as_count(n, "qubits", 1))
        for c, label in terms:
            if not isinstance(label, str):
                raise InvalidInputError(f"a term is (coefficient, label), got label {label!r}")
            s.add_term(label, complex(c))
        return cls._wrap(s)

    @property
    def num_qubits(self) -> int:
        """Number of qubits the sum is defined on."""
        return self._s.num_qubits

    @property
    def terms(self) -> List[Tuple[Coefficient, str]]:
        """Every term as (coefficient, label), in first-insertion order; real
        coefficients are floats."""
        return [(_plain(c), label) for c, label in self._s.terms()]

    def __len__(self) -> int:
        return self._s.num_terms

    def __str__(self) -> str:
        return self._s.to_string()

    def __repr__(self) -> str:
        return f"PauliSum({str(self)!r}, qubits={self.num_qubits})"

    def _aligned(self, other: "PauliSum") -> Tuple[Any, Any]:
        n = max(self.num_qubits, other.num_qubits)
        a = self._s if self.num_qubits == n else self._s.resize(n)
        b = other._s if other.num_qubits == n else other._s.resize(n)
        return a, b

    def _combine(self, other: Any, sign: float) -> "PauliSum":
        if isinstance(other, str):
            other = PauliSum(other)
        elif isinstance(other, numbers.Number):
            other = PauliSum(f"{complex(other).real!r}*I", self.num_qubits) \
                if complex(other).imag == 0 else PauliSum.from_terms([(other, "I")],
                                                                     self.num_qubits)
        if not isinstance(other, PauliSum):
            return NotImplemented
        a, b = self._aligned(other)
        return PauliSum._wrap(a.combine(1.0, b, sign))

    def __add__(self, other: Any) -> "PauliSum":
        return self._combine(other, 1.0)

    def __radd__(self, other: Any) -> "PauliSum":
        return self._combine(other, 1.0)

    def __sub__(self, other: Any) -> "PauliSum":
        return self._combine(other, -1.0)

    def __rsub__(self, other: Any) -> "PauliSum":
        return (-self)._combine(other, 1.0)

    def __neg__(self) -> "PauliSum":
        return self * -1.0

    def __mul__(self, other: Any) -> "PauliSum":
        """A number times the sum, or the operator product of two sums."""
        if isinstance(other, PauliSum):
            a, b = self._aligned(other)
            return PauliSum._wrap(a.mul(b))
        if isinstance(other, numbers.Number):
            return PauliSum._wrap(self._s.combine(complex(other), None, 0.0))
        return NotImplemented

    def __rmul__(self, other: Any) -> "PauliSum":
        if isinstance(other, numbers.Number):
            return self * other
        return NotImplemented

    def __truediv__(self, other: Any) -> "PauliSum":
        if isinstance(other, numbers.Number):
            return self * (1.0 / complex(other) if isinstance(other, complex) else 1.0 / other)
        return NotImplemented

    def __eq__(self, other: object) -> bool:
        """Equal as operators: the same strings with the same coefficients (zero
        coefficients ignored), whatever the qubit counts."""
        if not isinstance(other, PauliSum):
            return NotImplemented
        a = {label: c for c, label in self._s.terms() if c != 0}
        b = {label: c for c, label in other._s.terms() if c != 0}
        return a == b

    __hash__ = None  # mutable semantics would be surprising; sums are compared by value

    def simplify(self, tol: float = 0.0) -> "PauliSum":
        """A copy without the terms whose ``|c| <= tol``."""
        s = self._s.resize(self.num_qubits)
        s.prune(float(tol))
        return PauliSum._wrap(s)

    def on_qubits(self, qubits: int) -> "PauliSum":
        """The same sum on ``qubits`` qubits (an error if a term acts beyond them)."""
        return PauliSum._wrap(self._s.resize(as_count(qubits, "qubits", 1)))

    @classmethod
    def from_qiskit(cls, op: Any) -> "PauliSum":
        """From a ``qiskit.quantum_info.SparsePauliOp`` (qubit 0 is the rightmost
        character of a Qiskit label, as in plateau's index order)."""
        from .qiskit import pauli_sum_from_qiskit

        return pauli_sum_from_qiskit(op)

    def to_qiskit(self) -> Any:
        """As a ``qiskit.quantum_info.SparsePauliOp`` on ``num_qubits`` qubits."""
        from .qiskit import pauli_sum_to_qiskit

        return pauli_sum_to_qiskit(self)


def as_pauli_sum(obs: Union[str, PauliSum], name: str = "observable") -> PauliSum:
    """A PauliSum from text or a PauliSum (as every function taking ``obs`` accepts)."""
    if isinstance(obs, PauliSum):
        return obs
    if isinstance(obs, str):
        return PauliSum(obs)
    raise InvalidInputError(f"the {name} must be a PauliSum or its text, got {type(obs).__name__}")
