"""GPT-2: pre-norm decoder; fused query/key/value and every linear layer a `Conv1D`."""

from transformers.models.gpt2 import modeling_gpt2 as gpt2

import glove_lab as gl

gl.tag(gpt2.GPT2Block, "block")
gl.tag(gpt2.GPT2Attention, "attention")
gl.tag(gpt2.GPT2MLP, "mlp")
