#!/usr/bin/python3
"""plateau train, predict and benchmark as a user drives them: JSON keys, accuracies well
above chance on a small TFIM dataset, saved models that predict the same, the report files,
and bad input (one-class data, mismatched qubits, truncated files) with nothing overwritten."""
import json
import os
import sys

import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import PLATEAU, check, expect_error, finish, run  # noqa: E402


def dataset(tmp, name, *extra):
    out = os.path.join(tmp, name)
    rc, _, err = run("dataset", "--out", out, "--quiet", *extra)
    check(rc == 0, f"dataset {extra} ({err.strip()})")
    return out


def test_train_predict():
    with tempfile.TemporaryDirectory() as tmp:
        data = dataset(tmp, "tfim.h5", "--model", "tfim", "--sites", 8, "--points", 60, "--shots", 200)
        for model in ("surrogate", "linear", "qcnn"):
            out = os.path.join(tmp, f"{model}.h5")
            rc, so, err = run("train", "--data", data, "--model", model, "--out", out, "--json",
                              "--quiet", "--iterations", 60)
            check(rc == 0, f"train {model} ({err.strip()})")
            if rc != 0:
                continue
            r = json.loads(so)
            check({"train_accuracy", "test_accuracy", "confusion", "test_stderr"} <= set(r),
                  f"train json keys {set(r)}")
            check(r["test_accuracy"] >= 0.8, f"{model}: test accuracy {r['test_accuracy']}")
            check(r["train_points"] == 30 and r["test_points"] == 30, "half / half split")
            check(sum(map(sum, r["confusion"])) == 30, "confusion counts the test points")
            rc, so, err = run("predict", "--model", out, "--data", data, "--json")
            p = json.loads(so) if rc == 0 else {}
            check(rc == 0 and len(p["predictions"]) == 60 and p["accuracy"] >= 0.8,
                  f"predict {model}: {err.strip()} {p.get('accuracy')}")
        # explicit counts and a shot range; the device-realistic QCNN
        rc, so, err = run("train", "--data", data, "--model", "surrogate", "--json", "--quiet",
                          "--train-points", 10, "--test-points", 20, "--shots", 100,
                          "--shot-first", 50, "--iterations", 40, "--out", os.path.join(tmp, "c.h5"))
        r = json.loads(so) if rc == 0 else {}
        check(rc == 0 and r["train_points"] == 10 and r["test_points"] == 20 and r["shots"] == 100
              and sum(map(sum, r["confusion"])) == 20, f"counts and shots ({err.strip()}) {r}")
        rc, so, err = run("train", "--data", data, "--model", "qcnn", "--json", "--quiet",
                          "--train-shots", 20, "--iterations", 60, "--out", os.path.join(tmp, "d.h5"))
        r = json.loads(so) if rc == 0 else {}
        check(rc == 0 and r["train_shots"] == 20 and r["test_accuracy"] >= 0.7,
              f"qcnn trained on 20 shots per step ({err.strip()}) {r.get('test_accuracy')}")
        expect_error(["train", "--data", data, "--model", "linear", "--train-shots", 20],
                     "training shots are for the QCNN", "train")
        expect_error(["train", "--data", data, "--model", "linear", "--train-points", 60],
                     "60 training points", "train")
        expect_error(["train", "--data", data, "--model", "linear", "--shots", 150,
                      "--shot-first", 100], "the dataset has 200 per state", "train")
        expect_error(["train", "--data", data, "--model", "linear", "--train-points", 10,
                      "--train-fraction", 0.3], "not both", "train")
        # the default model path: DATA.MODEL.h5
        rc, _, err = run("train", "--data", data, "--model", "linear", "--quiet")
        check(rc == 0 and os.path.exists(os.path.join(tmp, "tfim.linear.h5")),
              f"default --out ({err.strip()})")


