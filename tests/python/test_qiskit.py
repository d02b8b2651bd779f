"""Qiskit interop: circuits both ways, SparsePauliOp <-> PauliSum and the Estimator,
against Qiskit's own Statevector and StatevectorEstimator (qiskit 2.6)."""
from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

qiskit = pytest.importorskip("qiskit")

from qiskit.circuit import Instruction, Parameter, ParameterVector, QuantumCircuit  # noqa: E402
from qiskit.circuit.library import (C3SXGate, CU1Gate, CU3Gate, PauliEvolutionGate,  # noqa: E402
                                    U1Gate, U2Gate, U3Gate, UnitaryGate, XGate,
                                    XXPlusYYGate)
from qiskit.primitives import StatevectorEstimator  # noqa: E402
from qiskit.quantum_info import (SparsePauliOp, Statevector, random_statevector,  # noqa: E402
                                 random_unitary)

import plateau as pl  # noqa: E402
from plateau.qiskit import Estimator  # noqa: E402
from conftest import dense_sum  # noqa: E402

N = 5  # qubits of the random circuits (room for a 4-control mcx)
TOL = 1e-12


def reference(qc: QuantumCircuit, values) -> Statevector:
    """Qiskit's state of qc bound to values. plateau unrolls a non-commuting
    PauliEvolutionGate by Qiskit's synthesis, as transpile does (Statevector alone
    would take the exact exponential), so the reference decomposes it too."""
    bound = qc.assign_parameters(values) if qc.parameters else qc
    bound = bound.remove_final_measurements(inplace=False)
    return Statevector(bound.decompose(gates_to_decompose=["PauliEvolution"]))


def assert_same_state(qc: QuantumCircuit, values) -> None:
    """plateau's state of from_qiskit(qc) (symbolic, then bound) equals Qiskit's,
    amplitude by amplitude after aligning the global phase plateau drops."""
    ref = reference(qc, values).data
    c = pl.from_qiskit(qc)
    assert c.num_params == len(qc.parameters)
    states = [pl.statevector(c, values if c.num_params else None),
              pl.statevector(pl.from_qiskit(qc, values if qc.parameters else None))]
    for got in states:
        phase = np.vdot(got, ref)
        assert abs(abs(phase) - 1) < TOL
        got = got * phase / abs(phase)
        assert np.max(np.abs(got - ref)) < TOL


# ---- every gate on its own --------------------------------------------------------------------

