"""`gl.apply(..., dry_run=True)`: what a rule would do, with nothing made or changed."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import glove_lab as gl
from glove_lab.patching import Outcome, apply_rule
from glove_lab.session import fingerprint
from tests.fixtures.rules import SESSION_RULES  # (importing registers fixtures.*)
from tests.fixtures.trees import trees

RULES = (*SESSION_RULES, "fixtures.explode_on_big", "fixtures.widen", "fixtures.swap_act")


def test_dry_run_returns_the_outcome_and_the_same_tree():
    tree = {"a": 1, "b": [2, "x", 3.0]}
    outcome = gl.apply(tree, "fixtures.double_ints", dry_run=True)
    assert isinstance(outcome, Outcome)
    assert outcome.dry_run
    assert outcome.tree is tree
    assert tree == {"a": 1, "b": [2, "x", 3.0]}
    assert [str(p) for p in outcome.changed_paths] == ["a", "b[0]"]
    assert outcome.count == 2
    assert outcome.summary() == "would change 2 nodes: a, b[0]"


def test_dry_run_counts_equal_the_real_applications():
    tree = {"a": [1, 2, 3], "b": {"c": 4}}
    dry = gl.apply(tree, "fixtures.double_ints", at=["a[0]", "b.c"], dry_run=True)
    real = apply_rule(tree, "fixtures.double_ints", at=["a[0]", "b.c"])
    assert (dry.matched_paths, dry.changed_paths) == (real.matched_paths, real.changed_paths)
    assert dry.count == 2


def test_dry_run_of_a_failing_rule_raises_as_the_real_one_and_changes_nothing():
    tree = [1, 5]
    saved = copy.deepcopy(tree)
    with pytest.raises(gl.RuleError, match=r"fixtures.explode_on_big.*\[1\].*5 is too big"):
        gl.apply(tree, "fixtures.explode_on_big", dry_run=True)
    assert tree == saved


def test_dry_run_that_matches_nothing_raises_when_strict_and_says_nothing_when_not():
    with pytest.raises(gl.NoMatchError, match="matches nothing"):
        gl.apply(["x"], "fixtures.double_ints", dry_run=True)
    outcome = gl.apply(["x"], "fixtures.double_ints", strict=False, dry_run=True)
    assert outcome.count == 0
    assert outcome.summary() == "would change nothing"


def test_not_strict_leaves_alone_the_selected_nodes_the_rule_does_not_match():
    tree = [1, "x", 2]
    with pytest.raises(gl.NoMatchError, match=r"does not match the node at '\[1\]'"):
        gl.apply(tree, "fixtures.double_ints", at=["[0]", "[1]", "[2]"])
    assert gl.apply(tree, "fixtures.double_ints", at=["[0]", "[1]", "[2]"],
                    strict=False) == [2, "x", 4]
    outcome = gl.apply(tree, "fixtures.double_ints", at=["[0]", "[1]", "[2]"], strict=False,
                       dry_run=True)
    assert [str(p) for p in outcome.matched_paths] == ["[0]", "[2]"]
    assert [(str(p), name) for p, name, _ in outcome.skipped] == [("[1]", "str")]
    assert outcome.summary() == "would change 2 nodes: [0], [2]; would skip 1 str: not matched"


def test_not_strict_still_refuses_a_path_that_does_not_exist():
    with pytest.raises(gl.PathError):
        gl.apply([1], "fixtures.double_ints", at=["[7]"], strict=False, dry_run=True)


def test_dry_run_is_a_reserved_keyword_like_strict():
    tree = [1.0]
    outcome = gl.apply(tree, "fixtures.scale_floats", dry_run=True, factor=3.0)
    assert outcome.params == {"factor": 3.0}
    assert tree == [1.0]


def test_summary_shortens_long_path_lists():
    outcome = gl.apply(list(range(1, 9)), "fixtures.double_ints", dry_run=True)
    assert outcome.summary() == "would change 8 nodes: [0], [1], [2], [3], [4] (+3)"


def _attempt(call: Any) -> tuple[str, Any]:
    try:
        return "ok", call()
    except gl.GloveError as exc:
        return type(exc).__name__, None


@settings(max_examples=150, deadline=None)
@given(tree=trees(8), data=st.data())
def test_dry_run_predicts_the_real_application_and_leaves_the_tree_alone(tree, data):
    rule = data.draw(st.sampled_from(RULES))
    paths = gl.paths(tree)
    at = data.draw(st.one_of(st.none(), st.lists(st.sampled_from(paths), max_size=4)))
    strict = data.draw(st.booleans())
    before = fingerprint(tree)
    dry_status, dry = _attempt(lambda: gl.apply(tree, rule, at=at, strict=strict,
                                                dry_run=True))
    assert fingerprint(tree) == before
    real_status, real = _attempt(lambda: apply_rule(tree, rule, at=at, strict=strict))
    assert dry_status == real_status
    if real is not None:
        assert dry.tree is tree
        assert dry.changed_paths == real.changed_paths
        assert dry.matched_paths == real.matched_paths
        assert dry.skipped == real.skipped
