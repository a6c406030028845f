"""Typed edits on torch layers: the constructor's hints refuse wrong values, never right ones."""

from __future__ import annotations

import pytest
from torch import nn

import glove_lab as gl
import glove_lab.torch
from glove_lab.tree import hints_of, kind_of

LAYERS = [
    nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.Conv2d(3, 8, (1, 3), padding="same"),
    nn.Conv1d(4, 4, 5, groups=2, bias=False), nn.Linear(8, 4), nn.Linear(8, 4, bias=False),
    nn.BatchNorm2d(8), nn.BatchNorm2d(8, momentum=None, affine=False), nn.LayerNorm(8),
    nn.LayerNorm([4, 8], eps=1e-6), nn.MultiheadAttention(8, 2), nn.MultiheadAttention(8, 2,
    kdim=4, vdim=4, batch_first=True), nn.Embedding(10, 4, padding_idx=0), nn.MaxPool2d(2),
    nn.Upsample(scale_factor=2.0), nn.GELU("tanh"),
    nn.Dropout(0.1), nn.GroupNorm(2, 8), nn.LSTM(4, 8), nn.ConvTranspose2d(4, 4, 3, 2),
]


def literal_args(layer: nn.Module) -> list[tuple[str, object]]:
    return [(key, child) for key, child in kind_of(layer).children(layer)
            if kind_of(child) is None]


@pytest.mark.parametrize("layer", LAYERS, ids=lambda m: type(m).__name__)
def test_rebinding_every_argument_of_a_torch_layer_to_its_own_value_is_never_refused(layer):
    tree = nn.Sequential(layer)
    args = literal_args(layer)
    assert args, "the layer shows its constructor arguments"
    for key, value in args:
        edited = gl.rebind(tree, {f"[0].{key}": value})  # refused would raise
        assert gl.eq(edited, tree)
    assert gl.eq(gl.rebind(tree, {f"[0].{key}": value for key, value in args}), tree)


@pytest.mark.parametrize(("layer", "key", "value", "expected"), [
    (nn.Conv2d(3, 8, 3), "in_channels", "3", "int"),
    (nn.Conv2d(3, 8, 3), "kernel_size", "five", "int | tuple[int, int]"),
    (nn.Conv2d(3, 8, 3), "padding_mode", "zeroes", "Literal["),
    (nn.Linear(8, 4), "bias", 1, "bool"),
    (nn.Linear(8, 4), "out_features", 4.0, "int"),
    (nn.BatchNorm2d(8), "momentum", "0.1", "float | None"),
    (nn.Dropout(), "p", "half", "float"),
], ids=str)
def test_a_wrong_value_for_a_torch_layer_argument_is_refused(layer, key, value, expected):
    session = gl.Session(nn.Sequential(layer))
    with pytest.raises(gl.TypeMismatchError, match=f"{type(layer).__name__}.{key} expects"
                       ) as caught:
        session.replace(f"[0].{key}", value)
    assert caught.value.expected.startswith(expected)
    assert session.tree[0] is layer and not session.history


def test_a_right_value_rebuilds_the_layer():
    session = gl.Session(nn.Sequential(nn.Conv2d(3, 8, 3)))
    session.rebind({"[0].out_channels": 16, "[0].padding": "same", "[0].bias": False})
    conv = session.tree[0]
    assert (conv.out_channels, conv.padding, conv.bias) == (16, "same", None)


def test_a_layers_hints_cover_only_its_recorded_arguments():
    hints = hints_of(nn.Linear(8, 4))
    assert hints == {"in_features": int, "out_features": int, "bias": bool}


def test_a_module_without_a_layer_spec_has_no_hints_so_its_submodules_take_any_module():
    class Block(nn.Module):
        def __init__(self, conv: int = 3) -> None:  # a hint that is not about the child
            super().__init__()
            self.conv = nn.Conv2d(3, 3, conv)

    block = Block()
    assert hints_of(block) == {}
    assert isinstance(gl.replace(block, "conv", nn.Identity()).conv, nn.Identity)
