#!/usr/bin/python3
"""plateau gs, shadows and dataset as a user drives them: energies against an independent
numpy/scipy exact diagonalisation, the dataset layout read with h5py, labels against the
phase diagram, resuming an interrupted run, MPI against a serial run, and bad input."""
import json
import os
import shutil
import signal
import subprocess
import sys

import tempfile
import time

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import PLATEAU, check, expect_error, finish, run  # noqa: E402

I2 = np.eye(2)
X = np.array([[0.0, 1.0], [1.0, 0.0]])
Z = np.diag([1.0, -1.0])


def op(n, factors):
    """Kronecker product with qubit 0 as the least significant bit."""
    m = np.array([[1.0]])
    for q in reversed(range(n)):
        m = np.kron(m, factors.get(q, I2))
    return m


def tfim_energy(n, h, J=1.0):
    H = sum(-J * op(n, {i: Z, i + 1: Z}) for i in range(n - 1))
    H = H + sum(-h * op(n, {i: X}) for i in range(n))
    return np.linalg.eigvalsh(H)[0]


def test_gs():
    for h in (0.4, 1.3):
        rc, out, err = run("gs", "--model", "tfim", "--sites", 8, "--param", f"h={h}", "--json")
        check(rc == 0, f"gs exits 0 ({err.strip()})")
        if rc != 0:
            continue
        res = json.loads(out)
        want = tfim_energy(8, h)
        check(abs(res["energy"] - want) < 1e-9, f"tfim h={h}: {res['energy']} vs numpy {want}")
        check(res["label"] == ("ferromagnetic" if h < 1 else "paramagnetic"), f"label {res}")
        check({"energy", "max_truncation_error", "label"} <= set(res), "gs json keys")
    rc, out, err = run("gs", "--model", "tfim", "--sites", 8, "--param", "h=0.4", "--method",
                       "dmrg", "--chi", 16, "--json", "--quiet")
    res = json.loads(out) if rc == 0 else {}
    check(rc == 0 and err == "" and res["method"] == "dmrg" and
          abs(res["energy"] - tfim_energy(8, 0.4)) < 1e-8, f"dmrg vs numpy: {res}")


def test_shadows_of_state():
    with tempfile.TemporaryDirectory() as tmp:
        state, shots = os.path.join(tmp, "gs.h5"), os.path.join(tmp, "shots.txt")
        rc, _, err = run("gs", "--model", "tfim", "--sites", 6, "--param", "h=0.3", "--out",
                         state, "--quiet")
        check(rc == 0, f"gs --out ({err.strip()})")
        rc, out, err = run("shadows", "--state", state, "--shots", 3000, "--out", shots,
                           "--format", "text", "--json", "--quiet")
        check(rc == 0 and json.loads(out)["shots"] == 3000, f"shadows --format text ({err.strip()})")
        # deep in the ferromagnet <Z2 Z3> is close to 1
        rc, out, _ = run("estimate", "--shadows", shots, "--obs", "Z2 Z3", "--json")
        est = json.loads(out)["total"] if rc == 0 else {}
        check(rc == 0 and abs(est["mean"] - 0.98) < est["radius"], f"<Z2 Z3> from shadows: {est}")


# A run slow enough (DMRG, ~0.1 s a point) to be interrupted part-way.
SLOW = ["--model", "tfim", "--sites", 24, "--method", "dmrg", "--chi", 16, "--points", 12,
        "--shots", 40]


def dataset(tmp, name, *extra, base=("--model", "tfim", "--sites", 8, "--points", 12,
                                      "--shots", 40)):
    out = os.path.join(tmp, name)
    rc, so, err = run("dataset", *base, "--out", out, "--json", "--quiet", *extra)
    check(rc == 0, f"dataset {extra} exits 0 ({err.strip()})")
    return out, (json.loads(so) if rc == 0 else {})


