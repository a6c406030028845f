"""Squared ReLU as every feed-forward activation, by hand: each family's activation name."""

from hf_exchange.by_hand.surgery import ends_with, replace_modules
from hf_exchange.inventions import SquaredReLU

FFN_ACTIVATIONS = {
    "bert": ("intermediate.intermediate_act_fn",),
    "gpt2": ("mlp.act",),
    "llama": ("mlp.act_fn",),
    "mistral": ("mlp.act_fn",),
    "qwen2": ("mlp.act_fn",),
    "t5": ("DenseReluDense.act",),
    "vit": ("mlp.activation_fn",),
    "swin": ("mlp.activation_fn",),
    "distilbert": ("ffn.activation",),
}


def squared_relu(model, family):
    return replace_modules(model, ends_with(FFN_ACTIVATIONS[family]), lambda act: SquaredReLU())
