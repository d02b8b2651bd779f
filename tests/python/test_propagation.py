"""plateau.propagate against the state vector (untruncated: exact), against
`plateau propagate --json` (truncated), against adjoint gradients, and on bad input."""
from __future__ import annotations

import json
import math
import time

import numpy as np
import pytest

import plateau as pl
from conftest import run_cli

HEADER = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'

# Every gate kind Pauli propagation handles: Cliffords, t/tdg, rotations rewritten as
# Pauli rotations, controlled rotations and generic gates on up to 3 qubits.
MANY_GATES = HEADER + """qreg q[4];
h q[0]; x q[1]; y q[2]; z q[3]; s q[0]; sdg q[1]; t q[2]; tdg q[3]; sx q[0]; sxdg q[1];
rx(theta[0]) q[0]; ry(theta[1]) q[1]; rz(theta[2]) q[2]; p(theta[3]) q[3];
u1(0.3) q[0]; u2(theta[4],0.3) q[1]; u3(theta[5],0.2,-0.4) q[2]; id q[3];
cx q[0],q[1]; cy q[1],q[2]; cz q[2],q[3]; ch q[3],q[0]; csx q[0],q[2]; swap q[1],q[3];
crx(theta[6]) q[0],q[1]; cry(theta[7]) q[1],q[2]; crz(theta[8]) q[2],q[3];
cp(theta[9]) q[3],q[0]; cu1(0.7) q[1],q[0]; cu3(theta[10],0.1,0.2) q[0],q[2];
rxx(theta[11]) q[0],q[1]; ryy(2*theta[12]+0.1) q[1],q[2]; rzz(theta[13]) q[2],q[3];
ccx q[0],q[1],q[2]; cswap q[3],q[0],q[1]; ry(0.37) q[3]; rx(-theta[0]) q[2];
"""
OBS = "Z0 Z1 + 0.5*X2 - 0.25*Y1 Y3 + 0.3*X0 Y1 Z2 X3 + 0.7*I"


def circuits():
    yield "hea", pl.ansatz("hea", 4, layers=2)
    yield "su4-brickwork", pl.ansatz("su4-brickwork", 4, layers=2)
    yield "tfim-hva", pl.ansatz("tfim-hva", 5, layers=2)
    yield "qcnn", pl.ansatz("qcnn", 4)
    yield "many-gates", pl.Circuit.from_qasm(MANY_GATES)


CIRCUITS = dict(circuits())


@pytest.mark.parametrize("name", list(CIRCUITS))
def test_untruncated_equals_state_vector(name, rng):
    c = CIRCUITS[name]
    for _ in range(3):
        theta = rng.uniform(-math.pi, math.pi, c.num_params)
        p = pl.propagate(c, OBS, theta)
        assert p.num_qubits == c.num_qubits
        assert p.stats["truncated_weight"] == 0
        assert abs(p.expval() - pl.expval(c, OBS, theta)) < 1e-12
        # The propagated sum measured on |0…0⟩ by the state vector of the empty circuit.
        empty = pl.Circuit(c.num_qubits)
        assert abs(pl.expval(empty, p.to_pauli_sum()) - p.expval()) < 1e-12


@pytest.mark.parametrize("name", ["hea", "tfim-hva", "many-gates"])
def test_grad_equals_adjoint(name, rng):
    c = CIRCUITS[name]
    theta = rng.uniform(-math.pi, math.pi, c.num_params)
    e_ref, g_ref = pl.grad(c, OBS, theta, method="adjoint")
    for p in (pl.propagate(c, OBS, theta, grad=True), pl.propagate(c, OBS, theta)):
        e, g = p.grad()  # the second is recomputed with derivatives
        assert g.shape == (c.num_params,) and g.dtype == np.float64
        assert abs(e - e_ref) < 1e-12
        assert np.max(np.abs(g - g_ref)) < 1e-11
    p = pl.propagate(c, OBS, theta, grad=True)
    assert p.has_grad and p.coefficient_grads.shape == (p.num_terms, c.num_params)
    # Σ_α ∂c_α/∂θ over the strings of I and Z is the gradient on |0…0⟩.
    x, _ = p.pauli_bits()
    diag = ~x.any(axis=1)
    assert np.allclose(p.coefficient_grads[diag].sum(axis=0), g_ref, atol=1e-11)


