"""Shared fixtures of the Python package tests: the CLI program (to compare the
package with the C results as users see them), seeded random generators whose seed
is printed on failure, and dense references built here from numpy alone."""
from __future__ import annotations

import json
import os
import subprocess
import zlib
from functools import reduce

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = os.environ.get("PLATEAU_CLI", os.path.join(ROOT, "build", "plateau"))

PAULI = {
    "I": np.eye(2, dtype=complex),
    "X": np.array([[0, 1], [1, 0]], dtype=complex),
    "Y": np.array([[0, -1j], [1j, 0]], dtype=complex),
    "Z": np.array([[1, 0], [0, -1]], dtype=complex),
}


def dense_pauli(label: str, n: int) -> np.ndarray:
    """The 2^n x 2^n matrix of a label such as "X0 Z3" (qubit 0 least significant)."""
    ops = ["I"] * n
    if label.strip() != "I":
        for f in label.split():
            ops[int(f[1:])] = f[0]
    # kron puts its first factor on the most significant bit: qubit n-1 first.
    return reduce(np.kron, [PAULI[o] for o in reversed(ops)])


def dense_sum(terms, n: int) -> np.ndarray:
    """Σ c P as a dense matrix from (coefficient, label) pairs."""
    return sum(complex(c) * dense_pauli(label, n) for c, label in terms)


def run_cli(*args, check=True):
    """The JSON object `plateau ARGS... --json` prints."""
    if not os.path.exists(CLI):
        pytest.fail(f"the CLI {CLI} is not built (make build), or set PLATEAU_CLI")
    p = subprocess.run([CLI, *map(str, args), "--json"], capture_output=True, text=True)
    if check and p.returncode != 0:
        pytest.fail(f"plateau {' '.join(map(str, args))} failed: {p.stderr}")
    return json.loads(p.stdout) if p.returncode == 0 else p


@pytest.fixture
def rng(request):
    """A numpy generator seeded from the test's name; the seed is printed on failure."""
    seed = zlib.crc32(request.node.nodeid.encode())
    print(f"seed = {seed} (numpy default_rng)")
    return np.random.default_rng(seed)
