"""Typed edits in the widget: values are expressions evaluated in the notebook, then checked."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from torch import nn

import glove_lab as gl
import glove_lab.torch
from glove_lab.notebook import GloveWidget
from glove_lab.notebook._controller import Controller
from glove_lab.notebook._expressions import ExpressionError, evaluate
from tests.notebook.models import Act, Conv, small_net


def front_end_update(widget: Any, **state: Any) -> None:
    widget._handle_msg({"content": {"data": {"method": "update", "state": state,
                                             "buffer_paths": []}}, "buffers": []})


def front_end_event(widget: Any, **content: Any) -> None:
    widget._handle_msg({"content": {"data": {"method": "custom", "content": content}},
                        "buffers": []})


@gl.symbolize(tags={"optimizer"}, hyper=("lr",))
def adamw(lr: float = 3e-3, betas: tuple[float, float] = (0.9, 0.999)) -> Any:
    return ("adamw", lr, betas)


@gl.symbolize
class Trainer:
    """A trainer whose options are a plain dict."""

    def __init__(self, optimizer: Any, steps: int = 10,
                 options: dict[str, float] | None = None) -> None:
        pass


NAMESPACE = {"adamw": adamw, "width": 64, "nn": nn, "Act": Act}


@pytest.fixture
def controller() -> Controller:
    return Controller(gl.Session(small_net(), name="net"), namespace=dict(NAMESPACE))


def unchanged(controller: Controller, tree: Any) -> bool:
    return controller.session.tree is tree and controller.session.history == []


# -- the expression -------------------------------------------------------------------------

def test_an_expression_uses_the_notebooks_names(controller):
    assert controller.set_value("blocks[0].conv", "kernel", "width // 8 - 3")
    assert controller.session.tree.blocks[0].conv.kernel == 5
    assert controller.error == "" and "kernel" in controller.status


def test_a_typo_is_an_error_not_a_string_value(controller):
    tree = controller.session.tree
    assert not controller.set_value("blocks[0].conv", "kernel", "five")
    assert "NameError" in controller.error and "five" in controller.error
    assert controller.error.endswith("nothing changed") and unchanged(controller, tree)


def test_a_value_of_the_wrong_type_is_refused_with_the_expected_type(controller):
    tree = controller.session.tree
    assert not controller.set_value("blocks[0].conv", "kernel", "'64'")
    assert controller.error == ("Cannot set Conv.kernel: it expects int, got '64'; "
                                "nothing changed")
    assert unchanged(controller, tree)


@pytest.mark.parametrize("text", [
    "1/0", "raise_system_exit()", "interrupt()", "(", "", "   ", "import os",
])
def test_an_expression_that_raises_or_is_not_one_changes_nothing(controller, text):
    def raise_system_exit() -> None:
        raise SystemExit(3)

    def interrupt() -> None:
        raise KeyboardInterrupt

    controller.namespace.update(raise_system_exit=raise_system_exit, interrupt=interrupt)
    tree = controller.session.tree
    assert not controller.set_value("blocks[0].conv", "kernel", text)
    assert controller.error and unchanged(controller, tree)


def test_without_a_kernel_only_literals_are_read_and_names_are_a_clear_error(monkeypatch):
    monkeypatch.delitem(sys.modules, "IPython", raising=False)  # plain Python: no shell
    controller = Controller(gl.Session(small_net()))  # no namespace given
    tree = controller.session.tree
    assert not controller.set_value("blocks[0].conv", "kernel", "width")
    assert "without a notebook kernel only Python literals" in controller.error
    assert "width" in controller.error and unchanged(controller, tree)
    assert controller.set_value("blocks[0].conv", "kernel", "7")
    assert controller.session.tree.blocks[0].conv.kernel == 7


def test_evaluate_reads_literals_without_a_namespace_and_expressions_with_one():
    assert evaluate("(3, 3)", None) == (3, 3)
    assert evaluate("2 * width", {"width": 32}) == 64
    with pytest.raises(ExpressionError, match="SystemExit"):
        evaluate("exit_now()", {"exit_now": lambda: (_ for _ in ()).throw(SystemExit(1))})


def test_a_new_object_from_an_expression_replaces_a_subtree(controller):
    assert controller.set_value("blocks[1]", "act", "Act('gelu')")
    assert controller.session.tree.blocks[1].act.kind == "gelu"


def test_a_deferred_call_is_entered_as_an_expression_and_its_arguments_are_checked():
    controller = Controller(gl.Session(Trainer(optimizer=adamw()), name="trainer"),
                            namespace=dict(NAMESPACE))
    assert controller.set_value("", "optimizer", "adamw(lr=0.01)")
    assert controller.session.tree.optimizer.lr == 0.01
    assert not controller.set_value("optimizer", "lr", "'fast'")
    assert "expects float" in controller.error
    assert controller.session.tree.optimizer.lr == 0.01


def test_a_torch_submodule_is_replaced_by_an_expression():
    session = gl.Session(nn.Sequential(nn.Linear(4, 4), nn.ReLU()), name="model")
    controller = Controller(session, namespace=dict(NAMESPACE))
    assert controller.set_value("", "[1]", "nn.GELU()")
    assert isinstance(session.tree[1], nn.GELU)
    assert not controller.set_value("[0]", "bias", "1")
    assert "expects bool" in controller.error and len(session.history) == 1


# -- every field editable; rows select their leaf ----------------------------------------------

def test_every_field_is_editable_literals_with_their_repr_others_empty(controller):
    controller.select(["blocks[0]"])
    inspector = controller.inspector()
    assert inspector["editable"] == {"conv": "", "act": ""}
    controller.select(["blocks[0].conv"])
    assert controller.inspector()["editable"] == {"kernel": "3", "channels": "8"}


def test_dict_and_list_configs_are_editable():
    trainer = Trainer(optimizer=adamw(), options={"clip": 1.0, "warmup": 0.1})
    controller = Controller(gl.Session(trainer), namespace={})
    controller.select(["options"])
    assert controller.inspector()["editable"] == {"clip": "1.0", "warmup": "0.1"}
    assert controller.set_value("options", "clip", "2.5")
    assert controller.session.tree.options == {"clip": 2.5, "warmup": 0.1}
    assert not controller.set_value("options", "clip", "'big'")
    assert "expects float" in controller.error


def test_each_row_knows_the_path_of_its_child(controller):
    controller.select(["blocks[1]"])
    assert controller.inspector()["child_paths"] == {"conv": "blocks[1].conv",
                                                     "act": "blocks[1].act"}


def test_selecting_a_leaf_row_offers_leaf_rules_and_edits_the_leaf_itself(controller):
    @gl.rule("nbtest.double_int", on=gl.Match(where=lambda value: type(value) is int))
    def double_int(value: int) -> int:
        """Double an integer."""
        return value * 2

    controller.select(["blocks[0].conv"])
    leaf = controller.inspector()["child_paths"]["kernel"]
    assert controller.select([leaf])
    inspector = controller.inspector()
    assert inspector["path"] == "blocks[0].conv.kernel" and inspector["editable"] == {
        "value": "3"}
    assert "nbtest.double_int" in {form["name"] for form in controller.palette()}
    assert controller.set_value(leaf, "value", "4")
    assert controller.session.tree.blocks[0].conv.kernel == 4
    assert not controller.set_value(leaf, "value", "'4'")
    assert "expects int" in controller.error


def test_a_leaf_selection_still_draws_the_graph(controller):
    controller.select(["blocks[0].conv.kernel"])
    assert "<svg" in controller.svg()


# -- glove.replace's form takes an expression ----------------------------------------------------

def test_the_replace_form_evaluates_its_value_in_the_namespace(controller):
    controller.select(["blocks[2].act"])
    assert controller.apply("glove.replace", {"value": "Act('silu')"})
    assert controller.session.tree.blocks[2].act.kind == "silu"


def test_the_replace_form_refuses_a_typo_and_a_mismatch(controller):
    tree = controller.session.tree
    controller.select(["blocks[0].conv.kernel"])
    assert not controller.apply("glove.replace", {"value": "five"})
    assert "NameError" in controller.error and unchanged(controller, tree)
    assert not controller.apply("glove.replace", {"value": "'five'"})
    assert "expects int" in controller.error and unchanged(controller, tree)
    assert controller.apply("glove.replace", {"value": "width // 16"})
    assert controller.session.tree.blocks[0].conv.kernel == 4


# -- through the widget's messages --------------------------------------------------------------

def test_the_widget_reports_a_typed_edit_error_on_its_error_line():
    widget = GloveWidget(gl.Session(small_net(), name="net"))
    widget.controller.namespace = dict(NAMESPACE)
    front_end_update(widget, selection=["blocks[0].conv"])
    before = widget.session.tree
    front_end_event(widget, event="set", path="blocks[0].conv", key="kernel", value="five")
    assert "five" in widget.error and widget.session.tree is before
    front_end_event(widget, event="set", path="blocks[0].conv", key="kernel", value="width // 16")
    assert widget.session.tree.blocks[0].conv.kernel == 4 and widget.error == ""
    assert widget.inspector["editable"]["kernel"] == "4"


def test_conv_is_still_validated_by_its_own_init(controller):
    assert not controller.set_value("blocks[0].conv", "kernel", "0")
    assert "kernel must be positive" in controller.error
    assert isinstance(controller.session.tree.blocks[0].conv, Conv)


def test_a_leaf_row_offers_the_pipeline_demos_sweep_rule():
    @gl.rule("nbtest.sweep_grid", on=gl.Match(where=lambda value: type(value) in (int, float)))
    def grid(value: Any, values: str = "") -> tuple:
        """Turn a fixed number into a sweep (as demos/04_pipeline.ipynb's sweep.grid)."""
        return (value,)

    controller = Controller(gl.Session(Trainer(optimizer=adamw(lr=0.05))), namespace={})
    controller.select(["optimizer"])
    assert "nbtest.sweep_grid" not in {form["name"] for form in controller.palette()}
    assert controller.select([controller.inspector()["child_paths"]["lr"]])
    assert "nbtest.sweep_grid" in {form["name"] for form in controller.palette()}
    assert controller.apply("nbtest.sweep_grid", {})
    assert controller.session.tree.optimizer.lr == (0.05,)  # rules' results are not checked
