"""DistilBERT: a post-norm encoder with its own class names (q_lin, ffn.lin2, ...)."""

from transformers.models.distilbert import modeling_distilbert as distilbert

import glove_lab as gl

gl.tag(distilbert.Embeddings, "embeddings")
gl.tag(distilbert.TransformerBlock, "block")
gl.tag(distilbert.DistilBertSelfAttention, "attention")
gl.tag(distilbert.FFN, "mlp")
