"""Dynamical Lie algebras: the closure of Pauli generators under commutators, its
basis, centre and simple ideals, g-purities and the Lie-algebraic variance prediction.

An element i·H of g ⊆ u(2^n) is given by the Hermitian operator H, a real Pauli sum;
the basis is orthonormal for the Hilbert–Schmidt product and each element is reported
as a :class:`PauliSum` with unit coefficient norm (Σ_P c_P² = 1). The same numbers as
``plateau dla`` (see docs/lie.md).
"""
from __future__ import annotations

from typing import Any, List, Optional, Sequence, Union


from . import _core
from ._errors import InvalidInputError
from ._util import as_count, as_state
from .circuit import Circuit
from .pauli import PauliSum, as_pauli_sum

Generators = Union[Circuit, str, PauliSum, Sequence[Union[PauliSum, str]]]


class LieAlgebra:
    """A Lie algebra spanned by Hermitian Pauli sums (made by :func:`lie_closure`).

    ``basis[:dim - center_dim]`` spans the derived algebra [g, g] and the rest the
    centre. For an algebra of a circuit the generators and basis live in the frame
    where the circuit's Clifford gates were moved to the front (lie.h).
    """

    __slots__ = ("_g", "_generators", "_basis", "_from_circuit")

    def __init__(self) -> None:
        raise TypeError("use plateau.lie_closure(generators) to make a LieAlgebra")

    @classmethod
    def _wrap(cls, core: Any, generators: List[PauliSum], from_circuit: bool) -> "LieAlgebra":
        a = cls.__new__(cls)
        a._g = core
        a._generators = generators
        a._basis = None
        a._from_circuit = from_circuit
        return a

    @property
    def num_qubits(self) -> int:
        """Number of qubits."""
        return self._g.num_qubits

    @property
    def dim(self) -> int:
        """Dimension (a lower bound when :attr:`capped`)."""
        return self._g.dim

    @property
    def capped(self) -> bool:
        """True when the closure stopped at ``max_dim``: the dimension is at least :attr:`dim`."""
        return self._g.capped

    @property
    def center_dim(self) -> Optional[int]:
        """Dimension of the centre, or None when :attr:`capped` (as ``plateau dla --json``)."""
        return None if self._g.capped else self._g.center_dim

    @property
    def is_pauli(self) -> bool:
        """True when every basis element is a single Pauli string."""
        return self._g.is_pauli

    @property
    def is_full(self) -> bool:
        """True when the derived algebra is all of su(2^n) (dimension 4^n − 1): the
        circuit is controllable and, deep enough, forms a 2-design (a barren plateau)."""
        n = self.num_qubits
        return not self.capped and self.dim - self._g.center_dim == 4**n - 1

    @property
    def dim_bound(self) -> int:
        """The largest dimension any algebra on these qubits has: dim u(2^n) = 4^n."""
        return 4**self.num_qubits

    @property
    def generators(self) -> List[PauliSum]:
        """The generators the algebra was closed from (for a circuit: one per run of
        rotations sharing a parameter, in the Clifford frame)."""
        return list(self._generators)

    @property
    def basis(self) -> List[PauliSum]:
        """An orthonormal basis, each element a Pauli sum with unit coefficient norm
        (the derived algebra first, then the centre). Computed on first use."""
        if self._basis is None:
            self._basis = [PauliSum._wrap(self._g.basis_element(j)) for j in range(self.dim)]
        return list(self._basis)

    @property
    def basis_labels(self) -> List[str]:
        """The basis as text, as ``plateau dla --basis`` prints it."""
        return [str(b) for b in self.basis]

    def simple_ideals(self) -> List[int]:
        """Dimensions of the simple ideals g_1 … g_K of g = z ⊕ g_1 ⊕ … ⊕ g_K
        (refused for a capped algebra)."""
        return list(self._g.simple_ideals())

    def purity(self, state: Optional[Any] = None) -> float:
        """g-purity P_g(ρ) of the pure state ρ = |ψ⟩⟨ψ| (``state``: 2^n amplitudes;
        None: |0…0⟩, the circuit's input state in its Clifford frame). For
        g = su(2^n) this is 1 − 2^−n."""
        return self._g.purity_state(as_state(state, "state"))

    def observable_purity(self, obs: Union[PauliSum, str]) -> float:
        """g-purity P_g(O) = 2^n Σ_j (b_j · o)² of a Hermitian observable."""
        return self._g.purity_obs(as_pauli_sum(obs)._s)

    def predicted_variance(self, obs: Union[PauliSum, str],
                           state: Optional[Any] = None) -> float:
        """Var⟨O⟩ over deep random circuits of the group e^g (Ragone et al. 2024,
        Theorem 1): Σ_k P_{g_k}(ρ) P_{g_k}(O) / dim g_k. O minus its identity part
        must lie in the span of g."""
        return self._g.predicted_variance(as_pauli_sum(obs)._s, as_state(state, "state"))

    def __repr__(self) -> str:
        dim = f">= {self.dim} (capped)" if self.capped else str(self.dim)
        return f"<plateau.LieAlgebra: dim {dim} on {self.num_qubits} qubits>"


def _generator_list(generators: Any, qubits: Optional[int]) -> List[PauliSum]:
    if isinstance(generators, str):
        generators = [g for g in generators.split(";") if g.strip()]  # as `dla --gens`
    elif isinstance(generators, PauliSum):
        generators = [generators]
    try:
        gens = [as_pauli_sum(g, "generator") for g in generators]
    except TypeError:
        raise InvalidInputError("generators must be a Circuit, or a list of PauliSum or "
                                f"their text, got {type(generators).__name__}") from None
    if not gens:
        raise InvalidInputError("no generators given")
    n = as_count(qubits, "qubits", 1) if qubits is not None else max(g.num_qubits for g in gens)
    return [g if g.num_qubits == n else g.on_qubits(n) for g in gens]


def lie_closure(generators: Generators, qubits: Optional[int] = None,
                max_dim: Optional[int] = None, method: str = "auto") -> LieAlgebra:
    """The dynamical Lie algebra spanned by the generators i·H_l and all nested
    commutators.

    ``generators``: a list of Hermitian :class:`PauliSum` (or their text; a single
    string may hold several separated by ``;``, as ``plateau dla --gens``), or a
    :class:`Circuit`, whose generators are its runs of rotations sharing a parameter
    (as ``plateau dla --ansatz`` / ``FILE.qasm``; fixed gates must be Clifford).
    ``qubits``: the qubit count of text generators (default: as many as they need).
    ``max_dim``: stop at that many elements (:attr:`LieAlgebra.capped`; default
    100000). ``method``: ``"auto"``, ``"strings"`` (every generator one Pauli string)
    or ``"sums"``.
    """
    cap = 0 if max_dim is None else as_count(max_dim, "max_dim", 1)
    if not isinstance(method, str):
        raise InvalidInputError(f"method must be a string, got {method!r}")
    if isinstance(generators, Circuit):
        if qubits is not None:
            raise InvalidInputError("qubits= is for text generators; a circuit has its own")
        core = _core.lie_from_circuit(generators._c, cap, method)
        gens = [PauliSum._wrap(g) for g in _core.lie_circuit_generators(generators._c)]
        return LieAlgebra._wrap(core, gens, True)
    gens = _generator_list(generators, qubits)
    core = _core.lie_closure([g._s for g in gens], cap, method)
    return LieAlgebra._wrap(core, gens, False)
