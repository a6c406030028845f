"""Layer scale on both residual branches of every transformer block."""

import glove_lab as gl
from glove_lab.hf import residual_branch_ends
from hf_exchange.inventions import LayerScale


@gl.rule("hf_ideas.layer_scale",
         on=gl.Match(tag="block", where=lambda block: bool(residual_branch_ends(block))))
def layer_scale(block: object, init: float = 1.0) -> object:
    """Scale the output of each residual branch of a block by a learnt per-channel factor."""
    for path in residual_branch_ends(block):
        block = gl.replace(block, path, LayerScale(gl.get(block, path), init))
    return block
