#!/usr/bin/env python3
"""The plateau program driven as a user drives it: values, JSON, exit codes, errors.

usage: test_cli.py PATH/TO/plateau SOURCE_DIR
"""
import json
import math
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import HEADER, check, example, expect_error, finish, run, value, write  # noqa: E402


def expval(*args):
    return value("sim", *args)


def test_documented_values():
    bell = example("bell.qasm")
    for obs, want in [("Z0 Z1", 1.0), ("X0 X1", 1.0), ("Y0 Y1", -1.0), ("Z0", 0.0),
                      ("Z0 Z1 - Y0 Y1", 2.0), ("0.5*X0 X1 + 2*I", 2.5)]:
        got = expval(bell, "--obs", obs)
        check(abs(got - want) < 1e-12, f"bell <{obs}> = {want}, got {got}")
    rot = example("rotation.qasm")
    check(abs(expval(rot, "--obs", "Z0") - 0.5) < 1e-12, "rotation <Z0> = 0.5")
    check(abs(expval(rot, "--obs", "X0") - math.sqrt(3) / 2) < 1e-12, "rotation <X0> = sqrt(3)/2")
    ghz = example("ghz8.qasm")
    check(abs(expval(ghz, "--obs", "X0 X1 X2 X3 X4 X5 X6 X7") - 1) < 1e-12, "GHZ parity = 1")
    check(abs(expval(ghz, "--obs", "Z0 Z7") - 1) < 1e-12, "GHZ <Z0 Z7> = 1")
    check(abs(expval(ghz, "--obs", "Z3")) < 1e-12, "GHZ <Z3> = 0")


def test_json():
    rc, out, err = run("sim", example("ghz8.qasm"), "--obs", "X0 X1 X2 X3 X4 X5 X6 X7", "--json")
    check(rc == 0, "sim --json exits 0")
    lines = out.strip().splitlines()
    check(len(lines) == 1, f"--json prints exactly one line, got {len(lines)}")
    obj = json.loads(out)
    check(obj["qubits"] == 8, "json qubits = 8")
    check(abs(obj["expval"] - 1) < 1e-12, "json expval = 1")
    check(obj["method"] == "exact" and obj["shots"] is None, "json method exact, shots null")


def test_shots():
    bell = example("bell.qasm")
    args = [bell, "--obs", "Z0 Z1 + X0 + 0.5*Y0 Y1", "--shots", "20000", "--seed", "11"]
    a = expval(*args)
    # Exact value 1 - 0.5 = 0.5. Z0 Z1 and Y0 Y1 are deterministic on the Bell state; X0 has
    # variance 1, so the estimate's standard deviation is 1/sqrt(20000) ~ 0.007.
    check(abs(a - 0.5) < 5 / math.sqrt(20000), f"shot estimate {a} within 5 sigma of 0.5")
    check(expval(*args) == a, "same seed, same estimate")
    check(expval(*args, "--threads", "1") == a, "same estimate on 1 thread")
    check(expval(*args, "--threads", "2") == a, "same estimate on 2 threads")
    rc, out, _ = run("sim", *args[:-1], "12", "--json")
    check(json.loads(out)["shots"] == 20000 and json.loads(out)["method"] == "shots",
          "json reports shots")


