"""Copy of team_text.py with learning-rate warmup applied by hand.

Text team: a small pre-norm transformer encoder for sequence classification.

Plain PyTorch: nothing here knows about glove_lab. Token 0 is padding, 1 is unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from exchange.inventions import Warmup

PAD, UNK = 0, 1


class EncoderLayer(nn.Module):
    """Pre-norm self-attention and feed-forward sublayers, each with a residual."""

    def __init__(self, dim: int, heads: int, ff_mult: int = 4, dropout: float = 0.1) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = nn.MultiheadAttention(dim, heads, dropout=dropout, batch_first=True)
        self.norm2 = nn.LayerNorm(dim)
        self.ff = nn.Sequential(
            nn.Linear(dim, ff_mult * dim),
            nn.GELU(),
            nn.Dropout(dropout),
            nn.Linear(ff_mult * dim, dim),
        )
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, padding: torch.Tensor) -> torch.Tensor:
        h = self.norm1(x)
        attended, _ = self.attn(h, h, h, key_padding_mask=padding, need_weights=False)
        x = x + self.drop(attended)
        return x + self.drop(self.ff(self.norm2(x)))


class TextEncoder(nn.Module):
    """Token + position embeddings, `depth` encoder layers, mean-pooled classifier."""

    def __init__(self, vocab_size: int = 100, dim: int = 32, heads: int = 4, depth: int = 2,
                 max_len: int = 16, num_classes: int = 4, dropout: float = 0.1) -> None:
        super().__init__()
        self.tokens = nn.Embedding(vocab_size, dim, padding_idx=PAD)
        self.positions = nn.Embedding(max_len, dim)
        self.layers = nn.ModuleList(
            EncoderLayer(dim, heads, dropout=dropout) for _ in range(depth))
        self.norm = nn.LayerNorm(dim)
        self.classifier = nn.Linear(dim, num_classes)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        padding = ids == PAD
        positions = torch.arange(ids.shape[1], device=ids.device)
        x = self.tokens(ids) + self.positions(positions)
        for layer in self.layers:
            x = layer(x, padding)
        x = self.norm(x)
        keep = (~padding).unsqueeze(-1).to(x.dtype)
        pooled = (x * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.classifier(pooled)


# -- training recipe -------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenDropout:
    """Replace each non-padding token by UNK with probability `p`."""

    p: float = 0.1

    def __call__(self, ids: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        drop = (torch.rand(ids.shape, generator=generator) < self.p) & (ids != PAD)
        return ids.masked_fill(drop, UNK)


@dataclass(frozen=True)
class AdamW:
    """AdamW; called with the parameters, returns the torch optimizer."""

    lr: float = 1e-3
    weight_decay: float = 0.01

    def __call__(self, params: Iterable[nn.Parameter]) -> torch.optim.Optimizer:
        return torch.optim.AdamW(params, lr=self.lr, weight_decay=self.weight_decay)


@dataclass(frozen=True)
class LinearDecay:
    """Linear decay to zero over `total_steps`, as a LambdaLR multiplier."""

    total_steps: int = 300

    def __call__(self, step: int) -> float:
        return max(0.0, 1.0 - step / self.total_steps)


@dataclass(frozen=True)
class TextRecipe:
    """Augmentation, optimizer, schedule and loop settings."""

    augment: TokenDropout
    optimizer: Callable[[Iterable[nn.Parameter]], torch.optim.Optimizer]
    schedule: Callable[[int], float]
    batch_size: int = 16
    steps: int = 300
    label_smoothing: float = 0.1
    seed: int = 0


def default_recipe() -> TextRecipe:
    return TextRecipe(
        augment=TokenDropout(p=0.1),
        optimizer=AdamW(lr=1e-3, weight_decay=0.01),
        schedule=Warmup(LinearDecay(total_steps=300), steps=20),
    )


def train(model: nn.Module, recipe: TextRecipe, ids: torch.Tensor, labels: torch.Tensor,
          steps: int | None = None) -> list[float]:
    """Train `model` in place following `recipe`; returns the loss of every step."""
    generator = torch.Generator().manual_seed(recipe.seed)
    optimizer = recipe.optimizer(model.parameters())
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, recipe.schedule)
    model.train()
    losses = []
    for _ in range(recipe.steps if steps is None else steps):
        batch = torch.randint(len(ids), (recipe.batch_size,), generator=generator)
        logits = model(recipe.augment(ids[batch], generator))
        loss = F.cross_entropy(logits, labels[batch], label_smoothing=recipe.label_smoothing)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
    return losses
