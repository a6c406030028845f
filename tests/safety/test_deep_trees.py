"""Any depth: trees 10,000 levels deep work for every tree operation (issue 10, item 5)."""

from __future__ import annotations

import html
import re
import warnings
from typing import Any

import pytest

import glove_lab as gl
from glove_lab.drawing import path_from_title
from glove_lab.drawing._graph import build_graph
from glove_lab.tree import short_repr
from tests.safety.test_rule_faults import Cell, Pair

DEPTH = 10_000


def chain(depth: int = DEPTH) -> Any:
    tree: Any = Cell(0)
    for _ in range(depth):
        tree = Pair(tree, [1])
    return tree


def deepest(depth: int = DEPTH) -> str:
    return "left." * depth + "x"


@pytest.fixture(scope="module")
def pair() -> tuple[Any, Any]:
    return chain(), chain()


def test_eq_and_diff_at_depth_10000(pair):
    a, b = pair
    assert gl.eq(a, b)
    changed = gl.rebind(b, {deepest(): 7})
    assert not gl.eq(a, changed)
    [change] = gl.diff(a, changed)
    assert change.path == gl.KeyPath.parse(deepest()) and change.after == 7


def test_format_and_repr_at_depth_10000(pair):
    a, _ = pair
    text = gl.format(a)
    assert text.startswith("Pair(") and text.count("Cell(x=0, y=0)") == 1
    assert len(repr(a)) <= 120 and len(short_repr(a)) <= 120


def test_json_round_trip_at_depth_10000(pair):
    a, _ = pair
    assert gl.eq(gl.from_json(gl.to_json(a)), a)


def test_rebind_apply_and_a_session_step_at_depth_10000(pair, tmp_path):
    a, _ = pair
    assert gl.get(gl.rebind(a, {deepest(): 5}), deepest()) == 5
    patched = gl.apply(a, "glove.replace", at=[deepest()], value=6)
    assert gl.get(patched, deepest()) == 6 and gl.get(a, deepest()) == 0
    session = gl.Session(a)
    session.replace(deepest(), 8)
    assert session.history[0].changed_paths == (deepest(),)
    session.undo()
    assert session.tree is a


def test_a_tree_beyond_the_limit_is_a_glove_error_stating_it():
    a: Any = 0
    b: Any = 0
    for _ in range(200_000):
        a, b = [a], [b]
    with pytest.raises(gl.GloveError, match="20,000 levels"):
        gl.eq(a, b)


def test_a_deep_tree_has_a_fingerprint_and_saves_and_loads(tmp_path):
    """fingerprint (save, load) hashed each value's whole path: 64 s at depth 10,000."""
    from glove_lab.session import fingerprint

    def nested(depth: int, leaf: int) -> list:
        tree: Any = leaf
        for _ in range(depth):
            tree = [tree]
        return tree

    deep = nested(10_000, 1)
    assert fingerprint(deep) == fingerprint(nested(10_000, 1))
    assert fingerprint(deep) != fingerprint(nested(10_000, 2))
    assert fingerprint(deep) != fingerprint(nested(9_999, 1))
    session = gl.Session(deep, name="deep")
    session.save(tmp_path / "deep.json")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the same tree: no "recorded on a different tree"
        loaded = gl.Session.load(tmp_path / "deep.json", nested(10_000, 1))
    assert loaded.history == []


def test_the_fingerprint_of_a_tree_that_contains_itself_is_a_glove_error():
    from glove_lab.session import fingerprint

    loop: list[Any] = [1]
    loop.append(loop)
    with pytest.raises(gl.GloveError, match="contains itself"):
        fingerprint(loop)


# -- drawing and highlighting deep nodes (highlight cost linear in depth) ------------

_NODE = re.compile(r'<g id="[^"]*" class="node([^"]*)"[^>]*>\s*<title>([^<]*)</title>')


def drawn(svg: str) -> list[tuple[str, str]]:
    """(classes, title) of every drawn node, classes with dot's `&#45;` read back."""
    return [(classes.replace("&#45;", "-"), html.unescape(title))
            for classes, title in _NODE.findall(svg)]


def test_highlighting_a_node_1000_levels_deep_draws_its_neighbourhood_not_every_level():
    """Every ancestor of a highlighted node was drawn: 1,001 boxes, each titled with its path."""
    tree = chain(1_000)
    target = ("left." * 1_000)[:-1]
    model = build_graph(tree, highlight=[target])
    roles = [node.role for node in model.nodes]
    assert roles.count("elided") == 1 and len(model.nodes) <= 20
    [elided] = [node for node in model.nodes if node.role == "elided"]
    assert elided.count == 1_000 - len(model.nodes) + 2  # every level but the drawn ones
    assert [node.path for node in model.nodes if node.selected] == [gl.KeyPath.parse(target)]


