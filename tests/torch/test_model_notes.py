"""A torch model's detail in the graph: parameter counts always, output shapes given an example.

Real modules, real graphviz: the notes are read back from the SVG labels of the
nodes they belong to (by their <title>, the node's path).
"""

from __future__ import annotations

from collections import OrderedDict
from xml.etree import ElementTree

import pytest
import torch
from torch import nn

import glove_lab as gl
import glove_lab.torch as gt
from benchmarks._torch_models import resnet50_like
from glove_lab.drawing import to_svg
from glove_lab.tree import KeyPath, notes_of

_SVG = "{http://www.w3.org/2000/svg}"
TIMES = "\N{MULTIPLICATION SIGN}"  # between sizes; the tests write it x


def plain(text: str) -> str:
    """A note with its multiplication signs written as x (as the tests spell shapes)."""
    return text.replace(TIMES, "x")


def labels(svg: str) -> dict[str, str]:
    """Title (the node's path, "$" for the root) -> the text drawn in that node's box."""
    result = {}
    for group in ElementTree.fromstring(svg).iter(f"{_SVG}g"):
        title = group.find(f"{_SVG}title")
        if "node" in (group.get("class") or "").split() and title is not None:
            result[title.text] = plain(" ".join(t.text or "" for t in group.iter(f"{_SVG}text")))
    return result


def small_net() -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10))


X = torch.randn(2, 3, 8, 8)


def test_parameter_counts_show_without_an_example_on_the_nodes_that_have_parameters():
    shown = labels(to_svg(small_net()))

    assert "448 params" in shown["[0]"]         # 16*3*3*3 + 16
    assert "32 params" in shown["[1]"]          # BatchNorm weight and bias
    assert "170 params" in shown["[5]"]
    assert "650 params" in shown["$"]           # the whole model
    assert "params" not in shown["[2]"] and "→" not in shown["[0]"]  # no shapes without input


def test_an_example_adds_each_modules_output_shape():
    shown = labels(to_svg(small_net(), example=X))

    assert "→ 2x16x8x8 · 448 params" in shown["[0]"]
    assert "→ 2x16x8x8" in shown["[2]"]
    assert "→ 2x16x1x1" in shown["[3]"]
    assert "→ 2x10 · 170 params" in shown["[5]"]
    assert "→ 2x10 · 650 params" in shown["$"]


def test_a_step_that_changes_a_width_changes_the_labels():
    session = gl.Session(small_net(), name="net")
    before = labels(to_svg(session.tree, example=X))

    session.rebind({"[5].out_features": 4})
    after = labels(to_svg(session.tree, example=X))

    assert "→ 2x10 · 170 params" in before["[5]"]
    assert "→ 2x4 · 68 params" in after["[5]"]
    assert "→ 2x4 · 548 params" in after["$"]


def test_a_patch_that_breaks_the_forward_still_draws_and_says_where_and_why():
    broken = gl.rebind(small_net(), {"[5].in_features": 32})

    notes = notes_of(broken, X)
    shown = labels(to_svg(broken, example=X))

    assert notes.status.startswith("shapes: forward failed in [5]: RuntimeError: mat1 and mat2")
    assert "✗ forward failed here" in shown["[5]"]
    assert "→ 2x16x8x8" in shown["[0]"]         # what ran before the failure keeps its shape
    assert "→" not in shown["$"] and "810 params" in shown["$"]


def test_drawing_with_an_example_never_touches_the_users_model():
    model = small_net().train()
    seen_hooks = model[1]._forward_hooks.copy()
    running_mean = model[1].running_mean.clone()

    to_svg(model, example=X)
    notes_of(gl.rebind(model, {"[5].out_features": 3}), X)  # a patched model shares modules

    assert all(m.training for m in model.modules())
    assert torch.equal(model[1].running_mean, running_mean)
    assert int(model[1].num_batches_tracked) == 0
    assert model[1]._forward_hooks == seen_hooks and not model[0]._forward_pre_hooks


def test_a_shared_module_is_counted_once_and_its_calls_are_counted():
    block = nn.Linear(8, 8)  # 72 parameters, used at two places
    model = nn.Sequential(block, nn.ReLU(), block)

    notes = notes_of(model, torch.randn(1, 8))

    assert plain(notes.by_path[KeyPath.parse("[0]")]) == "→ 1x8 (2 calls) · 72 params"
    assert notes.by_path[KeyPath.parse("[2]")] == notes.by_path[KeyPath.parse("[0]")]
    assert plain(notes.by_path[KeyPath()]) == "→ 1x8 · 72 params"


