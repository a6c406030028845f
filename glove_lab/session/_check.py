"""The live check: a function run on the tree after every step, able to veto the step.

`Session(model, check=lambda m: m(example))` runs the check on each new
tree; if it raises, the step is refused (mode "raise", nothing changes) or
recorded and marked failed (mode "warn"). Its result (an output's shape,
the seconds it took) is what the widget's status line shows. Without a
check nothing runs: a step costs what it did before.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from glove_lab.tree import short_repr

__all__ = ["CHECK_MODES", "CheckResult", "describe_result", "run_check"]

CHECK_MODES = ("raise", "warn")
Check = Callable[[Any], Any]


@dataclass(frozen=True)
class CheckResult:
    """One run of a check: whether it passed, what it returned (as text), how long it took."""

    ok: bool
    value: str  # `describe_result` of the return value, or the error as "Type: message"
    seconds: float

    def text(self) -> str:
        """`check ok: Tensor(2, 10) in 12 ms` or `check failed: ValueError: NaN in output`."""
        ms = self.seconds * 1000
        took = f"{ms:.1f} ms" if ms < 10 else f"{ms:.0f} ms"
        return (f"check ok: {self.value} in {took}" if self.ok
                else f"check failed: {self.value}")


def run_check(check: Check, tree: Any) -> CheckResult:
    """Run `check(tree)`; an exception (not an interrupt) is a failed result, not raised."""
    start = time.perf_counter()
    try:
        value = check(tree)
    except Exception as exc:
        return CheckResult(False, f"{type(exc).__name__}: {exc}", time.perf_counter() - start)
    return CheckResult(True, describe_result(value), time.perf_counter() - start)


def describe_result(value: Any) -> str:
    """A short text for what a check returned: a tensor's shape, the first output's, a repr."""
    if value is None or value is True:
        return "passed"
    shape = _shape(value)
    if shape is not None:
        return f"{type(value).__name__}{shape}"
    items: Any = None
    if isinstance(value, Mapping) or (hasattr(value, "items") and callable(value.items)):
        items = list(value.items())
    if items:
        for key, item in items:
            shape = _shape(item)
            if shape is not None:
                return f"{key} {type(item).__name__}{shape}"
    if isinstance(value, (tuple, list)) and value and _shape(value[0]) is not None:
        return f"{type(value[0]).__name__}{_shape(value[0])} (+{len(value) - 1} more)" if len(
            value) > 1 else describe_result(value[0])
    return short_repr(value, 60)


def _shape(value: Any) -> tuple[int, ...] | None:
    shape = getattr(value, "shape", None)
    if shape is None or callable(shape) or isinstance(value, type):
        return None
    try:
        return tuple(int(n) for n in shape)
    except (TypeError, ValueError):
        return None
