"""The PennyLane devices plateau.qubit and plateau.pauliprop against default.qubit
(same run): random circuits over every mapped gate, states, probabilities, Pauli
sums, adjoint Jacobians, shots, and errors."""
import numpy as np
import pytest

import plateau

qml = pytest.importorskip("pennylane")
pnp = pytest.importorskip("pennylane.numpy")

TOL = 1e-10
N = 4  # wires of the random circuits

# default.qubit's backprop through U3 casts complex to real inside autograd
pytestmark = pytest.mark.filterwarnings("ignore::numpy.exceptions.ComplexWarning")


def _unitary(rng, d):
    q, r = np.linalg.qr(rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d)))
    return q * (np.diag(r) / np.abs(np.diag(r)))


# (name, number of angles, number of wires, factory(angles, wires)); every gate plateau
# maps natively, then some that the device decomposes.
GATES = [
    ("PauliX", 0, 1, lambda a, w: qml.PauliX(w)),
    ("PauliY", 0, 1, lambda a, w: qml.PauliY(w)),
    ("PauliZ", 0, 1, lambda a, w: qml.PauliZ(w)),
    ("Hadamard", 0, 1, lambda a, w: qml.Hadamard(w)),
    ("S", 0, 1, lambda a, w: qml.S(w)),
    ("T", 0, 1, lambda a, w: qml.T(w)),
    ("SX", 0, 1, lambda a, w: qml.SX(w)),
    ("adj(S)", 0, 1, lambda a, w: qml.adjoint(qml.S(w))),
    ("adj(T)", 0, 1, lambda a, w: qml.adjoint(qml.T(w))),
    ("adj(SX)", 0, 1, lambda a, w: qml.adjoint(qml.SX(w))),
    ("adj(CNOT)", 0, 2, lambda a, w: qml.adjoint(qml.CNOT(w))),
    ("RX", 1, 1, lambda a, w: qml.RX(a[0], w)),
    ("RY", 1, 1, lambda a, w: qml.RY(a[0], w)),
    ("RZ", 1, 1, lambda a, w: qml.RZ(a[0], w)),
    ("PhaseShift", 1, 1, lambda a, w: qml.PhaseShift(a[0], w)),
    ("U1", 1, 1, lambda a, w: qml.U1(a[0], w)),
    ("U2", 2, 1, lambda a, w: qml.U2(a[0], a[1], w)),
    ("U3", 3, 1, lambda a, w: qml.U3(a[0], a[1], a[2], w)),
    ("Rot", 3, 1, lambda a, w: qml.Rot(a[0], a[1], a[2], w)),
    ("adj(RX)", 1, 1, lambda a, w: qml.adjoint(qml.RX(a[0], w))),
    ("CNOT", 0, 2, lambda a, w: qml.CNOT(w)),
    ("CY", 0, 2, lambda a, w: qml.CY(w)),
    ("CZ", 0, 2, lambda a, w: qml.CZ(w)),
    ("CH", 0, 2, lambda a, w: qml.CH(w)),
    ("SWAP", 0, 2, lambda a, w: qml.SWAP(w)),
    ("CRX", 1, 2, lambda a, w: qml.CRX(a[0], w)),
    ("CRY", 1, 2, lambda a, w: qml.CRY(a[0], w)),
    ("CRZ", 1, 2, lambda a, w: qml.CRZ(a[0], w)),
    ("CRot", 3, 2, lambda a, w: qml.CRot(a[0], a[1], a[2], w)),
    ("ControlledPhaseShift", 1, 2, lambda a, w: qml.ControlledPhaseShift(a[0], w)),
    ("IsingXX", 1, 2, lambda a, w: qml.IsingXX(a[0], w)),
    ("IsingYY", 1, 2, lambda a, w: qml.IsingYY(a[0], w)),
    ("IsingZZ", 1, 2, lambda a, w: qml.IsingZZ(a[0], w)),
    ("Toffoli", 0, 3, lambda a, w: qml.Toffoli(w)),
    ("CSWAP", 0, 3, lambda a, w: qml.CSWAP(w)),
    ("MultiControlledX", 0, 4, lambda a, w: qml.MultiControlledX(wires=w)),
    ("PauliRot", 1, 3, lambda a, w: qml.PauliRot(a[0], "XYZ", w)),
    ("PauliRot(XIY)", 1, 3, lambda a, w: qml.PauliRot(a[0], "XIY", w)),
    ("MultiRZ", 1, 3, lambda a, w: qml.MultiRZ(a[0], w)),
    ("GlobalPhase", 1, 1, lambda a, w: qml.GlobalPhase(a[0])),
    # decomposed or applied as matrices
    ("IsingXY", 1, 2, lambda a, w: qml.IsingXY(a[0], w)),
    ("ISWAP", 0, 2, lambda a, w: qml.ISWAP(w)),
    ("MCX(0,1)", 0, 3, lambda a, w: qml.MultiControlledX(wires=w, control_values=[0, 1])),
    ("ctrl(RY, 2)", 1, 3, lambda a, w: qml.ctrl(qml.RY(a[0], w[2]), control=w[:2])),
    ("SingleExcitation", 1, 2, lambda a, w: qml.SingleExcitation(a[0], w)),
    ("QFT", 0, 3, lambda a, w: qml.QFT(w)),
]
PARAMETRIC = [g for g in GATES if g[1] > 0 and g[0] != "GlobalPhase"]
FIXED_U1 = _unitary(np.random.default_rng(11), 2)
FIXED_U2 = _unitary(np.random.default_rng(12), 4)
GATES += [
    ("QubitUnitary1", 0, 1, lambda a, w: qml.QubitUnitary(FIXED_U1, w)),
    ("QubitUnitary2", 0, 2, lambda a, w: qml.QubitUnitary(FIXED_U2, w)),
    ("ControlledQubitUnitary", 0, 3,
     lambda a, w: qml.ControlledQubitUnitary(FIXED_U1, wires=w)),
]


