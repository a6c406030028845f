"""Render benchmark: glove_lab's SVG of big trees next to Fiddle's graphviz and PyGlove's HTML.

Run from the repository root: `python -m benchmarks.bench_render` (add
`--big-references` to also time Fiddle and PyGlove on the 100,000-node tree,
which takes a few minutes). Timings are best-of-N with `time.perf_counter`.
"warm" reuses a tree whose index (`index_of`) is already cached, as every
render after the first one in a notebook does; "cold" builds a fresh tree each
run, so the index is built inside the timing.

Targets (issue 4): default collapsed view of the 12,000-node tree <= 0.3 s,
1,000-node expanded view <= 1.5 s.
"""

from __future__ import annotations

import argparse
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from benchmarks._trees import fiddle_tree, glove_tree, pyglove_classes, pyglove_tree
from glove_lab.drawing import to_svg
from glove_lab.tree import index_of

BLOCKS_12K = 500     # 24 nodes per block: 12,000 nodes
BLOCKS_100K = 4200   # 100,800 nodes


def best_of(fn: Callable[[], Any], repeat: int) -> float:
    """Smallest wall time of `repeat` calls of `fn()`."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def best_of_fresh(make: Callable[[], Any], fn: Callable[[Any], Any], repeat: int) -> float:
    """Smallest wall time of `fn(make())`, `make()` untimed: each run gets a new tree."""
    best = float("inf")
    for _ in range(repeat):
        argument = make()
        start = time.perf_counter()
        fn(argument)
        best = min(best, time.perf_counter() - start)
    return best


def drawn_nodes(svg: str) -> int:
    root = ET.fromstring(svg)
    return sum(1 for g in root.iter("{http://www.w3.org/2000/svg}g")
               if "node" in g.get("class", "").split())


def fiddle_svg(config: Any) -> str:
    from fiddle import graphviz as fdl_graphviz

    return fdl_graphviz.render(config).pipe(format="svg")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per glove_lab figure")
    parser.add_argument("--big-references", action="store_true",
                        help="also time Fiddle and PyGlove on the 100,000-node tree")
    args = parser.parse_args()
    rows: list[tuple[str, float, str, float | None]] = []

    tree = glove_tree(BLOCKS_12K)
    nodes_12k = len(index_of(tree).entries)
    default_svg = to_svg(tree)
    wide_svg = to_svg(tree, budget=1000)
    print(f"12k tree: {nodes_12k:,} nodes; default view draws {drawn_nodes(default_svg)}, "
          f"budget=1000 draws {drawn_nodes(wide_svg)}")

    default_warm = best_of(lambda: to_svg(tree), args.repeat)
    default_cold = best_of_fresh(lambda: glove_tree(BLOCKS_12K), to_svg, args.repeat)
    wide_warm = best_of(lambda: to_svg(tree, budget=1000), max(2, args.repeat // 2))

    config = fiddle_tree(BLOCKS_12K)
    fiddle_12k = best_of(lambda: fiddle_svg(config), 2)
    pg_tree = pyglove_tree(pyglove_classes(), BLOCKS_12K)
    pyglove_12k = best_of(lambda: pg_tree.to_html_str(), 2)

    fiddle_name = "Fiddle graphviz render + pipe(svg), whole config"
    pyglove_name = "PyGlove to_html_str(), whole tree"
    rows += [
        ("12k: default view (150-node budget), warm", default_warm, fiddle_name, fiddle_12k),
        ("12k: default view (150-node budget), warm", default_warm, pyglove_name, pyglove_12k),
        ("12k: default view, cold (index built)", default_cold, fiddle_name, fiddle_12k),
        ("12k: 1,000-node view (budget=1000), warm", wide_warm, fiddle_name, fiddle_12k),
        ("12k: 1,000-node view (budget=1000), warm", wide_warm, pyglove_name, pyglove_12k),
    ]

    big = glove_tree(BLOCKS_100K)
    nodes_100k = len(index_of(big).entries)
    print(f"100k tree: {nodes_100k:,} nodes; default view draws {drawn_nodes(to_svg(big))}")
    big_warm = best_of(lambda: to_svg(big), args.repeat)
    big_cold = best_of_fresh(lambda: glove_tree(BLOCKS_100K), to_svg, 2)
    fiddle_100k = pyglove_100k = None
    if args.big_references:
        big_config = fiddle_tree(BLOCKS_100K)
        fiddle_100k = best_of(lambda: fiddle_svg(big_config), 1)
        big_pg = pyglove_tree(pyglove_classes(), BLOCKS_100K)
        pyglove_100k = best_of(lambda: big_pg.to_html_str(), 1)
    rows += [
        ("100k: default view, warm", big_warm, fiddle_name, fiddle_100k),
        ("100k: default view, warm", big_warm, pyglove_name, pyglove_100k),
        ("100k: default view, cold (index built)", big_cold, "-", None),
    ]

    print()
    print(f"| {'figure':<42} | {'glove_lab s':>11} | {'reference':<49} | {'ref s':>7} "
          f"| {'ref/glove':>9} |")
    print(f"|{'-' * 44}|{'-' * 13}|{'-' * 51}|{'-' * 9}|{'-' * 11}|")
    for figure, ours, reference, theirs in rows:
        ref = f"{theirs:7.3f}" if theirs is not None else f"{'n/t':>7}"
        ratio = f"{theirs / ours:8.1f}x" if theirs is not None else f"{'':>9}"
        print(f"| {figure:<42} | {ours:11.4f} | {reference:<49} | {ref} | {ratio} |")
    print()
    print("ref/glove: how many times longer the reference takes (higher is better for "
          "glove_lab); n/t: not timed (pass --big-references).")
    print(f"targets: default view {default_warm:.3f} s <= 0.3 s: "
          f"{'ok' if default_warm <= 0.3 else 'MISSED'}; 1,000-node view {wide_warm:.3f} s "
          f"<= 1.5 s: {'ok' if wide_warm <= 1.5 else 'MISSED'}")


if __name__ == "__main__":
    main()
