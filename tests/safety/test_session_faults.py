"""Steps are atomic, listeners included (issue 10, item 4) and sessions refuse re-entry."""

from __future__ import annotations

from typing import Any

import pytest

import glove_lab as gl
from tests.safety.test_rule_faults import Cell, tree


def test_a_listener_that_raises_rolls_the_step_back_and_says_so():
    session = gl.Session(tree())
    original = session.tree
    seen: list[tuple[str, Any]] = []
    session.subscribe(lambda event, s: seen.append((event, s.tree)))

    def broken_view(event: str, s: gl.Session) -> None:
        if event == "apply":
            raise ValueError("view crashed")

    session.subscribe(broken_view)
    with pytest.raises(gl.GloveError, match=r"apply was rolled back, nothing changed.*"
                                            r"ValueError: view crashed"):
        session.replace("left", Cell(9))
    assert session.tree is original and session.history == [] and not session.can_redo
    # the listener told of the step was told of the rollback, and sees the original again
    assert [event for event, _ in seen] == ["apply", "rollback"] and seen[-1][1] is original


def test_a_listener_failing_on_undo_keeps_the_step_and_the_redo_stack_intact():
    session = gl.Session(tree())
    session.replace("left", Cell(9))
    session.replace("left", Cell(10))
    session.undo()
    tree_now, history, undone = session.tree, session.history, session.undone

    def refuse_undo(event: str, s: gl.Session) -> None:
        if event in ("undo", "redo"):
            raise SystemExit(1)

    session.subscribe(refuse_undo)
    with pytest.raises(gl.GloveError, match=r"undo was rolled back.*SystemExit"):
        session.undo()
    with pytest.raises(gl.GloveError, match=r"redo was rolled back"):
        session.redo()
    assert session.tree is tree_now and session.history == history and session.undone == undone


def test_an_interrupt_in_a_listener_rolls_back_and_propagates():
    session = gl.Session(tree())
    original = session.tree

    def interrupted(event: str, s: gl.Session) -> None:
        if event == "apply":
            raise KeyboardInterrupt

    session.subscribe(interrupted)
    with pytest.raises(KeyboardInterrupt):
        session.replace("left", Cell(9))
    assert session.tree is original and session.history == []


def test_a_listener_may_not_apply_to_the_session_it_listens_to():
    session = gl.Session(tree())
    session.subscribe(lambda event, s: s.replace("left", Cell(0)) if event == "apply" else None)
    with pytest.raises(gl.GloveError, match=r"rolled back.*busy"):
        session.replace("left", Cell(9))
    assert session.history == []


def test_a_session_named_after_a_keyword_is_refused():
    with pytest.raises(gl.GloveError, match="keyword"):
        gl.Session(tree(), name="class")
