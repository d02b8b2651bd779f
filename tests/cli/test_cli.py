#!/usr/bin/env python3
"""The plateau program driven as a user drives it: values, JSON, exit codes, errors.

usage: test_cli.py PATH/TO/plateau SOURCE_DIR
"""
import json
import math
import os
import subprocess
import sys
import tempfile

PLATEAU, SOURCE = sys.argv[1], sys.argv[2]
EXAMPLES = os.path.join(SOURCE, "examples")
failures = []


def run(*args):
    p = subprocess.run([PLATEAU, *args], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def expval(*args):
    rc, out, err = run("sim", *args)
    check(rc == 0, f"sim {args} exits 0 (got {rc}: {err.strip()})")
    return float(out) if rc == 0 else math.nan


def example(name):
    return os.path.join(EXAMPLES, name)


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


def write(tmp, name, text):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def expect_error(args, needle, status=2):
    rc, out, err = run(*args)
    lines = err.strip().splitlines()
    check(rc == status, f"{args}: exit {status}, got {rc}")
    check(out == "", f"{args}: nothing on stdout, got {out!r}")
    check(len(lines) == 1, f"{args}: one error line, got {lines}")
    check(needle in err, f"{args}: error mentions {needle!r}: {err.strip()}")


HEADER = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'


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
        expect_error(["sim", f, "--obs", "Z0", "--max-memory", "1M"], "memory limit")
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
        expect_error(["frobnicate"], "unknown command 'frobnicate'")


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


for test in [test_documented_values, test_json, test_shots, test_bad_input, test_meta]:
    test()
if failures:
    print(f"{len(failures)} CLI check(s) failed")
    sys.exit(1)
print("all CLI checks passed")
