"""gl.query: by tag, type, path glob and predicate, AND-ed, in traversal order."""

from __future__ import annotations

import pytest

import glove_lab as gl
from tests.fixtures.models import Act, Block, Conv, DepthwiseConv, Net, add, small_net


def test_query_by_tag():
    assert list(gl.query(small_net(), tag="convolution")) == ["blocks[0].conv", "blocks[1].conv"]


def test_query_by_type():
    assert list(gl.query(small_net(), type=Act)) == ["blocks[0].act", "blocks[1].act"]


def test_query_by_type_includes_subclasses():
    tree = [Conv(), DepthwiseConv()]
    assert list(gl.query(tree, type=Conv)) == ["[0]", "[1]"]


def test_query_by_a_tuple_of_types():
    assert list(gl.query(Block(Conv(), Act()), type=(Conv, Act))) == ["conv", "act"]


def test_query_by_symbolic_function_finds_its_calls():
    tree = [add(1), 3, add(add(2))]
    assert list(gl.query(tree, type=add)) == ["[0]", "[2]", "[2].x"]


def test_query_by_path_glob_with_index_wildcard():
    assert list(gl.query(small_net(), path="blocks[*].conv")) == ["blocks[0].conv",
                                                                 "blocks[1].conv"]


def test_query_by_path_glob_with_any_depth():
    tree = {"act": 1, "deep": {"er": {"act": 2}}, "actual": 3}
    assert list(gl.query(tree, path="**.act")) == ["act", "deep.er.act"]


def test_query_by_path_glob_with_a_name_pattern():
    assert list(gl.query({"conv1": 1, "conv2": 2, "act": 3}, path="conv*")) == ["conv1", "conv2"]


def test_query_by_exact_path_with_a_quoted_key():
    tree = {"cfg": {"lr schedule": "cosine", "a.b": 1}}
    assert gl.query(tree, path='cfg["a.b"]') == {'cfg["a.b"]': 1}


def test_query_by_predicate():
    tree = [Conv(kernel=1), Conv(kernel=5)]
    assert list(gl.query(tree, where=lambda n: isinstance(n, Conv) and n.kernel > 3)) == ["[1]"]


def test_query_criteria_are_and_ed():
    net = Net([Block(Conv(kernel=5), Act()), Block(Conv(kernel=3), Act())])
    found = gl.query(net, tag="convolution", path="blocks[*].*", where=lambda n: n.kernel == 3)
    assert list(found) == ["blocks[1].conv"]


def test_query_without_criteria_returns_every_node_in_traversal_order():
    tree = {"a": [1], "b": 2}
    assert list(gl.query(tree)) == [str(p) for p in gl.paths(tree)]


def test_query_returns_the_nodes_themselves():
    net = small_net()
    assert gl.query(net, type=Conv)["blocks[0].conv"] is net.blocks[0].conv


def test_query_with_no_hit_returns_an_empty_dict():
    assert gl.query(small_net(), tag="attention") == {}


def test_query_on_a_new_root_sees_the_new_nodes():
    net = small_net()
    gl.query(net, type=Act)  # warm the index of the old root
    edited = gl.replace(net, "blocks[0].act", Conv())
    assert list(gl.query(edited, type=Act)) == ["blocks[1].act"]


def test_malformed_path_pattern_raises_path_error():
    with pytest.raises(gl.PathError):
        gl.query(small_net(), path="blocks[*")
