"""Llama: pre-norm decoder with RMSNorm, a gated (SwiGLU) feed-forward and rotary positions."""

from transformers.models.llama import modeling_llama as llama

import glove_lab as gl

gl.tag(llama.LlamaDecoderLayer, "block")
gl.tag(llama.LlamaAttention, "attention")
gl.tag(llama.LlamaMLP, "mlp")
gl.tag(llama.LlamaRMSNorm, "normalization")
