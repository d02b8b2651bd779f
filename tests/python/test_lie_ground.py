"""Lie closures and ground states from Python, against dense numpy references built
here (closures of commutators, eigvalsh of the Hamiltonian), against `plateau dla
--json` / `plateau gs --json`, and on bad input."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import plateau as pl
from conftest import dense_sum, run_cli

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


# ---------------------------------------------------------------------------
# Models and ground states
# ---------------------------------------------------------------------------

# (model, sites, params): defaults and a point in another phase of each model.
GS_CASES = [
    ("tfim", 8, None), ("tfim", 7, {"h": 1.7, "J": 0.9}),
    ("cluster-ising", 8, None), ("cluster-ising", 7, {"h1": 1.2, "h2": -0.4}),
    ("generalized-cluster", 8, None), ("generalized-cluster", 8, {"J1": 1.5, "J2": 0.1}),
    ("annni", 8, None), ("annni", 9, {"kappa": 0.8, "h": 0.2}),
    ("xxx-alternating", 8, None), ("xxx-alternating", 10, {"J1": 0.4, "J2": 1.0}),
]


def cli_param(params):
    return ["--param", ",".join(f"{k}={v!r}" for k, v in params.items())] if params else []


@pytest.mark.parametrize("model,sites,params", GS_CASES)
def test_exact_ground_state(model, sites, params):
    h = pl.model_hamiltonian(model, sites, params)
    assert h.num_qubits == sites and all(isinstance(c, float) for c, _ in h.terms)
    dense = dense_sum(h.terms, sites)
    e0 = np.linalg.eigvalsh(dense)[0]
    gs = pl.ground_state(model, sites, params, method="exact")
    assert gs.method == "exact" and gs.max_truncation_error == 0
    assert abs(gs.energy - e0) < 1e-9 * max(1.0, abs(e0))
    psi = gs.statevector()
    assert psi.shape == (2**sites,) and psi.dtype == np.complex128
    assert abs(np.linalg.norm(psi) - 1) < 1e-12
    assert abs(np.vdot(psi, dense @ psi).real - e0) < 1e-9 * max(1.0, abs(e0))
    assert abs(gs.expval(h) - e0) < 1e-9 * max(1.0, abs(e0))
    ref = run_cli("gs", "--model", model, "--sites", sites, *cli_param(params), "--quiet")
    assert gs.energy == pytest.approx(ref["energy"], abs=1e-12)
    for key in ("label", "label_index", "label_rule", "label_closed_form", "label_measured",
                "method", "max_bond_dim", "params", "model", "sites"):
        assert gs.info[key] == ref[key], key
    assert gs.label == ref["label"] and gs.label_index == ref["label_index"]
    assert gs.label in pl.model_info(model).labels


def test_dmrg_against_exact_and_cli():
    model, n, params = "tfim", 12, {"h": 1.3}
    exact = pl.ground_state(model, n, params)  # auto: exact up to 14 sites
    dmrg = pl.ground_state(model, n, params, method="dmrg", chi=24)
    assert exact.method == "exact" and dmrg.method == "dmrg"
    assert abs(dmrg.energy - exact.energy) < 1e-8
    assert max(dmrg.bond_dims) <= 24 and dmrg.bond_dims[0] == dmrg.bond_dims[-1] == 1
    assert dmrg.max_truncation_error < 1e-8 and dmrg.info["converged"]
    overlap = abs(np.vdot(exact.statevector(), dmrg.statevector()))
    assert overlap == pytest.approx(1.0, abs=1e-6)
    for obs in ("Z3 Z4", "X5", "Z0 Z11 + 0.5*X2 X3"):
        assert abs(dmrg.expval(obs) - exact.expval(obs)) < 1e-6
    ref = run_cli("gs", "--model", model, "--sites", n, "--param", "h=1.3", "--method", "dmrg",
                  "--chi", 24, "--quiet")
    assert dmrg.energy == pytest.approx(ref["energy"], abs=1e-10)
    assert dmrg.label == ref["label"] and dmrg.info["sweeps"] == ref["sweeps"]
    assert dmrg.entropies().shape == (n - 1,)
    big = pl.ground_state("xxx-alternating", 24, {"J2": 1.5}, chi=32)  # auto: DMRG above 14
    ref = run_cli("gs", "--model", "xxx-alternating", "--sites", 24, "--param", "J2=1.5",
                  "--chi", 32, "--quiet")
    assert big.method == "dmrg" and big.energy == pytest.approx(ref["energy"], abs=1e-10)
    assert big.label == ref["label"] == "topological"


def test_model_table():
    assert pl.model_names() == ["tfim", "cluster-ising", "generalized-cluster", "annni",
                           "xxx-alternating"]
    info = pl.model_info("cluster-ising")  # the table of models.h
    assert info.params == {"J": 1.0, "h1": 0.5, "h2": 0.0}
    assert info.min_sites == 3 and not info.even_sites and info.measured_labels
    assert pl.model_info("xxx-alternating").even_sites
    assert pl.model_params("annni", {"h": 0.75}) == {"kappa": 0.25, "h": 0.75}
    assert pl.model_params("tfim", "h=2") == {"J": 1.0, "h": 2.0}
    h = pl.model_hamiltonian("tfim", 3, {"J": 2.0, "h": 0.5})
    assert h == pl.PauliSum("-2*Z0 Z1 - 2*Z1 Z2 - 0.5*X0 - 0.5*X1 - 0.5*X2")


def test_save(tmp_path):
    h5py = pytest.importorskip("h5py")
    gs = pl.ground_state("tfim", 6, {"h": 0.3})
    gs.save(tmp_path / "gs.h5", seed=3)
    with h5py.File(tmp_path / "gs.h5") as f:
        assert f.attrs["format"] == "plateau-mps" and int(f.attrs["sites"]) == 6
        assert f.attrs["model"] == "tfim" and f.attrs["label"] == gs.label
        assert float(f.attrs["energy"]) == gs.energy and float(f.attrs["param_h"]) == 0.3
    t = gs.site_tensor(2)
    assert t.shape == (gs.bond_dims[2], 2, gs.bond_dims[3])


def test_ground_bad_input():
    with pytest.raises(pl.InvalidInputError, match=r"unknown model 'foo' \(valid: tfim, "):
        pl.ground_state("foo", 4)
    with pytest.raises(pl.InvalidInputError, match="unknown model"):
        pl.model_info("foo")
    with pytest.raises(pl.InvalidInputError, match="even number of sites, got 5"):
        pl.ground_state("xxx-alternating", 5)
    with pytest.raises(pl.InvalidInputError, match="needs 2 to .* sites, got 1"):
        pl.model_hamiltonian("tfim", 1)
    with pytest.raises(pl.InvalidInputError, match=r"unknown parameter 'g' .*valid: J, h"):
        pl.ground_state("tfim", 4, {"g": 1.0})
    with pytest.raises(pl.InvalidInputError, match="not finite"):
        pl.ground_state("tfim", 4, {"h": float("nan")})
    with pytest.raises(pl.InvalidInputError, match="method"):
        pl.ground_state("tfim", 4, method="fast")
    for kw, msg in [(dict(chi=0), "chi must be >= 1"), (dict(sweeps=-1), "sweeps must be"),
                    (dict(cutoff=-1e-9), "cutoff must be a finite number > 0"),
                    (dict(tol=0.0), "tol must be a finite number > 0")]:
        with pytest.raises(pl.InvalidInputError, match=msg):
            pl.ground_state("tfim", 4, method="dmrg", **kw)
    gs = pl.ground_state("tfim", 4)
    with pytest.raises(pl.InvalidInputError, match="qubit"):
        gs.expval("Z7")
    with pytest.raises(pl.InvalidInputError):
        gs.site_tensor(4)
    limit = pl.get_memory_limit()
    try:
        pl.set_memory_limit(100)  # 16 amplitudes need 768 bytes here
        with pytest.raises(pl.OutOfMemoryError, match="memory limit"):
            gs.statevector()
    finally:
        pl.set_memory_limit(limit)


def test_full_algebra_variance_is_haar_and_fast():
    """The HEA's DLA is all of su(2^n): the predicted Var[C] of Z0 is the unitary
    2-design value 1/(2^n + 1), and the ideal decomposition of a 1,023-element
    algebra takes no dense eigensolve (it took seconds of CPU before). CPU seconds of
    this process, not wall time: other jobs on the machine do not count."""
    import time

    for n in (4, 5, 6):
        g = pl.lie_closure(pl.ansatz("hea", n, layers=2))
        assert g.dim == 4**n - 1 and g.is_full
        t = time.process_time()
        assert g.predicted_variance("Z0") == pytest.approx(1 / (2**n + 1), rel=1e-12)
        assert time.process_time() - t < 2.0
