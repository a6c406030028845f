"""glove_lab.hf: every tag claim, checked on a tiny config of each family (random weights).

The tests assert what each tag *means*, not only which classes carry it: an
`attention` mixes positions and an `mlp` does not, a `normalization` ignores the
input's scale, a `nonlinearity` is elementwise, `embeddings` take the model's
input, and the dense layers `residual_branch_ends` finds are what a block adds
to its residual stream.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch
from torch import nn
from transformers import activations
from transformers.pytorch_utils import Conv1D

import glove_lab as gl
import glove_lab.hf as hf
from glove_lab.torch import layer_args
from tests.fixtures.hf_families import CONFIGS, build, example

TRANSFORMERS = ("bert", "gpt2", "llama", "mistral", "qwen2", "t5", "vit", "swin", "distilbert")
POST_NORM = {"bert": ("attention.output.LayerNorm", "output.LayerNorm"),
             "distilbert": ("sa_layer_norm", "output_layer_norm")}

# Which classes carry each tag of the pack, per family: nothing more, nothing less.
EXPECTED = {
    "bert": {"embeddings": {"BertEmbeddings"}, "block": {"BertLayer"},
             "attention": {"BertAttention"}, "mlp": {"BertIntermediate", "BertOutput"},
             "gelu": {"GELUActivation"}},
    "gpt2": {"block": {"GPT2Block"}, "attention": {"GPT2Attention"}, "mlp": {"GPT2MLP"},
             "gelu": {"NewGELUActivation"}, "dense": {"Conv1D"}},
    "t5": {"block": {"T5Block"}, "attention": {"T5Attention"}, "mlp": {"T5DenseActDense"},
           "normalization": {"T5LayerNorm"}},
    "vit": {"embeddings": {"ViTEmbeddings"}, "block": {"ViTLayer"}, "attention": {"ViTAttention"},
            "mlp": {"ViTMLP"}, "gelu": {"GELUActivation"}},
    "swin": {"embeddings": {"SwinEmbeddings"}, "block": {"SwinLayer"},
             "attention": {"SwinAttention"}, "mlp": {"SwinMLP"}, "gelu": {"GELUActivation"},
             "drop_path": {"SwinDropPath"}, "stochastic_depth": {"SwinLayer"}},
    "convnext": {"embeddings": {"ConvNextEmbeddings"}, "block": {"ConvNextLayer"},
                 "attention": set(), "mlp": set(), "gelu": {"GELUActivation"},
                 "stochastic_depth": {"ConvNextLayer"},
                 "normalization": {"ConvNextLayerNorm", "LayerNorm"}},
    "resnet": {"embeddings": {"ResNetEmbeddings"}, "block": {"ResNetBottleNeckLayer"},
               "attention": set(), "normalization": {"BatchNorm2d"}},
    "mobilenet_v2": {"embeddings": {"MobileNetV2Stem"}, "block": {"MobileNetV2InvertedResidual"},
                     "attention": set(), "normalization": {"BatchNorm2d"}},
    "regnet": {"embeddings": {"RegNetEmbeddings"}, "block": {"RegNetYLayer"},
               "attention": set(), "normalization": {"BatchNorm2d"}},
    "distilbert": {"embeddings": {"Embeddings"}, "block": {"TransformerBlock"},
                   "attention": {"DistilBertSelfAttention"}, "mlp": {"FFN"},
                   "gelu": {"GELUActivation"}},
}
for _family, _name in (("llama", "Llama"), ("mistral", "Mistral"), ("qwen2", "Qwen2")):
    EXPECTED[_family] = {"block": {f"{_name}DecoderLayer"}, "attention": {f"{_name}Attention"},
                         "mlp": {f"{_name}MLP"}, "normalization": {f"{_name}RMSNorm"},
                         "gelu": set(), "embeddings": set()}


def _types(model: nn.Module, tag: str) -> set[str]:
    return {type(node).__name__ for node in gl.query(model, tag=tag).values()}


def _calls(model: nn.Module, family: str, tag: str) -> list[tuple[nn.Module, tuple, dict, object]]:
    """(module, args, kwargs, output) of every call of a `tag` module in one forward pass."""
    seen: list[tuple[nn.Module, tuple, dict, object]] = []
    hooks = [module.register_forward_hook(
        lambda m, args, kwargs, out: seen.append((m, args, kwargs, out)), with_kwargs=True)
        for module in gl.query(model, tag=tag).values()]
    try:
        with torch.no_grad():
            model(**example(family))
    finally:
        for hook in hooks:
            hook.remove()
    return seen


def _first_tensor(value: object) -> torch.Tensor:
    while not isinstance(value, torch.Tensor):
        value = value[0]  # type: ignore[index]
    return value


def test_the_pack_covers_thirteen_families_vision_and_text():
    assert tuple(CONFIGS) == hf.FAMILIES
    assert {"vit", "swin", "convnext", "resnet", "mobilenet_v2", "regnet"} < set(hf.FAMILIES)
    assert len(hf.FAMILIES) == 13


@pytest.mark.parametrize("family", list(EXPECTED))
def test_each_tag_is_on_exactly_the_classes_the_family_uses_for_it(family):
    model = build(family)
    found = {tag: _types(model, tag) for tag in EXPECTED[family]}
    assert found == EXPECTED[family]


@pytest.mark.parametrize("family", TRANSFORMERS)
def test_attention_mixes_positions_and_the_mlp_does_not(family):
    model = build(family)
    for tag, mixes in (("attention", True), ("mlp", False)):
        calls = _calls(model, family, tag)
        assert calls, (family, tag)
        for module, args, kwargs, out in calls:
            cross = kwargs.get("key_value_states")  # T5's cross-attention reads the encoder
            name = "key_value_states" if cross is not None else None
            # Run it again without the cache the first call filled.
            kwargs = {k: (None if k in ("cache", "past_key_values") else v)
                      for k, v in kwargs.items()}
            if name:
                kwargs[name] = cross.clone()
                kwargs[name][:, 0] += 1.0
            else:
                args = (args[0].clone(), *args[1:]) if args else args
                if args:
                    args[0][:, 0] += 1.0
                else:
                    kwargs["hidden_states"] = kwargs["hidden_states"].clone()
                    kwargs["hidden_states"][:, 0] += 1.0
            with torch.no_grad():
                changed = _first_tensor(module(*args, **kwargs))
            before = _first_tensor(out)
            assert not torch.equal(changed[:, 0], before[:, 0]) or name, (family, tag)
            assert torch.equal(changed[:, -1], before[:, -1]) != mixes, (family, tag)


@pytest.mark.parametrize("family", ["llama", "mistral", "qwen2", "t5"])
def test_family_norms_are_normalizations_that_ignore_the_input_scale(family):
    model = build(family)
    norms = [n for n in gl.query(model, tag="normalization").values()
             if type(n).__module__.startswith("transformers.")]
    assert norms
    x = torch.randn(2, 5, 32)
    for norm in norms:
        with torch.no_grad():
            assert torch.allclose(norm(3.0 * x), norm(x), atol=1e-4), type(norm).__name__


@pytest.mark.parametrize("name", sorted(activations.ACT2CLS))
def test_every_act2fn_class_is_an_elementwise_nonlinearity(name):
    activation = activations.ACT2FN[name]
    assert "nonlinearity" in gl.tags_of(activation)
    x = torch.randn(4, 7)
    with torch.no_grad():
        whole = activation(x)
        assert whole.shape == x.shape
        assert torch.allclose(activation(x[1:2, 3:5]), whole[1:2, 3:5], atol=1e-6)


def test_the_gelu_tag_is_on_gelu_variants_only():
    x = torch.linspace(-3, 3, 101)
    exact = nn.functional.gelu(x)
    tagged = [name for name in activations.ACT2CLS
              if "gelu" in gl.tags_of(activations.ACT2FN[name])]
    assert sorted(tagged) == sorted(n for n in activations.ACT2CLS if "gelu" in n)
    for name in tagged:
        with torch.no_grad():
            assert (activations.ACT2FN[name](x) - exact).abs().max() < 0.03, name
    assert "gelu" in gl.tags_of(nn.GELU()) and "gelu" not in gl.tags_of(nn.SiLU())


def test_conv1d_is_a_dense_layer_with_its_hyperparameters():
    layer = Conv1D(6, 4)  # nf=6 outputs, nx=4 inputs: weight is (in, out)
    x = torch.randn(3, 4)
    with torch.no_grad():
        assert torch.allclose(layer(x), nn.functional.linear(x, layer.weight.t(), layer.bias))
    assert "dense" in gl.tags_of(layer)
    assert layer_args(layer) == {"nf": 6, "nx": 4}
    namespace: dict = {}
    exec(gl.to_code(layer, name="rebuilt"), namespace)
    assert gl.eq(namespace["rebuilt"], layer)


@pytest.mark.parametrize("family", [f for f in EXPECTED if EXPECTED[f].get("embeddings")])
def test_embeddings_take_the_model_input(family):
    model = build(family)
    model_input = next(iter(example(family).values()))
    calls = _calls(model, family, "embeddings")
    assert len(calls) == 1
    _, args, kwargs, out = calls[0]
    given = [*args, *kwargs.values()]
    assert any(isinstance(v, torch.Tensor) and v.shape == model_input.shape
               and torch.equal(v, model_input) for v in given)
    assert _first_tensor(out).is_floating_point()


@pytest.mark.parametrize("family", list(EXPECTED))
def test_blocks_are_the_elements_of_the_main_stack(family):
    model = build(family)
    blocks = gl.query(model, tag="block")
    assert len(blocks) >= 2
    for path in blocks:
        assert isinstance(gl.KeyPath.parse(path).key, int), path


class _Zero(nn.Module):
    def __init__(self, base: nn.Module) -> None:
        super().__init__()
        self.base = base
        self.weight = base.weight  # T5 reads it

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) * 0.0


@pytest.mark.parametrize("family", TRANSFORMERS)
def test_residual_branch_ends_are_what_each_block_adds_to_its_input(family):
    model = build(family)
    for path, block in gl.query(model, tag="block").items():
        ends = hf.residual_branch_ends(block)
        assert len(ends) == (3 if family == "t5" and "decoder" in path else 2), (path, ends)
        for end in ends:
            model = gl.replace(model, f"{path}.{end}", _Zero(gl.get(block, end)))
    for block, args, kwargs, out in _calls(model, family, "block"):
        given = args[0] if args else kwargs["hidden_states"]
        expected = given
        for norm in POST_NORM.get(family, ()):
            expected = block.get_submodule(norm)(expected)
        assert torch.equal(_first_tensor(out), expected), type(block).__name__


def test_residual_branch_ends_name_the_output_projections():
    llama = build("llama")
    assert hf.residual_branch_ends(llama.layers[0]) == ["self_attn.o_proj", "mlp.down_proj"]
    bert = build("bert")
    assert hf.residual_branch_ends(bert.encoder.layer[0]) == ["attention.output.dense",
                                                              "output.dense"]
    assert hf.residual_branch_ends(build("resnet").encoder.stages[0].layers[0]) == []


@pytest.mark.parametrize("family", ["swin", "convnext"])
def test_stochastic_depth_blocks_have_a_drop_path_and_drop_paths_drop_samples(family):
    config = CONFIGS[family]()
    config.drop_path_rate = 0.5
    torch.manual_seed(0)
    from transformers import AutoModel

    model = AutoModel.from_config(config)
    for block in gl.query(model, tag="stochastic_depth").values():
        assert hasattr(block, "drop_path")
    drop = next(iter(gl.query(model, tag="drop_path").values()))
    x = torch.randn(64, 3, 4)
    assert torch.equal(drop.eval()(x), x)
    out = drop.train()(x)
    kept = [bool(torch.allclose(o, 2 * i)) for o, i in zip(out, x)]
    dropped = [bool(torch.equal(o, torch.zeros_like(o))) for o in out]
    assert all(k or d for k, d in zip(kept, dropped)) and any(kept) and any(dropped)


def test_import_glove_lab_does_not_import_transformers():
    code = "import sys, glove_lab; print('transformers' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"
