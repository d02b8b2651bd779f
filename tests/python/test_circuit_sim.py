"""Circuits, Pauli sums and state-vector simulation from Python, against dense
matrices built here with numpy, against the CLI, and on bad input."""
from __future__ import annotations

import math

import numpy as np
import pytest

import plateau as pl
from conftest import dense_pauli, dense_sum, run_cli

HEADER = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'
RX = lambda t: np.array([[math.cos(t / 2), -1j * math.sin(t / 2)],
                         [-1j * math.sin(t / 2), math.cos(t / 2)]])
RY = lambda t: np.array([[math.cos(t / 2), -math.sin(t / 2)],
                         [math.sin(t / 2), math.cos(t / 2)]], dtype=complex)
RZ = lambda t: np.diag([np.exp(-0.5j * t), np.exp(0.5j * t)])


def on_qubit(u, q, n):
    """A 1-qubit matrix on qubit q of n as a dense 2^n matrix."""
    mats = [np.eye(2)] * n
    mats[q] = u
    out = np.array([[1.0 + 0j]])
    for m in reversed(mats):
        out = np.kron(out, m)
    return out


def cz(a, b, n):
    d = np.ones(2**n, dtype=complex)
    for i in range(2**n):
        if (i >> a) & 1 and (i >> b) & 1:
            d[i] = -1
    return np.diag(d)


def hea_dense(n, layers, theta):
    """The HEA of the ansatz module (RY then RZ on every qubit, CZ ladder) by hand."""
    psi = np.zeros(2**n, dtype=complex)
    psi[0] = 1
    k = 0
    for _ in range(layers):
        for q in range(n):
            psi = on_qubit(RY(theta[k + q]), q, n) @ psi
        for q in range(n):
            psi = on_qubit(RZ(theta[k + n + q]), q, n) @ psi
        k += 2 * n
        for q in range(n - 1):
            psi = cz(q, q + 1, n) @ psi
    return psi


def test_bell_state_and_expectations():
    c = pl.Circuit.from_qasm(HEADER + "qreg q[2]; h q[0]; cx q[0],q[1];")
    assert (c.num_qubits, c.num_params, c.num_operations) == (2, 0, 2)
    psi = pl.statevector(c)
    assert psi.dtype == np.complex128 and psi.shape == (4,)
    assert np.allclose(psi, [2**-0.5, 0, 0, 2**-0.5], atol=1e-15)
    assert pl.expval(c, "Z0 Z1 - Y0 Y1") == pytest.approx(2.0, abs=1e-14)
    assert pl.expval(c, pl.PauliSum("X0 X1")) == pytest.approx(1.0, abs=1e-14)


def test_qubit_zero_is_least_significant():
    c = pl.Circuit.from_qasm(HEADER + "qreg q[3]; x q[0];")
    psi = pl.statevector(c)
    assert psi[1] == 1 and np.count_nonzero(psi) == 1
    assert np.allclose(pl.probabilities(c), np.eye(8)[1])


def test_hea_against_dense_reference(rng):
    n, layers = 4, 2
    c = pl.ansatz("hea", n, layers=layers)
    assert c.num_params == 2 * n * layers
    theta = rng.uniform(-np.pi, np.pi, c.num_params)
    psi = pl.statevector(c, theta)
    ref = hea_dense(n, layers, theta)
    assert np.max(np.abs(psi - ref)) < 1e-13
    obs = [(0.7, "Z0 Z1"), (-0.3, "X2"), (0.25, "Y1 Y3"), (1.5, "I")]
    h = pl.PauliSum.from_terms(obs)
    e_ref = np.vdot(ref, dense_sum(obs, n) @ ref).real
    assert pl.expval(c, h, theta) == pytest.approx(e_ref, abs=1e-13)
    # Gradient of every method against central differences of the dense reference.
    eps = 1e-6
    g_ref = np.array([
        (np.vdot(hea_dense(n, layers, theta + eps * e), dense_sum(obs, n)
                 @ hea_dense(n, layers, theta + eps * e)).real
         - np.vdot(hea_dense(n, layers, theta - eps * e), dense_sum(obs, n)
                   @ hea_dense(n, layers, theta - eps * e)).real) / (2 * eps)
        for e in np.eye(c.num_params)])
    for method in ["adjoint", "shift", "fd"]:
        e, g = pl.grad(c, h, theta, method=method)
        assert e == pytest.approx(e_ref, abs=1e-13)
        assert g.shape == (c.num_params,) and g.dtype == np.float64
        assert np.max(np.abs(g - g_ref)) < 1e-8, method


