"""The package surface: the error hierarchy and what `import glove_lab` pulls in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import glove_lab as gl

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("error", [gl.RuleError, gl.NoMatchError, gl.PathError,
                                   gl.SerializationError])
def test_every_error_is_a_glove_error(error):
    assert issubclass(error, gl.GloveError)


def test_no_match_error_is_a_rule_error():
    assert issubclass(gl.NoMatchError, gl.RuleError)


def test_path_error_message_is_not_quoted_like_a_key_error():
    assert str(gl.PathError("no such path")) == "no such path"


def test_import_does_not_pull_in_jupyter_graphviz_or_torch():
    script = ("import sys, glove_lab\n"
              "heavy = {'IPython', 'ipywidgets', 'graphviz', 'torch'}\n"
              "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=env, cwd=ROOT, check=True)
    assert result.stdout.strip() == "[]"


def test_import_and_in_process_variants_never_import_dask():
    # dask is the optional `scale` extra: `import glove_lab`, reaching gl.variants and
    # running variants in this process must work without it (and never load it).
    script = ("import sys, glove_lab as gl\n"
              "heavy = {'dask', 'distributed', 'tornado'}\n"
              "loaded = lambda: sorted(m for m in sys.modules if m.split('.')[0] in heavy)\n"
              "print(loaded())\n"
              "variants = gl.variants('tests.scale.recipes:config',\n"
              "                       {'double': 'fixtures.double_ints'})\n"
              "table = gl.run_variants(variants, gl.format, progress=False)\n"
              "print([row.error for row in table], loaded())\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=env, cwd=ROOT, check=True)
    assert result.stdout.split("\n")[:2] == ["[]", "[None, None] []"]


def test_public_names_of_the_contract_exist():
    names = ["symbolize", "tag", "tags_of", "register_kind", "KeyPath", "get", "paths",
             "traverse", "query", "eq", "diff", "Change", "format", "rebind", "replace",
             "rule", "Match", "Rule", "apply", "rules", "build", "to_code", "to_json",
             "from_json", "Session", "Step", "render", "to_svg", "GloveError", "RuleError",
             "NoMatchError", "PathError", "SerializationError", "Call", "register_type",
             "variants", "run_variants"]
    assert [name for name in names if not hasattr(gl, name)] == []