def test_terms_coefficients_bits_agree(rng):
    c = CIRCUITS["hea"]
    p = pl.propagate(c, OBS, rng.uniform(-1, 1, c.num_params))
    terms = p.terms
    assert len(terms) == p.num_terms == len(p) == p.stats["terms"]
    assert np.array_equal(p.coefficients, [t[0] for t in terms])
    x, z = p.pauli_bits()
    assert x.shape == z.shape == (p.num_terms, 1) and x.dtype == np.uint64
    for (coeff, label), xb, zb in zip(terms, x[:, 0], z[:, 0]):
        want_x = want_z = 0
        if label != "I":
            for f in label.split():
                q = int(f[1:])
                want_x |= (f[0] in "XY") << q
                want_z |= (f[0] in "ZY") << q
        assert (int(xb), int(zb)) == (want_x, want_z)
    assert p.to_pauli_sum() == pl.PauliSum.from_terms(terms, c.num_qubits)


def test_product_state(rng):
    c = CIRCUITS["many-gates"]
    theta = rng.uniform(-math.pi, math.pi, c.num_params)
    p = pl.propagate(c, OBS, theta, grad=True)
    # |0…0⟩ has Bloch vectors (0, 0, 1); a random product state is prepared by u3 gates.
    assert p.expval(bloch=np.tile([0.0, 0.0, 1.0], (4, 1))) == pytest.approx(p.expval(), abs=1e-14)
    angles = rng.uniform(0, math.pi, (4, 2))
    prep = "".join(f"ry({a}) q[{q}]; rz({b}) q[{q}];\n" for q, (a, b) in enumerate(angles))
    full = pl.Circuit.from_qasm(MANY_GATES.replace("qreg q[4];\n", "qreg q[4];\n" + prep))
    bloch = np.array([[math.sin(a) * math.cos(b), math.sin(a) * math.sin(b), math.cos(a)]
                      for a, b in angles])
    ref, g_ref = pl.grad(full, OBS, theta)
    assert abs(p.expval(bloch=bloch) - ref) < 1e-12
    e, g = p.grad(bloch=bloch)
    assert abs(e - ref) < 1e-12 and np.max(np.abs(g - g_ref)) < 1e-11


def cli_propagate(tmp_path, c, obs, theta, extra):
    """`plateau propagate --json` on c.to_qasm() (read back with Circuit.from_qasm for the
    comparison: to_qasm writes ryy as rx/cx/rz, which truncates differently)."""
    qasm = tmp_path / "c.qasm"
    qasm.write_text(c.to_qasm())
    pf = tmp_path / "theta.json"
    pf.write_text(json.dumps([float(t) for t in theta]))
    return run_cli("propagate", qasm, "--obs", obs, "--params-file", pf, "--quiet", *extra)


TRUNCATIONS = [
    dict(max_weight=2),
    dict(min_abs_coeff=0.05),
    dict(max_freq=3),
    dict(max_weight=3, min_abs_coeff=1e-3, max_freq=6),
]
FLAGS = {"max_weight": "--max-weight", "min_abs_coeff": "--min-coeff", "max_freq": "--max-freq"}


@pytest.mark.parametrize("name", ["hea", "su4-brickwork", "tfim-hva", "many-gates"])
def test_truncated_matches_cli(name, rng, tmp_path):
    c = pl.Circuit.from_qasm(CIRCUITS[name].to_qasm())  # the circuit the CLI reads
    theta = rng.uniform(-math.pi, math.pi, c.num_params)
    for trunc in TRUNCATIONS:
        extra = [a for k, v in trunc.items() for a in (FLAGS[k], repr(v))]
        ref = cli_propagate(tmp_path, c, OBS, theta, extra + ["--grad"])
        p = pl.propagate(c, OBS, theta, grad=True, **trunc)
        s = p.stats
        assert abs(p.expval() - ref["expval"]) < 1e-12, trunc
        assert (s["terms"], s["max_terms"]) == (ref["terms"], ref["max_terms"]), trunc
        assert s["term_updates"] == ref["term_updates"]
        assert s["truncated_weight"] == pytest.approx(ref["truncated_weight"], rel=1e-12,
                                                      abs=1e-14)
        assert np.allclose(p.grad()[1], ref["grad"], rtol=0, atol=1e-12)
        # The same truncation without derivatives keeps the same strings.
        q = pl.propagate(c, OBS, theta, **trunc)
        assert q.num_terms == p.num_terms and abs(q.expval() - p.expval()) < 1e-13


def test_truncation_reports_dropped_weight(rng):
    c = CIRCUITS["su4-brickwork"]
    theta = rng.uniform(-math.pi, math.pi, c.num_params)
    exact = pl.propagate(c, OBS, theta)
    cut = pl.propagate(c, OBS, theta, max_weight=1)
    assert cut.num_terms < exact.num_terms and cut.stats["truncated_weight"] > 0
    assert all(len(label.split()) <= 1 for _, label in cut.terms)