def test_bad_input():
    with tempfile.TemporaryDirectory() as tmp:
        bell = example("bell.qasm")
        expect_error(["sim", os.path.join(tmp, "missing.qasm"), "--obs", "Z0"], "cannot open")
        f = write(tmp, "semicolon.qasm", HEADER + "qreg q[2];\nh q[0]\ncx q[0],q[1];\n")
        expect_error(["sim", f, "--obs", "Z0"], "semicolon.qasm:")
        f = write(tmp, "gate.qasm", HEADER + "qreg q[2];\nfoo q[0];\n")
        expect_error(["sim", f, "--obs", "Z0"], "unknown gate 'foo'")
        expect_error(["sim", f, "--obs", "Z0"], "gate.qasm:4:")
        f = write(tmp, "range.qasm", HEADER + "qreg q[2];\nh q[5];\n")
        expect_error(["sim", f, "--obs", "Z0"], "range.qasm:4:")
        f = write(tmp, "nan.qasm", HEADER + "qreg q[1];\nrx(0/0) q[0];\n")
        expect_error(["sim", f, "--obs", "Z0"], "nan.qasm:4:")
        f = write(tmp, "big.qasm", HEADER + "qreg q[60];\nh q[0];\n")
        expect_error(["sim", f, "--obs", "Z0"], "memory limit")
        f = write(tmp, "mid.qasm", HEADER + "qreg q[20];\nh q[0];\n")
        expect_error(["sim", f, "--obs", "Z0", "--max-memory", "1M"], "memory limit of 1.0 MB (see --max-memory)")
        f = write(tmp, "if.qasm", HEADER + "qreg q[1];\ncreg c[1];\nmeasure q -> c;\n"
                  "if (c == 1) x q[0];\n")
        expect_error(["sim", f, "--obs", "Z0"], "not supported")
        expect_error(["sim", bell, "--obs", "Z0 Q1"], "Q1")
        expect_error(["sim", bell, "--obs", "X5"], "out of range")
        expect_error(["sim", bell, "--obs", "Z0 +"], "column")
        expect_error(["sim", bell, "--obs", "nan*Z0"], "nan")
        expect_error(["sim", bell], "missing --obs")
        expect_error(["sim", "--obs", "Z0"], "missing the circuit file")
        expect_error(["sim", bell, "--obs", "Z0", "--bogus"], "unknown option '--bogus'")
        expect_error(["sim", bell, "--obs", "Z0", "--shots", "abc"], "--shots expects")
        expect_error(["sim", bell, "--obs", "Z0", "--shots", "0"], "--shots must be")
        expect_error(["sim", bell, "--obs", "Z0", "--threads", "0"], "thread count")
        expect_error(["sim", bell, "--obs", "Z0", "--max-memory", "lots"], "--max-memory")
        expect_error(["sim", bell, "--obs"], "needs a value")
        expect_error(["sim", bell, bell, "--obs", "Z0"], "unexpected argument")
        expect_error(["frobnicate"], "unknown command 'frobnicate'", command="")


PARAM_CIRCUIT = HEADER + """qreg q[2];
ry(theta[0]) q[0];
cx q[0], q[1];
rx(2*theta[1] + 0.1) q[1];
"""


def test_grad():
    with tempfile.TemporaryDirectory() as tmp:
        f = write(tmp, "p.qasm", PARAM_CIRCUIT)
        # E = <Z0 Z1> + <X1> = cos(2 theta1 + 0.1); dE/dtheta0 = 0, dE/dtheta1 = -2 sin(...)
        want_e, want_g = math.cos(1.1), [0.0, -2 * math.sin(1.1)]
        for method in ["adjoint", "shift", "fd"]:
            rc, out, err = run("grad", f, "--obs", "Z0 Z1 + X1", "--params", "0.3,0.5",
                               "--method", method, "--json")
            check(rc == 0, f"grad --method {method} exits 0 ({err.strip()})")
            obj = json.loads(out)
            tol = 1e-6 if method == "fd" else 1e-12
            check(abs(obj["expval"] - want_e) < 1e-12, f"grad {method}: expval")
            check(all(abs(a - b) < tol for a, b in zip(obj["grad"], want_g)),
                  f"grad {method}: gradient {obj['grad']} vs {want_g}")
            check(obj["method"] == method and obj["params"] == 2, f"grad {method}: keys")
        # HDF5 parameter files: default dataset "params", or an explicit path.
        import h5py
        h5 = os.path.join(tmp, "p.h5")
        with h5py.File(h5, "w") as fh:
            fh["params"] = [0.3, 0.5]
            fh["run/best"] = [0.3, 0.5]
            fh["matrix"] = [[0.3, 0.5]]
        for spec in [h5, h5 + ":/run/best"]:
            rc, out, err = run("grad", f, "--obs", "Z0 Z1 + X1", "--params-file", spec, "--json")
            check(rc == 0 and abs(json.loads(out)["expval"] - want_e) < 1e-12,
                  f"--params-file {spec} ({err.strip()})")
        expect_error(["grad", f, "--obs", "Z0", "--params-file", h5 + ":/nope"], "no dataset")
        expect_error(["grad", f, "--obs", "Z0", "--params-file", h5 + ":/matrix"], "1-D")
        json_file = write(tmp, "p.json", "[0.3, 0.5]")
        rc, out, _ = run("grad", f, "--obs", "Z0 Z1 + X1", "--params-file", json_file)
        check(rc == 0 and out.splitlines()[0] == f"expval {want_e:.15g}",
              f"grad text output from --params-file: {out!r}")
        expect_error(["grad", f, "--obs", "Z0", "--params", "0.3"], "expected 2 parameters, got 1")
        expect_error(["grad", f, "--obs", "Z0"], "give their values with --params")
        expect_error(["grad", f, "--obs", "Z0", "--params", "0.3,nan"], "not finite")
        expect_error(["grad", f, "--obs", "Z0", "--params", "0.3,abc"], "not a number")
        expect_error(["grad", f, "--obs", "Z0", "--params", "1,2", "--method", "magic"],
                     "unknown gradient method 'magic'")
        expect_error(["grad", f, "--obs", "Z0", "--params-file", os.path.join(tmp, "no.json")],
                     "cannot open")
        bad = write(tmp, "bad.json", "[1, \"x\"]")
        expect_error(["grad", f, "--obs", "Z0", "--params-file", bad], "not a number")
        g = write(tmp, "big.qasm", HEADER + "qreg q[1];\nrx(theta[7]) q[0];\n")
        expect_error(["grad", g, "--obs", "Z0", "--params", "1"], "expected 8 parameters")


