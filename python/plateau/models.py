"""Spin-chain models with known phase diagrams, their Hamiltonians, and ground states
(exact Lanczos or DMRG) with phase labels — the numbers of ``plateau gs``.

Every model lives on an open chain of sites 0 … n−1 (site q is qubit q). Parameters
are given as a dict ``{"h": 0.8}`` or the CLI's text ``"h=0.8,J=1"``; the others take
their defaults (see :func:`model_info`).
"""
from __future__ import annotations

import math
import os
import sys
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Tuple, Union

import numpy as np

from . import _core
from ._errors import InvalidInputError
from ._util import as_count, as_seed
from .pauli import PauliSum, as_pauli_sum

Params = Union[None, str, Mapping[str, float]]


class ModelInfo(NamedTuple):
    """A model's descriptor, as the C library's table holds it."""

    name: str  #: "tfim", "cluster-ising", ...
    hamiltonian: str  #: the formula
    min_sites: int  #: the smallest chain
    even_sites: bool  #: n must be even
    params: Dict[str, float]  #: each parameter's default, in the library's order
    ranges: Dict[str, Tuple[float, float]]  #: the range datasets sweep (lo == hi: fixed)
    labels: List[str]  #: label k's name
    measured_labels: bool  #: labels come from order parameters, not the closed form


def model_names() -> List[str]:
    """The model names: tfim, cluster-ising, generalized-cluster, annni, xxx-alternating."""
    return list(_core.model_names())


def model_info(name: str) -> ModelInfo:
    """The descriptor of model ``name`` (raises :class:`InvalidInputError` listing the
    valid names for an unknown one)."""
    d = _core.model_info(_name(name))
    return ModelInfo(d["name"], d["hamiltonian"], d["min_sites"], d["even_sites"],
                     {p[0]: p[1] for p in d["params"]},
                     {p[0]: (p[2], p[3]) for p in d["params"]}, list(d["labels"]),
                     d["measured_labels"])


def _name(model: Any) -> str:
    if not isinstance(model, str):
        raise InvalidInputError(f"the model must be a name such as 'tfim', got {model!r}")
    return model


def _params_text(params: Params) -> str:
    """The CLI's "k=v,..." text (repr keeps every double exactly)."""
    if params is None:
        return ""
    if isinstance(params, str):
        return params
    if not isinstance(params, Mapping):
        raise InvalidInputError("params must be a dict such as {'h': 0.8} or text 'h=0.8', "
                                f"got {type(params).__name__}")
    parts = []
    for k, v in params.items():
        if not isinstance(k, str) or isinstance(v, bool):
            raise InvalidInputError(f"bad model parameter {k!r}: {v!r}")
        try:
            parts.append(f"{k}={float(v)!r}")
        except (TypeError, ValueError):
            raise InvalidInputError(f"model parameter {k} must be a number, got {v!r}") from None
    return ",".join(parts)


def model_params(model: str, params: Params = None) -> Dict[str, float]:
    """Every parameter's value: those given, the defaults for the rest."""
    names = list(model_info(model).params)
    return dict(zip(names, _core.model_params(_name(model), _params_text(params))))


def model_hamiltonian(model: str, sites: int, params: Params = None) -> PauliSum:
    """The Hamiltonian of ``model`` on ``sites`` sites as a real :class:`PauliSum`
    (bond terms by site, then fields)."""
    return PauliSum._wrap(_core.model_hamiltonian(_name(model), _sites(sites),
                                                  _params_text(params)))


def _sites(sites: Any) -> int:
    n = as_count(sites, "sites", 1)
    return min(n, 2**31 - 1)


def _positive(value: Any, name: str, integer: bool) -> Union[int, float]:
    """None → 0 (the library's default); else a number > 0."""
    if value is None:
        return 0
    if integer:
        return min(as_count(value, name, 1), 2**31 - 1)
    if isinstance(value, bool):
        raise InvalidInputError(f"{name} must be a number, got {value!r}")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InvalidInputError(f"{name} must be a number, got {value!r}") from None
    if not (math.isfinite(v) and v > 0):
        raise InvalidInputError(f"{name} must be a finite number > 0 (None: default), "
                                f"got {value!r}")
    return v