def same_content(a, b):
    with h5py.File(a) as fa, h5py.File(b) as fb:
        for key in ("params", "labels", "labels_closed_form", "shadows", "converged"):
            if not np.array_equal(fa[key][()], fb[key][()]):
                return f"{key} differs"
        if not np.allclose(fa["energies"][()], fb["energies"][()], rtol=0, atol=1e-10):
            return "energies differ"
        for attr in ("model", "sites", "points", "shots", "param_names", "label_names"):
            if fa.attrs[attr] != fb.attrs[attr]:
                return f"attribute {attr} differs"
    return None


def test_dataset_layout():
    with tempfile.TemporaryDirectory() as tmp:
        out, res = dataset(tmp, "ds.h5")
        if not res:
            return
        check(res["points"] == 12 and sum(res["labels"].values()) == 12, f"json {res}")
        check(set(res["labels"]) == {"ferromagnetic", "paramagnetic"}, "label names")
        check(not os.path.exists(out + ".parts"), "parts removed after the merge")
        with h5py.File(out) as f:
            check(f.attrs["format"] == "plateau-dataset" and f.attrs["model"] == "tfim", "attrs")
            p, lab, e = f["params"][()], f["labels"][()], f["energies"][()]
            check(p.shape == (12, 2) and np.all(p[:, 0] == 1.0), "J fixed at 1, h swept")
            check(np.all((p[:, 1] >= 0) & (p[:, 1] <= 2)), "h in [0, 2]")
            check(np.array_equal(lab, (p[:, 1] >= 1).astype(int)), f"labels {lab} vs h {p[:, 1]}")
            for i in (0, 5):
                want = tfim_energy(8, p[i, 1])
                check(abs(e[i] - want) < 1e-9, f"point {i}: energy {e[i]} vs numpy {want}")
            check(f["shadows"].shape == (12, 8, 3, 1), f"shadows shape {f['shadows'].shape}")
        # a grid: 5 values of h including both ends
        out2, res2 = dataset(tmp, "grid.h5", "--grid", "--points", 5)
        if res2:
            with h5py.File(out2) as f:
                check(np.allclose(f["params"][:, 1], [0, 0.5, 1, 1.5, 2]), "grid values of h")
                check(f.attrs["stratified"] == 0, "a grid is not stratified")
        # stratified: both phases equally, labels from the closed form (h < 1 ferromagnetic)
        out3, res3 = dataset(tmp, "strat.h5", "--stratified", "--points", 11)
        if res3:
            check(res3["labels"] in ({"ferromagnetic": 6, "paramagnetic": 5},
                                     {"ferromagnetic": 5, "paramagnetic": 6}),
                  f"stratified labels {res3['labels']}")
            with h5py.File(out3) as f:
                check(f.attrs["stratified"] == 1, "the file records stratified points")
                h = f["params"][:, 1]
                check(np.all((h >= 0) & (h <= 2)) and abs(int(np.sum(h < 1)) - 5.5) == 0.5,
                      f"stratified h {h}")