def test_save_matches_cli_terms_out(rng, tmp_path):
    h5py = pytest.importorskip("h5py")
    c = pl.Circuit.from_qasm(CIRCUITS["tfim-hva"].to_qasm())
    theta = rng.uniform(-1, 1, c.num_params)
    p = pl.propagate(c, "Z0 Z1 + X2", theta, max_weight=3)
    p.save(tmp_path / "py.h5", seed=7)
    cli_propagate(tmp_path, c, "Z0 Z1 + X2", theta,
                  ["--max-weight", "3", "--terms-out", tmp_path / "cli.h5"])
    with h5py.File(tmp_path / "py.h5") as a, h5py.File(tmp_path / "cli.h5") as b:
        assert int(a.attrs["qubits"]) == 5 and int(a.attrs["seed"]) == 7
        for key in ("x", "z", "coeff"):
            assert np.array_equal(a[key][()], b[key][()]), key
        assert np.array_equal(a["coeff"][()], p.coefficients)
    with pytest.raises(pl.FileError):
        p.save(tmp_path / "missing" / "f.h5")


def test_200_qubits_fast(rng):
    # QCNN read out on its last qubit; a brickwork with a sum of 29 local terms.
    qcnn = pl.ansatz("qcnn", 200)
    brick = pl.ansatz("su4-brickwork", 200, layers=2)
    ring = " + ".join(f"Z{i} Z{i + 1}" for i in range(0, 199, 7))
    for c, obs in ((qcnn, "Z199"), (brick, ring)):
        theta = rng.uniform(-math.pi, math.pi, c.num_params)
        t = time.perf_counter()
        p = pl.propagate(c, obs, theta, max_weight=4)
        seconds = time.perf_counter() - t
        print(f"{c!r}: {p.num_terms} terms, {seconds:.3f} s")
        assert p.num_qubits == 200 and p.num_terms > 0
        assert np.isfinite(p.expval())
        assert seconds < 1.0  # about 0.005 s and 0.08 s on a quiet core


def test_threads_and_memory_limit(rng):
    """Propagations run with the GIL released: threads give the serial numbers; a term
    table over the memory limit raises OutOfMemoryError."""
    from concurrent.futures import ThreadPoolExecutor

    c = CIRCUITS["su4-brickwork"]
    thetas = [rng.uniform(-math.pi, math.pi, c.num_params) for _ in range(4)]
    serial = [pl.propagate(c, OBS, t).expval() for t in thetas]
    with ThreadPoolExecutor(2) as pool:
        threaded = list(pool.map(lambda t: pl.propagate(c, OBS, t).expval(), thetas))
    assert threaded == serial
    limit = pl.get_memory_limit()
    try:
        pl.set_memory_limit(4096)
        with pytest.raises(pl.OutOfMemoryError):
            pl.propagate(c, OBS, thetas[0])
    finally:
        pl.set_memory_limit(limit)


def test_no_parameters_grad_is_empty():
    c = pl.Circuit.from_qasm(HEADER + "qreg q[2]; h q[0]; cx q[0],q[1];")
    p = pl.propagate(c, "X0 X1")
    assert p.expval() == pytest.approx(1.0, abs=1e-15)
    e, g = p.grad()
    assert e == pytest.approx(1.0) and g.shape == (0,)


def test_bad_input():
    c = CIRCUITS["hea"]
    theta = np.zeros(c.num_params)
    with pytest.raises(pl.InvalidInputError, match="parameter"):
        pl.propagate(c, "Z0", theta[:-1])
    with pytest.raises(pl.InvalidInputError):
        pl.propagate(c, "Z0")  # parameters missing
    bad = theta.copy()
    bad[3] = np.nan
    with pytest.raises(pl.InvalidInputError, match="theta\\[3\\]|finite|NaN|nan"):
        pl.propagate(c, "Z0", bad)
    with pytest.raises(pl.Error, match="qubit"):
        pl.propagate(c, "Z7", theta)  # the observable is wider than the circuit
    with pytest.raises(pl.InvalidInputError, match="real|complex|Hermitian"):
        pl.propagate(c, pl.PauliSum.from_terms([(1j, "Z0")]), theta)
    for kw, msg in [(dict(max_weight=0), "max_weight must be >= 1"),
                    (dict(max_weight=-2), "max_weight must be >= 1"),
                    (dict(max_freq=0), "max_freq must be >= 1"),
                    (dict(min_abs_coeff=0), "min_abs_coeff must be a finite number > 0"),
                    (dict(min_abs_coeff=-1e-3), "min_abs_coeff must be a finite number > 0"),
                    (dict(min_abs_coeff=float("nan")), "min_abs_coeff"),
                    (dict(max_weight=2.5), "max_weight must be an integer")]:
        with pytest.raises(pl.InvalidInputError, match=msg):
            pl.propagate(c, "Z0", theta, **kw)
    p = pl.propagate(c, "Z0", theta)
    with pytest.raises(pl.InvalidInputError, match="4 qubits"):
        p.expval(bloch=np.zeros((3, 3)))
    with pytest.raises(pl.InvalidInputError, match="\\(n, 3\\)"):
        p.expval(bloch=np.zeros(12))
    with pytest.raises(pl.InvalidInputError, match="not finite"):
        p.expval(bloch=np.full((4, 3), np.inf))
    with pytest.raises(pl.InvalidInputError, match="grad=True"):
        p.coefficient_grads
    with pytest.raises(TypeError):
        pl.Propagation()
    c4 = pl.Circuit.from_qasm(HEADER + "qreg q[4]; c3x q[0],q[1],q[2],q[3];")
    with pytest.raises(pl.Error, match="3 qubits|unsupported|generic"):
        pl.propagate(c4, "Z3")


