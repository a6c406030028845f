"""Ghost convolutions for any CNN: every full KxK `Conv2d` becomes a `GhostConv`."""

from torch import nn

import glove_lab as gl
from exchange.inventions import GhostConv


def _full_conv(conv: nn.Module) -> bool:
    return isinstance(conv, nn.Conv2d) and conv.groups == 1 and conv.kernel_size != (1, 1)


@gl.rule("ideas.ghost_conv", on=gl.Match(tag="convolution", where=_full_conv))
def ghost_conv(conv: nn.Conv2d) -> GhostConv:
    """Replace a full KxK convolution by a ghost module with the same output shape."""
    return GhostConv(conv.in_channels, conv.out_channels, conv.kernel_size[0],
                     stride=conv.stride[0], padding=conv.padding[0], bias=conv.bias is not None)
