"""ConvNeXt: blocks with layer scale and stochastic depth built in; a channels-first LayerNorm.

`ConvNextLayerNorm` is an `nn.LayerNorm` subclass (so already tagged
`normalization`) that permutes channels-first inputs: rules that replace
LayerNorms must leave it alone.
"""

from transformers.models.convnext import modeling_convnext as convnext

import glove_lab as gl

gl.tag(convnext.ConvNextEmbeddings, "embeddings")
gl.tag(convnext.ConvNextLayer, "block", "stochastic_depth")
gl.tag(convnext.ConvNextDropPath, "drop_path")
