"""torch.nn.Module as a node kind: children, persistent rebuilds, equality, unknown modules."""

from __future__ import annotations

import json
from collections import OrderedDict

import pytest
import torch
from torch import nn

import glove_lab as gl
import glove_lab.torch as gt
from glove_lab.tree import children_of, hyper_of
from tests.torch.models import SmallCNN, TextEncoder


class Block(nn.Module):
    """A user module nobody annotated."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)
        self.act = nn.ReLU()
        self.skip = None

    def forward(self, x):
        return self.act(self.conv(x))


# -- children and paths ------------------------------------------------------------------------


def test_sequential_and_modulelist_children_have_integer_keys():
    model = nn.Sequential(nn.Linear(2, 3), nn.ModuleList([nn.ReLU(), nn.Tanh()]))

    assert gl.get(model, "[1][0]") is model[1][0]
    assert [str(p) for p in gl.paths(model)] == [
        "", "[0]", "[0].in_features", "[0].out_features", "[0].bias", "[1]", "[1][0]",
        "[1][0].inplace", "[1][1]"]


def test_moduledict_children_have_string_keys():
    heads = nn.ModuleDict({"cls": nn.Linear(2, 3), "box regression": nn.Linear(2, 4)})

    assert gl.get(heads, 'cls.out_features') == 3
    assert gl.get(heads, '["box regression"]') is heads["box regression"]


def test_sequential_with_named_entries_uses_the_names_as_keys():
    model = nn.Sequential(OrderedDict([("conv", nn.Conv2d(1, 2, 3)), ("act", nn.ReLU())]))

    assert gl.get(model, "conv.out_channels") == 2


def test_unknown_module_lists_its_submodules_but_no_arguments():
    block = Block(4)

    assert [key for key, _ in children_of(block)] == ["conv", "act"]
    assert hyper_of(block) == ()


def test_unknown_module_is_labelled_args_unknown():
    text = gl.format(Block(4))

    assert text.startswith("Block (args unknown)(")


def test_to_code_of_an_unknown_module_raises_naming_its_path():
    model = nn.Sequential(nn.Linear(2, 2), Block(2))

    with pytest.raises(gl.GloveError, match=r"'\[1\]'"):
        gl.to_code(model)


def test_to_json_of_an_unknown_module_raises_naming_its_path():
    model = nn.Sequential(nn.Linear(2, 2), Block(2))

    with pytest.raises(gl.SerializationError, match=r"'\[1\]'"):
        gl.to_json(model)


def test_hyperparameters_are_readable_as_module_attributes():
    conv = nn.Conv2d(3, 8, 5, stride=2)

    assert {k: v for k, v in children_of(conv) if k != "bias"} == {
        k: getattr(conv, k) for k in hyper_of(conv) if k != "bias"}


def test_query_by_tag_and_path_glob_on_a_model():
    model = TextEncoder()

    found = gl.query(model, tag="attention")

    assert list(found) == ["blocks[0].attn", "blocks[1].attn"]
    assert list(gl.query(model, path="blocks[*].ffn[0]")) == ["blocks[0].ffn[0]",
                                                              "blocks[1].ffn[0]"]


# -- persistent rebuilds -------------------------------------------------------------------------


def test_replace_shares_every_untouched_module_and_leaves_the_original_alone():
    model = SmallCNN()
    before = {name: m for name, m in model.named_modules()}

    patched = gl.replace(model, "features[4]", nn.GroupNorm(4, 16))

    assert isinstance(model.features[4], nn.BatchNorm2d)
    assert {name: m for name, m in model.named_modules()} == before
    assert patched.head is model.head
    assert all(patched.features[i] is model.features[i] for i in range(10) if i != 4)
    assert patched is not model and patched.features is not model.features


def test_rebuilt_parent_has_its_own_dicts_and_shares_tensors():
    model = SmallCNN()

    patched = gl.replace(model, "head", nn.Linear(32, 10))

    for store in ("_modules", "_parameters", "_buffers", "_forward_hooks"):
        assert getattr(patched, store) is not getattr(model, store)
    patched.extra = nn.ReLU()
    assert "extra" not in model._modules


def test_hooks_of_the_copy_do_not_reach_the_original():
    model = SmallCNN()
    patched = gl.replace(model, "head", nn.Linear(32, 10))
    calls = []

    patched.register_forward_hook(lambda *args: calls.append("hook"))
    model(torch.randn(1, 3, 8, 8))

    assert calls == []


def test_existing_hooks_are_kept_on_the_copy():
    model = SmallCNN()
    calls = []
    model.register_forward_hook(lambda *args: calls.append("hook"))

    patched = gl.replace(model, "head", nn.Linear(32, 10))
    patched(torch.randn(1, 3, 8, 8))

    assert calls == ["hook"]


def test_changing_a_hyperparameter_builds_a_new_layer_that_keeps_fitting_weights():
    conv = nn.Conv2d(3, 8, 3)

    padded = gl.rebind(conv, {"padding": 1})

    assert padded.padding == (1, 1) and conv.padding == (0, 0)
    assert padded.weight is conv.weight and padded.bias is conv.bias


def test_changing_a_shape_hyperparameter_gives_fresh_weights_of_the_new_shape():
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))

    wider = gl.rebind(model, {"[0].out_features": 16, "[2].in_features": 16})

    assert wider(torch.randn(3, 4)).shape == (3, 2)
    assert wider[0].weight.shape == (16, 4) and wider[1] is model[1]


def test_a_new_layer_keeps_the_mode_and_dtype_of_the_old_one():
    norm = nn.BatchNorm1d(4).double().eval()

    changed = gl.rebind(norm, {"momentum": 0.5})

    assert not changed.training and changed.weight.dtype == torch.float64
    assert changed.running_mean is norm.running_mean


def test_lstm_with_a_changed_hyperparameter_runs_with_the_reused_weights():
    lstm = nn.LSTM(3, 4, batch_first=True)

    changed = gl.rebind(lstm, {"dropout": 0.0, "batch_first": False})
    out, _ = changed(torch.randn(5, 2, 3))

    assert out.shape == (5, 2, 4) and changed.weight_ih_l0 is lstm.weight_ih_l0


def test_removing_and_inserting_in_a_sequential_renumbers_it():
    model = nn.Sequential(nn.Linear(4, 4), nn.Dropout(), nn.ReLU(), nn.Linear(4, 2))
    session = gl.Session(model)

    session.remove("[1]")
    session.insert("[1]", nn.Tanh(), position="before")

    assert [type(m).__name__ for m in session.tree] == ["Linear", "Tanh", "ReLU", "Linear"]
    assert session.tree(torch.randn(2, 4)).shape == (2, 2)
    assert len(model) == 4 and isinstance(model[1], nn.Dropout)


def test_removing_a_submodule_of_a_user_module_raises():
    with pytest.raises(gl.GloveError, match="Identity"):
        gl.apply(Block(2), "glove.remove", at="act")


def test_a_submodule_cannot_be_replaced_by_a_non_module():
    with pytest.raises(gl.GloveError, match=r"nn\.Module"):
        gl.replace(Block(2), "act", "relu")


def test_a_submodule_set_to_none_disappears_from_the_children():
    block = Block(2)

    patched = gl.replace(block, "act", None)

    assert [k for k, _ in children_of(patched)] == ["conv"]
    assert block.act is not None


def test_a_user_kind_for_a_module_base_class_wins_over_the_torch_kind():
    class Base(nn.Module):
        pass

    class Leafy(Base):
        def __init__(self):
            super().__init__()
            self.inner = nn.ReLU()

    gl.register_kind(Base, lambda node: [], lambda node, kids: node)

    assert children_of(Leafy()) == []


# -- equality ------------------------------------------------------------------------------------


def test_equality_compares_structure_and_hyperparameters_not_weights():
    torch.manual_seed(0)
    a = SmallCNN()
    torch.manual_seed(1)
    b = SmallCNN()

    assert not torch.equal(a.head.weight, b.head.weight)
    assert gl.eq(a, b)
    assert not gl.eq(a, gl.rebind(b, {"features[0].padding": 2}))


def test_diff_names_the_changed_hyperparameter():
    model = SmallCNN()

    changes = gl.diff(model, gl.rebind(model, {"features[6].kernel_size": 3}))

    assert [str(c.path) for c in changes] == ["features[6].kernel_size"]


def test_json_of_a_model_of_standard_layers_round_trips():
    model = nn.Sequential(OrderedDict([("conv", nn.Conv2d(3, 4, 3)), ("act", nn.ReLU())]))

    loaded = gl.from_json(json.loads(json.dumps(gl.to_json(model))))

    assert gl.eq(loaded, model) and list(loaded._modules) == ["conv", "act"]


def test_to_code_of_a_sequential_with_named_entries_runs():
    model = nn.Sequential(OrderedDict([("conv", nn.Conv2d(3, 4, 3)), ("act", nn.ReLU())]))
    namespace: dict = {}

    exec(gl.to_code(model, name="model"), namespace)

    assert gl.eq(namespace["model"], model)


# -- symbolized modules ----------------------------------------------------------------------------


class Stem(nn.Module):
    """A module class a team owns, symbolized below without editing it."""

    def __init__(self, channels: int = 8, bias: bool = True) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, channels, 3, padding=1, bias=bias)
        self.bias = nn.Parameter(torch.zeros(channels)) if bias else None

    def forward(self, x):
        out = self.conv(x)
        return out if self.bias is None else out + self.bias[:, None, None]


SymbolicStem = gl.symbolize(Stem, tags={"stem"}, name=f"{__name__}.SymbolicStem")


def test_symbolized_module_keeps_the_symbolic_kind_and_still_works():
    stem = SymbolicStem(channels=4)

    assert [k for k, _ in children_of(stem)] == ["channels", "bias"]
    assert isinstance(stem.bias, nn.Parameter)  # the module's attribute, not the argument
    assert stem(torch.randn(1, 3, 8, 8)).shape == (1, 4, 8, 8)
    assert "stem" in gl.tags_of(stem)


def test_symbolized_module_rebinds_and_writes_code():
    model = nn.Sequential(SymbolicStem(channels=4), nn.ReLU())

    wider = gl.rebind(model, {"[0].channels": 6})
    namespace: dict = {}
    exec(gl.to_code(wider, name="m"), namespace)

    assert wider(torch.randn(1, 3, 8, 8)).shape == (1, 6, 8, 8)
    assert gl.eq(namespace["m"], wider)


def test_symbolizing_a_torch_layer_keeps_its_parameters_as_attributes():
    SymbolicConv = gl.symbolize(nn.Conv2d, name="tests.torch.test_torch_kind.SymbolicConv")

    conv = SymbolicConv(3, 4, 3)

    assert isinstance(conv.bias, nn.Parameter) and conv.sym_args["bias"] is True
    assert conv(torch.randn(1, 3, 5, 5)).shape == (1, 4, 3, 3)


def test_shallow_copy_is_independent_for_containers_and_shares_tensors():
    model = nn.LSTM(2, 3)

    copy = gt.shallow_copy(model)

    assert copy._flat_weights is not model._flat_weights
    assert copy._flat_weights[0] is model._flat_weights[0]


def test_tagging_a_user_module_class_makes_it_queryable():
    class Mixer(nn.Module):
        def __init__(self):
            super().__init__()
            self.proj = nn.Linear(4, 4)

    gl.tag(Mixer, "token_mixer")
    model = nn.Sequential(Mixer(), nn.ReLU(), Mixer())

    assert list(gl.query(model, tag="token_mixer")) == ["[0]", "[2]"]


def test_torch_transformer_layers_show_their_arguments_and_keep_their_submodules():
    model = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 2,
                                  enable_nested_tensor=False)

    patched = gl.apply(model, "torch.set_linear_width", width=12, strict=False)

    assert "layers[1].self_attn" in gl.query(model, tag="attention")
    assert gl.format(model).startswith("TransformerEncoder(")  # not "(args unknown)"
    assert patched is model  # its linears are not in a Sequential: nothing to resize
    assert model(torch.randn(1, 3, 8)).shape == (1, 3, 8)


def test_import_glove_lab_does_not_import_torch():
    import subprocess
    import sys

    code = "import sys, glove_lab; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)

    assert result.stdout.strip() == "False"


def test_a_module_that_takes_no_arguments_is_not_labelled_args_unknown():
    from glove_lab.drawing import to_svg

    class Squash(nn.Module):
        def forward(self, x):
            return x.clamp(0, 1)

    assert "args unknown" not in to_svg(nn.Sequential(nn.Linear(2, 2), Squash()))
