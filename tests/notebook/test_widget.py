"""The widget driven by the messages a front end sends (no browser)."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

import pytest

import glove_lab as gl
from glove_lab.notebook import GloveWidget, PlainGloveWidget
from tests.notebook.models import Conv, small_net


def node_classes(svg: str) -> dict[str, set[str]]:
    """Title -> CSS classes of every drawn node (as the browser sees them)."""
    root = ElementTree.fromstring(svg)
    result = {}
    for group in root.iter("{http://www.w3.org/2000/svg}g"):
        classes = set((group.get("class") or "").split())
        title = group.find("{http://www.w3.org/2000/svg}title")
        if "node" in classes and title is not None:
            result[title.text] = classes
    return result


def front_end_update(widget: Any, **state: Any) -> None:
    """What the front end sends when the view sets traits (an ipywidgets 'update')."""
    widget._handle_msg({"content": {"data": {"method": "update", "state": state,
                                             "buffer_paths": []}}, "buffers": []})


def front_end_event(widget: Any, **content: Any) -> None:
    """What the front end sends for a button (an ipywidgets 'custom' message)."""
    widget._handle_msg({"content": {"data": {"method": "custom", "content": content}},
                        "buffers": []})


@pytest.fixture
def widget() -> GloveWidget:
    w = GloveWidget(gl.Session(small_net(), name="net"))
    sent: list[Any] = []
    w.send = lambda content, buffers=None: sent.append(content)  # record the kernel->view messages
    w.sent = sent
    return w


def test_initial_state_shows_the_graph_and_all_matching_rules(widget):
    assert "<svg" in widget.svg
    names = [r["name"] for r in widget.palette]
    assert "nbtest.widen" in names and "nbtest.swap_act" in names
    assert widget.can_undo is False and widget.history == []


def test_click_selects_a_node_and_fills_the_inspector(widget):
    front_end_update(widget, selection=["blocks[1].conv"])
    assert widget.inspector["path"] == "blocks[1].conv"
    assert widget.inspector["type"] == "Conv"
    assert widget.inspector["tags"] == ["convolution"]
    assert list(widget.inspector["args"][0]) == ["kernel", "3"]  # hyperparameters first


def test_palette_lists_only_rules_matching_the_whole_selection(widget):
    front_end_update(widget, selection=["blocks[0].act", "blocks[2].act"])
    names = [r["name"] for r in widget.palette]
    assert "nbtest.swap_act" in names and "nbtest.widen" not in names


def test_palette_form_describes_choice_parameters(widget):
    front_end_update(widget, selection=["blocks[0].act"])
    form = next(r for r in widget.palette if r["name"] == "nbtest.swap_act")
    assert form["params"] == [{"name": "to", "kind": "choice", "default": "gelu",
                               "choices": ["relu", "gelu", "silu"], "required": False}]


def test_apply_to_selection_changes_only_selected_nodes(widget):
    front_end_update(widget, selection=["blocks[1].conv"])
    front_end_event(widget, event="apply", rule="nbtest.widen", params={"factor": 3},
                    scope="selection")
    tree = widget.session.tree
    assert [b.conv.channels for b in tree.blocks] == [8, 48, 24]
    assert widget.history[0]["paths"] == "blocks[1].conv"
    assert widget.can_undo is True and widget.error == ""


def test_apply_everywhere_with_string_params_from_a_form(widget):
    front_end_event(widget, event="apply", rule="nbtest.widen", params={"factor": "2"},
                    scope="everywhere")
    assert [b.conv.channels for b in widget.session.tree.blocks] == [16, 32, 48]


def test_last_change_is_highlighted_in_the_graph(widget):
    front_end_event(widget, event="apply", rule="nbtest.swap_act", params={},
                    scope="everywhere")
    assert "glove-changed" in node_classes(widget.svg)["blocks[0].act"]


def test_undo_and_redo_buttons_restore_the_same_trees(widget):
    original = widget.session.tree
    front_end_event(widget, event="apply", rule="nbtest.widen", params={}, scope="everywhere")
    patched = widget.session.tree
    front_end_event(widget, event="undo")
    assert widget.session.tree is original and widget.can_redo is True
    front_end_event(widget, event="redo")
    assert widget.session.tree is patched and widget.can_redo is False


def test_history_marks_undone_steps(widget):
    front_end_event(widget, event="apply", rule="nbtest.widen", params={}, scope="everywhere")
    front_end_event(widget, event="undo")
    assert [h["undone"] for h in widget.history] == [True]


def test_export_sends_the_code_to_insert_below(widget):
    front_end_event(widget, event="apply", rule="nbtest.widen", params={}, scope="everywhere")
    front_end_event(widget, event="export")
    assert widget.sent[-1]["event"] == "insert_cell"
    namespace = {"net": small_net()}
    exec(widget.sent[-1]["code"], namespace)
    assert gl.eq(namespace["net"], widget.session.tree)


def test_expand_message_opens_a_collapsed_subtree():
    big = gl.Session(small_net(60), name="big")
    w = GloveWidget(big, budget=20)
    assert any("glove-collapsed" in c for c in node_classes(w.svg).values())
    assert "blocks[40].conv" not in node_classes(w.svg)
    front_end_event(w, event="expand", path="blocks[40]")
    assert "blocks[40].conv" in node_classes(w.svg)


def test_bad_path_in_selection_is_reported_and_changes_nothing(widget):
    front_end_update(widget, selection=["blocks[0].conv"])
    front_end_update(widget, selection=["blocks[99]"])
    assert "blocks[99]" in widget.error
    assert widget.selection == ["blocks[0].conv"]


def test_bad_params_show_an_error_and_leave_tree_and_history_unchanged(widget):
    before = widget.session.tree
    front_end_event(widget, event="apply", rule="nbtest.widen", params={"factor": "lots"},
                    scope="everywhere")
    assert "factor" in widget.error and "integer" in widget.error
    assert widget.session.tree is before and widget.history == []


def test_failing_rule_shows_an_error_and_leaves_tree_and_history_unchanged(widget):
    before = widget.session.tree
    front_end_event(widget, event="apply", rule="nbtest.explode", params={},
                    scope="everywhere")
    assert "nbtest.explode" in widget.error and "boom" in widget.error
    assert "blocks[0].act" in widget.error
    assert widget.session.tree is before and widget.history == []


def test_unknown_rule_and_event_are_reported_not_raised(widget):
    front_end_event(widget, event="apply", rule="no.such_rule", params={}, scope="everywhere")
    assert "no.such_rule" in widget.error
    front_end_event(widget, event="self_destruct")
    assert "self_destruct" in widget.error


def test_dismissing_the_error_clears_it(widget):
    front_end_update(widget, selection=["nope"])
    front_end_event(widget, event="dismiss_error")
    assert widget.error == ""


def test_two_widgets_on_two_models_stay_independent():
    first = GloveWidget(gl.Session(small_net(2), name="a"))
    second = GloveWidget(gl.Session(small_net(2), name="b"))
    front_end_event(first, event="apply", rule="nbtest.widen", params={}, scope="everywhere")
    assert first.can_undo is True and second.can_undo is False
    assert second.session.tree.blocks[0].conv.channels == 8


def test_a_step_made_elsewhere_redraws_the_widget(widget):
    widget.session.apply("nbtest.swap_act", to="silu")
    assert len(widget.history) == 1 and widget.can_undo is True


def test_plain_fallback_does_the_same_loop():
    plain = PlainGloveWidget(gl.Session(small_net(2), name="p"))
    plain.paths.value = ("blocks[0].act",)
    plain.rule.value = "nbtest.swap_act"
    plain._fields["to"].value = "silu"
    plain.apply_selection.click()
    assert plain.session.tree.blocks[0].act.kind == "silu"
    plain.undo_button.click()
    assert plain.session.tree.blocks[0].act.kind == "relu"
    plain.redo_button.click()
    plain.export_button.click()
    assert "nbtest.swap_act" in plain.code.value


def test_plain_fallback_shows_rule_errors_and_changes_nothing():
    plain = PlainGloveWidget(gl.Session(small_net(2), name="p"))
    before = plain.session.tree
    plain.paths.value = ("blocks[0].conv",)
    plain.rule.value = "glove.rebind"
    plain._fields["values"].value = "{'kernel': 0}"
    plain.apply_selection.click()
    assert "kernel must be positive" in plain.message.value
    assert plain.session.tree is before and plain.session.history == []


def test_conv_fixture_validates_kernel():
    with pytest.raises(ValueError):
        Conv(3, kernel=0)


def test_inspector_offers_every_field_for_editing_hyperparameters_first(widget):
    front_end_update(widget, selection=["blocks[0].conv"])
    assert widget.inspector["editable"] == {"kernel": "3", "channels": "8"}


def test_editing_a_hyperparameter_in_the_inspector_is_a_rebind_step(widget):
    front_end_update(widget, selection=["blocks[0].conv"])
    front_end_event(widget, event="set", path="blocks[0].conv", key="kernel", value="5")
    assert widget.session.tree.blocks[0].conv.kernel == 5
    assert widget.session.history[-1].rule == "glove.rebind"
    assert widget.inspector["editable"] == {"kernel": "5", "channels": "8"}


def test_an_invalid_inspector_edit_shows_the_error_and_changes_nothing(widget):
    before = widget.session.tree
    front_end_event(widget, event="set", path="blocks[0].conv", key="kernel", value="0")
    assert "kernel must be positive" in widget.error
    assert widget.session.tree is before and widget.history == []


def test_inspector_sends_the_graphs_tag_colours(widget):
    from glove_lab.drawing import tag_color

    front_end_update(widget, selection=["blocks[0].conv"])
    assert widget.inspector["tag_colors"] == {"convolution": tag_color("convolution")}


def test_the_never_sent_select_message_is_not_protocol(widget):
    # Selection travels as the synced `selection` trait only.
    front_end_event(widget, event="select", paths=["blocks[0].conv"])
    assert widget.selection == [] and "'select'" in widget.error


def test_form_values_go_to_the_rule_typed_not_through_a_uri(widget):
    front_end_update(widget, selection=["blocks[0].conv"])
    # The rule field names a rule; it is not a URI that could smuggle in parameters.
    front_end_event(widget, event="apply", rule="nbtest.widen?factor=5", params={},
                    scope="selection")
    assert "nbtest.widen?factor=5" in widget.error and widget.session.history == []
    # Text from a form field is converted by the parameter's type hint.
    front_end_event(widget, event="apply", rule="nbtest.widen", params={"factor": "3"},
                    scope="selection")
    assert widget.error == ""
    assert widget.session.history[-1].params == {"factor": 3}
    assert widget.session.tree.blocks[0].conv.channels == 24


def test_text_with_uri_syntax_reaches_a_string_parameter_unchanged():
    @gl.rule("nbtest.label", on=gl.Match(type=Conv))
    def label(node: Conv, text: str = "") -> Conv:
        return node

    w = GloveWidget(gl.Session(small_net(1), name="t"))
    front_end_update(w, selection=["blocks[0].conv"])
    raw = "a&b=c d+e%20;#x?y"
    front_end_event(w, event="apply", rule="nbtest.label", params={"text": raw},
                    scope="selection")
    assert w.error == "" and w.session.history[-1].params == {"text": raw}
    w.close()


def test_the_output_bundle_carries_a_static_picture_of_the_view(widget):
    bundle = widget._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["image/svg+xml"] == widget.svg and "blocks[1].conv" in widget.svg
    assert bundle["text/plain"] == "glove_lab widget: net"
    # Shown again after a step, the picture is the current view.
    front_end_event(widget, event="apply", rule="nbtest.widen", params={"factor": "3"},
                    scope="everywhere")
    assert "(was 16)" in widget._repr_mimebundle_()["image/svg+xml"]


def test_search_finds_nodes_by_path_type_tag_and_value(widget):
    front_end_event(widget, event="search", query="#convolution")
    assert [m["path"] for m in widget.matches] == [f"blocks[{i}].conv" for i in range(3)]
    assert {m["why"] for m in widget.matches} == {"#convolution"}
    front_end_event(widget, event="search", query="blocks[1].A")  # path, case-insensitive
    assert [m["path"] for m in widget.matches] == ["blocks[1].act"]
    front_end_event(widget, event="search", query="conv")  # path or type
    assert {m["type"] for m in widget.matches} == {"Conv"} and len(widget.matches) == 3
    front_end_event(widget, event="search", query="'relu'")  # a leaf's value
    assert [m["why"] for m in widget.matches] == ["value"] * 3
    assert "3 matches for" in widget.status
    front_end_event(widget, event="search", query="  ")
    assert widget.matches == []
    assert widget.controller.search("b", limit=4) and len(widget.controller.matches) == 4


def test_selecting_all_matches_feeds_the_palette(widget):
    front_end_event(widget, event="search", query="#convolution")
    front_end_update(widget, selection=[m["path"] for m in widget.matches])
    assert "nbtest.widen" in [r["name"] for r in widget.palette]
    front_end_event(widget, event="apply", rule="nbtest.widen", params={}, scope="selection")
    assert [b.conv.channels for b in widget.session.tree.blocks] == [16, 32, 48]
