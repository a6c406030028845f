"""The widget's wire protocol, defined once: synced view state and messages, as TypedDicts.

labextension/src/types.ts mirrors these shapes for the front end;
tests/notebook/test_protocol.py parses that file and checks that both agree.
The rule form shapes belong to the rules layer (`Rule.form()`, `Param.form()`)
and are re-exported here.
"""

from __future__ import annotations

from typing import Literal, TypedDict

from glove_lab.patching import FormKind, FormValue, ParamForm, RuleForm

__all__ = [
    "ApplyMessage", "ApplyScope", "CellInsertedMessage", "CollapseAllMessage",
    "CollapseMessage", "DepthMessage", "DismissErrorMessage", "ExpandAllMessage",
    "ExpandMessage", "ExportMessage", "FormKind", "FormValue", "FrontEndMessage",
    "HistoryEntry", "InsertCellMessage", "Inspector", "KernelMessage", "NoPreview", "ParamForm",
    "Preview", "PreviewMessage", "RedoMessage", "RuleForm", "SearchMatch", "SearchMessage",
    "SetMessage", "UndoMessage", "ViewState",
]

ApplyScope = Literal["selection", "everywhere"]
"""Where an `apply` message applies its rule."""


class Inspector(TypedDict):
    """Facts about the inspected node (the `inspector` trait; `{}` when none)."""

    path: str
    type: str
    tags: list[str]
    args: list[tuple[str, str]]
    doc: str
    editable: dict[str, str]
    """Keys whose value can be edited in place (every field): a literal's `repr`, or "" for a
    value that has none (the front end shows its short repr; an expression replaces it)."""
    child_paths: dict[str, str]
    """The path of each key's child: clicking its row selects it (a leaf too)."""
    tag_colors: dict[str, str]
    """The graph's colour of each tag (`#rrggbb`), so chips match the boxes."""
    common: str
    """With several nodes selected, what they share ("all BatchNorm2d · #normalization")."""


class HistoryEntry(TypedDict):
    """One line of the history list: applied steps, then undone ones."""

    index: int
    rule: str
    params: str
    paths: str
    summary: str
    undone: bool
    check: str  # the session check's result on this step ("check ok: Tensor(2, 10) in 3 ms")
    check_error: str  # set when the step was kept although its check failed (mode "warn")


class SearchMatch(TypedDict):
    """One node a search found: its path, type and what matched."""

    path: str
    type: str
    why: str


class NoInspector(TypedDict):
    """The `inspector` trait when nothing is inspected: `{}`."""


class Preview(TypedDict):
    """What the previewed rule would do (a dry run), for the palette and the graph."""

    rule: str
    scope: ApplyScope
    count: int
    """Changes the step would make (its "N changes"); 0 when it would change nothing."""
    nodes: list[str]
    """The `<title>`s of the drawn nodes to highlight (a placeholder for hidden changes)."""
    hidden: int
    """Changes inside collapsed parts of the graph (drawn as their placeholder)."""
    text: str
    """"would change 53 nodes (12 in collapsed parts)", or "would change nothing here: why"."""
    error: str
    """Why the rule cannot apply here with these values (the dry run raised), or ""."""


class NoPreview(TypedDict):
    """The `preview` trait when no rule is previewed: `{}`."""


class ViewState(TypedDict):
    """The synced traits of the widget model, by name (what a front end reads)."""

    svg: str
    selection: list[str]
    inspector: Inspector | NoInspector
    palette: list[RuleForm]
    history: list[HistoryEntry]
    can_undo: bool
    can_redo: bool
    error: str
    status: str
    title: str
    busy: bool
    matches: list[SearchMatch]
    depth: int | None
    """Levels shown below the root (None: as many as the node budget allows)."""
    all_expanded: bool
    """"Expand all" is on (at most `EXPAND_ALL_BUDGET` nodes are laid out)."""
    graph_note: str
    """How much of the tree the graph shows ("Showing 866 of 12,002 nodes; ..."), or ""."""
    preview: Preview | NoPreview
    strict: bool
    """Refuse a selection with nodes the rule does not match (off: they are skipped)."""


# -- messages from the front end -------------------------------------------------------------
class ExpandMessage(TypedDict):
    """Open a collapsed placeholder."""

    event: Literal["expand"]
    path: str


class CollapseMessage(TypedDict):
    """Close an expanded subtree again (it becomes a placeholder)."""

    event: Literal["collapse"]
    path: str


class DepthMessage(TypedDict):
    """Show this many levels below the root (null: as many as the budget allows)."""

    event: Literal["depth"]
    depth: int | None


class ExpandAllMessage(TypedDict):
    """Open every subtree (within the expand-all node cap)."""

    event: Literal["expand_all"]


class CollapseAllMessage(TypedDict):
    """Show only the root and its children."""

    event: Literal["collapse_all"]


class ApplyMessage(TypedDict):
    """Apply a rule with typed form values to the selection or everywhere."""

    event: Literal["apply"]
    rule: str
    params: dict[str, FormValue]
    scope: ApplyScope
    strict: bool


class PreviewMessage(TypedDict):
    """Preview a rule with the form's values (the `preview` trait answers); rule "" stops."""

    event: Literal["preview"]
    rule: str
    params: dict[str, FormValue]
    scope: ApplyScope


class SetMessage(TypedDict):
    """Set one value from the inspector (a Python expression, evaluated in the kernel)."""

    event: Literal["set"]
    path: str
    key: str
    value: str


class SearchMessage(TypedDict):
    """Find nodes by path, type, `#tag` or value text (the `matches` trait answers)."""

    event: Literal["search"]
    query: str


class UndoMessage(TypedDict):
    """Undo the last step."""

    event: Literal["undo"]


class RedoMessage(TypedDict):
    """Redo the next undone step."""

    event: Literal["redo"]


class ExportMessage(TypedDict):
    """Export the session as code (a new cell below the widget)."""

    event: Literal["export"]


class DismissErrorMessage(TypedDict):
    """Clear the error message."""

    event: Literal["dismiss_error"]


class CellInsertedMessage(TypedDict):
    """The front end inserted the exported code as a cell."""

    event: Literal["cell_inserted"]


FrontEndMessage = (ExpandMessage | CollapseMessage | DepthMessage | ExpandAllMessage
                   | CollapseAllMessage | ApplyMessage | PreviewMessage | SetMessage
                   | SearchMessage
                   | UndoMessage | RedoMessage | ExportMessage | DismissErrorMessage
                   | CellInsertedMessage)
"""A message the front end sends to the kernel."""


# -- messages from the kernel ----------------------------------------------------------------
class InsertCellMessage(TypedDict):
    """Insert `code` as a new cell below the widget's cell (or show it to copy)."""

    event: Literal["insert_cell"]
    code: str


KernelMessage = InsertCellMessage
"""A message the kernel sends to the front end."""