def test_resume_and_mpi():
    with tempfile.TemporaryDirectory() as tmp:
        ref, res = dataset(tmp, "ref.h5", base=SLOW)
        if not res:
            return
        # interrupt a run after its first points, then run it again
        out = os.path.join(tmp, "resumed.h5")
        args = [PLATEAU, "dataset", *SLOW, "--out", out, "--json", "--quiet", "--threads", 1]
        p = subprocess.Popen(list(map(str, args)), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        parts = out + ".parts"
        deadline = time.time() + 60
        def finished():  # complete part files (temporary ones end in .tmp.XXXXXX)
            return [f for f in os.listdir(parts) if f.endswith(".h5")] if os.path.isdir(parts) else []
        while time.time() < deadline and p.poll() is None:
            if len(finished()) >= 3:
                p.send_signal(signal.SIGKILL)
                break
            time.sleep(0.005)
        p.wait()
        killed = not os.path.exists(out)
        done = len(finished())
        rc, so, err = run(*args[1:])
        r = json.loads(so) if rc == 0 else {}
        check(rc == 0, f"resumed run exits 0 ({err.strip()})")
        check(killed, "the first run was interrupted before it finished")
        check(r.get("reused", 0) == done >= 3 and r["reused"] + r["computed"] == 12,
              f"resumed run reuses the {done} finished points: {r}")
        diff = same_content(ref, out) if rc == 0 else "no file"
        check(diff is None, f"resumed run equals an uninterrupted one: {diff}")
        # parts from another run are not silently reused
        os.makedirs(os.path.join(tmp, "other.h5.parts"))
        shutil.copy(ref, os.path.join(tmp, "other.h5.parts", "point_0000000.h5"))
        rc, so, err = run("dataset", "--model", "tfim", "--sites", 8, "--points", 12, "--out",
                          os.path.join(tmp, "other.h5"), "--quiet")
        check(rc == 2 and "signature" in err or "other settings" in err,
              f"foreign part refused: {rc} {err!r}")
        # MPI: two ranks give the same content as one process
        mpirun = shutil.which("mpirun")
        if mpirun:
            out_mpi = os.path.join(tmp, "mpi.h5")
            # Open MPI's dlopen'ed components leak by design: under AddressSanitizer
            # the MPI run skips leak checking (the serial runs above keep it).
            env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
            p = subprocess.run([mpirun, "--allow-run-as-root", "--oversubscribe", "--bind-to",
                                "none", "-x", "ASAN_OPTIONS", "-np", "2", PLATEAU, "dataset",
                                *map(str, SLOW), "--out", out_mpi, "--json", "--quiet",
                                "--threads", "1"],
                               capture_output=True, text=True, timeout=600, env=env)
            check(p.returncode == 0, f"mpirun -np 2 exits 0 ({p.stderr.strip()[-300:]})")
            if p.returncode == 0:
                lines = p.stdout.strip().splitlines()
                check(len(lines) == 1 and json.loads(lines[0])["ranks"] == 2,
                      f"one JSON object from rank 0: {p.stdout!r}")
                diff = same_content(ref, out_mpi)
                check(diff is None, f"MPI run equals the serial one: {diff}")
        else:
            check(False, "mpirun not found (scripts/deps.sh installs openmpi-bin)")


def test_bad_input():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "x.h5")
        expect_error(["dataset", "--model", "nope", "--sites", 8, "--points", 2, "--out", out],
                     "unknown model 'nope'")
        expect_error(["dataset", "--model", "tfim", "--sites", 8, "--points", 0, "--out", out],
                     "--points")
        expect_error(["dataset", "--model", "xxx-alternating", "--sites", 7, "--points", 2,
                      "--out", out], "even")
        expect_error(["dataset", "--model", "tfim", "--sites", 8, "--points", 2, "--out", out,
                      "--param", "h=0.5"], "nothing to sweep")
        expect_error(["dataset", "--model", "tfim", "--sites", 8, "--points", 2], "--out")
        expect_error(["dataset", "--model", "tfim", "--sites", 8, "--points", 2, "--grid",
                      "--stratified", "--out", out], "not with a grid")
        check(os.listdir(tmp) == [], f"nothing written on bad input: {os.listdir(tmp)}")
        expect_error(["gs", "--model", "tfim", "--sites", 8, "--param", "g=1"], "g", "gs")
        expect_error(["gs", "--model", "tfim", "--sites", 8, "--param", "h=nan"], "h", "gs")
        expect_error(["gs", "--model", "tfim", "--sites", 8, "--chi", 0], "--chi", "gs")
        expect_error(["gs", "--model", "tfim", "--sites", 8, "--method", "qr"], "qr", "gs")
        expect_error(["gs", "--model", "tfim"], "--sites", "gs")
        expect_error(["shadows", "--state", os.path.join(tmp, "none.h5"), "--shots", 5, "--out",
                      out], "none.h5", "shadows")
        bad = os.path.join(tmp, "bad.h5")
        with open(bad, "wb") as f:
            f.write(b"\x89HDF\r\n\x1a\n" + b"\0" * 100)
        expect_error(["shadows", "--state", bad, "--shots", 5, "--out", out], "bad.h5", "shadows")
        check(not os.path.exists(out), "no output after a failed shadows run")


finish("dataset CLI", [test_gs, test_shadows_of_state, test_dataset_layout, test_resume_and_mpi,
             test_bad_input])
