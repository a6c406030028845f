"""Mistral: Llama's layout under its own class names (one file per model)."""

from transformers.models.mistral import modeling_mistral as mistral

import glove_lab as gl

gl.tag(mistral.MistralDecoderLayer, "block")
gl.tag(mistral.MistralAttention, "attention")
gl.tag(mistral.MistralMLP, "mlp")
gl.tag(mistral.MistralRMSNorm, "normalization")
