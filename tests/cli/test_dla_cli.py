#!/usr/bin/env python3
"""`plateau dla` driven as a user drives it: dimensions known in the literature, JSON keys,
the --basis output (orthonormal, spanning the generators), the cap, circuits from files,
exit codes and the one-line errors.

Known dimensions: {X_i, Z_i Z_i+1} is so(2n), n(2n-1) (free fermions; Wiersema et al.,
PRX Quantum 1, 020319 (2020)); {X_i, Y_i, Z_i Z_i+1} is su(2^n), 4^n - 1; the periodic
Ising chain {sum Z_i Z_i+1, sum X_i} has dim 3n - 1 with a two-dimensional centre
(D'Alessandro and Isik, arXiv:2405.00898); the open TFIM-HVA has n^2 with a centre of 1
(checked against a dense brute force in tests/test_lie.c).

usage: test_dla_cli.py PATH/TO/plateau
"""
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clitest  # noqa: E402
from clitest import check, finish, run  # noqa: E402

HEADER = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'
JSON_KEYS = {"dim", "center_dim", "capped", "qubits", "generators", "pauli_basis", "seconds",
             "source", "seed"}


def dla(*args):
    rc, out, err = run("dla", *args, "--json", "--quiet")
    check(rc == 0, f"dla {args} exits 0 (got {rc}: {err.strip()})")
    check(rc != 0 or len(out.strip().splitlines()) == 1, f"dla {args}: one JSON line")
    return json.loads(out) if rc == 0 else {}


def chain(n, with_y=False):
    gens = []
    for i in range(n):
        gens.append(f"X{i}")
        if with_y:
            gens.append(f"Y{i}")
        if i + 1 < n:
            gens.append(f"Z{i} Z{i + 1}")
    return "; ".join(gens)


def ising(n, periodic):
    bonds = [f"Z{i} Z{i + 1}" for i in range(n - 1)] + ([f"Z0 Z{n - 1}"] if periodic else [])
    return " + ".join(bonds) + "; " + " + ".join(f"X{i}" for i in range(n))


TERM = re.compile(r"\s*([+-])?\s*(?:([0-9.eE+-]+)\*)?((?:[XYZ]\d+\s*)+|I)\s*")


def parse_sum(text):
    """'0.5*X0 Z1 - Y2' -> {'X0 Z1': 0.5, 'Y2': -1.0} (real coefficients only)."""
    terms, pos = {}, 0
    while pos < len(text):
        m = TERM.match(text, pos)
        if not m or m.end() == pos:
            raise ValueError(f"cannot parse {text[pos:]!r}")
        sign = -1.0 if m.group(1) == "-" else 1.0
        coeff = float(m.group(2)) if m.group(2) else 1.0
        key = " ".join(m.group(3).split())
        terms[key] = terms.get(key, 0.0) + sign * coeff
        pos = m.end()
    return terms


def dot(a, b):
    return sum(v * b.get(k, 0.0) for k, v in a.items())


def test_known_dimensions():
    for n in range(2, 6):
        r = dla("--gens", chain(n))
        check(r.get("dim") == n * (2 * n - 1) and r.get("center_dim") == 0 and
              r.get("capped") is False and r.get("pauli_basis") is True,
              f"so(2n) at n = {n}: {r}")
        check(JSON_KEYS <= set(r), f"json keys: missing {JSON_KEYS - set(r)}")
    for n in range(1, 5):
        r = dla("--gens", chain(n, True))
        check(r.get("dim") == 4 ** n - 1 and r.get("center_dim") == 0, f"su(2^{n}): {r}")
    for n in range(3, 8):
        r = dla("--gens", ising(n, True))
        check(r.get("dim") == 3 * n - 1 and r.get("center_dim") == 2 and
              r.get("pauli_basis") is False, f"periodic Ising n = {n}: {r}")
    for n in range(2, 7):
        r = dla("--ansatz", "tfim-hva", "--qubits", n, "--layers", 2)
        check(r.get("dim") == n * n and r.get("center_dim") == 1 and r.get("generators") == 2
              and r.get("source") == "ansatz", f"tfim-hva n = {n}: {r}")
    r = dla("--gens", "Z0; Z1; Z0 Z1 Z2; X3 X4")
    check(r.get("dim") == 4 and r.get("center_dim") == 4, f"abelian: {r}")
    r = dla("--gens", "X0; Z0; I")
    check(r.get("dim") == 4 and r.get("center_dim") == 1, f"u(2): {r}")
    r = dla("--gens", chain(4), "--method", "sums")
    check(r.get("dim") == 28 and r.get("pauli_basis") is False, f"--method sums: {r}")


