"""Barren-plateau diagnostics from Python against the CLI (same seeds, same numbers)
and against an independent estimate from plateau.grad at numpy-drawn angles."""
from __future__ import annotations

import math

import numpy as np
import pytest

import plateau as pl
from conftest import run_cli


def test_scan_equals_cli():
    scan = pl.variance_scan("hea", [2, 4, 6], layers="n", cost="global", samples=40, seed=3)
    cli = run_cli("bp", "--ansatz", "hea", "--qubits", "2,4,6", "--layers", "n", "--cost",
                  "global", "--samples", 40, "--seed", 3, "--quiet")
    for p, q in zip(scan.points, cli["points"]):
        assert (p.qubits, p.params, p.samples) == (q["qubits"], q["params"], q["samples"])
        # the CLI's JSON prints 15-16 significant digits
        assert p.var_grad == pytest.approx(q["var_grad"], rel=1e-14)
        assert p.stderr == pytest.approx(q["stderr"], rel=1e-14)
        assert p.var_cost == pytest.approx(q["var_cost"], rel=1e-14)
    for key in ["rate", "rate_stderr", "base", "exponent", "chi2_exp", "chi2_poly"]:
        assert getattr(scan.fit, key) == pytest.approx(cli["fit"][key], rel=1e-13), key
    assert scan.fit.verdict == cli["fit"]["verdict"]
    assert scan.verdict == "barren plateau"


def test_variance_against_independent_sampling(rng):
    """Var[∂C] from pl_bp_sample agrees, within the standard errors of both, with the
    variance of plateau.grad at angles drawn here."""
    c = pl.ansatz("hea", 4, layers=4)
    obs = pl.cost_observable("local", 4)
    assert obs == pl.PauliSum("0.25*Z0 + 0.25*Z1 + 0.25*Z2 + 0.25*Z3")
    point = pl.gradient_variance(c, obs, samples=300, seed=5, param=3)
    grads = np.array([pl.grad(c, obs, rng.uniform(0, 2 * np.pi, c.num_params))[1][3]
                      for _ in range(300)])
    var = grads.var(ddof=1)
    se = math.sqrt(np.mean((grads - grads.mean()) ** 4) / 300)
    assert abs(point.var_grad - var) < 4 * math.hypot(point.stderr, se), (point, var, se)
    assert abs(point.mean_grad) < 5 * math.sqrt(point.var_grad / 300)


def test_custom_family_and_fit():
    scan = pl.variance_scan(lambda n: pl.ansatz("tfim-hva", n, layers=2), [4, 6, 8],
                            cost=lambda n: " + ".join(f"Z{i} Z{i + 1}" for i in range(n - 1)),
                            samples=20, seed=1)
    assert [p.qubits for p in scan.points] == [4, 6, 8]
    refit = pl.fit_variances(scan.points)
    assert refit == scan.fit


def test_audit_equals_cli(tmp_path):
    c = pl.ansatz("tfim-hva", 4, layers=2)
    path = tmp_path / "hva.qasm"
    path.write_text(c.to_qasm())
    obs = "Z0 Z1 + Z1 Z2 + Z2 Z3"
    a = pl.audit(c, obs, samples=30, seed=2)
    cli = run_cli("audit", path, "--obs", obs, "--samples", 30, "--seed", 2)
    assert a["dla_dim"] == cli["dla_dim"] and a["verdict"] == cli["verdict"]
    assert a["haar_variance"] == pytest.approx(cli["haar_variance"], rel=1e-12)
    assert a["simulator"] == cli["simulator"]
    assert a["light_cone"] == cli["light_cone"]


@pytest.mark.parametrize("call, needle", [
    (lambda: pl.gradient_variance(pl.ansatz("hea", 2, layers=1), samples=1), "samples"),
    (lambda: pl.gradient_variance(pl.Circuit(2)), "parameters"),
    (lambda: pl.gradient_variance(pl.ansatz("hea", 2, layers=1), param=99), "99"),
    (lambda: pl.cost_observable("medium", 3), "medium"),
    (lambda: pl.variance_scan("hea", [2, 3], cost="medium"), "medium"),
    (lambda: pl.audit(pl.Circuit(2), "Z0"), "parameters"),
])
def test_bad_input(call, needle):
    with pytest.raises(pl.InvalidInputError) as e:
        call()
    assert needle in str(e.value)
