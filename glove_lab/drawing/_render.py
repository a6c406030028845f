"""The render entry points: a tree as a graphviz graph, as SVG, and as a notebook mimebundle."""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from glove_lab.drawing._boxes import BOXES
from glove_lab.drawing._dot import dot_source, to_digraph
from glove_lab.drawing._dot_process import svg_from_running_dot
from glove_lab.drawing._graph import GraphModel, build_graph
from glove_lab.drawing._style import FONT, TEXT
from glove_lab.tree import KeyPath, diff, notes_of

if TYPE_CHECKING:
    import graphviz

__all__ = ["Drawing", "draw", "render", "to_svg", "display_bundle"]

_INSTALL_NOTE = "(install graphviz to see this as a graph: apt-get install graphviz)"


def render(tree: Any, depth: int | None = None, highlight: Iterable[str | KeyPath] = (),
           diff_from: Any = None, expand: Iterable[str | KeyPath] = (),
           budget: int = 150, example: Any = None,
           notes: Mapping[Any, str] | None = None,
           collapse: Iterable[str | KeyPath] = ()) -> graphviz.Digraph:
    """The tree as a graphviz Digraph: one box per node, leaf values as rows, keys on edges.

    Args:
        tree: any tree (symbolic objects, lists, tuples, dicts, dataclasses, ...).
        depth: draw boxes down to this depth (the root is 0); deeper ones are
            hidden in their parent's "+N nodes" placeholder.
        highlight: paths (str or KeyPath) drawn as selected: thick border, class
            `glove-selected`; a leaf's path selects its row.
        diff_from: an older tree; changed nodes are amber, added green, removed
            children are dashed red ghosts (classes `glove-changed`,
            `glove-added`, `glove-removed`).
        expand: paths whose subtrees are opened first (with their ancestors).
        budget: how many nodes are laid out, placeholders included; the rest
            collapses into "+N nodes" placeholders (class `glove-collapsed`).
        example: an input for the adapters' node notes (`import glove_lab.torch`:
            each module's output shape from one forward pass on it, beside its
            parameter count, which shows without an example too).
        notes: `{path: text}`, one line shown under each of those nodes' names,
            instead of the adapters' notes (`{}`: no notes at all).
        collapse: paths drawn as collapsed placeholders whatever the budget
            (a highlighted or expanded path inside one opens it again).

    Each drawn node's graphviz name, and so its SVG `<title>`, is its KeyPath
    text (`$` for the root); its `id` is `glove-node-<base64url of the title>`.
    Raises PathError for a highlight, expand or collapse path that does not exist.
    """
    return to_digraph(_model(tree, depth, highlight, diff_from, expand, budget, example, notes,
                             collapse))


def to_svg(tree: Any, depth: int | None = None, highlight: Iterable[str | KeyPath] = (),
           diff_from: Any = None, expand: Iterable[str | KeyPath] = (),
           budget: int = 150, example: Any = None,
           notes: Mapping[Any, str] | None = None,
           collapse: Iterable[str | KeyPath] = ()) -> str:
    """The tree drawn as an SVG document (see `render` for the arguments); needs `dot`."""
    return draw(tree, depth=depth, highlight=highlight, diff_from=diff_from, expand=expand,
                budget=budget, example=example, notes=notes, collapse=collapse).svg


@dataclasses.dataclass(frozen=True)
class Drawing:
    """An SVG drawing of a tree and how much of the tree it shows.

    `total` counts every node of the tree (leaves included, as the "+N nodes"
    placeholders do) and `hidden` those not drawn (inside placeholders, or
    members of a folded run); `boxes` is how many graph nodes were laid out.
    """

    svg: str
    boxes: int
    hidden: int
    total: int

    @property
    def shown(self) -> int:
        """Tree nodes visible as boxes or rows."""
        return self.total - self.hidden


