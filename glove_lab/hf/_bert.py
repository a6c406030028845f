"""BERT: post-norm encoder; its feed-forward is two classes (intermediate, output)."""

from transformers.models.bert import modeling_bert as bert

import glove_lab as gl

gl.tag(bert.BertEmbeddings, "embeddings")
gl.tag(bert.BertLayer, "block")
gl.tag(bert.BertAttention, "attention")
gl.tag(bert.BertIntermediate, "mlp")
gl.tag(bert.BertOutput, "mlp")
