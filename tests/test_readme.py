"""The README's Python examples run, in order, as one module (as a reader would paste them)."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_has_an_api_tour():
    assert len(python_blocks()) >= 6


def test_readme_examples_run_in_order(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples may write files (a rendered PNG)
    # The tour runs as a notebook's cells do: in `__main__`, the module export refers to.
    module = types.ModuleType("__main__")
    monkeypatch.setitem(sys.modules, "__main__", module)
    for number, block in enumerate(python_blocks(), start=1):
        code = compile(block, f"README.md python block {number}", "exec")
        exec(code, module.__dict__)
    assert "parameter 'to' must be one of" in capsys.readouterr().out
