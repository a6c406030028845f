"""gl.symbolize on classes and functions, recorded arguments, tags, naming and gl.build."""

from __future__ import annotations

import importlib

import pytest

import glove_lab as gl
from glove_lab.tree import hyper_of
from tests.fixtures import thirdparty
from tests.fixtures.models import (
    CALL_LOG,
    Act,
    Conv,
    Dense,
    DepthwiseConv,
    Node,
    add,
)

# -- classes -----------------------------------------------------------------


def test_instance_records_bound_init_arguments_with_defaults():
    assert Conv(16).sym_args == {"channels": 16, "kernel": 3, "stride": 1}


def test_positional_and_keyword_arguments_bind_to_the_same_names():
    assert Conv(16, 5).sym_args == Conv(channels=16, kernel=5).sym_args


def test_recorded_arguments_are_readable_as_attributes():
    assert Conv(16, kernel=5).kernel == 5


def test_symbolic_instance_still_runs_the_original_init():
    assert Conv(kernel=5).padding == 2


def test_symbolic_class_rejects_arguments_the_original_would_reject():
    with pytest.raises(TypeError, match="kernal"):
        Conv(kernal=5)


def test_decorator_without_arguments_makes_a_symbolic_class():
    assert isinstance(Node(1), gl.Symbolic)


def test_decorator_with_tags_tags_the_class():
    assert gl.tags_of(Conv()) == frozenset({"convolution"})


def test_decorator_with_hyper_names_the_hyperparameters():
    assert hyper_of(Conv()) == ("kernel",)


def test_hyper_naming_an_unknown_argument_raises():
    with pytest.raises(TypeError, match="nope"):
        gl.symbolize(thirdparty.Dense, hyper=("nope",))


def test_symbolize_rejects_a_value_that_is_neither_class_nor_function():
    with pytest.raises(TypeError):
        gl.symbolize(42)


# -- a class we do not own -----------------------------------------------------


def test_symbolizing_a_class_you_do_not_own_returns_a_subclass():
    assert issubclass(Dense, thirdparty.Dense) and Dense is not thirdparty.Dense


def test_symbolized_instance_exposes_arguments_the_class_stores_under_other_names():
    assert (Dense(4).units, Dense(4).activation) == (4, "relu")


def test_symbolized_instance_keeps_the_original_behaviour():
    assert Dense(4, "gelu").describe() == "dense 4 gelu"


def test_symbolizing_leaves_the_original_class_not_symbolic():
    assert not issubclass(thirdparty.Dense, gl.Symbolic)


def test_symbolizing_leaves_the_original_class_untagged():
    assert gl.tags_of(thirdparty.Dense(4)) == frozenset()


def test_symbolizing_leaves_the_original_instances_without_recorded_arguments():
    assert not hasattr(thirdparty.Dense(4), "units")


def test_symbolized_class_is_a_tree_node_and_the_original_a_leaf():
    assert (len(gl.paths(Dense(4))), len(gl.paths(thirdparty.Dense(4)))) == (3, 1)


def test_symbolized_class_is_known_by_the_calling_module_and_class_name():
    assert gl.to_json(Dense(4))["$type"] == "tests.fixtures.models.Dense"


def test_symbolized_class_name_imports_back_to_the_symbolic_class():
    module_name, _, name = gl.to_json(Dense(4))["$type"].rpartition(".")
    assert getattr(importlib.import_module(module_name), name) is Dense


def test_symbolized_class_is_imported_from_the_calling_module_in_code():
    assert gl.to_code(Dense(4)).startswith("from tests.fixtures.models import Dense\n")


# -- tags ----------------------------------------------------------------------


def test_tags_are_inherited_by_subclasses():
    assert gl.tags_of(DepthwiseConv()) == frozenset({"convolution", "depthwise"})


def test_tagging_a_subclass_does_not_tag_its_base():
    assert "depthwise" not in gl.tags_of(Conv())


def test_tag_annotates_a_plain_type_and_returns_it():
    class Pool:
        pass

    assert gl.tags_of(gl.tag(Pool, "pooling", "downsample")()) == {"pooling", "downsample"}


def test_tags_of_a_plain_value_is_empty():
    assert gl.tags_of(3) == frozenset()


def test_symbolizing_a_tagged_class_inherits_its_tags():
    class Layer:
        def __init__(self, size: int = 1):
            self.size = size

    gl.tag(Layer, "layer")
    assert gl.tags_of(gl.symbolize(Layer, tags={"extra"})()) == {"layer", "extra"}


def test_tag_rejects_an_empty_tag():
    with pytest.raises(TypeError):
        gl.tag(Act, "")


# -- functions and deferred calls ---------------------------------------------


def test_calling_a_symbolized_function_gives_a_deferred_call():
    assert isinstance(add(1, 2), gl.Call)


def test_deferred_call_does_not_run_the_function():
    CALL_LOG.clear()
    add(1, 2)
    assert CALL_LOG == []


def test_deferred_call_records_arguments_with_defaults():
    assert add(5).sym_args == {"x": 5, "y": 1}


def test_build_evaluates_a_deferred_call():
    assert gl.build(add(2, 3)) == 5


def test_build_evaluates_nested_calls_innermost_first():
    CALL_LOG.clear()
    gl.build(add(add(1, 2), add(3, 4)))
    assert CALL_LOG == [(1, 2), (3, 4), (3, 7)]


def test_build_evaluates_calls_inside_containers():
    assert gl.build({"a": [add(1, 2)], "b": (add(3),)}) == {"a": [3], "b": (4,)}


def test_build_returns_a_tree_without_calls_unchanged():
    tree = [Conv(), {"x": 1}]
    assert gl.build(tree) is tree


def test_calling_a_deferred_call_evaluates_it():
    assert add(add(1, 1), 10)() == 12


def test_symbolized_function_tags_apply_to_its_calls():
    @gl.symbolize(tags={"arith"})
    def mul(x, y):
        return x * y

    assert gl.tags_of(mul(2, 3)) == frozenset({"arith"})
