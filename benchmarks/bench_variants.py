"""Variants at scale (issue 16): what `import glove_lab` costs, and what rebuilding each
variant from its code costs next to a hand-written loop that patches and evaluates.

Run from the repository root: `python -m benchmarks.bench_variants`.
"""

from __future__ import annotations

import subprocess
import sys
import time

import torch
from torch import nn

import glove_lab as gl
import glove_lab.torch.rules  # the torch.* rules the ideas use
from benchmarks._harness import (
    TIMING_NOTE,
    Timing,
    environment,
    fmt_time,
    limit_row,
    print_table,
    ratio_row,
    timed,
)

IDEAS = {
    "norm": {"bn": None, "gn2": "torch.bn_to_gn?groups=2", "gn4": "torch.bn_to_gn?groups=4"},
    "act": "torch.swap_activation?to=gelu",
    "dropout": "torch.add_dropout?p=0.1",
}
INPUT = torch.randn(16, 3, 16, 16)


def make_net() -> nn.Module:
    """The recipe: a small CNN (conv-bn-relu x 3, pooling, a head)."""
    return nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
        nn.Conv2d(16, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
        nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10))


def forward(model: nn.Module) -> float:
    """The evaluation: one forward pass."""
    with torch.no_grad():
        return float(model.eval()(INPUT).sum())


def _import_time() -> tuple[Timing, bool]:
    """Fresh-interpreter `import glove_lab` minus a bare start-up; whether dask was loaded."""
    def run(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
        return time.perf_counter() - start

    samples = [run("import glove_lab") - run("pass") for _ in range(5)]
    probe = "import sys, glove_lab; print('dask' in sys.modules or 'distributed' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True,
                            text=True).stdout.strip()
    return Timing.of(samples), loaded == "False"


def _by_hand() -> None:
    for norm in (None, 2, 4):
        for act in (False, True):
            for dropout in (False, True):
                model = make_net()
                if norm:
                    model = gl.apply(model, "torch.bn_to_gn", params={"groups": norm})
                if act:
                    model = gl.apply(model, "torch.swap_activation", params={"to": "gelu"})
                if dropout:
                    model = gl.apply(model, "torch.add_dropout", params={"p": 0.1})
                forward(model)


def main() -> None:
    """Print the table."""
    torch.set_num_threads(1)
    importing, no_dask = _import_time()
    made = gl.variants("benchmarks.bench_variants:make_net", IDEAS)
    creating = timed(lambda: gl.variants("benchmarks.bench_variants:make_net", IDEAS),
                     repeat=5)
    running = timed(lambda: gl.run_variants(made, forward, progress=False), repeat=5)
    by_hand = timed(_by_hand, repeat=5)
    rows = [
        limit_row("import glove_lab (fresh interpreter, minus a bare start-up)",
                  fmt_time(importing.best), "< 300 ms", importing.best < 0.3),
        limit_row("... and dask stays unimported", "yes" if no_dask else "no", "yes", no_dask),
        ratio_row("gl.variants: 12 variants (apply, export, replay check each)", creating,
                  by_hand),
        ratio_row("gl.run_variants in process: rebuild 12 from code + forward", running,
                  by_hand),
    ]
    print_table("Variants (issue 16)", rows, [
        TIMING_NOTE,
        "reference: a hand loop that calls the recipe, applies the same rules with gl.apply "
        "and runs the forward pass, for the same 12 variants (nothing exported or checked)",
        environment(),
    ])


if __name__ == "__main__":
    main()
