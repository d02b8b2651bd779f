"""Datasets and phase classifiers from Python, against the CLI (`plateau dataset`,
`plateau train --json`, `plateau predict --json`) on the same file and seed, against
the file read with h5py, with PennyLane-measured shadows, and on bad input."""
from __future__ import annotations

import math

import numpy as np
import pytest

import plateau as pl
from conftest import run_cli

DATA_ARGS = ("--model", "tfim", "--sites", 8, "--points", 20, "--shots", 50)


@pytest.fixture(scope="module")
def data_file(tmp_path_factory):
    """A small CLI dataset (tfim, 8 sites, 20 points, 50 shots, seed 1)."""
    path = tmp_path_factory.mktemp("data") / "d.h5"
    run_cli("dataset", *DATA_ARGS, "--out", path, "--quiet")
    return path


@pytest.fixture(scope="module")
def data(data_file):
    return pl.load_dataset(data_file)


def test_load_dataset_matches_the_file(data, data_file):
    h5py = pytest.importorskip("h5py")
    d = data
    assert (d.model, d.sites, d.num_points, len(d), d.shots, d.classes) == \
        ("tfim", 8, 20, 20, 50, 2)
    assert d.param_names == ["J", "h"] and d.label_names == ["ferromagnetic", "paramagnetic"]
    assert d.metadata["seed"] == 1 and d.metadata["plateau_version"] == pl.__version__
    assert d.metadata["command"].startswith("plateau dataset --model tfim")
    with h5py.File(data_file) as f:
        np.testing.assert_array_equal(d.params, f["params"][...])
        np.testing.assert_array_equal(d.labels, f["labels"][...])
        np.testing.assert_array_equal(d.energies, f["energies"][...])
        np.testing.assert_array_equal(d.labels_closed_form, f["labels_closed_form"][...])
        np.testing.assert_array_equal(d.labels_measured, f["labels_measured"][...])
        np.testing.assert_array_equal(d.converged, f["converged"][...].astype(bool))
        np.testing.assert_array_equal(d.max_truncation_error, f["max_truncation_error"][...])
        bits = f["shadows"][...]
    assert d.params.shape == (20, 2) and d.labels.dtype == np.int32
    assert d.has_shadows and len(d.shadows) == 20
    for i, sh in enumerate(d.shadows):
        assert (sh.num_qubits, sh.num_shots) == (8, 50)
        np.testing.assert_array_equal(sh.packed, bits[i])
    feats = d.features(2)
    assert feats.shape == (20, len(pl.window_strings(8, 2)))
    np.testing.assert_array_equal(feats[3], d.shadows[3].window_features(2))


def test_exact_features_surrogate(data, data_file, tmp_path):
    """The surrogate on exact <P> (exact_features / --exact-features): the same figures
    from Python and the CLI, and only for the surrogate."""
    clf = pl.train(data, "surrogate", k=2, seed=3, iterations=40, exact_features=True)
    cli = run_cli("train", "--data", data_file, "--model", "surrogate", "--k", 2, "--seed", 3,
                  "--iterations", 40, "--exact-features", "--out", tmp_path / "ex.h5", "--quiet")
    assert clf.test_accuracy == cli["test_accuracy"] and clf.result["loss"] == pytest.approx(
        cli["loss"], rel=1e-13)
    shadow = pl.train(data, "surrogate", k=2, seed=3, iterations=40)
    assert clf.result["loss"] != shadow.result["loss"]  # other features: another fit
    with pytest.raises(pl.InvalidInputError, match="exact features are for the surrogate"):
        pl.train(data, "linear", seed=3, exact_features=True)


