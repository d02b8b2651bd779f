#!/usr/bin/python3
"""plateau bp as a user drives it: closed-form variances of a one-qubit circuit, the
textbook verdicts of the hardware-efficient ansatz, JSON keys, the PNG plot, QASM input,
exit codes and one-line errors."""
import json
import os
import sys

import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import PLATEAU, check, expect_error, finish, run  # noqa: E402

HEADER = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'


def write(folder, name, text):
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def test_closed_form():
    """ry(theta) on |0>, O = Z: C = cos(theta), dC = -sin(theta); over uniform theta both
    variances are exactly 1/2."""
    with tempfile.TemporaryDirectory() as tmp:
        f = write(tmp, "ry.qasm", HEADER + "qreg q[1];\nry(theta[0]) q[0];\n")
        rc, out, err = run("bp", f, "--obs", "Z0", "--samples", 4000, "--json", "--quiet")
        check(rc == 0, f"bp on a QASM file exits 0 ({err.strip()})")
        if rc != 0:
            return
        p = json.loads(out)["points"][0]
        check(abs(p["var_grad"] - 0.5) < 3 * p["stderr"],
              f"Var[dC] {p['var_grad']} +- {p['stderr']} vs 1/2")
        check(abs(p["var_cost"] - 0.5) < 3 * p["var_cost_stderr"],
              f"Var[C] {p['var_cost']} +- {p['var_cost_stderr']} vs 1/2")
        check(json.loads(out)["fit"]["verdict"] == "inconclusive", "one point: inconclusive")


def test_hea_verdicts():
    with tempfile.TemporaryDirectory() as tmp:
        png = os.path.join(tmp, "bp.png")
        rc, out, err = run("bp", "--ansatz", "hea", "--qubits", "2,4,6,8", "--layers", "n",
                           "--cost", "global", "--samples", 150, "--plot", png, "--json")
        check(rc == 0, f"hea global exits 0 ({err.strip()})")
        if rc == 0:
            res = json.loads(out)
            check({"points", "fit", "cost", "plot"} <= set(res), f"json keys {set(res)}")
            check({"qubits", "var_grad", "stderr"} <= set(res["points"][0]), "point keys")
            check({"rate", "verdict"} <= set(res["fit"]), "fit keys")
            check(res["fit"]["verdict"] == "barren plateau",
                  f"global cost, depth n: {res['fit']}")
            check(res["fit"]["base"] > 1.5, f"decay base {res['fit']['base']}")
            check(len(err.strip().splitlines()) == 4, f"one progress line per size: {err!r}")
            with open(png, "rb") as f:
                check(f.read(8) == b"\x89PNG\r\n\x1a\n", "the plot is a PNG")
            check([n for n in os.listdir(tmp)] == ["bp.png"], "no temporary files left")
        rc, out, err = run("bp", "--ansatz", "hea", "--qubits", "2,4,6,8", "--layers", 2,
                           "--samples", 150, "--json", "--quiet")
        check(rc == 0 and err == "", f"hea local exits 0 quietly ({err.strip()})")
        if rc == 0:
            fit = json.loads(out)["fit"]
            check(fit["verdict"] == "no barren plateau", f"local cost, depth 2: {fit}")
        rc, out, _ = run("bp", "--ansatz", "hea", "--qubits", "2,4,6", "--samples", 20, "--quiet")
        check(rc == 0 and out.splitlines()[-1].startswith("verdict: "), f"text output: {out!r}")


def test_predict():
    """--predict: for the 4-qubit TFIM-HVA and O = sum of ZZ (in its algebra, u(4)), the
    Lie-algebraic P_g(rho) P_g(O) / dim g agrees with the sampled Var[C] of a deep circuit;
    an observable outside the algebra has no prediction (null)."""
    rc, out, err = run("bp", "--ansatz", "tfim-hva", "--qubits", 4, "--layers", 40, "--obs",
                       "Z0 Z1 + Z1 Z2 + Z2 Z3", "--samples", 400, "--predict", "--json", "--quiet")
    check(rc == 0, f"bp --predict exits 0 ({err.strip()})")
    if rc == 0:
        p = json.loads(out)["points"][0]
        check(p["predicted_var_cost"] is not None and
              abs(p["predicted_var_cost"] - p["var_cost"]) < 3 * p["var_cost_stderr"],
              f"predicted {p['predicted_var_cost']} vs sampled {p['var_cost']} +- {p['var_cost_stderr']}")
    rc, out, _ = run("bp", "--ansatz", "tfim-hva", "--qubits", 4, "--layers", 3, "--obs", "Z0 Z1",
                     "--samples", 10, "--predict", "--json", "--quiet")
    check(rc == 0 and json.loads(out)["points"][0]["predicted_var_cost"] is None,
          "no prediction for an observable outside the algebra")


def test_bad_input():
    with tempfile.TemporaryDirectory() as tmp:
        fixed = write(tmp, "fixed.qasm", HEADER + "qreg q[2];\nh q[0];\ncx q[0],q[1];\n")
        expect_error(["bp", fixed, "--samples", 10], "no parameters")
        expect_error(["bp", "--ansatz", "hea", "--qubits", "2,4", "--samples", 1], "at least 2")
        expect_error(["bp", "--ansatz", "hea", "--qubits", "2,x"], "--qubits")
        expect_error(["bp", "--ansatz", "hea", "--qubits", "2,40"], "not a size")
        expect_error(["bp", "--ansatz", "nope", "--qubits", "2,4"], "nope")
        expect_error(["bp", "--ansatz", "hea", "--qubits", "2,4", "--cost", "middle"], "middle")
        expect_error(["bp", "--ansatz", "hea", "--qubits", "2,4", "--cost", "local", "--obs",
                      "Z0"], "not both")
        expect_error(["bp", "--ansatz", "hea"], "--qubits")
        expect_error(["bp"], "either --ansatz")
        expect_error(["bp", "--ansatz", "hea", "--qubits", "2,4", "--param-index", "-3"],
                     "--param-index")
        expect_error(["bp", "--ansatz", "hea", "--qubits", "2,4", "--layers", "0"], "--layers")


def test_meta():
    rc, out, _ = run("help")
    check(rc == 0 and " bp " in out, "help lists bp")
    rc, out, _ = run("bp", "--help")
    check(rc == 0 and "usage: plateau bp" in out, "bp --help")


finish("bp CLI", [test_closed_form, test_hea_verdicts, test_predict, test_bad_input, test_meta])
