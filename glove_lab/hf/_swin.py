"""Swin: windowed attention; its blocks already have stochastic depth (`drop_path`)."""

from transformers.models.swin import modeling_swin as swin

import glove_lab as gl

gl.tag(swin.SwinEmbeddings, "embeddings")
gl.tag(swin.SwinLayer, "block", "stochastic_depth")
gl.tag(swin.SwinAttention, "attention")
gl.tag(swin.SwinMLP, "mlp")
gl.tag(swin.SwinDropPath, "drop_path")
