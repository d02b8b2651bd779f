"""Qiskit interop: circuits both ways, ``SparsePauliOp`` ⇄ :class:`PauliSum`, and an
``Estimator`` (a Qiskit ``BaseEstimatorV2``) that runs on plateau.

Conventions shared by both libraries, so nothing is reordered: qubit 0 is the least
significant bit of a basis-state index (the rightmost character of a Qiskit label:
``"XIZ"`` is ``X2 Z0``), and rotations are ``exp(-i θ P / 2)``.

Circuit conversion (:func:`from_qiskit`):

* Parameters: plateau parameter ``k`` is ``qc.parameters[k]`` (Qiskit's order: sorted by
  name, ``ParameterVector`` elements in index order). Angles must be affine in one
  parameter (``2*theta + 0.5``, ``-theta``, ``theta/2``), as plateau's ``a*θ[k] + b``;
  with ``params`` every expression is evaluated, so any expression is accepted.
* Gates: Qiskit's standard gates map to plateau's natively; other controlled 1-qubit
  gates become multi-controlled unitaries, ``rzx`` and a ``PauliEvolutionGate`` of
  commuting real terms become Pauli rotations (exact), any other bound gate on 1–2
  qubits becomes a unitary (Qiskit's matrix convention equals plateau's), and the rest
  is unrolled through its ``definition``. A ``PauliEvolutionGate`` of non-commuting
  terms is unrolled through its synthesis (Lie–Trotter by default), as ``transpile``
  does, while Qiskit's ``Statevector`` takes its exact exponential.
* The global phase (of the circuit and of every definition) is dropped: plateau's
  expectation values, probabilities and samples do not depend on it, but its state
  vector may differ from Qiskit's by a phase ``e^{iφ}``.
* ``barrier`` and ``delay`` are ignored; final measurements are recorded; ``reset`` is
  accepted where it does nothing (a qubit nothing has acted on yet). Mid-circuit
  measurements and classical control flow raise :class:`plateau.UnsupportedError`.
"""
from __future__ import annotations

import math
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
from qiskit.circuit import (ClassicalRegister, ControlledGate, Gate, Parameter,
                            ParameterExpression, ParameterVector, QuantumCircuit,
                            QuantumRegister)
from qiskit.circuit.library import CU3Gate, PauliEvolutionGate, U2Gate, UnitaryGate
from qiskit.primitives import BaseEstimatorV2
from qiskit.primitives.containers import DataBin, EstimatorPubLike, PrimitiveResult, PubResult
from qiskit.primitives.containers.estimator_pub import EstimatorPub
from qiskit.primitives.primitive_job import PrimitiveJob
from qiskit.quantum_info import Pauli, SparsePauliOp

from ._errors import InvalidInputError, UnsupportedError
from .circuit import Angle, Circuit
from .pauli import PauliSum
from .simulate import expval, statevector

__all__ = ["Estimator", "from_qiskit", "pauli_sum_from_qiskit", "pauli_sum_to_qiskit",
           "to_qiskit"]

ParamValues = Union[Mapping[Any, Any], Sequence[float], np.ndarray]

#: Qiskit instruction name -> plateau gate name, for gates whose matrices agree exactly.
_NATIVE = {name: name for name in (
    "id", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "sxdg", "rx", "ry", "rz", "p",
    "u2", "u3", "cx", "cy", "cz", "ch", "csx", "swap", "crx", "cry", "crz", "cp", "cu3",
    "rxx", "ryy", "rzz", "ccx", "cswap")}
_NATIVE.update({"u1": "p", "u": "u3", "cu1": "cp"})

_IGNORED = ("barrier", "delay")
_MAX_DEPTH = 64  # nesting of definitions unrolled before giving up


class _NonAffineError(InvalidInputError):
    """An angle plateau cannot keep symbolic (caught by the Estimator, which then binds)."""


def _real(value: Any, what: str) -> float:
    z = complex(value)
    if z.imag != 0 or not math.isfinite(z.real):
        raise InvalidInputError(f"{what} must be a finite real number, got {value}")
    return z.real


