"""Squared ReLU in place of every ReLU or GELU, in any model."""

from torch import nn

import glove_lab as gl
from exchange.inventions import SquaredReLU

gl.tag(SquaredReLU, "nonlinearity")  # so that later rules see it as an activation


@gl.rule("ideas.squared_relu",
         on=gl.Match(tag="nonlinearity", where=lambda act: isinstance(act, (nn.ReLU, nn.GELU))))
def squared_relu(act: nn.Module) -> SquaredReLU:
    """Replace a ReLU or GELU by relu(x) ** 2."""
    return SquaredReLU()
