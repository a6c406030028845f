"""The live check: `Session(model, check=fn)` vets every step on a real forward (issue 12)."""

from __future__ import annotations

import pytest
import torch
from IPython.core.interactiveshell import InteractiveShell
from torch import nn

import glove_lab as gl
from glove_lab.notebook import GloveWidget, PlainGloveWidget, sessions_of
from tests.torch.library_style import TinyViT, forward_check

IMAGE = torch.randn(2, 3, 8, 8)

# A user's rule that, like depthwise_separable once did, replaces the patch embedding's
# convolution by a Sequential: TinyViT's forward reads `...projection.weight.dtype`.
SPLIT = gl.Rule("tests.split_conv", lambda conv: nn.Sequential(conv),
                on=gl.Match(type=nn.Conv2d))
BROKEN = ("tests.split_conv at patch_embeddings.projection: the check failed: "
          "AttributeError: 'Sequential' object has no attribute 'weight'")


def test_a_step_whose_check_fails_is_refused_and_nothing_changes():
    model = TinyViT()
    session = gl.Session(model, check=forward_check(IMAGE))
    with pytest.raises(gl.CheckError) as raised:
        session.apply(SPLIT, at="patch_embeddings.projection")
    assert str(raised.value) == BROKEN
    assert session.tree is model and session.history == []


def test_without_a_check_the_broken_step_goes_through():
    session = gl.Session(TinyViT())
    session.apply(SPLIT, at="patch_embeddings.projection")
    with pytest.raises(AttributeError):
        session.tree(IMAGE)


def test_warn_mode_keeps_the_step_and_marks_it_failed():
    session = gl.Session(TinyViT(), check=forward_check(IMAGE), check_mode="warn")
    step = session.apply(SPLIT, at="patch_embeddings.projection")
    assert session.history == [step]
    assert step.check_error == BROKEN
    assert step.summary().endswith(
        "[CHECK FAILED: AttributeError: 'Sequential' object has no attribute 'weight']")


def test_a_passing_check_records_its_result_on_the_step():
    calls = []

    def check(model):
        calls.append(model)
        return forward_check(IMAGE)(model)

    session = gl.Session(TinyViT(), check=check)
    step = session.apply("torch.swap_activation", to="gelu")
    assert calls == [session.tree]  # run once, on the new tree
    assert step.check.startswith("check ok: (2, 3) in ")
    assert session.last_check is not None and session.last_check.ok


def test_check_results_describe_tensors_and_model_outputs():
    assert gl.session.describe_result(torch.zeros(2, 10)) == "Tensor(2, 10)"
    assert gl.session.describe_result({"logits": torch.zeros(1, 4)}) == "logits Tensor(1, 4)"
    assert gl.session.describe_result(None) == "passed"


def test_a_bad_check_mode_or_check_is_a_glove_error():
    with pytest.raises(gl.GloveError, match="check_mode"):
        gl.Session(TinyViT(), check=print, check_mode="ignore")
    with pytest.raises(gl.GloveError, match="callable"):
        gl.Session(TinyViT(), check="model(x)")


# -- the widget ---------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [GloveWidget, PlainGloveWidget])
def test_the_widget_shows_a_refusal_next_to_the_rule(make):
    widget = make(TinyViT(), check=forward_check(IMAGE))
    gl.register_rule(SPLIT, replace=True)
    controller = widget.controller
    controller.select(["patch_embeddings.projection"])
    assert controller.apply("tests.split_conv") is False
    assert controller.error == BROKEN
    entry = next(f for f in controller.palette() if f["name"] == "tests.split_conv")
    assert entry["error"] == BROKEN
    assert widget.session.history == []
    widget.close()


def test_the_status_line_shows_the_checks_result():
    widget = GloveWidget(TinyViT(), check=forward_check(IMAGE))
    assert widget.apply("torch.swap_activation", scope="everywhere", to="relu")
    assert "check ok: (2, 3) in " in widget.status
    widget.close()


def test_a_step_kept_in_warn_mode_is_red_in_the_history():
    widget = PlainGloveWidget(TinyViT(), check=forward_check(IMAGE), check_mode="warn")
    gl.register_rule(SPLIT, replace=True)
    widget.controller.select(["patch_embeddings.projection"])
    assert widget.controller.apply("tests.split_conv")
    widget.refresh()
    entry = widget.controller.history()[0]
    assert entry["check_error"] == BROKEN
    assert "color:#c62828" in widget.history.value
    widget.close()


# -- the magic ----------------------------------------------------------------------------------


@pytest.fixture
def shell():
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "glove_lab")
    shell.user_ns["model"] = TinyViT()
    shell.user_ns["x"] = IMAGE
    gl.register_rule(SPLIT, replace=True)
    yield shell
    for name in ("model", "x"):
        shell.user_ns.pop(name, None)
    sessions_of(shell).clear()
    shell._glove_state["current"] = None


def test_show_with_check_vets_every_magic_step(shell, capsys):
    original = shell.user_ns["model"]
    shell.run_line_magic("glove", 'show model --check "model(x)" --plain')
    shell.run_line_magic("glove", "apply torch.swap_activation?to=relu")
    assert "check ok: Tensor(2, 3) in " in capsys.readouterr().out
    patched = shell.user_ns["model"]
    assert patched is not original
    from IPython.core.error import UsageError

    with pytest.raises(UsageError, match="the check failed: AttributeError"):
        shell.run_line_magic("glove", "apply tests.split_conv --at patch_embeddings.projection")
    assert shell.user_ns["model"] is patched  # refused: the variable is not rebound


def test_a_check_that_is_not_an_expression_is_a_usage_error(shell):
    from IPython.core.error import UsageError

    with pytest.raises(UsageError, match="not a Python expression"):
        shell.run_line_magic("glove", 'show model --check "model(x"')
