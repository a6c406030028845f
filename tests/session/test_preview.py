"""`Session.preview`: a dry run on the current tree; and `Session.apply(strict=False)`."""

from __future__ import annotations

import pytest

import glove_lab as gl
import tests.fixtures.rules  # noqa: F401 - registers the fixtures.* rules


def test_preview_says_what_apply_would_do_and_records_nothing():
    session = gl.Session([1, "x", 2])
    events = []
    session.on_change(events.append)
    checked = []
    session.set_check(checked.append)
    outcome = session.preview("fixtures.double_ints")
    assert outcome.dry_run
    assert outcome.tree is session.tree
    assert session.tree == [1, "x", 2]
    assert session.history == [] and events == [] and checked == []
    step = session.apply("fixtures.double_ints")
    assert step.changed_paths == tuple(str(p) for p in outcome.changed_paths)
    assert len(step.changed_paths) == outcome.count == 2


def test_preview_of_a_failing_rule_raises_and_records_nothing():
    session = gl.Session([1, 5])
    with pytest.raises(gl.RuleError, match="5 is too big"):
        session.preview("fixtures.explode_on_big")
    assert session.history == [] and session.tree == [1, 5]


def test_not_strict_apply_skips_unmatched_selected_nodes_and_records_the_matched_ones():
    session = gl.Session([1, "x", 2])
    with pytest.raises(gl.NoMatchError):
        session.apply("fixtures.double_ints", at=["[0]", "[1]"])
    step = session.apply("fixtures.double_ints", at=["[0]", "[1]", "[2]"], strict=False)
    assert session.tree == [2, "x", 4]
    assert step.paths == ("[0]", "[2]")
    assert step.skipped == (("[1]", "str", "not matched"),)
    assert "skipped 1 str: not matched" in step.summary()


def test_not_strict_apply_that_matches_nothing_records_no_empty_step():
    session = gl.Session([1, "x"])
    with pytest.raises(gl.NoMatchError, match=r"matches nothing at any of the given paths.*1 str"):
        session.apply("fixtures.double_ints", at=["[1]"], strict=False)
    with pytest.raises(gl.NoMatchError, match="matches nothing"):
        session.preview("fixtures.double_ints", at=["[1]"], strict=False)
    assert session.history == []


def test_a_not_strict_step_replays_from_its_saved_log(tmp_path):
    session = gl.Session([1, "x", 2])
    session.apply("fixtures.double_ints", at=["[0]", "[1]", "[2]"], strict=False)
    session.save(tmp_path / "log.json")
    again = gl.Session.load(tmp_path / "log.json", [1, "x", 2])
    assert again.tree == [2, "x", 4]
