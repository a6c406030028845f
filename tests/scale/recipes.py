"""Recipes without torch: plain trees whose variants the fast tests build and run."""

from __future__ import annotations

import os
from typing import Any

import glove_lab as gl
import tests.fixtures.rules  # noqa: F401  (registers the fixtures.* rules the variants use)


def config() -> dict[str, Any]:
    """A training config as a plain tree: numbers, a string, a nested list."""
    return {"steps": 10, "lr": 0.5, "name": "base", "widths": [4, 8]}


def total(tree: dict[str, Any]) -> float:
    """An evaluation: the sum of the config's numbers."""
    return tree["steps"] + tree["lr"] + sum(tree["widths"])


def fail_on_shouting(tree: dict[str, Any]) -> float:
    """An evaluation with a bug some variants reach."""
    if tree["name"].endswith("!"):
        raise RuntimeError(f"cannot evaluate {tree['name']!r}")
    return total(tree)


def is_base(value: Any) -> bool:
    """True for the string 'base' (what `scale_test.rename` matches)."""
    return value == "base"


@gl.rule("scale_test.rename", on=gl.Match(where=is_base))
def rename(node: str, to: str = "renamed") -> str:
    """Rename the config: matches only the original name, so nothing after `fixtures.shout`."""
    return to


def config_from_environment() -> dict[str, Any]:
    """A recipe that depends on where it runs (like a dataset path that exists only here)."""
    if os.environ.get("GLOVE_TEST_RECIPE_BROKEN"):
        raise FileNotFoundError("no dataset at /data/blobs on this machine")
    return config()
