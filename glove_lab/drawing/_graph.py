"""From a tree to a graph model: which nodes are drawn, what they show, what is collapsed.

Every value with a node kind is a box; its leaf children are rows inside it and
its other children hang below it on edges labelled with their key (short tuples
of scalars, like `kernel=(3, 3)`, are rows too). Boxes are opened breadth-first
from the root until the node budget is spent (placeholders count): an unopened
box with children becomes a collapsed placeholder, a wide box shows its first
children and one "+K more" placeholder for the rest, and a run of identical
siblings folds into one node showing the run's length. Paths to highlighted,
changed and `expand=`-ed nodes are opened first, so those stay visible; a
`collapse=`-d box is a placeholder whatever the budget (a change inside it marks
the placeholder changed; a highlighted or expanded path inside it opens it).

Deep selections: the levels between a highlighted (changed, expanded) node
and the root are opened, except that a run of more than `ELIDE_AFTER` such
levels is drawn as one "… N levels …" placeholder (the top levels and the
node's near ancestors stay), so drawing a node 10,000 levels deep costs what
drawing its neighbourhood costs. Clicking the placeholder expands the first
level it hides, which reveals `BELOW_LEVELS` more.

Cost follows what is drawn: placeholder sizes come from the root's cached
`index_of(tree)` by traversal position (no path is made for a hidden node),
and folding compares siblings within a fixed allowance."""

from __future__ import annotations

import dataclasses
import heapq
import types
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from glove_lab.errors import PathError
from glove_lab.tree import (
    Call,
    Change,
    KeyPath,
    as_path,
    display_name,
    eq,
    get,
    hyper_of,
    index_of,
    kind_of,
    safe_repr,
    short_repr,
    shorten,
    tags_of,
)

__all__ = ["Row", "GraphNode", "GraphEdge", "GraphModel", "build_graph", "is_box",
           "MAX_ROWS", "VALUE_LIMIT", "FOLD_MIN"]

MAX_ROWS = 8          # rows shown in a box before "+N more"
VALUE_LIMIT = 40      # characters of a key or value before "…"
NAME_LIMIT = 40       # characters of a type name
FOLD_MIN = 3          # identical consecutive siblings that fold into one node
MIN_FANOUT = 8        # children shown under one box, at least, when the budget allows
MAX_GHOSTS = 8        # removed children drawn under one box
INLINE_ITEMS = 6      # a tuple/list of at most this many scalars is shown as one row
ELIDE_AFTER = 40      # a run of more forced levels than this is one "… N levels …" node
TOP_LEVELS = 3        # levels below the root always drawn on the way to a deep node
NEAR_LEVELS = 3       # ancestors drawn above a deep highlighted node
BELOW_LEVELS = 40     # levels drawn below an expanded node on the way to a deep one
DEPTH_ALLOWANCE = 20_000  # summed depth of the boxes opened, beyond forced ones

_ROOT = KeyPath()
_SCALARS = frozenset({int, float, complex, str, bytes, bool, type(None)})

# Heap priorities: opened first are forced paths, then `expand=` subtrees, then the rest.
_FORCED, _EXPANDED, _NORMAL = 0, 1, 2


# The small vocabularies of the graph model, spelled once.
Mark = Literal["", "changed", "added", "removed"]
"""How a row or a node differs from the tree it is compared with ("" = not at all)."""
Role = Literal["open", "collapsed", "folded", "more", "removed", "leaf", "elided"]
"""What a drawn node stands for (see GraphNode)."""


@dataclasses.dataclass
class Row:
    """One `key = value` line inside a box; `mark` says how it changed."""

    key: str
    value: str
    hyper: bool = False
    mark: Mark = ""
    before: str | None = None
    selected: bool = False


@dataclasses.dataclass
class GraphNode:
    """One drawn node.

    `role` is "open" (children drawn, or none to draw), "collapsed" (children
    hidden), "folded" (the first of `count` identical siblings, standing for
    all of them), "more" (`count` hidden siblings), "removed" (a diff ghost)
    or "leaf" (a root that is a plain value), or "elided" (`count` levels on
    the way to a deep node, drawn as one; its path is the first of them).
    `hidden` counts the tree nodes hidden below a node or in a "more" range,
    leaves included. `state` is "",
    "changed", "added" or "removed". `note` is one line shown under the name
    (an adapter's note: a torch module's output shape and parameter count).
    """

    path: KeyPath
    role: Role
    name: str
    tags: tuple[str, ...] = ()
    rows: list[Row] = dataclasses.field(default_factory=list)
    more_rows: int = 0
    hidden: int = 0
    count: int = 1
    first_key: str = ""
    last_key: str = ""
    state: Mark = ""
    selected: bool = False
    rows_changed: bool = False
    note: str = ""

    @property
    def depth(self) -> int:
        """Depth of the node's path (the root is 0)."""
        return len(self.path)


