"""Copy of team_vision.py with squared ReLU applied by hand.

Vision team: a small VGG-style CNN for 3x16x16 images (10 classes) and its recipe.

Plain PyTorch: nothing here knows about glove_lab.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from exchange.inventions import SquaredReLU

Augmentation = Callable[[torch.Tensor, torch.Generator], torch.Tensor]


class VisionNet(nn.Module):
    """Two stages of (conv-bn-relu) x 2 + max-pool, then an MLP classifier."""

    def __init__(self, num_classes: int = 10, width: int = 16) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, width, 3, padding=1, bias=False),
            nn.BatchNorm2d(width),
            SquaredReLU(),
            nn.Conv2d(width, width, 3, padding=1, bias=False),
            nn.BatchNorm2d(width),
            SquaredReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(width, 2 * width, 3, padding=1, bias=False),
            nn.BatchNorm2d(2 * width),
            SquaredReLU(),
            nn.Conv2d(2 * width, 2 * width, 3, padding=1, bias=False),
            nn.BatchNorm2d(2 * width),
            SquaredReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(2 * width * 4 * 4, 64),
            SquaredReLU(),
            nn.Dropout(0.2),
            nn.Linear(64, num_classes),
        )

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(images))


# -- training recipe -------------------------------------------------------------------------


@dataclass(frozen=True)
class RandomFlip:
    """Flip each image left-right with probability `p`."""

    p: float = 0.5

    def __call__(self, images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        flip = torch.rand(len(images), generator=generator) < self.p
        return torch.where(flip[:, None, None, None], images.flip(-1), images)


@dataclass(frozen=True)
class RandomShift:
    """Shift the batch by up to `pixels` in each direction (zero fill): a cheap random crop."""

    pixels: int = 2

    def __call__(self, images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        span = 2 * self.pixels + 1
        dx, dy = torch.randint(span, (2,), generator=generator).tolist()
        padded = F.pad(images, [self.pixels] * 4)
        height, width = images.shape[-2:]
        return padded[..., dy:dy + height, dx:dx + width]


@dataclass(frozen=True)
class SGD:
    """Nesterov SGD; called with the parameters, returns the torch optimizer."""

    lr: float = 0.05
    momentum: float = 0.9
    weight_decay: float = 5e-4

    def __call__(self, params: Iterable[nn.Parameter]) -> torch.optim.Optimizer:
        return torch.optim.SGD(params, lr=self.lr, momentum=self.momentum,
                               weight_decay=self.weight_decay, nesterov=True)


@dataclass(frozen=True)
class CosineSchedule:
    """Cosine decay to zero over `total_steps`, as a LambdaLR multiplier."""

    total_steps: int = 200

    def __call__(self, step: int) -> float:
        progress = min(step, self.total_steps) / self.total_steps
        return 0.5 * (1.0 + math.cos(math.pi * progress))


@dataclass(frozen=True)
class Recipe:
    """Everything about training except the model and the data."""

    augment: tuple[Augmentation, ...]
    optimizer: Callable[[Iterable[nn.Parameter]], torch.optim.Optimizer]
    schedule: Callable[[int], float]
    batch_size: int = 32
    steps: int = 200
    seed: int = 0


def default_recipe() -> Recipe:
    return Recipe(
        augment=(RandomFlip(p=0.5), RandomShift(pixels=2)),
        optimizer=SGD(lr=0.05, momentum=0.9, weight_decay=5e-4),
        schedule=CosineSchedule(total_steps=200),
    )


def train(model: nn.Module, recipe: Recipe, images: torch.Tensor, labels: torch.Tensor,
          steps: int | None = None) -> list[float]:
    """Train `model` in place following `recipe`; returns the loss of every step."""
    generator = torch.Generator().manual_seed(recipe.seed)
    optimizer = recipe.optimizer(model.parameters())
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, recipe.schedule)
    model.train()
    losses = []
    for _ in range(recipe.steps if steps is None else steps):
        batch = torch.randint(len(images), (recipe.batch_size,), generator=generator)
        x = images[batch]
        for augment in recipe.augment:
            x = augment(x, generator)
        loss = F.cross_entropy(model(x), labels[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
    return losses
