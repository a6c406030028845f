"""Which front end draws the widget: the JupyterLab extension, the ES module, or plain ipywidgets.

JupyterLab and Notebook 7 load our prebuilt extension (the full experience:
Export inserts a cell). VS Code, Colab and marimo load ES modules through
anywidget's contract instead. Stock ipywidgets work everywhere widgets do.
The kernel cannot see which front end will draw an output, so the choice is
made from what the kernel can see (the host's modules and environment) and
can always be forced: `%glove show VAR --frontend anywidget` or the
environment variable `GLOVE_LAB_FRONTEND=lab|anywidget|plain`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Literal

__all__ = ["FrontEnd", "FRONT_ENDS", "choose_front_end", "host_name"]

FrontEnd = Literal["lab", "anywidget", "plain"]
FRONT_ENDS: tuple[FrontEnd, ...] = ("lab", "anywidget", "plain")


def host_name() -> str:
    """The host the kernel runs under, as far as it can tell: vscode, colab, marimo or jupyter."""
    if "google.colab" in sys.modules:
        return "colab"
    if "VSCODE_PID" in os.environ or "VSCODE_CWD" in os.environ:
        return "vscode"
    marimo = sys.modules.get("marimo")
    if marimo is not None:
        try:
            if marimo.running_in_notebook():
                return "marimo"
        except Exception:  # an old marimo without the function: not its notebook
            pass
    return "jupyter"


def choose_front_end(requested: str = "auto") -> FrontEnd:
    """The front end to use: `requested` unless "auto", then GLOVE_LAB_FRONTEND, then the host's.

    Raises ValueError naming the choices for an unknown name.
    """
    if requested == "auto":
        if os.environ.get("GLOVE_LAB_PLAIN"):
            return "plain"
        requested = os.environ.get("GLOVE_LAB_FRONTEND", "auto") or "auto"
    if requested != "auto":
        if requested not in FRONT_ENDS:
            raise ValueError(f"unknown front end {requested!r}; choose one of "
                             f"{', '.join(FRONT_ENDS)} or auto")
        return requested
    if host_name() != "jupyter":
        return "anywidget" if _bundle_available() else "plain"
    if _lab_extension_available():
        return "lab"
    return "anywidget" if _bundle_available() else "plain"


def _bundle_available() -> bool:
    """True if anywidget is installed and the view's ES-module bundle was built."""
    try:
        import anywidget  # noqa: F401
    except ImportError:
        return False
    return (Path(__file__).resolve().parent.parent / "_esm" / "glove.js").exists()


def _lab_extension_available() -> bool:
    """True if our prebuilt JupyterLab extension is installed where Jupyter looks."""
    try:
        from jupyter_core.paths import jupyter_path
    except ImportError:
        return False
    return any(Path(base, "labextensions", "glove-lab", "package.json").exists()
               for base in jupyter_path())