@dataclasses.dataclass
class GraphEdge:
    """An edge from a box to a drawn child, labelled with the child's key."""

    tail: KeyPath
    head: KeyPath
    label: str
    state: Mark = ""


@dataclasses.dataclass
class GraphModel:
    """The drawn nodes (in drawing order), the edges, and the tags present."""

    nodes: list[GraphNode]
    edges: list[GraphEdge]
    tags: list[str]
    has_diff: bool = False
    has_selection: bool = False
    total: int = 1
    """Nodes in the tree, leaves included (as placeholders count them)."""
    hidden: int = 0
    """Of those, the ones not drawn: inside placeholders, or members of a folded run."""


def is_box(value: Any) -> bool:
    """True if `value` is drawn as its own node: it has a kind and is not a short scalar tuple."""
    return kind_of(value) is not None and not _inline(value)


def build_graph(tree: Any, *, depth: int | None = None, highlight: Iterable[Any] = (),
                changes: list[Change] | None = None, expand: Iterable[Any] = (),
                budget: int = 150, notes: Mapping[Any, str] | None = None,
                collapse: Iterable[Any] = ()) -> GraphModel:
    """Lay out which nodes of `tree` are drawn, under a budget of drawn nodes.

    `notes` maps paths (KeyPath or text) to a one-line note shown in that node's box;
    `collapse` paths are drawn as placeholders whatever the budget.
    """
    if budget < 1:
        raise ValueError(f"budget must be at least 1, got {budget}")
    if depth is not None and depth < 0:
        raise ValueError(f"depth must be None or >= 0, got {depth}")
    builder = _Builder(tree, depth, budget)
    if notes:
        builder.notes = {as_path(path): str(note) for path, note in notes.items()}
    builder.mark_collapsed(_paths(collapse, "collapse"))
    for path in _paths(highlight, "highlight"):
        builder.mark_selected(path)
    if changes is not None:
        builder.mark_changes(changes)
    for path in _paths(expand, "expand"):
        builder.mark_expanded(path)
    model = builder.build(has_diff=changes is not None)
    model.has_selection = bool(builder.selected or builder.row_selected)
    return model


# -- the builder ----------------------------------------------------------------


@dataclasses.dataclass
class _Open:
    """A box waiting to be drawn; `run` is (count, first key, last key) for a folded run."""

    path: KeyPath
    node: Any
    inside: bool = False  # within an `expand=` subtree
    run: tuple[int, str, str] | None = None
    position: int = 0  # traversal position in the root's index (for subtree sizes)


class _Trie:
    """The paths that must be visible, merged: one node per distinct prefix."""

    __slots__ = ("below", "children", "expand", "near", "target")

    def __init__(self) -> None:
        self.children: dict[Any, _Trie] = {}
        self.target = False
        self.expand = False
        self.near = NEAR_LEVELS + 1  # levels down to the nearest target, capped
        self.below = BELOW_LEVELS + 1  # levels below the nearest expanded ancestor, capped


@dataclasses.dataclass
class _Item:
    """A slot under an opened box: one child, a folded run, or a range of hidden siblings."""

    kind: Literal["single", "run", "more"]
    start: int
    end: int


