"""gl.apply: where a rule applies, strictness, failures, atomicity and RuleContext."""

from __future__ import annotations

import re
from typing import Any

import pytest

import glove_lab as gl
import tests.fixtures.rules  # noqa: F401  (registers the fixture rules)
from glove_lab import KeyPath
from tests.fixtures.models import Act, Block, Box, Conv, Net, Node, small_net


def test_apply_everywhere_rewrites_every_match():
    result = gl.apply(small_net(), "fixtures.widen", factor=3)
    assert [c.channels for c in gl.query(result, type=Conv).values()] == [24, 48]


def test_apply_returns_a_new_tree_and_leaves_the_input_untouched():
    net = small_net()
    text = gl.format(net)
    gl.apply(net, "fixtures.widen")
    assert gl.format(net) == text


def test_apply_shares_the_subtrees_it_did_not_touch():
    net = small_net()
    assert gl.apply(net, "fixtures.widen", at="blocks[0].conv").blocks[1] is net.blocks[1]


def test_apply_at_a_path_rewrites_only_that_node():
    result = gl.apply(small_net(), "fixtures.widen", at="blocks[1].conv")
    assert [c.channels for c in gl.query(result, type=Conv).values()] == [8, 32]


def test_apply_at_several_paths_rewrites_each():
    result = gl.apply(small_net(), "fixtures.swap_act", at=["blocks[1].act", "blocks[0].act"],
                      to="silu")
    assert [a.kind for a in gl.query(result, type=Act).values()] == ["silu", "silu"]


def test_apply_at_a_keypath():
    result = gl.apply(small_net(), "fixtures.swap_act", at=KeyPath.parse("blocks[0].act"))
    assert result.blocks[0].act.kind == "gelu"


def test_apply_at_a_missing_path_raises_path_error():
    with pytest.raises(gl.PathError, match=re.escape("blocks[5]")):
        gl.apply(small_net(), "fixtures.widen", at="blocks[5].conv")


def test_apply_at_a_node_the_rule_does_not_match_raises_no_match_error():
    with pytest.raises(gl.NoMatchError, match=re.escape("blocks[0].act")):
        gl.apply(small_net(), "fixtures.widen", at="blocks[0].act")


def test_apply_with_no_match_anywhere_raises_no_match_error():
    with pytest.raises(gl.NoMatchError, match=re.escape("fixtures.widen")):
        gl.apply({"a": Act()}, "fixtures.widen")


def test_apply_not_strict_with_no_match_returns_the_same_tree_object():
    tree = {"a": Act()}
    assert gl.apply(tree, "fixtures.widen", strict=False) is tree


def test_a_raising_rule_gives_rule_error_naming_the_rule():
    with pytest.raises(gl.RuleError, match=re.escape("fixtures.explode_on_big")):
        gl.apply([0, 5], "fixtures.explode_on_big")


def test_a_raising_rule_names_the_first_failing_path_in_traversal_order():
    with pytest.raises(gl.RuleError) as info:
        gl.apply({"a": [0, 1, 7], "b": 9}, "fixtures.explode_on_big")
    assert "'a[2]'" in str(info.value) and "'b'" not in str(info.value)


def test_a_raising_rule_chains_the_original_exception():
    with pytest.raises(gl.RuleError) as info:
        gl.apply([5], "fixtures.explode_on_big")
    assert isinstance(info.value.__cause__, ValueError)


def test_a_rule_raising_a_path_error_still_gives_rule_error():
    bad_lookup = gl.Rule("tests.bad_lookup", lambda node: gl.get(node, "nope"),
                         on=gl.Match(type=Block))
    with pytest.raises(gl.RuleError, match=re.escape("tests.bad_lookup")):
        gl.apply(Block(Conv(), Act()), bad_lookup)


def test_a_failing_application_changes_nothing():
    tree = [0, 1, 5]
    with pytest.raises(gl.RuleError):
        gl.apply(tree, "fixtures.explode_on_big")
    assert tree == [0, 1, 5]


def test_a_result_that_cannot_be_built_gives_rule_error():
    zero_kernel = gl.Rule("tests.zero_kernel", lambda node: 0,
                          on=gl.Match(path="blocks[*].conv.kernel"))
    with pytest.raises(gl.RuleError, match="kernel must be positive"):
        gl.apply(small_net(), zero_kernel)