def test_optimize():
    with tempfile.TemporaryDirectory() as tmp:
        f = write(tmp, "p.qasm", PARAM_CIRCUIT)
        out_params = os.path.join(tmp, "best.json")
        # min over theta of cos(2 theta1 + 0.1) + ... : <Z0 Z1> + <X1> has minimum -1 (X1 = 0).
        rc, out, err = run("optimize", f, "--obs", "Z0 Z1 + X1", "--optimizer", "lbfgs",
                           "--seed", "3", "--json", "--out-params", out_params)
        check(rc == 0, f"optimize exits 0 ({err.strip()})")
        obj = json.loads(out)
        check(abs(obj["energy"] + 1) < 1e-8, f"optimize reaches -1, got {obj['energy']}")
        check(len(obj["history"]) >= 1 and obj["history"][-1] >= obj["energy"] - 1e-12,
              "history recorded")
        for key in ["optimizer", "qubits", "params", "theta", "iterations", "evaluations",
                    "reason"]:
            check(key in obj, f"optimize json has {key}")
        with open(out_params) as fh:
            check(len(json.load(fh)) == 2, "--out-params writes the parameters")
        # Restarting at the optimum converges at once instead of failing.
        rc, out, err = run("optimize", f, "--obs", "Z0 Z1 + X1", "--params-file", out_params,
                           "--json")
        check(rc == 0 and abs(json.loads(out)["energy"] - obj["energy"]) < 1e-12,
              f"optimize restarted at its optimum ({err.strip()})")
        rc, out, _ = run("optimize", f, "--obs", "Z0 Z1 + X1", "--optimizer", "adam",
                         "--lr", "0.1", "--max-iter", "300", "--init", "zeros", "--json")
        check(rc == 0 and json.loads(out)["energy"] < -0.99, "adam from zeros gets close to -1")
        expect_error(["optimize", f, "--obs", "Z0", "--optimizer", "sgd"], "sgd")
        expect_error(["optimize", f, "--obs", "Z0", "--init", "ones"], "unknown --init 'ones'")
        expect_error(["optimize", f, "--obs", "Z0", "--init-scale", "0"], "--init-scale")
        rc, out, _ = run("optimize", f, "--obs", "Z0 Z1 + X1", "--init-scale", "0.2", "--json")
        check(rc == 0 and
              json.loads(out)["energy"] < -0.999, "--init-scale 0.2 start converges")
        expect_error(["optimize", f, "--obs", "Z0", "--max-iter", "0"], "--max-iter")
        expect_error(["optimize", f, "--obs", "Z0", "--tol", "-1"], "--tol")
        expect_error(["optimize", example("bell.qasm"), "--obs", "Z0"], "no parameters")


def test_meta():
    rc, out, _ = run("--version")
    check(rc == 0 and out.startswith("plateau 0."), f"--version prints the version: {out!r}")
    rc, out, _ = run("help")
    check(rc == 0 and "sim" in out, "help lists sim")
    rc, out, _ = run("help", "sim")
    check(rc == 0 and "--obs" in out, "help sim shows options")
    rc, out, _ = run("sim", "--help")
    check(rc == 0 and "usage: plateau sim" in out, "sim --help shows usage")
    rc, _, err = run()
    check(rc == 2 and "usage" in err, "no arguments: usage on stderr, exit 2")


finish("CLI", [test_documented_values, test_json, test_shots, test_bad_input, test_grad,
              test_optimize, test_meta])
