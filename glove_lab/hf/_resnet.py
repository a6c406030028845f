"""ResNet: bottleneck or basic residual layers of conv-BatchNorm-ReLU units."""

from transformers.models.resnet import modeling_resnet as resnet

import glove_lab as gl

gl.tag(resnet.ResNetEmbeddings, "embeddings")
gl.tag(resnet.ResNetBasicLayer, "block")
gl.tag(resnet.ResNetBottleNeckLayer, "block")
