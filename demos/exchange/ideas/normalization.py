"""RMSNorm (Zhang & Sennrich, 2019) in place of every LayerNorm: no centring, no bias."""

from torch import nn

import glove_lab as gl


@gl.rule("ideas.rms_norm",
         on=gl.Match(tag="normalization", where=lambda norm: isinstance(norm, nn.LayerNorm)))
def rms_norm(norm: nn.LayerNorm) -> nn.RMSNorm:
    """Replace a LayerNorm by an RMSNorm over the same trailing shape."""
    return nn.RMSNorm(norm.normalized_shape, elementwise_affine=norm.elementwise_affine)
