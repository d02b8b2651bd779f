"""bench_python: the Python package against the C library and against PennyLane's
lightning.qubit, measured side by side in one run (make bench).

1. Per-call overhead: plateau.expval on a 10-qubit, 2-layer HEA against the same
   work in C (bench_call: create the state, apply, <H>, free), in microseconds.
2. plateau.qubit against lightning.qubit on a 20-qubit, 10-layer HEA (RY, RZ on
   every qubit, CZ ladder): one expectation value and one adjoint gradient, best
   of 3 wall times each; ratio > 1 means plateau is faster.

usage: bench_python.py BUILD_DIR
"""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time

import numpy as np

import plateau as pl


def best_of(fn, reps=3):
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def cpu_flags():
    try:
        flags = open("/proc/cpuinfo").read()
    except OSError:
        return "unknown"
    return "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "SSE"


def per_call_overhead(build):
    out = subprocess.run([os.path.join(build, "bench", "bench_call"), "2000"], check=True,
                         capture_output=True, text=True).stdout
    c = json.loads(out)
    circuit = pl.ansatz("hea", 10, layers=2)
    obs = pl.PauliSum("Z0 Z1 + 0.5*X3")
    theta = 0.1 * np.arange(1, circuit.num_params + 1)
    value = pl.expval(circuit, obs, theta)
    assert abs(value - c["check"]) < 1e-12, (value, c["check"])
    calls, best = 2000, float("inf")
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(calls):
            pl.expval(circuit, obs, theta)
        best = min(best, (time.perf_counter() - t) / calls * 1e6)
    tiny = pl.Circuit(1)
    z = pl.PauliSum("Z0")
    t = time.perf_counter()
    for _ in range(20000):
        pl.expval(tiny, z)
    tiny_us = (time.perf_counter() - t) / 20000 * 1e6
    print(f"per call, 10-qubit expectation: C {c['c_us_per_call']:.1f} us, "
          f"Python {best:.1f} us, overhead {best - c['c_us_per_call']:.1f} us "
          f"({best / c['c_us_per_call']:.3f}x)")
    print(f"per call, 1-qubit empty circuit from Python (all overhead): {tiny_us:.2f} us")


def hea_pennylane(qml, n, layers):
    def circuit(theta):
        k = 0
        for _ in range(layers):
            for q in range(n):
                qml.RY(theta[k + q], wires=q)
            for q in range(n):
                qml.RZ(theta[k + n + q], wires=q)
            k += 2 * n
            for q in range(n - 1):
                qml.CZ(wires=[q, q + 1])
        return qml.expval(qml.PauliZ(0) @ qml.PauliZ(1))
    return circuit


def versus_lightning(n=20, layers=10):
    try:
        import pennylane as qml
        from pennylane import numpy as pnp
    except ImportError:
        print("pennylane not installed: skipping plateau.qubit vs lightning.qubit")
        return
    values = np.random.default_rng(1).uniform(0, 2 * np.pi, 2 * n * layers)
    theta = pnp.array(values, requires_grad=True)
    # The expectation alone: with trainable parameters PennyLane also asks the device
    # for the derivatives on every forward call.
    fixed = pnp.array(values, requires_grad=False)
    rows = {}
    for name in ["plateau.qubit", "lightning.qubit"]:
        dev = qml.device(name, wires=n)
        f = qml.QNode(hea_pennylane(qml, n, layers), dev, diff_method="adjoint")
        value = float(f(fixed))
        g = qml.grad(f)(theta)
        rows[name] = (value, np.asarray(g), best_of(lambda: f(fixed)),
                      best_of(lambda: qml.grad(f)(theta)))
    (v1, g1, e1, d1), (v2, g2, e2, d2) = rows["plateau.qubit"], rows["lightning.qubit"]
    assert abs(v1 - v2) < 1e-10 and np.max(np.abs(g1 - g2)) < 1e-9
    print(f"{n}-qubit {layers}-layer HEA, <Z0 Z1>: plateau.qubit {e1 * 1e3:.1f} ms, "
          f"lightning.qubit {e2 * 1e3:.1f} ms, ratio {e2 / e1:.2f}")
    print(f"{n}-qubit {layers}-layer HEA, adjoint gradient ({2 * n * layers} params): "
          f"plateau.qubit {d1 * 1e3:.1f} ms, lightning.qubit {d2 * 1e3:.1f} ms, "
          f"ratio {d2 / d1:.2f}")


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    print(f"CPU: {platform.processor() or platform.machine()}, {cpu_flags()}; "
          f"threads {pl.get_threads()}; plateau {pl.__version__}")
    per_call_overhead(build)
    versus_lightning()


if __name__ == "__main__":
    main()
