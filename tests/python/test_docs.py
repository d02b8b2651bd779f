"""The Python examples of docs/python.md run as written."""
from __future__ import annotations

import os
import re

from conftest import ROOT


def test_docs_python_tour_runs(tmp_path):
    text = open(os.path.join(ROOT, "docs", "python.md")).read()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, "docs/python.md has no python example"
    os.chdir(tmp_path)
    scope: dict = {}
    for block in blocks:
        exec(compile(block, "docs/python.md", "exec"), scope)
    assert scope["scan"].verdict == "barren plateau"
    assert 0.5 <= scope["clf"].test_accuracy <= 1.0


def test_readme_python_example_runs(tmp_path, capsys):
    text = open(os.path.join(ROOT, "README.md")).read()
    blocks = [b for b in re.findall(r"```python\n(.*?)```", text, re.S)
              if "import plateau as pl" in b]
    assert blocks, "README.md has no runnable python example"
    os.chdir(tmp_path)
    exec(compile(blocks[0], "README.md", "exec"), {})
    out = capsys.readouterr().out.split()
    assert out[0] == "barren" and "4095" in out