# ---- compiled propagations ------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CIRCUITS))
@pytest.mark.parametrize("max_weight", [None, 2])
def test_plan_matches_propagate(name, max_weight):
    """A compiled plan gives propagate(grad=True)'s strings and coefficients at two sets
    of parameters, and its vjp equals weights @ coefficient_grads (forward mode)."""
    c = CIRCUITS[name]
    plan = pl.compile_propagation(c, OBS, max_weight=max_weight)
    rng = np.random.default_rng(7)
    for _ in range(2):
        theta = rng.uniform(-np.pi, np.pi, c.num_params)
        ref = pl.propagate(c, OBS, theta, max_weight=max_weight, grad=True)
        assert plan.num_terms == ref.num_terms == len(plan)
        index = {label: k for k, (_, label) in enumerate(ref.terms)}
        order = [index[label] for label in plan.labels]
        coeff = plan.coefficients(theta)
        np.testing.assert_allclose(coeff, ref.coefficients[order], rtol=0, atol=1e-12)
        w = np.sin(np.arange(plan.num_terms) + 1.0)
        want = w @ ref.coefficient_grads[order]
        np.testing.assert_allclose(plan.vjp(w), want, rtol=0, atol=1e-11)
        value, g = plan.value_and_grad(theta, w)
        assert value == pytest.approx(float(w @ coeff), abs=1e-12)
        np.testing.assert_allclose(g, want, rtol=0, atol=1e-11)


def test_plan_exact_equals_statevector():
    """Untruncated, Σ over I/Z strings of the plan's coefficients is <0|U†OU|0> from the
    state vector; its vjp with those weights is the adjoint gradient."""
    c = CIRCUITS["many-gates"]
    theta = np.linspace(-1.0, 1.2, c.num_params)
    plan = pl.compile_propagation(c, OBS)
    w = np.array([0.0 if any(p in lab for p in "XY") else 1.0 for lab in plan.labels])
    value, g = plan.value_and_grad(theta, w)
    e, g_adj = pl.grad(c, OBS, theta, method="adjoint")
    assert value == pytest.approx(pl.expval(c, OBS, theta), abs=1e-10)
    assert value == pytest.approx(e, abs=1e-10)
    np.testing.assert_allclose(g, g_adj, rtol=0, atol=1e-10)


def test_plan_errors():
    c = CIRCUITS["hea"]
    plan = pl.compile_propagation(c, "Z0", max_weight=2)
    assert "PropagationPlan" in repr(plan) and plan.num_moves > 0 and plan.num_qubits == 4
    with pytest.raises(pl.InvalidInputError, match="needs a pl_prop_plan_eval first"):
        plan.vjp(np.ones(plan.num_terms))
    with pytest.raises(pl.InvalidInputError, match="parameters, got 3"):
        plan.coefficients([0.1, 0.2, 0.3])
    with pytest.raises(pl.InvalidInputError, match="must be finite"):
        plan.coefficients(np.full(c.num_params, np.nan))
    plan.coefficients(np.zeros(c.num_params))
    with pytest.raises(pl.InvalidInputError, match="weights"):
        plan.vjp(np.ones(plan.num_terms + 1))
    with pytest.raises(pl.InvalidInputError, match="weights must be finite"):
        plan.vjp(np.full(plan.num_terms, np.inf))
    with pytest.raises(pl.InvalidInputError, match="max_weight"):
        pl.compile_propagation(c, "Z0", max_weight=0)
    with pytest.raises(pl.InvalidInputError):
        pl.compile_propagation("not a circuit", "Z0")
    with pytest.raises(TypeError):
        pl.PropagationPlan()
