"""Small real models the torch tests patch: a CNN, a tabular MLP, a text encoder, ResNet-50.

None of them was written with glove_lab in mind: plain `nn.Module` code.
"""

from __future__ import annotations

import torch
from torch import nn

from benchmarks._torch_models import Bottleneck, ResNet, resnet50_like

__all__ = ["Bottleneck", "EncoderBlock", "ResNet", "SmallCNN", "TextEncoder", "resnet50_like",
           "tabular_mlp", "train_steps"]


class SmallCNN(nn.Module):
    """Two conv stages with BatchNorm and ReLU, global pooling, a linear head."""

    def __init__(self, classes: int = 4) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(32, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(torch.flatten(self.pool(self.features(x)), 1))


def tabular_mlp(features: int = 10, hidden: int = 32, outputs: int = 1) -> nn.Sequential:
    """An MLP for tabular data: Linear, BatchNorm1d, ReLU, Dropout, twice, then a head."""
    return nn.Sequential(
        nn.Linear(features, hidden), nn.BatchNorm1d(hidden), nn.ReLU(), nn.Dropout(0.1),
        nn.Linear(hidden, hidden), nn.BatchNorm1d(hidden), nn.ReLU(),
        nn.Linear(hidden, outputs),
    )


class EncoderBlock(nn.Module):
    """Pre-norm transformer block: self-attention and a GELU feed-forward, both residual."""

    def __init__(self, dim: int, heads: int, hidden: int) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.norm2 = nn.LayerNorm(dim)
        self.ffn = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.norm1(x)
        x = x + self.attn(h, h, h, need_weights=False)[0]
        return x + self.ffn(self.norm2(x))


class TextEncoder(nn.Module):
    """Token embedding, two encoder blocks, mean pooling, a classifier."""

    def __init__(self, vocab: int = 50, dim: int = 16, heads: int = 2, classes: int = 3) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, dim, padding_idx=0)
        self.blocks = nn.ModuleList([EncoderBlock(dim, heads, 4 * dim) for _ in range(2)])
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        x = self.embed(tokens)
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x).mean(dim=1))


def train_steps(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor,
                steps: int = 3, lr: float = 0.05) -> float:
    """A few SGD steps of cross-entropy (or MSE for one output); returns the last loss."""
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    model.train()
    loss = torch.tensor(0.0)
    for _ in range(steps):
        optimizer.zero_grad()
        out = model(inputs)
        if out.shape[-1] == 1:
            loss = nn.functional.mse_loss(out.squeeze(-1), targets.float())
        else:
            loss = nn.functional.cross_entropy(out, targets)
        loss.backward()
        optimizer.step()
    return float(loss.detach())
