"""LoRA on every attention projection, by hand: each family's projection names."""

from hf_exchange.by_hand.surgery import ends_with, replace_modules
from hf_exchange.inventions import LoRA

PROJECTIONS = {
    "bert": ("attention.self.query", "attention.self.key", "attention.self.value",
             "attention.output.dense"),
    "gpt2": ("attn.c_attn", "attn.c_proj"),
    "llama": ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj"),
    "mistral": ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj"),
    "qwen2": ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj"),
    "t5": ("SelfAttention.q", "SelfAttention.k", "SelfAttention.v", "SelfAttention.o",
           "EncDecAttention.q", "EncDecAttention.k", "EncDecAttention.v", "EncDecAttention.o"),
    "vit": ("attention.q_proj", "attention.k_proj", "attention.v_proj", "attention.o_proj"),
    "swin": ("attention.q_proj", "attention.k_proj", "attention.v_proj", "attention.o_proj"),
    "distilbert": ("attention.q_lin", "attention.k_lin", "attention.v_lin", "attention.out_lin"),
}


def lora(model, family, rank=4, alpha=8.0):
    return replace_modules(model, ends_with(PROJECTIONS[family]),
                           lambda dense: LoRA(dense, rank, alpha))
