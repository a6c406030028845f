"""Built-in rules on layers written the way timm and transformers write them (issue 12, 1-3).

Subclasses with extra behaviour are left alone and reported; a rule is
listed at a node exactly when applying it there would match; a replacement
is refused where an ancestor reads an attribute it would not have.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

import glove_lab as gl
import glove_lab.torch  # registers the torch.* rules
from tests.torch.library_style import (
    BatchNormAct2d,
    LayerNorm2d,
    TimmStyleCNN,
    TinyViT,
    activation_calls,
)

IMAGE = torch.randn(2, 3, 8, 8)
TORCH_RULES = [r.name for r in gl.rules() if r.name.startswith("torch.")]
PARAMS = {"torch.set_linear_width": {"width": 4}}


def cnn() -> TimmStyleCNN:
    torch.manual_seed(0)
    return TimmStyleCNN().eval()


# -- 1. subclasses with extra behaviour ------------------------------------------------------


def test_bn_to_gn_leaves_batchnormact_alone_and_keeps_every_activation():
    model = cnn()
    session = gl.Session(model)
    step = session.apply("torch.bn_to_gn", groups=4)
    patched = session.tree
    assert isinstance(patched.stem[1], BatchNormAct2d)
    assert isinstance(patched.stage1[1], BatchNormAct2d)
    assert isinstance(patched.stage1[3], nn.GroupNorm)  # the plain BatchNorm2d is replaced
    assert activation_calls(patched, IMAGE) == activation_calls(model, IMAGE)
    assert step.changed_paths == ("stage1[3]",)
    assert "skipped 2 BatchNormAct2d: subclass with extra behaviour (defines forward)" in (
        step.summary())


def test_bn_to_gn_at_a_batchnormact_is_refused_with_the_reason():
    model = cnn()
    with pytest.raises(gl.NoMatchError, match="leaves this BatchNormAct2d alone: subclass"):
        gl.apply(model, "torch.bn_to_gn", at="stem[1]")
    assert "torch.bn_to_gn" not in {r.name for r in gl.rules(model, at="stem[1]")}


def test_a_subclass_that_only_changes_its_constructor_is_rewritten():
    model = cnn()
    patched = gl.apply(model, "torch.depthwise_separable", at="stage1[2]")
    assert isinstance(patched.stage1[2], nn.Sequential)  # PlainConv2d: Conv2d's forward


def test_depthwise_separable_leaves_a_weight_standardized_conv_alone():
    model = cnn()
    step = gl.Session(model).apply("torch.depthwise_separable")
    assert "stem[0]" not in step.changed_paths
    assert "1 StdConv2d: subclass with extra behaviour (defines forward)" in step.summary()


def test_match_type_includes_subclasses_by_default():
    names = gl.query(cnn(), type=nn.LayerNorm)
    assert {type(n).__name__ for n in names.values()} == {"LayerNorm2d"}
    everything = gl.Match(type=nn.LayerNorm)
    assert [str(p) for p, _ in everything.select(cnn())] == ["stage2.norm", "norm"]


def test_match_exact_type_form_matches_the_type_only():
    model = nn.Sequential(nn.LayerNorm(4), LayerNorm2d(4))
    exact = gl.Match(type=nn.LayerNorm, subclasses=False)
    assert [str(p) for p, _ in exact.select(model)] == ["[0]"]


def test_a_users_layernorm_rule_with_plain_subclasses_skips_layernorm2d():
    to_rms = gl.Rule("tests.ln_to_rms", lambda ln: nn.RMSNorm(ln.normalized_shape),
                     on=gl.Match(type=nn.LayerNorm, subclasses="plain"))
    model = cnn()
    session = gl.Session(model)
    with pytest.raises(gl.NoMatchError, match="leaves alone 2 LayerNorm2d: subclass"):
        session.apply(to_rms)
    flat = nn.Sequential(nn.LayerNorm(4), LayerNorm2d(4))
    step = gl.Session(flat).apply(to_rms)
    assert step.changed_paths == ("[0]",)
    assert "skipped 1 LayerNorm2d" in step.summary()


def test_subclasses_must_be_true_false_or_plain():
    with pytest.raises(gl.RuleError, match="subclasses"):
        gl.Match(type=nn.LayerNorm, subclasses="some")


# -- 2. listed <=> applicable ---------------------------------------------------------------


def module_paths(model: nn.Module) -> list[gl.KeyPath]:
    return [p for p, n in gl.traverse(model) if isinstance(n, nn.Module)]


@pytest.mark.parametrize("make", [cnn, TinyViT], ids=["timm-style-cnn", "vit"])
def test_a_rule_is_listed_at_a_node_iff_applying_it_there_matches(make):
    model = make()
    for path in module_paths(model):
        listed = {r.name for r in gl.rules(model, at=path)}
        for name in TORCH_RULES:
            try:
                gl.apply(model, name, at=path, **PARAMS.get(name, {}))
                applied = True
            except gl.NoMatchError:
                applied = False
            assert applied == (name in listed), (name, str(path))


def test_set_linear_width_is_not_listed_where_no_linear_follows():
    model = TinyViT()
    assert "torch.set_linear_width" not in {r.name for r in gl.rules(model)}
    with pytest.raises(gl.NoMatchError):
        gl.apply(model, "torch.set_linear_width", width=8)


def test_residual_is_neither_offered_nor_accepted_inside_multihead_attention():
    model = TinyViT()
    assert "torch.residual" not in {r.name for r in gl.rules(model, at="attn.out_proj")}
    with pytest.raises(gl.NoMatchError):
        gl.apply(model, "torch.residual", at="attn.out_proj")
    patched = gl.apply(model, "torch.residual")  # everywhere: the same predicate
    assert patched.attn.out_proj is model.attn.out_proj
    assert patched(IMAGE).shape == (2, 3)


# -- 3. replacements that break their parent ------------------------------------------------


def test_depthwise_separable_refuses_a_conv_whose_weight_an_ancestor_reads():
    model = TinyViT()
    with pytest.raises(gl.NoMatchError, match=r"TinyViT reads self\.patch_embeddings\."
                                               r"projection\.weight"):
        gl.apply(model, "torch.depthwise_separable", at="patch_embeddings.projection")
    assert "torch.depthwise_separable" not in {
        r.name for r in gl.rules(model, at="patch_embeddings.projection")}
    assert model(IMAGE).shape == (2, 3)




def test_a_layer_with_hooks_is_left_alone_by_a_rule_that_would_replace_it():
    model = cnn()
    seen = []

    def hook(module, args, output):
        seen.append(type(module).__name__)

    model.stage1[3].register_forward_hook(hook)  # a BatchNorm2d
    model.stage1[4].register_forward_hook(hook)  # a ReLU
    session = gl.Session(model, check=lambda m: m(IMAGE))
    with pytest.raises(gl.NoMatchError, match="1 hook registered on it would not run"):
        session.apply("torch.bn_to_gn", at="stage1.3")
    assert "torch.swap_activation" not in {r.name for r in gl.rules(model, at="stage1.4")}
    session.apply("torch.add_dropout", at="stage1.4")  # wrapping keeps the layer and its hook
    seen.clear()
    session.tree(IMAGE)
    assert seen == ["BatchNorm2d", "ReLU"]
