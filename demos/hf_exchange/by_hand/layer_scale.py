"""Layer scale on both residual branches of every block, by hand: each family's branch ends."""

from hf_exchange.by_hand.surgery import ends_with, replace_modules
from hf_exchange.inventions import LayerScale

BRANCH_ENDS = {
    "bert": ("output.dense",),
    "gpt2": ("attn.c_proj", "mlp.c_proj"),
    "llama": ("self_attn.o_proj", "mlp.down_proj"),
    "mistral": ("self_attn.o_proj", "mlp.down_proj"),
    "qwen2": ("self_attn.o_proj", "mlp.down_proj"),
    "t5": ("SelfAttention.o", "EncDecAttention.o", "DenseReluDense.wo"),
    "vit": ("attention.o_proj", "mlp.fc2"),
    "swin": ("attention.o_proj", "mlp.fc2"),
    "distilbert": ("attention.out_lin", "ffn.lin2"),
}


def layer_scale(model, family, init=1.0):
    return replace_modules(model, ends_with(BRANCH_ENDS[family]),
                           lambda dense: LayerScale(dense, init))
