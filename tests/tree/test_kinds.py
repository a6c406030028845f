"""Node kinds: the built-ins, `gl.register_kind`, and everything else being a leaf."""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import glove_lab as gl
from tests.fixtures.models import Conv, Frozen, Node, Pair, Point, pack


def child_paths(tree: Any) -> list[str]:
    return [str(path) for path in gl.paths(tree)]


class Opaque:
    """A class glove_lab knows nothing about."""

    def __init__(self, parts: list):
        self.parts = parts


class Grid:
    """A container that becomes a node kind only through gl.register_kind."""

    def __init__(self, cells: dict):
        self.cells = dict(cells)


gl.register_kind(
    Grid,
    children=lambda grid: grid.cells.items(),
    rebuild=lambda grid, children: Grid(children),
    label=lambda grid: f"Grid{len(grid.cells)}",
)


def test_list_children_are_its_indices():
    assert child_paths([10, 20]) == ["", "[0]", "[1]"]


def test_tuple_children_are_its_indices():
    assert child_paths((10, 20)) == ["", "[0]", "[1]"]


def test_dict_children_are_its_keys_quoted_when_not_identifiers():
    assert child_paths({"lr": 1, "lr schedule": 2}) == ["", "lr", '["lr schedule"]']


def test_symbolic_object_children_are_its_init_arguments_defaults_included():
    assert child_paths(Conv(16)) == ["", "channels", "kernel", "stride"]


def test_deferred_call_children_are_its_arguments():
    assert child_paths(pack(1)) == ["", "a", "b"]


def test_dataclass_children_are_its_fields():
    assert child_paths(Point(1, 2)) == ["", "x", "y"]


def test_frozen_dataclass_children_are_its_fields():
    assert child_paths(Frozen(5)) == ["", "value"]


def test_namedtuple_children_are_its_fields():
    assert child_paths(Pair(1, 2)) == ["", "left", "right"]


def test_namedtuple_made_on_the_fly_is_a_node_too():
    Coord = namedtuple("Coord", "lat lon")
    assert child_paths(Coord(1.0, 2.0)) == ["", "lat", "lon"]


def test_an_unknown_object_is_a_leaf_even_if_it_holds_a_list():
    assert child_paths(Opaque([1, 2, 3])) == [""]


def test_strings_bytes_and_sets_are_leaves():
    assert child_paths(["ab", b"cd", {1, 2}]) == ["", "[0]", "[1]", "[2]"]


def test_list_subclass_is_a_leaf_unless_registered():
    class Row(list):
        pass

    assert child_paths(Row([1, 2])) == [""]


def test_registered_kind_opens_into_its_children():
    assert child_paths(Grid({"a": 1, "b": [2]})) == ["", "a", "b", "b[0]"]


def test_registered_kind_is_rebuilt_by_its_rebuild_function():
    edited = gl.replace(Grid({"a": 1, "b": 2}), "b", 20)
    assert (type(edited), edited.cells) == (Grid, {"a": 1, "b": 20})


def test_registered_kind_label_names_the_node_in_format():
    assert gl.format(Grid({"a": 1})) == "Grid1(a=1)"


def test_registered_kind_nodes_are_found_by_query():
    tree = [Grid({"x": Node(1)}), Node(2)]
    assert list(gl.query(tree, type=Node)) == ["[0].x", "[1]"]
