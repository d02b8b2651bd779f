"""Classical shadows from Python: estimates against exact expectations (dense numpy and
plateau.expval), against the CLI (`plateau shadows` / `plateau estimate`, same seed),
round trips through arrays and files, PennyLane's ClassicalShadow, and bad input."""
from __future__ import annotations

import math
import os

import numpy as np
import pytest

import plateau as pl
from conftest import CLI, dense_pauli, run_cli

WORDS = ["Z0", "X1", "Y2", "Z0 Z1", "X0 Y3", "Z1 X2 Y3"]


def random_state(rng, n):
    v = rng.normal(size=2**n) + 1j * rng.normal(size=2**n)
    return v / np.linalg.norm(v)


def exact(v, label, n):
    return float(np.real(np.vdot(v, dense_pauli(label, n) @ v)))


def test_estimates_converge_to_exact_values(rng):
    n, shots = 4, 20000
    v = random_state(rng, n)
    sh = pl.shadows(v, shots, seed=5)
    assert (sh.num_qubits, sh.num_shots, len(sh)) == (n, shots, shots)
    empty = pl.Circuit(n)  # plateau.expval of the state itself, a second reference
    for label in WORDS:
        want = exact(v, label, n)
        assert want == pytest.approx(pl.expval(empty, label, initial=v), abs=1e-12)
        w = len(label.split())
        sigma = math.sqrt(3**w / shots)  # the single-shot variance is at most 3^w
        assert abs(sh.estimate(label) - want) < 4 * sigma, (label, want, sigma)
    # a sum: Σ c_k mean_k
    obs = "0.5*Z0 Z1 - 2*X1 + 0.25*I"
    want = 0.5 * exact(v, "Z0 Z1", n) - 2 * exact(v, "X1", n) + 0.25
    assert abs(sh.estimate(obs) - want) < 4 * math.sqrt((0.5 * 3 + 2) ** 2 / shots)


def test_estimate_many_and_stats_agree_with_estimate(rng):
    v = random_state(rng, 4)
    sh = pl.shadows(v, 3000, seed=2)
    obs = WORDS + ["0.5*Z0 Z1 - 2*X1", pl.PauliSum("Y0 Y1 + X3")]
    many = sh.estimate_many(obs)
    assert many.dtype == np.float64 and many.shape == (len(obs),)
    np.testing.assert_allclose(many, [sh.estimate(o) for o in obs], rtol=0, atol=1e-12)
    st = sh.estimate_stats("Z0 Z1", delta=0.1, groups=5)
    assert st["mean"] == sh.estimate("Z0 Z1") and st["weight"] == 2
    assert st["mean_radius"] > 0 and st["mom_radius"] > 0 and 0 < st["matches"] < 3000
    # the estimator by hand from the unpacked arrays (basis codes 1 X, 2 Z, 3 Y)
    bases, outcomes = sh.arrays()
    code = {"X": 1, "Z": 2, "Y": 3}
    for label in WORDS:
        vals = np.ones(sh.num_shots)
        for f in label.split():
            q = int(f[1:])
            vals *= 3 * (bases[:, q] == code[f[0]]) * (1 - 2.0 * outcomes[:, q])
        assert sh.estimate(label) == pytest.approx(vals.mean(), abs=1e-12)


def test_circuit_input_equals_its_state_vector():
    c = pl.ansatz("hea", 3, layers=2)
    theta = np.linspace(0.1, 1.2, c.num_params)
    a = pl.shadows(c, 500, seed=9, params=theta)
    b = pl.shadows(pl.statevector(c, theta), 500, seed=9)
    np.testing.assert_array_equal(a.packed, b.packed)
    assert not np.array_equal(a.packed, pl.shadows(c, 500, seed=10, params=theta).packed)


