"""GroupNorm (Wu & He, 2018) in place of every 2-D BatchNorm: no dependence on the batch."""

import math

from torch import nn

import glove_lab as gl


# Exactly BatchNorm2d: a subclass may do more (timm's BatchNormAct2d also activates).
@gl.rule("hf_ideas.group_norm",
         on=gl.Match(tag="normalization", where=lambda norm: type(norm) is nn.BatchNorm2d))
def group_norm(norm: nn.BatchNorm2d, groups: int = 32) -> nn.GroupNorm:
    """Replace a BatchNorm2d by a GroupNorm of gcd(channels, groups) groups, same epsilon."""
    channels = norm.num_features
    return nn.GroupNorm(math.gcd(channels, groups), channels, eps=norm.eps, affine=norm.affine)