def test_bad_input():
    with tempfile.TemporaryDirectory() as tmp:
        one = dataset(tmp, "one.h5", "--model", "tfim", "--sites", 6, "--points", 8, "--shots", 20,
                      "--param", "J=5")
        small = dataset(tmp, "small.h5", "--model", "tfim", "--sites", 6, "--points", 12, "--shots", 20)
        noshots = dataset(tmp, "noshots.h5", "--model", "tfim", "--sites", 6, "--points", 12)
        big = dataset(tmp, "big.h5", "--model", "tfim", "--sites", 8, "--points", 12, "--shots", 20)
        model = os.path.join(tmp, "m.h5")
        expect_error(["train", "--data", one, "--model", "linear", "--out", model], "one class", "train")
        expect_error(["train", "--data", noshots, "--model", "surrogate", "--out", model],
                     "no shadows", "train")
        expect_error(["train", "--data", small, "--model", "forest", "--out", model], "forest", "train")
        expect_error(["train", "--data", small, "--model", "linear", "--train-fraction", "1.5"],
                     "--train-fraction", "train")
        check(not os.path.exists(model), "no model written after failures")
        rc, _, _ = run("train", "--data", small, "--model", "linear", "--out", model, "--quiet")
        check(rc == 0, "train a 6-qubit model")
        before = open(model, "rb").read()
        expect_error(["predict", "--model", model, "--data", big], "6 qubits", "predict")
        cut = os.path.join(tmp, "cut.h5")
        with open(big, "rb") as f:
            blob = f.read()
        with open(cut, "wb") as f:
            f.write(blob[: len(blob) // 2])
        expect_error(["train", "--data", cut, "--model", "linear", "--out", model], "cut.h5", "train")
        expect_error(["predict", "--model", cut, "--data", small], "cut.h5", "predict")
        check(open(model, "rb").read() == before, "a failed run leaves the model file untouched")


def test_benchmark():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "report")
        rc, so, err = run("benchmark", "--quick", "--only", "tfim", "--out", out, "--json", "--quiet")
        check(rc == 0, f"benchmark --quick --only tfim ({err.strip()})")
        if rc != 0:
            return
        r = json.loads(so)
        row = r["rows"][0]
        check(row["model"] == "tfim" and {"qcnn", "surrogate", "linear"} <= set(row), f"row {row}")
        for name in ("report.md", "results.json", "phase-tfim-8.png", "tradeoff.png", "tfim-8.h5",
                     "phase-tfim-8.csv", "tradeoff.csv", "phase-tfim-8.svg", "tradeoff.svg"):
            check(os.path.exists(os.path.join(out, name)), f"benchmark writes {name}")
        with open(os.path.join(out, "phase-tfim-8.csv")) as f:
            lines = f.read().splitlines()
        check(lines[0] == "J,h,label,predicted,misclassified" and len(lines) == 81,
              f"phase CSV header and one line per point: {lines[:2]}, {len(lines)} lines")
        wrong = sum(int(line.split(",")[-1]) for line in lines[1:])
        check(all((line.split(",")[2] != line.split(",")[3]) == (line.split(",")[4] == "1")
                  for line in lines[1:]) and 0 <= wrong < 40, "misclassified marks")
        with open(os.path.join(out, "phase-tfim-8.svg")) as f:
            svg = f.read()
        check(svg.lstrip().startswith("<?xml") and "ferromagnetic" in svg and "misclassified" in svg
              and "tfim, n = 8" in svg, "the SVG phase diagram names the phases and the row")
        with open(os.path.join(out, "tradeoff.csv")) as f:
            trade = f.read().splitlines()
        check(trade[0] == "sweep,value,test_accuracy,test_stderr" and trade[1].startswith("k,1,"),
              f"trade-off CSV {trade[:2]}")
        text = open(os.path.join(out, "report.md")).read()
        check("| tfim | 8 | 200 | 16000 | 40 / 40 |" in text, "the report's table has the row")
        check("QCNN on shots" in text and "surrogate − QCNN on shots" in text,
              "the report has the QCNN trained on shots and the differences table")
        check("(best " in text and "Balanced accuracy" in text and "Confusion" in text,
              "the report gives the best run, balanced accuracy and confusion matrices")
        for k in ("qcnn", "surrogate", "linear"):
            s = row[k]
            check(s["test_accuracy_sd"] >= 0 and s["test_accuracy_best"] >= s["test_accuracy"]
                  and 0 <= s["balanced_accuracy"] <= 1, f"{k}: statistics over seeds {s}")
        ex = row.get("surrogate_exact", {})
        check(0.5 < ex.get("test_accuracy", 0) <= 1 and ex.get("test_accuracy_best", 0) <= 1,
              f"the surrogate on exact <P> where the QCNN runs: {ex}")
        check(row["seeds"] == 5 and 0 <= row["majority_baseline"] <= 1
              and row["shots_total"] == 200 * 80 and row["test_points"] == 40,
              f"row statistics {row}")
        dev = row.get("qcnn_shots", {})
        check(dev.get("train_shots_per_step") == 2 and dev.get("shots_total") == 2 * 150 * 40 + 200 * 40
              and 0.5 < dev.get("test_accuracy", 0) <= 1, f"the QCNN trained on shots: {dev}")
        # every run its own shots: the dataset holds 5 x 200 per state
        rc, so, _ = run("train", "--data", os.path.join(out, "tfim-8.h5"), "--model", "linear",
                        "--json", "--quiet", "--out", os.path.join(tmp, "m.h5"))
        check(rc == 0 and json.loads(so)["shots"] == 1000, "the benchmark's dataset holds 1000 shots")
        with open(os.path.join(out, "results.json")) as f:
            res = json.load(f)
        check(len(res["rows"]) == 1 and "tradeoff" in res, "results.json")
        # a second run reuses the dataset
        rc, so, err = run("benchmark", "--quick", "--only", "tfim", "--out", out, "--json", "--quiet")
        check(rc == 0 and json.loads(so)["rows"][0]["surrogate"] == row["surrogate"],
              "a second run gives the same scores")
        expect_error(["benchmark", "--quick", "--only", "nope", "--out", out], "nope", "benchmark")
        expect_error(["benchmark", "--quick", "--seeds", "0", "--out", out], "--seeds 0",
                     "benchmark")
        expect_error(["benchmark", "--quick", "--full", "--out", out], "give one", "benchmark")
        # without --quick or --full: the plan, and a long run is not started
        plan_dir = os.path.join(tmp, "plan")
        rc, so, err = run("benchmark", "--out", plan_dir)
        check(rc == 0 and "estimated in all" in so and "xxx-alternating" in so and "1024" in so
              and "--full" in err and not os.path.exists(plan_dir),
              f"benchmark without --full prints its plan and runs nothing: {rc} {so!r} {err!r}")
        expect_error(["benchmark", "--quick", "--seeds", "17", "--out", out], "give 1 to 16",
                     "benchmark")
        expect_error(["benchmark", "--quick", "--curves", "--out", out], "not in the demo",
                     "benchmark")
        check("curves" in so and "16" in so, "the full plan lists the 16-site rows and the curves")
        # --only MODEL-N: one size of a model (MODEL-8: its learning curves)
        # (16 runs each: a plan over 10 minutes, printed and not run)
        _, so2, _ = run("benchmark", "--only", "xxx-alternating-1024,annni-8", "--seeds", 16,
                        "--out", plan_dir)
        lines = [line for line in so2.splitlines() if "xxx-alternating" in line or "annni" in line]
        check(len(lines) == 4 and sum("curves" in line for line in lines) == 1 and "1024" in so2,
              f"--only by size: the three 1024-site rows and one curve: {so2!r}")
        expect_error(["benchmark", "--only", "foo-12", "--out", plan_dir], "unknown model 'foo'",
                     "benchmark")


def test_curves():
    """plateau benchmark --curves on one dataset and one run: the curve files, the report's
    section and the JSON, accuracies in range and rising with the shots for the surrogate."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "curves")
        rc, so, err = run("benchmark", "--curves", "--only", "tfim", "--seeds", 1, "--out", out,
                          "--json", "--quiet")
        check(rc == 0, f"benchmark --curves ({err.strip()})")
        if rc != 0:
            return
        r = json.loads(so)
        check(r["rows"] == [] and len(r["curves"]) == 1, f"curves only: {list(r)}")
        c = r["curves"][0]
        check(c["model"] == "tfim" and c["sites"] == 8 and c["test_points"] == 100, f"curve {c}")
        tr, sh = c["against_train_points"], c["against_shots"]
        check(tr["train_points"] == [10, 20, 50, 100, 200] and sh["shots"] == [10, 30, 100, 300, 1000],
              "the curves' steps")
        for kind in ("qcnn", "surrogate", "linear"):
            for curve in (tr, sh):
                acc = curve[kind]["test_accuracy"]
                check(len(acc) == 5 and all(0.3 <= a <= 1 for a in acc), f"{kind}: {acc}")
        check(sh["surrogate"]["test_accuracy"][-1] > sh["surrogate"]["test_accuracy"][0] + 0.1,
              f"the surrogate gains from 10 to 1000 shots: {sh['surrogate']['test_accuracy']}")
        for name in ("curves-tfim-8.png", "curves-tfim-8.svg", "curves-tfim-8.csv",
                     "curves-tfim-8.h5", "report.md", "results.json"):
            check(os.path.exists(os.path.join(out, name)), f"--curves writes {name}")
        with open(os.path.join(out, "curves-tfim-8.csv")) as f:
            lines = f.read().splitlines()
        check(lines[0] == "sweep,value,classifier,test_accuracy,test_accuracy_sd,balanced_accuracy"
              and len(lines) == 31, f"curve CSV: {lines[:2]}, {len(lines)} lines")
        text = open(os.path.join(out, "report.md")).read()
        check("## Learning curves" in text and "| 1000 |" in text, "the report's curves section")


finish("learn CLI", [test_train_predict, test_bad_input, test_benchmark, test_curves])