def random_circuit(seed, n=N, depth=14, gates=GATES):
    """(ops(x) builder, number of parameters): random gates on random wires, a random
    layer of RY first so that no state is trivial."""
    rng = np.random.default_rng(seed)
    ry = next(g for g in GATES if g[0] == "RY")
    plan = [(*ry, [w]) for w in range(n)]
    for _ in range(depth):
        g = gates[rng.integers(len(gates))]
        plan.append((*g[:2], g[2], g[3], list(rng.permutation(n)[:g[2]])))
    counts = [p[1] for p in plan]
    offsets = np.concatenate([[0], np.cumsum(counts)])

    def ops(x):
        for (name, k, _, make, wires), o in zip(plan, offsets):
            make([x[o + j] for j in range(k)], wires)

    return ops, int(offsets[-1])


def hamiltonian(rng, n=N):
    ws = [qml.PauliX, qml.PauliY, qml.PauliZ]
    terms = []
    for _ in range(4):
        w = rng.permutation(n)[:rng.integers(1, 4)]
        terms.append(qml.prod(*[ws[rng.integers(3)](int(q)) for q in w]))
    return qml.dot(list(rng.normal(size=4)), terms) + 0.3 * qml.Identity(0)


def qnodes(body, wires=N, diff=("adjoint", "backprop"), **kw):
    return (qml.QNode(body, qml.device("plateau.qubit", wires=wires, **kw), diff_method=diff[0]),
            qml.QNode(body, qml.device("default.qubit", wires=wires), diff_method=diff[1]))


def close(a, b, tol=TOL):
    return np.allclose(np.asarray(a, dtype=complex), np.asarray(b, dtype=complex),
                       atol=tol, rtol=0)


# ---- plateau.qubit ---------------------------------------------------------------------


def test_entry_points_find_the_devices():
    assert qml.device("plateau.qubit", wires=2).name == "plateau.qubit"
    assert qml.device("plateau.pauliprop", wires=2).name == "plateau.pauliprop"


