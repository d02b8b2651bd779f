"""Trainability diagnostics: gradient variances over random angles, their decay
with the number of qubits (is there a barren plateau?), and the audit.

The cost is ``C(θ) = ⟨0…0|U(θ)† O U(θ)|0…0⟩`` with θ uniform in [0, 2π)^P; a barren
plateau is ``Var[∂C]`` falling exponentially with n (SCIENCE.md §2).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

from . import _core
from ._errors import InvalidInputError
from ._util import as_count, as_params, as_seed
from .circuit import Circuit, ansatz
from .pauli import PauliSum, as_pauli_sum


@dataclass(frozen=True)
class VariancePoint:
    """Gradient and cost variances of one circuit over random angles."""

    qubits: int
    params: int
    samples: int
    var_grad: float  #: Var[∂_k C] (k = param), or its mean over every parameter
    stderr: float  #: standard error of var_grad (from the sample fourth moments)
    var_cost: float
    var_cost_stderr: float
    mean_grad: float  #: mean of ∂_k C (≈ 0)
    seconds: float


@dataclass(frozen=True)
class VarianceFit:
    """Weighted fits of log Var[∂C] against n (exponential) and log n (polynomial)."""

    points: int
    rate: float  #: log Var = a − rate·n
    rate_stderr: float
    base: float  #: e^rate: Var ∝ base^−n
    exponent: float  #: log Var = a − exponent·log n
    exponent_stderr: float
    log_a_exp: float
    log_a_poly: float
    chi2_exp: float
    chi2_poly: float
    verdict: str  #: "barren plateau", "no barren plateau" or "inconclusive"


@dataclass(frozen=True)
class VarianceScan:
    """A gradient-variance scan over sizes and its fit (``plateau bp``)."""

    points: List[VariancePoint]
    fit: VarianceFit

    @property
    def verdict(self) -> str:
        """The fit's verdict."""
        return self.fit.verdict


def cost_observable(kind: str, qubits: int) -> PauliSum:
    """The standard cost: ``"global"`` (Z0 Z1 … Z_{n−1}) or ``"local"`` ((1/n) Σ Z_j)."""
    return PauliSum._wrap(_core.cost_observable(kind, as_count(qubits, "qubits", 1)))


def gradient_variance(circuit: Circuit, obs: Union[PauliSum, str, None] = None,
                      samples: int = 200, seed: Optional[int] = None,
                      param: Optional[int] = None) -> VariancePoint:
    """Var[∂C] and Var[C] over ``samples`` uniform random angle vectors (adjoint
    gradients; sample s draws its angles from the generator (seed, s), so the result
    equals ``plateau bp`` and does not depend on the thread count).

    ``obs`` defaults to the local cost; ``param`` differentiates θ_param only
    (default: every parameter, variances averaged).
    """
    h = cost_observable("local", circuit.num_qubits) if obs is None else as_pauli_sum(obs)
    k = -1 if param is None else as_count(param, "param")
    d = _core.gradient_variance(circuit._c, h._s, as_count(samples, "samples", 2),
                                as_seed(seed), k)
    return VariancePoint(**d)


def fit_variances(points: Sequence[VariancePoint]) -> VarianceFit:
    """Fit the decay of Var[∂C] with n; the verdict is "barren plateau" when the
    exponential law fits at least as well as the polynomial one with a rate positive
    by more than 3 standard errors, "inconclusive" with fewer than 3 sizes."""
    return VarianceFit(**_core.bp_fit([(p.qubits, p.var_grad, p.stderr) for p in points]))


def variance_scan(circuit: Union[str, Callable[[int], Circuit]], qubits: Sequence[int],
                  layers: Union[int, str, None] = 1, cost: Union[str, Callable[[int], Any]] = "local",
                  samples: int = 200, seed: Optional[int] = None, param: Optional[int] = None,
                  share: bool = False) -> VarianceScan:
    """Gradient variances of one circuit family at each size in ``qubits``, and the fit.

    ``circuit`` is an ansatz name (``"hea"``, ...; with ``layers``, an integer or
    ``"n"`` for depth = n, and ``share``) or a function n → Circuit. ``cost`` is
    ``"global"``, ``"local"`` or a function n → PauliSum/text. The same numbers as
    ``plateau bp --ansatz A --qubits ... --layers L --cost C --samples S --seed S``.
    """
    def build(n: int) -> Circuit:
        if callable(circuit):
            return circuit(n)
        depth = n if layers == "n" else layers
        return ansatz(circuit, n, layers=depth, share=share)

    def observable(n: int) -> PauliSum:
        if callable(cost):
            return as_pauli_sum(cost(n))
        if cost in ("global", "local"):
            return cost_observable(cost, n)
        raise InvalidInputError(f"cost must be 'global', 'local' or a function, got {cost!r}")

    points = [gradient_variance(build(as_count(n, "qubits", 1)), observable(n), samples, seed,
                                param) for n in qubits]
    return VarianceScan(points, fit_variances(points))


def audit(circuit: Circuit, obs: Union[PauliSum, str], params: Optional[Sequence[float]] = None,
          samples: int = 100, max_dim: int = 4096, seed: Optional[int] = None) -> Dict[str, Any]:
    """Trainability and simulability evidence for the cost ⟨O⟩ (``plateau audit``):
    the DLA dimension (capped at ``max_dim``), the Lie-algebraic predicted variance,
    sampled variances (up to 20 qubits), the light cone, truncated propagation at
    weights 2 and 4, the simulator found and the verdict, as a dict with the keys of
    ``plateau audit --json`` (None where a part was not computed; ``note`` says why).
    """
    return _core.audit(circuit._c, as_pauli_sum(obs)._s, as_params(params),
                       as_count(samples, "samples", 2), as_count(max_dim, "max_dim", 1),
                       as_seed(seed))