def _bindings(qc: QuantumCircuit, params: ParamValues) -> Dict[Parameter, float]:
    """Values for every parameter of ``qc`` from a mapping or a sequence."""
    order = list(qc.parameters)
    if isinstance(params, Mapping):
        by_name = {p.name: p for p in order}
        known = set(order)
        out: Dict[Parameter, float] = {}
        for key, value in params.items():
            if isinstance(key, ParameterVector):
                value = list(np.ravel(value))
                if len(value) != len(key):
                    raise InvalidInputError(f"ParameterVector '{key.name}' has {len(key)} "
                                            f"elements, got {len(value)} values")
                pairs = list(zip(key, value))
            else:
                pairs = [(by_name.get(key) if isinstance(key, str) else key, value)]
            for p, v in pairs:
                if p not in known:
                    raise InvalidInputError(f"parameter {key!r} is not in the circuit")
                out[p] = _real(v, f"the value of parameter '{p.name}'")
        missing = [p.name for p in order if p not in out]
        if missing:
            raise InvalidInputError(f"no value for parameter(s) {', '.join(missing)}")
        return out
    try:
        values = np.asarray(params, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError) as e:
        raise InvalidInputError(f"parameters must be real numbers: {e}") from None
    if len(values) != len(order):
        names = ", ".join(p.name for p in order[:6]) + (", ..." if len(order) > 6 else "")
        raise InvalidInputError(f"the circuit has {len(order)} parameter(s) ({names}), "
                                f"got {len(values)} value(s)")
    return dict(zip(order, (float(v) for v in values)))


