#!/usr/bin/env python3
"""plateau against its peers (make bench-peers): the same work, timed in the same run.

Usage: bench/peers/run.py [BUILD] [--threads T] [--reps R] [--big] [--only sv,adjoint,dmrg,prop]

Every item runs plateau and each peer on identical input (circuits exported once as
OpenQASM 2 by plateau and loaded by every peer from that text), checks that the answers
agree (a benchmark of a wrong answer is worthless), and prints the median of R
repetitions after one warm-up. The table's ratio is peer time / plateau time: > 1 means
plateau is faster. Every program runs on T threads (default 1; OMP_NUM_THREADS is set
before any import). A peer that is missing or fails is reported with the reason.

Items: (1) state vector of a 20-qubit HEA and a su4 brickwork; (2) adjoint gradient of
a 16-qubit HEA; (3) DMRG of the critical open TFIM (n = 64, chi <= 64); (4) Pauli
propagation of Z through a 64-qubit Trotterised TFIM circuit (RZZ/RX brickwork).
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import traceback

ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
ap.add_argument("build", nargs="?", default="build", help="CMake build folder (for plateau sim)")
ap.add_argument("--threads", type=int, default=1, help="threads for every program (default 1)")
ap.add_argument("--reps", type=int, default=3, help="timed repetitions (median; default 3)")
ap.add_argument("--big", action="store_true",
                help="also HEA n = 24, QASMBench knn_n25 and DMRG at n = 128")
ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                help="wall time (default) or this process's CPU time (steadier on a shared "
                     "machine; fair with --threads 1, where every program runs one thread)")
ap.add_argument("--only", default="sv,adjoint,dmrg,prop",
                help="comma-separated items to run (default: sv,adjoint,dmrg,prop)")
ARGS = ap.parse_args()
ITEMS = ("sv", "adjoint", "dmrg", "prop")
_unknown = sorted(set(ARGS.only.split(",")) - set(ITEMS))
if _unknown:
    ap.error(f"--only: unknown item {', '.join(_unknown)} (valid: {', '.join(ITEMS)})")
if ARGS.reps < 1:
    ap.error(f"--reps must be at least 1, got {ARGS.reps}")
T = max(1, ARGS.threads)
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS",
            "QULACS_NUM_THREADS", "RAYON_NUM_THREADS"):
    os.environ[var] = str(T)

import numpy as np  # noqa: E402

import plateau as pl  # noqa: E402

pl.set_threads(T)
logging.getLogger("tenpy").setLevel(logging.WARNING)

ROWS: list = []  # (item, program, seconds or None, check text)
VERSIONS: dict = {"plateau": pl.__version__, "numpy": np.__version__}
MISSING: dict = {}  # peer -> reason


def peer_import(name: str, module: str):
    """Import a peer's module; a failure is recorded and printed, never skipped silently."""
    try:
        mod = __import__(module, fromlist=["_"])
    except Exception as e:  # noqa: BLE001 - any failure is a reason to report
        MISSING[name] = f"{type(e).__name__}: {e}".splitlines()[0]
        print(f"{name}: not installed (make bench-peers) [{MISSING[name]}]", flush=True)
        return None
    return mod


CLOCK = time.process_time if ARGS.clock == "cpu" else time.perf_counter


def timed(fn, reps: int = ARGS.reps, warmup=None):
    """Median seconds of `reps` calls after one warm-up call (`warmup`, default `fn`)."""
    (warmup or fn)()
    times, out = [], None
    for _ in range(reps):
        t0 = CLOCK()
        out = fn()
        times.append(CLOCK() - t0)
    return statistics.median(times), out


def run_peer(item: str, program: str, fn) -> None:
    """Run one measurement: fn() returns (seconds, check text); failures become a row."""
    try:
        sec, check = fn()
        ROWS.append((item, program, sec, check))
    except Exception as e:  # noqa: BLE001
        msg = f"FAILED: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
        ROWS.append((item, program, None, msg))
        if os.environ.get("PEERS_DEBUG"):
            traceback.print_exc()
    print(f"  {item:<28} {program:<26} {ROWS[-1][2] if ROWS[-1][2] is None else f'{ROWS[-1][2]:.4f} s'}"
          f"  {ROWS[-1][3]}", flush=True)


