"""Models and rules the browser tests load in their notebook kernel."""

from __future__ import annotations

from typing import Literal

import glove_lab as gl


@gl.symbolize(tags={"convolution"}, hyper=("kernel",))
class Conv:
    """A convolution."""

    def __init__(self, channels: int, kernel: int = 3):
        pass


@gl.symbolize(tags={"nonlinearity"})
class Act:
    """An activation."""

    def __init__(self, kind: str = "relu"):
        pass


@gl.symbolize
class Block:
    """Conv then activation."""

    def __init__(self, conv, act):
        pass


@gl.symbolize
class Net:
    """Blocks, and named parts."""

    def __init__(self, blocks, parts=None):
        pass


def small_net() -> Net:
    """Three blocks."""
    return Net([Block(Conv(8 * (i + 1)), Act()) for i in range(3)])


def hostile_net() -> Net:
    """A net whose keys and values carry markup that must stay text."""
    return Net([Block(Conv(4), Act("<script>window.__xss_value=1</script>"))],
               parts={"<img src=x onerror=window.__xss=1>": Conv(2)})


@gl.rule("e2e.widen", on=gl.Match(tag="convolution"))
def widen(node: Conv, factor: int = 2) -> Conv:
    """Multiply a convolution's channels."""
    return Conv(node.channels * factor, node.kernel)


@gl.rule("e2e.swap_act", on=gl.Match(type=Act))
def swap_act(node: Act, to: Literal["relu", "gelu", "silu"] = "gelu") -> Act:
    """Swap an activation."""
    return Act(to)