def _gate_cases():
    """(id, builder(qc, angle)) for every instruction kind the converter handles; angle()
    returns a number or an affine expression of the circuit's parameters."""
    u1 = random_unitary(2, seed=11)
    u2 = random_unitary(4, seed=12)
    cases = {}
    for g in ("x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "sxdg", "id"):
        cases[g] = lambda qc, a, g=g: getattr(qc, g)(1)
    for g in ("rx", "ry", "rz", "p"):
        cases[g] = lambda qc, a, g=g: getattr(qc, g)(a(), 2)
    for g in ("cx", "cy", "cz", "ch", "csx", "swap", "iswap", "ecr", "dcx"):
        cases[g] = lambda qc, a, g=g: getattr(qc, g)(3, 1)
    for g in ("crx", "cry", "crz", "cp", "rxx", "ryy", "rzz", "rzx"):
        cases[g] = lambda qc, a, g=g: getattr(qc, g)(a(), 0, 3)
    cases.update({
        "u1": lambda qc, a: qc.append(U1Gate(a()), [4]),
        "u2": lambda qc, a: qc.append(U2Gate(a(), a()), [0]),
        "u3": lambda qc, a: qc.append(U3Gate(a(), a(), a()), [2]),
        "u": lambda qc, a: qc.u(a(), a(), a(), 1),
        "r": lambda qc, a: qc.r(a(), a(), 3),
        "cu1": lambda qc, a: qc.append(CU1Gate(a()), [2, 0]),
        "cu3": lambda qc, a: qc.append(CU3Gate(a(), a(), a()), [1, 4]),
        "cu": lambda qc, a: qc.cu(a(), a(), a(), a(), 4, 2),
        "ccx": lambda qc, a: qc.ccx(0, 3, 2),
        "cswap": lambda qc, a: qc.cswap(4, 0, 1),
        "ccz": lambda qc, a: qc.ccz(1, 2, 3),
        "rccx": lambda qc, a: qc.rccx(2, 0, 4),
        "mcx3": lambda qc, a: qc.mcx([0, 1, 2], 3),
        "mcx4": lambda qc, a: qc.mcx([4, 0, 1, 2], 3),
        "mcx_open": lambda qc, a: qc.append(XGate().control(2, ctrl_state=1), [1, 3, 0]),
        "cx_open": lambda qc, a: qc.cx(2, 4, ctrl_state=0),
        "c3sx": lambda qc, a: qc.append(C3SXGate(), [3, 1, 4, 0]),
        "mcp": lambda qc, a: qc.mcp(a(), [0, 2], 1),
        "xx_plus_yy": lambda qc, a: qc.append(XXPlusYYGate(a(), a()), [1, 3]),
        "unitary1": lambda qc, a: qc.unitary(u1, [3]),
        "unitary2": lambda qc, a: qc.unitary(u2, [4, 1]),
        "evolution_commuting": lambda qc, a: qc.append(PauliEvolutionGate(
            SparsePauliOp(["XXI", "YYI", "ZZI", "III"], [0.3, -0.7, 0.5, 0.2]), time=a()),
            [0, 2, 4]),
        "evolution_trotter": lambda qc, a: qc.append(PauliEvolutionGate(
            SparsePauliOp(["XY", "ZI"], [0.4, -0.9]), time=a()), [3, 0]),
        "custom_gate": lambda qc, a: qc.append(_custom_gate(), [2, 4]),
        "barrier_delay": lambda qc, a: (qc.barrier(), qc.delay(10, 1)),
    })
    return cases


G = Parameter("g")


def _custom_gate():
    """A user-defined 2-qubit gate with a parameter inside (unrolled by its definition)."""
    sub = QuantumCircuit(2, name="mine")
    sub.ry(G, 0)
    sub.cx(0, 1)
    sub.rz(2 * G - 0.1, 1)
    sub.append(UnitaryGate(random_unitary(2, seed=9)), [1])
    return sub.to_gate()


GATES = _gate_cases()


def _random_layer(qc, rng):
    for q in range(qc.num_qubits):
        qc.u(*rng.uniform(-math.pi, math.pi, 3), q)


def _angle_maker(rng, params):
    """Angles: numbers and affine expressions (2*t + 0.5, -t, t/2, ...) of ``params``."""
    def angle():
        r = rng.integers(6)
        if r == 0:
            return float(rng.uniform(-math.pi, math.pi))
        p = params[rng.integers(len(params))]
        return [p, -p, p / 2, 2 * p + 0.5, -1.5 * p - 0.3][r - 1]
    return angle


@pytest.mark.parametrize("gate", sorted(GATES))
def test_each_gate_matches_qiskit(gate):
    rng = np.random.default_rng(sorted(GATES).index(gate))
    theta = ParameterVector("θ", 2)
    params = [theta[0], theta[1], Parameter("a")]
    qc = QuantumCircuit(N)
    _random_layer(qc, rng)
    GATES[gate](qc, _angle_maker(rng, params))
    _random_layer(qc, rng)
    values = rng.uniform(-2, 2, len(qc.parameters))
    assert_same_state(qc, values)


@pytest.mark.parametrize("seed", range(24))
def test_random_circuits_match_qiskit(seed):
    """24 random circuits of every gate kind, with a ParameterVector and named parameters
    in affine expressions: states and expectation values equal Qiskit's."""
    rng = np.random.default_rng(1000 + seed)
    theta = ParameterVector("theta", 3)
    params = [*theta, Parameter("alpha"), Parameter("beta")]
    names = sorted(GATES)
    qc = QuantumCircuit(N)
    angle = _angle_maker(rng, params)
    for g in rng.choice(names, size=30):
        GATES[g](qc, angle)
    values = rng.uniform(-math.pi, math.pi, len(qc.parameters))
    assert_same_state(qc, values)
    op = _random_op(rng, N, 6, complex_coeffs=False)
    want = reference(qc, values).expectation_value(op).real
    c = pl.from_qiskit(qc)
    got = pl.expval(c, pl.PauliSum.from_qiskit(op), values)
    assert abs(got - want) < TOL


def test_parameter_order_and_binding():
    """Plateau parameter k is qc.parameters[k]: names sorted, vectors by index."""
    v = ParameterVector("v", 11)
    b, a = Parameter("b"), Parameter("a")
    qc = QuantumCircuit(2)
    for k in (10, 2, 0, 1, 3, 4, 5, 6, 7, 8, 9):
        qc.ry(v[k], k % 2)
    qc.rx(b, 0)
    qc.rz(2 * a + 1, 1)
    assert [p.name for p in qc.parameters][:3] == ["a", "b", "v[0]"]
    c = pl.from_qiskit(qc)
    ops = c.operations()
    assert ops[0].angles == ((1.0, 2 + 10, 0.0),)  # v[10] is parameter 12
    assert ops[-1].angles == ((2.0, 0, 1.0),)
    values = np.linspace(-1, 1, 13)
    by_map = {a: values[0], "b": values[1], v: values[2:]}
    ref = pl.statevector(c, values)
    assert np.allclose(pl.statevector(pl.from_qiskit(qc, by_map)), ref, atol=TOL)
    assert np.allclose(pl.statevector(pl.from_qiskit(qc, list(values))), ref, atol=TOL)


def test_non_affine_angles_bind_with_params():
    t = Parameter("t")
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.rx(t * t, 0)
    qc.cry(t.sin() + 1, 0, 1)
    ref = Statevector(qc.assign_parameters([0.7])).data
    got = pl.statevector(pl.from_qiskit(qc, [0.7]))
    assert abs(abs(np.vdot(got, ref)) - 1) < TOL


def test_measurements_and_reset():
    qc = QuantumCircuit(3, 3)
    qc.reset(2)  # nothing has acted on it: a no-op
    qc.h(0)
    qc.cx(0, 1)
    qc.measure([0, 1], [2, 0])
    qc.x(2)
    c = pl.from_qiskit(qc)
    assert sorted(c.measurements()) == [(0, 2), (1, 0)]
    assert_same_state(qc, [])
    back = pl.to_qiskit(c)
    assert back.num_clbits == 3
    assert [(back.find_bit(i.qubits[0]).index, back.find_bit(i.clbits[0]).index)
            for i in back.data if i.operation.name == "measure"] == [(0, 2), (1, 0)]
    # initialize = reset (at the start: accepted) + state preparation (unrolled)
    qc = QuantumCircuit(3)
    qc.initialize(random_statevector(8, seed=1).data, [0, 1, 2])
    qc.h(1)
    assert_same_state(qc, [])


def test_import_plateau_does_not_import_qiskit():
    code = "import sys, plateau; assert 'qiskit' not in sys.modules; plateau.from_qiskit"
    subprocess.run([sys.executable, "-c", code], check=True)


# ---- to_qiskit --------------------------------------------------------------------------------

def _plateau_circuits():
    qasm = ('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[4];\ncreg c[2];\n'
            "h q[0]; sx q[1]; sxdg q[2]; t q[3]; tdg q[0]; s q[1]; sdg q[2]; y q[3]; z q[0];\n"
            "rx(theta[0]) q[0]; ry(2*theta[1]+0.5) q[1]; rz(-theta[2]) q[2]; p(theta[0]/2) q[3];\n"
            "u2(0.3, theta[1]) q[0]; u3(theta[2], 0.1, -0.4) q[1]; cx q[0],q[1]; cy q[1],q[2];\n"
            "cz q[2],q[3]; ch q[3],q[0]; csx q[0],q[2]; swap q[1],q[3]; crx(theta[0]) q[0],q[3];\n"
            "cry(0.2) q[1],q[0]; crz(theta[1]) q[2],q[1]; cp(0.9) q[3],q[2]; "
            "cu3(theta[2], 0.3, 0.2) q[0],q[1];\n"
            "rxx(theta[0]) q[0],q[1]; ryy(0.4) q[1],q[2]; rzz(theta[1]) q[2],q[3]; "
            "ccx q[0],q[1],q[2]; cswap q[3],q[0],q[1]; c3x q[0],q[1],q[2],q[3];\n"
            "measure q[0] -> c[1]; measure q[2] -> c[0];\n")
    c = pl.Circuit.from_qasm(qasm)
    c.add_unitary([2, 0], random_unitary(4, seed=3).data)
    c.add_unitary([1], random_unitary(2, seed=4).data)
    c.add_controlled_unitary([3, 0], 1, random_unitary(2, seed=5).data)
    c.add_pauli_rotation("X0 Y2 Z3", (1.5, 1, -0.2))
    return [c, pl.ansatz("hea", 4, 2), pl.ansatz("qcnn", 4), pl.ansatz("su4-brickwork", 4, 1)]


@pytest.mark.parametrize("k", range(4))
@pytest.mark.filterwarnings("ignore::scipy.sparse.SparseEfficiencyWarning")  # Qiskit's expm
def test_to_qiskit_round_trip(k):
    c = _plateau_circuits()[k]
    rng = np.random.default_rng(50 + k)
    values = rng.uniform(-math.pi, math.pi, c.num_params)
    ref = pl.statevector(c, values)
    qc = pl.to_qiskit(c)
    assert len(qc.parameters) == c.num_params
    bound = qc.assign_parameters(values).remove_final_measurements(inplace=False)
    got = Statevector(bound).data
    assert np.max(np.abs(got - ref)) < TOL  # same matrices: phases agree too
    qb = pl.to_qiskit(c, values)
    assert not qb.parameters
    assert np.max(np.abs(Statevector(qb.remove_final_measurements(inplace=False)).data
                         - ref)) < TOL
    back = pl.from_qiskit(qc)
    assert back.num_params == c.num_params
    assert np.max(np.abs(pl.statevector(back, values) - ref)) < TOL
    assert back.measurements() == c.measurements()


# ---- Pauli sums -------------------------------------------------------------------------------

def _random_op(rng, n, terms, complex_coeffs=True):
    labels = ["".join(rng.choice(list("IXYZ"), size=n)) for _ in range(terms)]
    coeffs = rng.normal(size=terms) + (1j * rng.normal(size=terms) if complex_coeffs else 0)
    return SparsePauliOp(labels, coeffs).simplify()


def test_pauli_sum_label_order():
    s = pl.PauliSum.from_qiskit(SparsePauliOp(["XIZ", "III"], [2.0, -0.5]))
    assert s == pl.PauliSum("2*X2 Z0 - 0.5*I")
    assert s.num_qubits == 3
    op = pl.PauliSum.from_terms([(1, "Y1"), (0.5j, "Z0 X3")], qubits=5).to_qiskit()
    assert op.num_qubits == 5
    assert op.equiv(SparsePauliOp(["IIIYI", "IXIIZ"], [1, 0.5j]))
    assert pl.PauliSum("0", qubits=2).to_qiskit().equiv(SparsePauliOp("II", 0))


def test_pauli_sum_round_trip(rng):
    for _ in range(5):
        op = _random_op(rng, 6, 10)
        s = pl.PauliSum.from_qiskit(op)
        assert np.allclose(dense_sum(s.terms, 6), op.to_matrix(), atol=TOL)
        back = s.to_qiskit()
        assert back.num_qubits == 6 and back.equiv(op)
    assert pl.PauliSum.from_qiskit(qiskit.quantum_info.Pauli("-iYX")) == \
        pl.PauliSum.from_terms([(-1j, "X0 Y1")])


# ---- Estimator --------------------------------------------------------------------------------

def _estimator_pubs():
    theta = ParameterVector("theta", 4)
    qc = QuantumCircuit(3)
    for q in range(3):
        qc.ry(theta[q], q)
    qc.cx(0, 1)
    qc.cx(1, 2)
    qc.rzz(2 * theta[3] - 0.3, 0, 2)
    qc.h(1)
    fixed = QuantumCircuit(2)
    fixed.h(0)
    fixed.cx(0, 1)
    fixed.ry(0.4, 1)
    t = Parameter("t")
    wobbly = QuantumCircuit(2)  # a non-affine angle: bound per parameter set
    wobbly.rx(t * t, 0)
    wobbly.cx(0, 1)
    rng = np.random.default_rng(7)
    obs = [[SparsePauliOp(["XXZ", "IZI", "YIY"], [0.5, -1.0, 0.25])], ["ZZI"], ["IIX"]]
    return [
        (qc, obs, rng.uniform(-2, 2, (5, 4))),              # (3, 1) x (5,) -> (3, 5)
        (qc, "ZIZ", rng.uniform(-2, 2, (2, 3, 4))),          # () x (2, 3) -> (2, 3)
        (qc, ["XII", "IYI"], rng.uniform(-2, 2, 4)),         # (2,) x () -> (2,)
        (fixed, [["ZZ", "XX"], ["YY", "II"]]),               # (2, 2)
        (wobbly, ["ZI", "IZ", "ZZ"], [[0.3], [1.1], [2.0]]),  # (3,) x (3,) -> (3,)
    ]


def test_estimator_exact_matches_statevector_estimator():
    pubs = _estimator_pubs()
    ours = Estimator().run(pubs).result()
    ref = StatevectorEstimator().run(pubs).result()
    assert len(ours) == len(ref) == len(pubs)
    shapes = [(3, 5), (2, 3), (2,), (2, 2), (3,)]
    for a, b, shape in zip(ours, ref, shapes):
        assert a.data.evs.shape == b.data.evs.shape == shape
        assert np.max(np.abs(a.data.evs - b.data.evs)) < TOL
        assert a.data.stds.shape == shape and not a.data.stds.any()


def test_estimator_with_precision():
    pubs = _estimator_pubs()
    exact = StatevectorEstimator().run(pubs).result()
    est = Estimator(seed=123, default_precision=0.02)
    first = est.run(pubs).result()
    again = Estimator(seed=123, default_precision=0.02).run(pubs).result()
    other = Estimator(seed=124).run(pubs, precision=0.02).result()
    for a, b, e in zip(first, again, exact):
        assert a.metadata["shots"] == 2500
        assert np.array_equal(a.data.evs, b.data.evs)  # reproducible per seed
        assert np.all(np.abs(a.data.evs - e.data.evs) <= 4 * a.data.stds + TOL)
        assert np.all(a.data.stds < 0.02 * 1.8)
    assert any(not np.array_equal(a.data.evs, o.data.evs) for a, o in zip(first, other))
    # a single Pauli P: the standard error is sqrt((1 - <P>^2) / shots)
    p = first[1].data
    assert np.allclose(p.stds, np.sqrt((1 - exact[1].data.evs**2) / 2500), atol=1e-12)
    # a pub's own precision wins over the default
    qc, obs, values = pubs[0]
    r = est.run([(qc, obs, values, 0.0)]).result()[0]
    assert np.max(np.abs(r.data.evs - exact[0].data.evs)) < TOL


# ---- bad input --------------------------------------------------------------------------------

def _one_line(exc_info, *words):
    msg = str(exc_info.value)
    assert "\n" not in msg
    for w in words:
        assert w in msg, msg


def test_bad_angles():
    t, u = Parameter("t"), Parameter("u")
    for expr, words in [(t * t, ["'rx'", f"'{t * t}'", "not affine"]),
                        (t.sin(), ["'rx'", "sin(t)", "not affine"]),
                        (t + u, ["'rx'", "2 parameters", "t, u"])]:
        qc = QuantumCircuit(1)
        qc.rx(expr, 0)
        with pytest.raises(pl.InvalidInputError) as e:
            pl.from_qiskit(qc)
        _one_line(e, *words)


def test_bad_parameter_values():
    v = ParameterVector("v", 3)
    qc = QuantumCircuit(1)
    for p in v:
        qc.rx(p, 0)
    with pytest.raises(pl.InvalidInputError) as e:
        pl.from_qiskit(qc, [0.1, 0.2])
    _one_line(e, "3 parameter(s)", "got 2 value(s)")
    with pytest.raises(pl.InvalidInputError) as e:
        pl.from_qiskit(qc, {v[0]: 1.0})
    _one_line(e, "no value for parameter(s) v[1], v[2]")
    with pytest.raises(pl.InvalidInputError) as e:
        pl.from_qiskit(qc, {v: [1, 2, 3], Parameter("w"): 1.0})
    _one_line(e, "not in the circuit")
    with pytest.raises(pl.InvalidInputError) as e:
        pl.to_qiskit(pl.from_qiskit(qc), [1.0])
    _one_line(e, "3 parameter(s)")


def test_unsupported_instructions():
    qc = QuantumCircuit(2, 1)
    qc.h(0)
    qc.measure(0, 0)
    qc.x(0)
    with pytest.raises(pl.UnsupportedError) as e:
        pl.from_qiskit(qc)
    _one_line(e, "mid-circuit measurement", "'x'", "qubit 0")

    qc = QuantumCircuit(2, 1)
    qc.h(0)
    qc.measure(0, 0)
    with qc.if_test((qc.clbits[0], 1)):
        qc.x(1)
    with pytest.raises(pl.UnsupportedError) as e:
        pl.from_qiskit(qc)
    _one_line(e, "control flow", "if_else")

    qc = QuantumCircuit(1)
    qc.h(0)
    qc.reset(0)
    with pytest.raises(pl.UnsupportedError) as e:
        pl.from_qiskit(qc)
    _one_line(e, "reset of qubit 0")

    qc = QuantumCircuit(1)
    qc.append(Instruction("opaque", 1, 0, []), [0])
    with pytest.raises(pl.UnsupportedError) as e:
        pl.from_qiskit(qc)
    _one_line(e, "'opaque'", "not supported")

    with pytest.raises(pl.InvalidInputError) as e:
        pl.from_qiskit("h q[0];")
    _one_line(e, "QuantumCircuit")
    with pytest.raises(pl.InvalidInputError) as e:
        pl.PauliSum.from_qiskit("XZ")
    _one_line(e, "SparsePauliOp")
