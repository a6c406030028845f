"""PyGlove fixtures at module level, so code and exported sessions can import them back."""

from __future__ import annotations

from typing import Any

import pyglove as pg
from torch import nn

import glove_lab as gl
import glove_lab.pyglove
import glove_lab.torch


class Layer(pg.Object):
    """A layer with a width and an activation name."""

    units: int
    act: str = "relu"


class Block(pg.Object):
    """Layers and a regularizer."""

    layers: list
    dropout: Any = None
    options: dict = {}


class Net(pg.Object):
    """The root: blocks and a learning rate."""

    blocks: list
    lr: float = 0.1


@pg.functor
def schedule(base: float, warmup: int = 0) -> float:
    """A learning-rate schedule (a PyGlove functor)."""
    return base * (warmup + 1)


Dropout = pg.symbolize(nn.Dropout)
"""torch's Dropout made symbolic by PyGlove (its init arguments are recorded)."""

gl.tag(Layer, "layer")


@pg.patcher([("units", pg.typing.Int(min_value=1))])
def widen(net, units=16):
    """Set the width of every layer of every block."""
    return {f"blocks[{b}].layers[{i}].units": units
            for b, block in enumerate(net.blocks) for i in range(len(block.layers))}


@pg.patcher([("act", pg.typing.Enum("gelu", ["gelu", "relu", "silu"]))])
def activation(net, act="gelu"):
    """Set every `act` field, found with a rebind function."""
    def rebinder(key_path, value, parent):
        if key_path and key_path.key == "act" and isinstance(value, str):
            return act
        return value
    return rebinder


@pg.patcher()
def edits_in_place(net):
    """A patcher that rebinds its target itself: glove_lab refuses to wrap that."""
    net.rebind({"lr": 9.0})
    return {}


@pg.patcher([("lr", pg.typing.Float(min_value=0.0))])
def checked_lr(net, lr=0.1):
    """Set the learning rate, with a validator that rejects more than 1."""
    def validate(result):
        if result.lr > 1.0:
            raise ValueError(f"lr {result.lr} is too large")
    return {"lr": lr}, validate


def make_net() -> Net:
    """A small PyGlove model: two blocks, a symbolized torch Dropout, a pg.Dict."""
    return Net([
        Block([Layer(8), Layer(16, act="gelu")], dropout=Dropout(p=0.1), options={"norm": "batch"}),
        Block([Layer(32)], dropout=Dropout(p=0.2)),
    ], lr=0.1)
