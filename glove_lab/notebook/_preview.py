"""Rule preview for the widget: a dry run's changes mapped onto the nodes the graph draws.

The palette asks "what would this rule do here?" on hover; the answer is a
`Preview`: how many changes the step would make (the number its status line
will say), which drawn nodes to highlight, and how many changes sit inside
collapsed parts of the graph (drawn as their placeholder).
"""

from __future__ import annotations

import html
import re
from typing import Any

from glove_lab.drawing import path_from_title
from glove_lab.errors import GloveError
from glove_lab.notebook._protocol import ApplyScope, Preview
from glove_lab.patching import Outcome, skipped_text
from glove_lab.tree import KeyPath, children_of, get

__all__ = ["DrawnNodes", "nothing_here", "preview_of"]

# A graphviz node group: `<g id="..." class="node ...">` then its `<title>`.
_NODE = re.compile(r'<g id="[^"]*" class="(node[^"]*)"[^>]*>\s*<title>([^<]*)</title>')


class DrawnNodes:
    """The nodes an SVG draws: KeyPath -> (title, is a collapsed placeholder)."""

    def __init__(self, svg: str) -> None:
        self.by_path: dict[KeyPath, tuple[str, bool]] = {}
        self.placeholders: dict[KeyPath, list[KeyPath]] = {}  # parent -> placeholder children
        for classes, raw in _NODE.findall(svg):
            title = html.unescape(raw)
            try:
                path = path_from_title(title)
            except GloveError:
                continue
            collapsed = "glove-collapsed" in html.unescape(classes)
            self.by_path.setdefault(path, (title, collapsed))
            if collapsed and path:
                self.placeholders.setdefault(KeyPath(path[:-1]), []).append(path)


def preview_of(tree: Any, outcome: Outcome, scope: ApplyScope, drawn: DrawnNodes) -> Preview:
    """The widget's preview of a dry-run outcome on `tree`, drawn as `drawn`."""
    nodes: list[str] = []
    seen: set[str] = set()
    hidden = 0
    for path in outcome.changed_paths:
        title, inside = _shown_at(tree, path, drawn)
        hidden += inside
        if title is not None and title not in seen:
            seen.add(title)
            nodes.append(title)
    count = len(outcome.changed_paths)
    if count:
        text = f"would change {count} node{'s' if count != 1 else ''}"
        if hidden:
            text += f" ({hidden} in collapsed parts)"
    elif outcome.notes:
        text = "changes no node; it says: " + "; ".join(outcome.notes)
    else:
        text = "would change nothing here: the rule returns these nodes unchanged"
    if outcome.skipped:
        text += f"; would skip {skipped_text(outcome.skipped)}"
    return {"rule": outcome.rule.name, "scope": scope, "count": count, "nodes": nodes,
            "hidden": hidden, "text": text, "error": ""}


def nothing_here(rule: str, scope: ApplyScope, why: str) -> Preview:
    """The preview of a rule that cannot be applied here (it would raise `why`)."""
    return {"rule": rule, "scope": scope, "count": 0, "nodes": [], "hidden": 0,
            "text": f"would change nothing here: {why}", "error": why}


def _shown_at(tree: Any, path: KeyPath, drawn: DrawnNodes) -> tuple[str | None, bool]:
    """The title of the drawn node that shows a change at `path`, and whether it is hidden.

    The change shows on its deepest drawn ancestor (a changed field is a row of
    its node's box). It is hidden when that ancestor is a collapsed placeholder,
    or when the ancestor is open but the child on the way is folded into one of
    its placeholder children (the placeholder before it stands for it).
    """
    depth = len(path)
    while depth >= 0 and KeyPath(path[:depth]) not in drawn.by_path:
        depth -= 1
    if depth < 0:
        return None, True
    ancestor = KeyPath(path[:depth])
    title, collapsed = drawn.by_path[ancestor]
    if depth == len(path):
        return title, False
    if collapsed:
        return title, True
    placeholders = drawn.placeholders.get(ancestor)
    if not placeholders:
        return title, False
    try:
        keys = [key for key, _ in children_of(get(tree, ancestor))]
        position = keys.index(path[depth])
        before = [p for p in placeholders if keys.index(p[-1]) <= position]
    except (GloveError, ValueError):
        return title, False
    if not before:
        return title, False
    return drawn.by_path[max(before, key=lambda p: keys.index(p[-1]))][0], True
