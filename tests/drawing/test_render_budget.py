"""Big trees stay small on screen: the node budget, placeholders, expand=, depth= and folding."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

import glove_lab as gl
from benchmarks._trees import glove_tree
from glove_lab.drawing import path_from_svg_id, path_from_title, to_svg
from glove_lab.tree import index_of

SVG = "{http://www.w3.org/2000/svg}"


@gl.symbolize(tags={"convolution"})
class Conv:
    def __init__(self, channels, kernel=3):
        pass


@gl.symbolize
class Block:
    def __init__(self, conv, act="relu"):
        pass


@gl.symbolize
class Net:
    def __init__(self, blocks):
        pass


def nodes(svg: str) -> dict[str, ET.Element]:
    return {g.find(f"{SVG}title").text: g for g in ET.fromstring(svg).iter(f"{SVG}g")
            if "node" in g.get("class", "").split()}


def edges(svg: str) -> list[str]:
    return [g.find(f"{SVG}title").text for g in ET.fromstring(svg).iter(f"{SVG}g")
            if "edge" in g.get("class", "").split()]


def classes(group: ET.Element) -> set[str]:
    return set(group.get("class", "").split())


def texts(group: ET.Element) -> list[str]:
    return [(t.text or "").replace("\xa0", " ") for t in group.iter(f"{SVG}text")]


@pytest.fixture(scope="module")
def big_tree():
    return glove_tree()  # 12,000 nodes


def test_a_big_tree_is_drawn_within_the_budget(big_tree):
    found = nodes(to_svg(big_tree))
    assert 20 <= len(found) <= 150


def test_smaller_budgets_draw_fewer_nodes(big_tree):
    assert len(nodes(to_svg(big_tree, budget=40))) <= 40


def test_placeholders_are_collapsed_nodes_titled_by_a_real_path(big_tree):
    found = nodes(to_svg(big_tree, budget=60))
    placeholders = {title: g for title, g in found.items() if "glove-collapsed" in classes(g)}
    assert placeholders
    for title, group in placeholders.items():
        path = path_from_title(title)
        gl.get(big_tree, path)
        assert path_from_svg_id(group.get("id")) == path


def test_the_more_placeholder_counts_the_hidden_siblings(big_tree):
    found = nodes(to_svg(big_tree, budget=60))
    more = [g for g in found.values() if "glove-more" in classes(g)]
    assert len(more) == 1
    label = texts(more[0])
    shown_blocks = sum(1 for t, g in found.items()
                       if re.fullmatch(r"blocks\[\d+\]", t) and g is not more[0])
    assert f"+{500 - shown_blocks} more" in label


def test_collapsed_box_counts_its_hidden_nodes():
    tree = Net([Block(Conv(i)) for i in range(3)])
    found = nodes(to_svg(tree, depth=1))
    assert "glove-collapsed" in classes(found["blocks"])
    hidden = index_of(tree).subtree_sizes[gl.KeyPath.parse("blocks")] - 1
    assert f"▸ +{hidden} nodes" in texts(found["blocks"])


def test_depth_limits_which_boxes_are_opened():
    tree = Net([Block(Conv(i)) for i in range(3)])
    assert set(nodes(to_svg(tree, depth=1))) == {"$", "blocks"}
    assert "blocks[0].conv" not in nodes(to_svg(tree, depth=2))
    assert "blocks[0].conv" in nodes(to_svg(tree, depth=3))


def test_expand_opens_a_collapsed_subtree_and_its_ancestors(big_tree):
    before = nodes(to_svg(big_tree, budget=30))
    assert "blocks[400]" not in before
    after = nodes(to_svg(big_tree, budget=30, expand=["blocks[400]"]))
    assert "blocks[400]" in after
    assert "blocks[400].layers" in after
    assert "glove-collapsed" not in classes(after["blocks[400]"])


def test_expand_a_placeholder_path_opens_it():
    tree = Net([Block(Conv(i)) for i in range(3)])
    assert "blocks[1]" in nodes(to_svg(tree, depth=1, expand=["blocks"]))


def test_expand_of_a_missing_path_raises_path_error(big_tree):
    with pytest.raises(gl.PathError):
        to_svg(big_tree, expand=["blocks[9999]"])


def test_highlighted_paths_stay_visible_under_the_budget(big_tree):
    found = nodes(to_svg(big_tree, budget=30, highlight=["blocks[321].layers[1]"]))
    assert "glove-selected" in classes(found["blocks[321].layers[1]"])


def test_identical_consecutive_siblings_fold_into_one_node():
    tree = Net([Block(Conv(8)) for _ in range(12)] + [Block(Conv(16))])
    found = nodes(to_svg(tree))
    folded = found["blocks[0]"]
    assert {"glove-collapsed", "glove-folded"} <= classes(folded)
    assert "\N{MULTIPLICATION SIGN}12" in " ".join(texts(folded))
    assert "blocks[12]" in found
    assert not any(title.startswith("blocks[1]") for title in found)


def test_a_folded_run_shows_the_structure_of_its_first_member():
    tree = Net([Block(Conv(8)) for _ in range(5)])
    found = nodes(to_svg(tree))
    assert "blocks[0].conv" in found
    assert "blocks[0]->blocks[0].conv" in edges(to_svg(tree))


def test_two_identical_siblings_do_not_fold():
    found = nodes(to_svg(Net([Block(Conv(8)), Block(Conv(8))])))
    assert "blocks[1]" in found


def test_expanding_one_member_of_a_run_splits_the_run():
    tree = Net([Block(Conv(8)) for _ in range(12)])
    found = nodes(to_svg(tree, expand=["blocks[5]"]))
    assert "blocks[5].conv" in found
    assert "glove-folded" in classes(found["blocks[0]"])
    assert "glove-folded" in classes(found["blocks[6]"])


def test_a_hundred_thousand_node_tree_renders_its_collapsed_view():
    tree = glove_tree(4200)
    found = nodes(to_svg(tree))
    assert len(found) <= 150
    assert any("glove-collapsed" in classes(g) for g in found.values())


class Counted:
    """A node kind that counts how often its children are listed."""

    calls = 0

    def __init__(self, items):
        self.items = items


def _counted_children(node):
    Counted.calls += 1
    return enumerate(node.items)


gl.register_kind(Counted, children=_counted_children,
                 rebuild=lambda node, children: Counted(list(children.values())))


def test_the_collapsed_view_of_a_big_tree_opens_only_what_it_draws():
    tree = Counted([Counted([Counted([i, i + 1, "x"]) for i in range(30)]) for _ in range(3000)])
    index_of(tree)  # built once per root, as any query would; its cost is not the renderer's
    Counted.calls = 0
    found = nodes(to_svg(tree))
    assert len(found) <= 150
    assert Counted.calls < 10_000  # the tree has 93,001 boxes, all alike
