"""A rule can never kill or freeze the kernel or the widget (issue 10, items 1 and 6)."""

from __future__ import annotations

import sys
from typing import Any

import pytest

import glove_lab as gl
from glove_lab.notebook import GloveWidget, PlainGloveWidget
from tests.notebook.models import Conv, small_net
from tests.notebook.test_widget import front_end_event, front_end_update


@gl.rule("safety.exits", on=gl.Match(tag="convolution"))
def exits(node: Conv) -> Conv:
    """A rule whose helper calls argparse, which exits."""
    sys.exit(2)


@gl.rule("safety.interrupted", on=gl.Match(tag="convolution"))
def interrupted(node: Conv) -> Conv:
    """A long rule the user interrupts (the kernel raises KeyboardInterrupt in it)."""
    raise KeyboardInterrupt


class Crash(BaseException):
    """Not even an Exception."""


@gl.rule("safety.crashes", on=gl.Match(tag="convolution"))
def crashes(node: Conv) -> Conv:
    """Raises a BaseException subclass."""
    raise Crash("odd")


@pytest.fixture
def widget() -> GloveWidget:
    w = GloveWidget(gl.Session(small_net(), name="net"))
    w.send = lambda content, buffers=None: None
    w.busy_seen = []
    w.observe(lambda change: w.busy_seen.append(change["new"]), "busy")
    return w


def test_a_rule_raising_system_exit_from_the_palette_is_reported_and_nothing_changes(widget):
    before = widget.session.tree
    front_end_update(widget, selection=["blocks[0].conv"])
    front_end_event(widget, event="apply", rule="safety.exits", scope="selection", params={})
    assert "rule 'safety.exits' raised SystemExit(2) at 'blocks[0].conv'" in widget.error
    assert widget.error.endswith("nothing changed")
    assert widget.session.tree is before and widget.history == []
    # every button still works: the next rule applies
    front_end_event(widget, event="apply", rule="nbtest.widen", scope="selection",
                    params={"factor": "3"})
    assert widget.error == "" and widget.session.tree.blocks[0].conv.channels == 24
    assert widget.busy_seen == [True, False, True, False] and widget.busy is False


def test_an_interrupted_rule_says_interrupted_and_nothing_changed(widget):
    before = widget.session.tree
    front_end_event(widget, event="apply", rule="safety.interrupted", scope="everywhere")
    assert widget.error == "Interrupted, nothing changed"
    assert widget.session.tree is before and widget.busy is False
    front_end_event(widget, event="undo")
    assert widget.status == "Nothing to undo"


def test_any_base_exception_from_a_rule_is_reported(widget):
    front_end_event(widget, event="apply", rule="safety.crashes", scope="everywhere")
    assert "Crash('odd')" in widget.error and widget.history == []


def test_a_listener_crash_during_a_click_rolls_back_and_is_shown(widget):
    def broken(event: str, session: gl.Session) -> None:
        raise RuntimeError("listener bug")

    widget.session.subscribe(broken)
    before = widget.session.tree
    front_end_event(widget, event="apply", rule="nbtest.widen", scope="everywhere")
    assert "rolled back" in widget.error and "listener bug" in widget.error
    assert widget.session.tree is before and widget.can_undo is False


@pytest.mark.parametrize("selection", [["a[----1]"], ["blocks[" + "9" * 5000 + "]"],
                                       ["x" * 200_000], ["blocks[99]"], ["$", "d[<E.A: 1>]"]])
def test_a_bad_selection_from_the_front_end_shows_an_error_and_keeps_the_last_good_one(
        widget, selection):
    front_end_update(widget, selection=["blocks[0].conv"])
    front_end_update(widget, selection=selection)
    assert widget.error.startswith("Cannot select") and len(widget.error) < 600
    assert widget.selection == ["blocks[0].conv"]


@pytest.mark.parametrize("content", [
    {"event": "expand", "path": ["x"]},
    {"event": "expand", "path": "a[----1]"},
    {"event": "expand", "path": "blocks[99]"},
    {"event": "apply", "rule": "nbtest.widen", "scope": "selection", "params": {"factor": []}},
    {"event": "set", "path": "blocks[0].conv", "key": "kernel", "value": "-1"},
])
def test_bad_front_end_events_show_an_error_line_and_raise_nothing(widget, content):
    front_end_update(widget, selection=["blocks[0].conv"])
    before = widget.session.tree
    front_end_event(widget, **content)
    assert widget.error and widget.session.tree is before


def test_a_budget_below_one_is_a_clear_error():
    with pytest.raises(gl.GloveError, match="budget"):
        GloveWidget(gl.Session(small_net()), budget=0)


def test_the_plain_widget_buttons_survive_a_rule_raising_system_exit():
    widget = PlainGloveWidget(gl.Session(small_net(), name="net"))
    widget.rule.options = ["safety.exits"]
    widget.rule.value = "safety.exits"
    widget.apply_everywhere.click()
    assert "SystemExit(2)" in widget.message.value
    widget.rule.options = ["nbtest.widen"]
    widget.rule.value = "nbtest.widen"
    widget.apply_everywhere.click()
    assert widget.session.can_undo and "nbtest.widen" in widget.message.value


def test_a_rule_that_exits_in_a_real_kernel_leaves_the_kernel_and_its_variables(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    cells = [
        "import sys\nimport glove_lab as gl\nfrom glove_lab.notebook import GloveWidget\n"
        "from tests.notebook.models import Conv, small_net\n"
        "@gl.rule('kernel.exits', on=gl.Match(tag='convolution'))\n"
        "def exits(node: Conv) -> Conv:\n    sys.exit(2)\n"
        "net = small_net(); keep = 41\n"
        "w = GloveWidget(gl.Session(net, name='net'))\n"
        "w._handle_msg({'content': {'data': {'method': 'custom', 'content': "
        "{'event': 'apply', 'rule': 'kernel.exits', 'scope': 'everywhere'}}}, 'buffers': []})",
        "print(keep + 1, 'SystemExit(2)' in w.error, w.session.history == [])",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(_repo())}}).execute()
    assert notebook.cells[1].outputs[0]["text"].strip() == "42 True True"


def _repo() -> Any:
    from pathlib import Path

    return Path(__file__).resolve().parents[2]


def test_an_interrupt_while_previewing_a_rule_is_the_preview_and_never_escapes(widget):
    """The preview dry-ran the chosen rule on every redraw and let KeyboardInterrupt out of
    the widget's message handler (into ipykernel): the apply below raised in the test."""
    front_end_update(widget, selection=["blocks[0].conv"])
    front_end_event(widget, event="preview", rule="safety.interrupted", scope="selection",
                    params={})
    front_end_event(widget, event="apply", rule="safety.interrupted", scope="selection",
                    params={})
    assert widget.error == "Interrupted, nothing changed" and widget.history == []
    assert "Interrupted, nothing changed" in widget.controller.current_preview()["error"]
    front_end_event(widget, event="apply", rule="nbtest.widen", scope="selection",
                    params={"factor": "2"})
    assert widget.error == "" and len(widget.history) == 1
