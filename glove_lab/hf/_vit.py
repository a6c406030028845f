"""ViT: a pre-norm encoder over image patches."""

from transformers.models.vit import modeling_vit as vit

import glove_lab as gl

gl.tag(vit.ViTEmbeddings, "embeddings")
gl.tag(vit.ViTLayer, "block")
gl.tag(vit.ViTAttention, "attention")
gl.tag(vit.ViTMLP, "mlp")
