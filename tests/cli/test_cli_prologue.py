#!/usr/bin/env python3
"""The prologue every `plateau` command shares, checked on every command of the table (the
commands are read from `plateau help`, so a new command is covered without editing this file):
--help prints the usage with the common-options paragraph and exits 0 (the same text as
`plateau help COMMAND`); a bare invocation is one line 'plateau CMD: error: ...' with exit 2,
naming the missing circuit file for the commands that need one; --json output (cheap
invocations) holds the preamble keys command, version, seed and elapsed_s.

usage: test_cli_prologue.py PATH/TO/plateau
"""
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import check, expect_error, finish, run  # noqa: E402

COMMON = ("Options every command takes:", "--seed S", "--threads T", "--max-memory M", "--json",
          "--quiet", "--help, -h",
          "Exit status: 0 success, 2 bad usage or bad input, 1 other failure.")
PREAMBLE = {"command", "version", "seed", "elapsed_s"}
NEEDS_CIRCUIT = {"sim", "grad", "optimize", "propagate", "audit"}
# Without arguments these run (benchmark: the whole benchmark) instead of failing.
RUNS_BARE = {"benchmark"}
CIRCUIT = ('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\n'
           'h q[0];\nrx(theta[0]) q[1];\ncx q[0],q[1];\nrz(theta[1]) q[0];\n')


def commands():
    rc, out, _ = run("help")
    check(rc == 0, "plateau help exits 0")
    names = re.findall(r"^  (\S+) ", out.split("commands:\n", 1)[1], re.M)
    return [n for n in names if n != "help"]


def test_help():
    names = commands()
    check(len(names) >= 15, f"the overview lists every command, got {names}")
    for name in names:
        rc, out, err = run(name, "--help")
        check(rc == 0 and err == "" and out.startswith(f"usage: plateau {name}"),
              f"{name} --help: exit 0 and usage on stdout, got {rc}")
        check(all(part in out for part in COMMON), f"{name} --help has the common-options paragraph")
        check(out.count("Exit status:") == 1 and out.endswith("1 other failure.\n"),
              f"{name} --help ends with the one exit-status line")
        check("%%" not in out, f"{name} --help has no doubled '%%'")
        rc2, out2, _ = run("help", name)
        check(rc2 == 0 and out2 == out, f"'plateau help {name}' is '{name} --help'")
        rc3, out3, _ = run(name, "-h")
        check(rc3 == 0 and out3 == out, f"'{name} -h' is '{name} --help'")


def test_bare_invocation():
    for name in commands():
        if name in RUNS_BARE:
            continue
        needle = "missing the circuit file" if name in NEEDS_CIRCUIT else "error"
        expect_error([name], needle)
        if name in NEEDS_CIRCUIT:
            expect_error([name, "--obs", "Z0"], f"(see 'plateau {name} --help')")


def json_of(what, *args):
    rc, out, err = run(*args, "--json", "--quiet")
    check(rc == 0, f"{what}: exit 0 ({err.strip()})")
    if rc != 0:
        return {}
    lines = out.strip().splitlines()
    check(len(lines) == 1, f"{what}: exactly one line on stdout")
    obj = json.loads(lines[0])
    check(PREAMBLE <= obj.keys(), f"{what}: JSON keys {sorted(obj)} include {sorted(PREAMBLE)}")
    check(obj.get("command") == args[0], f"{what}: command is '{args[0]}'")
    check(isinstance(obj.get("elapsed_s"), (int, float)) and obj["elapsed_s"] >= 0,
          f"{what}: elapsed_s is a number >= 0")
    return obj


def test_json_preamble():
    with tempfile.TemporaryDirectory() as tmp:
        qasm = os.path.join(tmp, "c.qasm")
        with open(qasm, "w") as f:
            f.write(CIRCUIT)
        p = ("--params", "0.3,0.7")
        version = json_of("sim", "sim", qasm, "--obs", "Z0 Z1", *p, "--seed", 5)
        check(version.get("seed") == 5, "sim: seed is the --seed given")
        json_of("grad", "grad", qasm, "--obs", "Z0 Z1", *p)
        json_of("optimize", "optimize", qasm, "--obs", "Z0 Z1", "--max-iter", 3)
        json_of("propagate", "propagate", qasm, "--obs", "Z0 Z1", *p)
        json_of("audit", "audit", qasm, "--obs", "Z0 Z1", "--samples", 4)
        json_of("ansatz", "ansatz", "--ansatz", "hea", "--qubits", 3)
        json_of("dla", "dla", "--gens", "X0; Z0 Z1; X1")
        json_of("bp", "bp", "--ansatz", "hea", "--qubits", "2,3", "--samples", 4)
        state, shots = os.path.join(tmp, "gs.h5"), os.path.join(tmp, "shots.h5")
        json_of("gs", "gs", "--model", "tfim", "--sites", 4, "--out", state)
        json_of("shadows", "shadows", "--state", state, "--shots", 50, "--out", shots)
        json_of("estimate", "estimate", "--shadows", shots, "--obs", "Z0 Z1")
        data, model = os.path.join(tmp, "d.h5"), os.path.join(tmp, "m.h5")
        json_of("dataset", "dataset", "--model", "tfim", "--sites", 4, "--points", 8, "--shots", 20,
                "--out", data)
        json_of("train", "train", "--data", data, "--model", "linear", "--iterations", 5,
                "--out", model)
        pred = json_of("predict", "predict", "--model", model, "--data", data)
        check(pred.get("version") == version.get("version"), "predict: the same version as sim")


if __name__ == "__main__":
    finish("CLI prologue", [test_help, test_bare_invocation, test_json_preamble])
