"""Reconstructed constructor arguments of the standard torch.nn layers: round trips and tags."""

from __future__ import annotations

import json

import pytest
import torch
from torch import nn

import glove_lab as gl
import glove_lab.torch as gt

# Every layer built with non-default arguments where it has any.
LAYERS = [
    nn.Conv1d(3, 6, 5, stride=2, padding=1, dilation=2, groups=3, bias=False,
              padding_mode="reflect"),
    nn.Conv2d(4, 8, (3, 5), stride=(2, 1), padding=(1, 2), groups=2),
    nn.Conv2d(4, 8, 3, padding="same", dilation=2, padding_mode="circular"),
    nn.Conv3d(2, 4, 3, stride=2, padding=1, bias=False),
    nn.ConvTranspose1d(4, 2, 3, stride=2, padding=1, output_padding=1),
    nn.ConvTranspose2d(4, 2, 4, stride=2, padding=1, groups=2, bias=False, dilation=1),
    nn.ConvTranspose3d(2, 2, 3, stride=1, padding=0),
    nn.Linear(5, 7, bias=False),
    nn.Bilinear(3, 4, 5, bias=False),
    nn.LazyLinear(6, bias=False),
    nn.Identity(),
    nn.BatchNorm1d(5, eps=1e-3, momentum=0.2, affine=False),
    nn.BatchNorm2d(6, momentum=None, track_running_stats=False),
    nn.BatchNorm3d(4, bias=False),
    nn.SyncBatchNorm(4, eps=1e-4),
    nn.LayerNorm((4, 5), eps=1e-6, elementwise_affine=True, bias=False),
    nn.LayerNorm(8, elementwise_affine=False),
    nn.GroupNorm(2, 8, eps=1e-3, affine=False),
    nn.InstanceNorm1d(3, affine=True, track_running_stats=True),
    nn.InstanceNorm2d(3),
    nn.InstanceNorm3d(3, eps=1e-3),
    nn.LocalResponseNorm(3, alpha=2e-4, beta=0.5, k=2.0),
    nn.RMSNorm(6, eps=1e-5, elementwise_affine=False),
    nn.Dropout(0.3, inplace=True),
    nn.Dropout1d(0.2),
    nn.Dropout2d(0.25),
    nn.Dropout3d(0.4),
    nn.AlphaDropout(0.1),
    nn.FeatureAlphaDropout(0.2),
    nn.ReLU(inplace=True),
    nn.ReLU6(inplace=True),
    nn.LeakyReLU(0.2, inplace=True),
    nn.PReLU(4, init=0.1),
    nn.RReLU(0.1, 0.2),
    nn.ELU(alpha=0.5),
    nn.SELU(inplace=True),
    nn.CELU(alpha=2.0),
    nn.GELU(approximate="tanh"),
    nn.SiLU(inplace=True),
    nn.Mish(),
    nn.Sigmoid(),
    nn.Tanh(),
    nn.Softmax(dim=-1),
    nn.Softmin(dim=1),
    nn.Softmax2d(),
    nn.LogSoftmax(dim=2),
    nn.Hardswish(),
    nn.Hardsigmoid(inplace=True),
    nn.Hardtanh(-2.0, 2.0),
    nn.Hardshrink(0.3),
    nn.Softshrink(0.2),
    nn.Softplus(beta=2.0, threshold=10.0),
    nn.Softsign(),
    nn.Tanhshrink(),
    nn.Threshold(0.1, 20.0),
    nn.GLU(dim=1),
    nn.LogSigmoid(),
    nn.MaxPool1d(3, stride=2, padding=1, dilation=1, return_indices=True, ceil_mode=True),
    nn.MaxPool2d(2),
    nn.MaxPool2d((3, 2), stride=1),
    nn.MaxPool3d(2, padding=1),
    nn.AvgPool1d(3, stride=1, count_include_pad=False),
    nn.AvgPool2d(2, ceil_mode=True, divisor_override=3),
    nn.AvgPool3d(2, stride=1),
    nn.LPPool1d(2, 3),
    nn.LPPool2d(1.5, 2, stride=1, ceil_mode=True),
    nn.AdaptiveAvgPool1d(4),
    nn.AdaptiveAvgPool2d((7, None)),
    nn.AdaptiveAvgPool3d(2),
    nn.AdaptiveMaxPool1d(3, return_indices=True),
    nn.AdaptiveMaxPool2d((2, 3)),
    nn.AdaptiveMaxPool3d(1),
    nn.Embedding(10, 4, padding_idx=0, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True,
                 sparse=True),
    nn.EmbeddingBag(10, 4, mode="max", include_last_offset=True, padding_idx=1),
    nn.MultiheadAttention(8, 2, dropout=0.1, bias=False, add_bias_kv=True, add_zero_attn=True,
                          kdim=5, vdim=6, batch_first=True),
    nn.MultiheadAttention(8, 4),
    nn.LSTM(3, 5, num_layers=2, bias=False, batch_first=True, dropout=0.1, bidirectional=True,
            proj_size=2),
    nn.GRU(4, 6, num_layers=3, batch_first=True),
    nn.RNN(3, 4, nonlinearity="relu", bidirectional=True),
    nn.LSTMCell(3, 4, bias=False),
    nn.GRUCell(3, 4),
    nn.RNNCell(3, 4, nonlinearity="relu"),
    nn.Flatten(0, 2),
    nn.Unflatten(1, (2, 5)),
    nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True),
    nn.Upsample(size=(4, 6), mode="nearest"),
    nn.UpsamplingNearest2d(scale_factor=3),
    nn.UpsamplingBilinear2d(size=8),
    nn.PixelShuffle(2),
    nn.PixelUnshuffle(3),
    nn.ZeroPad1d(2),
    nn.ZeroPad2d((1, 2, 3, 4)),
    nn.ZeroPad3d(1),
    nn.ConstantPad1d((1, 2), 3.5),
    nn.ConstantPad2d(2, -1.0),
    nn.ConstantPad3d(1, 0.5),
    nn.ReflectionPad1d(2),
    nn.ReflectionPad2d((1, 0, 1, 0)),
    nn.ReflectionPad3d(1),
    nn.ReplicationPad1d(1),
    nn.ReplicationPad2d(2),
    nn.ReplicationPad3d((1, 1, 2, 2, 0, 0)),
    nn.CircularPad1d(1),
    nn.CircularPad2d(2),
    nn.CircularPad3d(1),
    nn.ChannelShuffle(4),
    nn.CosineSimilarity(dim=2, eps=1e-6),
    nn.PairwiseDistance(p=1.0, eps=1e-5, keepdim=True),
    gt.Residual(nn.Linear(4, 4)),
]