def test_arrays_encoding_and_zero_copy(rng):
    sh = pl.shadows(random_state(rng, 3), 130, seed=4)
    bases, outcomes = sh.arrays()
    assert bases.shape == outcomes.shape == (130, 3) and bases.dtype == np.uint8
    assert set(np.unique(bases)) <= {1, 2, 3} and set(np.unique(outcomes)) <= {0, 1}
    p = sh.packed
    assert p.shape == (3, 3, 3) and p.dtype == np.uint64 and not p.flags.writeable
    assert p.ctypes.data == sh.packed.ctypes.data  # a view of the C storage, no copy
    # the documented unpacking: bases of qubit q = lo + 2*hi, outcome bits
    for q in range(3):
        unpack = lambda w: np.unpackbits(w.view(np.uint8), bitorder="little")[:130]
        np.testing.assert_array_equal(unpack(p[q, 0]) + 2 * unpack(p[q, 1]), bases[:, q])
        np.testing.assert_array_equal(unpack(p[q, 2]), outcomes[:, q])
    again = pl.Shadows.from_arrays(bases, outcomes)
    np.testing.assert_array_equal(again.packed, p)
    letters = pl.Shadows.from_arrays(sh.basis_strings, outcomes)
    np.testing.assert_array_equal(letters.packed, p)
    np.testing.assert_array_equal(pl.Shadows.from_packed(p, 130).packed, p)
    assert sh.head(64).num_shots == 64
    np.testing.assert_array_equal(sh.head(64).bases, bases[:64])


def test_files_round_trip(tmp_path, rng):
    sh = pl.shadows(random_state(rng, 3), 200, seed=8)
    sh.save(tmp_path / "s.h5")
    sh.save(tmp_path / "s.txt", format="text")
    for name in ("s.h5", "s.txt"):
        back = pl.load_shadows(tmp_path / name)
        np.testing.assert_array_equal(back.packed, sh.packed)
    h5py = pytest.importorskip("h5py")
    with h5py.File(tmp_path / "s.h5") as f:
        np.testing.assert_array_equal(f["bits"][...], sh.packed)
        assert f.attrs["shots"] == 200 and f.attrs["qubits"] == 3 and f.attrs["seed"] == 8
    first = open(tmp_path / "s.txt").read().split("\n")
    line = next(x for x in first if x and not x.startswith("#"))
    assert line.split() == [sh.basis_strings[0], "".join(map(str, sh.outcomes[0]))]


def test_matches_the_cli_exactly(tmp_path):
    state, out = tmp_path / "gs.h5", tmp_path / "cli.h5"
    run_cli("gs", "--model", "tfim", "--sites", 6, "--param", "h=0.8", "--out", state)
    run_cli("shadows", "--state", state, "--shots", 700, "--seed", 13, "--out", out, "--quiet")
    sh = pl.shadows(str(state), 700, seed=13)
    np.testing.assert_array_equal(sh.packed, pl.load_shadows(out).packed)
    obs = "Z0 Z1 + 0.5*X2 - 0.25*Z3 Y4 X5"
    cli = run_cli("estimate", "--shadows", out, "--obs", obs, "--delta", 0.1, "--groups", 7)
    mine = sh.estimate_stats(obs, delta=0.1, groups=7)
    tot = cli["total"]
    # cJSON prints 15 significant digits (its round-trip check has a tolerance): compare
    # the CLI's JSON to 1e-14 relative; the files above are bit-identical
    same = lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-14, atol=0)
    same([mine["mean"], mine["mean_radius"], mine["mom"], mine["mom_radius"]],
         [tot["mean"], tot["radius"], tot["mom"], tot["mom_radius"]])
    assert sh.estimate(obs) == mine["mean"]
    for t in cli["estimates"]:  # every term, as pl_shadows_estimate gives it
        one = sh.estimate_stats(t["term"], delta=0.1, groups=7)
        same([one["mean"], one["mean_radius"], one["mom"], one["mom_radius"]],
             [t["mean"], t["radius"], t["mom"], t["mom_radius"]])
    # the batched estimator sums the same products in another order: equal to rounding
    np.testing.assert_allclose(sh.estimate_many([t["term"] for t in cli["estimates"]]),
                               [t["mean"] for t in cli["estimates"]], rtol=0, atol=1e-13)
    # a file written from Python is read by the CLI
    sh.save(tmp_path / "py.h5")
    again = run_cli("estimate", "--shadows", tmp_path / "py.h5", "--obs", obs, "--delta", 0.1,
                    "--groups", 7)
    assert again["total"] == tot  # the same file contents, the same printed numbers
    # window features as `plateau estimate --windows K --out F`
    h5py = pytest.importorskip("h5py")
    run_cli("estimate", "--shadows", out, "--windows", 2, "--out", tmp_path / "w.h5", "--quiet")
    with h5py.File(tmp_path / "w.h5") as f:
        np.testing.assert_array_equal(sh.window_features(2), f["features"][...])
    labels = pl.window_strings(6, 2)
    assert len(labels) == len(sh.window_features(2))
    np.testing.assert_allclose(sh.estimate_many(labels), sh.window_features(2), atol=1e-12)