def draw(tree: Any, depth: int | None = None, highlight: Iterable[str | KeyPath] = (),
         diff_from: Any = None, expand: Iterable[str | KeyPath] = (),
         budget: int = 150, example: Any = None, notes: Mapping[Any, str] | None = None,
         collapse: Iterable[str | KeyPath] = ()) -> Drawing:
    """`to_svg`, with the counts of what the drawing shows and hides (see `Drawing`)."""
    model = _model(tree, depth, highlight, diff_from, expand, budget, example, notes, collapse)
    svg = _slim(BOXES.draw(lambda size_of: dot_source(model, size_of), _svg))
    return Drawing(svg, len(model.nodes), model.hidden, model.total)


def _model(tree: Any, depth: int | None, highlight: Iterable[str | KeyPath], diff_from: Any,
           expand: Iterable[str | KeyPath], budget: int, example: Any,
           notes: Mapping[Any, str] | None, collapse: Iterable[str | KeyPath]) -> GraphModel:
    changes = diff(diff_from, tree) if diff_from is not None else None
    shown = notes_of(tree, example).by_path if notes is None else notes
    return build_graph(tree, depth=depth, highlight=highlight, changes=changes,
                       expand=expand, budget=budget, notes=shown, collapse=collapse)


def _svg(source: str) -> str:
    """`source` (DOT text) drawn by dot as SVG text."""
    svg = svg_from_running_dot(source)  # no process start per drawing
    if svg is None:  # not POSIX, no dot, or dot failed: a fresh dot raises the usual errors
        import graphviz

        svg = graphviz.Source(source).pipe(format="svg", encoding="utf-8", quiet=True)
    return svg


_COMMENT = re.compile(r"<!--.*?-->\n?", re.S)
_FONT = f' font-family="{FONT}"'
_SIZE = ' font-size="10.00"'
_TEXT_FILL = f' fill="{TEXT}">'


def _slim(svg: str) -> str:
    """Drop dot's comments (they repeat every name) and default text anchors, and hoist
    the font family, the usual font size and the usual text colour to the `<svg>`
    (text inherits them: the picture is the same).

    A 150-node view shrinks by about a third, which is what the widget sends
    to the browser on every step.
    """
    svg = _COMMENT.sub("", svg).replace(' text-anchor="start"', "")  # start is the default
    hoisted = []
    if _FONT in svg:
        svg = svg.replace(_FONT, "")
        hoisted.append(f'font-family="{FONT}"')
    if _SIZE in svg:
        svg = svg.replace(_SIZE, "")  # only text has a font size
        hoisted.append('font-size="10"')
    if _TEXT_FILL in svg:
        svg = svg.replace(_TEXT_FILL, ">")  # a text's fill comes last; shapes end in "/>"
        hoisted.append(f'fill="{TEXT}"')
    if hoisted:
        svg = svg.replace("<svg ", f"<svg {' '.join(hoisted)} ", 1)
    return svg


def display_bundle(obj: Any) -> dict[str, str]:
    """A notebook mimebundle for `obj`: its SVG graph and repr, or the repr and a note.

    Never raises: without `dot` on PATH the bundle is text with an install
    hint; any failure while drawing gives the text with a one-line note.
    """
    text = _safe_repr(obj)
    if shutil.which("dot") is None:  # looked up on every call: PATH may change
        return {"text/plain": f"{text}\n{_INSTALL_NOTE}"}
    try:
        svg = to_svg(obj)
    except ImportError:
        return {"text/plain": f"{text}\n(install the graphviz Python package to see this as "
                              "a graph: pip install graphviz)"}
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        note = f"{type(exc).__name__}: {reason}" if reason else type(exc).__name__
        return {"text/plain": f"{text}\n(could not draw the graph: {note[:200]})"}
    return {"image/svg+xml": svg, "text/plain": text}


def _safe_repr(obj: Any) -> str:
    try:
        text = repr(obj)
        if isinstance(text, str):
            return text
    except Exception:
        pass
    return object.__repr__(obj)