def _ids(layer: nn.Module) -> str:
    return type(layer).__name__


def _configuration(module: nn.Module) -> tuple:
    """What makes two layers "the same layer": type, repr, args, and tensor shapes."""
    shapes = {k: tuple(v.shape) for k, v in module.state_dict().items()
              if not isinstance(v, nn.parameter.UninitializedTensorMixin)}
    return type(module), repr(module), repr(gt.layer_args(module)), shapes


@pytest.mark.parametrize("layer", LAYERS, ids=_ids)
def test_reconstructed_arguments_rebuild_the_same_layer(layer):
    args = gt.layer_args(layer)

    rebuilt = type(layer)(**args)

    assert _configuration(rebuilt) == _configuration(layer)


@pytest.mark.parametrize("layer", LAYERS, ids=_ids)
def test_to_code_of_a_layer_evaluates_to_the_same_configuration(layer):
    source = gl.to_code(layer, name="layer")

    namespace: dict = {}
    exec(source, namespace)

    assert _configuration(namespace["layer"]) == _configuration(layer)
    assert gl.eq(namespace["layer"], layer)


@pytest.mark.parametrize("layer", LAYERS, ids=_ids)
def test_json_round_trip_of_a_layer_preserves_equality(layer):
    data = json.loads(json.dumps(gl.to_json(layer)))

    loaded = gl.from_json(data)

    assert gl.eq(loaded, layer) and _configuration(loaded) == _configuration(layer)


