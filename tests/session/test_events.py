"""Session events: one typed SessionEvent (kind, step, before, after) that views listen to."""

from __future__ import annotations

import re

import pytest

import glove_lab as gl
from glove_lab.session import SessionEvent
from tests.safety.test_rule_faults import Cell, tree


def session_of_two():
    return gl.Session(tree(), name="pair")


def test_apply_undo_redo_send_the_step_and_the_roots_on_either_side():
    session = session_of_two()
    seen: list[SessionEvent] = []
    session.on_change(seen.append)
    original = session.tree
    step = session.replace("left", Cell(10))
    patched = session.tree
    session.undo()
    session.redo()
    assert [e.kind for e in seen] == ["apply", "undo", "redo"]
    assert all(e.step is step and e.session is session for e in seen)
    assert (seen[0].before, seen[0].after) == (original, patched)
    assert seen[0].before is original and seen[0].after is patched
    assert seen[1].before is patched and seen[1].after is original
    assert seen[2].before is original and seen[2].after is patched


def test_a_listener_that_raises_rolls_back_and_earlier_listeners_hear_it():
    session = session_of_two()
    seen: list[SessionEvent] = []
    session.on_change(seen.append)

    def broken(event: SessionEvent) -> None:
        raise ValueError("view exploded")

    session.on_change(broken)
    original = session.tree
    with pytest.raises(gl.GloveError, match="rolled back"):
        session.replace("left", Cell(10))
    assert session.tree is original and session.history == []
    assert [e.kind for e in seen] == ["apply", "rollback"]
    assert seen[1].after is original and seen[1].before is seen[0].after


def test_subscribe_keeps_its_kind_and_session_signature_and_unsubscribes():
    session = session_of_two()
    calls = []
    stop = session.subscribe(lambda kind, s: calls.append((kind, s)))
    session.replace("left", Cell(10))
    stop()
    session.undo()
    assert calls == [("apply", session)]


def test_a_view_redraws_from_the_controller_after_it_took_the_event_in():
    """The widget's redraw no longer depends on the order of two subscriptions."""
    from glove_lab.notebook import GloveWidget

    session = session_of_two()
    order: list[str] = []
    session.subscribe(lambda kind, s: order.append("before-view"))
    widget = GloveWidget(session)
    try:
        widget.select("left")
        session.replace("", Cell(0))  # the selected path vanishes with the old root
        assert widget.selection == []  # pruned by the controller before the redraw
        assert "left" not in widget.inspector.get("path", "")
        session.undo()
        # the graph marks what the undo changed back (dot writes "-" as "&#45;")
        assert re.search(r'class="node glove(-|&#45;)changed"', widget.svg)
        assert order == ["before-view", "before-view"]
    finally:
        widget.close()
