"""The ideas as ordinary library code: both the rules and the hand patches import these."""

from __future__ import annotations

import torch
from torch import nn


def dense_sizes(dense: nn.Module) -> tuple[int, int]:
    """(in, out) features of a dense layer: an `nn.Linear` or GPT-2's `Conv1D` (weight in x out)."""
    if isinstance(dense, nn.Linear):
        return dense.in_features, dense.out_features
    return dense.weight.shape[0], dense.weight.shape[1]


class _Wrapper(nn.Module):
    """Wraps a dense layer, in its train/eval mode; exposes its weight and bias (T5 reads them)."""

    def wrap(self, base: nn.Module) -> None:
        self.base = base
        self.train(base.training)

    @property
    def weight(self) -> torch.Tensor:
        return self.base.weight

    @property
    def bias(self) -> torch.Tensor | None:
        return self.base.bias


class LoRA(_Wrapper):
    """LoRA (Hu et al., 2021): `base(x) + alpha / rank * B(A(x))`, B zero so it starts as `base`."""

    def __init__(self, base: nn.Module, rank: int = 4, alpha: float = 8.0) -> None:
        super().__init__()
        in_features, out_features = dense_sizes(base)
        self.rank, self.alpha = rank, alpha
        self.lora_a = nn.Linear(in_features, rank, bias=False)
        self.lora_b = nn.Linear(rank, out_features, bias=False)
        nn.init.zeros_(self.lora_b.weight)
        self.wrap(base)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + self.lora_b(self.lora_a(x)) * (self.alpha / self.rank)

    def extra_repr(self) -> str:
        return f"rank={self.rank}, alpha={self.alpha}"


class LayerScale(_Wrapper):
    """Layer scale (Touvron et al., 2021): a branch's output times a learnt per-channel scale."""

    def __init__(self, base: nn.Module, init: float = 1.0) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.full((dense_sizes(base)[1],), init))
        self.wrap(base)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) * self.scale


class DropPath(_Wrapper):
    """Stochastic depth (Huang et al., 2016): in training, drop a branch's output per sample."""

    def __init__(self, base: nn.Module, p: float = 0.1) -> None:
        super().__init__()
        self.p = p
        self.wrap(base)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.base(x)
        if not self.training or self.p == 0.0:
            return out
        keep = torch.rand((out.shape[0],) + (1,) * (out.dim() - 1), device=out.device) >= self.p
        return out * keep / (1.0 - self.p)

    def extra_repr(self) -> str:
        return f"p={self.p}"


class SquaredReLU(nn.Module):
    """Squared ReLU (So et al., 2021, "Primer"): relu(x) ** 2."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x) ** 2
