"""PennyLane devices over plateau (importing this module imports PennyLane).

``qml.device("plateau.qubit", wires=n)``: plateau's state-vector simulator with adjoint
differentiation. ``qml.device("plateau.pauliprop", wires=n)``: Heisenberg-picture Pauli
propagation of expectation values, for wide circuits. Both are registered as
``pennylane.plugins`` entry points. Wire ``wires[i]`` is plateau qubit ``i``.
"""
from __future__ import annotations

from ._pauliprop import PlateauPauliProp
from ._qubit import PlateauQubit

__all__ = ["PlateauPauliProp", "PlateauQubit"]