def test_counts_shot_ranges_and_train_shots(data, data_file, tmp_path):
    """train_points / test_points / shots / shot_first and the device-realistic QCNN
    (train_shots): the CLI's figures for the same options, and bad values refused."""
    opts = dict(train_points=6, test_points=10, shots=20, shot_first=25)
    clf = pl.train(data, "surrogate", seed=4, iterations=30, **opts)
    cli = run_cli("train", "--data", data_file, "--model", "surrogate", "--seed", 4,
                  "--iterations", 30, "--train-points", 6, "--test-points", 10, "--shots", 20,
                  "--shot-first", 25, "--out", tmp_path / "c.h5", "--quiet")
    assert (clf.result["train_points"], clf.result["test_points"]) == (6, 10)
    assert clf.test_accuracy == cli["test_accuracy"] and cli["shots"] == 20
    assert clf.result["loss"] == pytest.approx(cli["loss"], rel=1e-13)
    other = pl.train(data, "surrogate", seed=4, iterations=30, train_points=6, test_points=10,
                     shots=20, shot_first=0)
    assert other.result["loss"] != clf.result["loss"]  # other shots: another fit
    q = pl.train(data, "qcnn", seed=4, iterations=10, train_shots=30)
    qc = run_cli("train", "--data", data_file, "--model", "qcnn", "--seed", 4, "--iterations", 10,
                 "--train-shots", 30, "--out", tmp_path / "q.h5", "--quiet")
    assert q.result["loss"] == pytest.approx(qc["loss"], rel=1e-13) and qc["train_shots"] == 30
    with pytest.raises(pl.InvalidInputError, match="training shots are for the QCNN"):
        pl.train(data, "linear", train_shots=10)
    with pytest.raises(pl.InvalidInputError, match="the dataset has 50 per state"):
        pl.train(data, "linear", shots=30, shot_first=30)
    with pytest.raises(pl.InvalidInputError, match="train_points must be >= 2"):
        pl.train(data, "linear", train_points=1)


def test_shrinkage(data, data_file, tmp_path):
    """shrink_factor against the formula computed here, and the surrogate's raw estimates
    (unshrunk / --unshrunk): the CLI's figures, another fit than the default."""
    est, shots = np.array([0.9, -0.8, 0.7, 0.05]), np.array([1000, 1000, 500, 300])
    for w in (1, 2, 3):
        want = max(0.0, 1 - np.mean((3.0 ** w - est ** 2) / shots) / np.mean(est ** 2))
        assert pl.shrink_factor(est, shots, w) == pytest.approx(want, rel=1e-14, abs=1e-15)
    with pytest.raises(pl.InvalidInputError, match="differ in length"):
        pl.shrink_factor(est, shots[:2], 1)
    with pytest.raises(pl.InvalidInputError, match="positive integers"):
        pl.shrink_factor(est, np.zeros(4, dtype=int), 1)
    raw = pl.train(data, "surrogate", seed=5, iterations=30, unshrunk=True)
    cli = run_cli("train", "--data", data_file, "--model", "surrogate", "--seed", 5,
                  "--iterations", 30, "--unshrunk", "--out", tmp_path / "r.h5", "--quiet")
    assert raw.result["loss"] == pytest.approx(cli["loss"], rel=1e-13)
    shrunk = pl.train(data, "surrogate", seed=5, iterations=30)
    assert shrunk.result["loss"] != raw.result["loss"]


def test_make_dataset_equals_the_cli_file(data, tmp_path):
    made = pl.make_dataset("tfim", 8, 20, shots=50, seed=1, out=tmp_path / "py.h5")
    assert (tmp_path / "py.h5").exists() and made.metadata["seed"] == 1
    again = pl.make_dataset("tfim", 8, 20, shots=50)  # temporary file, default seed 1
    for d in (made, again):
        np.testing.assert_array_equal(d.params, data.params)
        np.testing.assert_array_equal(d.labels, data.labels)
        np.testing.assert_array_equal(d.energies, data.energies)
        for a, b in zip(d.shadows, data.shadows):
            np.testing.assert_array_equal(a.packed, b.packed)
    assert again.labels_closed_form is not None and again.path is None
    fixed = pl.make_dataset("tfim", 6, 5, fixed={"J": 1.0}, seed=3)
    assert np.all(fixed.params[:, 0] == 1.0) and not fixed.has_shadows and fixed.shots == 0
    strat = pl.make_dataset("annni", 6, 8, seed=2, stratified=True)  # four phases, 2 each
    closed = np.bincount(strat.labels_closed_form, minlength=4)
    assert closed.tolist() == [2, 2, 2, 2], closed
    assert strat.metadata["stratified"] == 1 and data.metadata["stratified"] == 0


