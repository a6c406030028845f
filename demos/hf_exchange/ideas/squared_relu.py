"""Squared ReLU as the activation of every feed-forward network (Primer)."""

import glove_lab as gl
from hf_exchange.inventions import SquaredReLU


@gl.rule("hf_ideas.squared_relu",
         on=gl.Match(tag="mlp", where=lambda mlp: bool(gl.query(mlp, tag="nonlinearity"))))
def squared_relu(mlp: object) -> object:
    """Replace each activation inside a feed-forward module by relu(x) ** 2."""
    for path in gl.query(mlp, tag="nonlinearity"):
        mlp = gl.replace(mlp, path, SquaredReLU())
    return mlp