def cpu_isa() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((ln.split(":", 1)[1].split() for ln in f if ln.startswith("flags")), [])
        model = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo")
                      if ln.startswith("model name")), "?")
    except OSError:
        return "unknown (no /proc/cpuinfo)"
    isa = ("AVX-512 (" + " ".join(sorted(f for f in flags if f.startswith("avx512"))) + ")"
           if "avx512f" in flags else "AVX2" if "avx2" in flags else "no AVX2")
    return f"{model}; {isa}; {os.cpu_count()} logical CPUs"


# ---------------------------------------------------------------- peers' imports
qulacs = peer_import("qulacs", "qulacs")
qiskit = peer_import("qiskit", "qiskit")
aer = peer_import("qiskit-aer", "qiskit_aer")
qml = peer_import("pennylane-lightning", "pennylane")
if qml is not None and peer_import("pennylane-lightning", "pennylane_lightning") is None:
    qml = None
tenpy = peer_import("physics-tenpy", "tenpy")
quimb = peer_import("quimb", "quimb.tensor")
pauli_prop = peer_import("pauli-prop", "pauli_prop")
from importlib import metadata  # noqa: E402

for dist in ("qulacs", "qiskit", "qiskit-aer", "pennylane", "pennylane-lightning",
             "physics-tenpy", "quimb", "pauli-prop"):
    try:
        VERSIONS[dist] = metadata.version(dist)
    except metadata.PackageNotFoundError:
        pass


# ---------------------------------------------------------------- conversions
def const(angle) -> float:
    a, k, b = angle
    if k >= 0:
        raise ValueError("circuit still has a free parameter")
    return b


def to_qulacs(circ: "pl.Circuit"):
    """A qulacs circuit from plateau's operations (bound angles). qulacs rotations are
    exp(+i θ P / 2) (RX, PauliRotation), so angles are negated."""
    g = qulacs.gate
    fixed = {"x": g.X, "y": g.Y, "z": g.Z, "h": g.H, "s": g.S, "sdg": g.Sdag, "t": g.T,
             "tdg": g.Tdag, "sx": g.sqrtX, "sxdg": g.sqrtXdag}
    qc = qulacs.QuantumCircuit(circ.num_qubits)
    for op in circ.operations():
        q = op.qubits
        a = [const(x) for x in op.angles]
        if op.gate in fixed:
            qc.add_gate(fixed[op.gate](q[0]))
        elif op.gate == "p":
            qc.add_gate(g.U1(q[0], a[0]))
        elif op.gate in ("rx", "ry", "rz"):
            qc.add_gate(getattr(g, op.gate.upper())(q[0], -a[0]))
        elif op.gate == "u3":
            qc.add_gate(g.U3(q[0], *a))
        elif op.gate == "cz":
            qc.add_gate(g.CZ(q[0], q[1]))
        elif op.gate == "cx":
            qc.add_gate(g.CNOT(q[0], q[1]))
        elif op.gate in ("rxx", "ryy", "rzz"):
            pid = {"x": 1, "y": 2, "z": 3}[op.gate[1]]
            qc.add_gate(g.PauliRotation(list(q), [pid, pid], -a[0]))
        else:
            raise ValueError(f"no qulacs mapping for gate {op.gate}")
    return qc


def pl_ops(circ: "pl.Circuit", theta=None) -> list:
    """PennyLane operations (wire k = plateau qubit k); theta: symbolic angles a*θ[k]+b."""
    names = {"rx": qml.RX, "ry": qml.RY, "rz": qml.RZ, "u3": qml.U3, "cz": qml.CZ,
             "cx": qml.CNOT, "rxx": qml.IsingXX, "ryy": qml.IsingYY, "rzz": qml.IsingZZ,
             "x": qml.PauliX, "y": qml.PauliY, "z": qml.PauliZ, "h": qml.Hadamard, "s": qml.S,
             "t": qml.T, "sx": qml.SX, "p": qml.PhaseShift}
    ops = []
    for op in circ.operations():
        if op.gate not in names:
            raise ValueError(f"no PennyLane mapping for gate {op.gate}")
        angs = [a * theta[k] + b if k >= 0 else b for a, k, b in op.angles]
        ops.append((names[op.gate], angs, list(op.qubits)))
    return ops


