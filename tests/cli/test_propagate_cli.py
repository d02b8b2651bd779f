#!/usr/bin/env python3
"""`plateau propagate` driven as a user drives it: values against `plateau sim`, JSON keys,
the --terms-out HDF5 file, exit codes and the one-line errors.

usage: test_propagate_cli.py PATH/TO/plateau SOURCE_DIR
"""
import json
import math
import os
import random
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import HEADER, check, example, expect_error, finish, run, value, write  # noqa: E402

JSON_KEYS = {"expval", "terms", "max_terms", "truncated_weight", "term_updates", "seconds",
             "bytes", "qubits", "max_weight", "min_coeff", "max_freq", "terms_out"}
SEED = 20240611


def random_circuit(rng, n, gates):
    """A circuit of random qelib1 gates: rotations (Pauli-rotation path), Cliffords and
    generic gates (transfer-matrix path)."""
    one = ["h", "s", "sdg", "t", "tdg", "x", "y", "z", "sx", "sxdg"]
    one_angle = ["rx", "ry", "rz", "p", "u1"]
    two = ["cx", "cy", "cz", "ch", "swap", "csx"]
    two_angle = ["rxx", "ryy", "rzz", "crx", "cry", "crz", "cp", "cu1"]
    lines = [HEADER, f"qreg q[{n}];\n"]
    for _ in range(gates):
        kind = rng.randrange(7)
        a = [f"{rng.uniform(-3, 3):.12f}" for _ in range(3)]
        if kind == 0:
            lines.append(f"{rng.choice(one)} q[{rng.randrange(n)}];\n")
        elif kind == 1:
            lines.append(f"{rng.choice(one_angle)}({a[0]}) q[{rng.randrange(n)}];\n")
        elif kind == 2:
            lines.append(f"u3({a[0]},{a[1]},{a[2]}) q[{rng.randrange(n)}];\n")
        elif kind == 3:
            i, j = rng.sample(range(n), 2)
            lines.append(f"{rng.choice(two)} q[{i}],q[{j}];\n")
        elif kind == 4:
            i, j = rng.sample(range(n), 2)
            lines.append(f"{rng.choice(two_angle)}({a[0]}) q[{i}],q[{j}];\n")
        elif kind == 5:
            i, j = rng.sample(range(n), 2)
            lines.append(f"cu3({a[0]},{a[1]},{a[2]}) q[{i}],q[{j}];\n")
        else:
            i, j, k = rng.sample(range(n), 3)
            lines.append(f"{rng.choice(['ccx', 'cswap'])} q[{i}],q[{j}],q[{k}];\n")
    return "".join(lines)


def random_observable(rng, n, terms):
    parts = []
    for _ in range(terms):
        support = rng.sample(range(n), rng.randint(1, min(n, 3)))
        factors = " ".join(f"{rng.choice('XYZ')}{q}" for q in sorted(support))
        parts.append(f"{rng.uniform(-2, 2):.6f}*{factors}")
    return " + ".join(parts).replace("+ -", "- ")