@pytest.mark.parametrize("gate", GATES, ids=[g[0] for g in GATES])
def test_each_gate_state_equals_default_qubit(gate):
    name, k, nw, make = gate
    rng = np.random.default_rng(sum(map(ord, name)))
    angles = rng.uniform(-np.pi, np.pi, size=k)
    wires = [2, 0, 3, 1][:nw]

    def body():
        for w in range(N):
            qml.RY(0.3 + 0.4 * w, w)
            qml.RZ(0.2 - 0.3 * w, w)
        make(angles, wires)
        return qml.state()

    mine, ref = qnodes(body, diff=(None, None))
    assert close(mine(), ref()), name


@pytest.mark.parametrize("gate", PARAMETRIC, ids=[g[0] for g in PARAMETRIC])
def test_each_parametric_gate_adjoint_jacobian(gate):
    name, k, nw, make = gate
    x = pnp.array(np.random.default_rng(k + nw).uniform(-np.pi, np.pi, size=k),
                  requires_grad=True)
    wires = [1, 3, 0, 2][:nw]

    def body(x):
        for w in range(N):
            qml.RY(0.3 + 0.4 * w, w)
            qml.RX(0.5 - 0.2 * w, w)
        make(x, wires)
        return qml.expval(qml.X(1) @ qml.Y(3) + 0.5 * qml.Z(0) + qml.X(2)), qml.expval(qml.Y(1))

    mine, ref = qnodes(body)
    assert close(mine(x), ref(x))
    jm = qml.jacobian(lambda x: pnp.stack(mine(x)))(x)
    jr = qml.jacobian(lambda x: pnp.stack(ref(x)))(x)
    assert close(jm, jr), (name, jm, jr)


@pytest.mark.parametrize("seed", range(24))
def test_random_circuits(seed):
    ops, n_params = random_circuit(seed)
    rng = np.random.default_rng(1000 + seed)
    x = pnp.array(rng.uniform(-np.pi, np.pi, size=n_params), requires_grad=True)
    h1, h2 = hamiltonian(rng), hamiltonian(rng)
    sub = [int(w) for w in rng.permutation(N)[:2]]

    def values(x):
        ops(x)
        return qml.expval(h1), qml.expval(h2), qml.var(h1), qml.probs(wires=sub), qml.state()

    def energies(x):
        ops(x)
        return qml.expval(h1), qml.expval(h2), qml.expval(qml.Z(sub[0]))

    mine, ref = qnodes(values, diff=(None, None))
    for a, b in zip(mine(x), ref(x)):
        assert close(a, b), seed
    mine, ref = qnodes(energies)
    jm = qml.jacobian(lambda x: pnp.stack(mine(x)))(x)
    jr = qml.jacobian(lambda x: pnp.stack(ref(x)))(x)
    assert jm.shape == (3, n_params)
    assert close(jm, jr), seed


def test_best_is_adjoint_and_single_parameter_gradient():
    dev = qml.device("plateau.qubit", wires=2)

    @qml.qnode(dev)
    def f(x):
        qml.RX(x, 0)
        qml.CNOT([0, 1])
        return qml.expval(qml.Z(1))

    x = pnp.array(0.7, requires_grad=True)
    assert qml.workflow.construct_batch(f, level="device")(x)[0][0].trainable_params == [0]
    with qml.Tracker(dev) as tracker:
        g = qml.grad(f)(x)
    assert abs(g + np.sin(0.7)) < TOL
    assert tracker.totals.get("derivatives", 0) >= 1  # computed by the device


def test_wire_labels_and_order():
    body_ops, n_params = random_circuit(7)
    labels = ["a", 5, "z", 0]
    x = np.random.default_rng(3).uniform(size=n_params)

    def body():
        with qml.QueuingManager.stop_recording():
            tape = qml.tape.make_qscript(body_ops)(x)
        for op in tape.operations:
            qml.apply(op.map_wires(dict(enumerate(labels))))
        return qml.state(), qml.probs(wires=["z", "a"]), qml.expval(qml.X("z") @ qml.Z(5))

    mine = qml.QNode(body, qml.device("plateau.qubit", wires=labels))
    ref = qml.QNode(body, qml.device("default.qubit", wires=labels))
    for a, b in zip(mine(), ref()):
        assert close(a, b)


