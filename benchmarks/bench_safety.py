"""Safety costs (issue 10): a rule at 16,000 explicit paths vs everywhere, and deep trees.

`apply(at=[every path])` must cost about what `apply` everywhere costs (linear, not
quadratic in the number of siblings), and trees 10,000 levels deep must work.
Run from the repository root: `python -m benchmarks.bench_safety`.
"""

from __future__ import annotations

from typing import Any

import glove_lab as gl
from benchmarks._harness import TIMING_NOTE, Row, environment, limit_row, print_table, timed

WIDTH = 16_000
DEPTH = 10_000


@gl.symbolize
class Unit:
    """A leaf-like symbolic node."""

    def __init__(self, size: int = 1):
        pass


@gl.rule("bench.grow_unit", on=gl.Match(type=Unit))
def grow(node: Unit) -> Unit:
    """A new Unit, one bigger."""
    return Unit(node.size + 1)


@gl.symbolize
class Link:
    """One level of a deep chain: the next level and a leaf row."""

    def __init__(self, left: Any = None, right: Any = (1,)):
        pass


def _chain(depth: int) -> Any:
    tree: Any = Link(None)
    for _ in range(depth):
        tree = Link(tree)
    return tree


def _resnet_traverse_row() -> Row:
    """traverse() on a ResNet-50-shaped torch model: the normal-tree cost (needs torch)."""
    try:
        import glove_lab.torch  # noqa: F401
        from benchmarks._torch_models import resnet50_like
    except ImportError:
        return limit_row("traverse, ResNet-50-shaped model", "torch not installed", "—", None)
    model = resnet50_like()
    timing = timed(lambda: sum(1 for _ in gl.traverse(model)), repeat=5)
    return limit_row("traverse, ResNet-50-shaped model", str(timing), "—", None)


def _deep(depth: int) -> Any:
    tree: Any = 0
    for _ in range(depth):
        tree = [tree]
    return tree


def main() -> None:
    wide = [Unit(i) for i in range(WIDTH)]
    paths = [f"[{i}]" for i in range(WIDTH)]
    gl.paths(wide)  # both runs use the root's cached index
    everywhere = timed(lambda: gl.apply(wide, grow), repeat=5)
    explicit = timed(lambda: gl.apply(wide, grow, at=paths), repeat=5)
    ratio = explicit.best / everywhere.best
    rows: list[Row] = [
        limit_row(f"apply everywhere, {WIDTH:,} siblings", str(everywhere), "—", None),
        limit_row(f"apply(at=[{WIDTH:,} explicit paths])", str(explicit),
                  "< 3x everywhere", ratio < 3),
        limit_row("  ratio explicit / everywhere", f"{ratio:.2f}x", "< 3x", ratio < 3),
    ]
    a, b = _deep(DEPTH), _deep(DEPTH)
    deepest = "[0]" * DEPTH
    for name, run in [("eq", lambda: gl.eq(a, b)), ("diff", lambda: gl.diff(a, b)),
                      ("format", lambda: gl.format(a)), ("to_json", lambda: gl.to_json(a)),
                      ("rebind the deepest leaf", lambda: gl.rebind(a, {deepest: 1}))]:
        timing = timed(run, repeat=3)
        rows.append(limit_row(f"{name}, a chain {DEPTH:,} deep", str(timing), "works", True))
    for depth in (1_000, 4_000, DEPTH):
        chain = _chain(depth)
        target = ("left." * depth)[:-1]
        timing = timed(lambda: gl.to_svg(chain, highlight=[target]), repeat=3)  # noqa: B023
        rows.append(limit_row(f"highlight (to_svg) a node {depth:,} deep", str(timing),
                              "linear in depth", True))
        timing = timed(lambda: gl.diff(chain, gl.rebind(chain, {target: None})),  # noqa: B023
                       repeat=3)
        rows.append(limit_row(f"rebind + diff, a change {depth:,} deep", str(timing), "—", None))
        timing = timed(lambda: sum(1 for _ in gl.traverse(chain)), repeat=3)  # noqa: B023
        rows.append(limit_row(f"traverse, a chain {depth:,} deep", str(timing),
                              "(not linear: full paths)", None))
    rows.append(_resnet_traverse_row())
    print_table("Safety: linear cost and deep trees", rows, [
        environment(), TIMING_NOTE,
        f"explicit paths: gl.apply(list of {WIDTH:,} symbolic nodes, rule, at=[every index]) "
        "vs the same rule matched everywhere; both on a root whose index is cached.",
        f"deep: nested one-element lists {DEPTH:,} levels deep; operations deeper than "
        "Python's recursion limit run again on a big stack (glove_lab.tree._deep).",
        "highlight: gl.to_svg(chain, highlight=[its deepest box]); the levels between the top "
        "and the node's neighbourhood are one '… N levels …' node (before: every level was "
        "drawn, each titled with its whole path: 1k 1.0 s, 4k ~18 s, 10k 441 s).",
        "traverse: yields every node's whole KeyPath (a tuple), so a chain costs O(depth^2) "
        "(10k: about 1.6 s); the widget, search, export and apply no longer make every path.",
    ])


if __name__ == "__main__":
    main()
