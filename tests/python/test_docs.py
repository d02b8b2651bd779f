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
