#!/usr/bin/python3
"""plateau audit and plateau sim --method gsim as a user drives them: verdicts on textbook
circuits, the JSON keys of the CLI contract, the Markdown report, g-sim against the state
vector, and bad input."""
import json
import os
import sys

import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import PLATEAU, check, expect_error, finish, run  # noqa: E402


def ansatz(tmp, name, *args):
    path = os.path.join(tmp, name)
    rc, _, err = run("ansatz", *args, "--symbolic", "--out", path, "--quiet")
    check(rc == 0, f"ansatz {args} ({err.strip()})")
    return path


def test_audit():
    with tempfile.TemporaryDirectory() as tmp:
        deep = ansatz(tmp, "deep.qasm", "--ansatz", "hea", "--qubits", 6, "--layers", 6)
        rc, out, err = run("audit", deep, "--obs", "Z0 Z1 Z2 Z3 Z4 Z5", "--json")
        r = json.loads(out) if rc == 0 else {}
        check(rc == 0, f"audit exits 0 ({err.strip()})")
        check({"dla_dim", "predicted_variance", "verdict", "simulator"} <= set(r), f"keys {set(r)}")
        check(r.get("verdict") == "barren plateau" and r.get("simulator") is None, f"deep HEA: {r}")
        hva = ansatz(tmp, "hva.qasm", "--ansatz", "tfim-hva", "--qubits", 6, "--layers", 4)
        obs = "Z0 Z1 + Z1 Z2 + Z2 Z3 + Z3 Z4 + Z4 Z5"
        report = os.path.join(tmp, "audit.md")
        rc, out, err = run("audit", hva, "--obs", obs, "--params", "0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8",
                           "--out", report)
        check(rc == 0 and "**Verdict: trainable and classically simulable with g-sim.**" in out,
              f"HVA verdict in Markdown ({err.strip()}): {out[:300]!r}")
        check(os.path.exists(report) and open(report).read() == out, "--out holds the same report")
        check("--method gsim" in out, "the report gives the command to run the simulator")
        # the command it recommends works and agrees with the state vector
        params = "0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8"
        rc1, sv, _ = run("sim", hva, "--obs", obs, "--params", params)
        rc2, gs, err = run("sim", hva, "--obs", obs, "--params", params, "--method", "gsim")
        check(rc1 == 0 and rc2 == 0 and abs(float(sv) - float(gs)) < 1e-10,
              f"g-sim {gs.strip()} vs state vector {sv.strip()} ({err.strip()})")


def test_bad_input():
    with tempfile.TemporaryDirectory() as tmp:
        fixed = os.path.join(tmp, "fixed.qasm")
        with open(fixed, "w") as f:
            f.write('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nh q[0];\ncx q[0],q[1];\n')
        expect_error(["audit", fixed, "--obs", "Z0"], "no parameters", "audit")
        expect_error(["audit", fixed], "--obs", "audit")
        expect_error(["audit", fixed, "--obs", "Z5"], "qubit 5", "audit")
        expect_error(["audit", fixed, "--obs", "Z0", "--samples", 1], "--samples", "audit")
        expect_error(["sim", fixed, "--obs", "Z0", "--method", "tn"], "--method", "sim")
        expect_error(["sim", fixed, "--obs", "Z0", "--method", "gsim"], "no parameters", "sim")


finish("audit CLI", [test_audit, test_bad_input])
