"""Stochastic depth on the residual branches of every block that does not have it yet."""

import glove_lab as gl
from glove_lab.hf import residual_branch_ends
from hf_exchange.inventions import DropPath


def _without_drop_path(block: object) -> bool:
    return "stochastic_depth" not in gl.tags_of(block) and bool(residual_branch_ends(block))


@gl.rule("hf_ideas.drop_path", on=gl.Match(tag="block", where=_without_drop_path))
def drop_path(block: object, p: float = 0.1) -> object:
    """In training, drop each residual branch's output per sample with probability `p`."""
    for path in residual_branch_ends(block):
        block = gl.replace(block, path, DropPath(gl.get(block, path), p))
    return block
