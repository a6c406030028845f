"""Copy of zoo_text.py with learning-rate warmup applied by hand.

Text team's model zoo: the classifiers next to `TextEncoder`, and their configs.

The post-norm, BERT-style encoder the team started with (kept to reproduce old results),
the same layers with attention pooling (the team's base-size model), a CNN baseline and a
GRU student distilled for serving. Plain PyTorch: nothing here knows about glove_lab. The
configs reuse the recipe types of `team_text`. Token 0 is padding.
"""

from __future__ import annotations

import torch
from torch import nn

from exchange.inventions import Warmup
from exchange.team_text import PAD, AdamW, LinearDecay, TextRecipe, TokenDropout


class Embeddings(nn.Module):
    """Token and position embeddings, then LayerNorm and dropout (as in BERT)."""

    def __init__(self, vocab_size: int, dim: int, max_len: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.tokens = nn.Embedding(vocab_size, dim, padding_idx=PAD)
        self.positions = nn.Embedding(max_len, dim)
        self.norm = nn.LayerNorm(dim)
        self.drop = nn.Dropout(dropout)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(ids.shape[1], device=ids.device)
        return self.drop(self.norm(self.tokens(ids) + self.positions(positions)))


class PostNormLayer(nn.Module):
    """BERT-style layer: attention and feed-forward sublayers, LayerNorm after each residual."""

    def __init__(self, dim: int, heads: int, ff_mult: int = 4, dropout: float = 0.1) -> None:
        super().__init__()
        self.attn = nn.MultiheadAttention(dim, heads, dropout=dropout, batch_first=True)
        self.norm1 = nn.LayerNorm(dim)
        self.ff = nn.Sequential(
            nn.Linear(dim, ff_mult * dim),
            nn.GELU(),
            nn.Linear(ff_mult * dim, dim),
        )
        self.norm2 = nn.LayerNorm(dim)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, padding: torch.Tensor) -> torch.Tensor:
        attended, _ = self.attn(x, x, x, key_padding_mask=padding, need_weights=False)
        x = self.norm1(x + self.drop(attended))
        return self.norm2(x + self.drop(self.ff(x)))


class EncoderV1(nn.Module):
    """The team's first encoder: post-norm layers, the first token through a tanh pooler."""

    def __init__(self, vocab_size: int = 100, dim: int = 32, heads: int = 4, depth: int = 2,
                 max_len: int = 16, num_classes: int = 4, dropout: float = 0.1) -> None:
        super().__init__()
        self.embed = Embeddings(vocab_size, dim, max_len, dropout)
        self.layers = nn.ModuleList(
            PostNormLayer(dim, heads, dropout=dropout) for _ in range(depth))
        self.pooler = nn.Sequential(nn.Linear(dim, dim), nn.Tanh())
        self.classifier = nn.Linear(dim, num_classes)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        padding = ids == PAD
        x = self.embed(ids)
        for layer in self.layers:
            x = layer(x, padding)
        return self.classifier(self.pooler(x[:, 0]))