def test_state_preparation_and_basis_state():
    rng = np.random.default_rng(5)
    psi = rng.normal(size=8) + 1j * rng.normal(size=8)
    psi /= np.linalg.norm(psi)
    x = pnp.array([0.4, -1.2], requires_grad=True)

    def prep(x):
        qml.StatePrep(psi, wires=[2, 0, 1])
        qml.RX(x[0], 1)
        qml.IsingZZ(x[1], [0, 2])
        qml.CNOT([2, 3])
        return qml.expval(qml.X(1) @ qml.Z(3) + qml.Y(0))

    def basis(x):
        qml.BasisState(np.array([1, 0, 1, 1]), wires=range(4))
        qml.RY(x[0], 1)
        qml.CRX(x[1], [0, 1])
        return qml.expval(qml.Z(1) + qml.Z(2))

    for body in (prep, basis):
        mine, ref = qnodes(body, diff=("adjoint", "parameter-shift"))
        assert close(mine(x), ref(x))
        assert close(qml.grad(mine)(x), qml.grad(ref)(x))


def test_hamiltonian_forms():
    def body():
        random_circuit(3)[0](np.linspace(0.1, 2.0, 40))
        return (qml.expval(qml.Hamiltonian([0.5, -1.5], [qml.X(0) @ qml.Z(2), qml.Y(1)])),
                qml.expval(qml.sum(qml.X(0), qml.s_prod(2.0, qml.Z(3)))),
                qml.expval(qml.prod(qml.Y(0), qml.Y(1))),
                qml.expval(qml.X(0) @ qml.X(0)),  # the identity
                qml.var(qml.X(1) + qml.Z(2)),
                qml.expval(qml.Hermitian(FIXED_U2 + FIXED_U2.conj().T, wires=[3, 1])),
                qml.probs(op=qml.X(2)))

    mine, ref = qnodes(body, diff=(None, None))
    for a, b in zip(mine(), ref()):
        assert close(a, b)


def _shot_circuit():
    qml.RY(1.1, 0)
    qml.CNOT([0, 1])
    qml.RX(0.6, 2)
    qml.Hadamard(3)


def test_samples_are_reproducible_for_a_seed_and_distributed_right():
    shots = 20000

    def body():
        _shot_circuit()
        return qml.sample(), qml.counts(wires=[0, 2]), qml.probs(wires=[1, 2])

    def run(seed):
        return qml.set_shots(qml.QNode(body, qml.device("plateau.qubit", wires=N, seed=seed)),
                             shots=shots)()

    s1, c1, p1 = run(42)
    assert c1 == {k: v for k, v in qml.counts(wires=[0, 2]).process_samples(
        s1, wire_order=qml.wires.Wires(range(N))).items() if v}  # the same shots
    s2, c2, p2 = run(42)
    s3, _, _ = run(43)
    assert s1.shape == (shots, N) and np.array_equal(s1, s2) and c1 == c2
    assert not np.array_equal(s1, s3)
    exact = qml.QNode(lambda: (_shot_circuit(), qml.probs(wires=range(N)))[1],
                      qml.device("default.qubit", wires=N))()
    freq = np.bincount(s1 @ (1 << np.arange(N - 1, -1, -1)), minlength=2**N) / shots
    sigma = np.sqrt(exact * (1 - exact) / shots) + 1e-12
    assert np.all(np.abs(freq - exact) < 5 * sigma)
    sub = qml.QNode(lambda: (_shot_circuit(), qml.probs(wires=[1, 2]))[1],
                    qml.device("default.qubit", wires=N))()
    assert np.allclose(p1, sub, atol=0.02)
    assert sum(c1.values()) == shots and set(c1) <= {"00", "01", "10", "11"}


def test_device_shots_and_seed():
    with pytest.warns(qml.exceptions.PennyLaneDeprecationWarning):
        dev = qml.device("plateau.qubit", wires=N, shots=50, seed=5)
    f = qml.QNode(lambda: (_shot_circuit(), qml.sample(wires=[0, 1]))[1], dev)
    s = f()
    assert s.shape == (50, 2) and np.all(s[:, 0] == s[:, 1])  # a Bell pair on wires 0, 1


