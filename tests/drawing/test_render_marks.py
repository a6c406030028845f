"""Selection and diff marks: selected, changed, added and removed nodes and rows."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

import glove_lab as gl
from glove_lab.drawing import to_svg

SVG = "{http://www.w3.org/2000/svg}"


@gl.symbolize(tags={"convolution"})
class Conv:
    def __init__(self, channels, kernel=3):
        pass


@gl.symbolize(tags={"normalization"})
class Norm:
    def __init__(self, eps=1e-5):
        pass


@gl.symbolize
class Stack:
    def __init__(self, layers, config):
        pass


def stack() -> Stack:
    return Stack(layers=[Conv(8), Norm(), Conv(16)], config={"lr": 0.1, "extra": {"seed": 1}})


def nodes(svg: str) -> dict[str, ET.Element]:
    return {g.find(f"{SVG}title").text: g for g in ET.fromstring(svg).iter(f"{SVG}g")
            if "node" in g.get("class", "").split()}


def classes(group: ET.Element) -> set[str]:
    return set(group.get("class", "").split())


def texts(group: ET.Element) -> list[str]:
    return [(t.text or "").replace("\xa0", " ") for t in group.iter(f"{SVG}text")]


def test_highlighted_nodes_get_the_selected_class():
    found = nodes(to_svg(stack(), highlight=["layers[1]", gl.KeyPath.parse("config")]))
    assert "glove-selected" in classes(found["layers[1]"])
    assert "glove-selected" in classes(found["config"])
    assert "glove-selected" not in classes(found["layers[0]"])


def test_highlight_accepts_a_single_path_string():
    found = nodes(to_svg(stack(), highlight="layers[2]"))
    assert "glove-selected" in classes(found["layers[2]"])


def test_highlighting_a_leaf_selects_its_row_not_the_box():
    svg = to_svg(stack(), highlight=["layers[0].kernel"])
    assert "glove-selected" not in classes(nodes(svg)["layers[0]"])
    assert 'fill="#e9d5ff"' in ET.tostring(nodes(svg)["layers[0]"], encoding="unicode")


def test_highlighting_a_missing_path_raises_path_error():
    with pytest.raises(gl.PathError):
        to_svg(stack(), highlight=["layers[7]"])


def test_a_changed_leaf_marks_its_box_changed():
    old = stack()
    new = gl.rebind(old, {"layers[2].kernel": 5})
    found = nodes(to_svg(new, diff_from=old))
    assert "glove-changed" in classes(found["layers[2]"])
    assert "glove-changed" not in classes(found["layers[0]"])
    assert any("was 3" in t for t in texts(found["layers[2]"]))


def test_a_replaced_node_of_another_type_is_changed():
    old = stack()
    new = gl.replace(old, "layers[1]", Conv(4))
    assert "glove-changed" in classes(nodes(to_svg(new, diff_from=old))["layers[1]"])


def test_an_added_node_is_marked_added():
    old = stack()
    new = gl.replace(old, "config", {**old.config, "schedule": {"kind": "cosine"}})
    found = nodes(to_svg(new, diff_from=old))
    assert "glove-added" in classes(found["config.schedule"])


def test_a_removed_child_is_a_dashed_ghost_under_its_parent():
    old = stack()
    new = gl.replace(old, "config", {"lr": 0.1})
    svg = to_svg(new, diff_from=old)
    ghost = nodes(svg)["config.extra"]
    assert {"glove-removed"} <= classes(ghost)
    assert 'stroke-dasharray' in ET.tostring(ghost, encoding="unicode")
    edges = [g for g in ET.fromstring(svg).iter(f"{SVG}g") if "glove-removed" in
             g.get("class", "") and "edge" in g.get("class", "")]
    assert len(edges) == 1


def test_a_removed_leaf_is_a_struck_row():
    old = stack()
    new = gl.replace(old, "config", {"extra": {"seed": 1}})
    found = nodes(to_svg(new, diff_from=old))
    assert "glove-changed" in classes(found["config"])
    assert "lr" in texts(found["config"])


def test_unchanged_trees_have_no_diff_marks():
    tree = stack()
    svg = to_svg(tree, diff_from=tree)
    assert "glove-changed" not in svg and "glove-added" not in svg


def test_changes_beyond_what_fits_mark_the_placeholder_that_hides_them():
    old = Stack(layers=[Stack([Conv(i)], {}) for i in range(80)], config={})
    new = gl.rebind(old, {f"layers[{i}].layers[0].kernel": 7 for i in range(80)})
    found = nodes(to_svg(new, diff_from=old, budget=24))
    hidden = [g for g in found.values() if "glove-collapsed" in classes(g)]
    assert hidden
    assert all("glove-changed" in classes(g) for g in hidden)


def test_changed_paths_are_kept_visible_under_a_small_budget():
    old = Stack(layers=[Conv(i) for i in range(60)], config={})
    new = gl.rebind(old, {"layers[45].kernel": 9})
    found = nodes(to_svg(new, diff_from=old, budget=12))
    assert "glove-changed" in classes(found["layers[45]"])
