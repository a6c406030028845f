"""Session: steps, history, O(1) undo/redo by keeping roots, editing helpers and listeners."""

from __future__ import annotations

import time
from typing import Any

import pytest

import glove_lab as gl
import tests.fixtures.rules  # noqa: F401  (registers the fixture rules)
from tests.fixtures.models import Act, Block, Box, Conv, small_net


@pytest.fixture
def session() -> gl.Session:
    return gl.Session(small_net(), name="net")


def test_a_new_session_holds_the_given_tree(session):
    tree = small_net()
    assert gl.Session(tree).tree is tree


def test_a_session_name_must_be_an_identifier():
    with pytest.raises(gl.GloveError):
        gl.Session([1], name="my net")


def test_apply_updates_the_tree(session):
    session.apply("fixtures.widen")
    assert session.tree.blocks[1].conv.channels == 32


def test_apply_returns_the_recorded_step(session):
    step = session.apply("fixtures.widen", factor=3)
    assert (step.rule, step.params, step.paths) == ("fixtures.widen", {"factor": 3}, None)


def test_a_step_applied_everywhere_has_no_paths(session):
    assert session.apply("fixtures.widen").everywhere


def test_a_step_applied_at_paths_records_them(session):
    step = session.apply("fixtures.swap_act", at=["blocks[1].act"])
    assert step.paths == ("blocks[1].act",)


def test_a_step_records_the_changed_paths(session):
    step = session.apply("fixtures.widen")
    assert step.changed_paths == ("blocks[0].conv.channels", "blocks[1].conv.channels")


def test_a_step_records_converted_uri_parameters(session):
    assert session.apply("fixtures.widen?factor=4").params == {"factor": 4}


def test_a_step_records_when_it_was_applied(session):
    before = time.time()
    step = session.apply("fixtures.widen")
    assert before <= step.time <= time.time()


def test_history_lists_the_applied_steps_oldest_first(session):
    session.apply("fixtures.widen")
    session.apply("fixtures.swap_act")
    assert [s.rule for s in session.history] == ["fixtures.widen", "fixtures.swap_act"]


def test_a_failing_apply_leaves_tree_and_history_unchanged(session):
    tree = session.tree
    with pytest.raises(gl.NoMatchError):
        session.apply("fixtures.box_nodes")
    assert session.tree is tree and session.history == []


def test_a_raising_rule_in_a_session_leaves_tree_and_history_unchanged():
    session = gl.Session([0, 3])
    with pytest.raises(gl.RuleError):
        session.apply("fixtures.explode_on_big")
    assert session.tree == [0, 3] and session.history == []


def test_undo_restores_the_previous_root_object(session):
    original = session.tree
    session.apply("fixtures.widen")
    session.undo()
    assert session.tree is original


def test_undo_returns_the_undone_step(session):
    step = session.apply("fixtures.widen")
    assert session.undo() is step


def test_undo_at_the_start_returns_none(session):
    assert session.undo() is None


def test_undone_steps_leave_the_history(session):
    session.apply("fixtures.widen")
    session.undo()
    assert session.history == []


def test_redo_restores_the_same_root_object(session):
    session.apply("fixtures.widen")
    patched = session.tree
    session.undo()
    session.redo()
    assert session.tree is patched


def test_redo_returns_the_redone_step(session):
    step = session.apply("fixtures.widen")
    session.undo()
    assert session.redo() is step


def test_redo_at_the_end_returns_none(session):
    session.apply("fixtures.widen")
    assert session.redo() is None


def test_a_new_apply_clears_the_redo_stack(session):
    session.apply("fixtures.widen")
    session.undo()
    session.apply("fixtures.swap_act")
    assert session.redo() is None


def test_undo_keeps_untouched_subtrees_shared(session):
    session.apply("fixtures.swap_act", at=["blocks[0].act"])
    assert session.tree.blocks[1] is session.base.blocks[1]


def test_replace_is_a_glove_replace_step(session):
    step = session.replace("blocks[0].act", Act("silu"))
    assert (step.rule, step.paths, session.tree.blocks[0].act.kind) == (
        "glove.replace", ("blocks[0].act",), "silu")


def test_replace_keeps_a_string_value_a_string():
    session = gl.Session({"x": 1})
    session.replace("x", "5")
    assert session.tree == {"x": "5"}


def test_rebind_is_one_glove_rebind_step(session):
    session.rebind({"blocks[0].conv.kernel": 5, "head": "mlp"})
    assert [s.rule for s in session.history] == ["glove.rebind"]


def test_rebind_sets_every_path(session):
    session.rebind({"blocks[0].conv.kernel": 5, gl.KeyPath.parse("head"): "mlp"})
    assert (session.tree.blocks[0].conv.kernel, session.tree.head) == (5, "mlp")


def test_rebind_step_records_changed_paths(session):
    step = session.rebind({"blocks[0].conv.kernel": 5, "head": "mlp"})
    assert step.changed_paths == ("blocks[0].conv.kernel", "head")


def test_remove_deletes_an_element(session):
    session.remove("blocks[0]")
    assert [b.conv.channels for b in session.tree.blocks] == [16]


def test_insert_adds_an_element_after(session):
    session.insert("blocks[0]", Block(Conv(4), Act()))
    assert [b.conv.channels for b in session.tree.blocks] == [8, 4, 16]


def test_insert_adds_an_element_before(session):
    session.insert("blocks[0]", Block(Conv(4), Act()), position="before")
    assert [b.conv.channels for b in session.tree.blocks] == [4, 8, 16]


def test_wrap_wraps_the_node(session):
    session.wrap("blocks[1].act", Box)
    assert gl.eq(session.tree.blocks[1].act, Box(Act()))


def test_a_bad_path_raises_path_error_and_changes_nothing(session):
    with pytest.raises(gl.PathError):
        session.replace("blocks[9]", 1)
    assert session.history == []


def test_session_diff_lists_changes_since_the_base(session):
    session.apply("fixtures.swap_act", at=["blocks[1].act"])
    assert [str(c.path) for c in session.diff()] == ["blocks[1].act.kind"]


# -- listeners -----------------------------------------------------------------


def test_listeners_hear_apply_undo_and_redo(session):
    events: list[tuple[str, Any]] = []
    session.subscribe(lambda event, s: events.append((event, s)))
    session.apply("fixtures.widen")
    session.undo()
    session.redo()
    assert events == [("apply", session), ("undo", session), ("redo", session)]


def test_unsubscribed_listener_hears_nothing_more(session):
    events: list[str] = []
    unsubscribe = session.subscribe(lambda event, s: events.append(event))
    session.apply("fixtures.widen")
    unsubscribe()
    session.undo()
    assert events == ["apply"]


def test_listeners_hear_nothing_for_a_failed_apply(session):
    events: list[str] = []
    session.subscribe(lambda event, s: events.append(event))
    with pytest.raises(gl.RuleError):
        session.apply("fixtures.box_nodes")
    assert events == []


def test_listeners_hear_nothing_when_there_is_nothing_to_undo(session):
    events: list[str] = []
    session.subscribe(lambda event, s: events.append(event))
    session.undo()
    assert events == []
