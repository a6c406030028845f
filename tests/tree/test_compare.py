"""gl.eq and gl.diff: symbolic equality and minimal changes, skipping shared subtrees."""

from __future__ import annotations

from typing import Any

import glove_lab as gl
from glove_lab import Change, KeyPath
from tests.fixtures.models import Act, Block, Conv, Node, Point, add, pack, small_net


class Probe:
    """A container whose children are counted: diff must not open it when shared."""

    opened = 0

    def __init__(self, items: list):
        self.items = items


def _probe_children(probe: Probe) -> Any:
    Probe.opened += 1
    return enumerate(probe.items)


gl.register_kind(Probe, children=_probe_children,
                 rebuild=lambda probe, children: Probe(list(children.values())))


class Untouchable:
    """A leaf that raises when compared: diff must never compare it when shared."""

    def __eq__(self, other: object) -> bool:
        raise AssertionError("a shared subtree was compared")

    __hash__ = object.__hash__


@gl.symbolize
class NodeLookalike:
    """Same arguments as Node, different type."""

    def __init__(self, a, b=None):
        pass


# -- eq ------------------------------------------------------------------------


def test_eq_of_separately_built_equal_trees():
    assert gl.eq(small_net(), small_net())


def test_eq_compares_recorded_arguments():
    assert not gl.eq(Conv(kernel=3), Conv(kernel=5))


def test_eq_compares_types_not_just_arguments():
    assert not gl.eq(Node(1), NodeLookalike(1))


def test_eq_distinguishes_list_from_tuple():
    assert not gl.eq([1, 2], (1, 2))


def test_eq_distinguishes_int_from_bool_and_float():
    assert not any(gl.eq(1, other) for other in (True, 1.0))


def test_eq_treats_nan_as_equal_to_nan():
    assert gl.eq({"x": float("nan")}, {"x": float("nan")})


def test_eq_of_dicts_ignores_key_order():
    assert gl.eq({"a": 1, "b": 2}, {"b": 2, "a": 1})


def test_eq_of_calls_compares_the_function():
    assert not gl.eq(add(1, 2), pack(1, 2))


def test_eq_of_dataclasses_by_fields():
    assert gl.eq(Point([1], 2), Point([1], 2))


# -- diff ----------------------------------------------------------------------


def test_diff_of_equal_trees_is_empty():
    assert gl.diff(small_net(), small_net()) == []


def test_diff_of_a_changed_leaf_is_one_entry_at_that_leaf():
    net = small_net()
    edited = gl.replace(net, "blocks[0].conv.kernel", 5)
    assert gl.diff(net, edited) == [Change(KeyPath.parse("blocks[0].conv.kernel"), "changed", 3, 5)]


def test_diff_does_not_list_ancestors_of_a_change():
    net = small_net()
    edited = gl.rebind(net, {"blocks[0].conv.kernel": 5, "blocks[1].act.kind": "gelu"})
    assert [str(c.path) for c in gl.diff(net, edited)] == ["blocks[0].conv.kernel",
                                                          "blocks[1].act.kind"]


def test_diff_of_a_type_change_is_one_entry_at_that_node():
    net = small_net()
    edited = gl.replace(net, "blocks[0].act", Conv())
    change = gl.diff(net, edited)
    assert [(str(c.path), c.kind) for c in change] == [("blocks[0].act", "changed")]


def test_diff_records_before_and_after_values():
    before, after = Conv(kernel=3), Act()
    change = gl.diff({"a": before}, {"a": after})[0]
    assert change.before is before and change.after is after


def test_diff_reports_an_added_dict_key():
    assert gl.diff({"a": 1}, {"a": 1, "b": 2}) == [Change(KeyPath(["b"]), "added", None, 2)]


def test_diff_reports_a_removed_dict_key():
    assert gl.diff({"a": 1, "b": 2}, {"a": 1}) == [Change(KeyPath(["b"]), "removed", 2, None)]


def test_diff_reports_list_growth_as_added_indices():
    assert [(str(c.path), c.kind) for c in gl.diff([1], [1, 2, 3])] == [("[1]", "added"),
                                                                      ("[2]", "added")]


def test_diff_of_a_call_of_another_function_is_one_change():
    assert [c.kind for c in gl.diff([add(1, 2)], [pack(1, 2)])] == ["changed"]


def test_diff_of_leaves_equal_as_values_is_empty():
    assert gl.diff({"a": float("nan")}, {"a": float("nan")}) == []


def test_diff_skips_a_shared_subtree_without_opening_it():
    shared = Probe([Probe([1, 2]), 3])
    tree = {"big": shared, "x": 1}
    edited = gl.replace(tree, "x", 2)
    Probe.opened = 0
    gl.diff(tree, edited)
    assert Probe.opened == 0


def test_diff_skips_a_shared_leaf_without_comparing_it():
    tree = Block(Conv(), [Untouchable(), Act()])
    edited = gl.replace(tree, "conv.kernel", 5)
    assert [str(c.path) for c in gl.diff(tree, edited)] == ["conv.kernel"]


def test_change_str_is_readable():
    change = gl.diff({"a": 1}, {"a": 2})[0]
    assert str(change) == "~ a: 1 -> 2"
