"""Labelled datasets of spin-chain ground states with classical shadows, and the phase
classifiers trained on them (``include/plateau/dataset.h``, ``learn.h``; docs/learn.md).

- :func:`load_dataset` reads a ``plateau dataset --out`` file; :func:`make_dataset`
  computes one (the same file as the CLI for the same arguments and seed);
  :meth:`Dataset.from_shadows` builds one from measured shadows (from
  PennyLane, say) and labels.
- :func:`train` splits a dataset (seeded), trains ``"qcnn"``, ``"surrogate"`` or
  ``"linear"`` and measures it: the accuracies of ``plateau train --json`` for the same
  data and seed.
"""
from __future__ import annotations

import os
import shlex
import tempfile
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _core
from ._errors import InvalidInputError
from ._util import as_count, as_seed, as_state
from .shadows import Shadows

PathLike = Union[str, os.PathLike]


class Dataset:
    """A labelled dataset: parameter points, labels, energies and, when it was made with
    shots, one shadow set per point.

    Attributes read from a file: ``metadata`` (the file's attributes: ``model``,
    ``sites``, ``points``, ``shots``, ``seed``, ``plateau_version``, ``command``, …) and the
    optional per-point vectors ``labels_closed_form``, ``labels_measured`` (−1 where not
    measured), ``max_truncation_error`` and ``converged``.
    """

    __slots__ = ("_d", "metadata", "path", "_extra", "_shadows")

    def __init__(self, core: Any, metadata: Optional[Dict[str, Any]] = None,
                 path: Optional[str] = None) -> None:
        """Wrap a ``_core.Dataset`` (use :func:`load_dataset`, :func:`make_dataset` or
        :meth:`from_shadows`)."""
        if not isinstance(core, _core.Dataset):
            raise InvalidInputError("use plateau.load_dataset(), plateau.make_dataset() or "
                                    "Dataset.from_shadows() to make a Dataset")
        self._d = core
        self.metadata: Dict[str, Any] = dict(metadata or {})
        self.path = path
        self._extra: Dict[str, Optional[np.ndarray]] = {}
        self._shadows: Optional[List[Shadows]] = None

    @classmethod
    def from_shadows(cls, shadows: Sequence[Shadows], labels: Sequence[int],
                     classes: Optional[int] = None) -> "Dataset":
        """A dataset of measured shadow sets (all on the same qubits, copied) with
        labels in [0, classes) (default: max label + 1, at least 2). It has no model,
        so it trains the shadow models (``"surrogate"``, ``"linear"``), not the QCNN."""
        sets = list(shadows)
        for s in sets:
            if not isinstance(s, Shadows):
                raise InvalidInputError(f"from_shadows takes Shadows objects, got "
                                        f"{type(s).__name__}")
        lab = np.ascontiguousarray(labels, dtype=np.int64)
        if lab.ndim != 1:
            raise InvalidInputError(f"labels must be a 1-D sequence, got shape {lab.shape}")
        k = max(2, int(lab.max()) + 1 if lab.size else 2) if classes is None \
            else as_count(classes, "classes", 2)
        core = _core.Dataset.from_shadows([s._sh for s in sets], lab.astype(np.int32), k)
        return cls(core, {"points": len(sets), "classes": k})

    @property
    def model(self) -> Optional[str]:
        """The model's name (``"tfim"``, …), or None for a dataset built from shadows."""
        info = self._d.model_info()
        return None if info is None else info["name"]

    @property
    def param_names(self) -> List[str]:
        """Names of the model's parameters (the columns of :attr:`params`)."""
        info = self._d.model_info()
        return [] if info is None else list(info["param_names"])

    @property
    def label_names(self) -> List[str]:
        """Names of the labels (``label_names[k]`` is label k)."""
        info = self._d.model_info()
        return [str(k) for k in range(self.classes)] if info is None else list(info["label_names"])

    @property
    def sites(self) -> int:
        """Qubits (chain sites) per state."""
        return self._d.sites

    @property
    def num_points(self) -> int:
        """Number of points."""
        return self._d.points

    def __len__(self) -> int:
        return self._d.points

    def __repr__(self) -> str:
        return (f"<plateau.Dataset: {self.model or 'shadows'}, {self.num_points} points of "
                f"{self.sites} sites, {self.shots} shots>")

    @property
    def shots(self) -> int:
        """Shadow shots per point (0: the dataset has no shadows)."""
        return self._d.shots

    @property
    def classes(self) -> int:
        """Number of label classes (the model's label count)."""
        return self._d.classes

    @property
    def params(self) -> np.ndarray:
        """Parameter points, float64 (points, nparams)."""
        return self._d.params()

    @property
    def labels(self) -> np.ndarray:
        """Labels, int32 (points,)."""
        return self._d.labels()

    @property
    def energies(self) -> Optional[np.ndarray]:
        """Ground-state energies, float64 (points,), or None (built from shadows)."""
        return self._d.energies()

    @property
    def has_shadows(self) -> bool:
        """Whether every point carries a shadow set."""
        return self._d.has_shadows

    @property
    def shadows(self) -> List[Shadows]:
        """Every point's shadow set (copies, made once and cached)."""
        if self._shadows is None:
            seed = int(self.metadata.get("seed", 0))
            self._shadows = [Shadows(self._d.shadow(i), seed) for i in range(self.num_points)]
        return self._shadows

    def features(self, k: int = 2) -> np.ndarray:
        """The shadow feature matrix, float64 (points, window_count): the shot means of
        every Pauli string inside ``k`` adjacent sites (the linear model's inputs, in
        the order of :func:`plateau.window_strings`)."""
        return self._d.features(as_count(k, "k", 1))

    def _vector(self, name: str) -> Optional[np.ndarray]:
        if name not in self._extra:
            self._extra[name] = None if self.path is None else _core.h5_vector(self.path, name)
        return self._extra[name]

    @property
    def labels_closed_form(self) -> Optional[np.ndarray]:
        """Labels from the closed-form phase boundary, int32, or None."""
        v = self._vector("labels_closed_form")
        return None if v is None else v.astype(np.int32)

    @property
    def labels_measured(self) -> Optional[np.ndarray]:
        """Labels from measured order parameters (−1 where not measured), or None."""
        v = self._vector("labels_measured")
        return None if v is None else v.astype(np.int32)

    @property
    def max_truncation_error(self) -> Optional[np.ndarray]:
        """Per point the largest DMRG discarded weight (exact: 0), or None."""
        return self._vector("max_truncation_error")

    @property
    def converged(self) -> Optional[np.ndarray]:
        """Per point whether the ground-state solver converged (bool), or None."""
        v = self._vector("converged")
        return None if v is None else v.astype(bool)


