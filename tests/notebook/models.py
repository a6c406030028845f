"""A small annotated model and rules for the notebook-layer tests."""

from __future__ import annotations

from typing import Literal

import glove_lab as gl


@gl.symbolize(tags={"convolution"}, hyper=("kernel",))
class Conv:
    """A convolution."""

    def __init__(self, channels: int, kernel: int = 3):
        if kernel < 1:
            raise ValueError("kernel must be positive")


@gl.symbolize(tags={"nonlinearity"})
class Act:
    """An activation."""

    def __init__(self, kind: str = "relu"):
        pass


@gl.symbolize
class Block:
    """A conv followed by an activation."""

    def __init__(self, conv, act):
        pass


@gl.symbolize
class Net:
    """Blocks in a row."""

    def __init__(self, blocks, head: str = "linear"):
        pass


def small_net(n: int = 3) -> Net:
    """A net of `n` blocks."""
    return Net([Block(Conv(8 * (i + 1)), Act()) for i in range(n)])


@gl.rule("nbtest.widen", on=gl.Match(tag="convolution"))
def widen(node: Conv, factor: int = 2) -> Conv:
    """Multiply the channels of a convolution."""
    return Conv(node.channels * factor, node.kernel)


@gl.rule("nbtest.swap_act", on=gl.Match(type=Act))
def swap_act(node: Act, to: Literal["relu", "gelu", "silu"] = "gelu") -> Act:
    """Swap an activation."""
    return Act(to)


@gl.rule("nbtest.explode", on=gl.Match(type=Act))
def explode(node: Act) -> Act:
    """A rule that always fails."""
    raise RuntimeError("boom")