def test_basis():
    gens = ising(4, False)
    r = dla("--gens", gens, "--basis")
    basis = [parse_sum(b) for b in r.get("basis", [])]
    check(len(basis) == r.get("dim") == 16, f"--basis lists dim elements: {len(basis)}")
    worst = max((abs(dot(a, b) - (i == j)) for i, a in enumerate(basis)
                 for j, b in enumerate(basis)), default=1)
    check(worst < 1e-12, f"basis orthonormal: worst {worst:.3g}")
    for g in gens.split(";"):
        v = parse_sum(g)
        rest = dict(v)
        for b in basis:
            c = dot(v, b)
            for k, x in b.items():
                rest[k] = rest.get(k, 0.0) - c * x
        check(max(abs(x) for x in rest.values()) < 1e-12, f"generator {g!r} in the span")
    r = dla("--gens", "X0; Y0", "--basis")
    check(sorted(r.get("basis", [])) == ["X0", "Y0", "Z0"], f"su(2) basis: {r}")
    rc, out, _ = run("dla", "--gens", "X0; Y0", "--basis", "--quiet")
    lines = out.splitlines()
    check(rc == 0 and lines[:2] == ["dim 3", "center_dim 0"] and sorted(lines[2:]) ==
          ["X0", "Y0", "Z0"], f"text output: {lines}")


def test_cap_and_files():
    r = dla("--gens", chain(5, True), "--max-dim", 100)
    check(r.get("capped") is True and r.get("dim") == 100 and r.get("center_dim") is None,
          f"--max-dim 100 on su(32): {r}")
    rc, out, err = run("dla", "--gens", chain(5, True), "--max-dim", 100)
    check(rc == 0 and out == "dim >= 100 (capped)\n" and "dim >= 100" in err,
          f"capped text output: {out!r} {err!r}")
    with tempfile.TemporaryDirectory() as tmp:
        f = os.path.join(tmp, "hva.qasm")
        rc, _, err = run("ansatz", "--ansatz", "tfim-hva", "--qubits", 5, "--layers", 3,
                         "--symbolic", "--out", f)
        check(rc == 0, f"ansatz writes the circuit ({err.strip()})")
        r = dla(f)
        check(r.get("dim") == 25 and r.get("center_dim") == 1 and r.get("source") == "file",
              f"tfim-hva from a file: {r}")
        # Cliffords in the middle are moved to the front: rz on q0 then h, cz: Z0 -> X0 Z1.
        g = os.path.join(tmp, "cliff.qasm")
        with open(g, "w") as fh:
            fh.write(HEADER + "qreg q[2];\nrz(theta[0]) q[0]; h q[0]; cz q[0],q[1];\n"
                     "rx(theta[1]) q[1];\n")
        r = dla(g, "--basis")
        check(r.get("dim") == 3 and sorted(r.get("basis", [])) == ["X0 Y1", "X0 Z1", "X1"],
              f"clifford frame: {r}")


def expect_error(args, needle):
    clitest.expect_error(["dla", *args], needle)


def test_bad_input():
    with tempfile.TemporaryDirectory() as tmp:
        fixed = os.path.join(tmp, "fixed.qasm")
        with open(fixed, "w") as fh:
            fh.write(HEADER + "qreg q[2];\nrx(0.3) q[0];\n")
        tgate = os.path.join(tmp, "t.qasm")
        with open(tgate, "w") as fh:
            fh.write(HEADER + "qreg q[2];\nrx(theta[0]) q[0]; t q[1];\n")
        expect_error(["--gens", "X0; Z0 Z3", "--qubits", 2], "qubit 3 out of range [0, 2)")
        expect_error(["--gens", " ; "], "no generators")
        expect_error(["--gens", ""], "no generators")
        expect_error(["--gens", "X0; Q1"], "--gens generator 1")
        expect_error(["--gens", "X0; (0.5+1i)*Y0"], "complex coefficient")
        expect_error(["--gens", "X0 - X0"], "generator 0 is zero")
        expect_error([fixed], "no parameters")
        expect_error([tgate], "not a Clifford gate")
        expect_error([os.path.join(tmp, "missing.qasm")], "missing.qasm")
        expect_error([], "give exactly one of --gens, --ansatz or a circuit file")
        expect_error(["--gens", "X0", "--ansatz", "hea", "--qubits", 2], "several given")
        expect_error(["--ansatz", "hea"], "--ansatz needs --qubits")
        expect_error(["--ansatz", "nope", "--qubits", 2], "unknown ansatz 'nope'")
        expect_error(["--gens", "X0", "--method", "fast"], "--method must be auto")
        expect_error(["--gens", "X0; Z0 + X1", "--method", "strings"], "is a sum of 2 strings")
        expect_error(["--gens", "X0", "--max-dim", 0], "--max-dim must be at least 1")
        expect_error(["--gens", "X0", "--bogus"], "unknown option '--bogus'")


def test_meta():
    rc, out, _ = run("help")
    check(rc == 0 and "dla" in out, "help lists dla")
    rc, out, _ = run("dla", "--help")
    check(rc == 0 and "usage: plateau dla" in out and "--max-dim" in out, "dla --help")


finish("dla CLI", [test_known_dimensions, test_basis, test_cap_and_files, test_bad_input,
                  test_meta])
