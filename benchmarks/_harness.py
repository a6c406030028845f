"""A tiny benchmark harness: best-of-N timer, tracemalloc memory measure, table printer.

Timing follows `timeit`: the garbage collector is collected before and
disabled during each timed call (for glove_lab and the reference alike), so
a run does not pay for collecting garbage other runs left behind. Benchmarks
print; they never assert.
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["TIMING_NOTE", "Row", "Timing", "environment", "fmt_bytes", "fmt_time", "limit_row",
           "measure_memory", "print_table", "ratio_row", "timed"]


TIMING_NOTE = ("times: best of N runs (median in parentheses); the garbage collector is "
               "collected before and disabled during each timed run, as in timeit")


@dataclass(frozen=True)
class Timing:
    """Seconds per call: the best and the median of `runs` timed calls."""

    best: float
    median: float
    runs: int

    def __str__(self) -> str:
        return f"{fmt_time(self.best)} (median {fmt_time(self.median)}, n={self.runs})"

    @classmethod
    def of(cls, samples: Sequence[float]) -> Timing:
        """The Timing of samples taken by a benchmark's own loop."""
        return cls(min(samples), statistics.median(samples), len(samples))


def timed(fn: Callable[..., Any], setup: Callable[[], Any] | None = None, repeat: int = 7,
          warmup: int = 1, budget: float = 10.0, min_runs: int = 3,
          gc_off: bool = True) -> Timing:
    """Time `fn()` (or `fn(setup())`, the setup untimed) best-of-`repeat`.

    Runs `warmup` untimed calls first; stops early, after at least `min_runs`
    timed calls, once the timed calls and their setups have taken `budget`
    seconds.
    """
    samples: list[float] = []
    started = time.perf_counter()
    for i in range(warmup + repeat):
        arg = setup() if setup is not None else None
        gc.collect()
        was_enabled = gc.isenabled()
        if gc_off:
            gc.disable()
        try:
            t0 = time.perf_counter()
            if setup is not None:
                fn(arg)
            else:
                fn()
            elapsed = time.perf_counter() - t0
        finally:
            if was_enabled:
                gc.enable()
        del arg
        if i >= warmup:
            samples.append(elapsed)
            if len(samples) >= min_runs and time.perf_counter() - started > budget:
                break
    return Timing(min(samples), statistics.median(samples), len(samples))


def measure_memory(fn: Callable[..., Any], setup: Callable[[], Any] | None = None
                   ) -> tuple[Any, int, int]:
    """Run `fn()` (or `fn(setup())`) under tracemalloc.

    Returns `(result, retained, peak)`: the bytes still allocated afterwards
    (the result is kept alive, so what it holds counts) and the peak above
    the starting point, both measured after `gc.collect()`.
    """
    arg = setup() if setup is not None else None
    gc.collect()
    started_here = not tracemalloc.is_tracing()
    if started_here:
        tracemalloc.start()
    try:
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        result = fn(arg) if setup is not None else fn()
        peak = tracemalloc.get_traced_memory()[1]
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        if started_here:
            tracemalloc.stop()
    return result, after - before, peak - before


def fmt_time(seconds: float | None) -> str:
    """Seconds as a short text in s, ms or µs."""
    if seconds is None:
        return "—"
    if seconds >= 1.0:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def fmt_bytes(n: int | None) -> str:
    """Bytes as a short text in MB or KB."""
    if n is None:
        return "—"
    if abs(n) >= 1e6:
        return f"{n / 1e6:.2f} MB"
    return f"{n / 1e3:.1f} KB"


@dataclass(frozen=True)
class Row:
    """One line of a table: figure | glove_lab | reference | ratio | target | met?"""

    figure: str
    glove: str
    reference: str = "—"
    ratio: str = "—"
    target: str = "—"
    met: str = "—"


def ratio_row(figure: str, glove: Timing, reference: Timing | None,
              target: float | None = None) -> Row:
    """A row comparing best times; ratio = reference / glove_lab ("x faster")."""
    if reference is None:
        return Row(figure, str(glove))
    ratio = reference.best / glove.best if glove.best > 0 else float("inf")
    met = "—" if target is None else ("yes" if ratio >= target else "NO")
    return Row(figure, fmt_time(glove.best) + f" (med {fmt_time(glove.median)})",
               fmt_time(reference.best) + f" (med {fmt_time(reference.median)})",
               f"{ratio:.1f}x", "—" if target is None else f"{target:g}x faster", met)


def limit_row(figure: str, glove: str, target: str, met: bool | None,
              reference: str = "—") -> Row:
    """A row checked against an absolute target (`< 1 ms`, `< 10 MB`), not a ratio."""
    return Row(figure, glove, reference, "—", target,
               "—" if met is None else ("yes" if met else "NO"))


_HEADER = ("figure", "glove_lab", "reference", "ratio (ref / glove)", "target", "met?")


def print_table(title: str, rows: Sequence[Row], notes: Sequence[str] = ()) -> None:
    """Print a Markdown table (pasteable into the README), then numbered notes."""
    cells = [_HEADER] + [(r.figure, r.glove, r.reference, r.ratio, r.target, r.met)
                         for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(_HEADER))]
    print(f"\n### {title}\n")
    for n, row in enumerate(cells):
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |")
        if n == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    if notes:
        print()
        for note in notes:
            print(f"- {note}")
    sys.stdout.flush()


def environment(extra: str = "") -> str:
    """One line naming the interpreter, machine and library versions."""
    versions = []
    for module in ("glove_lab", "pyglove"):
        try:
            versions.append(f"{module} {__import__(module).__version__}")
        except Exception:  # not installed: say so rather than fail
            versions.append(f"{module} (not installed)")
    line = (f"Python {platform.python_version()} on {platform.system()} "
            f"{platform.machine()}, {os.cpu_count()} CPUs; " + ", ".join(versions))
    return line + (f"; {extra}" if extra else "")
