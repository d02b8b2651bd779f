"""Argument conversion shared by the modules of the package (one place, at the
Python boundary: lists become contiguous numpy arrays of the dtype C expects)."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ._errors import InvalidInputError


def as_params(params: Any, name: str = "parameters") -> Optional[np.ndarray]:
    """None, or the parameter values (or other real numbers, called ``name`` in the
    messages) as a contiguous 1-D float64 array."""
    if params is None:
        return None
    try:
        a = np.ascontiguousarray(params, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise InvalidInputError(f"{name} must be real numbers: {e}") from None
    if a.ndim == 0:
        a = a.reshape(1)
    if a.ndim != 1:
        raise InvalidInputError(f"{name} must be a 1-D sequence, got shape {a.shape}")
    return a


def as_state(state: Any, name: str = "initial state") -> Optional[np.ndarray]:
    """None, or amplitudes as a contiguous 1-D complex128 array."""
    if state is None:
        return None
    try:
        a = np.ascontiguousarray(state, dtype=np.complex128)
    except (TypeError, ValueError) as e:
        raise InvalidInputError(f"the {name} must be complex amplitudes: {e}") from None
    if a.ndim != 1:
        raise InvalidInputError(f"the {name} must be a 1-D array, got shape {a.shape}")
    return a


def as_count(value: Any, name: str, minimum: int = 0) -> int:
    """An integer >= minimum (bools and non-integral floats refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InvalidInputError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise InvalidInputError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def as_seed(seed: Any) -> int:
    """A seed in [0, 2^64); None means the CLI's default seed 1."""
    if seed is None:
        return 1
    seed = as_count(seed, "seed")
    if seed >= 2**64:
        raise InvalidInputError(f"seed must be below 2^64, got {seed}")
    return seed