def test_initial_state(rng):
    c = pl.Circuit.from_qasm(HEADER + "qreg q[3]; rx(0.4) q[1]; cx q[1],q[2];")
    init = rng.normal(size=8) + 1j * rng.normal(size=8)
    init /= np.linalg.norm(init)
    u = np.eye(8, dtype=complex)
    u = on_qubit(RX(0.4), 1, 3) @ u
    cx = np.zeros((8, 8))
    for i in range(8):
        j = i ^ 4 if (i >> 1) & 1 else i
        cx[j, i] = 1
    ref = cx @ u @ init
    assert np.max(np.abs(pl.statevector(c, initial=init) - ref)) < 1e-14
    assert pl.expval(c, "Z2 X0", initial=init) == pytest.approx(
        np.vdot(ref, dense_pauli("Z2 X0", 3) @ ref).real, abs=1e-14)


def test_matches_cli(tmp_path, rng):
    """The package gives the CLI's numbers: exact, with shots and seeds, gradients."""
    c = pl.ansatz("hea", 5, layers=2)
    theta = rng.uniform(-1, 1, c.num_params)
    path = tmp_path / "hea.qasm"
    path.write_text(c.to_qasm())
    params = ",".join(repr(float(t)) for t in theta)
    obs = "Z0 Z1 + 0.5*X2 - Y3 Z4"
    cli = run_cli("sim", path, "--obs", obs, "--params", params)
    assert pl.expval(c, obs, theta) == pytest.approx(cli["expval"], abs=1e-12)
    cli = run_cli("sim", path, "--obs", obs, "--params", params, "--shots", 2000, "--seed", 9)
    assert pl.expval(c, obs, theta, shots=2000, seed=9) == cli["expval"]
    cli = run_cli("grad", path, "--obs", obs, "--params", params)
    e, g = pl.grad(pl.Circuit.from_file(path), obs, theta)
    assert e == pytest.approx(cli["expval"], abs=1e-12)
    assert np.allclose(g, cli["grad"], atol=1e-12)


def test_qasm_round_trip_symbolic_and_bound(rng):
    c = pl.ansatz("tfim-hva", 4, layers=3)
    back = pl.Circuit.from_qasm(c.to_qasm())
    assert back.num_params == c.num_params == 6
    theta = rng.normal(size=6)
    assert np.allclose(pl.statevector(back, theta), pl.statevector(c, theta), atol=1e-14)
    bound = pl.Circuit.from_qasm(c.to_qasm(theta))
    assert bound.num_params == 0
    assert np.allclose(pl.statevector(bound), pl.statevector(c, theta), atol=1e-12)


def test_builder_and_operations():
    c = pl.Circuit(3).add("h", [0]).add("cx", [0, 1]).add("rz", [2], (2.0, 0, 0.5))
    c.add_pauli_rotation("X0 Y2", 0.3)
    assert c.num_params == 1 and len(c) == 4
    ops = c.operations()
    assert ops[0].gate == "h" and ops[1].qubits == (0, 1)
    assert ops[2].angles == ((2.0, 0, 0.5),) and ops[3].pauli == "X0 Y2"
    theta = [0.7]
    rz = on_qubit(RZ(2 * 0.7 + 0.5), 2, 3)
    rot = np.cos(0.15) * np.eye(8) - 1j * np.sin(0.15) * dense_pauli("X0 Y2", 3)
    h = on_qubit(np.array([[1, 1], [1, -1]]) / 2**0.5, 0, 3)
    cx = np.zeros((8, 8))
    for i in range(8):
        cx[i ^ 2 if i & 1 else i, i] = 1
    ref = rot @ rz @ cx @ h @ np.eye(8)[0]
    assert np.max(np.abs(pl.statevector(c, theta) - ref)) < 1e-14


def test_samples_reproducible_and_distributed():
    c = pl.Circuit.from_qasm(HEADER + "qreg q[2]; ry(1.0) q[0]; cx q[0],q[1];")
    a = pl.sample(c, 20000, seed=5)
    assert a.dtype == np.uint64 and np.array_equal(a, pl.sample(c, 20000, seed=5))
    assert not np.array_equal(a, pl.sample(c, 20000, seed=6))
    assert set(np.unique(a)) <= {0, 3}
    p1 = np.mean(a == 3)
    assert abs(p1 - math.sin(0.5) ** 2) < 4 * math.sqrt(0.25 / 20000)
    bits = pl.sample_bits(c, 10, seed=5)
    assert bits.shape == (10, 2) and np.array_equal(bits[:, 0], bits[:, 1])


