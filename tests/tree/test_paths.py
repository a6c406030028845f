"""KeyPath text form, gl.get, gl.paths and gl.traverse."""

from __future__ import annotations

import pytest

import glove_lab as gl
from glove_lab import KeyPath
from tests.fixtures.models import Act, Block, Conv, small_net


def test_parse_reads_attributes_and_indices():
    assert KeyPath.parse("blocks[3].conv.kernel") == KeyPath(["blocks", 3, "conv", "kernel"])


def test_parse_reads_quoted_keys():
    assert KeyPath.parse('cfg["lr schedule"]') == KeyPath(["cfg", "lr schedule"])


def test_a_key_with_a_dot_is_quoted():
    assert str(KeyPath(["a.b"])) == '["a.b"]'


def test_a_key_that_is_a_python_keyword_is_quoted():
    assert str(KeyPath(["cfg", "class"])) == 'cfg["class"]'


def test_a_non_ascii_key_is_quoted_and_kept_readable():
    assert str(KeyPath(["名前"])) == '["名前"]'


def test_root_is_the_empty_string():
    assert (str(KeyPath()), KeyPath.parse("")) == ("", KeyPath())


def test_dollar_parses_as_the_root():
    assert KeyPath.parse("$") == KeyPath()


def test_string_key_that_looks_like_an_index_stays_a_string():
    assert KeyPath.parse('["3"]') == KeyPath(["3"])


@pytest.mark.parametrize("text", [
    "blocks[3].conv.kernel",
    'cfg["lr schedule"]',
    '["a.b"]',
    "[0][1]",
    "a[-1]",
    '["$x"].y',
    '[""]',
    '["q\\"uote"]',
    '["a]b"].c',
    '["tab\\tnew\\nline"]',
    '["é"]',
    '["名前"][2]',
    'x["class"]',
    "_private.x1",
    "[True]",
    "[None]",
])
def test_canonical_text_round_trips(text):
    assert str(KeyPath.parse(text)) == text


@pytest.mark.parametrize("text", [
    "a..b", ".a", "a.", "a[", "a]", "a[x]", "a[]", "1a", "a b", 'a["unclosed]',
    'a["x"]b', "a-b", "a[[1]]", "a[__import__('os')]",
])
def test_malformed_path_raises_path_error(text):
    with pytest.raises(gl.PathError):
        KeyPath.parse(text)


def test_a_non_string_path_raises_path_error():
    with pytest.raises(gl.PathError):
        KeyPath.parse(3)


def test_get_follows_a_path():
    assert gl.get(small_net(), "blocks[1].conv.channels") == 16


def test_get_returns_the_node_itself():
    net = small_net()
    assert gl.get(net, "blocks[0]") is net.blocks[0]


def test_get_of_the_root_path_is_the_tree():
    tree = {"a": 1}
    assert gl.get(tree, "") is tree


def test_get_reads_quoted_dict_keys():
    assert gl.get({"cfg": {"lr schedule": "cosine"}}, 'cfg["lr schedule"]') == "cosine"


def test_get_accepts_a_keypath():
    assert gl.get([[1, 2]], KeyPath([0, 1])) == 2


def test_get_of_a_missing_key_raises_path_error_naming_it():
    with pytest.raises(gl.PathError, match="nope"):
        gl.get(small_net(), "blocks[0].nope")


def test_get_of_an_index_past_the_end_raises_path_error():
    with pytest.raises(gl.PathError):
        gl.get([1, 2], "[2]")


def test_get_below_a_leaf_raises_path_error():
    with pytest.raises(gl.PathError, match="leaf"):
        gl.get({"a": 1}, "a.b")


def test_get_does_not_confuse_an_index_with_a_string_key():
    with pytest.raises(gl.PathError):
        gl.get({"0": "x"}, "[0]")


def test_paths_lists_every_node_in_traversal_order():
    assert [str(p) for p in gl.paths({"a": [1, 2], "b": 3})] == ["", "a", "a[0]", "a[1]", "b"]


def test_paths_are_keypaths():
    assert all(isinstance(p, KeyPath) for p in gl.paths([1, [2]]))


def test_traverse_is_depth_first_with_parents_before_children():
    tree = Block(Conv(4), Act())
    order = [str(path) for path, _ in gl.traverse(tree)]
    assert order == ["", "conv", "conv.channels", "conv.kernel", "conv.stride", "act", "act.kind"]


def test_traverse_yields_the_nodes_themselves():
    tree = [Conv(), Act()]
    assert all(gl.get(tree, path) is node for path, node in gl.traverse(tree))


def test_traverse_of_a_leaf_yields_only_the_root():
    assert list(gl.traverse(7)) == [(KeyPath(), 7)]


def test_traverse_handles_deep_trees_without_recursion_limits():
    tree: list = []
    for _ in range(5000):
        tree = [tree]
    assert sum(1 for _ in gl.traverse(tree)) == 5001


def test_a_tree_that_contains_itself_raises_a_clear_error_instead_of_hanging():
    looped: list = [1]
    looped.append(looped)
    with pytest.raises(gl.GloveError, match="contain itself"):
        gl.paths(looped)
