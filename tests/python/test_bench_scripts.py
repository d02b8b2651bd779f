"""The benchmark scripts are never run by the tests (they time things), but they must
stay valid Python and keep their documented command line."""
import pathlib
import py_compile
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPTS = [ROOT / "bench" / "bench_python.py", ROOT / "bench" / "peers" / "run.py"]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_compiles(script):
    py_compile.compile(str(script), doraise=True)


def test_peers_help_lists_the_options():
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "peers" / "run.py"), "--help"],
                         capture_output=True, text=True, check=True).stdout
    for opt in ("--threads", "--reps", "--big", "--clock", "--only"):
        assert opt in out


def test_peers_requirements_are_pinned():
    lines = [ln.strip() for ln in (ROOT / "bench" / "peers" / "requirements-peers.txt")
             .read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    assert lines and all("==" in ln for ln in lines), lines
