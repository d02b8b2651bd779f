"""Lie closures and ground states from Python, against dense numpy references built
here (closures of commutators, eigvalsh of the Hamiltonian), against `plateau dla
--json` / `plateau gs --json`, and on bad input."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import plateau as pl
from conftest import dense_pauli, dense_sum, run_cli

HEADER = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'

# ---------------------------------------------------------------------------
# Lie closures
# ---------------------------------------------------------------------------


def dense_closure_dim(gens, n):
    """dim of the real span of the H_l and all nested i[H_a, H_b], by dense matrices
    and Gram–Schmidt on their real vectors (an independent reference)."""
    def vec(m):
        return np.concatenate([m.real.ravel(), m.imag.ravel()])

    basis, mats = [], []

    def add(m):
        v = vec(m)
        for b in basis:
            v = v - (b @ v) * b
        norm = np.linalg.norm(v)
        if norm > 1e-9 * max(1.0, np.linalg.norm(m)):
            basis.append(v / norm)
            mats.append(m)
            return True
        return False

    frontier = [m for m in (dense_sum(g.terms, n) for g in gens) if add(m)]
    while frontier:
        new = []
        for a in frontier:
            for b in list(mats):
                c = 1j * (a @ b - b @ a)
                if add(c):
                    new.append(c)
        frontier = new
    return len(basis)


LIE_CASES = [
    ("Z0 Z1 + Z1 Z2; X0 + X1 + X2", None),  # TFIM-HVA generators (sums)
    ("X0; Z0 Z1; X1; Z1 Z2; X2", None),  # free fermions: so(2n), dim n(2n-1) = 15
    ("X0; Z0; X1; Z1; Z0 Z1", None),  # su(4)
    ("X0 X1 + Y0 Y1; Z0; Z1", None),  # u(1) x ... with a centre
    ("X0; Y0", 3),  # su(2) on qubit 0 of 3
]


@pytest.mark.parametrize("gens,qubits", LIE_CASES)
def test_lie_matches_cli_and_dense(gens, qubits):
    extra = ["--qubits", qubits] if qubits else []
    ref = run_cli("dla", "--gens", gens, "--basis", "--quiet", *extra)
    g = pl.lie_closure(gens, qubits=qubits)
    assert (g.dim, g.center_dim, g.capped, g.is_pauli) == (ref["dim"], ref["center_dim"],
                                                          ref["capped"], ref["pauli_basis"])
    assert g.num_qubits == ref["qubits"] and len(g.generators) == ref["generators"]
    assert g.basis_labels == ref["basis"]
    # The same algebra from a list of PauliSum, and the dimension from dense matrices.
    sums = [pl.PauliSum(t, qubits) for t in gens.split(";")]
    assert pl.lie_closure(sums, qubits=qubits).dim == g.dim
    assert dense_closure_dim(g.generators, g.num_qubits) == g.dim


def test_basis_orthonormal_closed_and_centre():
    g = pl.lie_closure(["X0 X1 + Y0 Y1", "Z0", "Z1"])
    n, basis = g.num_qubits, g.basis
    mats = [dense_sum(b.terms, n) for b in basis]
    gram = np.array([[np.trace(a.conj().T @ b).real / 2**n for b in mats] for a in mats])
    assert np.allclose(gram, np.eye(g.dim), atol=1e-12)
    stacked = np.array([m.ravel() for m in mats])
    for a, b in itertools.combinations(mats, 2):  # [g, g] ⊆ g
        c = (1j * (a @ b - b @ a)).ravel()
        coef = stacked.conj() @ c / 2**n
        assert np.linalg.norm(stacked.T @ coef - c) < 1e-10
    k = g.dim - g.center_dim  # the last center_dim elements commute with everything
    for z in mats[k:]:
        assert all(np.allclose(z @ m, m @ z, atol=1e-12) for m in mats)


def test_full_algebra_purity_and_variance():
    g = pl.lie_closure(["X0", "Z0", "X1", "Z1", "Z0 Z1"])
    assert g.is_full and g.dim == 15 and g.dim_bound == 16 and g.simple_ideals() == [15]
    # su(2^n): P_g(ψ) = 1 − 2^−n, and the Haar variance of <Z0> is 1/(2^n + 1).
    assert g.purity() == pytest.approx(0.75, abs=1e-12)
    psi = np.ones(4) / 2.0
    assert g.purity(psi) == pytest.approx(0.75, abs=1e-12)
    assert g.observable_purity("Z0") == pytest.approx(4.0, abs=1e-12)
    assert g.predicted_variance("Z0") == pytest.approx(0.2, abs=1e-12)
    assert not pl.lie_closure("X0; Y0", qubits=3).is_full


@pytest.mark.parametrize("source", ["tfim-hva", "hea", "qasm"])
def test_circuit_generators_match_cli(source, tmp_path):
    if source == "qasm":
        text = HEADER + ("qreg q[3]; h q[0]; rx(theta[0]) q[0]; cx q[0],q[1]; "
                         "rzz(theta[1]) q[1],q[2]; s q[2]; ry(theta[0]) q[2];")
        f = tmp_path / "c.qasm"
        f.write_text(text)
        c, args = pl.Circuit.from_qasm(text), [f]
    else:
        c = pl.ansatz(source, 3, layers=2)
        args = ["--ansatz", source, "--qubits", 3, "--layers", 2]
    ref = run_cli("dla", *args, "--basis", "--quiet")
    g = pl.lie_closure(c)
    assert (g.dim, g.center_dim, len(g.generators)) == (ref["dim"], ref["center_dim"],
                                                       ref["generators"])
    assert g.basis_labels == ref["basis"]


def test_capped():
    ref = run_cli("dla", "--gens", "X0; Z0; X1; Z1; Z0 Z1", "--max-dim", 5, "--quiet")
    g = pl.lie_closure("X0; Z0; X1; Z1; Z0 Z1", max_dim=5)
    assert g.capped and g.center_dim is None and g.dim == ref["dim"] and not g.is_full
    with pytest.raises(pl.InvalidInputError, match="capped"):
        g.purity()


def test_lie_bad_input():
    with pytest.raises(pl.InvalidInputError, match="no generators"):
        pl.lie_closure([])
    with pytest.raises(pl.InvalidInputError, match="complex|real"):
        pl.lie_closure([pl.PauliSum.from_terms([(1j, "Z1")]), "X0"])
    with pytest.raises(pl.InvalidInputError, match="unknown method 'fast'"):
        pl.lie_closure("X0; Z0", method="fast")
    with pytest.raises(pl.InvalidInputError, match="max_dim must be >= 1"):
        pl.lie_closure("X0; Z0", max_dim=0)
    with pytest.raises(pl.InvalidInputError, match="strings"):
        pl.lie_closure("X0 + Z1; Z0", method="strings")
    with pytest.raises(pl.Error):
        pl.lie_closure("X0; Z3", qubits=2)  # a generator beyond the qubits
    with pytest.raises(pl.InvalidInputError, match="generators must be"):
        pl.lie_closure(42)
    with pytest.raises(pl.UnsupportedError):  # a fixed non-Clifford gate
        pl.lie_closure(pl.Circuit.from_qasm(HEADER + "qreg q[1]; t q[0]; rx(theta[0]) q[0];"))
    g = pl.lie_closure("X0; Z0", qubits=2)
    with pytest.raises(pl.InvalidInputError, match="amplitudes"):
        g.purity(np.ones(2))
    with pytest.raises(pl.UnsupportedError, match="residual"):
        g.predicted_variance("Z1")
