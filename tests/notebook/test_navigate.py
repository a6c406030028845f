"""Depth, collapse again, expand all / collapse all: the controller and the widget messages
(no browser). A bad path or depth is an error line and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import glove_lab as gl
from glove_lab.drawing import draw, to_svg
from glove_lab.errors import PathError
from glove_lab.notebook import GloveWidget
from glove_lab.notebook._controller import EXPAND_ALL_BUDGET, Controller
from tests.notebook.models import small_net
from tests.notebook.test_widget import front_end_event, node_classes


def drawn(widget: Any) -> dict[str, set[str]]:
    return node_classes(widget.svg)


@pytest.fixture
def widget() -> GloveWidget:
    return GloveWidget(gl.Session(small_net(3), name="net"))


def view_of(c: Controller) -> tuple[Any, ...]:
    """Everything an action could change in the view."""
    return (list(c.selection), list(c.expanded), list(c.collapsed), c.depth, c.all_expanded,
            c.svg(), c.session.tree, len(c.session.history))


# -- depth -------------------------------------------------------------------------------------
def test_depth_shows_n_levels_and_collapses_the_rest(widget):
    assert "blocks[2].conv" in drawn(widget)  # a small tree is drawn whole
    front_end_event(widget, event="depth", depth=1)
    nodes = drawn(widget)
    assert set(nodes) == {"$", "blocks"}
    assert "glove-collapsed" in nodes["blocks"]
    assert widget.depth == 1
    front_end_event(widget, event="depth", depth=2)
    nodes = drawn(widget)
    assert {"blocks[0]", "blocks[2]"} <= set(nodes) and "blocks[0].conv" not in nodes
    assert all("glove-collapsed" in nodes[f"blocks[{i}]"] for i in range(3))
    assert widget.graph_note.startswith("Showing ") and "of 21 nodes" in widget.graph_note
    front_end_event(widget, event="depth", depth=None)
    assert "blocks[2].conv" in drawn(widget) and widget.depth is None
    assert widget.graph_note == ""  # nothing hidden, nothing to say
    assert widget.error == ""


def test_a_depth_is_not_cut_short_by_the_default_budget():
    w = GloveWidget(gl.Session(small_net(60)), budget=20)
    assert "blocks[30]" not in drawn(w)
    w.set_depth(2)
    nodes = drawn(w)
    assert all(f"blocks[{i}]" in nodes for i in range(60))  # 62 boxes > budget 20
    assert "blocks[30].conv" not in nodes


def test_the_selected_node_stays_visible_at_any_depth(widget):
    widget.select("blocks[1].conv")
    widget.set_depth(1)
    nodes = drawn(widget)
    assert "glove-selected" in nodes["blocks[1].conv"]
    assert "blocks[0].conv" not in nodes


@pytest.mark.parametrize("bad", [-1, True, 1.5, "3", 10**6, [], {"depth": 2}, float("nan")])
def test_a_bad_depth_is_an_error_and_changes_nothing(widget, bad):
    widget.set_depth(2)
    before = view_of(widget.controller)
    front_end_event(widget, event="depth", depth=bad)
    assert widget.error.startswith("Cannot set the depth"), widget.error
    assert view_of(widget.controller) == before


# -- collapse again ----------------------------------------------------------------------------
def test_collapse_closes_an_expanded_subtree_and_a_click_opens_it_again():
    w = GloveWidget(gl.Session(small_net(60), name="big"), budget=20)
    front_end_event(w, event="expand", path="blocks[40]")
    assert "blocks[40].conv" in drawn(w)
    front_end_event(w, event="collapse", path="blocks[40]")
    nodes = drawn(w)
    assert "blocks[40].conv" not in nodes
    assert "glove-collapsed" in nodes["blocks[40]"]
    assert w.controller.expanded == [] and w.error == ""
    assert "Collapsed blocks[40]" in w.status
    front_end_event(w, event="expand", path="blocks[40]")
    assert "blocks[40].conv" in drawn(w)
    assert w.controller.collapsed == []


def test_collapse_within_the_budget_and_of_the_root(widget):
    widget.collapse("blocks[1]")
    nodes = drawn(widget)
    assert "blocks[1].conv" not in nodes and "blocks[0].conv" in nodes
    assert "glove-collapsed" in nodes["blocks[1]"]
    widget.collapse("")
    assert set(drawn(widget)) == {"$"}
    assert "glove-collapsed" in drawn(widget)["$"]
    front_end_event(widget, event="expand", path="$")
    assert "blocks[0].conv" in drawn(widget)


def test_collapsing_moves_a_selection_inside_to_the_collapsed_node(widget):
    widget.select("blocks[1].conv", "blocks[0]")
    widget.collapse("blocks[1]")
    assert widget.selection == ["blocks[1]", "blocks[0]"]
    assert "glove-selected" in drawn(widget)["blocks[1]"]


def test_selecting_inside_a_collapsed_subtree_opens_it(widget):
    """A search result inside a collapsed subtree is drawn when selected."""
    widget.collapse("blocks[1]")
    widget.select("blocks[1].conv")
    assert "glove-selected" in drawn(widget)["blocks[1].conv"]
    assert widget.controller.collapsed == []


def test_a_change_inside_a_collapsed_subtree_marks_it_and_keeps_it_closed(widget):
    widget.collapse("blocks[1]")
    assert widget.apply("nbtest.widen", scope="everywhere", factor=3)
    nodes = drawn(widget)
    assert "blocks[1].conv" not in nodes
    assert {"glove-collapsed", "glove-changed"} <= nodes["blocks[1]"]
    assert "glove-changed" in nodes["blocks[0].conv"]


def test_a_collapsed_subtree_inside_a_collapsed_one_stays_closed(widget):
    widget.collapse("blocks[1]")
    widget.collapse("blocks")
    assert set(drawn(widget)) == {"$", "blocks"}
    assert widget.controller.collapsed == ["blocks"]


@pytest.mark.parametrize("kept", ["collapse", "expand"])
def test_a_step_that_removes_a_collapsed_or_expanded_node_keeps_the_graph(kept):
    """The path is forgotten; before, drawing it failed and the graph vanished."""
    w = GloveWidget(gl.Session(small_net(3)), budget=8)
    if kept == "collapse":
        w.collapse("blocks[2]")
    else:
        front_end_event(w, event="expand", path="blocks[2]")
    w.select("blocks[2]")
    assert w.apply("glove.remove")
    assert w.error == "" and "blocks[1]" in drawn(w)
    assert "glove-removed" in drawn(w)["blocks[2]"]  # the diff's ghost of what went
    assert w.controller.collapsed == [] and w.controller.expanded == []
    assert w.undo() and w.error == "" and "blocks[2]" in drawn(w)


@pytest.mark.parametrize("bad", [
    "blocks[99]", "blocks[", "blocks[0]]", "$$", "\x00", "a" * 100_000, "blocks[0].conv.kernel",
    "blocks[0].act", "head", 5, None, ["blocks"], {"path": "blocks"},
])
def test_collapsing_a_bad_path_is_an_error_and_changes_nothing(widget, bad):
    widget.select("blocks[0].conv")
    widget.collapse("blocks[2]")
    before = view_of(widget.controller)
    front_end_event(widget, event="collapse", path=bad)
    assert widget.error.startswith("Cannot collapse"), widget.error
    assert len(widget.error) < 1000
    assert view_of(widget.controller) == before


def test_a_leaf_or_a_node_without_child_nodes_says_why(widget):
    assert not widget.controller.collapse("blocks[0].act")
    assert "no child nodes" in widget.controller.error
    assert "blocks[0].act" in widget.controller.error


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=30))
def test_any_path_text_collapses_or_is_refused_without_change(text):
    c = Controller(gl.Session(small_net(2)))
    before = view_of(c)
    if c.collapse(text):
        assert c.error == ""
        assert c.collapsed and c.svg()
    else:
        assert c.error.startswith("Cannot collapse")
        assert view_of(c) == before


# -- expand all / collapse all -----------------------------------------------------------------
def test_expand_all_on_a_12k_node_tree_is_capped_and_says_so():
    tree = small_net(2000)
    w = GloveWidget(gl.Session(tree, name="big"))
    total = draw(tree).total
    assert total > 12_000
    front_end_event(w, event="expand_all")
    nodes = drawn(w)
    assert 150 < len(nodes) <= EXPAND_ALL_BUDGET
    assert w.all_expanded and w.error == ""
    assert w.graph_note.startswith("Showing ")
    assert f"of {total:,} nodes" in w.graph_note and "search" in w.graph_note
    shown = int(w.graph_note.split()[1].replace(",", ""))
    assert 0 < shown < total
    front_end_event(w, event="collapse_all")
    assert set(drawn(w)) == {"$", "blocks"} and not w.all_expanded and w.depth == 1


def test_expand_all_opens_what_was_collapsed(widget):
    widget.collapse("blocks[1]")
    widget.set_depth(1)
    widget.expand_all()
    assert "blocks[1].conv" in drawn(widget) and "blocks[2].act" in drawn(widget)
    assert widget.graph_note == "" and widget.controller.collapsed == []


def test_collapse_all_keeps_the_selection_visible(widget):
    widget.select("blocks[2].act")
    widget.collapse_all()
    nodes = drawn(widget)
    assert "glove-selected" in nodes["blocks[2].act"]
    assert "blocks[0]" not in nodes or "glove-collapsed" in nodes["blocks[0]"]
    assert "blocks[0].conv" not in nodes


# -- the drawing layer -------------------------------------------------------------------------
def test_draw_counts_what_it_shows():
    tree = small_net(3)
    whole = draw(tree)
    assert whole.hidden == 0 and whole.shown == whole.total == 21
    closed = draw(tree, collapse=["blocks[0]", "blocks[1]"])
    assert closed.hidden == 10 and closed.shown == 11  # a block: itself + conv(3) + act(2)
    assert closed.svg == to_svg(tree, collapse=["blocks[0]", "blocks[1]"])


def test_draw_counts_the_members_of_a_folded_run():
    same = [small_net(1).blocks[0]] * 6  # six identical blocks fold into one node
    d = draw(same)
    assert d.total == 1 + 6 * 6
    assert d.shown == 1 + 6 and d.hidden == 5 * 6, (d.shown, d.hidden)


def test_collapse_takes_paths_and_refuses_missing_ones():
    with pytest.raises(PathError):
        to_svg(small_net(2), collapse=["blocks[7]"])
    with pytest.raises(PathError):
        to_svg(small_net(2), collapse=[3])
