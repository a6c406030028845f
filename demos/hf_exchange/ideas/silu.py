"""SiLU in place of every GELU, torch's or any of transformers' GELU classes."""

from torch import nn

import glove_lab as gl


@gl.rule("hf_ideas.gelu_to_silu", on=gl.Match(tag="gelu"))
def gelu_to_silu(activation: nn.Module) -> nn.SiLU:
    """Replace a GELU (exact or approximate) by SiLU."""
    return nn.SiLU()
