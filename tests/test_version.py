"""The version is written once (glove_lab/_version.py); every place that repeats it agrees."""

from __future__ import annotations

import json
import re
from importlib import metadata
from pathlib import Path

import glove_lab

ROOT = Path(__file__).resolve().parents[1]


def test_pyproject_takes_the_version_from_the_package():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    project = text.split("[project]", 1)[1].split("\n[", 1)[0]
    assert re.search(r"^version\s*=", project, re.M) is None
    assert re.search(r'^dynamic = \[.*"version".*\]', project, re.M)
    assert '[tool.hatch.version]\npath = "glove_lab/_version.py"' in text


def test_package_json_and_the_front_end_repeat_the_same_version():
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    front_end = (ROOT / "labextension" / "src" / "version.ts").read_text(encoding="utf-8")
    declared = re.search(r"MODULE_VERSION = '([^']+)'", front_end)
    assert declared is not None
    assert package["version"] == declared.group(1) == glove_lab.__version__


def test_installed_metadata_matches_the_source():
    assert metadata.version("glove_lab") == glove_lab.__version__


def test_the_widget_asks_for_a_front_end_this_version_satisfies():
    from glove_lab.notebook import GloveWidget

    assert GloveWidget._model_module_version.default_value == "^" + glove_lab.__version__