@pytest.mark.parametrize("kind, k, iterations", [("surrogate", 2, 150), ("linear", 2, 500),
                                                 ("qcnn", 2, 15), ("surrogate", 1, 150)])
def test_train_matches_plateau_train(data, data_file, tmp_path, kind, k, iterations):
    cli = run_cli("train", "--data", data_file, "--model", kind, "--k", k, "--seed", 7,
                  "--iterations", iterations, "--out", tmp_path / "cli.h5", "--quiet")
    clf = pl.train(data, kind, k=k, seed=7, iterations=iterations)
    assert clf.kind == kind and clf.num_qubits == 8 and clf.classes == 2
    assert clf.train_accuracy == cli["train_accuracy"]
    assert clf.test_accuracy == cli["test_accuracy"]
    assert clf.confusion.tolist() == cli["confusion"]
    for key in ("train_points", "test_points", "iterations", "params", "strings"):
        assert clf.result[key] == cli[key], key
    assert clf.result["loss"] == pytest.approx(cli["loss"], rel=1e-13)  # 15 JSON digits
    assert clf.test_stderr == pytest.approx(cli["test_stderr"], rel=1e-13)
    for key in ("balanced_accuracy", "majority_baseline"):  # the CLI's figures, to 15 digits
        assert clf.result[key] == pytest.approx(cli[key], rel=1e-13), key
    conf = clf.confusion  # balanced accuracy from the confusion matrix, recomputed here
    rows = conf.sum(axis=1)
    recall = [conf[t, t] / rows[t] for t in range(len(rows)) if rows[t]]
    assert clf.balanced_accuracy == pytest.approx(float(np.mean(recall)), abs=1e-15)
    assert 0 <= clf.majority_baseline <= 1
    # predictions: the CLI's model file and ours, through `plateau predict`
    if kind == "qcnn":
        shot_pred = clf.predict(data)  # tested with the dataset's 50 shots per state
        clf.set_shots(0)  # exact readouts, as a loaded model (`plateau predict`)
        assert np.mean(shot_pred == clf.predict(data)) > 0.5
    pred = clf.predict(data)
    assert pred.dtype == np.int32 and pred.shape == (20,)
    clf.save(tmp_path / "py.h5")
    for model in ("cli.h5", "py.h5"):
        out = run_cli("predict", "--model", tmp_path / model, "--data", data_file)
        assert out["predictions"] == pred.tolist()
    loaded = pl.load_classifier(tmp_path / "py.h5")
    np.testing.assert_array_equal(loaded.predict(data), pred)
    assert loaded.train_accuracy is None
    probs = clf.predict_proba(data)
    assert probs.shape == (20, 2)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_array_equal(probs.argmax(axis=1), pred)
    if kind != "qcnn":  # shadow models take shadow sets directly
        np.testing.assert_array_equal(clf.predict(data.shadows), pred)
        assert clf.predict(data.shadows[0]).tolist() == [pred[0]]


def test_training_options_reach_the_library(data, data_file, tmp_path):
    cli = run_cli("train", "--data", data_file, "--model", "surrogate", "--iterations", 20,
                  "--lr", 0.1, "--train-fraction", 0.6, "--unshared", "--seed", 3,
                  "--out", tmp_path / "m.h5", "--quiet")
    clf = pl.train(data, "surrogate", iterations=20, lr=0.1, train_fraction=0.6,
                   unshared=True, seed=3)
    assert (clf.result["iterations"], clf.result["train_points"]) == (20, 12)
    assert clf.test_accuracy == cli["test_accuracy"] and clf.result["params"] == cli["params"]
    assert clf.result["loss"] == pytest.approx(cli["loss"], rel=1e-13)