class _Converter:
    """One pass over a QuantumCircuit (and the definitions it unrolls) into a Circuit."""

    def __init__(self, qc: QuantumCircuit, values: Optional[Dict[Parameter, float]]) -> None:
        self.index = {p: k for k, p in enumerate(qc.parameters)}
        self.values = values
        self.out = Circuit(qc.num_qubits)
        self.n = qc.num_qubits
        self.touched = [False] * qc.num_qubits  # any operation or measurement so far
        self.measures: List[Tuple[int, int]] = []  # (qubit, classical bit)
        self.measured: set = set()  # qubits measured so far

    # ---- angles -------------------------------------------------------------------------
    def angle(self, value: Any, where: str) -> Angle:
        """A number, or ``(a, k, b)`` for ``a * theta[k] + b``."""
        if not isinstance(value, ParameterExpression):
            return (0.0, -1, _real(value, f"{where}: the angle"))
        params = value.parameters
        if params and self.values is not None:
            value = value.bind({p: self.values[p] for p in params})
            params = value.parameters
        if not params:
            return (0.0, -1, _real(value.numeric(), f"{where}: the angle"))
        if len(params) > 1:
            names = ", ".join(sorted(p.name for p in params))
            raise _NonAffineError(f"{where}: angle '{value}' depends on {len(params)} "
                                  f"parameters ({names}); plateau angles are a*theta[k] + b in "
                                  "one parameter (give params= to bind them)")
        (p,) = params
        try:
            a = value.gradient(p)
            if isinstance(a, ParameterExpression):
                if a.parameters:
                    raise TypeError("not affine")
                a = a.numeric()
            a = complex(a)
            b = complex(value.bind({p: 0.0}).numeric())
        except (TypeError, ValueError, ZeroDivisionError, ArithmeticError):
            a = b = complex("nan")
        if not (a.imag == 0 and b.imag == 0 and math.isfinite(a.real)
                and math.isfinite(b.real)):
            raise _NonAffineError(f"{where}: angle '{value}' is not affine (a*{p.name} + b with "
                                  "real a, b); give params= to bind it")
        return (a.real, self.index[p], b.real)

    # ---- instructions -------------------------------------------------------------------
    def run(self, qc: QuantumCircuit, qubits: List[int], clbits: List[int], depth: int) -> None:
        for inst in qc.data:
            q = [qubits[qc.find_bit(b).index] for b in inst.qubits]
            c = [clbits[qc.find_bit(b).index] for b in inst.clbits]
            self.instruction(inst.operation, q, c, depth)

    def instruction(self, op: Any, q: List[int], c: List[int], depth: int) -> None:
        name = op.name
        where = f"gate '{name}' on qubit(s) {q}"
        if name in _IGNORED:
            return
        if name == "measure":
            self.measures.append((q[0], c[0]))
            self.measured.add(q[0])
            self.touched[q[0]] = True
            return
        if name == "reset":
            if self.touched[q[0]]:
                raise UnsupportedError(f"reset of qubit {q[0]} after an operation on it is not "
                                       "supported (reset is accepted only at the start)")
            return
        if getattr(op, "blocks", None) is not None or getattr(op, "condition", None) is not None:
            raise UnsupportedError(f"classical control flow ('{name}') is not supported")
        if c:
            raise UnsupportedError(f"instruction '{name}' on classical bits {c} is not supported")
        for k in q:
            if k in self.measured:
                raise UnsupportedError(f"mid-circuit measurement is not supported: {where} "
                                       f"acts on qubit {k} after it was measured")
        self.gate(op, q, where, depth)
        for k in q:
            self.touched[k] = True

    def gate(self, op: Any, q: List[int], where: str, depth: int) -> None:
        name = op.name
        out = self.out
        bound = not any(isinstance(p, ParameterExpression) and p.parameters for p in op.params)
        if name in _NATIVE:
            out.add(_NATIVE[name], q, *[self.angle(p, where) for p in op.params])
        elif name == "mcx" and isinstance(op, ControlledGate) and _all_ones(op):
            # "c3x" names plateau's MCX, which takes any number of controls
            out._c.add_gate("c3x" if len(q) > 3 else ("ccx" if len(q) == 3 else "cx"), q, [])
        elif name == "cu":  # |0><0| ⊗ I + e^{iγ} |1><1| ⊗ U3(θ, φ, λ): p(γ) on the control
            theta, phi, lam, gamma = (self.angle(p, where) for p in op.params)
            out.add("p", q[:1], gamma)
            out.add("cu3", q, theta, phi, lam)
        elif name == "rzx":  # exp(-i θ/2 X⊗Z): Z on the first qubit, X on the second
            out.add_pauli_rotation(f"Z{q[0]} X{q[1]}", self.angle(op.params[0], where))
        elif isinstance(op, PauliEvolutionGate):
            if not self.pauli_evolution(op, q, where):  # Qiskit's synthesis, as transpile does
                self.run(op.definition, q, [], depth + 1)
        elif (isinstance(op, ControlledGate) and op.base_gate.num_qubits == 1 and bound
              and len(op.params) == len(op.base_gate.params) and _has_matrix(op.base_gate)):
            self.controlled(op, q)
        elif isinstance(op, Gate) and len(q) <= 2 and bound and _has_matrix(op):
            out.add_unitary(q, np.asarray(op.to_matrix(), dtype=np.complex128))
        elif op.definition is not None and depth < _MAX_DEPTH:
            d = op.definition
            self.run(d, q, [], depth + 1)
        else:
            raise UnsupportedError(f"{where} is not supported by plateau (no native form, "
                                   "matrix or definition); transpile the circuit first")

    def controlled(self, op: ControlledGate, q: List[int]) -> None:
        """A bound controlled 1-qubit gate; open controls are flipped with X."""
        nc = op.num_ctrl_qubits
        controls, target = q[:nc], q[nc]
        flips = [controls[i] for i in range(nc) if not (op.ctrl_state >> i) & 1]
        for k in flips:
            self.out.add("x", [k])
        self.out.add_controlled_unitary(controls, target,
                                        np.asarray(op.base_gate.to_matrix(), np.complex128))
        for k in flips:
            self.out.add("x", [k])

    def pauli_evolution(self, op: PauliEvolutionGate, q: List[int], where: str) -> bool:
        """exp(-i t H) for H a SparsePauliOp of commuting real terms, as Pauli rotations
        exp(-i (2 c t) P / 2). False when H is not that simple (the caller unrolls it)."""
        h = op.operator
        if not isinstance(h, SparsePauliOp) or h.coeffs.dtype == object:
            return False
        if np.any(np.imag(h.coeffs) != 0):
            return False
        paulis = h.paulis
        for i in range(len(paulis)):
            for j in range(i + 1, len(paulis)):
                if not paulis[i].commutes(paulis[j]):
                    return False
        for letters, idx, coeff in h.to_sparse_list():
            label = " ".join(f"{p}{q[i]}" for p, i in zip(letters, idx) if p != "I")
            if label and coeff != 0:
                angle = self.angle(op.time * (2.0 * float(np.real(coeff))), where)
                self.out.add_pauli_rotation(label, angle)
        return True


