"""Properties over random trees of every built-in kind: JSON, code, paths, edits and diffs."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import glove_lab as gl
from glove_lab import KeyPath
from tests.fixtures.trees import container_trees, leaves, trees

FAST = settings(max_examples=120, deadline=None)
SMALL_TREES = trees(5)


def draw_edit_paths(data: st.DataObject, tree: Any, max_size: int) -> list[KeyPath]:
    """Distinct non-root paths of `tree`, none inside another (rebind refuses that)."""
    candidates = gl.paths(tree)[1:]
    if not candidates:
        return []
    paths = data.draw(st.lists(st.sampled_from(candidates), max_size=max_size, unique=True))
    return [p for p in paths if not any(q != p and q.is_prefix_of(p) for q in paths)]


@FAST
@given(trees())
def test_json_round_trip_is_eq(tree):
    assert gl.eq(gl.from_json(json.loads(json.dumps(gl.to_json(tree)))), tree)


@FAST
@given(trees())
def test_executed_code_is_eq(tree):
    namespace: dict[str, Any] = {}
    exec(compile(gl.to_code(tree), "<to_code>", "exec"), namespace)
    assert gl.eq(namespace["tree"], tree)


@FAST
@given(trees())
def test_every_path_text_round_trips(tree):
    texts = [str(path) for path in gl.paths(tree)]
    assert [str(KeyPath.parse(text)) for text in texts] == texts


@FAST
@given(trees())
def test_every_path_text_leads_back_to_its_node(tree):
    assert all(gl.get(tree, str(path)) is node for path, node in gl.traverse(tree))


@FAST
@given(trees())
def test_every_path_text_is_a_glob_matching_only_its_node(tree):
    for path, node in gl.traverse(tree):
        found = gl.query(tree, path=str(path))
        assert list(found) == [str(path)] and found[str(path)] is node


@FAST
@given(trees())
def test_tree_is_eq_to_itself_and_diff_to_itself_is_empty(tree):
    assert gl.eq(tree, tree) and gl.diff(tree, tree) == []


@FAST
@given(container_trees(), st.data())
def test_diff_after_rebind_to_leaves_reports_exactly_the_changed_paths(tree, data):
    chosen = draw_edit_paths(data, tree, max_size=4)
    updates = {path: data.draw(leaves) for path in chosen}
    edited = gl.rebind(tree, updates)
    expected = {path for path, value in updates.items() if not gl.eq(gl.get(tree, path), value)}
    changes = gl.diff(tree, edited)
    assert {c.path for c in changes} == expected and all(c.kind == "changed" for c in changes)


@FAST
@given(container_trees(), st.data())
def test_diff_after_rebind_to_subtrees_stays_inside_the_edited_paths(tree, data):
    chosen = draw_edit_paths(data, tree, max_size=3)
    updates = {path: data.draw(SMALL_TREES) for path in chosen}
    edited = gl.rebind(tree, updates)
    changed_edits = {p for p, v in updates.items() if not gl.eq(gl.get(tree, p), v)}
    under = [{p for p in changed_edits if p.is_prefix_of(c.path)} for c in gl.diff(tree, edited)]
    assert all(len(owners) == 1 for owners in under) and set().union(*under) == changed_edits


@FAST
@given(container_trees(), st.data())
def test_rebind_keeps_the_identity_of_every_untouched_subtree(tree, data):
    chosen = draw_edit_paths(data, tree, max_size=4)
    edited = gl.rebind(tree, {path: data.draw(SMALL_TREES) for path in chosen})
    untouched = [(path, node) for path, node in gl.traverse(tree)
                 if not any(path.is_prefix_of(p) or p.is_prefix_of(path) for p in chosen)]
    assert all(gl.get(edited, path) is node for path, node in untouched)


@FAST
@given(container_trees(), st.data())
def test_rebind_leaves_the_input_tree_untouched(tree, data):
    before = list(gl.traverse(tree))
    chosen = draw_edit_paths(data, tree, max_size=4)
    gl.rebind(tree, {path: data.draw(leaves) for path in chosen})
    after = list(gl.traverse(tree))
    assert [(p, id(n)) for p, n in after] == [(p, id(n)) for p, n in before]


@FAST
@given(container_trees(), st.data())
def test_rebind_puts_each_value_at_its_path(tree, data):
    chosen = draw_edit_paths(data, tree, max_size=4)
    updates = {path: data.draw(SMALL_TREES) for path in chosen}
    edited = gl.rebind(tree, updates)
    assert all(gl.get(edited, path) is value for path, value in updates.items())
