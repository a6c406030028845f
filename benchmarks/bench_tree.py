"""Tree core (issue 2): glove_lab vs PyGlove on the same ~12,000-node tree, in one run.

Run from the repository root: `python -m benchmarks.bench_tree`.
"""

from __future__ import annotations

import json
from typing import Any

import glove_lab as gl
from benchmarks._harness import TIMING_NOTE, Row, environment, print_table, ratio_row, timed
from benchmarks._trees import Layer, glove_tree, pyglove_classes, pyglove_tree

BLOCKS = 500
# The 1,000 `units` leaves: one per Layer.
LEAF_PATHS = [f"blocks[{i // 2}].layers[{i % 2}].units" for i in range(2 * BLOCKS)]
ONE_LEAF = "blocks[388].layers[1].units"


def main() -> None:
    import pyglove as pg

    classes = pyglove_classes()
    PgLayer = classes[0]
    tree = glove_tree(BLOCKS)
    ptree = pyglove_tree(classes, BLOCKS)
    nodes = len(gl.paths(tree))
    rows: list[Row] = []
    notes: list[str] = []

    # -- construct -------------------------------------------------------------
    g = timed(lambda: glove_tree(BLOCKS))
    p = timed(lambda: pyglove_tree(classes, BLOCKS), repeat=5)
    rows.append(ratio_row("construct", g, p, 10))

    # -- query by type (1,000 Layer hits) -----------------------------------------
    hits = len(gl.query(tree, type=Layer))
    g_fresh = timed(lambda t: gl.query(t, type=Layer), setup=lambda: glove_tree(BLOCKS),
                    repeat=9)
    gl.query(tree, type=Layer)
    g_again = timed(lambda: gl.query(tree, type=Layer), repeat=25)

    def pg_traverse() -> dict[Any, Any]:
        found: dict[Any, Any] = {}

        def visit(path: Any, value: Any, parent: Any) -> Any:
            if isinstance(value, PgLayer):
                found[path] = value
                return pg.TraverseAction.CONTINUE
            return pg.TraverseAction.ENTER

        pg.traverse(ptree, visit)
        return found

    p_query = timed(lambda: pg.query(ptree, where=lambda v: isinstance(v, PgLayer)), repeat=9)
    p_trav = timed(pg_traverse, repeat=9)
    if p_trav.best < p_query.best:
        p_best, p_name = p_trav, "pg.traverse with a pruning visitor"
    else:
        p_best, p_name = p_query, "pg.query(tree, where=isinstance)"
    rows.append(ratio_row(f"query type=Layer ({hits} hits), fresh tree", g_fresh,
                          p_best, 5))
    rows.append(ratio_row("query type=Layer, same root again", g_again, p_best, 5))
    notes.append(
        f"query: reference is the faster of pg.query(tree, where=isinstance) "
        f"({p_query.best * 1e3:.1f} ms) and pg.traverse with a visitor that stops at a "
        f"Layer ({p_trav.best * 1e3:.1f} ms): {p_name}. PyGlove has no per-root index, so "
        "one reference serves both rows. 'fresh tree' includes building glove_lab's cached "
        "index (nodes in order, by type); 'again' reuses it."
    )

    # -- rebind 1,000 leaves -------------------------------------------------------
    updates = {path: 7 for path in LEAF_PATHS}
    g = timed(lambda: gl.rebind(tree, updates), repeat=9)
    p = timed(lambda clone: clone.rebind(updates), setup=lambda: ptree.clone(deep=True),
              repeat=5, budget=20)
    rows.append(ratio_row(f"rebind {len(updates)} leaves", g, p, 10))
    notes.append(
        "rebind: glove_lab is persistent (returns a new root; the input is untouched); "
        "PyGlove's tree.rebind({...}) edits in place, so it runs on a deep clone made "
        "before the timer starts: the clone is not timed."
    )

    # -- JSON -----------------------------------------------------------------------
    g = timed(lambda: gl.to_json(tree))
    p = timed(lambda: ptree.to_json(), repeat=5)
    rows.append(ratio_row("to_json", g, p))
    g_text = json.dumps(gl.to_json(tree))
    p_text = json.dumps(ptree.to_json())
    g = timed(gl.from_json, setup=lambda: json.loads(g_text))
    p = timed(pg.from_json, setup=lambda: json.loads(p_text), repeat=5)
    rows.append(ratio_row("from_json", g, p, 10))
    notes.append("to_json / from_json: to and from the JSON-compatible value (json.dumps / "
                 "json.loads not timed; from_json gets a freshly loaded value every run).")

    # -- eq ---------------------------------------------------------------------------
    other, pother = glove_tree(BLOCKS), pyglove_tree(classes, BLOCKS)
    g = timed(lambda: gl.eq(tree, other))
    p = timed(lambda: pg.eq(ptree, pother), repeat=5)
    rows.append(ratio_row("eq (two equal trees built independently)", g, p))

    # -- diff, one leaf changed ----------------------------------------------------------
    edited = gl.rebind(tree, {ONE_LEAF: 99})
    pedited = ptree.clone(deep=True)
    pedited.rebind({ONE_LEAF: 99})
    g = timed(lambda: gl.diff(tree, edited), repeat=25)
    p = timed(lambda: pg.diff(ptree, pedited), repeat=3, budget=8)
    rows.append(ratio_row("diff, one leaf changed (b = rebind(a, ...))", g, p, 50))
    unshared = gl.rebind(other, {ONE_LEAF: 99})
    g = timed(lambda: gl.diff(tree, unshared))
    rows.append(ratio_row("diff, one leaf changed, no shared subtrees", g, p))
    notes.append(
        "diff: b = gl.rebind(a, {one leaf}) shares every untouched subtree with a, so "
        "gl.diff skips them by identity; PyGlove compares b, an edited deep clone, "
        "node by node (pg.diff(a, b)). The 'no shared subtrees' row diffs against an "
        "independently built tree with the same edit, glove_lab's worst case."
    )

    # -- format ----------------------------------------------------------------------------
    g = timed(lambda: gl.format(tree))
    p = timed(lambda: ptree.format(), repeat=5)
    rows.append(ratio_row("format (readable text)", g, p))
    notes.append("format: gl.format(tree) vs tree.format() (str(tree) costs the same).")

    print_table(
        f"Tree core: glove_lab vs PyGlove, {nodes:,} nodes ({BLOCKS} blocks)", rows,
        [environment(), TIMING_NOTE, *notes],
    )


if __name__ == "__main__":
    main()
