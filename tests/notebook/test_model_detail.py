"""The widget and `%glove show --input` with an example input: torch shapes after every step."""

from __future__ import annotations

import pytest
import torch
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from torch import nn

import glove_lab as gl
import glove_lab.torch  # the notes for torch modules
from glove_lab.notebook import GloveWidget, PlainGloveWidget, sessions_of
from tests.torch.test_model_notes import labels


def mlp() -> nn.Sequential:
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))


X = torch.randn(5, 4)


def test_the_widget_with_an_example_shows_shapes_and_redraws_them_after_a_step():
    widget = GloveWidget(gl.Session(mlp(), name="mlp"), example=X)
    before = labels(widget.svg)

    widget.select("[0]")
    widget.apply("glove.rebind", values={"out_features": 6})
    widget.select("[2]")
    widget.apply("glove.rebind", values={"in_features": 6})

    assert "→ 5x8 · 40 params" in before["[0]"]  # labels() spells the sign as x
    assert "→ 5x6 · 30 params" in labels(widget.svg)["[0]"]
    assert "→ 5x3" in labels(widget.svg)["$"]
    assert "shapes: one forward" in widget.status and "forward failed" not in widget.status


def test_a_step_that_breaks_the_forward_is_said_in_the_status_and_the_graph_still_draws():
    widget = GloveWidget(gl.Session(mlp(), name="mlp"), example=X)

    widget.select("[0]")
    assert widget.apply("glove.rebind", values={"out_features": 6})

    assert widget.status.startswith("Applied glove.rebind")
    assert "shapes: forward failed in [2]: RuntimeError: mat1 and mat2 shapes" in widget.status
    assert "✗ forward failed here" in labels(widget.svg)["[2]"]
    assert widget.error == ""  # the step was made; the note says it broke the model
    widget.undo()
    assert "forward failed" not in widget.status


def test_without_an_example_the_widget_shows_parameter_counts_and_no_shape_status():
    widget = GloveWidget(gl.Session(mlp(), name="mlp"))

    assert "40 params" in labels(widget.svg)["[0]"]
    assert "→" not in widget.svg and "shapes" not in widget.status


def test_the_plain_widget_takes_an_example_too():
    widget = PlainGloveWidget(gl.Session(mlp(), name="mlp"), example=X)

    assert "→ 5x3 · 67 params" in labels(widget.graph.value)["$"]


def test_the_es_module_widget_takes_an_example_too():
    from glove_lab.notebook import GloveAnyWidget

    widget = GloveAnyWidget(gl.Session(mlp(), name="mlp"), example=X)

    assert "→ 5x3 · 67 params" in labels(widget.svg)["$"]
    assert "shapes: one forward" in widget.status


@pytest.fixture
def shell():
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "glove_lab")
    shell.user_ns["model"] = mlp()
    shell.user_ns["x"] = X
    yield shell
    for name in ("model", "x"):
        shell.user_ns.pop(name, None)
    sessions_of(shell).clear()
    shell._glove_state["current"] = None


def test_show_with_input_draws_shapes_from_the_namespace_value(shell):
    widget = shell.run_line_magic("glove", "show model --input x[:2] --frontend plain")

    assert "→ 2x3 · 67 params" in labels(widget.graph.value)["$"]


@pytest.mark.parametrize(("line", "message"), [
    ("show model --input y", "--input 'y' cannot be evaluated: NameError: name 'y' is not"),
    ("show model --input x[", "--input 'x[' is not a Python expression"),
])
def test_show_with_a_bad_input_is_a_usage_error_and_opens_nothing(shell, line, message):
    with pytest.raises(UsageError, match=message.replace("[", r"\[")):
        shell.run_line_magic("glove", line)

    assert "model" not in sessions_of(shell)