def test_matching_is_decided_on_the_input_tree():
    result = gl.apply([Node(1)], "fixtures.box_nodes")
    assert gl.eq(result, [Box(Node(1))])


def test_only_the_outermost_match_is_rewritten():
    nested = Node(Node(Node(1)))
    assert gl.eq(gl.apply(nested, "fixtures.box_nodes"), Box(nested))


def test_outermost_matches_are_rewritten_in_traversal_order():
    seen: list[str] = []

    def record(node: Any, context: gl.RuleContext) -> Any:
        seen.append(str(context.path))
        return node

    gl.apply({"b": [Node(Node(1))], "a": Node(2)}, gl.Rule("tests.record", record,
                                                           on=gl.Match(type=Node)))
    assert seen == ["b[0]", "a"]


def test_a_rule_returning_its_node_leaves_the_tree_object_unchanged():
    tree = [Node(1)]
    assert gl.apply(tree, gl.Rule("tests.identity", lambda node: node,
                                  on=gl.Match(type=Node))) is tree


# -- RuleContext ---------------------------------------------------------------


def test_context_gives_the_input_tree_and_the_node_path():
    seen: list[Any] = []
    tree = small_net()

    def look(node: Any, context: gl.RuleContext) -> Any:
        seen.append((context.tree, context.path))
        return node

    gl.apply(tree, gl.Rule("tests.look", look, on=gl.Match(type=Act)), at="blocks[1].act")
    assert seen == [(tree, KeyPath.parse("blocks[1].act"))]


def test_context_get_reads_other_nodes_of_the_tree():
    def copy_head(node: Any, context: gl.RuleContext) -> Any:
        return Act(context.get("head"))

    rule = gl.Rule("tests.copy_head", copy_head, on=gl.Match(type=Act))
    assert gl.apply(small_net(), rule, at="blocks[0].act").blocks[0].act.kind == "linear"


def test_context_replace_makes_extra_edits_in_the_same_application():
    def mirror(node: Conv, context: gl.RuleContext) -> Conv:
        context.replace(context.path.parent.child("act"), Act("conv-follower"))
        return Conv(node.channels, kernel=5)

    rule = gl.Rule("tests.mirror", mirror, on=gl.Match(type=Conv))
    result = gl.apply(small_net(), rule, at="blocks[0].conv")
    assert (result.blocks[0].conv.kernel, result.blocks[0].act.kind) == (5, "conv-follower")


def test_context_get_sees_edits_requested_earlier():
    def bump(node: Any, context: gl.RuleContext) -> Any:
        context.replace("count", context.get("count") + 1)
        return node

    rule = gl.Rule("tests.bump", bump, on=gl.Match(type=Node))
    assert gl.apply({"count": 0, "n": [Node(1), Node(2)]}, rule)["count"] == 2


def test_context_replace_of_a_missing_path_fails_the_rule():
    def bad(node: Any, context: gl.RuleContext) -> Any:
        context.replace("nowhere", 1)
        return node

    with pytest.raises(gl.RuleError, match=re.escape("tests.bad_context")):
        gl.apply([Node(1)], gl.Rule("tests.bad_context", bad, on=gl.Match(type=Node)))


def test_editing_a_node_and_a_node_inside_it_in_one_application_raises():
    def clash(node: Any, context: gl.RuleContext) -> Any:
        context.replace(context.path.child("a"), 2)
        return Node(3)

    with pytest.raises(gl.RuleError, match="both"):
        gl.apply([Node(1)], gl.Rule("tests.clash", clash, on=gl.Match(type=Node)))


def test_apply_accepts_a_uri_with_a_scheme_like_name():
    tree = {"x": 1}
    with pytest.raises(gl.RuleError, match="team:idea"):
        gl.apply(tree, "team:idea?x=1")


def test_a_rule_may_target_a_net_built_elsewhere():
    net = Net([Block(Conv(4), Act())], head="mlp")
    assert gl.apply(net, "fixtures.widen").blocks[0].conv.channels == 8