def load_dataset(path: PathLike) -> Dataset:
    """Read a dataset file (``plateau dataset --out``; format ``plateau-dataset``)."""
    p = os.fspath(path)
    core = _core.Dataset.load(p)
    return Dataset(core, _core.h5_attributes(p), p)


def make_dataset(model: str, sites: int, points: int, shots: int = 0,
                 out: Optional[PathLike] = None, seed: Optional[int] = None,
                 grid: bool = False, fixed: Optional[Mapping[str, float]] = None,
                 method: Optional[str] = None, chi: Optional[int] = None,
                 stratified: bool = False) -> Dataset:
    """Ground states of ``model`` on ``sites`` sites at ``points`` random parameter points
    (with ``grid``: ``points`` evenly spaced values per swept parameter; with
    ``stratified``: random points, equally many in every phase of the closed-form phase
    diagram, as ``--stratified``), labelled by phase, each with ``shots`` shadow shots: the file ``plateau dataset --model M
    --sites N --points P --shots S --seed SEED`` writes (``fixed={"h": 0.5}`` is
    ``--param h=0.5``; ``method``/``chi`` as ``--method``/``--chi``). Written to ``out``
    (kept) or a temporary file (removed after loading). Points run in parallel in C with
    the GIL released."""
    s = as_seed(seed)
    fixed_text = ",".join(f"{k}={float(v)!r}" for k, v in (fixed or {}).items())
    args = ["--model", model, "--sites", sites, "--points", points, "--shots", shots,
            "--seed", s] + (["--grid"] if grid else []) \
        + (["--stratified"] if stratified else []) \
        + (["--param", fixed_text] if fixed_text else []) \
        + (["--method", method] if method else []) + (["--chi", chi] if chi else [])
    command = "python: plateau.make_dataset " + " ".join(shlex.quote(str(a)) for a in args)
    sites_ = as_count(sites, "sites", 1)
    points_ = as_count(points, "points", 1)
    shots_ = as_count(shots, "shots", 0)
    chi_ = 0 if chi is None else as_count(chi, "chi", 1)
    if out is not None:
        path = os.fspath(out)
        _core.make_dataset(model, sites_, points_, bool(grid), bool(stratified), shots_, s,
                           fixed_text, method or "", chi_, path, command)
        return load_dataset(path)
    with tempfile.TemporaryDirectory(prefix="plateau-dataset-") as tmp:
        path = os.path.join(tmp, "dataset.h5")
        _core.make_dataset(model, sites_, points_, bool(grid), bool(stratified), shots_, s,
                           fixed_text, method or "", chi_, path, command)
        d = load_dataset(path)
        for name in ("labels_closed_form", "labels_measured", "max_truncation_error",
                     "converged"):
            d._vector(name)  # read now: the file goes away
        d.path = None
        return d