def zz01(psi: np.ndarray) -> float:
    idx = np.arange(psi.size)
    sign = 1.0 - 2.0 * ((idx ^ (idx >> 1)) & 1)
    return float(np.sum(sign * np.abs(psi) ** 2))


def state_check(ref: np.ndarray, psi: np.ndarray) -> str:
    """Max amplitude difference after removing the global phase, and the ⟨Z0 Z1⟩ error;
    raises when either exceeds 1e-8."""
    ov = np.vdot(psi, ref)
    ph = ov / abs(ov) if abs(ov) > 0 else 1.0
    dpsi = float(np.max(np.abs(ref - ph * psi)))
    dzz = abs(zz01(ref) - zz01(psi))
    if not (dpsi < 1e-8 and dzz < 1e-8):
        raise AssertionError(f"answer differs from plateau: |dpsi| {dpsi:.2e}, dZZ {dzz:.2e}")
    return f"|dpsi| {dpsi:.1e}, d<Z0Z1> {dzz:.1e}"


# ---------------------------------------------------------------- 1. state vector
def item_statevector(label: str, qasm: str) -> None:
    """qasm: the circuit with bound angles, exported once; every program loads this text."""
    bound = pl.Circuit.from_qasm(qasm)
    n = bound.num_qubits
    item = f"sv {label}"
    holder = {}

    def plateau_py():
        sec, psi = timed(lambda: pl.statevector(bound))
        holder["ref"] = np.array(psi)
        return sec, f"<Z0Z1> = {zz01(holder['ref']):+.12f}"

    run_peer(item, "plateau (Python)", plateau_py)
    ref = holder.get("ref")

    def plateau_cli():
        exe = os.path.join(ARGS.build, "plateau")
        if not os.access(exe, os.X_OK):
            raise FileNotFoundError(f"{exe} (make build)")
        with tempfile.NamedTemporaryFile("w", suffix=".qasm", delete=False) as f:
            f.write(qasm)
        try:
            def one():
                out = subprocess.run([exe, "sim", f.name, "--obs", "Z0 Z1", "--json", "--quiet",
                                      "--threads", str(T)], check=True, capture_output=True,
                                     text=True).stdout
                return json.loads(out)
            js = one()
            d = abs(js["expval"] - zz01(ref))
            if d > 1e-8:
                raise AssertionError(f"<Z0Z1> differs by {d:.2e}")
            if ARGS.clock == "cpu":  # the child's CPU seconds, parse and start-up included
                def child_cpu():
                    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                    one()
                    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                    return (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
                return float(statistics.median([child_cpu() for _ in range(ARGS.reps)])), \
                    f"d<Z0Z1> {d:.1e} (process CPU, incl. start-up and parse)"
            return float(statistics.median([one()["elapsed_s"] for _ in range(ARGS.reps)])), \
                f"d<Z0Z1> {d:.1e} (elapsed_s, incl. parse)"
        finally:
            os.unlink(f.name)

    run_peer(item, "plateau sim (C program)", plateau_cli)
    if ref is None:
        return

    if qulacs is not None:
        def q():
            qc = to_qulacs(bound)
            st = qulacs.QuantumState(n)

            def one():
                st.set_zero_state()
                qc.update_quantum_state(st)
                return st
            sec, _ = timed(one)
            return sec, state_check(ref, np.array(st.get_vector()))
        run_peer(item, "qulacs", q)

        def qo():
            qc = to_qulacs(bound)
            qulacs.circuit.QuantumCircuitOptimizer().optimize_light(qc)
            st = qulacs.QuantumState(n)

            def one():
                st.set_zero_state()
                qc.update_quantum_state(st)
                return st
            sec, _ = timed(one)
            return sec, state_check(ref, np.array(st.get_vector())) + \
                f" ({qc.get_gate_count()} gates after fusion)"
        run_peer(item, "qulacs optimize_light", qo)

    if aer is not None and qiskit is not None:
        def a():
            from qiskit import qasm2
            qc = qasm2.loads(qasm, custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
            qc.remove_final_measurements()
            qc.save_statevector()
            sim = aer.AerSimulator(method="statevector", precision="double",
                                   max_parallel_threads=T)

            def one():
                return sim.run(qc).result().get_statevector()
            sec, sv = timed(one)
            return sec, state_check(ref, np.asarray(sv)) + " (Aer's default gate fusion)"
        run_peer(item, "qiskit-aer statevector", a)

    if qml is not None:
        def lq():
            ops = pl_ops(bound)
            dev = qml.device("lightning.qubit", wires=n)

            @qml.qnode(dev)
            def node():
                for g, angs, wires in ops:
                    g(*angs, wires=wires)
                return qml.state()
            sec, psi = timed(node)
            # PennyLane's wire 0 is the most significant bit: reverse the bit order.
            psi = np.asarray(psi).reshape([2] * n).transpose(range(n - 1, -1, -1)).ravel()
            return sec, state_check(ref, psi)
        run_peer(item, "pennylane lightning.qubit", lq)


# ---------------------------------------------------------------- 2. adjoint gradient
def item_adjoint(n: int, layers: int) -> None:
    circ = pl.ansatz("hea", n, layers=layers)
    rng = np.random.default_rng(7)
    theta = rng.uniform(-np.pi, np.pi, circ.num_params)
    item = f"adjoint grad hea n={n} L={layers}"
    holder = {}

    def p():
        sec, (val, g) = timed(lambda: pl.grad(circ, "Z0", theta, method="adjoint"))
        fwd, _ = timed(lambda: pl.expval(circ, "Z0", theta))
        holder["ref"] = (val, np.array(g))
        return sec, (f"{circ.num_params} params, <Z0> = {val:+.12f}; "
                     f"{sec / fwd:.1f} forward simulations ({fwd:.4f} s each)")
    run_peer(item, "plateau (Python)", p)
    if "ref" not in holder:
        return
    val0, g0 = holder["ref"]

    if qml is not None:
        def lq():
            pnp = qml.numpy
            dev = qml.device("lightning.qubit", wires=n)

            @qml.qnode(dev, diff_method="adjoint")
            def node(t):
                for g, angs, wires in pl_ops(circ, t):
                    g(*angs, wires=wires)
                return qml.expval(qml.PauliZ(0))
            t = pnp.array(theta, requires_grad=True)
            gradf = qml.grad(node)
            sec, g = timed(lambda: gradf(t))
            val = float(node(t))
            dg = float(np.max(np.abs(np.asarray(g) - g0)))
            if abs(val - val0) > 1e-8 or dg > 1e-8:
                raise AssertionError(f"differs from plateau: d<Z0> {abs(val - val0):.2e}, "
                                     f"|dgrad| {dg:.2e}")
            return sec, f"|dgrad| {dg:.1e}, d<Z0> {abs(val - val0):.1e} (incl. tape build)"
        run_peer(item, "lightning.qubit adjoint", lq)

    if qulacs is not None:
        def qb():
            # qulacs' backprop (reverse mode over the state vector) on a parametric circuit;
            # its rotations are exp(+i θ P / 2): angles and the gradient change sign.
            pc = qulacs.ParametricQuantumCircuit(n)
            order = []
            for op in circ.operations():
                if op.gate in ("ry", "rz"):
                    a, k, b = op.angles[0]
                    if a != 1.0 or b != 0.0:
                        raise ValueError("expected plain θ[k] angles")
                    getattr(pc, f"add_parametric_R{op.gate[1].upper()}_gate")(op.qubits[0],
                                                                              -theta[k])
                    order.append(k)
                elif op.gate == "cz":
                    pc.add_CZ_gate(*op.qubits)
                else:
                    raise ValueError(f"unexpected gate {op.gate}")
            obs = qulacs.Observable(n)
            obs.add_operator(1.0, "Z 0")
            sec, g = timed(lambda: pc.backprop(obs))
            gq = np.zeros(circ.num_params)
            gq[order] = -np.asarray(g)
            st = qulacs.QuantumState(n)
            pc.update_quantum_state(st)
            val = obs.get_expectation_value(st)
            dg = float(np.max(np.abs(gq - g0)))
            if abs(val - val0) > 1e-8 or dg > 1e-8:
                raise AssertionError(f"differs from plateau: d<Z0> {abs(val - val0):.2e}, "
                                     f"|dgrad| {dg:.2e}")
            return sec, f"|dgrad| {dg:.1e} (qulacs backprop)"
        run_peer(item, "qulacs backprop", qb)


# ---------------------------------------------------------------- 3. DMRG
def tfim_exact(n: int, J: float = 1.0, h: float = 1.0) -> float:
    """Ground energy of -J sum Z Z - h sum X on an open chain (free fermions): minus the
    sum of the singular values of the bidiagonal matrix with h on the diagonal and J above
    (the positive half of the BdG / Majorana spectrum)."""
    b = np.diag(np.full(n, h)) + np.diag(np.full(n - 1, J), 1)
    return -float(np.sum(np.linalg.svd(b, compute_uv=False)))


CHI, CUTOFF, TOL, SWEEPS = 64, 1e-14, 1e-12, 30


def item_dmrg(n: int) -> None:
    e0 = tfim_exact(n)
    item = f"dmrg tfim n={n} chi<={CHI}"
    warm = 16  # the warm-up runs the same code on a small chain

    def p():
        def one(m=n):
            return pl.ground_state("tfim", m, {"J": 1.0, "h": 1.0}, method="dmrg", chi=CHI,
                                   cutoff=CUTOFF, tol=TOL, sweeps=SWEEPS).energy
        sec, e = timed(one, warmup=lambda: one(warm))
        return sec, f"E-E0 {e - e0:+.1e}"
    run_peer(item, "plateau (Python)", p)

    if tenpy is not None:
        def tp():
            from tenpy.algorithms import dmrg
            from tenpy.models.tf_ising import TFIChain
            from tenpy.networks.mps import MPS

            def one(m=n):
                M = TFIChain({"L": m, "J": 1.0, "g": 1.0, "bc_MPS": "finite",
                              "conserve": None})
                psi = MPS.from_product_state(M.lat.mps_sites(), ["up"] * m, "finite")
                info = dmrg.run(psi, M, {"trunc_params": {"chi_max": CHI, "svd_min": 1e-10,
                                                          "trunc_cut": CUTOFF},
                                         "max_E_err": TOL, "max_sweeps": SWEEPS,
                                         "mixer": True})
                return info["E"]
            sec, e = timed(one, warmup=lambda: one(warm))
            return sec, f"E-E0 {e - e0:+.1e} (2-site, mixer, no symmetry)"
        run_peer(item, "tenpy TwoSiteDMRG", tp)

    if quimb is not None:
        def qb():
            def one(m=n):
                # quimb's spin-1/2 operators: j = -4, bx = 2 give -sum Z Z - sum X.
                H = quimb.MPO_ham_ising(m, j=-4.0, bx=2.0, cyclic=False)
                d = quimb.DMRG2(H, bond_dims=[8, 16, 32, CHI], cutoffs=CUTOFF)
                d.solve(tol=TOL, max_sweeps=SWEEPS)
                return float(np.real(d.energy))
            sec, e = timed(one, warmup=lambda: one(warm))
            return sec, f"E-E0 {e - e0:+.1e} (DMRG2)"
        run_peer(item, "quimb DMRG2", qb)


# ---------------------------------------------------------------- 4. Pauli propagation
def trotter_tfim(n: int, steps: int, dt: float) -> "pl.Circuit":
    c = pl.Circuit(n)
    for _ in range(steps):
        for i in range(n - 1):
            c.add("rzz", [i, i + 1], 2 * dt)
        for i in range(n):
            c.add("rx", [i], 2 * dt)
    return c


def item_prop(n: int, steps: int, dt: float, min_c) -> None:
    circ = trotter_tfim(n, steps, dt)
    qasm = circ.to_qasm()
    bound = pl.Circuit.from_qasm(qasm)
    q = n // 2
    trunc = "exact" if min_c is None else f"|c|>={min_c:g}"
    item = f"prop tfim n={n} {steps} steps {trunc}"
    holder = {}

    def p():
        sec, pr = timed(lambda: pl.propagate(bound, f"Z{q}", min_abs_coeff=min_c))
        holder["ref"] = pr.expval()
        holder["terms"] = pr.num_terms
        return sec, f"<Z{q}> = {holder['ref']:+.12f}, {pr.num_terms} terms"
    run_peer(item, "plateau (Python)", p)
    if "ref" not in holder or pauli_prop is None or qiskit is None:
        return

    def pp(core_only: bool):
        from qiskit import qasm2
        from qiskit.quantum_info import SparsePauliOp
        qc = qasm2.loads(qasm, custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
        op = SparsePauliOp.from_sparse_list([("Z", [q], 1.0)], num_qubits=n)
        max_terms = max(1 << 16, 8 * holder["terms"])
        atol = 0.0 if min_c is None else min_c
        if core_only:
            rot = pauli_prop.circuit_to_rotation_gates(qc)

            def one():
                return pauli_prop.propagate_through_rotation_gates(op, rot, max_terms, atol,
                                                                   "h")[0]
        else:
            def one():
                return pauli_prop.propagate_through_circuit(op, qc, max_terms, atol, "h")[0]
        sec, out = timed(one)
        zmask = ~np.any(out.paulis.x, axis=1)  # ⟨0…0| P |0…0⟩ = 1 for I/Z strings
        val = float(np.sum(out.coeffs[zmask]).real)
        d = abs(val - holder["ref"])
        tol = 1e-10 if min_c is None else 10 * min_c
        if d > tol:
            raise AssertionError(f"<Z{q}> = {val:+.12f} differs from plateau by {d:.2e}")
        return sec, f"d<Z> {d:.1e}, {out.size} terms, max_terms {max_terms}"

    run_peer(item, "pauli-prop (whole call)", lambda: pp(False))
    run_peer(item, "pauli-prop (core, gates pre-converted)", lambda: pp(True))


# ---------------------------------------------------------------- main
def main() -> int:
    t_start = time.perf_counter()
    print(f"CPU: {cpu_isa()}")
    print(f"threads: {T}; timings: {ARGS.clock} clock, median of {ARGS.reps} after one warm-up")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in VERSIONS.items()))
    for name, why in MISSING.items():
        print(f"{name}: not installed (make bench-peers) [{why}]")
    rng = np.random.default_rng(2024)

    only = set(ARGS.only.split(","))
    if "sv" in only:
        for name, n, layers in [("hea", 20, 10), ("hea", 22, 10), ("su4-brickwork", 22, 4)] + \
                ([("hea", 24, 10)] if ARGS.big else []):
            c = pl.ansatz(name, n, layers=layers)
            item_statevector(f"{name} n={n} L={layers}",
                             c.to_qasm(rng.uniform(-np.pi, np.pi, c.num_params)))
        here = os.path.dirname(os.path.abspath(__file__))
        for f in ["dnn_n16"] + (["knn_n25_transpiled"] if ARGS.big else []):
            with open(os.path.join(here, "..", "..", "tests", "conformance", "qasmbench",
                                   f + ".qasm")) as fh:
                item_statevector(f"qasmbench {f}", fh.read())
    if "adjoint" in only:
        item_adjoint(16, 10)
        item_adjoint(20, 10)
    if "dmrg" in only:
        item_dmrg(64)
        if ARGS.big:
            item_dmrg(128)
    if "prop" in only:
        item_prop(64, 4, 0.1, None)
        item_prop(64, 12, 0.1, 1e-5)

    print()
    print(f"{'item':<32} {'program':<40} {'time [s]':>10} {'ratio':>7}  check")
    plateau_time = {}
    for item, prog, sec, check in ROWS:
        if prog == "plateau (Python)" and sec is not None:
            plateau_time[item] = sec
        ratio = ""
        if sec is not None and item in plateau_time and prog != "plateau (Python)":
            ratio = f"{sec / plateau_time[item]:.2f}"
        t = "-" if sec is None else f"{sec:.4f}"
        print(f"{item:<32} {prog:<40} {t:>10} {ratio:>7}  {check}")
    print("ratio = program time / plateau (Python) time in the same item: > 1 = plateau faster")
    print(f"DMRG settings (all three): chi_max {CHI}, discarded weight {CUTOFF:g} (TeNPy: "
          f"trunc_cut, svd_min 1e-10; quimb: cutoffs), stop at |dE| < {TOL:g} (TeNPy: max_E_err), <= {SWEEPS} sweeps")
    print(f"total {time.perf_counter() - t_start:.1f} s")
    failed = [r for r in ROWS if r[2] is None]
    return 1 if any(r[1].startswith("plateau") for r in failed) else 0


if __name__ == "__main__":
    sys.exit(main())
