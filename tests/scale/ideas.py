"""Ideas as rules in an importable module (what a team would publish)."""

from __future__ import annotations

from torch import nn

import glove_lab as gl
import glove_lab.torch


@gl.rule("scale_ideas.leaky_relu", on=gl.Match(type=nn.ReLU))
def leaky_relu(node: nn.ReLU, negative_slope: float = 0.1) -> nn.LeakyReLU:
    """ReLU -> LeakyReLU(negative_slope)."""
    return nn.LeakyReLU(negative_slope)


@gl.rule("scale_ideas.broken", on=gl.Match(tag="dense"))
def broken(node: nn.Linear) -> nn.Linear:
    """An idea with a bug: it raises on every dense layer."""
    raise ValueError(f"cannot handle a Linear with {node.in_features} inputs")
