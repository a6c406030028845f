"""The render layer: a tree drawn as a graph (graphviz), with selection and diff marks.

`render(tree)` gives a `graphviz.Digraph`, `to_svg(tree)` its SVG. Every drawn
node's SVG `<title>` is its KeyPath text (`$` for the root) and its `id` is
`glove-node-...`; `path_from_title` and `path_from_svg_id` turn them back into
KeyPaths. Big trees collapse into placeholders (class `glove-collapsed`) beyond
a node budget. graphviz is imported only when a graph is drawn.
"""

from __future__ import annotations

from glove_lab.drawing._address import path_from_svg_id, path_from_title
from glove_lab.drawing._graph import is_box
from glove_lab.drawing._render import Drawing, display_bundle, draw, render, to_svg
from glove_lab.drawing._style import tag_color

__all__ = ["Drawing", "display_bundle", "draw", "is_box", "path_from_svg_id",
           "path_from_title", "render", "tag_color", "to_svg"]
