"""Persistent edits: gl.rebind and gl.replace return new roots and share untouched subtrees."""

from __future__ import annotations

import re

import pytest

import glove_lab as gl
from tests.fixtures.models import INIT_CALLS, Act, Block, Conv, Frozen, Pair, Point, small_net


def test_replace_returns_a_new_tree_with_the_value_at_the_path():
    edited = gl.replace(small_net(), "blocks[0].act", Act("gelu"))
    assert edited.blocks[0].act.kind == "gelu"


def test_replace_leaves_the_input_untouched():
    net = small_net()
    gl.replace(net, "blocks[0].conv.kernel", 5)
    assert net.blocks[0].conv.kernel == 3


def test_replace_shares_untouched_subtrees_by_identity():
    net = small_net()
    edited = gl.replace(net, "blocks[0].conv.kernel", 5)
    assert edited.blocks[1] is net.blocks[1] and edited.blocks[0].act is net.blocks[0].act


def test_replace_rebuilds_every_ancestor_of_the_edit():
    net = small_net()
    edited = gl.replace(net, "blocks[0].conv.kernel", 5)
    assert all(gl.get(edited, p) is not gl.get(net, p)
               for p in ("", "blocks", "blocks[0]", "blocks[0].conv"))


def test_rebuilt_symbolic_object_is_a_real_instance_whose_init_ran_with_the_new_args():
    edited = gl.replace(Conv(kernel=3), "kernel", 7)
    assert (type(edited), edited.padding) == (Conv, 3)


def test_rebuilt_symbolic_object_is_validated_by_its_init():
    with pytest.raises(gl.GloveError, match="kernel must be positive"):
        gl.replace(small_net(), "blocks[1].conv.kernel", 0)


def test_replace_of_the_root_returns_the_value():
    assert gl.replace([1, 2], "", "new") == "new"


def test_rebind_sets_several_paths_at_once():
    edited = gl.rebind(small_net(), {"blocks[0].conv.kernel": 5, "head": "mlp"})
    assert (edited.blocks[0].conv.kernel, edited.head) == (5, "mlp")


def test_rebind_rebuilds_each_ancestor_once_for_many_paths():
    net = small_net()
    INIT_CALLS.clear()
    gl.rebind(net, {"blocks[0].conv.kernel": 5, "blocks[0].conv.stride": 2,
                    "blocks[0].act.kind": "gelu", "head": "mlp"})
    assert INIT_CALLS == {"Conv": 1, "Act": 1, "Block": 1, "Net": 1}


def test_rebind_with_an_unchanged_value_object_returns_the_same_tree():
    net = small_net()
    assert gl.rebind(net, {"blocks[0].act": net.blocks[0].act}) is net


def test_rebind_accepts_keypaths():
    edited = gl.rebind({"a": [1, 2]}, {gl.KeyPath(["a", 1]): 20})
    assert edited == {"a": [1, 20]}


def test_rebind_can_add_a_new_dict_key():
    assert gl.rebind({"a": 1}, {"b": 2}) == {"a": 1, "b": 2}


def test_rebind_of_a_missing_path_raises_path_error_naming_it():
    with pytest.raises(gl.PathError, match=re.escape("blocks[0].nope")):
        gl.rebind(small_net(), {"blocks[0].nope": 1})


def test_rebind_below_a_leaf_raises_path_error():
    with pytest.raises(gl.PathError):
        gl.rebind({"a": 1}, {"a.b": 2})


def test_rebind_of_a_node_and_a_path_inside_it_raises_path_error():
    with pytest.raises(gl.PathError, match="conflicting"):
        gl.rebind(small_net(), {"blocks[0]": 1, "blocks[0].conv": 2})


def test_failed_rebind_leaves_the_input_untouched():
    net = small_net()
    with pytest.raises(gl.PathError):
        gl.rebind(net, {"head": "mlp", "blocks[9]": 1})
    assert net.head == "linear"


def test_rebind_keeps_a_tuple_a_tuple():
    assert gl.replace((1, (2, 3)), "[1][0]", 20) == (1, (20, 3))


def test_rebind_inside_a_dataclass_returns_a_new_dataclass():
    point = Point(1, 2)
    edited = gl.replace(point, "y", 5)
    assert (edited, point) == (Point(1, 5), Point(1, 2))


def test_rebind_inside_a_frozen_dataclass():
    assert gl.replace(Frozen([1]), "value[0]", 2) == Frozen([2])


def test_rebind_inside_a_namedtuple_keeps_its_type():
    edited = gl.replace(Pair(1, 2), "right", 3)
    assert (type(edited), edited) == (Pair, Pair(1, 3))


def test_rebind_through_every_kind_at_once():
    tree = {"p": Point([Pair(1, (Frozen(2),))], 0)}
    edited = gl.replace(tree, 'p.x[0].right[0].value', 9)
    assert gl.eq(edited, {"p": Point([Pair(1, (Frozen(9),))], 0)})


def test_rebind_rejects_a_non_mapping():
    with pytest.raises(TypeError):
        gl.rebind([1], [("[0]", 2)])


def test_edit_inside_a_block_keeps_the_sibling_block_object():
    net = Block(Conv(), Act())
    assert gl.replace(net, "conv.stride", 2).act is net.act
