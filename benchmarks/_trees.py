"""The benchmark trees, built the same way for glove_lab, PyGlove and Fiddle.

A Net of `blocks` Blocks, each with 12 scalar hyperparameters and a list of
2 Layers of 4 fields: about 24 nodes per block, 12,000 for 500 blocks.
"""

from __future__ import annotations

from typing import Any

import glove_lab as gl

HYPER = ("width", "depth", "kernel", "stride", "groups", "dilation", "dropout", "momentum",
         "eps", "activation", "norm", "residual")


def _hyper_values(i: int) -> dict[str, Any]:
    return {"width": 64 + i % 7, "depth": 2, "kernel": 3, "stride": 1 + i % 2, "groups": 1,
            "dilation": 1, "dropout": 0.1, "momentum": 0.9, "eps": 1e-5,
            "activation": "relu", "norm": "batch", "residual": True}


@gl.symbolize(tags={"layer"})
class Layer:
    """A layer with four fields."""

    def __init__(self, units: int, act: str, bias: bool, scale: float):
        pass


@gl.symbolize(tags={"block"})
class Block:
    """A block: 12 hyperparameters and two layers."""

    def __init__(self, layers, width, depth, kernel, stride, groups, dilation, dropout,
                 momentum, eps, activation, norm, residual):
        pass


@gl.symbolize
class Net:
    """The root: a list of blocks."""

    def __init__(self, blocks):
        pass


def glove_tree(blocks: int = 500) -> Any:
    """The glove_lab tree."""
    return Net([Block([Layer(32, "relu", True, 1.0), Layer(64, "gelu", False, 0.5)],
                      **_hyper_values(i)) for i in range(blocks)])


def pyglove_classes() -> tuple[type, type, type]:
    """PyGlove versions of Layer, Block and Net (pg.Object subclasses)."""
    import pyglove as pg

    class PgLayer(pg.Object):
        units: int
        act: str
        bias: bool
        scale: float

    class PgBlock(pg.Object):
        layers: list
        width: int
        depth: int
        kernel: int
        stride: int
        groups: int
        dilation: int
        dropout: float
        momentum: float
        eps: float
        activation: str
        norm: str
        residual: bool

    class PgNet(pg.Object):
        blocks: list

    return PgLayer, PgBlock, PgNet


def pyglove_tree(classes: tuple[type, type, type], blocks: int = 500) -> Any:
    """The same tree as PyGlove objects."""
    PgLayer, PgBlock, PgNet = classes
    return PgNet([PgBlock([PgLayer(32, "relu", True, 1.0), PgLayer(64, "gelu", False, 0.5)],
                          **_hyper_values(i)) for i in range(blocks)])


def fiddle_tree(blocks: int = 500) -> Any:
    """The same tree as a Fiddle config of the plain classes."""
    import fiddle as fdl

    return fdl.Config(_PlainNet, blocks=[
        fdl.Config(_PlainBlock,
                   layers=[fdl.Config(_PlainLayer, 32, "relu", True, 1.0),
                           fdl.Config(_PlainLayer, 64, "gelu", False, 0.5)],
                   **_hyper_values(i)) for i in range(blocks)])


class _PlainLayer:
    def __init__(self, units, act, bias, scale):
        self.units, self.act, self.bias, self.scale = units, act, bias, scale


class _PlainBlock:
    def __init__(self, layers, width, depth, kernel, stride, groups, dilation, dropout,
                 momentum, eps, activation, norm, residual):
        self.layers = layers


class _PlainNet:
    def __init__(self, blocks):
        self.blocks = blocks
