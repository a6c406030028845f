"""MobileNetV2: inverted residual blocks of conv-BatchNorm-ReLU6 units."""

from transformers.models.mobilenet_v2 import modeling_mobilenet_v2 as mobilenet_v2

import glove_lab as gl

gl.tag(mobilenet_v2.MobileNetV2Stem, "embeddings")
gl.tag(mobilenet_v2.MobileNetV2InvertedResidual, "block")
