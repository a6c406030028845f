"""Qwen2: Llama's layout (with query/key/value biases) under its own class names."""

from transformers.models.qwen2 import modeling_qwen2 as qwen2

import glove_lab as gl

gl.tag(qwen2.Qwen2DecoderLayer, "block")
gl.tag(qwen2.Qwen2Attention, "attention")
gl.tag(qwen2.Qwen2MLP, "mlp")
gl.tag(qwen2.Qwen2RMSNorm, "normalization")