def test_highlighting_a_node_at_depth_10000_works_and_every_title_names_a_node(pair):
    a, _ = pair
    target = ("left." * DEPTH)[:-1]
    nodes = drawn(gl.to_svg(a, highlight=[target]))
    assert len(nodes) <= 20
    for _classes, title in nodes:  # a click maps back to a node of the tree
        gl.get(a, path_from_title(title))
    assert [title for classes, title in nodes if "glove-selected" in classes] == [target]
    [elided] = [title for classes, title in nodes if "glove-elided" in classes]
    assert "glove-collapsed" in dict((t, c) for c, t in nodes)[elided]  # clicking expands it
    # Expanding the elided run (what a click does) draws the levels below its start.
    nodes = drawn(gl.to_svg(a, highlight=[target], expand=[elided]))
    titles = [title for _, title in nodes]
    assert elided in titles and elided + ".left" in titles and len(nodes) <= 80
    assert [title for classes, title in nodes if "glove-selected" in classes] == [target]


def test_a_change_at_depth_10000_is_drawn_marked(pair):
    a, _ = pair
    changed = gl.rebind(a, {deepest(): 7})
    nodes = drawn(gl.to_svg(changed, diff_from=a))
    assert len(nodes) <= 20
    [(_classes, title)] = [(c, t) for c, t in nodes if "glove-changed" in c and "elided" not in c]
    assert title == ("left." * DEPTH)[:-1]


# -- every widget and session operation at depth 10,000 ------------------------------


def test_the_widget_at_depth_10000_selects_expands_searches_applies_and_exports(pair):
    """Before: search made every node's whole path text, export hashed them (minutes)."""
    from glove_lab.notebook import GloveWidget
    from tests.notebook.test_widget import front_end_event, front_end_update

    a, _ = pair
    target = ("left." * DEPTH)[:-1]
    widget = GloveWidget(gl.Session(a, name="deep"))
    front_end_update(widget, selection=[target])
    assert widget.error == "" and widget.selection == [target]
    assert widget.inspector["path"] == target and widget.inspector["type"] == "Cell"
    assert "glove.rebind" in [form["name"] for form in widget.palette]
    [elided] = [title for classes, title in drawn(widget.svg) if "glove-elided" in classes]
    front_end_event(widget, event="expand", path=elided)
    assert widget.error == "" and elided + ".left" in [t for _, t in drawn(widget.svg)]
    front_end_event(widget, event="search", query="cell")
    assert [m["path"] for m in widget.matches] == [target]
    front_end_event(widget, event="apply", rule="glove.rebind", scope="selection",
                    params={"values": "{'x': 9}"})
    assert widget.error == "" and gl.get(widget.session.tree, deepest()) == 9
    assert [entry["paths"] for entry in widget.history] == [target]
    code = widget.export(insert_cell=False)
    namespace: dict[str, Any] = {"deep": a}
    exec(compile(code, "<export>", "exec"), namespace)
    assert gl.eq(namespace["deep"], widget.session.tree)
    front_end_event(widget, event="undo")
    assert widget.session.tree is a and gl.get(a, deepest()) == 0


def test_apply_at_several_deep_paths_orders_them_without_every_path_of_the_tree(pair):
    """Ordering two paths looked both up in a table of every node's path: 14 s at 10,000."""
    a, _ = pair
    inner, outer = deepest(), ("left." * (DEPTH - 5))[:-1]
    patched = gl.apply(a, "glove.replace", at=[inner, outer], value=1)
    assert gl.get(patched, outer) == 1  # the outer match wins; the inner one is inside it
    side = [("left." * depth) + "right" for depth in range(DEPTH - 20, DEPTH - 9)]
    patched = gl.apply(a, "glove.replace", at=side[::-1], value=[2])  # > 8 paths: the index
    assert [gl.get(patched, path) for path in side] == [[2]] * len(side)
    assert gl.get(patched, deepest()) == 0 and gl.get(a, side[0]) == [1]


@pytest.mark.parametrize("needle", ["left", "LEFT.r", "ight[0", "[0]", "x", "cell", "b.c",
                                    '"', "a.b", "0", "blocks[1].conv", "nope"])
def test_search_finds_exactly_what_a_scan_of_every_path_text_finds(needle):
    """The search carries 'contains' down the tree instead of making each path's text."""
    from glove_lab.notebook._controller import Controller
    from glove_lab.tree import display_name, kind_of

    tree = {"a.b": [chain(3), {"b": (1, 2)}], "blocks": [chain(1), {"c": "left"}], 0: [1],
            "x": {"y z": 3, "0": chain(2)}}
    found = [m["path"] for m in Controller(gl.Session(tree)).search(needle, limit=10_000)]
    expected = []
    for path, node in gl.traverse(tree):
        kind, text = kind_of(node), str(path).lower()
        if ((kind is not None and needle.lower() in text) or text == needle.lower()
                or (kind is not None and needle.lower() in display_name(node).lower())
                or (kind is None and needle.lower() in short_repr(node, 200).lower())):
            expected.append(str(path))
    assert found == expected


def test_code_exported_before_the_linear_fingerprint_still_recognises_its_tree():
    from glove_lab.session._export import _path_fingerprint, export_fingerprint

    tree, patched = chain(3), gl.rebind(chain(3), {deepest(3): 5})
    old, old_patched = _path_fingerprint(tree), _path_fingerprint(patched)
    assert old != export_fingerprint(tree) and len(old) == len(export_fingerprint(tree))
    assert gl.needs_patching(tree, original=old, patched=old_patched)
    assert not gl.needs_patching(patched, original=old, patched=old_patched)
    with pytest.raises(gl.GloveError, match="not the original tree"):
        gl.needs_patching(chain(4), original=old, patched=old_patched)
