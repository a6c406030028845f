"""Node notes: one-line facts an adapter computes for the nodes of a whole tree.

A torch model's output shapes and parameter counts are facts about the whole
model (a forward pass, shared weights counted once), not about one node, so
they cannot come from a node kind. An adapter registers a function
`fn(tree, example) -> NodeNotes | None`; `notes_of(tree, example)` asks every
registered one and merges what they say. The drawing layer shows the notes
under each box's name; the widget shows their status line. Nothing here knows
about torch: the adapter supplies the notes, the tree layer only carries them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from glove_lab.tree._keypath import KeyPath

__all__ = ["NodeNotes", "Notes", "notes_of", "register_notes"]


@dataclasses.dataclass(frozen=True)
class NodeNotes:
    """One-line notes for some nodes of one tree, by path, and a status line about them.

    `by_path` maps a node's KeyPath to its note (`→ 1x64x56x56 · 9.4k params`);
    `status` is one line about how the notes were made, empty when there is
    nothing to say (`shapes: forward failed: RuntimeError: ...`).
    """

    by_path: Mapping[KeyPath, str] = dataclasses.field(default_factory=dict)
    status: str = ""


Notes = Callable[[Any, Any], "NodeNotes | None"]
"""`fn(tree, example) -> NodeNotes | None`: notes for the nodes of `tree` (None: none)."""

_NOTES: dict[str, Notes] = {}


def register_notes(name: str, fn: Notes) -> Callable[[], None]:
    """Register `fn(tree, example) -> NodeNotes | None` under `name`; returns its remover.

    Registering the same name again replaces the function. `example` is what
    the caller passed to `notes_of` (an input for a forward pass), or None.
    """
    _NOTES[name] = fn

    def remove() -> None:
        if _NOTES.get(name) is fn:
            del _NOTES[name]

    return remove


def notes_of(tree: Any, example: Any = None) -> NodeNotes:
    """The merged notes of every registered function for `tree`; never raises.

    Notes for the same path are joined with " · ", status lines with "; ". A
    function that raises contributes a status line naming it and the error.
    """
    merged: dict[KeyPath, str] = {}
    statuses: list[str] = []
    for name, fn in list(_NOTES.items()):
        try:
            found = fn(tree, example)
        except Exception as exc:  # an adapter's fault never breaks a drawing
            statuses.append(f"{name} notes failed: {type(exc).__name__}: {exc}")
            continue
        if found is None:
            continue
        if not merged:
            merged = dict(found.by_path)
        else:
            for path, note in found.by_path.items():
                merged[path] = f"{merged[path]} · {note}" if path in merged else note
        if found.status:
            statuses.append(found.status)
    return NodeNotes(merged, "; ".join(statuses))