def test_tuple_and_dict_outputs_are_summarised():
    lstm = nn.LSTM(4, 6, batch_first=True)

    notes = notes_of(nn.Sequential(OrderedDict(rnn=lstm)), torch.randn(2, 5, 4))

    assert plain(notes.by_path[KeyPath.parse('["rnn"]')]).startswith(
        "→ (2x5x6, (1x2x6, 1x2x6)) · ")
    assert gt.shape_text(torch.zeros(2, 10)) == f"2{TIMES}10"
    assert plain(gt.shape_text({"logits": torch.zeros(2, 10), "loss": torch.tensor(1.0),
                                "hidden": None})) == "{logits: 2x10, loss: scalar, +1}"
    assert gt.shape_text([torch.zeros(1)] * 5) == "(1, 1, 1, +2)"


def test_keyword_and_positional_examples_reach_the_forward():
    class Pair(nn.Module):
        def __init__(self):
            super().__init__()
            self.proj = nn.Linear(4, 2)

        def forward(self, a, b=None):
            return self.proj(a + b)

    a, b = torch.randn(3, 4), torch.randn(3, 4)

    assert plain(notes_of(Pair(), (a, b)).by_path[KeyPath.parse("proj")]).startswith("→ 3x2")
    assert plain(notes_of(Pair(), {"a": a, "b": b}).by_path[KeyPath()]).startswith("→ 3x2")


def test_parameter_text_is_short():
    assert [gt.parameter_text(n) for n in (1, 864, 9408, 1_000_000, 25_557_032)] == [
        "1 param", "864 params", "9.4k params", "1M params", "25.6M params"]


def test_resnet50_like_shows_shapes_and_counts_on_the_right_nodes():
    model = resnet50_like().eval()

    shown = labels(to_svg(model, example=torch.randn(1, 3, 64, 64), expand=["layer1[0]"]))

    assert "→ 1x1000 · 25.6M params" in shown["$"]
    assert "→ 1x256x16x16 · 75k params" in shown["layer1[0]"]
    assert "→ 1x64x32x32 · 9.4k params" in shown["conv1"]
    assert "→ 1x256x16x16 · 16.9k params" in shown["layer1[0].downsample"]
    assert "→ 1x2048x2x2" in shown["layer4"]


def test_a_tree_without_torch_modules_gets_no_notes():
    assert notes_of({"lr": 0.1, "layers": [1, 2]}, X).by_path == {}


def test_the_same_tree_and_example_run_the_forward_once():
    calls = []
    model = small_net()
    model[2].register_forward_hook(lambda *args: calls.append(1))  # the copy runs it too

    first = notes_of(model, X)
    second = notes_of(model, X)

    assert first == second and len(calls) == 1  # the hook ran in the one forward


@pytest.mark.parametrize("example", [torch.randn(2, 5), "not a tensor"])
def test_a_wrong_example_gives_a_status_not_an_exception(example):
    notes = notes_of(small_net(), example)

    assert notes.status.startswith("shapes: forward failed in [0]: ")
    assert notes.by_path[KeyPath.parse("[5]")] == "170 params"


def test_a_forward_that_updates_a_buffer_in_place_updates_the_copys_not_the_users():
    class Counter(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("seen", torch.zeros(()))
            self.proj = nn.Linear(3, 3)

        def forward(self, x):
            self.seen += 1  # in any mode, as some custom statistics do
            return self.proj(x)

    model = Counter().eval()

    notes = notes_of(model, torch.randn(2, 3))

    assert plain(notes.by_path[KeyPath()]) == "→ 2x3 · 12 params"
    assert float(model.seen) == 0.0


def test_a_lazy_module_is_not_initialized_by_drawing_its_shapes():
    model = nn.Sequential(nn.LazyLinear(4), nn.ReLU())

    notes = notes_of(model, torch.randn(2, 3))

    assert plain(notes.by_path[KeyPath.parse("[0]")]) == "→ 2x4"  # its size is not known yet
    assert isinstance(model[0].weight, nn.parameter.UninitializedParameter)
    assert model(torch.randn(2, 3)).shape == (2, 4)  # the user's first forward still sizes it
