"""torch's transformer containers show their real constructor arguments, not "(args unknown)".

Each recovered argument set must rebuild an equal module: same types, shapes and
hyperparameters, so the original's state_dict loads and eval outputs are bit-identical.
"""

from __future__ import annotations

import warnings

import pytest
import torch
from torch import nn

import glove_lab as gl
import glove_lab.torch as gt
from glove_lab.drawing import to_svg
from glove_lab.notebook import Controller


def _encoder_layer() -> nn.Module:
    return nn.TransformerEncoderLayer(8, 2, 16, dropout=0.2, activation="gelu", batch_first=True,
                                      norm_first=True, layer_norm_eps=1e-6, bias=False)


def _cases() -> dict[str, tuple[nn.Module, tuple[torch.Tensor, ...]]]:
    x = torch.randn(2, 3, 8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's "nested tensor" advice for batch_first=False
        return {
            "encoder_layer": (_encoder_layer(), (x,)),
            "decoder_layer": (nn.TransformerDecoderLayer(8, 2, 24, dropout=0.0,
                                                         batch_first=True), (x, x)),
            "encoder": (nn.TransformerEncoder(_encoder_layer(), 3, norm=nn.LayerNorm(8),
                                              enable_nested_tensor=False), (x,)),
            "decoder": (nn.TransformerDecoder(
                nn.TransformerDecoderLayer(8, 4, 16, batch_first=True), 2), (x, x)),
            "transformer": (nn.Transformer(8, 2, 2, 1, 16, dropout=0.0, batch_first=True,
                                           activation="gelu"), (x, x)),
            "seq_first_transformer": (nn.Transformer(8, 2, 1, 1, 12), (x, x)),
            "attention": (nn.MultiheadAttention(8, 2, batch_first=True), (x, x, x)),
        }


CASES = _cases()


@pytest.mark.parametrize("name", sorted(CASES))
def test_recovered_arguments_rebuild_an_equal_module_with_identical_outputs(name):
    torch.manual_seed(0)
    module, inputs = CASES[name]
    module.eval()
    args = gt.layer_args(module)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rebuilt = type(module)(**args).eval()
    rebuilt.load_state_dict(module.state_dict())  # strict: same names and shapes

    assert gl.eq(rebuilt, module)
    with torch.no_grad():
        assert torch.equal(_first(rebuilt(*inputs)), _first(module(*inputs)))


@pytest.mark.parametrize("name", sorted(CASES))
def test_code_and_json_of_a_transformer_container_rebuild_it(name):
    module, _ = CASES[name]
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(gl.to_code(module, name="layer"), namespace)
        loaded = gl.from_json(gl.to_json(module))

    assert gl.eq(namespace["layer"], module)
    assert gl.eq(loaded, module)


def test_encoder_layer_arguments_are_read_from_its_submodules():
    args = gt.layer_args(_encoder_layer())

    assert args == {"d_model": 8, "nhead": 2, "dim_feedforward": 16, "dropout": 0.2,
                    "activation": "gelu", "layer_norm_eps": 1e-6, "batch_first": True,
                    "norm_first": True, "bias": False}


def test_encoder_derives_its_layer_and_count_from_its_layers():
    encoder, _ = CASES["encoder"]

    args = gt.layer_args(encoder)

    assert args["encoder_layer"] is encoder.layers[0] and args["num_layers"] == 3
    assert args["norm"] is encoder.norm and args["enable_nested_tensor"] is False


@pytest.mark.parametrize("name", ["encoder_layer", "encoder", "transformer"])
def test_graph_and_inspector_show_arguments_instead_of_args_unknown(name):
    module, _ = CASES[name]
    controller = Controller(gl.Session(module, name="m"))
    controller.select([""])

    inspector = controller.inspector()

    assert "args unknown" not in to_svg(module)
    assert inspector["type"] == type(module).__name__
    assert "args unknown" not in inspector["type"]
    shown = dict(inspector["args"])
    key = {"encoder_layer": "nhead", "encoder": "enable_nested_tensor",
           "transformer": "num_encoder_layers"}[name]
    assert key in shown


def test_a_patched_layer_inside_an_encoder_is_refused_as_code_not_dropped():
    encoder, _ = CASES["encoder"]
    patched = gl.replace(encoder, "layers[0].norm1", nn.RMSNorm(8))

    with pytest.raises(gl.GloveError, match=r"'layers'.*it was patched"):
        gl.to_code(patched)
    assert isinstance(gl.from_json(gl.to_json(patched)).layers[0].norm1, nn.RMSNorm)


def test_a_patched_submodule_of_an_encoder_layer_is_kept_by_json_and_refused_by_code():
    patched = gl.replace(_encoder_layer(), "norm1", nn.RMSNorm(8))

    with pytest.raises(gl.GloveError, match="'norm1' \\(RMSNorm\\) differs"):
        gl.to_code(patched)
    loaded = gl.from_json(gl.to_json(patched))
    assert isinstance(loaded.norm1, nn.RMSNorm) and gl.eq(loaded, patched)


def test_a_replaced_submodule_that_hides_an_argument_makes_it_args_unknown_not_broken():
    patched = gl.replace(_encoder_layer(), "linear1", nn.Identity())

    assert gl.format(patched).startswith("TransformerEncoderLayer (args unknown)(")
    assert "linear1" in dict(gl.tree.children_of(patched))  # still a node with its children
    with pytest.raises(gl.GloveError, match="d_model, nhead cannot be read back"):
        gl.to_code(patched)


def test_editing_an_argument_rebuilds_the_layer_with_it():
    layer = _encoder_layer()

    wider = gl.rebind(layer, {"nhead": 4, "dim_feedforward": 32})

    assert wider.self_attn.num_heads == 4 and wider.linear1.out_features == 32
    assert wider.dropout.p == 0.2 and wider.norm_first  # the rest carried over
    assert layer.self_attn.num_heads == 2  # the original is untouched
    assert wider(torch.randn(2, 3, 8)).shape == (2, 3, 8)


def _first(output):
    return output[0] if isinstance(output, tuple) else output


def test_multihead_attention_with_a_patched_out_proj_is_refused_as_code_and_kept_by_json():
    # The same family before the transformer containers: code and JSON used to write
    # MultiheadAttention(...) and silently drop a replaced out_proj.
    patched = gl.replace(nn.MultiheadAttention(8, 2, batch_first=True), "out_proj",
                         nn.Linear(8, 8))

    with pytest.raises(gl.GloveError, match="'out_proj' \\(Linear\\) differs"):
        gl.to_code(patched)
    assert type(gl.from_json(gl.to_json(patched)).out_proj) is nn.Linear


def test_an_argument_edit_keeps_the_built_submodules_it_does_not_reshape():
    # MultiheadAttention's out_proj used to be built anew (new random weights) on any edit.
    attention = nn.MultiheadAttention(8, 2, batch_first=True)
    layer = _encoder_layer()

    quieter = gl.rebind(attention, {"dropout": 0.3})
    wider = gl.rebind(layer, {"nhead": 4})

    assert quieter.out_proj is attention.out_proj and quieter.dropout == 0.3
    assert quieter.in_proj_weight is attention.in_proj_weight
    assert wider.self_attn is not layer.self_attn  # reshaped by the edit
    assert all(wider._modules[name] is layer._modules[name]
               for name in ("linear1", "linear2", "norm1", "norm2", "dropout"))


def test_an_argument_edit_keeps_an_earlier_patch_it_does_not_touch_and_refuses_one_it_would():
    patched = gl.replace(_encoder_layer(), "norm1", nn.RMSNorm(8))

    reordered = gl.rebind(patched, {"norm_first": False, "nhead": 4})

    assert reordered.norm1 is patched.norm1 and not reordered.norm_first
    with pytest.raises(gl.GloveError, match="'norm1' was patched \\(RMSNorm\\)"):
        gl.rebind(patched, {"d_model": 16})


def test_an_encoder_edit_keeps_its_layers():
    encoder, _ = CASES["encoder"]

    edited = gl.rebind(encoder, {"mask_check": False})

    assert edited.layers is encoder.layers and edited.mask_check is False


def test_a_bottleneck_style_block_registered_with_submodule_readers_rebuilds_exactly():
    from benchmarks._torch_models import Bottleneck, resnet50_like

    gt.register_layer(Bottleneck, readers={
        "inplanes": lambda m: m.conv1.in_channels,
        "planes": lambda m: m.conv1.out_channels,
        "stride": lambda m: m.conv2.stride[0],
    })
    model = resnet50_like().eval()
    x = torch.randn(1, 512, 8, 8)
    first, strided = model.layer2[1], model.layer2[0]

    rebuilt = Bottleneck(**gt.layer_args(first)).eval()
    rebuilt.load_state_dict(first.state_dict())

    with torch.no_grad():
        assert torch.equal(rebuilt(x), first(x))
    assert gt.layer_args(strided)["stride"] == 2
    assert strided.downsample is gt.layer_args(strided)["downsample"]
    assert "args unknown" not in gl.format(model.layer3)
    with pytest.raises(gl.GloveError, match="'conv2' \\(Conv2d\\) differs"):
        gl.to_code(gl.rebind(first, {"conv2.kernel_size": 5, "conv2.padding": 2}))
