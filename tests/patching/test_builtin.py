"""Built-in structural rules: glove.rebind, replace, remove, wrap and insert."""

from __future__ import annotations

import re

import pytest

import glove_lab as gl
from tests.fixtures.models import Act, Block, Box, Conv, Node, small_net


def test_rebind_sets_fields_below_the_selected_node():
    result = gl.apply(small_net(), "glove.rebind", at="blocks[0].conv", values={"kernel": 5})
    assert result.blocks[0].conv.kernel == 5


def test_rebind_takes_relative_paths():
    result = gl.apply(small_net(), "glove.rebind", at="blocks[1]",
                      values={"conv.stride": 2, "act.kind": "gelu"})
    assert (result.blocks[1].conv.stride, result.blocks[1].act.kind) == (2, "gelu")


def test_rebind_without_values_raises_rule_error():
    with pytest.raises(gl.RuleError):
        gl.apply(small_net(), "glove.rebind", at="blocks[0]", values={})


def test_rebind_does_not_apply_to_a_leaf():
    with pytest.raises(gl.NoMatchError):
        gl.apply(small_net(), "glove.rebind", at="head", values={"x": 1})


def test_replace_puts_a_new_node_at_the_selected_path():
    result = gl.apply(small_net(), "glove.replace", at="blocks[0].act", value=Act("silu"))
    assert gl.eq(result.blocks[0].act, Act("silu"))


def test_replace_value_from_a_uri_is_a_python_literal():
    assert gl.apply({"k": 3}, "glove.replace?value=5", at="k") == {"k": 5}


def test_remove_deletes_a_list_element():
    assert gl.apply([1, 2, 3], "glove.remove", at="[1]") == [1, 3]


def test_remove_deletes_a_tuple_element_keeping_a_tuple():
    assert gl.apply((1, 2, 3), "glove.remove", at="[0]") == (2, 3)


def test_remove_deletes_a_dict_entry():
    assert gl.apply({"a": 1, "b": 2}, "glove.remove", at="a") == {"b": 2}


def test_remove_of_several_elements_uses_the_original_indices():
    assert gl.apply([0, 1, 2, 3], "glove.remove", at=["[0]", "[2]"]) == [1, 3]


def test_remove_of_a_block_inside_a_symbolic_object_rebuilds_it():
    result = gl.apply(small_net(3), "glove.remove", at="blocks[1]")
    assert [b.conv.channels for b in result.blocks] == [8, 24]


def test_remove_does_not_apply_to_the_root():
    with pytest.raises(gl.NoMatchError):
        gl.apply([1], "glove.remove", at="")


def test_wrap_passes_the_node_as_the_wrappers_first_argument():
    result = gl.apply(small_net(), "glove.wrap", at="blocks[0].conv", wrapper=Box)
    assert gl.eq(result.blocks[0].conv, Box(Conv(8)))


def test_wrap_passes_the_node_as_the_named_argument():
    result = gl.apply({"x": 1}, "glove.wrap", at="x", wrapper=Node, key="a")
    assert gl.eq(result["x"], Node(a=1))


def test_wrap_into_a_wrapper_that_cannot_take_the_node_raises_rule_error():
    with pytest.raises(gl.RuleError, match=re.escape("glove.wrap")):
        gl.apply({"x": 1}, "glove.wrap", at="x", wrapper=Node, key="b")


def test_wrap_with_a_non_callable_raises_rule_error():
    with pytest.raises(gl.RuleError):
        gl.apply({"x": 1}, "glove.wrap", at="x", wrapper=3)


def test_insert_after_a_list_element():
    assert gl.apply([1, 2, 3], "glove.insert", at="[1]", value=9) == [1, 2, 9, 3]


def test_insert_before_a_list_element():
    assert gl.apply([1, 2, 3], "glove.insert", at="[1]", value=9, position="before") == [1, 9, 2, 3]


def test_insert_a_block_into_a_net():
    result = gl.apply(small_net(), "glove.insert", at="blocks[0]", value=Block(Conv(4), Act()))
    assert [b.conv.channels for b in result.blocks] == [8, 4, 16]


def test_insert_with_an_unknown_position_raises_rule_error():
    with pytest.raises(gl.RuleError, match="position"):
        gl.apply([1], "glove.insert", at="[0]", value=2, position="middle")


def test_insert_into_a_dict_raises_rule_error():
    with pytest.raises(gl.RuleError, match="sequence"):
        gl.apply({"a": 1}, "glove.insert", at="a", value=2)
