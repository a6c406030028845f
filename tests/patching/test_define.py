"""Defining rules: @gl.rule, gl.Rule, typed parameters from URIs, and the registry."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

import glove_lab as gl
from glove_lab.patching import unregister_rule
from tests.fixtures.models import Act, Conv
from tests.fixtures.rules import Color, echo_params, widen

TREE = {"x": 0, "conv": Conv(16)}


def registered(name: str) -> gl.Rule:
    return next(r for r in gl.rules() if r.name == name)


@pytest.fixture
def scratch_names() -> Iterator[list[str]]:
    """Names a test registers; unregistered afterwards so tests stay independent."""
    names: list[str] = []
    yield names
    for name in names:
        unregister_rule(name)


# -- @gl.rule and gl.Rule ------------------------------------------------------


def test_rule_decorator_returns_a_registered_rule():
    assert isinstance(widen, gl.Rule) and registered("fixtures.widen") is widen


def test_rule_records_its_name_matcher_and_docstring():
    assert (widen.name, widen.on.tag, widen.doc) == ("fixtures.widen", "convolution",
                                                     "Multiply the channels of a convolution.")


def test_rule_parameters_come_from_the_signature_after_the_node():
    assert [(p.name, p.kind, p.default) for p in widen.params] == [("factor", "int", 2)]


def test_rule_parameter_kinds_follow_the_type_hints():
    assert [p.kind for p in echo_params.params] == ["int", "float", "bool", "str", "choice",
                                                    "enum"]


def test_a_context_parameter_is_not_a_rule_parameter():
    rule = gl.Rule("tests.ctx_only", lambda node, context: node)
    assert rule.params == ()


def test_rule_object_applies_without_being_registered():
    double = gl.Rule("tests.unregistered_double", lambda node: node * 2,
                     on=gl.Match(type=int))
    assert gl.apply([1, 2], double) == [2, 4]


def test_rule_object_is_callable_on_one_node():
    assert widen(Conv(16), factor=3).channels == 48


@pytest.mark.parametrize("name", ["", "has space", "a?b", "a&b", "a=b"])
def test_rule_name_must_be_usable_in_a_uri(name):
    with pytest.raises(gl.RuleError):
        gl.Rule(name, lambda node: node)


def test_rule_action_must_be_callable():
    with pytest.raises(gl.RuleError):
        gl.Rule("tests.not_callable", 42)


# -- parameters from URIs ------------------------------------------------------


def test_uri_parameters_are_converted_by_type_hint():
    result = gl.apply(TREE, "fixtures.echo_params?count=5&ratio=2.5&flag=true&label=hi&mode=b"
                            "&color=BLUE", at="x")
    assert result["x"] == (5, 2.5, True, "hi", "b", Color.BLUE)


def test_keyword_parameters_override_uri_parameters():
    result = gl.apply(TREE, "fixtures.echo_params?count=5", at="x", count=7)
    assert result["x"][0] == 7


def test_parameters_left_out_take_their_defaults():
    assert gl.apply(TREE, "fixtures.echo_params", at="x")["x"] == (1, 0.5, False, "x", "a",
                                                                   Color.RED)


def test_uri_values_are_url_decoded():
    assert gl.apply(TREE, "fixtures.echo_params?label=a%20b%26c", at="x")["x"][3] == "a b&c"


@pytest.mark.parametrize("query, parameter, expected", [
    ("count=abc", "count", "an integer"),
    ("count=1.5", "count", "an integer"),
    ("ratio=fast", "ratio", "a number"),
    ("flag=maybe", "flag", "a boolean"),
    ("mode=c", "mode", "one of 'a', 'b'"),
    ("color=GREEN", "color", "one of RED, BLUE"),
])
def test_a_uri_value_that_does_not_convert_names_parameter_and_type(query, parameter, expected):
    with pytest.raises(gl.RuleError, match=f"parameter '{parameter}' must be {expected}"):
        gl.apply(TREE, f"fixtures.echo_params?{query}", at="x")


def test_a_python_value_of_the_wrong_type_names_the_parameter():
    with pytest.raises(gl.RuleError, match="'count'"):
        gl.apply(TREE, "fixtures.echo_params", at="x", count=[1])


def test_an_unknown_parameter_raises_naming_it():
    with pytest.raises(gl.RuleError, match="'kernel'"):
        gl.apply(TREE, "fixtures.widen?kernel=5")


def test_a_parameter_given_twice_in_a_uri_raises():
    with pytest.raises(gl.RuleError, match="twice"):
        gl.apply(TREE, "fixtures.widen?factor=2&factor=3")


def test_a_missing_required_parameter_raises_naming_it():
    needs = gl.Rule("tests.needs_size", lambda node, size: size, on=gl.Match(type=int))
    with pytest.raises(gl.RuleError, match="'size'"):
        gl.apply([1], needs)


def test_an_untyped_parameter_reads_a_python_literal_from_a_uri():
    assert gl.apply([1], "glove.replace?value=[2, 'x']", at="[0]") == [[2, "x"]]


def test_an_untyped_parameter_keeps_a_python_string_as_given():
    assert gl.apply([1], "glove.replace", at="[0]", value="5") == ["5"]


def test_an_unknown_rule_name_raises_naming_it():
    with pytest.raises(gl.RuleError, match=re.escape("no_such.rule")):
        gl.apply(TREE, "no_such.rule")


# -- the registry --------------------------------------------------------------


def test_rules_lists_every_registered_rule_by_qualified_name():
    names = [r.name for r in gl.rules()]
    assert {"glove.rebind", "glove.replace", "glove.remove", "glove.wrap", "glove.insert",
            "fixtures.widen"} <= set(names) and names == sorted(names)


def test_registering_another_function_under_a_taken_name_raises(scratch_names):
    scratch_names.append("tests.taken")
    gl.rule("tests.taken")(lambda node: node)

    def other(node):
        return node

    with pytest.raises(gl.RuleError, match=re.escape("tests.taken")):
        gl.rule("tests.taken")(other)


def test_replace_true_registers_another_function_under_a_taken_name(scratch_names):
    scratch_names.append("tests.replaced")
    gl.rule("tests.replaced")(lambda node: node)

    def other(node):
        return node

    replacement = gl.rule("tests.replaced", replace=True)(other)
    assert registered("tests.replaced") is replacement


CELL = '''
import glove_lab as gl

@gl.rule("tests.rerun_cell")
def rerun_cell(node):
    return node
'''


def test_rerunning_the_same_definition_replaces_it_silently(scratch_names):
    scratch_names.append("tests.rerun_cell")
    first: dict = {"__name__": "notebook_cell"}
    second: dict = {"__name__": "notebook_cell"}
    exec(CELL, first)
    exec(CELL, second)
    assert registered("tests.rerun_cell") is second["rerun_cell"]


def test_register_rule_registers_a_rule_object(scratch_names):
    scratch_names.append("tests.by_object")
    rule = gl.Rule("tests.by_object", lambda node: Act("gelu"), on=gl.Match(type=Act))
    gl.register_rule(rule)
    assert gl.apply([Act()], "tests.by_object")[0].kind == "gelu"