def test_expval_and_var_with_shots_and_shot_vectors():
    def body():
        _shot_circuit()
        return (qml.expval(qml.Z(0) @ qml.Z(1) + 0.5 * qml.X(3)), qml.expval(qml.Y(2)),
                qml.var(qml.X(3) @ qml.Z(0)), qml.sample(qml.X(3)))

    dev = qml.device("plateau.qubit", wires=N, seed=7)
    res = qml.set_shots(qml.QNode(body, dev), shots=[(5000, 2), 3000])()
    assert len(res) == 3
    exact_y = -np.sin(0.6)
    for (e, y, v, s), shots in zip(res, (5000, 5000, 3000)):
        assert abs(e - 1.5) < 1e-12  # both terms have eigenvalue +1 surely
        assert abs(y - exact_y) < 5 / np.sqrt(shots)
        assert abs(v - (1 - np.cos(1.1)**2)) < 5 / np.sqrt(shots)
        assert s.shape == (shots,) and set(np.unique(s)) == {1}


def test_best_with_shots_falls_back_to_parameter_shift():
    f = qml.set_shots(qml.QNode(lambda x: (qml.RX(x, 0), qml.expval(qml.Z(0)))[1],
                                qml.device("plateau.qubit", wires=1, seed=3)), shots=20000)
    g = qml.grad(f)(pnp.array(0.5, requires_grad=True))
    assert abs(g + np.sin(0.5)) < 0.05


def test_bad_input_raises_clear_errors():
    dev = qml.device("plateau.qubit", wires=2)
    with pytest.raises(qml.exceptions.DeviceError, match="not accepted for analytic"):
        qml.QNode(lambda: qml.vn_entropy(wires=[0]), dev)()
    with pytest.raises(qml.exceptions.DeviceError, match="not accepted with finite shots"):
        qml.set_shots(qml.QNode(lambda: qml.state(), dev), shots=10)()
    with pytest.raises(qml.exceptions.QuantumFunctionError, match="does not support adjoint"):
        qml.QNode(lambda x: (qml.RX(x, 0), qml.state())[1], dev, diff_method="adjoint")(
            pnp.array(0.1, requires_grad=True))
    with pytest.raises(plateau.InvalidInputError, match="not finite"):
        qml.QNode(lambda: (qml.RX(np.nan, 0), qml.expval(qml.Z(0)))[1], dev)()
    with pytest.raises(plateau.InvalidInputError, match="not finite"):
        qml.grad(qml.QNode(lambda x: (qml.RX(x, 0), qml.expval(qml.Z(0)))[1], dev,
                           diff_method="adjoint"))(pnp.array(np.nan, requires_grad=True))
    limit = plateau.get_memory_limit()
    plateau.set_memory_limit(1 << 20)
    try:
        with pytest.raises(plateau.OutOfMemoryError):
            qml.QNode(lambda: (qml.Hadamard(0), qml.expval(qml.Z(0)))[1],
                      qml.device("plateau.qubit", wires=24))()
    finally:
        plateau.set_memory_limit(limit)


# ---- plateau.pauliprop -----------------------------------------------------------------

needs_propagate = pytest.mark.skipif(not hasattr(plateau, "propagate"),
                                     reason="plateau.propagate not in this build yet")
PROP_GATES = [g for g in GATES if g[0] not in ("GlobalPhase", "QFT")]