class GroundState:
    """A ground state found by :func:`ground_state`, kept as an MPS (exact states
    converted without truncation), with the figures of ``plateau gs --json``."""

    __slots__ = ("_g", "_r")

    def __init__(self) -> None:
        raise TypeError("use plateau.ground_state(model, sites, ...) to make a GroundState")

    @classmethod
    def _wrap(cls, core: Any) -> "GroundState":
        g = cls.__new__(cls)
        g._g = core
        g._r = core.result()
        return g

    @property
    def model(self) -> str:
        """The model's name."""
        return self._r["model"]

    @property
    def sites(self) -> int:
        """Chain length."""
        return self._r["sites"]

    @property
    def params(self) -> Dict[str, float]:
        """Every parameter's value."""
        return dict(self._r["params"])

    @property
    def method(self) -> str:
        """``"exact"`` or ``"dmrg"`` (the one used; never ``"auto"``)."""
        return self._r["method"]

    @property
    def energy(self) -> float:
        """The ground-state energy."""
        return self._r["energy"]

    @property
    def max_truncation_error(self) -> float:
        """DMRG: the largest discarded weight of the last sweep; exact: 0."""
        return self._r["max_truncation_error"]

    @property
    def label(self) -> str:
        """The phase label's name (the dataset label; see :attr:`label_rule`)."""
        return self._r["label"]

    @property
    def label_index(self) -> int:
        """The phase label as an index into ``model_info(model).labels``."""
        return self._r["label_index"]

    @property
    def label_rule(self) -> str:
        """``"closed form"`` or ``"order parameters"``: where :attr:`label` comes from."""
        return self._r["label_rule"]

    @property
    def info(self) -> Dict[str, Any]:
        """Every figure ``plateau gs --json`` prints (label_closed_form,
        label_measured, sweeps, max_bond_dim, converged, seconds, ...)."""
        return dict(self._r)

    @property
    def bond_dims(self) -> List[int]:
        """The MPS's n + 1 bond dimensions (1 at both ends)."""
        return list(self._g.bond_dims)

    def expval(self, obs: Union[PauliSum, str]) -> float:
        """⟨ψ|obs|ψ⟩ on the MPS (strings with an odd number of Y give 0: ψ is real)."""
        return self._g.expval(as_pauli_sum(obs)._s)

    def statevector(self) -> np.ndarray:
        """The 2^n amplitudes (complex128, real values, qubit 0 least significant),
        contracted from the MPS; refused with :class:`OutOfMemoryError` beyond the
        memory limit. The global sign is arbitrary."""
        return self._g.statevector()

    def site_tensor(self, i: int) -> np.ndarray:
        """Site tensor i of the MPS, shape (dim(i), 2, dim(i+1)) (a copy)."""
        return self._g.site(as_count(i, "site"))

    def entropies(self) -> np.ndarray:
        """Von Neumann entanglement entropy of every cut (n − 1 values)."""
        return self._g.entropies()

    def save(self, path: Union[str, os.PathLike], seed: Optional[int] = None) -> None:
        """Write the MPS (``plateau gs --out`` format, plateau-mps HDF5) with the model,
        energy, label and parameters as attributes. ``seed`` is recorded only."""
        self._g.save(os.fspath(path), " ".join(sys.argv), as_seed(seed))

    def __repr__(self) -> str:
        return (f"<plateau.GroundState: {self.model} on {self.sites} sites, {self.method}, "
                f"E = {self.energy:.12g}, {self.label}>")


def ground_state(model: str, sites: int, params: Params = None, method: str = "auto",
                 chi: Optional[int] = None, cutoff: Optional[float] = None,
                 sweeps: Optional[int] = None, tol: Optional[float] = None,
                 seed: Optional[int] = None) -> GroundState:
    """The ground state of ``model`` on an open chain of ``sites`` sites.

    ``method``: ``"exact"`` (Lanczos on the state vector, up to ~22 sites), ``"dmrg"``,
    or ``"auto"`` (exact up to 14 sites). DMRG settings (None: the defaults of
    ``plateau gs``): ``chi`` bond dimension (64), ``cutoff`` discarded weight per cut
    (1e-12), ``sweeps`` at most (30), ``tol`` energy change that stops the sweeps
    (1e-10). ``seed`` draws the start vectors (default 1, as the CLI). Runs with the
    GIL released.
    """
    if not isinstance(method, str):
        raise InvalidInputError(f"method must be a string, got {method!r}")
    core = _core.ground_state(_name(model), _sites(sites), _params_text(params), method,
                              _positive(chi, "chi", True), _positive(cutoff, "cutoff", False),
                              _positive(sweeps, "sweeps", True), _positive(tol, "tol", False),
                              as_seed(seed))
    return GroundState._wrap(core)
