"""plateau: barren plateaus, Pauli propagation and classical surrogates for
variational quantum models, over the C library libplateau.

Conventions (as in the C library and the CLI): qubit 0 is the least significant bit
of a basis-state index; rotations are ``exp(-i θ P / 2)``; Pauli sums are written
``"Z0 Z1 + 0.5*X2"``. Errors raise :class:`plateau.Error` subclasses carrying the
library's message.
"""
from __future__ import annotations

from . import _core
from ._errors import (Error, FileError, InternalError, InvalidInputError, OutOfMemoryError,
                      ParseError, UnsupportedError)
from .circuit import Circuit, Operation, ansatz, ansatz_readout
from .diag import (VarianceFit, VariancePoint, VarianceScan, audit, cost_observable,
                   fit_variances, gradient_variance, variance_scan)
from .lie import LieAlgebra, lie_closure
from .models import (GroundState, ModelInfo, ground_state, model_hamiltonian, model_info,
                     model_names, model_params)
from .pauli import PauliSum
from .propagation import Propagation, PropagationPlan, compile_propagation, propagate
from .simulate import expval, grad, probabilities, sample, sample_bits, statevector
from ._qiskit_lazy import from_qiskit, to_qiskit  # qiskit is imported on first use
from .shadows import Shadows, load_shadows, shadows, shrink_factor, window_strings
from .data import Classifier, Dataset, load_classifier, load_dataset, make_dataset, train

__version__: str = _core.__version__


def set_threads(threads: int) -> None:
    """Set the number of OpenMP threads plateau uses (results do not depend on it)."""
    _core.set_threads(int(threads))


def get_threads() -> int:
    """The number of OpenMP threads plateau uses."""
    return _core.get_threads()


def set_memory_limit(nbytes: int) -> None:
    """Set the memory limit (bytes) for states, tensors and term tables; work that
    would exceed it raises :class:`OutOfMemoryError` before allocating. 0 restores
    the default, 80 % of physical memory."""
    _core.set_memory_limit(int(nbytes))


def get_memory_limit() -> int:
    """The memory limit in bytes."""
    return _core.get_memory_limit()


__all__ = [
    "Circuit", "Error", "VarianceFit", "VariancePoint", "VarianceScan", "audit",
    "cost_observable", "fit_variances", "gradient_variance", "variance_scan", "FileError", "InternalError", "InvalidInputError", "Operation",
    "OutOfMemoryError", "ParseError", "PauliSum", "UnsupportedError", "ansatz", "ansatz_readout",
    "expval",
    "get_memory_limit", "get_threads", "grad", "probabilities", "sample", "sample_bits",
    "set_memory_limit", "set_threads", "statevector",
    "from_qiskit", "to_qiskit",
    "Shadows", "load_shadows", "shadows", "shrink_factor", "window_strings",
    "Classifier", "Dataset", "load_classifier", "load_dataset", "make_dataset", "train",
    "Propagation", "PropagationPlan", "compile_propagation", "propagate",
    "LieAlgebra", "lie_closure",
    "GroundState", "ModelInfo", "ground_state", "model_hamiltonian", "model_info", "model_names",
    "model_params",
]
