"""The four ideas as ordinary library code: what an inventor would publish anyway.

Teams that patch by hand import these; the rules in `exchange.ideas` use them too,
so this file counts on neither side of the exchange table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

__all__ = ["GhostConv", "SquaredReLU", "Warmup"]


class GhostConv(nn.Module):
    """GhostNet's ghost module (Han et al., CVPR 2020), a drop-in for a KxK `nn.Conv2d`.

    Half of the output channels come from a full convolution, the other half from a
    cheap depthwise 3x3 convolution of those: about half the multiply-adds and
    parameters of the convolution it replaces, same output shape.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 3,
                 stride: int = 1, padding: int = 1, bias: bool = False) -> None:
        super().__init__()
        if out_channels % 2:
            raise ValueError(f"GhostConv needs an even number of output channels, "
                             f"got {out_channels}")
        half = out_channels // 2
        self.primary = nn.Conv2d(in_channels, half, kernel_size, stride=stride,
                                 padding=padding, bias=bias)
        self.cheap = nn.Conv2d(half, half, 3, padding=1, groups=half, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        primary = self.primary(x)
        return torch.cat([primary, self.cheap(primary)], dim=1)


class SquaredReLU(nn.Module):
    """`relu(x) ** 2`, the activation Primer found (So et al., NeurIPS 2021)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x).square()


@dataclass(frozen=True)
class Warmup:
    """Linear learning-rate warmup (Goyal et al., 2017) in front of any schedule.

    Like the schedules it wraps, a `LambdaLR` multiplier: `step -> factor`.
    """

    schedule: Callable[[int], float]
    steps: int = 20

    def __call__(self, step: int) -> float:
        return min(1.0, (step + 1) / self.steps) * self.schedule(step)