def test_values_match_sim():
    """Without truncation propagation is exact: equal to the state vector to 1e-10."""
    cases = [("bell.qasm", "Z0 Z1 - Y0 Y1 + 0.5*X0 X1"), ("rotation.qasm", "X0 + Z0"),
             ("ghz8.qasm", "X0 X1 X2 X3 X4 X5 X6 X7 + Z0 Z7 + Z3"),
             ("tfim_quench.qasm", "Z0 + Z4 Z5 + 0.3*X9")]
    for name, obs in cases:
        f = example(name)
        want, got = value("sim", f, "--obs", obs), value("propagate", f, "--obs", obs, "--quiet")
        check(abs(want - got) < 1e-10, f"{name} <{obs}>: propagate {got} vs sim {want}")
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        for trial in range(8):
            n = rng.randint(3, 6)
            f = write(tmp, f"r{trial}.qasm", random_circuit(rng, n, 40))
            obs = random_observable(rng, n, 4)
            want = value("sim", f, "--obs", obs)
            got = value("propagate", f, "--obs", obs, "--quiet")
            check(abs(want - got) < 1e-10,
                  f"random circuit {trial} (seed {SEED}) <{obs}>: propagate {got} vs sim {want}")
        # Symbolic parameters, from --params and from --params-file.
        rc, _, err = run("ansatz", "--ansatz", "hea", "--qubits", 5, "--layers", 2, "--symbolic",
                         "--out", os.path.join(tmp, "hea.qasm"))
        check(rc == 0, f"ansatz writes hea.qasm ({err.strip()})")
        theta = [round(rng.uniform(-3, 3), 6) for _ in range(20)]
        params = ",".join(map(str, theta))
        pfile = write(tmp, "theta.json", json.dumps(theta))
        hea, obs = os.path.join(tmp, "hea.qasm"), "Z0 Z1 + 0.5*X2 - Y4"
        want = value("sim", hea, "--obs", obs, "--params", params)
        got = value("propagate", hea, "--obs", obs, "--params", params, "--quiet")
        check(abs(want - got) < 1e-10, f"hea --params: propagate {got} vs sim {want}")
        got = value("propagate", hea, "--obs", obs, "--params-file", pfile, "--quiet")
        check(abs(want - got) < 1e-10, f"hea --params-file: propagate {got} vs sim {want}")


def test_json_and_truncation():
    f = example("tfim_quench.qasm")
    rc, out, err = run("propagate", f, "--obs", "Z4 Z5", "--json")
    check(rc == 0, f"propagate --json exits 0 ({err.strip()})")
    lines = out.strip().splitlines()
    check(len(lines) == 1, f"--json prints exactly one line, got {len(lines)}")
    exact = json.loads(out)
    check(JSON_KEYS <= set(exact), f"json keys: missing {JSON_KEYS - set(exact)}")
    check(exact["qubits"] == 10 and exact["terms_out"] is None, "json qubits, terms_out null")
    check(exact["truncated_weight"] == 0 and exact["max_weight"] == 0 and
          exact["min_coeff"] == 0 and exact["max_freq"] == 0, "no truncation by default")
    check(exact["terms"] >= 1 and exact["max_terms"] >= exact["terms"] and
          exact["term_updates"] > 0 and exact["bytes"] > 0 and exact["seconds"] >= 0,
          f"json statistics are consistent: {exact}")
    check(len(err.strip().splitlines()) == 1 and "terms" in err, f"one summary line: {err!r}")
    rc, out, err = run("propagate", f, "--obs", "Z4 Z5", "--json", "--quiet")
    check(rc == 0 and err == "", f"--quiet: nothing on stderr, got {err!r}")
    rc, out, _ = run("propagate", f, "--obs", "Z4 Z5", "--max-weight", 4, "--min-coeff", "1e-3",
                     "--max-freq", 20, "--json", "--quiet")
    cut = json.loads(out) if rc == 0 else {}
    check(rc == 0 and cut["max_weight"] == 4 and cut["min_coeff"] == 1e-3 and
          cut["max_freq"] == 20, f"json echoes the truncation settings: {cut}")
    check(rc == 0 and cut["truncated_weight"] > 0 and cut["terms"] < exact["terms"],
          f"truncation drops terms: {cut.get('terms')} vs {exact['terms']}")
    check(rc == 0 and abs(cut["expval"] - exact["expval"]) < 0.01,
          f"truncated value {cut.get('expval')} near exact {exact['expval']}")
    rc, out, _ = run("propagate", f, "--obs", "Z4 Z5", "--min-coeff=1e-3", "--max-weight=4",
                     "--max-freq=20", "--quiet")
    check(rc == 0 and out == f"{cut.get('expval', math.nan):.15g}\n",
          f"text output is the value, %.15g: {out!r}")