class Classifier:
    """A trained phase classifier (``"qcnn"``, ``"surrogate"`` or ``"linear"``).

    From :func:`train`, it also carries what the train/test run measured:
    ``train_accuracy``, ``test_accuracy``, ``test_stderr``, ``balanced_accuracy``,
    ``majority_baseline``, ``confusion`` (test set, rows true, columns predicted) and ``result`` (every figure of ``plateau train
    --json``: iterations, loss, params, strings, seconds, train_points, test_points).
    """

    __slots__ = ("_c", "result", "seed")

    def __init__(self, core: Any, result: Optional[Dict[str, Any]] = None,
                 seed: int = 1) -> None:
        """Wrap a ``_core.Classifier`` (use :func:`train` or :func:`load_classifier`)."""
        if not isinstance(core, _core.Classifier):
            raise InvalidInputError("use plateau.train() or plateau.load_classifier()")
        self._c = core
        self.result: Dict[str, Any] = dict(result or {})
        self.seed = seed

    def __repr__(self) -> str:
        return (f"<plateau.Classifier: {self.kind}, {self.num_qubits} qubits, "
                f"{self.classes} classes>")

    @property
    def kind(self) -> str:
        """``"qcnn"``, ``"surrogate"`` or ``"linear"``."""
        return self._c.kind

    @property
    def num_qubits(self) -> int:
        """Qubits of the states it classifies."""
        return self._c.qubits

    @property
    def classes(self) -> int:
        """Number of classes."""
        return self._c.classes

    @property
    def train_accuracy(self) -> Optional[float]:
        """Accuracy on the training points (None for a loaded model)."""
        return self.result.get("train_accuracy")

    @property
    def test_accuracy(self) -> Optional[float]:
        """Accuracy on the test points (None for a loaded model)."""
        return self.result.get("test_accuracy")

    @property
    def test_stderr(self) -> Optional[float]:
        """Binomial standard error sqrt(a (1 − a) / n_test) of the test accuracy."""
        return self.result.get("test_stderr")

    @property
    def balanced_accuracy(self) -> Optional[float]:
        """Mean over the test set's classes of the share classified right (None for a
        loaded model): always answering one class scores 1 / classes."""
        return self.result.get("balanced_accuracy")

    @property
    def majority_baseline(self) -> Optional[float]:
        """Test accuracy of always answering the training set's most frequent class."""
        return self.result.get("majority_baseline")

    @property
    def confusion(self) -> Optional[np.ndarray]:
        """Test-set confusion matrix (int, [true, predicted]), or None."""
        c = self.result.get("confusion")
        return None if c is None else np.array(c, dtype=np.int64)

    def _predict(self, data: Any) -> Tuple[np.ndarray, np.ndarray]:
        if isinstance(data, Dataset):
            return self._c.predict_dataset(data._d)
        if isinstance(data, Shadows):
            data = [data]
        items = list(data)
        if items and all(isinstance(x, Shadows) for x in items):
            return self._c.predict_shadows([x._sh for x in items])
        if items and self.kind == "qcnn":
            return self._c.predict_states([as_state(x, "state") for x in items])
        raise InvalidInputError("predict takes a Dataset, Shadows or a list of Shadows (the "
                                "QCNN: a Dataset or a list of state vectors)")

    def predict(self, data: Any) -> np.ndarray:
        """Predicted classes (int32) of every point: a :class:`Dataset` (as ``plateau
        predict``; the QCNN gets the exact states, see :meth:`set_shots`), a
        :class:`Shadows` or a list of them, or for the QCNN a list of state vectors."""
        return self._predict(data)[0]

    def predict_proba(self, data: Any) -> np.ndarray:
        """Class probabilities, float64 (points, classes), of the points of ``data``
        (as :meth:`predict`)."""
        return self._predict(data)[1]

    def set_shots(self, shots: int, seed: Optional[int] = None) -> None:
        """QCNN: estimate the readout from ``shots`` measurements per state (point i from
        the generator (seed, i)) instead of exactly; 0 restores exact readouts. A QCNN
        from :func:`train` predicts with the dataset's shots per state, as it was
        tested; a loaded one is exact, as ``plateau predict``. Other kinds ignore it."""
        self._c.set_shots(as_count(shots, "shots", 0), as_seed(seed))

    def surrogate(self, k: int = 2) -> "Classifier":
        """The classical surrogate of a trained QCNN: the same angles and head, the
        readout propagated keeping Pauli strings of weight <= k."""
        return Classifier(self._c.surrogate_of(as_count(k, "k", 1)), None, self.seed)

    def save(self, path: PathLike) -> None:
        """Write the model (HDF5, atomically), as ``plateau train --out`` does; ``plateau
        predict --model`` and :func:`load_classifier` read it."""
        self._c.save(os.fspath(path), f"python: plateau.Classifier.save ({self.kind})",
                     self.seed)


