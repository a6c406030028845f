"""Copy of zoo_tabular.py with RMSNorm applied by hand.

Tabular team's model zoo: the MLPs next to `TabularNet`, and the team's experiment configs.

The team's first model (batch norm, written out), a residual MLP, a wide-and-deep model
and a distilled student, in plain PyTorch. The configs are symbolic like the team's
default recipe: built from the symbolized functions of `team_tabular`, plus one more
schedule, symbolized here as the team does with every recipe function it adds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
from torch import nn

import glove_lab as gl
from exchange.team_tabular import TabularRecipe, adam, feature_dropout, gaussian_noise, step_decay


class TabularNetV1(nn.Module):
    """The team's first model: two hidden layers with batch norm, written out."""

    def __init__(self, num_features: int = 12, num_classes: int = 3, hidden: int = 32) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(num_features, hidden),
            nn.BatchNorm1d(hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden),
            nn.BatchNorm1d(hidden),
            nn.ReLU(),
            nn.Linear(hidden, num_classes),
        )

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.net(features)


class ResidualBlock(nn.Module):
    """Pre-norm residual block: LayerNorm, Linear, ReLU, Dropout, Linear, plus the input."""

    def __init__(self, dim: int, hidden: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.norm = nn.RMSNorm(dim)
        self.ff = nn.Sequential(nn.Linear(dim, hidden), nn.ReLU(), nn.Dropout(dropout),
                                nn.Linear(hidden, dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.ff(self.norm(x))


class ResidualMLP(nn.Module):
    """A residual MLP (Gorishniy et al., 2021): projection, blocks, normalized head."""

    def __init__(self, num_features: int = 12, num_classes: int = 3, dim: int = 32,
                 depth: int = 2, dropout: float = 0.1) -> None:
        super().__init__()
        self.embed = nn.Linear(num_features, dim)
        self.blocks = nn.Sequential(*(ResidualBlock(dim, 2 * dim, dropout) for _ in range(depth)))
        self.head = nn.Sequential(nn.RMSNorm(dim), nn.ReLU(), nn.Linear(dim, num_classes))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.head(self.blocks(self.embed(features)))


class WideAndDeep(nn.Module):
    """A linear model of the raw features plus an MLP; their logits are summed."""

    def __init__(self, num_features: int = 12, num_classes: int = 3,
                 hidden: Sequence[int] = (64, 32), dropout: float = 0.1) -> None:
        super().__init__()
        self.wide = nn.Linear(num_features, num_classes)
        layers: list[nn.Module] = []
        width = num_features
        for size in hidden:
            layers += [nn.Linear(width, size), nn.ReLU(), nn.Dropout(dropout)]
            width = size
        self.deep = nn.Sequential(*layers, nn.Linear(width, num_classes))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.wide(features) + self.deep(features)


class StudentMLP(nn.Module):
    """Student distilled for serving: one small hidden layer."""

    def __init__(self, num_features: int = 12, num_classes: int = 3, hidden: int = 16) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(num_features, hidden), nn.ReLU(),
                                 nn.Linear(hidden, num_classes))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.net(features)


# -- experiment configs ----------------------------------------------------------------------


@gl.symbolize(tags={"lr_schedule"})
def cosine_decay(total: int = 1000) -> Callable[[int], float]:
    return lambda step: 0.5 * (1.0 + math.cos(math.pi * min(step, total) / total))


def long_recipe() -> TabularRecipe:
    """Long runs for the residual MLP: cosine decay, more augmentation."""
    return TabularRecipe(
        augment=[gaussian_noise(std=0.1), feature_dropout(p=0.2)],
        optimizer=adam(lr=1e-3, weight_decay=1e-4),
        schedule=cosine_decay(total=1000),
        batch_size=128,
        steps=1000,
    )


def small_data_recipe() -> TabularRecipe:
    """Datasets with few rows: strong weight decay, a short schedule."""
    return TabularRecipe(
        augment=[gaussian_noise(std=0.1)],
        optimizer=adam(lr=3e-3, weight_decay=1e-3),
        schedule=step_decay(every=50, gamma=0.5),
        batch_size=32,
        steps=150,
    )


def distill_recipe() -> TabularRecipe:
    """Distilling into StudentMLP: no augmentation, a high learning rate decayed in steps."""
    return TabularRecipe(
        augment=[],
        optimizer=adam(lr=1e-2, weight_decay=0.0),
        schedule=step_decay(every=200, gamma=0.3),
        steps=600,
    )


MODELS = {"v1": TabularNetV1, "residual": ResidualMLP, "wide_deep": WideAndDeep,
          "student": StudentMLP}
RECIPES = {"long": long_recipe, "small_data": small_data_recipe, "distill": distill_recipe}
