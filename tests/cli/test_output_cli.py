#!/usr/bin/python3
"""Output files as a user sees them (docs/cli.md, "Output files"): for every command that
writes a file, a symbolic link given as the output stays a link and its target is written,
a FIFO is written through (read by a thread), and a directory or a socket is refused with
one error line and exit 2 while the target stays as it was. (Devices are refused the same
way; tests/test_io.c checks that by a stat alone, as no test may open a real device for
writing.) The refusal comes before any work: given work that would fail (a missing input,
a memory limit of one byte), a writer reports the refused output, with the very line it
printed at write time, and leaves nothing behind (no dataset FILE.parts folder)."""
import os
import shutil
import socket
import tempfile
import threading

import h5py

import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import check, expect_error, finish, run  # noqa: E402

CIRCUIT = """OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
ry(theta[0]) q[0];
cx q[0],q[1];
rx(theta[1]) q[1];
"""


def is_hdf5(data):
    return data.startswith(b"\x89HDF\r\n\x1a\n")


def is_png(data):
    return data.startswith(b"\x89PNG\r\n\x1a\n")


def starts(prefix):
    return lambda data: data.startswith(prefix)


def make_inputs(tmp):
    """The files the writers read: a circuit, a ground state, shadows, a dataset."""
    paths = {k: os.path.join(tmp, v) for k, v in
             {"qasm": "p.qasm", "state": "gs.h5", "shadows": "sh.h5", "data": "ds.h5"}.items()}
    with open(paths["qasm"], "w") as f:
        f.write(CIRCUIT)
    for args in (["gs", "--model", "tfim", "--sites", 4, "--param", "h=0.5", "--out",
                  paths["state"]],
                 ["shadows", "--state", paths["state"], "--shots", 20, "--out", paths["shadows"]],
                 ["dataset", "--model", "tfim", "--sites", 4, "--points", 6, "--grid", "--shots",
                  8, "--out", paths["data"]]):
        rc, _, err = run(*args, "--quiet")
        check(rc == 0, f"{args[0]} makes an input ({err.strip()})")
    return paths


def writers(i):
    """(name, argv given the output path, check of the written bytes) for every command
    that writes a file."""
    return [
        ("ansatz", lambda o: ["ansatz", "--ansatz", "hea", "--qubits", 2, "--layers", 1,
                              "--out", o], starts(b"OPENQASM 2.0;")),
        ("optimize", lambda o: ["optimize", i["qasm"], "--obs", "Z0 Z1 + X1", "--max-iter", 5,
                                "--out-params", o], starts(b"[")),
        ("propagate", lambda o: ["propagate", i["qasm"], "--obs", "Z0 Z1", "--params", "0.1,0.2",
                                 "--terms-out", o], is_hdf5),
        ("gs", lambda o: ["gs", "--model", "tfim", "--sites", 4, "--param", "h=0.5", "--out", o],
         is_hdf5),
        ("shadows", lambda o: ["shadows", "--state", i["state"], "--shots", 20, "--out", o],
         is_hdf5),
        ("shadows", lambda o: ["shadows", "--state", i["state"], "--shots", 20, "--format",
                               "text", "--out", o], lambda d: len(d) > 0 and not is_hdf5(d)),
        ("estimate", lambda o: ["estimate", "--shadows", i["shadows"], "--windows", 1, "--out", o],
         is_hdf5),
        ("dataset", lambda o: ["dataset", "--model", "tfim", "--sites", 4, "--points", 4,
                               "--shots", 8, "--out", o], is_hdf5),
        ("train", lambda o: ["train", "--data", i["data"], "--model", "linear", "--out", o],
         is_hdf5),
        ("bp", lambda o: ["bp", "--ansatz", "hea", "--qubits", "2,3", "--layers", 1, "--samples",
                          10, "--plot", o], is_png),
        ("audit", lambda o: ["audit", i["qasm"], "--obs", "Z0 Z1", "--samples", 10, "--out", o],
         lambda d: len(d) > 0),
    ]


def failing_writers(tmp, i):
    """(name, argv given the output path) for every writer of writers(), each given work
    that fails: its input files are missing, or its memory limit is one byte."""
    missing = {k: os.path.join(tmp, "missing-" + os.path.basename(v)) for k, v in i.items()}
    extra = {"gs": ["--max-memory", 1], "bp": ["--max-memory", 1],
             "dataset": ["--max-memory", 1],
             "ansatz": ["--params-file", os.path.join(tmp, "missing-params.json")]}
    return [(name, lambda o, argv=argv, more=extra.get(name, []): [*argv(o), *more])
            for name, argv, _ in writers(missing)]