def _positive(value: Optional[float], name: str) -> float:
    """0.0 (the C default) for None, else a finite value > 0."""
    if value is None:
        return 0.0
    v = float(value)
    if not (v > 0.0 and v < float("inf")):
        raise InvalidInputError(f"{name} must be a positive finite number, got {value!r} "
                                "(leave it out for the default)")
    return v


def train(data: Dataset, model: str = "surrogate", k: Optional[int] = None,
          seed: Optional[int] = None, train_fraction: float = 0.5,
          iterations: Optional[int] = None, lr: Optional[float] = None,
          l2: Optional[float] = None, unshared: bool = False,
          init_scale: Optional[float] = None, exact_features: bool = False,
          train_shots: Optional[int] = None, train_points: Optional[int] = None,
          test_points: Optional[int] = None, shots: Optional[int] = None,
          shot_first: int = 0, unshrunk: bool = False) -> Classifier:
    """Split ``data`` (a seeded permutation, ``train_fraction`` of the points for training),
    train a classifier and measure it, as ``plateau train --data F --model MODEL --k K
    --seed SEED --train-fraction f --iterations N --lr R --l2 L [--unshared]``: the same
    accuracies for the same data and seed (default 1).

    ``model``: ``"qcnn"`` (exact ground states recomputed from the parameters; at most 20
    sites), ``"surrogate"`` (weight-``k`` Pauli propagation on the shadows) or
    ``"linear"`` (logistic regression on the window-``k`` shadow features). Defaults
    (None): k 2, 150 iterations (linear 500), lr 0.05, l2 1e-3 (linear), init_scale 0.1.
    ``exact_features`` (surrogate only, ``--exact-features``): train and test on the exact
    expectation values of the recomputed ground states instead of the shadows — the
    information the exact-trained QCNN gets. ``unshrunk`` (surrogate, ``--unshrunk``): the
    raw shadow estimates; by default each string's estimates are shrunk towards zero by
    the share of their second moment over the training states that is not shot noise
    (:func:`shrink_factor`). ``train_shots`` (QCNN only,
    ``--train-shots``): the device-realistic QCNN, its readout of every training state
    estimated from that many measurements at every step (fresh draws; the readout's angle
    derivatives stay exact). ``train_points`` / ``test_points`` (``--train-points``,
    ``--test-points``): counts instead of ``train_fraction`` (test: the next points of the
    permutation; default all the rest). ``shots`` / ``shot_first`` (``--shots``,
    ``--shot-first``): use shots ``[shot_first, shot_first + shots)`` of every state's
    shadows — disjoint ranges are independent measurements. Training runs in C with the
    GIL released.
    """
    if not isinstance(data, Dataset):
        raise InvalidInputError(f"train takes a plateau.Dataset, got {type(data).__name__} "
                                "(Dataset.from_shadows builds one from shadows and labels)")
    s = as_seed(seed)
    # The C options read 0 as "default": a 0 given here is refused, never reinterpreted.
    fraction = float(train_fraction)
    if not 0.0 < fraction < 1.0:
        raise InvalidInputError(f"train_fraction must lie in (0, 1), got {train_fraction!r}")
    if train_points is not None:
        fraction = 0.0  # the count decides
    core, result = _core.train(
        data._d, str(model), 0 if k is None else as_count(k, "k", 1), fraction,
        0 if iterations is None else as_count(iterations, "iterations", 1),
        _positive(lr, "lr"), _positive(l2, "l2"), bool(unshared),
        _positive(init_scale, "init_scale"), bool(exact_features), bool(unshrunk),
        0 if train_shots is None else as_count(train_shots, "train_shots", 1),
        0 if train_points is None else as_count(train_points, "train_points", 2),
        0 if test_points is None else as_count(test_points, "test_points", 1),
        0 if shots is None else as_count(shots, "shots", 1),
        as_count(shot_first, "shot_first", 0), s)
    return Classifier(core, dict(result), s)


def load_classifier(path: PathLike) -> Classifier:
    """Read a model file (``plateau train --out`` or :meth:`Classifier.save`)."""
    return Classifier(_core.Classifier.load(os.fspath(path)))
