"""The ``plateau.pauliprop`` PennyLane device: expectation values by Pauli
propagation in the Heisenberg picture (``plateau.propagate``), for circuits far too
wide for a state vector."""
from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Any, Optional, Tuple

import numpy as np
import pennylane as qml
from pennylane.devices import Device, ExecutionConfig
from pennylane.devices.modifiers import simulator_tracking, single_tape_support
from pennylane.devices.preprocess import (decompose, no_sampling,
                                          validate_adjoint_trainable_params,
                                          validate_device_wires, validate_measurements)
from pennylane.exceptions import DeviceError
from pennylane.measurements import ExpectationMP, MeasurementProcess
from pennylane.tape import QuantumScript
from pennylane.transforms import broadcast_expand
from pennylane.transforms.core import CompilePipeline

import plateau

from .._errors import UnsupportedError
from ._convert import is_pauli, jacobian_layout, pauli_sum, supported, to_circuit

_DIFF_METHODS = ("best", "device", "adjoint")


def _expval_ok(m: MeasurementProcess) -> bool:
    return isinstance(m, ExpectationMP) and is_pauli(m.obs)


def _propagate(*args: Any, **kwargs: Any) -> Any:
    prop = getattr(plateau, "propagate", None)
    if prop is None:
        raise UnsupportedError("plateau.propagate is not available in this build of plateau")
    return prop(*args, **kwargs)


@simulator_tracking
@single_tape_support
class PlateauPauliProp(Device):
    """Pauli propagation (``plateau.propagate``) as a PennyLane device: exact
    expectation values of Pauli sums from |0…0⟩ without truncation, approximate ones
    with ``max_weight`` (drop strings of higher weight), ``min_abs_coeff`` (drop
    smaller coefficients) or ``max_freq`` (drop strings after more sin/cos branchings).

    Only ``qml.expval`` of Pauli combinations, without shots. Derivatives
    (``diff_method="best"``, ``"device"`` or ``"adjoint"``) come from the propagation.
    """

    name = "plateau.pauliprop"

    def __init__(self, wires: Any = None, max_weight: Optional[int] = None,
                 min_abs_coeff: Optional[float] = None, max_freq: Optional[int] = None) -> None:
        if wires is None:
            raise DeviceError(f"{self.name} needs wires= (a count or labels)")
        super().__init__(wires=wires)
        self._trunc = dict(max_weight=max_weight, min_abs_coeff=min_abs_coeff,
                           max_freq=max_freq)

    def supports_derivatives(self, execution_config: Optional[ExecutionConfig] = None,
                             circuit: Optional[QuantumScript] = None) -> bool:
        """Derivatives of expectation values, through the propagation."""
        if execution_config is None:
            return True
        if execution_config.gradient_method not in _DIFF_METHODS:
            return False
        if circuit is None:
            return True
        try:
            self.preprocess_transforms(replace(execution_config, gradient_method="device"))(
                (circuit,))
        except (DeviceError, qml.exceptions.QuantumFunctionError,
                qml.operation.DecompositionUndefinedError, AttributeError):
            return False
        return True

    def setup_execution_config(self, config: Optional[ExecutionConfig] = None,
                               circuit: Optional[QuantumScript] = None) -> ExecutionConfig:
        """``best``, ``device`` and ``adjoint`` mean derivatives by the propagation."""
        config = config or ExecutionConfig()
        if config.device_options:
            raise DeviceError(f"{self.name} has no device options, got "
                              f"{sorted(config.device_options)}")
        updated = {}
        device = config.gradient_method in _DIFF_METHODS
        if device:
            updated["gradient_method"] = "device"
        if config.use_device_gradient is None:
            updated["use_device_gradient"] = device
        if config.use_device_jacobian_product is None:
            updated["use_device_jacobian_product"] = False
        if config.grad_on_execution is None:
            updated["grad_on_execution"] = device
        return replace(config, **updated)

    def preprocess_transforms(self,
                              execution_config: Optional[ExecutionConfig] = None
                              ) -> CompilePipeline:
        """Decompose to gates on at most 3 qubits (and Pauli rotations); expvals only."""
        config = execution_config or ExecutionConfig()
        differentiable = config.gradient_method == "device"
        program = CompilePipeline()
        program.add_transform(no_sampling, name=self.name)
        program.add_transform(validate_device_wires, self.wires, name=self.name)
        program.add_transform(
            decompose, stopping_condition=partial(_prop_supported, differentiable=differentiable),
            skip_initial_state_prep=False, device_wires=self.wires, name=self.name)
        program.add_transform(validate_measurements, analytic_measurements=_expval_ok,
                              name=self.name)
        program.add_transform(broadcast_expand)
        if differentiable:
            program.add_transform(validate_adjoint_trainable_params)
        return program

    def _run(self, tape: QuantumScript, with_grad: bool) -> Tuple[Any, Any]:
        wires = list(self.wires)
        conv = to_circuit(tape, wires, symbolic=with_grad, initial_state=False)
        with_grad = with_grad and conv.circuit.num_params > 0
        values = np.zeros(len(tape.measurements))
        jac = np.zeros((len(tape.measurements), len(tape.trainable_params)))
        for i, mp in enumerate(tape.measurements):
            prop = _propagate(conv.circuit, pauli_sum(mp.obs, wires), conv.params,
                              grad=with_grad, **self._trunc)
            if with_grad:
                values[i], g = prop.grad()
                jac[i, :len(g)] = g  # parameters that enter no gate angle: derivative 0
            else:
                values[i] = prop.expval()
        res = tuple(np.array(v) for v in values)
        return (res[0] if len(res) == 1 else res), jacobian_layout(jac)

    def execute(self, circuits: Any, execution_config: Optional[ExecutionConfig] = None) -> Any:
        """⟨obs⟩ of each tape by propagating each observable through the circuit."""
        return tuple(self._run(t, False)[0] for t in circuits)

    def compute_derivatives(self, circuits: Any,
                            execution_config: Optional[ExecutionConfig] = None) -> Tuple:
        """The Jacobian of each tape from the propagation's gradient."""
        return tuple(self._run(t, True)[1] for t in circuits)

    def execute_and_compute_derivatives(self, circuits: Any,
                                        execution_config: Optional[ExecutionConfig] = None
                                        ) -> Tuple:
        """Values and Jacobians of each tape."""
        both = [self._run(t, True) for t in circuits]
        return tuple(b[0] for b in both), tuple(b[1] for b in both)


def _prop_supported(op: Any, differentiable: bool = False) -> bool:
    """Gates propagation applies: any plateau gate on at most 3 qubits, Pauli
    rotations, no state preparation (decomposed into gates)."""
    if isinstance(op, qml.operation.StatePrepBase):
        return False
    return supported(op, differentiable=differentiable, max_qubits=3)
