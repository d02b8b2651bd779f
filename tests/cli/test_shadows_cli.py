#!/usr/bin/python3
"""plateau estimate (and shadows, once states exist) as a user drives them: estimates
against an independent numpy re-implementation of the shadow estimator on random shot
files, window features read back with h5py, JSON keys, exit codes, one-line errors."""
import itertools
import json
import math
import os
import random
import sys

import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import PLATEAU, check, expect_error, finish, run  # noqa: E402

SEED = 4242


def random_shots(rng, n, shots):
    return [("".join(rng.choice("XYZ") for _ in range(n)),
             "".join(rng.choice("01") for _ in range(n))) for _ in range(shots)]


def write_shots(path, shots):
    with open(path, "w") as f:
        f.write("# bases of qubits 0..n-1, outcomes\n")
        for b, o in shots:
            f.write(f"{b} {o}\n")


def reference(shots, term):
    """Mean of prod_j 3 [b_j = P_j] (-1)^o_j over shots; term = {qubit: letter}."""
    total = 0.0
    for b, o in shots:
        v = 1.0
        for q, letter in term.items():
            if b[q] != letter:
                v = 0.0
                break
            v *= -3.0 if o[q] == "1" else 3.0
        total += v
    return total / len(shots)


def term_text(term):
    return " ".join(f"{letter}{q}" for q, letter in sorted(term.items()))


def test_estimates():
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        n = 5
        shots = random_shots(rng, n, 300)
        path = os.path.join(tmp, "shots.txt")
        write_shots(path, shots)
        terms = []
        for _ in range(6):
            w = rng.randint(1, 3)
            qs = rng.sample(range(n), w)
            terms.append({q: rng.choice("XYZ") for q in qs})
        coeffs = [round(rng.uniform(-1, 1), 3) for _ in terms]
        obs = " ".join(f"{'-' if c < 0 else '+'} {abs(c)}*{term_text(t)}"
                       for c, t in zip(coeffs, terms)).lstrip("+ ")
        rc, out, err = run("estimate", "--shadows", path, "--obs", obs, "--json")
        check(rc == 0, f"estimate --json exits 0 ({err.strip()})")
        if rc != 0:
            return
        res = json.loads(out)
        check({"qubits", "shots", "estimates", "total"} <= set(res), f"json keys {set(res)}")
        check(res["qubits"] == n and res["shots"] == 300, "qubits and shots")
        for t, got in zip(terms, res["estimates"]):
            want = reference(shots, t)
            check(abs(got["mean"] - want) < 1e-12,
                  f"<{term_text(t)}>: {got['mean']} vs numpy {want}")
            w = len(t)
            check(abs(got["radius"] - 3 ** w * math.sqrt(2 * math.log(2 / 0.05) / 300)) < 1e-12,
                  "Hoeffding radius")
        total = sum(c * reference(shots, t) for c, t in zip(coeffs, terms))
        check(abs(res["total"]["mean"] - total) < 1e-12, f"total {res['total']['mean']} vs {total}")
        # text output: one line per term and a total line
        rc, out, _ = run("estimate", "--shadows", path, "--obs", obs)
        check(rc == 0 and len(out.splitlines()) == len(terms) + 1 and
              out.splitlines()[-1].startswith("total"), f"text output: {out!r}")


def test_windows():
    rng = random.Random(SEED + 1)
    with tempfile.TemporaryDirectory() as tmp:
        n, k = 6, 3
        shots = random_shots(rng, n, 200)
        path = os.path.join(tmp, "shots.txt")
        write_shots(path, shots)
        out_h5 = os.path.join(tmp, "w.h5")
        rc, out, err = run("estimate", "--shadows", path, "--windows", k, "--out", out_h5,
                           "--json", "--quiet")
        check(rc == 0 and err == "", f"--windows exits 0 quietly ({err.strip()})")
        if rc != 0:
            return
        res = json.loads(out)
        with h5py.File(out_h5, "r") as f:
            feats, x, z = f["features"][:], f["x"][:], f["z"][:]
            check(f.attrs["window"] == k and f.attrs["qubits"] == n and f.attrs["shots"] == 200,
                  "window file attributes")
            check("plateau estimate" in f.attrs["command"], "command recorded")
        # closed form: sum over starts a of 3 * 4^(min(k, n - a) - 1)
        count = sum(3 * 4 ** (min(k, n - a) - 1) for a in range(n))
        check(res["features"] == count == len(feats), f"feature count {len(feats)} vs {count}")
        seen = set()
        for i in range(len(feats)):
            term = {}
            for q in range(n):
                xb, zb = int(x[i, 0]) >> q & 1, int(z[i, 0]) >> q & 1
                if xb or zb:
                    term[q] = "X" if xb and not zb else "Z" if zb and not xb else "Y"
            qs = sorted(term)
            check(qs and qs[-1] - qs[0] < k, f"feature {i} fits a window")
            seen.add(term_text(term))
            want = reference(shots, term)
            if abs(feats[i] - want) > 1e-12:
                check(False, f"feature {term_text(term)}: {feats[i]} vs numpy {want}")
        check(len(seen) == count, "features are distinct strings")


def test_bad_input():
    with tempfile.TemporaryDirectory() as tmp:
        good = os.path.join(tmp, "good.txt")
        write_shots(good, [("XZ", "01"), ("ZZ", "11")])
        bad = os.path.join(tmp, "bad.txt")
        with open(bad, "w") as f:
            f.write("XZ 01\nXZZ 011\n")
        empty = os.path.join(tmp, "empty.txt")
        open(empty, "w").close()
        expect_error(["estimate", "--shadows", bad, "--obs", "Z0"], "bad.txt:2: basis has 3 letters")
        expect_error(["estimate", "--shadows", empty, "--obs", "Z0"], "no shots")
        expect_error(["estimate", "--shadows", good, "--obs", "Z7"], "qubit 7 out of range")
        expect_error(["estimate", "--shadows", good], "either --obs or --windows")
        expect_error(["estimate", "--shadows", good, "--windows", 2], "--windows needs --out")
        expect_error(["estimate", "--obs", "Z0"], "missing --shadows")
        expect_error(["estimate", "--shadows", good, "--obs", "Z0", "--delta", "2"], "--delta")
        expect_error(["estimate", "--shadows", good, "--obs", "Z0", "--delta", "nan"], "--delta")
        expect_error(["estimate", "--shadows", good, "--windows", 9, "--out",
                      os.path.join(tmp, "w.h5")], "window size 9")
        check(not os.path.exists(os.path.join(tmp, "w.h5")), "no file after a failed --windows")
        expect_error(["estimate", "--shadows", good, "--obs", "Z0", "--bogus"], "unknown option")


def test_meta():
    rc, out, _ = run("help")
    check(rc == 0 and "estimate" in out, "help lists estimate")
    rc, out, _ = run("estimate", "--help")
    check(rc == 0 and "usage: plateau estimate" in out, "estimate --help")


finish("shadows CLI", [test_estimates, test_windows, test_bad_input, test_meta])
