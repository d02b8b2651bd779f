"""Classical shadows (Huang, Kueng, Preskill 2020): random single-qubit Pauli
measurements of a state and the estimators of Pauli expectations built on them.

Encoding (as in the C library, ``include/plateau/shadows.h``, and the HDF5 files):

- ``bases[s, q]`` is the basis qubit q was measured in on shot s, as plateau's Pauli
  code: ``1 = X``, ``2 = Z``, ``3 = Y`` (``0`` = not measured; such a shot never
  matches a string acting on q). ``Shadows.LETTERS[bases]`` gives the letters.
- ``outcomes[s, q]`` is the outcome bit: ``0`` = eigenvalue +1, ``1`` = eigenvalue −1.
- Column q is qubit q (qubit 0 is the least significant bit of a basis-state index).

The single-shot estimator of a Pauli string P with support A is
``Π_{j∈A} 3·[b_j = P_j]·(−1)^{o_j}``; its mean over the shots is unbiased for ⟨P⟩ with
variance at most ``3^|A|`` per shot.

PennyLane's :class:`~pennylane.ClassicalShadow` uses ``recipes`` 0 = X, 1 = Y, 2 = Z and
the same bits; :meth:`Shadows.to_pennylane` and :meth:`Shadows.from_pennylane` convert,
mapping wire i to qubit i.
"""
from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
from numpy.typing import ArrayLike

from . import _core
from ._errors import InvalidInputError
from ._util import as_count, as_params, as_seed, as_state
from .circuit import Circuit
from .pauli import PauliSum, as_pauli_sum

Observable = Union[PauliSum, str]

# plateau basis code -> PennyLane recipe (X 0, Y 1, Z 2), and back
_TO_RECIPE = np.array([255, 0, 2, 1], dtype=np.uint8)
_FROM_RECIPE = np.array([1, 3, 2], dtype=np.uint8)


