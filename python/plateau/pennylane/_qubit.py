"""The ``plateau.qubit`` PennyLane device: plateau's state-vector simulator, with
adjoint differentiation by plateau's C implementation."""
from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Any, List, Optional, Sequence, Tuple

import numpy as np
import pennylane as qml
from pennylane.devices import Device, ExecutionConfig
from pennylane.devices.modifiers import simulator_tracking, single_tape_support
from pennylane.devices.preprocess import (decompose, no_sampling,
                                          validate_adjoint_trainable_params,
                                          validate_device_wires, validate_measurements,
                                          validate_observables)
from pennylane.exceptions import DeviceError
from pennylane.measurements import (CountsMP, ExpectationMP, MeasurementProcess, ProbabilityMP,
                                    SampleMP, StateMP, VarianceMP)
from pennylane.tape import QuantumScript
from pennylane.transforms import broadcast_expand
from pennylane.transforms.core import CompilePipeline

from .. import Circuit, expval, grad, sample, statevector
from ._convert import (Converted, is_pauli, jacobian_layout, pauli_sum, reorder, supported,
                       to_circuit)

_GATE_NAMES = frozenset({
    "Identity", "PauliX", "PauliY", "PauliZ", "Hadamard", "S", "T", "SX", "Adjoint(S)",
    "Adjoint(T)", "Adjoint(SX)", "RX", "RY", "RZ", "PhaseShift", "U1", "U2", "U3", "Rot", "CNOT",
    "CY", "CZ", "CH", "SWAP", "CRX", "CRY", "CRZ", "CRot", "ControlledPhaseShift", "IsingXX",
    "IsingYY", "IsingZZ", "Toffoli", "CSWAP", "MultiControlledX", "PauliRot", "MultiRZ",
    "QubitUnitary", "GlobalPhase",
})


def _observable_ok(obs: Any) -> bool:
    """Pauli combinations, or a matrix observable on at most 2 wires (measured by
    applying its diagonalizing gates)."""
    return is_pauli(obs) or (obs.has_matrix and len(obs.wires) <= 2)


def _analytic_ok(m: MeasurementProcess) -> bool:
    return isinstance(m, (ExpectationMP, VarianceMP, ProbabilityMP, StateMP))


def _sample_ok(m: MeasurementProcess) -> bool:
    return isinstance(m, (ExpectationMP, VarianceMP, ProbabilityMP, SampleMP, CountsMP))


def _adjoint_ok(m: MeasurementProcess) -> bool:
    return isinstance(m, ExpectationMP) and is_pauli(m.obs)


