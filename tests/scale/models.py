"""A small torch model, the recipe variants patch, and the training `fn` they run.

Plain PyTorch: the recipe is a zero-argument factory importable by name, so a
worker process rebuilds it from code.
"""

from __future__ import annotations

import time
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

import glove_lab.torch.rules  # noqa: F401  (the torch.* rules the ideas use)
import tests.scale.ideas  # noqa: F401  (the scale_ideas.* rules)


class TinyNet(nn.Module):
    """Two Linear-BatchNorm-ReLU blocks and a linear head for 8 features, 3 classes."""

    def __init__(self, features: int = 8, hidden: int = 32, classes: int = 3) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(features, hidden), nn.BatchNorm1d(hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.BatchNorm1d(hidden), nn.ReLU(),
        )
        self.head = nn.Linear(hidden, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))


def make_net() -> TinyNet:
    """The recipe: the base model, freshly initialised."""
    return TinyNet()


# Three ideas, one of them with two settings: 3 x 2 x 2 = 12 variants.
IDEAS: dict[str, Any] = {
    "norm": {"bn": None, "gn2": "torch.bn_to_gn?groups=2", "gn4": "torch.bn_to_gn?groups=4"},
    "leaky": "scale_ideas.leaky_relu?negative_slope=0.1",
    "dropout": "torch.add_dropout?p=0.2",
}


def make_net_with(hidden: int) -> TinyNet:
    """Not a recipe: it needs an argument."""
    return TinyNet(hidden=hidden)


def single_thread() -> None:
    """Pin torch to one thread: bitwise-equal training across processes needs equal counts."""
    torch.set_num_threads(1)


def train(model: nn.Module, steps: int = 6) -> dict[str, Any]:
    """Train a few SGD steps on seeded synthetic blobs; final loss, accuracy and parameter count."""
    generator = torch.Generator().manual_seed(0)
    centres = torch.randn(3, 8, generator=generator)
    labels = torch.randint(3, (96,), generator=generator)
    points = centres[labels] + 0.8 * torch.randn(96, 8, generator=generator)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model.train()
    for step in range(steps):
        batch = slice(32 * (step % 3), 32 * (step % 3) + 32)
        loss = F.cross_entropy(model(points[batch]), labels[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        accuracy = (model(points).argmax(1) == labels).float().mean().item()
    return {"loss": loss.item(), "accuracy": accuracy,
            "parameters": sum(p.numel() for p in model.parameters())}


def train_slowly(model: nn.Module) -> dict[str, Any]:
    """`train`, then a pause: keeps tasks in flight long enough to lose a worker mid-run."""
    result = train(model)
    time.sleep(0.4)
    return result


def explode_on_leaky(model: nn.Module) -> dict[str, Any]:
    """An evaluation with a bug that only some variants reach."""
    if any(isinstance(m, nn.LeakyReLU) for m in model.modules()):
        raise ValueError("this evaluation cannot handle LeakyReLU")
    return train(model)


def lock_of(model: nn.Module) -> Any:
    """An evaluation whose result cannot be pickled (a lock): it cannot travel back."""
    import threading

    return threading.Lock()


def slow_without_dropout(model: nn.Module) -> dict[str, Any]:
    """`train`, after a long pause for models without dropout (the base of a dropout idea)."""
    if not any(isinstance(m, nn.Dropout) for m in model.modules()):
        time.sleep(4)
    return train(model)