def _all_ones(op: ControlledGate) -> bool:
    return op.ctrl_state == (1 << op.num_ctrl_qubits) - 1


def _has_matrix(op: Any) -> bool:
    try:
        op.to_matrix()
    except Exception:  # Qiskit raises CircuitError or others for gates without a matrix
        return False
    return True


def from_qiskit(circuit: QuantumCircuit, params: Optional[ParamValues] = None) -> Circuit:
    """A plateau :class:`Circuit` from a Qiskit ``QuantumCircuit``.

    Without ``params`` the circuit stays symbolic: plateau parameter ``k`` is
    ``circuit.parameters[k]``, so ``plateau.statevector(c, values)`` with values in that
    order equals Qiskit's ``circuit.assign_parameters(values)``. With ``params`` (a
    sequence in that order, or a mapping from ``Parameter``, ``ParameterVector`` or a
    parameter name to values) every angle is bound and the circuit has no parameters.
    The global phase is dropped (see the module notes).

    Raises :class:`plateau.InvalidInputError` for a non-affine or multi-parameter angle
    (naming the gate and the expression) or a wrong number of values, and
    :class:`plateau.UnsupportedError` for mid-circuit measurements, control flow and
    instructions without a native form, matrix or definition.
    """
    if not isinstance(circuit, QuantumCircuit):
        raise InvalidInputError(f"from_qiskit takes a qiskit QuantumCircuit, got "
                                f"{type(circuit).__name__}")
    values = None if params is None else _bindings(circuit, params)
    conv = _Converter(circuit, values)
    conv.run(circuit, list(range(circuit.num_qubits)), list(range(circuit.num_clbits)), 0)
    for q, c in conv.measures:
        conv.out._c.add_measure(q, c)
    return conv.out


def _expr(angle: Angle, theta: Optional[ParameterVector], values: Optional[np.ndarray]) -> Any:
    a, k, b = angle
    if k < 0 or a == 0:
        return b
    if values is not None:
        return a * float(values[k]) + b
    e = theta[k] if a == 1 else a * theta[k]
    return e + b if b != 0 else e


def to_qiskit(circuit: Circuit, params: Optional[Sequence[float]] = None) -> QuantumCircuit:
    """A Qiskit ``QuantumCircuit`` from a plateau :class:`Circuit`.

    Without ``params`` a symbolic circuit keeps its parameters as the elements of a
    ``ParameterVector("theta", num_params)`` (so ``from_qiskit`` reads them back in the
    same order); with ``params`` the angles are bound to numbers. Final measurements
    go to a classical register ``c``. Gates map one to one (multi-controlled unitaries
    as controlled ``UnitaryGate``, Pauli rotations as ``PauliEvolutionGate``), with the
    same matrices, so the states agree exactly.
    """
    if not isinstance(circuit, Circuit):
        raise InvalidInputError(f"to_qiskit takes a plateau Circuit, got "
                                f"{type(circuit).__name__}")
    n, np_ = circuit.num_qubits, circuit.num_params
    values = None
    if params is not None:
        values = np.asarray(params, dtype=np.float64).reshape(-1)
        if len(values) != np_:
            raise InvalidInputError(f"the circuit has {np_} parameter(s), got {len(values)} "
                                    "value(s)")
    theta = ParameterVector("theta", np_) if np_ and values is None else None
    meas = circuit.measurements()
    regs: List[Any] = [QuantumRegister(n, "q")]
    if meas:
        regs.append(ClassicalRegister(max(c for _, c in meas) + 1, "c"))
    qc = QuantumCircuit(*regs)
    for op in circuit.operations():
        q = list(op.qubits)
        ang = [_expr(a, theta, values) for a in op.angles]
        if op.gate == "mcx":
            qc.mcx(q[:-1], q[-1])
        elif op.gate in ("unitary1", "unitary2"):
            qc.append(UnitaryGate(op.matrix, check_input=False), q)
        elif op.gate == "mcu":
            g = UnitaryGate(op.matrix, check_input=False)
            qc.append(g.control(len(q) - 1) if len(q) > 1 else g, q)
        elif op.gate == "pauli_rot":
            factors = op.pauli.split()
            sub = [int(f[1:]) for f in factors]
            label = "".join(f[0] for f in reversed(factors))  # Qiskit: first qubit rightmost
            qc.append(PauliEvolutionGate(SparsePauliOp(label), time=ang[0] / 2), sub)
        elif op.gate == "u2":
            qc.append(U2Gate(*ang), q)
        elif op.gate == "u3":
            qc.u(*ang, q[0])
        elif op.gate == "cu3":
            qc.append(CU3Gate(*ang), q)
        else:
            getattr(qc, op.gate)(*ang, *q)
    for q, c in meas:
        qc.measure(q, c)
    return qc


