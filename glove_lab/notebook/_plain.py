"""PlainGloveWidget: the same loop with stock ipywidgets, for front ends without our extension."""

from __future__ import annotations

import html
from collections.abc import Callable
from itertools import islice
from typing import Any

import ipywidgets as widgets

from glove_lab.notebook._base import SessionView
from glove_lab.notebook._protocol import HistoryEntry, RuleForm
from glove_lab.session import Session
from glove_lab.tree import index_of, kind_of

__all__ = ["PlainGloveWidget"]

_MAX_PATHS = 2000


class PlainGloveWidget(SessionView, widgets.VBox):
    """Path selector, rule selector, parameter fields and buttons over one Session.

    Args:
        session: the Session to drive (or a tree, which gets a new Session).
        budget: graph node budget.
        on_change: called with the new tree after each apply/undo/redo.
        check: optional `fn(new_tree)` run after every step (a forward on an example
            input): a step whose check raises is refused and the error is shown next
            to the rule; its result shows in the status line (`Session(check=...)`).
        check_mode: "raise" (refuse the step) or "warn" (keep it, marked failed).
        example: an input for the model: torch modules show their output shapes
            (see GloveWidget).
    """

    def __init__(self, session: Session | Any, budget: int = 150,
                 on_change: Callable[[Any], None] | None = None,
                 check: Callable[[Any], Any] | None = None, check_mode: str = "raise",
                 example: Any = None, **kwargs: Any) -> None:
        self.graph = widgets.HTML()
        self.paths = widgets.SelectMultiple(description="Select", rows=8,
                                            layout=widgets.Layout(width="100%"))
        self.rule = widgets.Dropdown(description="Rule", layout=widgets.Layout(width="100%"))
        self.form = widgets.VBox()
        self.apply_selection = widgets.Button(description="Apply to selection",
                                              button_style="primary")
        self.apply_everywhere = widgets.Button(description="Apply everywhere")
        self.undo_button = widgets.Button(description="Undo", icon="undo")
        self.redo_button = widgets.Button(description="Redo", icon="repeat")
        self.export_button = widgets.Button(description="Export", icon="code")
        self.inspector = widgets.HTML()
        self.history = widgets.HTML()
        self.message = widgets.HTML()
        self.code = widgets.Textarea(layout=widgets.Layout(width="100%", height="10em",
                                                           display="none"))
        self._fields: dict[str, widgets.Widget] = {}
        self._palette: list[RuleForm] = []
        self._updating = False
        self.paths.observe(self._paths_changed, "value")
        self.rule.observe(lambda change: self._build_form(), "value")
        self.apply_selection.on_click(lambda _: self._run(lambda: self._apply("selection")))
        self.apply_everywhere.on_click(lambda _: self._run(lambda: self._apply("everywhere")))
        self.undo_button.on_click(lambda _: self._run(self.controller.undo))
        self.redo_button.on_click(lambda _: self._run(self.controller.redo))
        self.export_button.on_click(lambda _: self._run(self._export))
        controls = widgets.VBox([
            self.paths, self.rule, self.form,
            widgets.HBox([self.apply_selection, self.apply_everywhere]),
            widgets.HBox([self.undo_button, self.redo_button, self.export_button]),
            self.inspector, self.history,
        ], layout=widgets.Layout(width="40%"))
        body = widgets.HBox([widgets.Box([self.graph], layout=widgets.Layout(
            width="60%", overflow="auto", max_height="540px")), controls])
        super().__init__([self.message, body, self.code], **kwargs)
        self._attach(session, budget, on_change, check, check_mode, example)
        self.refresh()

    def _redraw(self) -> None:
        c = self.controller
        self._updating = True
        try:
            self.graph.value = c.svg()
            paths = self._node_paths()
            self.paths.options = [(p or "$ (root)", p) for p in paths]
            shown = set(paths)
            self.paths.value = tuple(p for p in c.selection if p in shown)
            self._palette = c.palette()
            names = [r["name"] for r in self._palette]
            current = self.rule.value
            self.rule.options = names
            self.rule.value = current if current in names else (names[0] if names else None)
        finally:
            self._updating = False
        self._build_form()
        info = c.inspector()
        if info:
            rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>"
                           for k, v in info["args"])
            self.inspector.value = (f"<b>{html.escape(info['path'])}</b> · "
                                    f"{html.escape(info['type'])} "
                                    f"{html.escape(', '.join(info['tags']))}<table>{rows}</table>")
        else:
            self.inspector.value = "<i>Select a node to inspect it</i>"
        self.history.value = "<ol>" + "".join(
            f"<li style='{_history_style(h)}'>"
            f"{html.escape(_history_line(h))}</li>" for h in c.history()) + "</ol>"
        colour = "#c62828" if c.error else "#555"
        status = c.status_text()
        self.message.value = (f"<div style='color:{colour}'>"
                              f"{html.escape(c.error or status)}</div>")
        self.undo_button.disabled = not c.session.can_undo
        self.redo_button.disabled = not c.session.can_redo

    def _node_paths(self) -> list[str]:
        entries = index_of(self.session.tree).entries
        return list(islice((str(p) for p, node in entries if kind_of(node) is not None),
                           _MAX_PATHS))

    def _paths_changed(self, change: dict[str, Any]) -> None:
        if self._updating:
            return
        self._run(lambda: self.controller.select(list(change["new"])))

    def _build_form(self) -> None:
        rule = next((r for r in self._palette if r["name"] == self.rule.value), None)
        self._fields = {}
        for p in rule["params"] if rule else []:
            default = p["default"]
            if p["kind"] == "int":
                field: widgets.Widget = widgets.IntText(value=default or 0)
            elif p["kind"] == "float":
                field = widgets.FloatText(value=default or 0.0)
            elif p["kind"] == "bool":
                field = widgets.Checkbox(value=bool(default))
            elif p["kind"] == "choice":
                field = widgets.Dropdown(options=p["choices"],
                                         value=str(default) if default is not None else None)
            else:
                field = widgets.Text(value="" if default is None else str(default))
            field.description = p["name"]
            self._fields[p["name"]] = field
        self.form.children = list(self._fields.values())

    def _apply(self, scope: str) -> bool:
        """(Run through `_run`, which redraws and catches everything.)"""
        if not self.rule.value:
            self.controller.error = "No rule matches the selection"
            return False
        params = {name: field.value for name, field in self._fields.items()}
        return self.controller.apply(self.rule.value, params, scope)

    def _export(self) -> bool:
        self.code.value = self.controller.export()
        self.code.layout.display = "block"
        return bool(self.code.value)

    def _show_error_only(self) -> None:
        self.message.value = (f"<div style='color:#c62828'>"
                              f"{html.escape(self.controller.error)}</div>")

    def close(self) -> None:
        """Detach from the session and close the widgets."""
        self._detach()
        super().close()


def _history_style(entry: HistoryEntry) -> str:
    """Undone steps struck through; a step kept although its check failed, in red."""
    if entry["undone"]:
        return "color:#999;text-decoration:line-through"
    return "color:#c62828" if entry["check_error"] else ""


def _history_line(entry: HistoryEntry) -> str:
    """`rule(params) at paths: what it did`, as one line of the plain history list."""
    where = entry["paths"] if entry["paths"] == "everywhere" else f"at {entry['paths']}"
    return f"{entry['rule']}({entry['params']}) {where}: {entry['summary']}"