class _Builder:
    def __init__(self, tree: Any, depth: int | None, budget: int) -> None:
        self.tree = tree
        self.depth = depth
        self.budget = budget
        self.fanout = max(MIN_FANOUT, budget // 4)
        # Changes whose paths are opened; later ones mark the placeholder that hides them.
        self.forced_changes = max(4, budget // 6)
        # Boxes that folding may compare, per render: keeps it O(budget), not O(tree).
        self.allowance = 20 * budget
        self.used = 0
        self.nodes: dict[KeyPath, GraphNode] = {}
        self.edges: list[GraphEdge] = []
        self.tags: set[str] = set()
        # Marks gathered before layout, so a marked row is never cut by "+N more".
        self.node_state: dict[KeyPath, Mark] = {}
        self.row_state: dict[KeyPath, dict[Any, tuple[Mark, Any]]] = {}
        self.selected: set[KeyPath] = set()
        self.row_selected: dict[KeyPath, set[Any]] = {}
        self.ghosts: dict[KeyPath, list[tuple[Any, Any]]] = {}
        self.removed_rows: dict[KeyPath, list[tuple[Any, Any]]] = {}
        self.force_open: set[KeyPath] = set()
        self.show_children: dict[KeyPath, set[Any]] = {}
        # Boxes to keep visible (with whether they are expanded), planned into
        # force_open/show_children/jumps by `_plan` before layout.
        self.targets: list[tuple[KeyPath, bool]] = []
        # Elided runs: parent path -> first key -> (the run's keys, the path drawn after it).
        self.jumps: dict[KeyPath, dict[Any, tuple[tuple[Any, ...], KeyPath]]] = {}
        self.depth_used = 0
        self.expand_roots: set[KeyPath] = set()
        self.collapsed: set[KeyPath] = set()
        self.run_hidden = 0  # tree nodes in the other members of folded runs
        self.change_paths: list[KeyPath] = []
        # Per opened box: its box children's keys and the item drawn for each range.
        self.slots: dict[KeyPath, tuple[list[Any], list[tuple[_Item, KeyPath]]]] = {}
        self._positions: dict[KeyPath, dict[Any, int]] = {}
        self._sizes: list[int] | None = None
        self._shared: dict[int, int] | None = None
        self.notes: Mapping[KeyPath, str] = {}

    # -- marks --

    def mark_selected(self, path: KeyPath) -> None:
        box = self._box_of(path)
        self._require_visible(box)
        if box == path:
            self.selected.add(path)
        else:
            self.row_selected.setdefault(path.parent, set()).add(path[-1])

    def mark_expanded(self, path: KeyPath) -> None:
        box = self._box_of(path)
        self._require_visible(box, expand=True)
        self.expand_roots.add(box)

    def mark_collapsed(self, paths: list[KeyPath]) -> None:
        self.collapsed.update(self._box_of(path) for path in paths)
        for box in self.collapsed:  # a placeholder the user closed stays in sight...
            if not self._under_collapsed(box):  # ...unless a closed ancestor hides it
                self._require_visible(box)

    def _under_collapsed(self, box: KeyPath) -> bool:
        """True if an ancestor of `box` is collapsed (`box` itself may be: it stays drawn)."""
        return any(KeyPath(box[:i]) in self.collapsed for i in range(len(box)))

    def mark_changes(self, changes: list[Change]) -> None:
        for number, change in enumerate(changes):
            path = change.path
            self.change_paths.append(path)
            if change.kind == "removed":
                parent, key = path.parent, path[-1]
                bucket = self.ghosts if is_box(change.before) else self.removed_rows
                bucket.setdefault(parent, []).append((key, change.before))
                target = parent
            elif not path or is_box(change.after):
                self.node_state[path] = change.kind
                target = path
            else:
                self.row_state.setdefault(path.parent, {})[path[-1]] = (change.kind,
                                                                        change.before)
                target = path.parent
            if number < self.forced_changes:
                box = self._box_of(target)
                if not (self.collapsed and self._under_collapsed(box)):
                    self._require_visible(box)

    def _box_of(self, path: KeyPath) -> KeyPath:
        """The path of the box that shows `path`: itself, or the box it is a row of."""
        node = get(self.tree, path)
        if not path or is_box(node):
            return path
        parent = path.parent
        if not parent or is_box(get(self.tree, parent)):
            return parent
        return parent.parent  # a scalar inside an inlined tuple

    def _require_visible(self, box: KeyPath, expand: bool = False) -> None:
        self.targets.append((box, expand))

    def _plan(self) -> None:
        """Which forced levels are drawn and which runs of them are elided.

        The boxes to keep visible are merged into a trie (linear in their
        depths). A level is drawn if it is among the top levels, a target or
        one of its near ancestors, below an expanded target (within
        `BELOW_LEVELS`), or where paths branch; a longer run of the other
        levels than `ELIDE_AFTER` becomes one elided node. Only drawn levels
        get a KeyPath, so a selection 10,000 levels deep costs O(depth).
        """
        if not self.targets:
            return
        root = _Trie()
        for box, expand in self.targets:
            trie = root
            for key in box:
                child = trie.children.get(key)
                if child is None:
                    child = trie.children[key] = _Trie()
                trie = child
            trie.target = True
            trie.expand = trie.expand or expand
        order: list[tuple[_Trie, int]] = []  # parents first
        stack = [(root, 0)]
        while stack:
            trie, depth = stack.pop()
            order.append((trie, depth))
            below = 1 if trie.expand else trie.below + 1
            for child in trie.children.values():
                child.below = min(below, BELOW_LEVELS + 1)
                stack.append((child, depth + 1))
        for trie, _ in reversed(order):  # children first
            if trie.target:
                trie.near = 0
            for child in trie.children.values():
                trie.near = min(trie.near, child.near + 1)

        def kept(trie: _Trie, depth: int) -> bool:
            return (depth <= TOP_LEVELS or trie.near <= NEAR_LEVELS
                    or trie.below <= BELOW_LEVELS or len(trie.children) != 1)

        walk: list[tuple[_Trie, KeyPath, int]] = [(root, _ROOT, 0)]
        while walk:
            trie, path, depth = walk.pop()
            if trie.expand:
                self.force_open.add(path)
            if not trie.children:
                continue
            self.force_open.add(path)
            self.show_children[path] = set(trie.children)
            for key, child in trie.children.items():
                run = [key]
                node, level = child, depth + 1
                while not kept(node, level):
                    [(next_key, node)] = node.children.items()
                    run.append(next_key)
                    level += 1
                if len(run) - 1 > ELIDE_AFTER:
                    resume = KeyPath((*path, *run))
                    self.jumps.setdefault(path, {})[key] = (tuple(run[:-1]), resume)
                    walk.append((node, resume, level))
                    continue
                # A short run: every level is drawn.
                prefix = path
                for step, run_key in enumerate(run[:-1]):
                    prefix = prefix.child(run_key)
                    self.force_open.add(prefix)
                    self.show_children[prefix] = {run[step + 1]}
                walk.append((node, prefix.child(run[-1]), level))

    # -- layout --

    def build(self, has_diff: bool) -> GraphModel:
        root = self.tree
        if kind_of(root) is None:
            node = GraphNode(_ROOT, "leaf", _name(root),
                             rows=[Row("value", _value_text(root))],
                             state=self.node_state.get(_ROOT, ""),
                             selected=_ROOT in self.selected)
            self._add(node)
            return GraphModel(list(self.nodes.values()), self.edges, sorted(self.tags), has_diff)
        self._plan()
        self.used = 1
        heap: list[tuple[int, int, int, _Open]] = []
        sequence = 0
        heapq.heappush(heap, (self._priority(_ROOT, False), 0, sequence,
                              _Open(_ROOT, root, position=0)))
        while heap:
            priority, _, _, entry = heapq.heappop(heap)
            for child in self._draw_box(entry, priority):
                sequence += 1
                child_priority = self._priority(child.path, child.inside)
                heapq.heappush(heap, (child_priority, len(child.path), sequence, child))
        self._add_ghosts()
        self._mark_hidden_changes()
        total = self._subtree_size_list()[0]
        hidden = sum(node.hidden for node in self.nodes.values()) + self.run_hidden
        return GraphModel(list(self.nodes.values()), self.edges, sorted(self.tags), has_diff,
                          total=total, hidden=min(hidden, total))

    def _priority(self, path: KeyPath, inside_expanded: bool) -> int:
        if path in self.force_open:
            return _FORCED
        return _EXPANDED if inside_expanded else _NORMAL

    def _draw_box(self, entry: _Open, priority: int) -> list[_Open]:
        """Draw the box of `entry`; return the children to draw as boxes of their own."""
        path, node = entry.path, entry.node
        leaves, boxes, order = _split(node)
        graph_node = self._box_node(path, node, leaves, "open")
        if entry.run is not None:
            graph_node.role = "folded"
            graph_node.count, graph_node.first_key, graph_node.last_key = entry.run
            self.run_hidden += (entry.run[0] - 1) * self._subtree_size_list()[entry.position]
        self._add(graph_node)
        if not boxes:
            return []
        forced_keys = self.show_children.get(path, set())
        forced = priority == _FORCED
        if path in self.collapsed and not forced:
            may_open = False
        else:
            may_open = (forced or priority == _EXPANDED or self.depth is None
                        or len(path) < self.depth)
        remaining = self.budget - self.used
        limit = min(self.fanout, remaining)
        if not forced and (not may_open or (limit < len(boxes) and limit < 3)
                           or self.depth_used >= DEPTH_ALLOWANCE):
            if graph_node.role == "open":
                graph_node.role = "collapsed"
            graph_node.hidden = self._hidden_below(entry.position, leaves)
            return []
        items = self._window(boxes, max(limit, 1), forced_keys)
        self.used += len(items)
        self.depth_used += len(items) * (len(path) + 1)
        positions = self._child_positions(entry.position, len(leaves) + len(boxes))
        box_positions = [positions[i] for i in order]
        inside = entry.inside or path in self.expand_roots
        jumps = self.jumps.get(path, {})
        drawn: list[tuple[_Item, KeyPath]] = []
        to_open: list[_Open] = []
        for item in items:
            key, child = boxes[item.start]
            child_path = path.child(key)
            drawn.append((item, child_path))
            if item.kind == "more":
                self._add(self._more_node(path, entry.position, boxes, box_positions, item,
                                          items, leaves))
                self.edges.append(GraphEdge(path, child_path, ""))
                continue
            jump = jumps.get(key) if item.kind == "single" else None
            if jump is not None:
                to_open.append(self._elide(path, child_path, child, box_positions[item.start],
                                           jump, inside))
                continue
            label = _key_text(key)
            run = None
            if item.kind == "run":
                last = _key_text(boxes[item.end - 1][0])
                label = f"{label}…{last}"
                run = (item.end - item.start, _key_text(key), last)
            to_open.append(_Open(child_path, child, inside, run, box_positions[item.start]))
            self.edges.append(GraphEdge(path, child_path, label,
                                        self.node_state.get(child_path, "")))
        self.slots[path] = ([key for key, _ in boxes], drawn)
        return to_open

    def _elide(self, parent: KeyPath, first: KeyPath, child: Any, position: int,
               jump: tuple[tuple[Any, ...], KeyPath], inside: bool) -> _Open:
        """Draw an elided run of levels as one node; return the box drawn after it."""
        run, resume = jump
        node, end = child, position
        for key in (*run[1:], resume[-1]):
            node, end = self._descend(node, end, key)
        sizes = self._subtree_size_list()
        self._add(GraphNode(first, "elided", f"… {len(run):,} levels …",
                            hidden=sizes[position] - sizes[end], count=len(run),
                            first_key=_key_text(run[0]), last_key=_key_text(run[-1])))
        self.edges.append(GraphEdge(parent, first, _key_text(run[0]),
                                    self.node_state.get(first, "")))
        self.edges.append(GraphEdge(first, resume, _key_text(resume[-1]),
                                    self.node_state.get(resume, "")))
        self.used += 1
        return _Open(resume, node, inside, None, end)

    def _descend(self, node: Any, position: int, key: Any) -> tuple[Any, int]:
        """The child of `node` under `key` and its traversal position."""
        sizes = self._subtree_size_list()
        kind = kind_of(node)
        at = position + 1
        for child_key, child in kind.children(node) if kind is not None else ():
            if type(child_key) is type(key) and (child_key == key or child_key is key):
                return child, at
            at += sizes[at]
        raise PathError(f"no key {key!r} below {_name(node)}")  # planned from real paths

    def _child_positions(self, position: int, count: int) -> list[int]:
        """Traversal positions of a node's `count` children (children of the index's walk)."""
        sizes = self._subtree_size_list()
        positions = []
        at = position + 1
        for _ in range(count):
            positions.append(at)
            at += sizes[at]
        return positions

    def _window(self, boxes: list[tuple[Any, Any]], limit: int,
                forced_keys: set[Any]) -> list[_Item]:
        """The items under a box: the first `limit` slots, forced children, "more" for gaps."""
        n = len(boxes)
        items: list[_Item] = []
        plain = 0
        signatures: dict[int, Any] = {}
        i = 0
        while i < n:
            key, _ = boxes[i]
            if key in forced_keys:
                items.append(_Item("single", i, i + 1))
                i += 1
                continue
            if plain >= limit:
                break
            end = self._run_end(boxes, i, forced_keys, signatures)
            if end - i >= FOLD_MIN:
                items.append(_Item("run", i, end))
                i = end
            else:
                items.append(_Item("single", i, i + 1))
                i += 1
            plain += 1
        if i >= n:
            return items
        # Not everything fits: the last plain slot goes to the first "more" range.
        for back in range(len(items) - 1, -1, -1):
            item = items[back]
            if item.kind != "single" or boxes[item.start][0] not in forced_keys:
                del items[back:]  # forced children after it are found again below
                i = item.start
                break
        result: list[_Item] = list(items)
        gap_start = i
        for j in range(i, n):
            if boxes[j][0] in forced_keys:
                result.extend(_gap(gap_start, j))
                result.append(_Item("single", j, j + 1))
                gap_start = j + 1
        result.extend(_gap(gap_start, n))
        return result

    def _run_end(self, boxes: list[tuple[Any, Any]], start: int, forced_keys: set[Any],
                 signatures: dict[int, Any]) -> int:
        """End of the run of siblings identical to `boxes[start]`.

        A one-level signature filters candidates; a structural comparison with
        a per-render allowance of visited nodes confirms them, so folding never
        walks more than a fixed number of nodes, however big the run.
        """
        first = boxes[start][1]
        signature = signatures.get(start)
        if signature is None:
            signature = signatures[start] = self._signature(boxes, start)
        end = start + 1
        while end < len(boxes):
            key, child = boxes[end]
            if key in forced_keys:
                break
            other = signatures.get(end)
            if other is None:
                other = signatures[end] = self._signature(boxes, end)
            if other != signature or not self._same(first, child):
                break
            end += 1
        return end

    def _signature(self, boxes: list[tuple[Any, Any]], position: int) -> Any:
        """Type, subtree size, and (key, type, scalar value) of each child: one level."""
        node = boxes[position][1]
        kind = kind_of(node)
        parts: list[Any] = [type(node), node.function if isinstance(node, Call) else None]
        if kind is not None:
            for child_key, child in kind.children(node):
                cls = type(child)
                parts.append((child_key, cls, child if cls in _SCALARS else None))
        return tuple(parts)

    def _same(self, a: Any, b: Any) -> bool:
        """Structural equality (types, keys, leaf values) within the visiting allowance."""
        if a is b:
            return True
        if type(a) is not type(b):
            return False
        kind = kind_of(a)
        if kind is None:
            return eq(a, b)
        if self.allowance <= 0:
            return False  # out of allowance: stop folding rather than walk on
        self.allowance -= 1
        if isinstance(a, Call) and a.function is not b.function:
            return False
        children_a = list(kind.children(a))
        children_b = list(kind.children(b))
        if len(children_a) != len(children_b):
            return False
        for (key_a, child_a), (key_b, child_b) in zip(children_a, children_b):
            if key_a != key_b or not self._same(child_a, child_b):
                return False
        return True

    # -- node contents --

    def _box_node(self, path: KeyPath, node: Any, leaves: list[tuple[Any, Any]],
                  role: Role) -> GraphNode:
        tags = tuple(sorted(tags_of(node)))
        rows, more = self._rows(path, node, leaves)
        name = _name(node) + self._shared_note(node)
        graph_node = GraphNode(path, role, name, tags, rows, more,
                               state=self.node_state.get(path, ""),
                               selected=path in self.selected, note=self.notes.get(path, ""))
        if not graph_node.state and any(r.mark for r in rows):
            graph_node.state = "changed"  # a changed leaf marks its box
            graph_node.rows_changed = True
        return graph_node

    def _shared_note(self, node: Any) -> str:
        """The name suffix for an object at several paths whose sharing edits keep (torch)."""
        if self._shared is None:
            shared = index_of(self.tree).shared
            self._shared = {key: len(found) for key, found in shared.items()}
        count = self._shared.get(id(node), 0)
        return f" (at {count} places)" if count else ""

    def _rows(self, path: KeyPath, node: Any, leaves: list[tuple[Any, Any]]
              ) -> tuple[list[Row], int]:
        marks = self.row_state.get(path, {})
        selected = self.row_selected.get(path, set())
        removed = self.removed_rows.get(path, [])
        hyper = hyper_of(node) if leaves else ()
        if hyper:
            position = {key: i for i, key in enumerate(hyper)}
            first = sorted((kv for kv in leaves if kv[0] in position),
                           key=lambda kv: position[kv[0]])
            ordered = first + [kv for kv in leaves if kv[0] not in position]
        else:
            ordered = leaves
        hyper_keys = set(hyper)

        def marked(key: Any) -> bool:
            return key in marks or key in selected or self._inner_mark(path, key) != ""

        if len(ordered) > MAX_ROWS:
            keep = [kv for kv in ordered if marked(kv[0])][:MAX_ROWS]
            room = MAX_ROWS - len(keep)
            kept = {id(kv) for kv in keep}
            for kv in ordered:
                if room <= 0:
                    break
                if id(kv) not in kept:
                    kept.add(id(kv))
                    room -= 1
            visible = [kv for kv in ordered if id(kv) in kept]
        else:
            visible = ordered
        rows = []
        for key, value in visible:
            row = Row(_key_text(key), _value_text(value), hyper=key in hyper_keys)
            mark = marks.get(key)
            if mark is not None:
                row.mark = mark[0]
                if mark[0] == "changed":
                    row.before = _value_text(mark[1], 24)
            else:
                row.mark = self._inner_mark(path, key)
            row.selected = key in selected or bool(self.row_selected.get(path.child(key)))
            rows.append(row)
        for key, value in removed[:MAX_ROWS]:
            rows.append(Row(_key_text(key), _value_text(value), mark="removed"))
        return rows, len(ordered) - len(visible)

    def _inner_mark(self, path: KeyPath, key: Any) -> Mark:
        """"changed" if something inside the inlined tuple at `path.key` changed."""
        inner = path.child(key)
        if inner in self.row_state or inner in self.removed_rows or inner in self.ghosts:
            return "changed"
        return ""

    def _more_node(self, path: KeyPath, position: int, boxes: list[tuple[Any, Any]],
                   box_positions: list[int], item: _Item, items: list[_Item],
                   leaves: list[tuple[Any, Any]]) -> GraphNode:
        key = boxes[item.start][0]
        sizes = self._subtree_size_list()
        if item.end == len(boxes) and item.end - item.start > 64:
            # The tail range of a wide box: total minus what is drawn, not a sum over it.
            shown = sum(sizes[box_positions[j]]
                        for other in items if other is not item
                        for j in range(other.start, other.end))
            hidden = self._hidden_below(position, leaves) - shown
        else:
            hidden = sum(sizes[box_positions[j]] for j in range(item.start, item.end))
        return GraphNode(path.child(key), "more", f"+{item.end - item.start} more",
                         hidden=hidden, count=item.end - item.start,
                         first_key=_key_text(key), last_key=_key_text(boxes[item.end - 1][0]))

    def _hidden_below(self, position: int, leaves: list[tuple[Any, Any]]) -> int:
        """Tree nodes under the node at `position` that are not rows of it."""
        total = self._subtree_size_list()[position] - 1
        return total - sum(_size(value) for _, value in leaves)

    def _subtree_size_list(self) -> list[int]:
        if self._sizes is None:
            self._sizes = index_of(self.tree).sizes
        return self._sizes

    def _add(self, node: GraphNode) -> None:
        self.nodes[node.path] = node
        self.tags.update(node.tags)

    # -- diff ghosts and changes hidden in placeholders --

    def _add_ghosts(self) -> None:
        for parent, removed in self.ghosts.items():
            owner = self.nodes.get(parent)
            if owner is None or owner.role != "open":
                continue
            for key, before in removed[:MAX_GHOSTS]:
                path = parent.child(key)
                tags = tuple(sorted(tags_of(before)))
                self._add(GraphNode(path, "removed", _name(before), tags, state="removed"))
                self.edges.append(GraphEdge(parent, path, _key_text(key), "removed"))
            if owner.state == "":
                owner.state = "changed"

    def _mark_hidden_changes(self) -> None:
        for path in self.change_paths[:4096]:
            owner = self._owner(path)
            if owner is not None and owner.state == "" and owner.role != "open":
                owner.state = "changed"

    def _position(self, parent: KeyPath, key: Any) -> int | None:
        """Index of `key` among the box children of the opened box at `parent`."""
        positions = self._positions.get(parent)
        if positions is None:
            positions = self._positions[parent] = {
                k: j for j, k in enumerate(self.slots[parent][0])}
        return positions.get(key)

    def _owner(self, path: KeyPath) -> GraphNode | None:
        """The drawn node whose box (or placeholder) holds `path`, found from the root down."""
        current, depth = _ROOT, 0
        node = self.nodes.get(_ROOT)
        while node is not None:
            if depth == len(path) or node.role != "open" or current not in self.slots:
                return node
            position = self._position(current, path[depth])
            found = None
            for item, item_path in self.slots[current][1]:
                if position is not None and item.start <= position < item.end:
                    found = item, item_path
                    break
            if found is None:
                return node
            item, item_path = found
            child = self.nodes.get(item_path)
            if child is None:
                return node
            if item.kind != "single" or child.role not in ("open", "elided"):
                return child
            if child.role == "elided":
                run, resume = self.jumps[current][path[depth]]
                end = depth + len(run)
                if len(path) <= end or tuple(path[depth:end + 1]) != (*run, resume[-1]):
                    return child
                current, depth = resume, end + 1
            else:
                current, depth = item_path, depth + 1
            node = self.nodes.get(current)
        return None


# -- helpers ---------------------------------------------------------------------


def _paths(values: Any, argument: str) -> list[KeyPath]:
    if isinstance(values, (str, KeyPath)):
        values = [values]
    try:
        return [as_path(value) for value in values]
    except TypeError as exc:
        raise PathError(f"{argument}= expects paths (str or KeyPath), "
                        f"got {short_repr(values, 80)}") from exc


def _gap(start: int, end: int) -> list[_Item]:
    if end - start <= 0:
        return []
    if end - start == 1:
        return [_Item("single", start, end)]  # a "+1 more" costs the same slot as the child
    return [_Item("more", start, end)]


def _split(node: Any) -> tuple[list[tuple[Any, Any]], list[tuple[Any, Any]], list[int]]:
    """A box's children as (rows, boxes, each box's place among all the children)."""
    kind = kind_of(node)
    leaves: list[tuple[Any, Any]] = []
    boxes: list[tuple[Any, Any]] = []
    order: list[int] = []
    if kind is None:
        return leaves, boxes, order
    for i, (key, child) in enumerate(kind.children(node)):
        if is_box(child):
            boxes.append((key, child))
            order.append(i)
        else:
            leaves.append((key, child))
    return leaves, boxes, order


def _inline(value: Any) -> bool:
    """Short tuples and lists of scalars (`kernel=(3, 3)`) and empty containers are rows."""
    cls = type(value)
    if cls is tuple or cls is list:
        return len(value) <= INLINE_ITEMS and all(type(v) in _SCALARS for v in value)
    if cls is dict:
        return not value
    return False


def _size(value: Any) -> int:
    """Tree nodes a row stands for: 1, or 1 + items for an inlined tuple."""
    if type(value) in (tuple, list):
        return 1 + len(value)
    return 1


def _name(node: Any) -> str:
    try:
        kind = kind_of(node)
        text = display_name(node, kind.label if kind is not None else None)
    except Exception:
        text = type(node).__name__
    if not isinstance(text, str):
        text = type(node).__name__
    return shorten(text, NAME_LIMIT)


def _key_text(key: Any) -> str:
    try:
        text = str(KeyPath((key,)))
    except Exception:
        text = f"[<{type(key).__name__}>]"
    return shorten(text, VALUE_LIMIT)


def _value_text(value: Any, limit: int = VALUE_LIMIT) -> str:
    """A one-line repr of a leaf, cut at `limit` characters with "…"."""
    cls = type(value)
    if cls is tuple or cls is list:
        inner = ", ".join(_value_text(v, limit) for v in value[: INLINE_ITEMS + 1])
        text = ("(" + inner + ("," if len(value) == 1 else "") + ")" if cls is tuple
                else "[" + inner + "]")
    elif isinstance(value, (str, bytes, bytearray)):
        text = repr(value[: limit + 2])  # never repr a huge string whole
        if len(value) > limit + 2:
            text = text[:-1]
    elif isinstance(value, (type, types.FunctionType)):  # a Fiddle config's callable
        text = getattr(value, "__qualname__", None) or cls.__name__
    else:
        text = safe_repr(value)
    return shorten(" ".join(text.split()), limit)