# ---- Pauli sums ------------------------------------------------------------------------------

def pauli_sum_from_qiskit(op: Any) -> PauliSum:
    """A :class:`PauliSum` from a ``SparsePauliOp`` or ``Pauli`` (on its ``num_qubits``;
    complex coefficients kept). Qubit 0 is the rightmost character of a Qiskit label."""
    if isinstance(op, Pauli):
        op = SparsePauliOp(op)
    if not isinstance(op, SparsePauliOp):
        raise InvalidInputError(f"expected a qiskit SparsePauliOp or Pauli, got "
                                f"{type(op).__name__}")
    if op.coeffs.dtype == object:
        try:
            op = SparsePauliOp(op.paulis, np.asarray(op.coeffs, dtype=np.complex128))
        except (TypeError, ValueError):
            raise InvalidInputError("the SparsePauliOp has symbolic coefficients; bind them "
                                    "first (assign_parameters)") from None
    terms = []
    for letters, idx, coeff in op.to_sparse_list():
        factors = sorted((int(i), p) for p, i in zip(letters, idx) if p != "I")
        terms.append((complex(coeff), " ".join(f"{p}{i}" for i, p in factors) or "I"))
    return PauliSum.from_terms(terms, qubits=op.num_qubits)


def pauli_sum_to_qiskit(s: PauliSum) -> SparsePauliOp:
    """A ``SparsePauliOp`` on ``s.num_qubits`` qubits (complex coefficients)."""
    terms = []
    for coeff, label in s.terms:
        factors = [] if label == "I" else label.split()
        terms.append(("".join(f[0] for f in factors), [int(f[1:]) for f in factors],
                      complex(coeff)))
    if not terms:
        terms = [("", [], 0j)]
    return SparsePauliOp.from_sparse_list(terms, num_qubits=s.num_qubits)


# ---- Estimator -------------------------------------------------------------------------------

def _qubitwise_groups(obs: PauliSum) -> List[PauliSum]:
    """The non-identity terms in the groups plateau's shot estimator measures together
    (greedy, in term order, as pl_sv_expval_sum_shots)."""
    bases: List[Dict[int, str]] = []
    members: List[List[Tuple[complex, str]]] = []
    for coeff, label in obs.terms:
        factors = {} if label == "I" else {int(f[1:]): f[0] for f in label.split()}
        for g, basis in enumerate(bases):
            if all(basis.get(k, p) == p for k, p in factors.items()):
                break
        else:
            g = len(bases)
            bases.append({})
            members.append([])
        bases[g].update(factors)
        if factors:
            members[g].append((coeff, label))
    return [PauliSum.from_terms(m, obs.num_qubits) for m in members if m]


