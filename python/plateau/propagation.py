"""Pauli propagation: the observable evolved backwards through a circuit
(Heisenberg picture, O → U† O U) as a real sum of Pauli strings, with truncations.

``propagate(circuit, obs, params)`` returns a :class:`Propagation`; its
:meth:`~Propagation.expval` is ⟨0…0|U† O U|0…0⟩ (or the value on a product state),
exact when no truncation is given. Truncations drop strings after every gate:
``max_weight`` (more non-identity factors), ``min_abs_coeff`` (smaller ``|c|``),
``max_freq`` (more sin/cos branchings); ``None`` means no limit, and the sum of the
dropped ``|c|`` is reported in :attr:`Propagation.stats`.
"""
from __future__ import annotations

import math
import os
import sys
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

from . import _core
from ._errors import InvalidInputError
from ._util import as_count, as_params, as_seed
from .circuit import Circuit
from .pauli import PauliSum, as_pauli_sum

Observable = Union[PauliSum, str]

_INT_MAX = 2**31 - 1


def _limit(value: Any, name: str) -> int:
    """An integer truncation: None → 0 (the C library's "no limit"), else >= 1."""
    if value is None:
        return 0
    n = as_count(value, name, 1)
    return min(n, _INT_MAX)


def _min_coeff(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        raise InvalidInputError(f"min_abs_coeff must be a number, got {value!r}")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InvalidInputError(f"min_abs_coeff must be a number, got {value!r}") from None
    if not (math.isfinite(v) and v > 0):
        raise InvalidInputError(
            f"min_abs_coeff must be a finite number > 0 (None for no limit), got {value!r}")
    return v


def _bloch(bloch: Any) -> np.ndarray:
    try:
        b = np.ascontiguousarray(bloch, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise InvalidInputError(f"Bloch vectors must be real numbers: {e}") from None
    if b.ndim != 2 or b.shape[1] != 3:
        raise InvalidInputError(
            f"Bloch vectors must be an (n, 3) array of (<X>, <Y>, <Z>), got shape {b.shape}")
    return b


def _shadow_core(shadows: Any) -> Any:
    from .shadows import Shadows

    if not isinstance(shadows, Shadows):
        raise InvalidInputError(f"shadows must be a plateau.Shadows, got {type(shadows).__name__}")
    return shadows._sh


class Propagation:
    """A propagated observable ``Σ_α c_α P_α`` (owner of the C library's pl_prop_t).

    Made by :func:`propagate`. Terms are in the library's storage order.
    """

    __slots__ = ("_p", "_source", "_diff")

    def __init__(self) -> None:
        raise TypeError("use plateau.propagate(circuit, obs, ...) to make a Propagation")

    @classmethod
    def _wrap(cls, core: Any, source: Tuple[Any, ...]) -> "Propagation":
        p = cls.__new__(cls)
        p._p = core
        p._source = source  # (circuit, obs, params, trunc...) to recompute with derivatives
        p._diff = core if core.num_grad > 0 else None
        return p

    def _core(self, grad: bool = False) -> Any:
        """The extension's owner of the pl_prop_t (python/src/prop.h), for other modules
        of the package whose C++ evaluates it with a C callback
        (pl_prop_expval_callback / pl_prop_grad_callback); ``grad=True`` gives the one
        carrying derivatives, propagated once more if needed."""
        if grad and self._diff is None:
            c, obs, params, mw, mc, mf = self._source
            self._diff = _core.propagate(c._c, obs._s, params, mw, mc, mf, True)
        return self._diff if grad else self._p

    @property
    def num_terms(self) -> int:
        """Number of Pauli strings held."""
        return self._p.num_terms

    @property
    def num_qubits(self) -> int:
        """Number of qubits."""
        return self._p.num_qubits

    @property
    def has_grad(self) -> bool:
        """True when every term carries its derivatives (``propagate(..., grad=True)``)."""
        return self._p.num_grad > 0

    @property
    def stats(self) -> Dict[str, Union[int, float]]:
        """``terms`` (at the end), ``max_terms`` (largest held at once),
        ``truncated_weight`` (Σ |c| of every dropped string), ``bytes`` (peak memory
        of the term table), ``seconds``, ``term_updates``."""
        return self._p.stats()

    def expval(self, bloch: Optional[Any] = None, shadows: Optional[Any] = None) -> float:
        """⟨0…0|O|0…0⟩ (the sum of the coefficients of the strings of I and Z); with
        ``bloch`` (an (n, 3) array, row q = (⟨X⟩, ⟨Y⟩, ⟨Z⟩) of qubit q) the value on
        that product state; with ``shadows`` (a :class:`plateau.Shadows` of some input
        state ρ) the classical-shadow estimate ``Σ_α c_α ⟨P_α⟩_ρ`` — the surrogate's
        prediction of Tr[U ρ U† O] from measured data (the hybrid paradigm)."""
        if shadows is not None:
            if bloch is not None:
                raise InvalidInputError("give bloch or shadows, not both")
            return _core.prop_expval_shadows(self._p, _shadow_core(shadows))
        if bloch is None:
            return self._p.expval_zero()
        return self._p.expval_product(_bloch(bloch))

    def grad(self, bloch: Optional[Any] = None,
             shadows: Optional[Any] = None) -> Tuple[float, np.ndarray]:
        """(value, gradient) of :meth:`expval` (on |0…0⟩, a product state or shadow
        estimates) with respect to the circuit's parameters:
        the derivatives of the truncated propagation with the kept strings held fixed
        (exact for ``max_weight``/``max_freq``; see ``pl_propagate_diff``).

        A propagation made without ``grad=True`` is propagated once more with
        derivatives (same circuit, parameters and truncations) on the first call,
        and that one is kept for later calls."""
        if self._source[0].num_params == 0:
            return self.expval(bloch), np.zeros(0)
        if shadows is not None:
            if bloch is not None:
                raise InvalidInputError("give bloch or shadows, not both")
            return _core.prop_grad_shadows(self._core(grad=True), _shadow_core(shadows))
        b = None if bloch is None else _bloch(bloch)
        return self._core(grad=True).grad(b)

    @property
    def terms(self) -> List[Tuple[float, str]]:
        """Every term as (coefficient, label), e.g. ``(0.5, "X0 Z3")``."""
        return self._p.terms()

    @property
    def coefficients(self) -> np.ndarray:
        """The coefficients c_α as a float64 array (a copy, in the order of :attr:`terms`)."""
        return self._p.coefficients()

    @property
    def coefficient_grads(self) -> np.ndarray:
        """∂c_α/∂θ_k as a (num_terms, num_params) float64 array (needs ``grad=True``)."""
        return self._p.coefficient_grads()

    def pauli_bits(self) -> Tuple[np.ndarray, np.ndarray]:
        """(x, z): the packed bits of every string, two (num_terms, words) uint64 arrays
        (qubit q is bit q % 64 of word q // 64; X ↔ x only, Z ↔ z only, Y ↔ both)."""
        return self._p.bits()

    def to_pauli_sum(self) -> PauliSum:
        """A copy as a :class:`PauliSum`."""
        return PauliSum._wrap(self._p.to_sum())

    def save(self, path: Union[str, os.PathLike], seed: Optional[int] = None) -> None:
        """Write the terms to an HDF5 file (datasets ``x``, ``z``, ``coeff``; the layout of
        ``plateau propagate --terms-out``), atomically. ``seed`` is recorded only."""
        self._p.save(os.fspath(path), " ".join(sys.argv), as_seed(seed))

    def __len__(self) -> int:
        return self._p.num_terms

    def __repr__(self) -> str:
        s = self.stats
        return (f"<plateau.Propagation: {self.num_terms} terms on {self.num_qubits} qubits, "
                f"truncated weight {s['truncated_weight']:.3g}>")


def propagate(circuit: Circuit, obs: Observable, params: Optional[Sequence[float]] = None,
              max_weight: Optional[int] = None, min_abs_coeff: Optional[float] = None,
              max_freq: Optional[int] = None, grad: bool = False) -> Propagation:
    """Propagate ``obs`` (real coefficients) backwards through ``circuit`` at ``params``.

    Truncations (``None``: no limit; 0 or negative values are refused): ``max_weight``
    (>= 1) drops strings with more non-identity factors, ``min_abs_coeff`` (> 0) those
    with smaller ``|c|``, ``max_freq`` (>= 1) those after more sin/cos branchings.
    ``grad=True`` carries every term's derivatives along (``pl_propagate_diff``) so that
    :meth:`Propagation.grad` needs no second propagation. The same numbers as
    ``plateau propagate``; runs with the GIL released.
    """
    if not isinstance(circuit, Circuit):
        raise InvalidInputError(f"circuit must be a plateau.Circuit, got {type(circuit).__name__}")
    o = as_pauli_sum(obs)
    p = as_params(params)
    p = None if p is None else p.copy()  # kept for grad(): later edits must not leak in
    mw = _limit(max_weight, "max_weight")
    mc = _min_coeff(min_abs_coeff)
    mf = _limit(max_freq, "max_freq")
    core = _core.propagate(circuit._c, o._s, p, mw, mc, mf, bool(grad))
    return Propagation._wrap(core, (circuit, o, p, mw, mc, mf))


class PropagationPlan:
    """A propagation compiled once and evaluated for any parameters (:func:`compile_propagation`).

    With only a weight limit truncating, the strings a propagation keeps do not depend on
    the angles, so the plan records the linear map from the observable to the result and
    each evaluation streams over it (no hashing); :meth:`vjp` is a reverse pass over the
    same map: ``Σ_t w_t ∂c_t/∂θ`` for every parameter at the cost of about two evaluations.
    What an optimiser that calls the propagation many times wants. Calls on one plan are
    serialised (it holds its work arrays); they run with the GIL released.
    """

    def __init__(self) -> None:
        raise TypeError("use plateau.compile_propagation(circuit, obs, max_weight)")

    @classmethod
    def _wrap(cls, core: Any) -> "PropagationPlan":
        self = object.__new__(cls)
        self._p = core
        return self

    @property
    def num_terms(self) -> int:
        """Strings of the result (the same at every parameter value)."""
        return self._p.num_terms

    @property
    def num_moves(self) -> int:
        """Recorded moves: the work of one evaluation."""
        return self._p.num_moves

    @property
    def num_params(self) -> int:
        """Parameters of the circuit (the length of :meth:`vjp`'s result)."""
        return self._p.num_params

    @property
    def num_qubits(self) -> int:
        """Qubits of the circuit."""
        return self._p.num_qubits

    @property
    def labels(self) -> List[str]:
        """The result's strings (e.g. ``"X0 Z3"``), in the order of :meth:`coefficients`."""
        return self._p.labels()

    def coefficients(self, params: Sequence[float]) -> np.ndarray:
        """The coefficients c_t(θ) at ``params`` (finite, one per circuit parameter)."""
        p = as_params(params)
        if p is None:
            raise InvalidInputError("coefficients needs the circuit's parameter values")
        return self._p.coefficients(p)

    def vjp(self, weights: Sequence[float]) -> np.ndarray:
        """``Σ_t weights[t] ∂c_t/∂θ_k`` for every k, at the parameters of the last
        :meth:`coefficients` call (one weight per string)."""
        w = as_params(weights, "weights")
        if w is None or not np.all(np.isfinite(w)):
            raise InvalidInputError("weights must be finite")
        return self._p.vjp(w)

    def value_and_grad(self, params: Sequence[float],
                       weights: Sequence[float]) -> Tuple[float, np.ndarray]:
        """``f(θ) = Σ_t weights[t] c_t(θ)`` and its gradient: e.g. weights = ⟨P_t⟩ on
        the data (shadow estimates) for a surrogate's output."""
        c = self.coefficients(params)
        g = self.vjp(weights)
        return float(np.dot(np.asarray(weights, dtype=np.float64), c)), g

    def __len__(self) -> int:
        return self.num_terms

    def __repr__(self) -> str:
        return (f"<plateau.PropagationPlan: {self.num_terms} terms on {self.num_qubits} qubits,"
                f" {self.num_moves} moves, {self.num_params} parameters>")


def compile_propagation(circuit: Circuit, obs: Observable,
                        max_weight: Optional[int] = None) -> PropagationPlan:
    """Compile the propagation of ``obs`` (real coefficients) through ``circuit``, keeping
    strings of weight <= ``max_weight`` (``None``: all). The coefficients at any parameters
    equal :func:`propagate` with the same ``max_weight`` up to rounding. Coefficient and
    frequency truncations depend on the angles and cannot be compiled."""
    if not isinstance(circuit, Circuit):
        raise InvalidInputError(f"circuit must be a plateau.Circuit, got {type(circuit).__name__}")
    o = as_pauli_sum(obs)
    return PropagationPlan._wrap(
        _core.compile_propagation(circuit._c, o._s, _limit(max_weight, "max_weight")))
