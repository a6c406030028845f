"""Copy of team_tabular.py with learning-rate warmup applied by hand.

Tabular team: an MLP for tabular features and a symbolic training recipe.

This team adopted glove_lab early: its recipe is a tree of symbolized functions
(deferred calls) and one symbolic class, so sweeps and recipe rules work on it
directly. Its `@gl.symbolize` lines are its whole annotation.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence

import torch
import torch.nn.functional as F
from torch import nn

import glove_lab as gl
from exchange.inventions import Warmup

Augmentation = Callable[[torch.Tensor, torch.Generator], torch.Tensor]
OptimizerFactory = Callable[[Iterable[nn.Parameter]], torch.optim.Optimizer]


class TabularNet(nn.Module):
    """Linear-LayerNorm-ReLU-Dropout per hidden layer, then a linear classifier."""

    def __init__(self, num_features: int = 12, num_classes: int = 3,
                 hidden: Sequence[int] = (64, 64), dropout: float = 0.1) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        width = num_features
        for size in hidden:
            layers += [nn.Linear(width, size), nn.LayerNorm(size), nn.ReLU(), nn.Dropout(dropout)]
            width = size
        layers.append(nn.Linear(width, num_classes))
        self.mlp = nn.Sequential(*layers)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.mlp(features)


# -- training recipe -------------------------------------------------------------------------


@gl.symbolize(tags={"augmentation"})
def gaussian_noise(std: float = 0.05) -> Augmentation:
    def augment(x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        return x + std * torch.randn(x.shape, generator=generator)

    return augment


@gl.symbolize(tags={"augmentation"})
def feature_dropout(p: float = 0.1) -> Augmentation:
    def augment(x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        return x * (torch.rand(x.shape, generator=generator) >= p).to(x.dtype)

    return augment


@gl.symbolize(tags={"optimizer"})
def adam(lr: float = 3e-3, weight_decay: float = 1e-5) -> OptimizerFactory:
    return functools.partial(torch.optim.Adam, lr=lr, weight_decay=weight_decay)


@gl.symbolize(tags={"lr_schedule"})
def step_decay(every: int = 100, gamma: float = 0.5) -> Callable[[int], float]:
    return lambda step: gamma ** (step // every)


@gl.symbolize
class TabularRecipe:
    """Augmentations, optimizer, schedule and loop settings (a symbolic tree)."""

    def __init__(self, augment: list[Augmentation], optimizer: OptimizerFactory,
                 schedule: Callable[[int], float], batch_size: int = 64, steps: int = 300,
                 seed: int = 0) -> None:
        self.augment, self.optimizer, self.schedule = augment, optimizer, schedule
        self.batch_size, self.steps, self.seed = batch_size, steps, seed


def default_recipe() -> TabularRecipe:
    return TabularRecipe(
        augment=[gaussian_noise(std=0.05), feature_dropout(p=0.1)],
        optimizer=adam(lr=3e-3, weight_decay=1e-5),
        schedule=Warmup(step_decay(every=100, gamma=0.5), steps=20),
    )


def train(model: nn.Module, recipe: TabularRecipe, features: torch.Tensor,
          labels: torch.Tensor, steps: int | None = None) -> list[float]:
    """Train `model` in place following `recipe`; returns the loss of every step."""
    recipe = gl.build(recipe)  # evaluate the deferred calls: real augmentations, optimizer
    generator = torch.Generator().manual_seed(recipe.seed)
    optimizer = recipe.optimizer(model.parameters())
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, recipe.schedule)
    model.train()
    losses = []
    for _ in range(recipe.steps if steps is None else steps):
        batch = torch.randint(len(features), (recipe.batch_size,), generator=generator)
        x = features[batch]
        for augment in recipe.augment:
            x = augment(x, generator)
        loss = F.cross_entropy(model(x), labels[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
    return losses