def test_grad():
    """--grad without truncation equals the state vector's adjoint gradient ('plateau
    grad'); with truncation it matches central finite differences of propagate itself."""
    with tempfile.TemporaryDirectory() as tmp:
        hea = os.path.join(tmp, "hea.qasm")
        rc, _, err = run("ansatz", "--ansatz", "hea", "--qubits", 5, "--layers", 2, "--symbolic",
                         "--out", hea)
        check(rc == 0, f"ansatz writes hea.qasm ({err.strip()})")
        rng = random.Random(SEED + 1)
        theta = [round(rng.uniform(-3, 3), 6) for _ in range(20)]
        obs = "Z0 Z1 + 0.5*X2 - Y4"
        params = ",".join(map(str, theta))
        rc, out, err = run("propagate", hea, "--obs", obs, "--params", params, "--grad", "--json")
        got = json.loads(out) if rc == 0 else {}
        rc2, out2, _ = run("grad", hea, "--obs", obs, "--params", params, "--json")
        want = json.loads(out2) if rc2 == 0 else {}
        check(rc == 0 and rc2 == 0 and len(got.get("grad", [])) == 20,
              f"propagate --grad --json gives 20 derivatives ({err.strip()})")
        if rc == 0 and rc2 == 0:
            check(abs(got["expval"] - want["expval"]) < 1e-10, "--grad keeps expval")
            worst = max(abs(a - b) for a, b in zip(got["grad"], want["grad"]))
            check(worst < 1e-10, f"propagate --grad vs adjoint: max difference {worst:.2e}")
        # truncated: finite differences of the truncated value, derivative 3
        cut = ["--max-weight", 2, "--quiet"]
        rc, out, _ = run("propagate", hea, "--obs", obs, "--params", params, "--grad", *cut)
        lines = out.splitlines()
        check(rc == 0 and len(lines) == 21 and lines[0].startswith("expval ") and
              lines[4].startswith("d/dtheta[3] "), f"text --grad output: {lines[:2]}")
        f = []
        for h in (1e-5, -1e-5):
            shifted = list(theta)
            shifted[3] += h
            f.append(value("propagate", hea, "--obs", obs, "--params",
                           ",".join(map(repr, shifted)), *cut))
        fd = (f[0] - f[1]) / 2e-5
        if rc == 0:
            d3 = float(lines[4].split()[1])
            check(abs(d3 - fd) < 1e-6, f"truncated d/dtheta[3] {d3} vs finite differences {fd}")


def dense_expval_zero(x, z, coeff):
    """<0...0| sum_a c_a P_a |0...0>: strings without X or Y factors contribute c_a."""
    diagonal = ~np.any(x != 0, axis=1)
    return float(np.sum(coeff[diagonal]))


