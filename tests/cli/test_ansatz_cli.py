#!/usr/bin/env python3
"""`plateau ansatz` driven as a user drives it: files that `plateau sim` runs, JSON,
parameter binding, exit codes and the one-line errors.

usage: test_ansatz_cli.py PATH/TO/plateau SOURCE_DIR
"""
import functools
import json
import math
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clitest  # noqa: E402
from clitest import check, finish, run, run_json, value  # noqa: E402

JSON_KEYS = {"ansatz", "qubits", "layers", "params", "operations", "out", "readout", "seed"}


def expected_params(ansatz, n, layers, share):
    """Parameter counts counted layer by layer, level by level (docs/ansatz.md)."""
    if ansatz == "hea":
        return 2 * n * layers
    if ansatz == "tfim-hva":
        return 2 * layers
    if ansatz == "su4-brickwork":
        return 15 * sum(len(range(l % 2, n - 1, 2)) for l in range(layers))
    total, m = 0, n
    while m > 1:
        conv = [m // 2, (m - 1) // 2]
        total += (15 * sum(c > 0 for c in conv) + 2) if share else 15 * sum(conv) + 2 * (m // 2)
        m = (m + 1) // 2
    return total


def build_json(*args):
    return run_json("ansatz", *args)


def expval(path, obs):
    return value("sim", path, "--obs", obs)


def test_every_ansatz(tmp):
    cases = [("hea", 1, 1, False), ("hea", 4, 3, False), ("su4-brickwork", 2, 2, False),
             ("su4-brickwork", 5, 3, False), ("tfim-hva", 6, 2, False), ("qcnn", 2, 1, False),
             ("qcnn", 7, 1, False), ("qcnn", 8, 1, True)]
    for ansatz, n, layers, share in cases:
        path = os.path.join(tmp, f"{ansatz}-{n}.qasm")
        args = ["--ansatz", ansatz, "--qubits", n, "--layers", layers, "--out", path]
        obj = build_json(*args, *(["--share"] if share else []))
        what = f"{ansatz} n={n} L={layers} share={share}"
        check(JSON_KEYS <= obj.keys(), f"{what}: JSON keys {sorted(obj)} include {JSON_KEYS}")
        check(obj.get("params") == expected_params(ansatz, n, layers, share),
              f"{what}: {obj.get('params')} parameters, want "
              f"{expected_params(ansatz, n, layers, share)}")
        want_layers = math.ceil(math.log2(n)) if ansatz == "qcnn" else layers
        check(obj.get("qubits") == n and obj.get("layers") == want_layers,
              f"{what}: qubits/layers reported {obj.get('qubits')}/{obj.get('layers')}")
        check(obj.get("out") == path and obj.get("readout") == "Z0" and obj.get("seed") == 1,
              f"{what}: out, readout, seed = {obj.get('out')}, {obj.get('readout')}, "
              f"{obj.get('seed')}")
        with open(path) as f:
            text = f.read()
        check(text.startswith("OPENQASM 2.0;") and "theta" not in text,
              f"{what}: plain OpenQASM 2 with bound parameters")
        value = expval(path, obj.get("readout", "Z0"))
        check(abs(value) <= 1 + 1e-12, f"{what}: <Z0> = {value} lies in [-1, 1]")


def test_values(tmp):
    # tfim-hva: exp(-i beta sum ZZ) on |+++>: <X0> = cos(2 beta), <X1> = cos(2 beta)^2, and the
    # rx(2 gamma) layer commutes with X.
    path = os.path.join(tmp, "tfim.qasm")
    rc, _, err = run("ansatz", "--ansatz", "tfim-hva", "--qubits", 3, "--params", "0.4,1.1",
                     "--out", path)
    check(rc == 0, f"tfim-hva --params exits 0: {err.strip()}")
    check(abs(expval(path, "X0") - math.cos(0.8)) < 1e-12, "tfim-hva <X0> = cos(2 beta)")
    check(abs(expval(path, "X1") - math.cos(0.8) ** 2) < 1e-12, "tfim-hva <X1> = cos(2 beta)^2")
    # hea parameter order: RY on q0, q1, then RZ on q0, q1.
    for params, obs, want in [("0.7,0,0,0", "Z0", math.cos(0.7)), ("0,0.7,0,0", "Z1",
                              math.cos(0.7)), ("0,0.7,0,0", "Z0", 1.0)]:
        rc, _, _ = run("ansatz", "--ansatz", "hea", "--qubits", 2, "--params", params,
                       "--out", path)
        check(rc == 0 and abs(expval(path, obs) - want) < 1e-12,
              f"hea --params {params}: <{obs}> = {want}")
    pfile = os.path.join(tmp, "p.json")
    with open(pfile, "w") as f:
        json.dump([0.0, 0.7, 0.0, 0.0], f)
    obj = build_json("--ansatz", "hea", "--qubits", 2, "--params-file", pfile, "--out", path)
    check(obj.get("params_source") == "file", "--params-file is reported as the source")
    check(abs(expval(path, "Z1") - math.cos(0.7)) < 1e-12, "--params-file binds the values")


def test_seed_and_stdout(tmp):
    base = ["ansatz", "--ansatz", "su4-brickwork", "--qubits", 4, "--layers", 2]
    rc1, out1, err1 = run(*base, "--seed", 5)
    rc2, out2, _ = run(*base, "--seed", 5)
    rc3, out3, _ = run(*base, "--seed", 6)
    check(rc1 == rc2 == rc3 == 0, "ansatz to stdout exits 0")
    check(out1.startswith("OPENQASM 2.0;"), "without --out the circuit goes to stdout")
    check(out1 == out2 and out1 != out3, "same seed, same circuit; another seed, another")
    check(len(err1.strip().splitlines()) == 1 and "45 parameters" in err1,
          f"summary line on stderr: {err1!r}")
    rc, _, err = run(*base, "--quiet")
    check(rc == 0 and err == "", "--quiet: nothing on stderr")
    obj = build_json(*base[1:])
    check(obj.get("out") is None and obj.get("qasm", "").startswith("OPENQASM 2.0;"),
          "--json without --out: out null, circuit under 'qasm'")
    path = os.path.join(tmp, "summary.qasm")
    rc, out, err = run(*base, "--out", path)
    check(rc == 0 and err == "" and len(out.strip().splitlines()) == 1 and path in out,
          f"with --out: one summary line on stdout naming the file: {out!r}")


def expect_error(args, needle):
    clitest.expect_error(["ansatz", *args], needle)


def test_bad_input(tmp):
    out = os.path.join(tmp, "never.qasm")
    expect_error(["--ansatz", "foo", "--qubits", 2],
                 "unknown ansatz 'foo' (valid: hea, su4-brickwork, tfim-hva, qcnn)")
    expect_error(["--qubits", 2], "missing --ansatz")
    expect_error(["--ansatz", "hea"], "missing --qubits")
    expect_error(["--ansatz", "qcnn", "--qubits", 1], "qcnn needs at least 2 qubits, got 1")
    expect_error(["--ansatz", "qcnn", "--qubits", 0], "qcnn needs at least 2 qubits, got 0")
    expect_error(["--ansatz", "hea", "--qubits", 0], "hea needs at least 1 qubit, got 0")
    expect_error(["--ansatz", "hea", "--qubits", "two"], "--qubits expects an integer")
    expect_error(["--ansatz", "hea", "--qubits", 3, "--layers", 0],
                 "--layers must be at least 1, got 0")
    expect_error(["--ansatz", "qcnn", "--qubits", 3, "--layers", 0], "--layers must be at least 1")
    expect_error(["--ansatz", "hea", "--qubits", 3, "--out",
                  os.path.join(tmp, "no-such-dir", "x.qasm")], "no-such-dir")
    expect_error(["--ansatz", "hea", "--qubits", 2, "--params", "1,2,3", "--out", out],
                 "expected 4 parameters, got 3")
    expect_error(["--ansatz", "hea", "--qubits", 2, "--params", "1,x,3,4"], "--params: item 2")
    expect_error(["--ansatz", "hea", "--qubits", 2, "--params-file",
                  os.path.join(tmp, "missing.json")], "missing.json")
    expect_error(["--ansatz", "hea", "--qubits", 2, "--params", "1,2,3,4", "--params-file",
                  "p.json"], "not both")
    expect_error(["--ansatz", "hea", "--qubits", 2, "--share"], "--share applies to qcnn only")
    expect_error(["--ansatz", "hea", "--qubits", 2, "stray"], "unexpected argument 'stray'")
    expect_error(["--ansatz", "tfim-hva", "--qubits", 1048576, "--layers", 100],
                 "more than the limit")
    check(not os.path.exists(out), "a refused command writes no file")
    check(not [f for f in os.listdir(tmp) if ".tmp." in f], "no temporary files left behind")


def test_meta():
    rc, out, _ = run("ansatz", "--help")
    check(rc == 0 and "usage: plateau ansatz" in out, "ansatz --help shows usage")
    rc, out, _ = run("help")
    check(rc == 0 and "ansatz" in out, "help lists ansatz")


with tempfile.TemporaryDirectory() as tmp:
    finish("ansatz CLI", [functools.partial(test, tmp) for test in
                          [test_every_ansatz, test_values, test_seed_and_stdout, test_bad_input]]
           + [test_meta])
