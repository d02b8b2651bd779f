"""The hybrid paradigm from Python: a QCNN's readout propagated backwards (Heisenberg
picture) and evaluated on classical shadows of the input state, against the exact
expectation of the QCNN applied to that state and against term-by-term estimates."""
from __future__ import annotations

import math

import numpy as np
import pytest

import plateau as pl


@pytest.fixture
def setup(rng):
    n = 6
    qcnn = pl.ansatz("qcnn", n)
    theta = rng.uniform(-np.pi, np.pi, qcnn.num_params)
    prep = pl.ansatz("hea", n, layers=2)
    psi = pl.statevector(prep, rng.uniform(-np.pi, np.pi, prep.num_params))
    return qcnn, theta, psi, pl.ansatz_readout("qcnn", n)


def test_surrogate_value_equals_term_by_term_estimates(setup):
    qcnn, theta, psi, readout = setup
    prop = pl.propagate(qcnn, readout, theta, grad=True)
    sh = pl.shadows(psi, 4000, seed=7)
    value = prop.expval(shadows=sh)
    by_hand = sum(c * sh.estimate(label) for c, label in prop.terms)
    assert value == pytest.approx(by_hand, abs=1e-12)
    v, g = prop.grad(shadows=sh)
    assert v == pytest.approx(value, abs=1e-12)
    ests = np.array([sh.estimate(label) for _, label in prop.terms])
    assert np.allclose(g, prop.coefficient_grads.T @ ests, atol=1e-12)


def test_surrogate_converges_to_the_quantum_model(setup):
    """Untruncated, Σ c ⟨P⟩_ρ is an unbiased estimate of Tr[U ρ U† O]."""
    qcnn, theta, psi, readout = setup
    prop = pl.propagate(qcnn, readout, theta)
    exact = pl.expval(qcnn, readout, theta, initial=psi)
    sh = pl.shadows(psi, 20000, seed=3)
    estimate = prop.expval(shadows=sh)
    # Variance bound: Σ_α |c_α| 3^{w_α/2} over the kept strings, per shot.
    bound = sum(abs(c) * 3 ** (len(label.split()) / 2) for c, label in prop.terms if label != "I")
    assert abs(estimate - exact) < 4 * bound / math.sqrt(20000), (estimate, exact, bound)


def test_shadows_of_the_wrong_size_refused(setup):
    qcnn, theta, _, _ = setup
    prop = pl.propagate(qcnn, "Z0", theta)
    with pytest.raises(pl.InvalidInputError, match="qubits"):
        prop.expval(shadows=pl.shadows(np.eye(8)[0], 10))
    with pytest.raises(pl.InvalidInputError, match="Shadows"):
        prop.expval(shadows=[1, 2])

