"""The drawn graph: one node per box, leaf rows inside, keyed edges, addressable titles and ids."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

import graphviz

import glove_lab as gl
from glove_lab.drawing import path_from_svg_id, path_from_title, render, tag_color, to_svg

SVG = "{http://www.w3.org/2000/svg}"


@gl.symbolize(tags={"convolution"}, hyper=("kernel",))
class Conv:
    def __init__(self, channels, kernel=3, stride=1, padding="same"):
        pass


@gl.symbolize(tags={"nonlinearity"})
class Act:
    def __init__(self, name="relu"):
        pass


@gl.symbolize
class Block:
    def __init__(self, conv, act, scale=1.0):
        pass


@gl.symbolize
class Model:
    def __init__(self, blocks, head, optimizer):
        pass


@dataclasses.dataclass
class Wide:
    a: int = 1
    b: int = 2
    c: int = 3
    d: int = 4
    e: int = 5
    f: int = 6
    g: int = 7
    h: int = 8
    i: int = 9
    j: int = 10


def model() -> Model:
    return Model(blocks=[Block(Conv(16), Act()), Block(Conv(32, kernel=5), Act("gelu"))],
                 head=Conv(10, kernel=1),
                 optimizer={"lr": 0.1, "lr schedule": {"kind": "cosine"}})


def svg_nodes(svg: str) -> dict[str, ET.Element]:
    """The SVG's node groups by title text."""
    root = ET.fromstring(svg)
    nodes = {}
    for group in root.iter(f"{SVG}g"):
        if "node" in group.get("class", "").split():
            nodes[group.find(f"{SVG}title").text] = group
    return nodes


def svg_edges(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [group.find(f"{SVG}title").text for group in root.iter(f"{SVG}g")
            if "edge" in group.get("class", "").split()]


def texts(group: ET.Element) -> list[str]:
    return [(t.text or "").replace("\xa0", " ") for t in group.iter(f"{SVG}text")]


def test_render_returns_a_digraph_whose_source_names_every_box():
    graph = render(model())
    assert isinstance(graph, graphviz.Digraph)
    assert '"blocks[1].conv"' in graph.source


def test_every_box_is_one_node_titled_by_its_path():
    nodes = svg_nodes(to_svg(model()))
    assert set(nodes) == {"$", "blocks", "blocks[0]", "blocks[0].conv", "blocks[0].act",
                          "blocks[1]", "blocks[1].conv", "blocks[1].act", "head", "optimizer",
                          'optimizer["lr schedule"]'}


def test_edges_go_to_box_children_and_carry_their_keys():
    svg = to_svg(model())
    assert "blocks->blocks[1]" in svg_edges(svg)
    edge_texts = [
        (g.find(f"{SVG}text").text or "")
        for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("class") == "edge glove-edge"
    ]
    assert {"blocks", "head", "optimizer", "[0]", "[1]", "conv", "act",
            '["lr schedule"]'} <= set(edge_texts)


def test_leaf_children_are_rows_inside_their_box():
    node = svg_nodes(to_svg(model()))["blocks[1].conv"]
    assert {"Conv", "kernel", "= 5", "channels", "= 32", "stride", "= 'same'"} <= set(texts(node))


def test_hyperparameters_are_the_first_rows():
    node = svg_nodes(to_svg(model()))["head"]
    keys = [t for t in texts(node) if t in ("channels", "kernel", "stride", "padding")]
    assert keys == ["kernel", "channels", "stride", "padding"]


def test_long_values_are_cut_with_an_ellipsis():
    node = svg_nodes(to_svg({"text": "x" * 500}))["$"]
    value = next(t for t in texts(node) if t.startswith("= 'x"))
    assert len(value) <= 42 and value.endswith("…")


def test_boxes_show_at_most_eight_rows_then_a_count():
    node = svg_nodes(to_svg(Wide()))["$"]
    assert "+2 more" in texts(node)
    assert "i" not in texts(node)


def test_short_scalar_tuples_are_rows_not_boxes():
    nodes = svg_nodes(to_svg(Conv(8, kernel=(3, 3))))
    assert list(nodes) == ["$"]
    assert "= (3, 3)" in texts(nodes["$"])


def test_node_label_shows_type_name_then_tags_then_arguments():
    label = texts(svg_nodes(to_svg(model()))["head"])
    assert label.index("Conv") < label.index(" convolution") < label.index("kernel")


def test_titles_and_ids_round_trip_to_paths():
    tree = model()
    for title, group in svg_nodes(to_svg(tree)).items():
        path = path_from_title(title)
        assert path_from_svg_id(group.get("id")) == path
        gl.get(tree, path)


def test_root_title_is_dollar_and_parses_to_the_root():
    assert "$" in svg_nodes(to_svg(model()))
    assert path_from_title("$") == gl.KeyPath()


def test_awkward_keys_survive_into_titles_as_text():
    keys = ['lr schedule', "a\\b", "ünï", "<script>", "a:b", 'q"uote', "a&amp;b", "x--y"]
    tree = {key: {"inner": [i, 2, 3, 4, 5, 6, 7, 8]} for i, key in enumerate(keys)}
    nodes = svg_nodes(to_svg(tree))
    for key in keys:
        path = gl.KeyPath((key,))
        assert str(path) in nodes
        assert path_from_title(str(path)) == path
        assert path_from_svg_id(nodes[str(path)].get("id")) == path


def test_node_fill_follows_the_first_tag():
    graph = render(Conv(4))
    assert f'fillcolor="{_tint(tag_color("convolution"))}"' in graph.source


def test_tag_colors_are_fixed_for_standard_tags_and_stable_for_user_tags():
    assert tag_color("convolution") != tag_color("nonlinearity")
    assert tag_color("my-team/attention-v2") == tag_color("my-team/attention-v2")
    assert tag_color("x").startswith("#") and len(tag_color("x")) == 7


def test_legend_lists_the_tags_present():
    root = ET.fromstring(to_svg(model()))
    graph_group = root.find(f"{SVG}g")
    legend = [t.text for t in graph_group.findall(f"{SVG}text")]
    assert legend == ["tags", "convolution", "nonlinearity"]


def test_a_plain_value_renders_as_one_root_node():
    nodes = svg_nodes(to_svg(42))
    assert list(nodes) == ["$"]
    assert "= 42" in texts(nodes["$"])


def _tint(color: str) -> str:
    from glove_lab.drawing._style import tint

    return tint(color)
