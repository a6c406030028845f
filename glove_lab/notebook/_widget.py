"""GloveWidget: the ipywidgets model of the click-to-rewrite view (a thin traitlets shell).

The JupyterLab front end (labextension/) draws it; all logic is in Controller.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import ipywidgets as widgets
import traitlets

from glove_lab._version import __version__
from glove_lab.notebook._base import SessionView
from glove_lab.notebook._controller import failure_text
from glove_lab.notebook._protocol import InsertCellMessage, ViewState
from glove_lab.session import Session

__all__ = ["GloveWidget"]

_MODULE = "glove-lab"
_MODULE_VERSION = "^" + __version__


class GloveWidget(SessionView, widgets.DOMWidget):
    """Graph, inspector, rule palette, history and Undo/Redo/Export for one Session.

    The synced traits are `ViewState` and the messages `FrontEndMessage` /
    `InsertCellMessage` (glove_lab/notebook/_protocol.py, mirrored in
    labextension/src/types.ts).

    Args:
        session: the Session to drive (or a tree, which gets a new Session).
        budget: graph node budget; collapsed placeholders beyond it.
        on_change: called with the new tree after each apply/undo/redo.
        check: optional `fn(new_tree)` run after every step (a forward on an example
            input): a step whose check raises is refused and the error is shown next
            to the rule; its result shows in the status line (`Session(check=...)`).
        check_mode: "raise" (refuse the step) or "warn" (keep it, marked failed).
        example: an input for the model (`import glove_lab.torch`): each module
            node then shows its output shape from one forward on it (on a copy,
            in eval mode, after every step) beside its parameter count; a
            forward that fails says so in the status line.
    """

    _model_name = traitlets.Unicode("GloveModel").tag(sync=True)
    _view_name = traitlets.Unicode("GloveView").tag(sync=True)
    _model_module = traitlets.Unicode(_MODULE).tag(sync=True)
    _view_module = traitlets.Unicode(_MODULE).tag(sync=True)
    _model_module_version = traitlets.Unicode(_MODULE_VERSION).tag(sync=True)
    _view_module_version = traitlets.Unicode(_MODULE_VERSION).tag(sync=True)

    svg = traitlets.Unicode("").tag(sync=True)
    selection = traitlets.List(traitlets.Unicode()).tag(sync=True)
    inspector = traitlets.Dict().tag(sync=True)
    palette = traitlets.List(traitlets.Dict()).tag(sync=True)
    history = traitlets.List(traitlets.Dict()).tag(sync=True)
    can_undo = traitlets.Bool(False).tag(sync=True)
    can_redo = traitlets.Bool(False).tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)
    busy = traitlets.Bool(False).tag(sync=True)
    matches = traitlets.List(traitlets.Dict()).tag(sync=True)
    depth = traitlets.Int(None, allow_none=True).tag(sync=True)
    all_expanded = traitlets.Bool(False).tag(sync=True)
    graph_note = traitlets.Unicode("").tag(sync=True)
    preview = traitlets.Dict().tag(sync=True)
    strict = traitlets.Bool(True).tag(sync=True)

    def __init__(self, session: Session | Any, budget: int = 150,
                 on_change: Callable[[Any], None] | None = None,
                 check: Callable[[Any], Any] | None = None, check_mode: str = "raise",
                 example: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._syncing = False
        self._attach(session, budget, on_change, check, check_mode, example)
        self.on_msg(self._handle_message)
        self.title = f"glove_lab · {self.session.name}"
        self.refresh()

    # -- Python API (the same actions the buttons send) ---------------------
    def select(self, *paths: str) -> None:
        """Select nodes by path (as a click would)."""
        self.selection = list(paths)

    def apply(self, rule: str, scope: str = "selection", **params: Any) -> bool:
        """Apply a rule to the selection or everywhere (as the palette would).

        `strict` (the trait, a checkbox in the palette) off skips selected nodes
        the rule does not match.
        """
        self.busy = True
        try:
            return self._run(lambda: self.controller.apply(rule, params, scope))
        finally:
            self.busy = False

    def preview_rule(self, rule: str, scope: str = "selection", **params: Any) -> Any:
        """What `apply` would do, doing nothing (as hovering the rule in the palette shows).

        Sets and returns the `preview` trait: the count of changes, the drawn
        nodes to highlight and a line of text; `preview_rule("")` stops previewing.
        """
        self.preview = cast("dict[str, Any]", self.controller.preview(rule, params, scope))
        return self.preview

    def undo(self) -> bool:
        """Undo the last step."""
        return self._run(self.controller.undo)

    def redo(self) -> bool:
        """Redo the next undone step."""
        return self._run(self.controller.redo)

    def collapse(self, path: str) -> bool:
        """Close the subtree at `path` again (as the Collapse button would)."""
        return self._run(lambda: self.controller.collapse(path))

    def set_depth(self, depth: int | None) -> bool:
        """Show `depth` levels below the root; None: as many as the budget allows."""
        return self._run(lambda: self.controller.set_depth(depth))

    def expand_all(self) -> bool:
        """Open every subtree (at most `EXPAND_ALL_BUDGET` nodes are laid out)."""
        return self._run(self.controller.expand_all)

    def collapse_all(self) -> bool:
        """Show only the root and its children."""
        return self._run(self.controller.collapse_all)

    def export(self, insert_cell: bool = True) -> str:
        """The session's code; with a front end, also inserted as a cell below the widget."""
        code = self.controller.export()
        if insert_cell and code:
            message: InsertCellMessage = {"event": "insert_cell", "code": code}
            self.send(message)
        self._redraw()
        return code

    # -- plumbing -------------------------------------------------------------
    @traitlets.observe("selection")
    def _selection_changed(self, change: dict[str, Any]) -> None:
        if self._syncing:
            return
        # after a bad path, the redraw reverts the selection to the last valid one
        self._run(lambda: self.controller.select(change["new"]))

    @traitlets.observe("strict")
    def _strict_changed(self, change: dict[str, Any]) -> None:
        if self._syncing:
            return
        self.controller.strict = bool(change["new"])
        self._safe_redraw()  # the palette offers rules for some or every selected node

    def _handle_message(self, widget: Any, content: Any, buffers: Any) -> None:
        """Act on one `FrontEndMessage`; anything else is reported, never raised.

        Nothing escapes into ipykernel's comm handler (see `SessionView._run`).
        """
        try:
            self._dispatch(content)
        except BaseException as exc:
            self.busy = False
            self.controller.error = failure_text(exc)
            self._safe_redraw()

    def _dispatch(self, content: Any) -> None:
        if not isinstance(content, dict):
            self.controller.error = "Ignored a malformed message from the front end"
            self._redraw()
            return
        event = content.get("event")
        if event == "apply":
            params = content.get("params")
            if isinstance(content.get("strict"), bool):
                self.controller.strict = content["strict"]
            self.apply(str(content.get("rule", "")), str(content.get("scope", "selection")),
                       **(params if isinstance(params, dict) else {}))
        elif event == "preview":
            params = content.get("params")
            self.preview_rule(str(content.get("rule", "")),
                              str(content.get("scope", "selection")),
                              **(params if isinstance(params, dict) else {}))
        elif event == "undo":
            self.undo()
        elif event == "redo":
            self.redo()
        elif event == "export":
            self.export()
        elif event == "set":
            self._run(lambda: self.controller.set_value(
                str(content.get("path", "")), str(content.get("key", "")),
                str(content.get("value", ""))))
        elif event == "search":
            self.controller.search(str(content.get("query", "")))
            self._redraw()
        elif event == "expand":
            self._run(lambda: self.controller.expand(content.get("path", "")))
        elif event == "collapse":
            self._run(lambda: self.controller.collapse(content.get("path", "")))
        elif event == "depth":
            self._run(lambda: self.controller.set_depth(content.get("depth")))
        elif event == "expand_all":
            self._run(self.controller.expand_all)
        elif event == "collapse_all":
            self._run(self.controller.collapse_all)
        elif event == "dismiss_error":
            self.controller.dismiss_error()
            self._redraw()
        elif event == "cell_inserted":
            self.controller.status = "Inserted the exported code in a new cell below"
            self._redraw()
        else:
            self.controller.error = f"Unknown front-end event {event!r}"
            self._redraw()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """The widget view, plus a static `image/svg+xml` of the graph and a text line.

        Where no live kernel or no glove_lab front end is there to draw the view
        (a saved notebook on GitHub or nbviewer, `nbconvert --to html`, JupyterLab
        with the kernel stopped), the static picture shows instead; the front end
        keeps it current in the notebook as steps are made.
        """
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        # ipywidgets returns the data; anywidget-style bases return (data, metadata).
        data, metadata = (bundle if isinstance(bundle, tuple) else (bundle, None))
        data = dict(data)
        if self.svg:
            data["image/svg+xml"] = self.svg
        data["text/plain"] = f"glove_lab widget: {self.session.name}"
        return data if metadata is None else (data, metadata)

    def view_state(self) -> ViewState:
        """Every synced field, computed from the controller (what `_redraw` pushes)."""
        svg = self.controller.svg()  # first: a drawing failure sets the error line
        return cast("ViewState", {"svg": svg, **self._state_but_svg()})

    def _state_but_svg(self) -> dict[str, Any]:
        c = self.controller
        return {"selection": list(c.selection), "inspector": c.inspector(),
                "palette": c.palette(), "history": c.history(),
                "can_undo": c.session.can_undo, "can_redo": c.session.can_redo,
                "error": c.error,
                "status": c.status_text(),
                "title": f"glove_lab · {c.session.name}" + (" (detached)" if c.detached else ""),
                "busy": self.busy, "matches": list(c.matches), "depth": c.depth,
                "all_expanded": c.all_expanded, "graph_note": c.graph_note,
                "preview": c.current_preview(), "strict": c.strict}

    def _redraw(self) -> None:
        if not self.controller.svg_is_current():
            # Drawing takes graphviz tens of milliseconds: the inspector, palette and
            # history go out first, so a click is answered while the graph is drawn.
            self._push(self._state_but_svg())
        self._push(cast("dict[str, Any]", self.view_state()))  # unchanged fields are not resent

    def _push(self, state: dict[str, Any]) -> None:
        """Set the synced traits in `state` (in one message; only changed ones are sent)."""
        self._syncing = True
        try:
            with self.hold_sync():
                for name in ("selection", "svg", "inspector", "palette", "history", "can_undo",
                             "can_redo", "error", "status", "title", "matches", "depth",
                             "all_expanded", "graph_note", "preview", "strict"):
                    if name in state:
                        setattr(self, name, state[name])
        finally:
            self._syncing = False

    def _show_error_only(self) -> None:
        self.error = self.controller.error

    def close(self) -> None:
        """Detach from the session and close the comm."""
        self._detach()
        super().close()
