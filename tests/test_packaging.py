"""What the README's "Add it to your own JupyterLab" says holds: a wheel built from the
checkout carries the prebuilt extension and the ES-module bundle, and installing it
(no Node involved) is enough for JupyterLab to find the extension."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import glove_lab

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out),
                    str(ROOT)], check=True, timeout=600)
    (built,) = out.glob("glove_lab-*.whl")
    return built


def test_the_wheel_carries_both_front_ends_and_the_version(wheel):
    assert wheel.name == f"glove_lab-{glove_lab.__version__}-py3-none-any.whl"
    names = set(zipfile.ZipFile(wheel).namelist())
    data = f"glove_lab-{glove_lab.__version__}.data/data/share/jupyter/labextensions/glove-lab/"
    assert {data + "package.json", data + "install.json", data + "static/style.js"} <= names
    assert any(re.fullmatch(re.escape(data) + r"static/remoteEntry\.[0-9a-f]+\.js", n)
               for n in names)
    assert {"glove_lab/_esm/glove.js", "glove_lab/_esm/glove.css"} <= names
    # The tests and demos stay out of the package.
    assert not any(n.startswith(("tests/", "demos/", "labextension/")) for n in names)


def test_installing_the_wheel_is_enough_for_jupyterlab(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                    str(target), str(wheel)], check=True, timeout=300)
    env = {**os.environ, "JUPYTER_PATH": str(target / "share" / "jupyter"),
           "PYTHONPATH": str(target)}
    listing = subprocess.run([sys.executable, "-m", "jupyter", "labextension", "list"],
                             env=env, capture_output=True, text=True, timeout=300)
    text = re.sub(r"\x1b\[[0-9;]*m", "", listing.stdout + listing.stderr)
    section = text.split(str(target / "share" / "jupyter" / "labextensions"), 1)
    assert len(section) == 2, text
    first = section[1].strip().splitlines()[0]
    assert re.match(rf"glove-lab v{re.escape(glove_lab.__version__)} enabled\s+OK", first)
    # The installed package is the one imported, and it finds its bundle.
    where = subprocess.run(
        [sys.executable, "-c", "import glove_lab, pathlib; p = pathlib.Path(glove_lab.__file__)"
         ".parent; print(p); print((p / '_esm' / 'glove.js').stat().st_size > 1000)"],
        env={**env, "PYTHONSAFEPATH": "1"}, capture_output=True, text=True, check=True,
        cwd=tmp_path)
    assert where.stdout.split() == [str(target / "glove_lab"), "True"]
