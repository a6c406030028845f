"""The notebook layer: `%glove` magics, the GloveWidget and its plain-ipywidgets fallback."""

from typing import Any

from glove_lab.notebook._controller import Controller
from glove_lab.notebook._magics import GloveMagics, load_ipython_extension, sessions_of
from glove_lab.notebook._plain import PlainGloveWidget
from glove_lab.notebook._widget import GloveWidget

__all__ = ["Controller", "GloveAnyWidget", "GloveMagics", "GloveWidget", "PlainGloveWidget",
           "load_ipython_extension", "sessions_of"]


def __getattr__(name: str) -> Any:
    # anywidget is needed only for this one: import it when asked for.
    if name == "GloveAnyWidget":
        from glove_lab.notebook._anywidget import GloveAnyWidget

        return GloveAnyWidget
    raise AttributeError(f"module 'glove_lab.notebook' has no attribute {name!r}")
