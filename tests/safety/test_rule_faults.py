"""A rule can never corrupt the original or the history (issue 10, item 3; rule side of 1)."""

from __future__ import annotations

import sys
from typing import Any

import pytest
import torch

import glove_lab as gl
import glove_lab.torch


@gl.symbolize(tags={"faulty.leaf"})
class Cell:
    """A symbolic leaf-ish node."""

    def __init__(self, x: int = 0, y: int = 0):
        pass


@gl.symbolize
class Pair:
    """Two children."""

    def __init__(self, left, right):
        pass


def tree() -> Pair:
    return Pair(Cell(1), [Cell(2), {"c": Cell(3)}])


def rule(fn: Any, on: gl.Match | None = None) -> gl.Rule:
    return gl.Rule("faulty." + fn.__name__, fn, on=on or gl.Match(type=Cell))


def test_a_rule_raising_system_exit_is_a_rule_error_naming_it():
    def argparse_helper(node: Cell) -> Cell:
        sys.exit(2)

    original = tree()
    with pytest.raises(gl.RuleError, match=r"faulty.argparse_helper.*SystemExit\(2\)"):
        gl.apply(original, rule(argparse_helper))
    assert gl.eq(original, tree())


def test_a_keyboard_interrupt_in_a_rule_propagates_and_nothing_is_recorded():
    def slow(node: Cell) -> Cell:
        raise KeyboardInterrupt

    session = gl.Session(tree())
    before = session.tree
    with pytest.raises(KeyboardInterrupt):
        session.apply(rule(slow))
    assert session.tree is before and session.history == []


def test_a_matcher_that_raises_is_a_rule_error():
    def boom(node: Any) -> bool:
        raise SystemExit(3)

    with pytest.raises(gl.RuleError, match=r"matcher raised SystemExit\(3\)"):
        gl.apply(tree(), gl.Rule("faulty.where", lambda n: n, on=gl.Match(where=boom)))


def test_a_rule_setting_an_attribute_of_its_symbolic_input_is_refused_and_the_original_kept():
    def poke(node: Cell) -> Cell:
        node.x = 99
        return node

    session = gl.Session(tree())
    original = session.tree
    with pytest.raises(gl.RuleError, match=r"set Cell.x in place"):
        session.apply(poke_rule := rule(poke))
    assert original.left.x == 1 and "x" not in vars(original.left)
    assert session.history == [] and session.tree is original
    assert gl.eq(original, tree())
    del poke_rule


def test_a_rule_mutating_a_symbolic_node_deep_in_the_tree_through_the_context_is_refused():
    def sneaky(node: Pair, context: gl.RuleContext) -> Pair:
        context.tree.right[1]["c"].y = 5
        return node

    original = tree()
    with pytest.raises(gl.RuleError, match=r"Cell.y in place"):
        gl.apply(original, rule(sneaky, gl.Match(type=Pair)))
    assert original.right[1]["c"].y == 0


def test_a_rule_may_still_build_and_adjust_new_symbolic_objects():
    def fresh(node: Cell) -> Cell:
        made = Cell(node.x + 10)
        made.note = "built here"  # a new object, not part of the input tree
        return made

    result = gl.apply(tree(), rule(fresh), at=["left"])
    assert result.left.x == 11 and result.left.note == "built here"


def test_a_rule_appending_to_its_list_input_is_refused_and_the_list_put_back():
    def grow(node: list) -> list:
        node.append(Cell(7))
        return node

    original = tree()
    items = list(original.right)
    with pytest.raises(gl.RuleError, match=r"changed its input at 'right' in place"):
        gl.apply(original, gl.Rule("faulty.grow", grow, on=gl.Match(path="right")))
    assert original.right == items and len(original.right) == 2


def test_a_rule_writing_into_its_dict_input_is_refused_and_the_dict_put_back():
    def write(node: dict) -> dict:
        node["c"] = 0
        node["new"] = 1
        return node

    original = tree()
    cell = original.right[1]["c"]
    with pytest.raises(gl.RuleError, match=r"in place \(c, new\)"):
        gl.apply(original, gl.Rule("faulty.write", write, on=gl.Match(path="right[1]")))
    assert original.right[1] == {"c": cell}


def test_a_rule_editing_a_torch_module_in_place_is_refused_and_the_module_restored():
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU())
    conv = model[0]

    def restride(node: torch.nn.Conv2d) -> torch.nn.Conv2d:
        node.stride = (2, 2)
        node.add_module("extra", torch.nn.ReLU())
        return node

    session = gl.Session(model)
    with pytest.raises(gl.RuleError, match=r"in place .*(_modules|stride)"):
        session.apply(gl.Rule("faulty.restride", restride, on=gl.Match(type=torch.nn.Conv2d)))
    assert conv.stride == (1, 1) and "extra" not in conv._modules
    assert session.history == [] and session.tree is model


def test_a_result_that_contains_itself_is_refused():
    def loop(node: Cell) -> list:
        result: list = [node]
        result.append(result)
        return result

    original = tree()
    with pytest.raises(gl.RuleError, match="contains itself"):
        gl.apply(original, rule(loop), at=["left"])
    assert gl.eq(original, tree())


def test_a_result_sharing_a_subtree_twice_is_not_a_cycle():
    def twice(node: Cell) -> list:
        shared = [Cell(5)]
        return [shared, shared, node]

    result = gl.apply(tree(), rule(twice), at=["left"])
    assert result.left[0] is result.left[1]


def test_returning_remove_for_the_root_is_refused():
    with pytest.raises(gl.RuleError, match="root cannot be removed"):
        gl.apply(tree(), gl.Rule("faulty.drop_root", lambda n: gl.REMOVE,
                                 on=gl.Match(type=Pair)))


def test_two_context_replaces_of_one_path_in_one_call_are_refused():
    def twice(node: Pair, context: gl.RuleContext) -> Pair:
        context.replace("left", Cell(10))
        context.replace("left", Cell(20))
        return node

    with pytest.raises(gl.RuleError, match="two edits of 'left' in one call"):
        gl.apply(tree(), rule(twice, gl.Match(type=Pair)))


def test_a_later_call_overwriting_an_earlier_edit_unread_is_refused():
    def stamp(node: Cell, context: gl.RuleContext) -> Cell:
        context.replace("left", Cell(node.x * 100))
        return node

    with pytest.raises(gl.RuleError, match="already replaced earlier"):
        gl.apply(tree(), rule(stamp), at=["right[0]", "right[1].c"])


def test_a_rule_that_undoes_its_own_session_is_refused():
    session = gl.Session(tree())
    session.apply("glove.replace", at=["left"], value=Cell(4))
    after_first = session.tree

    def reentrant(node: Cell) -> Cell:
        session.undo()
        return Cell(0)

    with pytest.raises(gl.RuleError, match="busy applying"):
        session.apply(rule(reentrant), at=["left"])
    assert session.tree is after_first and len(session.history) == 1