def case_refused_first(name, argv):
    """The work fails with a good output path; with a directory or a socket as the output
    the refusal comes first: the line written at write time, exit 2, nothing left."""
    with tempfile.TemporaryDirectory() as tmp:
        good = os.path.join(tmp, "good.out")
        rc, out, err = run(*argv(good), "--quiet")
        check(rc == 2 and "good.out" not in err and others(tmp) == [],
              f"{name}: the work fails without touching the output ({rc}: {err.strip()})")
        if os.path.isdir(good + ".parts"):  # dataset keeps its finished points (none here)
            shutil.rmtree(good + ".parts")
        d = os.path.join(tmp, "out.d")
        os.mkdir(d)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock = os.path.join(tmp, "out.sock")
            s.bind(sock)
            for path, why in ((d, "is a directory"), (sock, "is a socket; refusing to replace it")):
                rc, out, err = run(*argv(path), "--quiet")
                line = f"plateau {name}: error: '{path}' {why}\n"
                check(rc == 2 and out == "" and err == line,
                      f"{name}: a refused output comes before the work: want {line!r}, got "
                      f"{rc}: {err!r}")
                left = sorted(os.listdir(tmp))
                check(left == ["out.d", "out.sock"] and os.listdir(d) == [],
                      f"{name}: nothing left behind (no .parts folder): {left}")
        finally:
            s.close()


def others(tmp, *mine):
    """What else is in tmp: no temporary file may be left (a dataset's resumable
    FILE.parts folder is its own)."""
    return sorted(n for n in os.listdir(tmp) if n not in mine and not n.endswith(".parts"))


def case_symlink(name, argv, valid):
    with tempfile.TemporaryDirectory() as tmp:
        real, link = os.path.join(tmp, "real.out"), os.path.join(tmp, "link.out")
        with open(real, "w") as f:
            f.write("old\n")
        os.symlink("real.out", link)
        rc, _, err = run(*argv(link), "--quiet")
        check(rc == 0, f"{name} --out LINK exits 0 ({err.strip()})")
        check(os.path.islink(link) and os.readlink(link) == "real.out",
              f"{name}: the symbolic link stays a link")
        with open(real, "rb") as f:
            data = f.read()
        check(valid(data), f"{name}: the link's target holds the output ({data[:16]!r})")
        if is_hdf5(data):
            with h5py.File(real) as h:
                check(len(h.keys()) + len(h.attrs) > 0, f"{name}: the target opens with h5py")
        check(others(tmp, "real.out", "link.out") == [],
              f"{name}: nothing else left beside the link: {others(tmp, 'real.out', 'link.out')}")


def case_fifo(name, argv, valid):
    with tempfile.TemporaryDirectory() as tmp:
        fifo = os.path.join(tmp, "fifo.out")
        os.mkfifo(fifo)
        got = []

        def reader():
            with open(fifo, "rb") as f:
                got.append(f.read())

        t = threading.Thread(target=reader)
        t.start()
        rc, _, err = run(*argv(fifo), "--quiet", timeout=60)
        t.join(timeout=5)
        if t.is_alive():  # the command never opened the FIFO: release the reader
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            t.join()
        check(rc == 0, f"{name} --out FIFO exits 0 ({err.strip()})")
        data = got[0] if got else b""
        check(valid(data), f"{name}: the FIFO's reader gets the output ({data[:16]!r})")
        check(os.path.exists(fifo) and not os.path.isfile(fifo), f"{name}: the FIFO stays a FIFO")
        check(others(tmp, "fifo.out") == [], f"{name}: no temporary file left: {others(tmp, 'fifo.out')}")


def case_directory(name, argv, valid):
    with tempfile.TemporaryDirectory() as tmp:
        d = os.path.join(tmp, "out.d")
        os.mkdir(d)
        expect_error([*argv(d), "--quiet"], f"'{d}' is a directory", name)
        check(os.path.isdir(d) and os.listdir(d) == [], f"{name}: the directory is untouched")
        check(others(tmp, "out.d") == [], f"{name}: no temporary file left: {others(tmp, 'out.d')}")


def case_socket(name, argv, valid):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "out.sock")
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.bind(path)
            expect_error([*argv(path), "--quiet"], f"'{path}' is a socket; refusing to replace it",
                         name)
            check(os.path.exists(path) and not os.path.isfile(path), f"{name}: the socket stays")
            check(others(tmp, "out.sock") == [],
                  f"{name}: no temporary file left: {others(tmp, 'out.sock')}")
        finally:
            s.close()


def test_every_writer():
    with tempfile.TemporaryDirectory() as tmp:
        inputs = make_inputs(tmp)
        for name, argv, valid in writers(inputs):
            for case in (case_symlink, case_fifo, case_directory, case_socket):
                case(name, argv, valid)
        for name, argv in failing_writers(tmp, inputs):
            case_refused_first(name, argv)


if __name__ == "__main__":
    finish("output", [test_every_writer])
