"""The ready torch.* rules, each applied to models it was not written for."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import glove_lab as gl
import glove_lab.torch as gt
from glove_lab.torch.rules import preserves_shape
from tests.torch.models import SmallCNN, TextEncoder, tabular_mlp

TOKENS = torch.randint(1, 50, (2, 7))


def test_torch_rules_are_registered_on_import():
    names = {r.name for r in gl.rules()}

    assert {"torch.bn_to_gn", "torch.swap_activation", "torch.depthwise_separable",
            "torch.add_dropout", "torch.residual", "torch.set_linear_width"} <= names


# -- torch.bn_to_gn ----------------------------------------------------------------------------


def test_bn_to_gn_picks_the_largest_group_count_dividing_the_channels():
    model = nn.Sequential(nn.Conv2d(3, 24, 1), nn.BatchNorm2d(24))

    patched = gl.apply(model, "torch.bn_to_gn", groups=16)

    assert isinstance(patched[1], nn.GroupNorm)
    assert (patched[1].num_groups, patched[1].num_channels) == (12, 24)


def test_bn_to_gn_on_a_tabular_mlp_normalizes_feature_vectors():
    model = tabular_mlp(hidden=12).eval()

    patched = gl.apply(model, "torch.bn_to_gn?groups=4")

    assert len(gl.query(patched, type=nn.GroupNorm)) == 2
    assert patched(torch.randn(5, 10)).shape == (5, 1)


def test_bn_to_gn_copies_the_learnt_affine_transform():
    norm = nn.BatchNorm2d(8)
    with torch.no_grad():
        norm.weight.uniform_()
        norm.bias.uniform_()

    group_norm = gl.apply(nn.Sequential(norm), "torch.bn_to_gn", groups=2)[0]

    assert torch.equal(group_norm.weight, norm.weight) and torch.equal(group_norm.bias, norm.bias)


def test_bn_to_gn_rejects_a_group_count_below_one():
    with pytest.raises(gl.RuleError, match="groups"):
        gl.apply(tabular_mlp(), "torch.bn_to_gn", groups=0)


# -- torch.swap_activation -----------------------------------------------------------------------


def test_swap_activation_on_a_text_encoder_replaces_its_gelus():
    model = TextEncoder()

    patched = gl.apply(model, "torch.swap_activation", to="relu")

    assert [type(m) for m in gl.query(patched, tag="nonlinearity").values()] == [nn.ReLU] * 2
    assert patched(TOKENS).shape == (2, 3)


def test_swap_activation_leaves_softmax_alone():
    model = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 3), nn.Softmax(dim=-1))

    patched = gl.apply(model, "torch.swap_activation?to=mish")

    assert isinstance(patched[1], nn.Mish) and patched[3] is model[3]


def test_swap_activation_to_an_unknown_name_raises_naming_the_parameter():
    with pytest.raises(gl.RuleError, match="'to'"):
        gl.apply(SmallCNN(), "torch.swap_activation", to="sparkle")


# -- torch.depthwise_separable ----------------------------------------------------------------


def test_depthwise_separable_on_a_cnn_keeps_shapes_and_cuts_parameters():
    model = SmallCNN()
    inputs = torch.randn(2, 3, 16, 16)

    patched = gl.apply(model, "torch.depthwise_separable")

    assert patched(inputs).shape == model(inputs).shape
    assert sum(p.numel() for p in patched.parameters()) < sum(
        p.numel() for p in model.parameters())
    assert patched.features[3][0].groups == 16


def test_depthwise_separable_keeps_stride_dilation_and_padding_mode():
    conv = nn.Conv2d(4, 6, 3, stride=2, padding=2, dilation=2, padding_mode="reflect")
    inputs = torch.randn(1, 4, 11, 11)

    split = gl.apply(nn.Sequential(conv), "torch.depthwise_separable")[0]

    assert split(inputs).shape == conv(inputs).shape
    assert split[0].padding_mode == "reflect"


def test_depthwise_separable_skips_pointwise_and_grouped_convolutions():
    model = nn.Sequential(nn.Conv2d(4, 4, 1), nn.Conv2d(4, 4, 3, groups=4))

    with pytest.raises(gl.NoMatchError):
        gl.apply(model, "torch.depthwise_separable")


# -- torch.add_dropout ----------------------------------------------------------------------------


def test_add_dropout_after_every_activation_of_a_text_encoder():
    model = TextEncoder()

    patched = gl.apply(model, "torch.add_dropout", p=0.3)

    ffn = patched.blocks[0].ffn
    assert isinstance(ffn[1], nn.Sequential) and ffn[1][0] is model.blocks[0].ffn[1]
    assert ffn[1][1].p == 0.3
    assert patched(TOKENS).shape == (2, 3)


def test_add_dropout_rejects_a_probability_of_one():
    with pytest.raises(gl.RuleError, match="p must be"):
        gl.apply(tabular_mlp(), "torch.add_dropout", p=1.0)


# -- torch.residual -------------------------------------------------------------------------------


def test_residual_wraps_the_feed_forward_of_a_text_encoder_but_not_attention_internals():
    model = TextEncoder()

    patched = gl.apply(model, "torch.residual")

    assert isinstance(patched.blocks[0].ffn, gt.Residual)
    assert isinstance(patched.blocks[0].attn.out_proj, nn.Linear)
    assert patched(TOKENS).shape == (2, 3)


def test_residual_on_a_cnn_wraps_only_shape_preserving_convolutions():
    model = SmallCNN()

    patched = gl.apply(model, "torch.residual")

    wrapped = [path for path, node in gl.query(patched, type=gt.Residual).items()]
    assert wrapped == ["features[3]"]
    assert patched(torch.randn(1, 3, 8, 8)).shape == (1, 4)


def test_preserves_shape_follows_widths_through_a_sequential():
    assert preserves_shape(nn.Sequential(nn.Conv2d(8, 16, 1), nn.ReLU(), nn.Conv2d(16, 8, 1)))
    assert not preserves_shape(nn.Sequential(nn.Conv2d(8, 16, 1), nn.Conv2d(16, 16, 1)))
    assert not preserves_shape(nn.Conv2d(8, 8, 3))  # no padding: smaller output
    assert not preserves_shape(nn.ReLU())  # no weights: a residual would be pointless


def test_residual_at_a_block_that_changes_shape_raises_no_match():
    with pytest.raises(gl.NoMatchError):
        gl.apply(tabular_mlp(), "torch.residual", at="[0]")


# -- torch.set_linear_width ------------------------------------------------------------------


def test_set_linear_width_on_a_tabular_mlp_resizes_the_batchnorm_between():
    model = tabular_mlp(hidden=32)

    patched = gl.apply(model, "torch.set_linear_width", at="[0]", width=48)

    assert (patched[0].out_features, patched[1].num_features, patched[4].in_features) == (
        48, 48, 48)
    assert patched[4].out_features == 32 and patched[7] is model[7]
    assert patched.eval()(torch.randn(3, 10)).shape == (3, 1)


def test_set_linear_width_everywhere_sets_every_hidden_width():
    model = tabular_mlp(hidden=32)

    patched = gl.apply(model, "torch.set_linear_width", width=20)

    assert [m.out_features for m in patched if isinstance(m, nn.Linear)] == [20, 20, 1]
    assert patched.eval()(torch.randn(3, 10)).shape == (3, 1)


def test_set_linear_width_on_a_text_encoder_feed_forward():
    model = TextEncoder()

    patched = gl.apply(model, "torch.set_linear_width", width=24)

    assert patched.blocks[1].ffn[0].out_features == 24
    assert patched.blocks[1].ffn[2].in_features == 24
    assert patched.blocks[1].attn is model.blocks[1].attn
    assert patched(TOKENS).shape == (2, 3)


def test_set_linear_width_of_the_last_layer_is_refused_by_the_matcher():
    # The listing and the matcher are one predicate: not offered there, so refused there.
    with pytest.raises(gl.NoMatchError, match="followed by a Linear"):
        gl.apply(tabular_mlp(), "torch.set_linear_width", at="[7]", width=8)
    assert "torch.set_linear_width" not in {r.name for r in gl.rules(tabular_mlp(), at="[7]")}


def test_set_linear_width_needs_its_width():
    with pytest.raises(gl.RuleError, match="width"):
        gl.apply(tabular_mlp(), "torch.set_linear_width")