# ---- PennyLane ---------------------------------------------------------------------


def test_pennylane_estimates_equal_plateau(rng):
    qml = pytest.importorskip("pennylane")
    sh = pl.shadows(random_state(rng, 4), 1500, seed=3)
    cs = sh.to_pennylane()
    assert isinstance(cs, qml.ClassicalShadow) and cs.bits.shape == (1500, 4)
    ops = {"X": qml.X, "Y": qml.Y, "Z": qml.Z}
    for label in WORDS:
        h = qml.prod(*[ops[f[0]](int(f[1:])) for f in label.split()])
        # k=1: PennyLane's median of means over one group is the plain shot mean
        assert sh.estimate(label) == pytest.approx(float(cs.expval(h, k=1)), abs=1e-12)
    h = 0.5 * qml.Z(0) @ qml.Z(1) - 2.0 * qml.X(1)
    assert sh.estimate("0.5*Z0 Z1 - 2*X1") == pytest.approx(float(cs.expval(h, k=1)), abs=1e-12)
    back = pl.Shadows.from_pennylane(cs)
    np.testing.assert_array_equal(back.packed, sh.packed)
    np.testing.assert_array_equal(pl.Shadows.from_pennylane((cs.bits, cs.recipes)).packed,
                                  sh.packed)
    # recipes 0 X, 1 Y, 2 Z against plateau's codes 1 X, 3 Y, 2 Z
    np.testing.assert_array_equal(np.array([1, 3, 2])[cs.recipes], sh.bases)


def test_pennylane_device_shadow_feeds_the_estimator():
    qml = pytest.importorskip("pennylane")
    n, shots = 3, 4000
    dev = qml.device("default.qubit", wires=n, seed=1234)

    def prepare():
        qml.RY(0.7, wires=0)
        qml.CNOT(wires=[0, 1])
        qml.RX(0.4, wires=2)
        qml.RY(-0.9, wires=1)

    @qml.set_shots(shots)
    @qml.qnode(dev)
    def shadow():
        prepare()
        return qml.classical_shadow(wires=range(n), seed=99)

    @qml.qnode(qml.device("default.qubit", wires=n))
    def expvals():
        prepare()
        return [qml.expval(qml.Z(0) @ qml.Z(1)), qml.expval(qml.X(1)),
                qml.expval(qml.Y(2)), qml.expval(qml.Z(0) @ qml.X(1) @ qml.Y(2))]

    bits, recipes = shadow()
    sh = pl.Shadows.from_pennylane((bits, recipes))
    assert (sh.num_qubits, sh.num_shots) == (n, shots)
    want = [float(x) for x in expvals()]
    # the same state by plateau (wire i = qubit i): a third reference for the exact values
    c = pl.Circuit(n).add("ry", [0], 0.7).add("cx", [0, 1]).add("rx", [2], 0.4) \
        .add("ry", [1], -0.9)
    labels = ["Z0 Z1", "X1", "Y2", "Z0 X1 Y2"]
    np.testing.assert_allclose([pl.expval(c, o) for o in labels], want, atol=1e-12)
    for label, w in zip(labels, want):
        sigma = math.sqrt(3 ** len(label.split()) / shots)
        assert abs(sh.estimate(label) - w) < 4 * sigma, (label, w)


