"""The prebuilt front end ships with the package: JupyterLab lists it enabled and OK."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path


def test_jupyter_labextension_list_shows_glove_lab_enabled_and_ok():
    jupyter = Path(sys.executable).with_name("jupyter")
    result = subprocess.run([str(jupyter), "labextension", "list"], capture_output=True,
                            text=True, check=True)
    text = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)  # drop colours
    assert re.search(r"glove-lab v0\.1\.0 enabled\s+OK \(python, glove_lab\)", text), text


def test_the_package_points_jupyter_at_its_prebuilt_extension():
    import glove_lab

    [entry] = glove_lab._jupyter_labextension_paths()
    built = Path(glove_lab.__file__).parent / entry["src"] / "package.json"
    assert entry["dest"] == "glove-lab" and built.exists()
