"""examples/tutorial.ipynb: stored without outputs, executed here from a fresh kernel in a
temporary directory; every cell runs, every figure cell draws a PNG, and the numbers the
prose relies on (its final cell prints them as one JSON line) are checked against closed
forms and thresholds."""
from __future__ import annotations

import json
import pathlib
import time

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")
pytest.importorskip("pennylane")

NOTEBOOK = pathlib.Path(__file__).resolve().parents[2] / "examples" / "tutorial.ipynb"
CELL_TIMEOUT_S = 180


def _tags(cell) -> list:
    return list(cell.get("metadata", {}).get("tags", []))


def _text(cell) -> str:
    """Everything a code cell printed (streams and text/plain results)."""
    out = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream":
            out.append(o.get("text", ""))
        elif "data" in o:
            out.append(o["data"].get("text/plain", ""))
    return "".join(out)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    work = tmp_path_factory.mktemp("tutorial")
    client = nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                                     resources={"metadata": {"path": str(work)}})
    t = time.perf_counter()
    client.execute()  # raises CellExecutionError naming the cell on the first error
    print(f"tutorial executed in {time.perf_counter() - t:.1f} s (in {work})")
    return nb


@pytest.fixture(scope="module")
def results(executed):
    cells = [c for c in executed.cells if "results" in _tags(c)]
    assert len(cells) == 1, "the notebook needs exactly one cell tagged 'results'"
    lines = [ln for ln in _text(cells[0]).splitlines() if ln.startswith("RESULTS ")]
    assert len(lines) == 1, _text(cells[0])
    return json.loads(lines[0][len("RESULTS "):])


def test_stored_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    for i, c in enumerate(nb.cells):
        if c.cell_type == "code":
            assert c.outputs == [] and c.execution_count is None, \
                f"cell {i} has stored outputs: clear them before committing"


def test_every_cell_runs_without_error(executed):
    for i, c in enumerate(executed.cells):
        if c.cell_type == "code":
            errors = [o for o in c.outputs if o.get("output_type") == "error"]
            assert not errors, f"cell {i}: {errors[0].get('ename')}: {errors[0].get('evalue')}"
            assert c.execution_count is not None, f"cell {i} did not run"


def test_every_figure_cell_renders_a_png(executed):
    figures = 0
    for i, c in enumerate(executed.cells):
        if c.cell_type != "code":
            continue
        draws = "plt.show()" in c.source
        assert draws == ("figure" in _tags(c)), \
            f"cell {i}: a cell that calls plt.show() must be tagged 'figure' and vice versa"
        if draws:
            figures += 1
            pngs = [o for o in c.outputs if "image/png" in o.get("data", {})]
            assert pngs, f"figure cell {i} produced no image/png output"
    assert figures >= 5


def test_seeds_are_printed(executed, results):
    first = next(c for c in executed.cells if c.cell_type == "code")
    for name, seed in results["seeds"].items():
        assert f"{name}={seed}" in _text(first)


def test_trainability(results):
    bp = results["bp"]
    assert bp["global_verdict"] == "barren plateau"
    assert bp["local_verdict"] == "no barren plateau"
    assert 1.5 < bp["global_base"] < 2.5  # Var ∝ b^-n; a 2-design on the global cost: ~2
    dla = results["dla"]
    for i, n in enumerate(dla["sizes"]):
        assert dla["hea"][i] == 4**n - 1  # su(2^n)
        assert dla["free"][i] == n * (2 * n - 1)  # so(2n): Wiersema et al. 2020
        assert dla["hva"][i] == n * n  # u(n): docs/lie.md
    assert max(dla["sizes"]) >= 6


def test_simulability(results):
    assert results["audit"]["hea_verdict"] == "barren plateau"
    assert "classically simulable" in results["audit"]["qcnn_verdict"]
    exact = results["prop_exact"]
    assert exact["qubits"] >= 8 and exact["diff"] < 1e-10
    wide = results["prop_wide"]
    assert max(w["qubits"] for w in wide) >= 256
    assert all(w["terms"] > 0 for w in wide)
    first, last = wide[0], wide[-1]  # weight-2 truncation: terms grow polynomially (~ n)
    assert last["terms"] / first["terms"] < (last["qubits"] / first["qubits"]) ** 2
    assert results["pennylane"]["diff12"] < 1e-10


def test_surrogate_beats_the_majority_baseline(results):
    learn = results["learn"]
    acc = learn["test_accuracy"]
    for name in ("surrogate k=2", "linear k=2", "QCNN (exact states)"):
        assert acc[name] > learn["majority"] + 0.2, (name, acc[name], learn["majority"])
    assert learn["qcnn_surrogate_agreement"] > 0.75