def test_pauli_sum_text_and_arithmetic():
    s = pl.PauliSum("Z0 Z1 + 0.5*X2")
    assert str(s) == "Z0 Z1 + 0.5*X2"
    assert s.terms == [(1.0, "Z0 Z1"), (0.5, "X2")]
    assert s.num_qubits == 3 and len(s) == 2
    t = 2 * s - pl.PauliSum("X2") + 1
    assert t == pl.PauliSum("2*Z0 Z1 + I")
    assert (s * s).simplify() == pl.PauliSum("1.25*I + Z0 Z1 X2")
    assert pl.PauliSum("X0") * pl.PauliSum("Y0") == pl.PauliSum.from_terms([(1j, "Z0")])
    assert (pl.PauliSum("X0") + pl.PauliSum("Y40")).num_qubits == 41
    assert np.allclose(dense_sum((s * s).terms, 3), dense_sum(s.terms, 3) @ dense_sum(s.terms, 3))
    assert eval(repr(s), {"PauliSum": pl.PauliSum}) == s


@pytest.mark.parametrize("call, needle, kind", [
    (lambda: pl.Circuit.from_qasm("OPENQASM 2.0; qreg q[2]; cxx q[0];"), "unknown gate 'cxx'",
     pl.ParseError),
    (lambda: pl.Circuit.from_file("/nonexistent/x.qasm"), "/nonexistent/x.qasm", pl.FileError),
    (lambda: pl.PauliSum("Z0 Q1"), "expected a Pauli factor", pl.ParseError),
    (lambda: pl.expval(pl.ansatz("hea", 2, layers=1), "Z0", [0.1]), "4 parameters, got 1",
     pl.InvalidInputError),
    (lambda: pl.expval(pl.ansatz("hea", 2, layers=1), "Z0", [float("nan")] * 4),
     "not finite", pl.InvalidInputError),
    (lambda: pl.expval(pl.ansatz("hea", 2, layers=1), "Z0"), "parameter", pl.InvalidInputError),
    (lambda: pl.expval(pl.Circuit(2), "Z5"), "qubit 5", pl.InvalidInputError),
    (lambda: pl.expval(pl.Circuit(2), pl.PauliSum.from_terms([(1j, "Z0")])), "real",
     pl.InvalidInputError),
    (lambda: pl.grad(pl.Circuit(2), "Z0", method="magic"), "magic", pl.InvalidInputError),
    (lambda: pl.ansatz("nope", 4, layers=1), "nope", pl.InvalidInputError),
    (lambda: pl.ansatz("hea", 0, layers=1), "at least 1 qubit", pl.InvalidInputError),
    (lambda: pl.Circuit(2).add("rx", [5], 0.1), "qubit", pl.InvalidInputError),
    (lambda: pl.Circuit(2).add("rx", [0]), "1 angle", pl.InvalidInputError),
    (lambda: pl.statevector(pl.Circuit(2), initial=np.ones(3)), "3 amplitudes",
     pl.InvalidInputError),
    (lambda: pl.sample(pl.Circuit(2), 0), "shots", pl.InvalidInputError),
    (lambda: pl.sample(pl.Circuit(2), 10, basis="XQ"), "basis", pl.InvalidInputError),
])
def test_bad_input_raises_clear_errors(call, needle, kind):
    with pytest.raises(kind) as e:
        call()
    assert needle in str(e.value)
    assert isinstance(e.value, pl.Error)
    assert "\n" not in str(e.value)


def test_too_large_for_memory():
    limit = pl.get_memory_limit()
    try:
        pl.set_memory_limit(1 << 20)
        with pytest.raises(pl.OutOfMemoryError) as e:
            pl.statevector(pl.Circuit(30))
        assert isinstance(e.value, MemoryError) and "limit" in str(e.value)
    finally:
        pl.set_memory_limit(limit)
    assert pl.get_memory_limit() == limit


def test_state_beyond_physical_memory_refused_before_allocating():
    with pytest.raises(pl.OutOfMemoryError) as e:
        pl.expval(pl.Circuit(40), "Z0")
    assert "40 qubits" in str(e.value) or "TB" in str(e.value) or "limit" in str(e.value)


def test_statevector_shares_plateaus_buffer():
    psi = pl.statevector(pl.Circuit(3))
    assert psi.flags.owndata is False and psi.base is not None
    psi[0] = 0.5  # writable, and freed with the array
    assert psi[0] == 0.5