@needs_propagate
@pytest.mark.parametrize("seed", range(8))
def test_pauliprop_equals_default_qubit_untruncated(seed):
    n = 6 + seed % 4
    ops, n_params = random_circuit(seed, n=n, depth=12, gates=[g for g in PROP_GATES
                                                               if g[2] <= n])
    rng = np.random.default_rng(2000 + seed)
    x = pnp.array(rng.uniform(-np.pi, np.pi, size=n_params), requires_grad=True)
    h = hamiltonian(rng, n)

    def body(x):
        ops(x)
        return qml.expval(h), qml.expval(qml.Z(0) @ qml.Z(n - 1))

    mine = qml.QNode(body, qml.device("plateau.pauliprop", wires=n), diff_method="best")
    ref = qml.QNode(body, qml.device("default.qubit", wires=n), diff_method="backprop")
    assert close(mine(x), ref(x))
    jm = qml.jacobian(lambda x: pnp.stack(mine(x)))(x)
    jr = qml.jacobian(lambda x: pnp.stack(ref(x)))(x)
    assert close(jm, jr), seed


def _hea(x, wires, layers):
    """RY, RZ on every wire, then a CZ ladder; x has 2 * len(wires) angles per layer."""
    k = 0
    for _ in range(layers):
        for w in wires:
            qml.RY(x[k], w)
            qml.RZ(x[k + 1], w)
            k += 2
        for a, b in zip(wires[:-1], wires[1:]):
            qml.CZ([a, b])


@needs_propagate
def test_pauliprop_200_wires_matches_the_light_cone():
    n, layers, centre = 200, 3, 100
    x = pnp.array(np.random.default_rng(9).uniform(-np.pi, np.pi, 2 * n * layers),
                  requires_grad=True)
    obs = qml.X(centre) @ qml.Z(centre + 1) + 0.5 * qml.Y(centre - 1)

    def wide(x):
        _hea(x, list(range(n)), layers)
        return qml.expval(obs)

    # A CZ ladder spreads a Heisenberg-picture string by one wire a layer: the wires
    # centre ± (layers + 2) carry the light cone with room to spare.
    window = list(range(centre - layers - 2, centre + layers + 3))
    cols = np.array([[2 * n * l + 2 * w + j for w in window for j in (0, 1)]
                     for l in range(layers)]).ravel()

    def narrow(y):
        _hea(y, window, layers)
        return qml.expval(obs)

    mine = qml.QNode(wide, qml.device("plateau.pauliprop", wires=n))
    ref = qml.QNode(narrow, qml.device("default.qubit", wires=window), diff_method="adjoint")
    y = pnp.array(x[cols], requires_grad=True)
    assert abs(mine(x) - ref(y)) < TOL
    g = qml.grad(mine)(x)
    expect = np.zeros(len(x))
    expect[cols] = qml.grad(ref)(y)
    assert close(g, expect)


@needs_propagate
def test_pauliprop_truncations_reach_propagate():
    x = np.random.default_rng(4).uniform(-np.pi, np.pi, 2 * 6 * 3)
    circuit = plateau.Circuit(6)
    for k in range(0, len(x), 2):
        w = (k // 2) % 6
        circuit.add("ry", [w], x[k]).add("rz", [w], x[k + 1])
        if w == 5:
            for a in range(5):
                circuit.add("cz", [a, a + 1])
    obs = qml.X(2) @ qml.Z(3) + 0.5 * qml.Y(1)
    f = qml.QNode(lambda: (_hea(x, list(range(6)), 3), qml.expval(obs))[1],
                  qml.device("plateau.pauliprop", wires=6, max_weight=2, min_abs_coeff=1e-3))
    trunc = plateau.propagate(circuit, "X2 Z3 + 0.5*Y1", max_weight=2, min_abs_coeff=1e-3)
    exact = plateau.expval(circuit, "X2 Z3 + 0.5*Y1")
    assert abs(f() - trunc.expval()) < TOL
    assert abs(f() - exact) > 1e-6  # the truncation did something


@needs_propagate
def test_pauliprop_rejects_other_measurements_and_shots():
    dev = qml.device("plateau.pauliprop", wires=3, max_weight=2)
    with pytest.raises(qml.exceptions.DeviceError, match="not accepted"):
        qml.QNode(lambda: qml.probs(wires=[0]), dev)()
    with pytest.raises(qml.exceptions.DeviceError, match="shots"):
        qml.set_shots(qml.QNode(lambda: qml.expval(qml.Z(0)), dev), shots=10)()
