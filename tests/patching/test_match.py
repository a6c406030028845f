"""gl.Match criteria and combinators, and gl.rules(tree, at=...) listing the rules that fit."""

from __future__ import annotations

from typing import Any

import pytest

import glove_lab as gl
import tests.fixtures.rules  # noqa: F401  (registers the fixture rules)
from tests.fixtures.models import Act, Block, Conv, DepthwiseConv, Net, add, small_net

NET = Net([Block(Conv(8, kernel=3), Act()), Block(DepthwiseConv(16, kernel=5), Act("gelu"))])


def matched(match: gl.Match, tree: Any = NET) -> list[str]:
    """Paths a rule with this matcher rewrites (leaf-free trees: no match is nested)."""
    marker = gl.Rule("tests.mark", lambda node: "MATCHED", on=match)
    result = gl.apply(tree, marker, strict=False)
    return [str(change.path) for change in gl.diff(tree, result)]


def test_match_by_tag():
    assert matched(gl.Match(tag="convolution")) == ["blocks[0].conv", "blocks[1].conv"]


def test_match_by_type_includes_subclasses():
    assert matched(gl.Match(type=DepthwiseConv)) == ["blocks[1].conv"]


def test_match_by_path_glob():
    assert matched(gl.Match(path="blocks[*].act")) == ["blocks[0].act", "blocks[1].act"]


def test_match_by_predicate():
    assert matched(gl.Match(type=Act, where=lambda n: n.kind == "gelu")) == ["blocks[1].act"]


def test_match_by_symbolic_function():
    assert matched(gl.Match(type=add), [add(1), 2, add(3)]) == ["[0]", "[2]"]


def test_match_criteria_are_and_ed():
    assert matched(gl.Match(tag="convolution", path="blocks[0].*")) == ["blocks[0].conv"]


def test_and_combines_matchers():
    both = gl.Match(tag="convolution") & gl.Match(where=lambda n: n.kernel == 5)
    assert matched(both) == ["blocks[1].conv"]


def test_or_combines_matchers():
    either = gl.Match(type=Act, where=lambda n: n.kind == "gelu") | gl.Match(type=DepthwiseConv)
    assert matched(either) == ["blocks[1].conv", "blocks[1].act"]


def test_not_inverts_a_matcher():
    leaves_but_ints = ~gl.Match(where=lambda n: type(n) is int)
    assert matched(leaves_but_ints, [1, "a", 2]) == [""]


def test_combined_matchers_nest():
    convs_or_gelu = gl.Match(tag="convolution") | gl.Match(where=lambda n: n == "gelu")
    small = ~gl.Match(type=DepthwiseConv)
    assert matched(convs_or_gelu & small) == ["blocks[0].conv", "blocks[1].act.kind"]


def test_malformed_path_glob_raises_path_error():
    with pytest.raises(gl.PathError):
        gl.Match(path="blocks[")


# -- gl.rules(tree, at=...) ----------------------------------------------------


def rule_names(**kwargs: Any) -> set[str]:
    return {r.name for r in gl.rules(**kwargs)}


def test_rules_at_a_convolution_include_the_convolution_rules_only():
    names = rule_names(tree=NET, at="blocks[0].conv")
    assert {"fixtures.widen", "fixtures.swap_act"} & names == {"fixtures.widen"}


def test_rules_at_an_activation_include_the_activation_rules_only():
    names = rule_names(tree=NET, at="blocks[0].act")
    assert {"fixtures.widen", "fixtures.swap_act"} & names == {"fixtures.swap_act"}


def test_rules_at_a_list_element_include_insert_and_remove():
    names = rule_names(tree=NET, at="blocks[0]")
    assert {"glove.insert", "glove.remove", "glove.wrap", "glove.replace"} <= names


def test_rules_at_the_root_exclude_remove_and_insert():
    names = rule_names(tree=NET, at="")
    assert {"glove.insert", "glove.remove"} & names == set()


def test_rules_at_a_missing_path_raise_path_error():
    with pytest.raises(gl.PathError):
        gl.rules(small_net(), at="blocks[7]")


def test_rules_without_a_tree_lists_all():
    assert rule_names() >= {"fixtures.widen", "fixtures.swap_act", "glove.remove"}
