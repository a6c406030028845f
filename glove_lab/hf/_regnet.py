"""RegNet: X and Y (squeeze-and-excitation) residual layers of conv-BatchNorm-ReLU units."""

from transformers.models.regnet import modeling_regnet as regnet

import glove_lab as gl

gl.tag(regnet.RegNetEmbeddings, "embeddings")
gl.tag(regnet.RegNetXLayer, "block")
gl.tag(regnet.RegNetYLayer, "block")