def test_from_shadows_equals_the_dataset_split(data):
    """The same shadows and labels without the model: the same split and accuracies."""
    ds = pl.Dataset.from_shadows(data.shadows, data.labels)
    assert ds.model is None and ds.classes == 2 and ds.shots == 50 and ds.energies is None
    for kind in ("surrogate", "linear"):
        a, b = pl.train(data, kind, seed=5), pl.train(ds, kind, seed=5)
        assert (a.train_accuracy, a.test_accuracy) == (b.train_accuracy, b.test_accuracy)
        assert a.result["loss"] == b.result["loss"]


def test_surrogate_trains_on_pennylane_shadows():
    qml = pytest.importorskip("pennylane")
    n, shots = 4, 64
    dev = qml.device("default.qubit", wires=n, seed=42)

    @qml.set_shots(shots)
    @qml.qnode(dev)
    def shadow(theta):
        for w in range(n):
            qml.RY(theta, wires=w)
        for w in range(n - 1):
            qml.CNOT(wires=[w, w + 1])
        return qml.classical_shadow(wires=range(n), seed=7)

    thetas = np.linspace(0.1, math.pi - 0.1, 12)
    sets = [pl.Shadows.from_pennylane(shadow(t)) for t in thetas]
    labels = (thetas > math.pi / 2).astype(int)
    ds = pl.Dataset.from_shadows(sets, labels)
    clf = pl.train(ds, "surrogate", k=2, iterations=30, seed=2)
    assert 0 <= clf.test_accuracy <= 1 and clf.result["train_points"] == 6
    assert clf.predict(sets).shape == (12,)
    lin = pl.train(ds, "linear", k=2, seed=2)
    assert lin.train_accuracy >= 0.5


def test_bad_input_raises_plateau_errors(data, tmp_path):
    with pytest.raises(pl.InvalidInputError, match="qcnn"):
        pl.train(data, "forest")
    with pytest.raises(pl.InvalidInputError, match="train_fraction"):
        pl.train(data, "linear", train_fraction=1.5)
    # Zero never silently means "default" (the C options read 0 that way).
    for kwargs, needle in [({"train_fraction": 0}, "train_fraction"), ({"lr": 0}, "lr"),
                           ({"iterations": 0}, "iterations"), ({"k": 0}, "k"),
                           ({"l2": float("nan")}, "l2"), ({"init_scale": -1}, "init_scale")]:
        with pytest.raises(pl.InvalidInputError, match=needle):
            pl.train(data, "surrogate", **kwargs)
    with pytest.raises(pl.InvalidInputError, match="Dataset"):
        pl.train([1, 2, 3], "linear")
    ds = pl.Dataset.from_shadows(data.shadows[:6], data.labels[:6] * 0 + [0, 1, 0, 1, 0, 1])
    with pytest.raises(pl.InvalidInputError, match="QCNN"):
        pl.train(ds, "qcnn")
    with pytest.raises(pl.InvalidInputError, match="labels"):
        pl.Dataset.from_shadows(data.shadows[:3], [0, 1])
    with pytest.raises(pl.InvalidInputError, match="outside"):
        pl.Dataset.from_shadows(data.shadows[:2], [0, 5], classes=2)
    other = pl.shadows(np.eye(8)[0], 10)  # 3 qubits
    with pytest.raises(pl.InvalidInputError, match="qubits"):
        pl.Dataset.from_shadows([data.shadows[0], other], [0, 1])
    clf = pl.train(data, "linear", seed=1)
    with pytest.raises(pl.Error):
        clf.predict([other])
    with pytest.raises(pl.InvalidInputError, match="predict takes"):
        clf.predict([1.0, 2.0])
    with pytest.raises(pl.FileError):
        pl.load_dataset(tmp_path / "missing.h5")
    with pytest.raises(pl.FileError):
        pl.load_classifier(tmp_path / "missing.h5")
    with pytest.raises(pl.InvalidInputError):
        pl.make_dataset("nope", 8, 4)
    with pytest.raises(pl.InvalidInputError):
        pl.make_dataset("tfim", 8, 0)
    nos = pl.make_dataset("tfim", 6, 4, seed=2)
    with pytest.raises(pl.InvalidInputError, match="shadows"):
        pl.train(nos, "surrogate")
    with pytest.raises(pl.InvalidInputError, match="no shadows"):
        nos.features(2)
