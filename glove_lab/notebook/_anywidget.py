"""GloveAnyWidget: the same view, loaded as an ES module wherever anywidget's contract holds.

VS Code, Colab and marimo load widget front ends as ES modules (anywidget),
not as JupyterLab extensions. This widget ships the view bundled as one ES
module with its CSS (`glove_lab/_esm/`, built by the same `pip install` step as
the JupyterLab extension) and otherwise is a GloveWidget: same traits, same
messages, same Controller. Where the host cannot insert a cell, Export shows
the code with a Copy button.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget

from glove_lab.notebook._widget import GloveWidget

__all__ = ["GloveAnyWidget", "BUNDLE"]

BUNDLE = Path(__file__).resolve().parent.parent / "_esm"


def _bundle_file(name: str) -> Path:
    path = BUNDLE / name
    if not path.exists():  # an editable checkout whose front end was never built
        raise ImportError(
            f"the glove_lab view bundle {path} is missing; build it with `jlpm build:esm` "
            "(or reinstall: `pip install -e .` builds it)"
        )
    return path


class GloveAnyWidget(anywidget.AnyWidget, GloveWidget):
    """A GloveWidget whose view is an ES module: for VS Code, Colab, marimo, Notebook 7.

    Args:
        session: the Session to drive (or a tree, which gets a new Session).
        budget: graph node budget; collapsed placeholders beyond it.
        on_change: called with the new tree after each apply/undo/redo.
        example: an input for the model: torch modules show their output shapes
            (see GloveWidget).
    """

    _esm = _bundle_file("glove.js")
    _css = _bundle_file("glove.css")

    def __init__(self, session: Any, budget: int = 150, on_change: Any = None,
                 example: Any = None, **kwargs: Any) -> None:
        # anywidget adds its traits, then the MRO continues into GloveWidget.__init__.
        super().__init__(session, budget=budget, on_change=on_change, example=example, **kwargs)

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """anywidget's bundle (with Colab's metadata), plus the static SVG of the graph.

        A front end with no widget support at all shows the picture instead.
        """
        bundle = anywidget.AnyWidget._repr_mimebundle_(self, **kwargs)
        if bundle is None:
            return None
        data, metadata = bundle
        data = dict(data)
        if self.svg:
            data["image/svg+xml"] = self.svg
        data["text/plain"] = f"glove_lab widget: {self.session.name}"
        return data, metadata