@simulator_tracking
@single_tape_support
class PlateauQubit(Device):
    """plateau's state-vector simulator as a PennyLane device.

    Args:
        wires: the number of wires or their labels; ``wires[i]`` is plateau qubit i.
        shots: default shots (deprecated by PennyLane in favour of ``qml.set_shots``).
        seed: seed of the samples (reproducible for a seed; None draws one from the OS).

    With shots, measurements in the computational basis (``sample``, ``counts``,
    ``probs`` without observables) share one set of samples; each measurement of
    another observable is sampled on its own, and ``expval`` of a Pauli sum is
    estimated by plateau per group of qubit-wise commuting terms.

    Gradients: ``diff_method="adjoint"`` (and ``"best"``) run plateau's adjoint
    differentiation (one pass per measured expectation value).
    """

    name = "plateau.qubit"

    def __init__(self, wires: Any = None, shots: Any = None, seed: Optional[int] = None) -> None:
        super().__init__(wires=wires, shots=shots)
        self._rng = np.random.default_rng(seed)

    # ---- configuration ---------------------------------------------------------------

    def supports_derivatives(self, execution_config: Optional[ExecutionConfig] = None,
                             circuit: Optional[QuantumScript] = None) -> bool:
        """Adjoint derivatives of expectation values of Pauli combinations, without shots."""
        if execution_config is None:
            return True
        if execution_config.gradient_method not in ("best", "adjoint", "device"):
            return False
        if circuit is None:
            return True
        try:
            self._adjoint_pipeline()((circuit,))
        except (DeviceError, qml.exceptions.QuantumFunctionError,
                qml.operation.DecompositionUndefinedError, AttributeError):
            return False
        return True

    def setup_execution_config(self, config: Optional[ExecutionConfig] = None,
                               circuit: Optional[QuantumScript] = None) -> ExecutionConfig:
        """``best`` and ``device`` mean plateau's adjoint differentiation."""
        config = config or ExecutionConfig()
        updated = {}
        if config.device_options:
            raise DeviceError(f"{self.name} has no device options, got "
                              f"{sorted(config.device_options)}")
        method = config.gradient_method
        if method in ("best", "device"):
            method = updated["gradient_method"] = "adjoint"
        if config.use_device_gradient is None:
            updated["use_device_gradient"] = method == "adjoint"
        if config.use_device_jacobian_product is None:
            updated["use_device_jacobian_product"] = False
        if config.grad_on_execution is None:
            updated["grad_on_execution"] = method == "adjoint"
        return replace(config, **updated)

    def _decompose_kwargs(self, differentiable: bool) -> dict:
        return dict(stopping_condition=partial(supported, differentiable=differentiable),
                    skip_initial_state_prep=True, device_wires=self.wires,
                    target_gates=set(_GATE_NAMES), name=self.name)

    def _adjoint_pipeline(self) -> CompilePipeline:
        name = f"adjoint + {self.name}"
        program = CompilePipeline()
        program.add_transform(no_sampling, name=name)
        program.add_transform(validate_device_wires, self.wires, name=self.name)
        program.add_transform(decompose, **self._decompose_kwargs(True))
        program.add_transform(validate_measurements, analytic_measurements=_adjoint_ok,
                              name=name)
        program.add_transform(broadcast_expand)
        program.add_transform(validate_adjoint_trainable_params)
        return program

    def preprocess_transforms(self,
                              execution_config: Optional[ExecutionConfig] = None
                              ) -> CompilePipeline:
        """Decompose to plateau's gates and check wires, measurements and observables."""
        config = execution_config or ExecutionConfig()
        if config.gradient_method == "adjoint":
            return self._adjoint_pipeline()
        program = CompilePipeline()
        program.add_transform(validate_device_wires, self.wires, name=self.name)
        program.add_transform(decompose, **self._decompose_kwargs(False))
        program.add_transform(validate_measurements, analytic_measurements=_analytic_ok,
                              sample_measurements=_sample_ok, name=self.name)
        program.add_transform(validate_observables, _observable_ok, name=self.name)
        program.add_transform(broadcast_expand)
        return program

    # ---- execution -------------------------------------------------------------------

    def _wire_order(self, tape: QuantumScript) -> List:
        return list(self.wires) if self.wires is not None else list(tape.wires)

    def _seed(self) -> int:
        return int(self._rng.integers(2**63))

    def _final_state(self, conv: Converted) -> np.ndarray:
        """The state after the circuit, plateau order, global phase applied."""
        sv = statevector(conv.circuit, conv.params, conv.initial)
        if conv.phase != 1:
            sv = sv * conv.phase
        return sv

    def _rotated(self, sv: np.ndarray, mp: MeasurementProcess, wires: Sequence) -> np.ndarray:
        """``sv`` after the diagonalizing gates of ``mp``'s observable."""
        gates = mp.diagonalizing_gates() if mp.obs is not None else []
        if not gates:
            return sv
        conv = to_circuit(QuantumScript(gates), wires)
        return statevector(conv.circuit, conv.params, sv) * conv.phase

    def _analytic(self, sv: np.ndarray, mp: MeasurementProcess, wires: Sequence) -> Any:
        n = len(wires)
        if isinstance(mp, (ExpectationMP, VarianceMP)) and is_pauli(mp.obs):
            obs = pauli_sum(mp.obs, wires)
            empty = Circuit(n)
            mean = expval(empty, obs, initial=sv)
            if isinstance(mp, ExpectationMP):
                return np.array(mean)
            return np.array(expval(empty, obs * obs, initial=sv) - mean**2)
        psi = reorder(self._rotated(sv, mp, wires), n)
        return mp.process_state(psi, qml.wires.Wires(wires))

    def _sampled(self, sv: np.ndarray, mp: MeasurementProcess, shots: int,
                 wires: Sequence, z_bits: dict) -> Any:
        """One shot-based result; ``z_bits`` caches the computational-basis samples of
        this shot copy, which every measurement without diagonalizing gates shares."""
        n = len(wires)
        if isinstance(mp, ExpectationMP) and is_pauli(mp.obs):
            return np.array(expval(Circuit(n), pauli_sum(mp.obs, wires), shots=shots,
                                   seed=self._seed(), initial=sv))
        rotated = self._rotated(sv, mp, wires)
        if rotated is sv and "z" in z_bits:
            bits = z_bits["z"]
        else:
            masks = sample(Circuit(n), shots, seed=self._seed(), initial=rotated)
            bits = ((masks[:, None] >> np.arange(n, dtype=np.uint64)) & np.uint64(1)).astype(
                np.int64)
            if rotated is sv:
                z_bits["z"] = bits
        return mp.process_samples(bits, qml.wires.Wires(wires))

    def _simulate(self, tape: QuantumScript) -> Any:
        wires = self._wire_order(tape)
        sv = self._final_state(to_circuit(tape, wires))
        if not tape.shots:
            res = tuple(self._analytic(sv, mp, wires) for mp in tape.measurements)
            return res[0] if len(res) == 1 else res
        per_copy = []
        for shots in tape.shots:
            z_bits: dict = {}
            res = tuple(self._sampled(sv, mp, shots, wires, z_bits) for mp in tape.measurements)
            per_copy.append(res[0] if len(res) == 1 else res)
        return tuple(per_copy) if tape.shots.has_partitioned_shots else per_copy[0]

    def execute(self, circuits: Any, execution_config: Optional[ExecutionConfig] = None) -> Any:
        """Simulate each tape: exact results, or samples with the tape's shots."""
        return tuple(self._simulate(tape) for tape in circuits)

    # ---- derivatives -----------------------------------------------------------------

    def _value_and_jacobian(self, tape: QuantumScript) -> Tuple[Any, Any]:
        wires = self._wire_order(tape)
        conv = to_circuit(tape, wires, symbolic=True)
        n_params = len(tape.trainable_params)
        jac = np.zeros((len(tape.measurements), n_params))
        if conv.circuit.num_params == 0:  # nothing to differentiate: one plain simulation
            return self._simulate(tape), jacobian_layout(jac)
        values = np.zeros(len(tape.measurements))
        for i, mp in enumerate(tape.measurements):
            obs = pauli_sum(mp.obs, wires)
            values[i], g = grad(conv.circuit, obs, conv.params, method="adjoint",
                                initial=conv.initial)
            jac[i, :len(g)] = g  # parameters that enter no plateau angle have derivative 0
        res = tuple(np.array(v) for v in values)
        return (res[0] if len(res) == 1 else res), jacobian_layout(jac)

    def compute_derivatives(self, circuits: Any,
                            execution_config: Optional[ExecutionConfig] = None) -> Tuple:
        """The Jacobian of each tape by plateau's adjoint method."""
        return tuple(self._value_and_jacobian(t)[1] for t in circuits)

    def execute_and_compute_derivatives(self, circuits: Any,
                                        execution_config: Optional[ExecutionConfig] = None
                                        ) -> Tuple:
        """Results and Jacobians of each tape (one adjoint pass per expectation value)."""
        both = [self._value_and_jacobian(t) for t in circuits]
        return tuple(b[0] for b in both), tuple(b[1] for b in both)
