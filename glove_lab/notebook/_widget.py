"""GloveWidget: the ipywidgets model of the click-to-rewrite view (a thin traitlets shell).

The JupyterLab front end (labextension/) draws it; all logic is in Controller.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import traitlets

from glove_lab._version import __version__
from glove_lab.notebook._controller import Controller
from glove_lab.session import Session

__all__ = ["GloveWidget"]

_MODULE = "glove-lab"
_MODULE_VERSION = "^" + __version__


class GloveWidget(widgets.DOMWidget):
    """Graph, inspector, rule palette, history and Undo/Redo/Export for one Session.

    Args:
        session: the Session to drive (or a tree, which gets a new Session).
        budget: graph node budget; collapsed placeholders beyond it.
        on_change: called with the new tree after each apply/undo/redo.
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
    last_export = traitlets.Unicode("").tag(sync=True)

    def __init__(self, session: Session | Any, budget: int = 150,
                 on_change: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(session, Session):
            session = Session(session)
        self.session = session
        self.controller = Controller(session, budget=budget, on_change=on_change)
        self._syncing = False
        self._in_action = False
        self._unsubscribe = session.subscribe(self._session_changed)
        self.on_msg(self._handle_message)
        self.title = f"glove_lab · {session.name}"
        self.refresh()

    # -- Python API (the same actions the buttons send) ---------------------
    def select(self, *paths: str) -> None:
        """Select nodes by path (as a click would)."""
        self.selection = list(paths)

    def apply(self, rule: str, scope: str = "selection", **params: Any) -> bool:
        """Apply a rule to the selection or everywhere (as the palette would)."""
        self.busy = True
        try:
            return self._action(lambda: self.controller.apply(rule, params, scope))
        finally:
            self.busy = False

    def undo(self) -> bool:
        """Undo the last step."""
        return self._action(self.controller.undo)

    def redo(self) -> bool:
        """Redo the next undone step."""
        return self._action(self.controller.redo)

    def export(self, insert_cell: bool = True) -> str:
        """The session's code; with a front end, also inserted as a cell below the widget."""
        code = self.controller.export()
        if insert_cell:
            self.send({"event": "insert_cell", "code": code})
        self._push_state()
        return code

    # -- plumbing -------------------------------------------------------------
    @traitlets.observe("selection")
    def _selection_changed(self, change: dict[str, Any]) -> None:
        if self._syncing:
            return
        self.controller.select(change["new"])
        self._push_state()  # after a bad path, this reverts the selection to the last valid one

    def _handle_message(self, widget: Any, content: Any, buffers: Any) -> None:
        if not isinstance(content, dict):
            self.controller.error = "Ignored a malformed message from the front end"
            self._push_state()
            return
        event = content.get("event")
        if event == "apply":
            params = content.get("params")
            self.apply(str(content.get("rule", "")), str(content.get("scope", "selection")),
                       **(params if isinstance(params, dict) else {}))
        elif event == "undo":
            self.undo()
        elif event == "redo":
            self.redo()
        elif event == "export":
            self.export()
        elif event == "set":
            self._action(lambda: self.controller.set_value(
                str(content.get("path", "")), str(content.get("key", "")),
                str(content.get("value", ""))))
        elif event == "expand":
            self.controller.expand(str(content.get("path", "")))
            self._push_state()
        elif event == "select":
            self.selection = [str(p) for p in content.get("paths", [])]
        elif event == "dismiss_error":
            self.controller.dismiss_error()
            self._push_state()
        elif event == "cell_inserted":
            self.controller.status = "Inserted the exported code in a new cell below"
            self._push_state()
        else:
            self.controller.error = f"Unknown front-end event {event!r}"
            self._push_state()

    def refresh(self) -> None:
        """Recompute every synced view field from the session, the graph drawn afresh."""
        self.controller.forget_graph()
        self._push_state()

    def _push_state(self) -> None:
        c = self.controller
        svg = c.svg()
        self._syncing = True
        try:
            with self.hold_sync():
                self.selection = list(c.selection)
                self.svg = svg
                self.inspector = c.inspector()
                self.palette = c.palette()
                self.history = c.history()
                self.can_undo = c.session.can_undo
                self.can_redo = c.session.can_redo
                self.error = c.error
                self.status = c.status
                self.last_export = c.last_export
        finally:
            self._syncing = False

    def _action(self, run: Any) -> bool:
        """Run a controller action, then push the view state once."""
        self._in_action = True
        try:
            ok = bool(run())
        finally:
            self._in_action = False
        self._push_state()
        return ok

    def _session_changed(self, event: str, session: Session) -> None:
        # Changes made elsewhere (a magic, another widget, code) redraw this view.
        if not self._in_action:
            self._push_state()

    def close(self) -> None:
        """Detach from the session and close the comm."""
        self._unsubscribe()
        self.controller.close()
        super().close()