class AttentionPool(nn.Module):
    """Learned attention pooling over the non-padding positions."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.score = nn.Sequential(nn.Linear(dim, dim), nn.Tanh(), nn.Linear(dim, 1))

    def forward(self, x: torch.Tensor, padding: torch.Tensor) -> torch.Tensor:
        x = self.norm(x)
        scores = self.score(x).squeeze(-1).masked_fill(padding, float("-inf"))
        return (scores.softmax(-1).unsqueeze(-1) * x).sum(1)


class AttentionPoolClassifier(nn.Module):
    """Post-norm layers, attention pooling and a two-layer head: the base-size model."""

    def __init__(self, vocab_size: int = 100, dim: int = 48, heads: int = 4, depth: int = 3,
                 max_len: int = 16, num_classes: int = 4, dropout: float = 0.1) -> None:
        super().__init__()
        self.embed = Embeddings(vocab_size, dim, max_len, dropout)
        self.layers = nn.ModuleList(
            PostNormLayer(dim, heads, dropout=dropout) for _ in range(depth))
        self.pool = AttentionPool(dim)
        self.head = nn.Sequential(nn.Linear(dim, dim), nn.GELU(), nn.Dropout(dropout),
                                  nn.Linear(dim, num_classes))

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        padding = ids == PAD
        x = self.embed(ids)
        for layer in self.layers:
            x = layer(x, padding)
        return self.head(self.pool(x, padding))


class ConvTextClassifier(nn.Module):
    """CNN baseline (Kim, 2014): 1-D convolutions of several widths, max over time."""

    def __init__(self, vocab_size: int = 100, dim: int = 32, channels: int = 32,
                 widths: tuple[int, ...] = (3, 5), num_classes: int = 4,
                 dropout: float = 0.3) -> None:
        super().__init__()
        self.tokens = nn.Embedding(vocab_size, dim, padding_idx=PAD)
        self.convs = nn.ModuleList(
            nn.Sequential(nn.Conv1d(dim, channels, w, padding=w // 2), nn.ReLU()) for w in widths)
        self.drop = nn.Dropout(dropout)
        self.classifier = nn.Linear(channels * len(widths), num_classes)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        x = self.tokens(ids).transpose(1, 2)
        pooled = [conv(x).amax(-1) for conv in self.convs]
        return self.classifier(self.drop(torch.cat(pooled, 1)))


class GRUStudent(nn.Module):
    """Student distilled for serving: a bidirectional GRU, mean pooling, a small head."""

    def __init__(self, vocab_size: int = 100, dim: int = 16, hidden: int = 16,
                 num_classes: int = 4) -> None:
        super().__init__()
        self.tokens = nn.Embedding(vocab_size, dim, padding_idx=PAD)
        self.gru = nn.GRU(dim, hidden, batch_first=True, bidirectional=True)
        self.norm = nn.LayerNorm(2 * hidden)
        self.head = nn.Sequential(nn.Linear(2 * hidden, hidden), nn.GELU(),
                                  nn.Linear(hidden, num_classes))

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        states, _ = self.gru(self.tokens(ids))
        keep = (ids != PAD).unsqueeze(-1).to(states.dtype)
        pooled = (self.norm(states) * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(pooled)


# -- experiment configs ----------------------------------------------------------------------


def finetune_recipe() -> TextRecipe:
    """The transformer classifiers (EncoderV1, AttentionPoolClassifier)."""
    return TextRecipe(
        augment=TokenDropout(p=0.1),
        optimizer=AdamW(lr=5e-4, weight_decay=0.01),
        schedule=Warmup(LinearDecay(total_steps=1000), steps=20),
        batch_size=32,
        steps=1000,
    )


def cnn_recipe() -> TextRecipe:
    """The CNN baseline: a higher learning rate, no weight decay, no label smoothing."""
    return TextRecipe(
        augment=TokenDropout(p=0.2),
        optimizer=AdamW(lr=3e-3, weight_decay=0.0),
        schedule=Warmup(LinearDecay(total_steps=500), steps=20),
        steps=500,
        label_smoothing=0.0,
    )


def distill_recipe() -> TextRecipe:
    """Distilling into GRUStudent: no token dropout, long schedule."""
    return TextRecipe(
        augment=TokenDropout(p=0.0),
        optimizer=AdamW(lr=2e-3, weight_decay=0.01),
        schedule=Warmup(LinearDecay(total_steps=2000), steps=20),
        batch_size=64,
        steps=2000,
    )


MODELS = {"v1": EncoderV1, "attention_pool": AttentionPoolClassifier,
          "cnn": ConvTextClassifier, "student": GRUStudent}
RECIPES = {"finetune": finetune_recipe, "cnn": cnn_recipe, "distill": distill_recipe}