class Shadows:
    """A set of classical-shadow shots of one state (owning the C library's packed
    storage: 3 bits per qubit per shot).

    Make one with :func:`plateau.shadows` (sampling a state), :meth:`from_arrays` or
    :meth:`from_pennylane` (measured data), or :func:`plateau.load_shadows` (a file).
    """

    __slots__ = ("_sh", "seed")

    #: Basis letters indexed by plateau's basis code: ``Shadows.LETTERS[sh.bases]``.
    LETTERS: np.ndarray = np.array(["I", "X", "Z", "Y"])

    def __init__(self, core: Any, seed: int = 0) -> None:
        """Wrap a ``_core.Shadows`` (use the constructors below instead)."""
        if not isinstance(core, _core.Shadows):
            raise InvalidInputError("use plateau.shadows(), Shadows.from_arrays() or "
                                    "plateau.load_shadows() to make a Shadows object")
        self._sh = core
        self.seed = seed

    @property
    def num_qubits(self) -> int:
        """Number of qubits n."""
        return self._sh.num_qubits

    @property
    def num_shots(self) -> int:
        """Number of shots S."""
        return self._sh.num_shots

    def __len__(self) -> int:
        return self.num_shots

    def __repr__(self) -> str:
        return f"<plateau.Shadows: {self.num_shots} shots of {self.num_qubits} qubits>"

    @property
    def bases(self) -> np.ndarray:
        """Measured bases, uint8 (shots, n): 1 = X, 2 = Z, 3 = Y (0 = not measured).
        Unpacked from the packed storage (a copy)."""
        return self._sh.arrays()[0]

    @property
    def outcomes(self) -> np.ndarray:
        """Outcome bits, uint8 (shots, n): 1 = eigenvalue −1 (a copy)."""
        return self._sh.arrays()[1]

    def arrays(self) -> Tuple[np.ndarray, np.ndarray]:
        """``(bases, outcomes)`` in one pass (see :attr:`bases`, :attr:`outcomes`)."""
        return self._sh.arrays()

    @property
    def packed(self) -> np.ndarray:
        """The packed storage itself, uint64 (n, 3, words), zero-copy and read-only:
        for qubit q the basis-code bit 0, bit 1 and the outcome, shot s at bit s % 64
        of word s // 64 (the HDF5 ``bits`` dataset)."""
        return self._sh.packed()

    @property
    def basis_strings(self) -> np.ndarray:
        """The bases as one letter string per shot, qubit 0 first (``"XZYZ"``)."""
        letters = self.LETTERS[self.bases]
        return np.array(["".join(row) for row in letters])

    def head(self, shots: int) -> "Shadows":
        """The first ``shots`` shots as a new set."""
        return Shadows(self._sh.head(as_count(shots, "shots", 1)), self.seed)

    # ---- estimators ---------------------------------------------------------

    def estimate(self, obs: Observable) -> float:
        """The shot mean of ⟨obs⟩ (a real Pauli sum or its text): Σ_k c_k · mean_k,
        unbiased; as ``plateau estimate --obs`` reports in ``total.mean``."""
        return float(self._sh.estimate(as_pauli_sum(obs)._s, 0.05, 0)["mean"])

    def estimate_stats(self, obs: Observable, delta: float = 0.05,
                       groups: Optional[int] = None) -> Dict[str, float]:
        """Every statistic of the estimate of ⟨obs⟩: ``mean`` with its Hoeffding
        ``mean_radius``, the median of means ``mom`` over ``groups`` groups (default
        ceil(8 ln(1/delta))) with ``mom_radius``, both holding with probability
        ≥ 1 − delta; ``weight`` (largest term weight) and ``matches``."""
        k = 0 if groups is None else as_count(groups, "groups", 1)
        if not 0 < float(delta) < 1:
            raise InvalidInputError(f"delta must lie in (0, 1), got {delta}")
        return dict(self._sh.estimate(as_pauli_sum(obs)._s, float(delta), k))

    def estimate_many(self, observables: Sequence[Observable]) -> np.ndarray:
        """Shot means of many observables at once (float64 array): every term of every
        observable in one parallel pass of the C library's bit-parallel estimator."""
        if isinstance(observables, (str, PauliSum)):
            raise InvalidInputError("estimate_many takes a list of observables; use "
                                    "estimate() for one")
        return self._sh.estimate_many([as_pauli_sum(o)._s for o in observables])

    def window_features(self, k: int = 2) -> np.ndarray:
        """Shot means of every Pauli string whose support fits in ``k`` adjacent
        qubits, in the canonical order of :func:`window_strings` (the linear
        classifier's features)."""
        return self._sh.window_features(as_count(k, "k", 1))

    # ---- files --------------------------------------------------------------

    def save(self, path: Union[str, os.PathLike], format: str = "h5") -> None:
        """Write the HDF5 layout of ``plateau shadows --out`` (``format="h5"``: dataset
        ``bits`` uint64 [n, 3, words], attributes ``qubits``, ``shots``,
        ``plateau_version``, ``command``, ``seed``) or the text form (``"text"``: one
        shot per line, ``XZYZ 0110``), atomically."""
        self._sh.save(os.fspath(path), format, "python: plateau.Shadows.save", self.seed)

    # ---- measured data ------------------------------------------------------

    @classmethod
    def from_arrays(cls, bases: Any, outcomes: Any) -> "Shadows":
        """Shadows from measured data: ``bases`` (shots, n) as plateau codes (1 = X,
        2 = Z, 3 = Y; 0 = qubit not measured) or letters ``"X"``/``"Y"``/``"Z"`` (an
        array of single letters or one string per shot, qubit 0 first), ``outcomes``
        (shots, n) of 0/1 (1 = eigenvalue −1). Packed with numpy, then copied into C."""
        b = _basis_codes(bases)
        o = np.asarray(outcomes)
        if o.dtype == bool:
            o = o.astype(np.uint8)
        if o.shape != b.shape:
            raise InvalidInputError(f"bases and outcomes must have the same shape (shots, "
                                    f"qubits), got {b.shape} and {o.shape}")
        if o.size and not np.isin(o, (0, 1)).all():
            raise InvalidInputError("outcomes must be 0 (eigenvalue +1) or 1 (eigenvalue -1)")
        shots, n = b.shape
        if n < 1:
            raise InvalidInputError("shadows need at least one qubit")
        as_count(shots, "shots", 1)
        o = o.astype(np.uint8) & (b != 0)  # an unmeasured qubit has no outcome
        # pack as the C layout: per qubit basis bit 0, bit 1, outcome; shot s at bit s % 64
        planes = np.stack([b & 1, b >> 1, o], axis=0).transpose(2, 0, 1)  # (n, 3, shots)
        words = (shots + 63) // 64
        packed = np.zeros((n, 3, words * 8), dtype=np.uint8)
        packed[:, :, :(shots + 7) // 8] = np.packbits(planes, axis=2, bitorder="little")
        packed = packed.view("<u8").astype(np.uint64)
        return cls(_core.Shadows.from_packed(np.ascontiguousarray(packed), shots))

    @classmethod
    def from_packed(cls, bits: Any, shots: int) -> "Shadows":
        """Shadows from the packed layout (uint64 [n, 3, words], as :attr:`packed` and
        the HDF5 ``bits`` dataset), copied."""
        a = np.ascontiguousarray(bits, dtype=np.uint64)
        if a.ndim != 3:
            raise InvalidInputError(f"packed bits must have shape (qubits, 3, words), got "
                                    f"{a.shape}")
        return cls(_core.Shadows.from_packed(a, as_count(shots, "shots", 1)))

    # ---- PennyLane ----------------------------------------------------------

    def to_pennylane(self) -> Any:
        """As ``qml.ClassicalShadow(bits, recipes)`` on wires 0 … n−1 (recipes 0 = X,
        1 = Y, 2 = Z; column i is wire i = qubit i)."""
        import pennylane as qml

        bases, outcomes = self.arrays()
        if (bases == 0).any():
            raise InvalidInputError("shots with unmeasured qubits have no PennyLane form")
        return qml.ClassicalShadow(outcomes.astype(np.int64), _TO_RECIPE[bases].astype(np.int64),
                                   wire_map=list(range(self.num_qubits)))

    @classmethod
    def from_pennylane(cls, shadow: Any) -> "Shadows":
        """From a ``qml.ClassicalShadow`` or the pair ``(bits, recipes)`` that a QNode
        returning ``qml.classical_shadow`` gives (as a tuple or one (2, shots, wires)
        array). Column j goes to qubit ``wire_map[j]`` (the
        shadow's integer wires; default j); qubits no column names are "not measured"."""
        wire_map = None
        if isinstance(shadow, np.ndarray) and shadow.ndim == 3 and shadow.shape[0] == 2:
            bits, recipes = shadow  # a QNode's result stacked into one array
        elif isinstance(shadow, (tuple, list)) and len(shadow) == 2:
            bits, recipes = shadow
        elif hasattr(shadow, "bits") and hasattr(shadow, "recipes"):
            bits, recipes, wire_map = shadow.bits, shadow.recipes, list(shadow.wire_map)
        else:
            raise InvalidInputError("expected a qml.ClassicalShadow or a (bits, recipes) pair, "
                                    f"got {type(shadow).__name__}")
        bits = np.asarray(bits)
        recipes = np.asarray(recipes)
        if bits.shape != recipes.shape or bits.ndim != 2:
            raise InvalidInputError(f"bits and recipes must both be (shots, wires) arrays, got "
                                    f"shapes {bits.shape} and {recipes.shape}")
        if recipes.size and not np.isin(recipes, (0, 1, 2)).all():
            raise InvalidInputError("PennyLane recipes must be 0 (X), 1 (Y) or 2 (Z)")
        codes = _FROM_RECIPE[recipes.astype(np.int64)]
        if wire_map is not None and list(wire_map) != list(range(bits.shape[1])):
            try:
                cols = [int(w) for w in wire_map]
            except (TypeError, ValueError):
                raise InvalidInputError(f"wires must be integers (wire i is qubit i), got "
                                        f"{wire_map}") from None
            if min(cols) < 0 or len(set(cols)) != len(cols):
                raise InvalidInputError(f"wires must be distinct non-negative integers, got "
                                        f"{wire_map}")
            n = max(cols) + 1
            full_b = np.zeros((bits.shape[0], n), dtype=np.uint8)
            full_o = np.zeros((bits.shape[0], n), dtype=np.uint8)
            full_b[:, cols] = codes
            full_o[:, cols] = bits
            codes, bits = full_b, full_o
        return cls.from_arrays(codes, bits)


def _basis_codes(bases: Any) -> np.ndarray:
    """plateau basis codes (uint8, (shots, n)) from codes or letters."""
    a = np.asarray(bases)
    if a.dtype.kind in "US":
        if a.ndim == 1:  # one string per shot
            rows = [list(str(s)) for s in a]
            if len({len(r) for r in rows}) > 1:
                raise InvalidInputError("every basis string must have one letter per qubit")
            a = np.array(rows)
        lut = {"X": 1, "Z": 2, "Y": 3, "x": 1, "z": 2, "y": 3}
        flat = [lut.get(str(c)) for c in a.ravel()]
        if any(c is None for c in flat):
            bad = next(str(c) for c in a.ravel() if str(c) not in lut)
            raise InvalidInputError(f"unknown basis letter {bad!r} (valid: X, Y, Z)")
        a = np.array(flat, dtype=np.uint8).reshape(a.shape)
    if a.ndim != 2:
        raise InvalidInputError(f"bases must be a (shots, qubits) array, got shape {a.shape}")
    if a.size and not np.isin(a, (0, 1, 2, 3)).all():
        raise InvalidInputError("basis codes must be 1 (X), 2 (Z), 3 (Y) or 0 (not measured)")
    return np.ascontiguousarray(a, dtype=np.uint8)


def shadows(state: Any, shots: int, seed: Optional[int] = None,
            params: Optional[Sequence[float]] = None) -> Shadows:
    """``shots`` exact random-Pauli-basis shots of a state.

    ``state`` is a normalised state vector (2^n amplitudes, qubit 0 least
    significant), a :class:`Circuit` (run on |0…0⟩ with ``params``) or the path of a
    stored MPS (``plateau gs --out``; the same shots as ``plateau shadows --state F
    --shots S --seed SEED``). Shot s draws from the generator (seed, s): the result
    does not depend on the thread count. ``seed`` defaults to 1, as the CLI's.
    Sampling runs in C with the GIL released.
    """
    n_shots = as_count(shots, "shots", 1)
    s = as_seed(seed)
    if isinstance(state, (str, os.PathLike)):
        return Shadows(_core.Shadows.from_mps_file(os.fspath(state), n_shots, s), s)
    if isinstance(state, Circuit):
        amps = _core.statevector(state._c, as_params(params), None)
    else:
        if params is not None:
            raise InvalidInputError("params go with a Circuit, not a state vector")
        amps = as_state(state, "state")
    return Shadows(_core.Shadows.from_sv(amps, n_shots, s), s)


def load_shadows(path: Union[str, os.PathLike]) -> Shadows:
    """Read a shadow file: the HDF5 layout of ``plateau shadows --out`` (and
    :meth:`Shadows.save`) or the text form, whichever the file holds."""
    return Shadows(_core.Shadows.load(os.fspath(path)))


def window_strings(num_qubits: int, k: int = 2) -> List[str]:
    """Labels of every non-identity Pauli string on ``num_qubits`` qubits whose support
    fits in ``k`` adjacent qubits, in the order of :meth:`Shadows.window_features`."""
    return _core.window_strings(as_count(num_qubits, "num_qubits", 1), as_count(k, "k", 1))


def shrink_factor(estimates: ArrayLike, shots: ArrayLike, weight: int) -> float:
    """The shrinkage factor the surrogate applies to one Pauli string's shadow estimates
    (``pl_shadows_shrink_factor``): ``max(0, 1 - mean(v) / mean(est**2))`` over the
    states, ``v = (3**weight - est**2) / shots`` the shot-noise variance of a weight-``weight``
    estimate from ``shots`` shots. ``estimates`` and ``shots``: one entry per state."""
    est = np.ascontiguousarray(estimates, dtype=np.float64)
    n = np.ascontiguousarray(shots)
    if est.ndim != 1 or n.ndim != 1:
        raise InvalidInputError("estimates and shots must be one-dimensional")
    if n.size and (not np.issubdtype(n.dtype, np.integer) or n.min() < 1):
        raise InvalidInputError("shots must be positive integers")
    return _core.shrink_factor(est, n.astype(np.uint64), as_count(weight, "weight", 0))
