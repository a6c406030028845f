"""T5: encoder-decoder; blocks hold self-attention, cross-attention and a feed-forward."""

from transformers.models.t5 import modeling_t5 as t5

import glove_lab as gl

gl.tag(t5.T5Block, "block")
gl.tag(t5.T5Attention, "attention")
gl.tag(t5.T5DenseActDense, "mlp")
gl.tag(t5.T5DenseGatedActDense, "mlp")
gl.tag(t5.T5LayerNorm, "normalization")