def test_from_pennylane_wire_map_places_columns():
    qml = pytest.importorskip("pennylane")
    bits = np.array([[0, 1], [1, 1]])
    recipes = np.array([[0, 2], [1, 0]])
    sh = pl.Shadows.from_pennylane(qml.ClassicalShadow(bits, recipes, wire_map=[3, 1]))
    assert sh.num_qubits == 4
    np.testing.assert_array_equal(sh.bases, [[0, 2, 0, 1], [0, 1, 0, 3]])
    np.testing.assert_array_equal(sh.outcomes, [[0, 1, 0, 0], [0, 1, 0, 1]])
    with pytest.raises(pl.InvalidInputError, match="unmeasured"):
        sh.to_pennylane()


# ---- bad input -----------------------------------------------------------------------


def test_bad_input_raises_plateau_errors(rng):
    v = random_state(rng, 3)
    with pytest.raises(pl.InvalidInputError, match="2\\^n amplitudes"):
        pl.shadows(v[:6], 10)
    with pytest.raises(pl.InvalidInputError, match="2\\^n amplitudes"):
        pl.shadows(np.array([1.0]), 10)
    with pytest.raises(pl.InvalidInputError, match="shots must be >= 1"):
        pl.shadows(v, 0)
    with pytest.raises(pl.InvalidInputError, match="normalised"):
        pl.shadows(2 * v, 10)
    with pytest.raises(pl.InvalidInputError, match="squared norm 0"):
        pl.shadows(np.zeros(8), 10)
    with pytest.raises(pl.InvalidInputError, match="same shape"):
        pl.Shadows.from_arrays(np.ones((5, 3), np.uint8), np.zeros((5, 2), np.uint8))
    with pytest.raises(pl.InvalidInputError, match="basis codes"):
        pl.Shadows.from_arrays(np.full((2, 2), 4), np.zeros((2, 2)))
    with pytest.raises(pl.InvalidInputError, match="at least one qubit"):
        pl.Shadows.from_arrays(np.zeros((2, 0)), np.zeros((2, 0)))
    with pytest.raises(pl.InvalidInputError, match="shots must be >= 1"):
        pl.Shadows.from_arrays(np.zeros((0, 2)), np.zeros((0, 2)))
    with pytest.raises(pl.InvalidInputError, match="basis letter"):
        pl.Shadows.from_arrays(["XQ", "ZZ"], np.zeros((2, 2)))
    with pytest.raises(pl.InvalidInputError, match="outcomes"):
        pl.Shadows.from_arrays(np.ones((2, 2)), np.full((2, 2), 2))
    with pytest.raises(pl.InvalidInputError, match="recipes"):
        pl.Shadows.from_pennylane((np.zeros((2, 2)), np.full((2, 2), 3)))
    with pytest.raises(pl.InvalidInputError):
        pl.Shadows.from_pennylane((np.zeros((2, 2)), np.zeros((3, 2))))
    with pytest.raises(pl.InvalidInputError, match="shape"):
        pl.Shadows.from_packed(np.zeros((2, 3, 1), np.uint64), 65)
    sh = pl.shadows(v, 50, seed=1)
    with pytest.raises(pl.Error, match="qubit"):
        sh.estimate("Z5")  # beyond the 3 measured qubits
    with pytest.raises(pl.Error):
        sh.estimate_many(["Z0", "X7"])
    with pytest.raises(pl.Error):
        sh.estimate("1j*Z0")  # not Hermitian
    with pytest.raises(pl.InvalidInputError, match="delta"):
        sh.estimate_stats("Z0", delta=1.5)
    with pytest.raises(pl.InvalidInputError, match="list"):
        sh.estimate_many("Z0")
    with pytest.raises(pl.FileError):
        pl.load_shadows("/nonexistent/shadows.h5")
    with pytest.raises(pl.InvalidInputError, match="format"):
        sh.save("/tmp/x.h5", format="csv")
    with pytest.raises(pl.Error):
        pl.shadows("/nonexistent/state.h5", 10)
    assert os.path.exists(CLI)