def test_terms_out():
    with tempfile.TemporaryDirectory() as tmp:
        f = example("tfim_quench.qasm")
        out_file = os.path.join(tmp, "terms.h5")
        args = ["propagate", f, "--obs", "Z0 + Z4 Z5", "--min-coeff", "1e-6", "--terms-out",
                out_file, "--seed", 7, "--json", "--quiet"]
        rc, out, err = run(*args)
        check(rc == 0, f"--terms-out exits 0 ({err.strip()})")
        obj = json.loads(out)
        check(obj["terms_out"] == out_file, "json terms_out names the file")
        check(sorted(os.listdir(tmp)) == ["terms.h5"], f"only the file: {os.listdir(tmp)}")
        with h5py.File(out_file, "r") as h:
            x, z, coeff = h["x"][()], h["z"][()], h["coeff"][()]
            check(x.dtype == np.uint64 and z.dtype == np.uint64 and coeff.dtype == np.float64,
                  f"dtypes {x.dtype} {z.dtype} {coeff.dtype}")
            check(x.shape == (obj["terms"], 1) and z.shape == x.shape and
                  coeff.shape == (obj["terms"],), f"shapes {x.shape} {z.shape} {coeff.shape}")
            check(abs(dense_expval_zero(x, z, coeff) - obj["expval"]) < 1e-12,
                  "expval rebuilt from the file")
            check(h.attrs["qubits"] == 10 and h.attrs["seed"] == 7, "attributes qubits, seed")
            check(h.attrs["plateau_version"] == run("--version")[1].split()[1],
                  f"attribute plateau_version {h.attrs['plateau_version']!r}")
            check(h.attrs["command"] == "plateau " + " ".join(map(str, args)),
                  f"attribute command {h.attrs['command']!r}")
            # Every string acts on the 10 qubits only.
            check(not np.any((x | z) >> np.uint64(10)), "no bits beyond qubit 9")
        # More than one word per string: a 70-qubit GHZ chain, Z69 -> X0 Z1 ... Z69.
        n = 70
        ghz = write(tmp, "ghz70.qasm", HEADER + f"qreg q[{n}];\nh q[0];\n" +
                    "".join(f"cx q[{i}],q[{i + 1}];\n" for i in range(n - 1)))
        big = os.path.join(tmp, "ghz70.h5")
        rc, out, err = run("propagate", ghz, "--obs", f"Z{n - 1}", "--terms-out", big, "--quiet")
        check(rc == 0 and float(out) == 0.0, f"GHZ70 <Z69> = 0 ({err.strip()})")
        with h5py.File(big, "r") as h:
            x, z, coeff = h["x"][()], h["z"][()], h["coeff"][()]
            check(x.shape == (1, 2) and list(coeff) == [1.0], f"GHZ70 one term: {x.shape}")
            zbits = [q for q in range(n) if int(z[0, q // 64]) >> (q % 64) & 1]
            xbits = [q for q in range(n) if int(x[0, q // 64]) >> (q % 64) & 1]
            check(xbits == [0] and zbits == list(range(1, n)),
                  f"qubit q is bit q%64 of word q/64: x {xbits}, z {zbits}")


def test_bad_input():
    with tempfile.TemporaryDirectory() as tmp:
        bell = example("bell.qasm")
        prop = ["propagate", bell, "--obs", "Z0"]
        expect_error(["propagate", bell, "--obs", "Z0 Z5"], "out of range")
        expect_error(prop + ["--max-weight", "-1"], "max weight -1 is negative")
        expect_error(prop + ["--max-freq", "-2"], "max frequency -2 is negative")
        expect_error(prop + ["--max-weight", "two"], "--max-weight expects an integer")
        for bad in ["nan", "-1", "abc", "1e-3x", "inf", ""]:
            expect_error(prop + ["--min-coeff", bad], "--min-coeff expects")
        expect_error(["propagate", os.path.join(tmp, "missing.qasm"), "--obs", "Z0"],
                     "cannot open")
        expect_error(["propagate", bell], "missing --obs")
        expect_error(["propagate", "--obs", "Z0"], "missing the circuit file")
        expect_error(prop + ["--bogus"], "unknown option '--bogus'")
        expect_error(["propagate", bell, "--obs", "1j*Z0"], "--obs")
        # Unwritable --terms-out: a missing folder, and a folder in the file's place.
        sub = os.path.join(tmp, "sub")
        os.mkdir(sub)
        expect_error(prop + ["--terms-out", os.path.join(tmp, "nope", "t.h5")], "nope/t.h5",
                     leftover=(tmp, ["sub"]))
        expect_error(prop + ["--terms-out", sub], "sub", leftover=(tmp, ["sub"]))
        check(os.listdir(sub) == [], "nothing written inside the folder")
        # A failing run writes no --terms-out file either.
        expect_error(prop + ["--max-weight", "-1", "--terms-out", os.path.join(tmp, "t.h5")],
                     "negative", leftover=(tmp, ["sub"]))


def test_meta():
    rc, out, _ = run("help")
    check(rc == 0 and "propagate" in out, "help lists propagate")
    rc, out, _ = run("propagate", "--help")
    check(rc == 0 and "usage: plateau propagate" in out and "--terms-out" in out,
          "propagate --help shows usage")


finish("propagate CLI", [test_values_match_sim, test_json_and_truncation, test_grad,
                        test_terms_out, test_bad_input, test_meta],
       f" (random circuits: seed {SEED})")
