"""A node shared by several parents stays shared through rules, edits and code; kind seams.

Adapters (Fiddle's configs form DAGs; torch ties modules) rely on these:
one object at two places is rebuilt once and written once, and a kind may
add tags of its own (`tags=`) and accept new keys (`extensible=`).
"""

from __future__ import annotations

from typing import Any

import pytest

import glove_lab as gl
from glove_lab.tree import declared_tags, register_kind
from tests.fixtures.models import Act, Block, Conv


@gl.rule("test_sharing.widen", on=gl.Match(type=Conv))
def widen(node, factor: int = 2):
    return gl.rebind(node, {"channels": node.channels * factor})


def shared_tree() -> dict[str, Any]:
    conv = Conv(8)
    return {"a": Block(conv, Act()), "b": Block(conv, Act()), "c": conv}


def test_a_rule_everywhere_gives_one_result_for_one_shared_node():
    new = gl.apply(shared_tree(), "test_sharing.widen")
    assert new["a"].conv is new["b"].conv is new["c"] and new["c"].channels == 16


def test_parents_of_a_shared_node_edited_alike_are_rebuilt_once():
    block = Block(Conv(8), Act())
    tree = [block, block]
    new = gl.apply(tree, "test_sharing.widen")
    assert new[0] is new[1] and new[0].conv.channels == 16


def test_the_same_edit_at_both_places_of_a_shared_parent_keeps_it_shared():
    block = Block(Conv(8), Act())
    new = gl.rebind([block, block], {"[0].conv.channels": 4, "[1].conv.channels": 4})
    assert new[0] is new[1]


def test_different_edits_at_two_places_of_a_shared_node_give_two_nodes():
    block = Block(Conv(8), Act())
    new = gl.rebind([block, block], {"[0].conv.channels": 4, "[1].conv.channels": 5})
    assert (new[0].conv.channels, new[1].conv.channels) == (4, 5)


def test_to_code_writes_a_shared_node_once_and_rebuilds_the_sharing():
    code = gl.to_code(shared_tree())
    assert code.count("Conv(") == 1 and "shared_conv = Conv(" in code
    namespace: dict = {}
    exec(code, namespace)
    tree = namespace["tree"]
    assert gl.eq(tree, shared_tree()) and tree["a"].conv is tree["c"]


def test_to_code_leaves_shared_plain_containers_inline():
    items = [1, 2]
    assert gl.to_code({"x": items, "y": items}) == "tree = {'x': [1, 2], 'y': [1, 2]}\n"


class Box:
    """A container whose kind adds a tag per instance and accepts new keys."""

    def __init__(self, label: str, **items: Any) -> None:
        self.label, self.items = label, items


def test_a_kind_may_add_tags_per_node_and_queries_see_them():
    register_kind(Box, lambda b: b.items.items(), lambda b, kids: Box(b.label, **kids),
                  tags=lambda b: frozenset({b.label}))
    gl.tag(Box, "box")
    tree = [Box("red", x=1), Box("blue", y=Box("red"))]
    assert gl.tags_of(tree[0]) == {"box", "red"}
    assert list(gl.query(tree, tag="red")) == ["[0]", "[1].y"]
    assert list(gl.query(tree, tag="box")) == ["[0]", "[1]", "[1].y"]


def test_an_extensible_kind_accepts_a_new_key_in_rebind():
    register_kind(Box, lambda b: b.items.items(), lambda b, kids: Box(b.label, **kids),
                  extensible=True)
    assert gl.rebind(Box("a", x=1), {"z": 3}).items == {"x": 1, "z": 3}
    register_kind(Box, lambda b: b.items.items(), lambda b, kids: Box(b.label, **kids))
    with pytest.raises(gl.PathError, match="no key 'z'"):
        gl.rebind(Box("a", x=1), {"z": 3})


def test_declared_tags_of_a_class_include_its_bases_and_of_a_function_its_own():
    def helper() -> None:
        pass

    gl.tag(helper, "helper")
    assert declared_tags(Conv) == {"convolution"} and declared_tags(helper) == {"helper"}
    assert declared_tags(len) == frozenset()


class Cell:
    """A node whose kind says one object at several places is edited at all of them."""

    def __init__(self, **items: Any) -> None:
        self.items = items


def test_a_kind_that_identity_is_edited_at_every_place_of_a_shared_node():
    register_kind(Cell, lambda c: c.items.items(), lambda c, kids: Cell(**kids),
                  identity=True)
    inner = Cell(x=1)
    tree = {"a": inner, "b": [inner], "c": Cell(x=1)}
    new = gl.rebind(tree, {"a.x": 2})
    assert new["a"] is new["b"][0] and new["a"].items == {"x": 2}
    assert new["c"] is tree["c"] and inner.items == {"x": 1}


def test_without_identity_an_edit_changes_only_the_path_it_names():
    block = Block(Conv(8), Act())
    new = gl.rebind([block, block], {"[0].conv.channels": 4})
    assert new[1] is block and new[0].conv.channels == 4


FIRST_EDIT = """
import torch
import glove_lab as gl
import glove_lab.torch
shared = torch.nn.Linear(2, 2)
model = torch.nn.Sequential(shared, torch.nn.ReLU(), shared)
patched = gl.rebind(model, {"[0].out_features": 3})  # the process's very first edit
print(patched[0] is patched[2], patched[2].out_features)
"""


def test_the_first_edit_in_a_fresh_process_keeps_a_shared_module_shared():
    """Regression: the 'identity kinds seen' flag was raised only by a lookup, so an edit
    made before any traversal split a shared module (a silent wrong model)."""
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", FIRST_EDIT], capture_output=True, text=True,
                            cwd=repo, env={**__import__("os").environ, "PYTHONPATH": str(repo)},
                            check=True, timeout=120)
    assert result.stdout.split() == ["True", "3"]