class Estimator(BaseEstimatorV2):
    """A Qiskit ``BaseEstimatorV2`` that simulates on plateau's state vector.

    Each pub's circuit is converted once (symbolically, see :func:`from_qiskit`; circuits
    with non-affine angles are bound and converted per parameter set), then run once per
    parameter set. With precision 0 the values are exact and ``stds`` are 0. With precision
    ``ε > 0`` each value is estimated from ``ceil(1/ε²)`` shots per group of qubit-wise
    commuting terms (``plateau.expval(shots=...)``), and ``stds`` holds that estimator's
    exact standard error ``sqrt(Σ_g Var_ψ(O_g) / shots)``. Shots are reproducible for a
    ``seed`` (an integer or a numpy Generator; None: fresh randomness), as Qiskit's
    ``StatevectorEstimator`` draws a generator from it per pub.
    """

    def __init__(self, *, default_precision: float = 0.0,
                 seed: Union[np.random.Generator, int, None] = None) -> None:
        """An estimator with ``default_precision`` (used when ``run`` gets none) and ``seed``."""
        self._default_precision = float(default_precision)
        self._seed = seed

    @property
    def default_precision(self) -> float:
        """The precision used when ``run`` is given none."""
        return self._default_precision

    @property
    def seed(self) -> Union[np.random.Generator, int, None]:
        """The seed or Generator of the shot estimates."""
        return self._seed

    def run(self, pubs: Sequence[EstimatorPubLike], *,
            precision: Optional[float] = None) -> PrimitiveJob:
        """Estimate the expectation values of each pub (circuit, observables,
        parameter values, precision); ``job.result()[i].data.evs`` has the broadcast
        shape of pub i's observables and parameter values."""
        if precision is None:
            precision = self._default_precision
        coerced = [EstimatorPub.coerce(pub, precision) for pub in pubs]
        job = PrimitiveJob(self._run, coerced)
        job._submit()
        return job

    def _run(self, pubs: List[EstimatorPub]) -> PrimitiveResult:
        return PrimitiveResult([self._run_pub(pub) for pub in pubs], metadata={"version": 2})

    def _run_pub(self, pub: EstimatorPub) -> PubResult:
        rng = np.random.default_rng(self._seed)
        qc, observables, bindings = pub.circuit, pub.observables, pub.parameter_values
        precision = float(pub.precision or 0.0)
        shots = math.ceil(1.0 / precision**2) if precision > 0 else 0
        shape = np.broadcast_shapes(observables.shape, bindings.shape)
        values = bindings.as_array(qc.parameters).reshape(bindings.size, -1)
        try:
            symbolic: Optional[Circuit] = from_qiskit(qc)
        except _NonAffineError:
            symbolic = None
        n = qc.num_qubits
        empty = Circuit(n)
        sums: Dict[int, Tuple[PauliSum, List[PauliSum]]] = {}
        obs_of = np.broadcast_to(np.arange(observables.size).reshape(observables.shape), shape)
        set_of = np.broadcast_to(np.arange(bindings.size).reshape(bindings.shape), shape)
        evs = np.zeros(shape, dtype=np.float64)
        stds = np.zeros(shape, dtype=np.float64)
        by_set: Dict[int, List[Tuple[int, ...]]] = {}
        for index in np.ndindex(*shape):
            by_set.setdefault(int(set_of[index]), []).append(index)
        for s, indices in sorted(by_set.items()):
            if symbolic is None:
                state = statevector(from_qiskit(qc, values[s]))
            else:
                row = values[s][:symbolic.num_params]
                state = statevector(symbolic, row if symbolic.num_params else None)
            for index in indices:
                o = int(obs_of[index])
                if o not in sums:
                    terms = observables[np.unravel_index(o, observables.shape)]
                    obs = pauli_sum_from_qiskit(SparsePauliOp.from_list(list(terms.items()))
                                                if terms else SparsePauliOp("I" * n, 0.0))
                    sums[o] = (obs, _qubitwise_groups(obs) if shots else [])
                obs, groups = sums[o]
                if shots:
                    seed = int(rng.integers(0, 2**63))
                    evs[index] = expval(empty, obs, shots=shots, seed=seed, initial=state)
                    var = 0.0
                    for g in groups:
                        mean = expval(empty, g, initial=state)
                        var += max(expval(empty, g * g, initial=state) - mean * mean, 0.0)
                    stds[index] = math.sqrt(var / shots)
                else:
                    evs[index] = expval(empty, obs, initial=state)
        data = DataBin(evs=evs, stds=stds, shape=evs.shape)
        return PubResult(data, metadata={"target_precision": precision, "shots": shots,
                                         "circuit_metadata": qc.metadata})
