"""LoRA on every attention projection, in any model whose attention modules are tagged."""

import glove_lab as gl
from hf_exchange.inventions import LoRA


@gl.rule("hf_ideas.lora", on=gl.Match(tag="attention"))
def lora(attention: object, rank: int = 4, alpha: float = 8.0) -> object:
    """Add a zero-initialised low-rank update to each dense layer of an attention module."""
    for path, dense in gl.query(attention, tag="dense").items():
        attention = gl.replace(attention, path, LoRA(dense, rank, alpha))
    return attention