def test_to_code_imports_layers_from_torch_nn_and_omits_defaults():
    source = gl.to_code(nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU()), name="m")

    assert source == (
        "from torch.nn import Conv2d\n"
        "from torch.nn import ReLU\n"
        "from torch.nn import Sequential\n\n"
        "m = Sequential(Conv2d(in_channels=3, out_channels=8, kernel_size=3, padding=1), ReLU())\n"
    )


def test_hyperparameters_are_the_constructor_arguments_in_signature_order():
    conv = nn.Conv2d(3, 8, 3, bias=False)

    assert gl.tree.hyper_of(conv) == ("in_channels", "out_channels", "kernel_size", "stride",
                                      "padding", "dilation", "groups", "bias", "padding_mode")
    assert dict(gl.tree.children_of(conv))["bias"] is False


def test_layer_children_are_hyperparameters_then_submodules():
    attention = nn.MultiheadAttention(8, 2, kdim=4)

    keys = [key for key, _ in gl.tree.children_of(attention)]

    assert keys == ["embed_dim", "num_heads", "dropout", "bias", "add_bias_kv", "add_zero_attn",
                    "kdim", "vdim", "batch_first", "out_proj"]


STANDARD_TAGS = [
    (nn.Conv2d(1, 1, 1), "convolution"),
    (nn.ConvTranspose1d(1, 1, 1), "convolution"),
    (nn.Linear(1, 1), "dense"),
    (nn.Bilinear(1, 1, 1), "dense"),
    (nn.BatchNorm2d(2), "normalization"),
    (nn.LayerNorm(2), "normalization"),
    (nn.GroupNorm(1, 2), "normalization"),
    (nn.InstanceNorm1d(2), "normalization"),
    (nn.ReLU(), "nonlinearity"),
    (nn.GELU(), "nonlinearity"),
    (nn.Hardtanh(), "nonlinearity"),
    (nn.Softmax(dim=1), "nonlinearity"),
    (nn.Dropout(), "dropout"),
    (nn.AlphaDropout(), "dropout"),
    (nn.MultiheadAttention(4, 2), "attention"),
    (nn.MaxPool2d(2), "pooling"),
    (nn.AdaptiveAvgPool2d(1), "pooling"),
    (nn.Embedding(3, 2), "embedding"),
    (nn.EmbeddingBag(3, 2), "embedding"),
    (nn.LSTM(2, 2), "recurrent"),
    (nn.GRUCell(2, 2), "recurrent"),
]


@pytest.mark.parametrize(("layer", "tag"), STANDARD_TAGS, ids=lambda x: getattr(x, "__name__",
                                                                                 str(x)))
def test_standard_layers_come_tagged(layer, tag):
    assert tag in gl.tags_of(layer)


def test_user_subclass_without_its_own_init_shares_the_layer_spec():
    class WideConv(nn.Conv2d):
        def forward(self, x):
            return super().forward(x) * 2

    conv = WideConv(3, 4, 3, padding=1)

    assert gt.layer_args(conv)["padding"] == (1, 1)
    assert "convolution" in gl.tags_of(conv)


def test_user_subclass_with_its_own_init_has_unknown_arguments():
    class FixedConv(nn.Conv2d):
        def __init__(self):
            super().__init__(3, 4, 3)

    conv = FixedConv()

    assert gt.layer_args(conv) is None
    assert gl.tree.children_of(conv) == []
    assert "convolution" in gl.tags_of(conv)


class Scale(nn.Module):
    """A user layer with one argument stored under another name."""

    def __init__(self, factor: float = 1.0) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.tensor(factor))

    def forward(self, x):
        return x * self.weight


def test_register_layer_makes_a_user_class_writable_as_code():
    gt.register_layer(Scale, readers={"factor": lambda m: float(m.weight.detach())})

    source = gl.to_code(nn.Sequential(Scale(2.0)), name="m")
    namespace: dict = {}
    exec(source, namespace)

    assert "Scale(factor=2.0)" in source
    assert gl.eq(namespace["m"], nn.Sequential(Scale(2.0)))
