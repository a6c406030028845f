"""RMSNorm (Zhang & Sennrich, 2019) in place of every standard LayerNorm."""

from torch import nn

import glove_lab as gl


# Exactly nn.LayerNorm: a subclass (ConvNeXt's channels-first norm) does more than normalize.
@gl.rule("hf_ideas.rms_norm",
         on=gl.Match(tag="normalization", where=lambda norm: type(norm) is nn.LayerNorm))
def rms_norm(norm: nn.LayerNorm) -> nn.RMSNorm:
    """Replace a LayerNorm by an RMSNorm over the same shape, with the same epsilon."""
    return nn.RMSNorm(norm.normalized_shape, eps=norm.eps,
                      elementwise_affine=norm.elementwise_affine)
