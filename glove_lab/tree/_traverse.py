"""Walking a tree: traverse, get, paths, and the per-root index that makes queries O(hits).

A root never changes (edits return new roots), so the facts computed for it
(its nodes in traversal order, by type and by tag) are computed once and
reused by every query, render and rule on that root.
"""

from __future__ import annotations

import fnmatch
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from typing import Any, cast

from glove_lab.errors import GloveError, PathError
from glove_lab.tree._keypath import KeyPath, PathSpec, as_path, describe_path
from glove_lab.tree._kinds import kind_of, kind_of_type
from glove_lab.tree._symbolic import Call, SymbolicFunction
from glove_lab.tree._tags import tags_of, type_tags

__all__ = ["traverse", "get", "paths", "query", "index_of", "cached_index", "TreeIndex",
           "PathGlob"]

_ROOT = KeyPath()
MAX_DEPTH = 100_000


def _too_deep() -> GloveError:
    return GloveError(f"the tree is more than {MAX_DEPTH:,} levels deep: does it contain "
                      "itself (a list appended to itself, a module that is its own child)?")


def traverse(tree: Any) -> Iterator[tuple[KeyPath, Any]]:
    """Yield `(KeyPath, node)` for every node, depth-first, parents before children."""
    stack: list[tuple[KeyPath, Any]] = [(_ROOT, tree)]
    pop, push = stack.pop, stack.append
    new = tuple.__new__
    while stack:
        path, node = pop()
        if len(path) > MAX_DEPTH:
            raise _too_deep()
        yield path, node
        kind = kind_of(node)
        if kind is not None:
            children = list(kind.children(node))
            for key, child in reversed(children):
                push((new(KeyPath, (*path, key)), child))


def get(tree: Any, path: PathSpec) -> Any:
    """The node at `path`; raises PathError naming the first key that does not exist."""
    keys = as_path(path)
    node = tree
    for depth, key in enumerate(keys):
        node = _child(node, key, keys, depth)
    return node


def paths(tree: Any) -> list[KeyPath]:
    """Every node's path, in traversal order."""
    return [path for path, _ in index_of(tree).entries]


def query(tree: Any, tag: str | None = None, type: Any = None, path: str | None = None,
          where: Callable[[Any], bool] | None = None) -> dict[str, Any]:
    """Nodes meeting every given criterion, as `{str(path): node}` in traversal order.

    Args:
        tag: a tag the node carries (`gl.tags_of`).
        type: a type (subclasses match), a tuple of types, or a symbolic function
            (its deferred calls match).
        path: a glob over paths: `*` is one key, `**` any number of keys
            (`"blocks[*].conv"`, `"**.act"`).
        where: a predicate `fn(node) -> bool`.
    """
    index = index_of(tree)
    glob = PathGlob(path) if path is not None else None
    nodes, path_at = index.nodes, index.path_at
    return {str(path_at(i)): nodes[i]
            for i in index.matching(tag=tag, type=type, glob=glob, where=where)}


_Walk = tuple[list[Any], list[int], list[Any], dict[type, list[int]]]


def _walk(root: Any) -> _Walk:
    """Every node in traversal order with its parent's position and its key, and the
    positions of each exact type, in one recursive pass (the index's hot loop).

    No KeyPath is made here: `TreeIndex.path_at` makes them on demand. A tree
    too deep for the recursion limit is walked again with an explicit stack.
    """
    nodes: list[Any] = [root]
    parents: list[int] = [-1]
    keys: list[Any] = [None]
    add_node, add_parent, add_key = nodes.append, parents.append, keys.append
    # Per type seen: (its kind, positions of its nodes): one lookup per node for both.
    seen: dict[type, tuple[Any, list[int]]] = {type(root): (kind_of(root), [0])}

    def visit(node: Any, kind: Any, position: int) -> None:
        for key, child in kind.children(node):
            i = len(nodes)
            add_node(child)
            add_parent(position)
            add_key(key)
            cls = type(child)
            facts = seen.get(cls)
            if facts is None:
                facts = seen[cls] = (kind_of_type(cls), [])
            facts[1].append(i)
            if facts[0] is not None:
                visit(child, facts[0], i)

    root_kind = seen[type(root)][0]
    if root_kind is not None:
        try:
            visit(root, root_kind, 0)
        except RecursionError:
            return _walk_with_stack(root)
    return nodes, parents, keys, {cls: positions for cls, (_, positions) in seen.items()}


def _walk_with_stack(root: Any) -> _Walk:
    """`_walk` without recursion, for very deep trees."""
    nodes: list[Any] = []
    parents: list[int] = []
    keys: list[Any] = []
    by_type: dict[type, list[int]] = {}
    stack: list[tuple[Any, int, Any, int]] = [(root, -1, None, 0)]
    while stack:
        node, parent, key, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _too_deep()
        i = len(nodes)
        nodes.append(node)
        parents.append(parent)
        keys.append(key)
        by_type.setdefault(type(node), []).append(i)
        kind = kind_of(node)
        if kind is not None:
            stack.extend([(child, i, k, depth + 1) for k, child in kind.children(node)][::-1])
    return nodes, parents, keys, by_type


class TreeIndex:
    """Facts about one root: nodes in traversal order, positions by type and tag.

    `nodes[i]` is the i-th node in traversal order, `parents[i]` its parent's
    position (-1 for the root) and `keys[i]` its key in that parent;
    `by_type[cls]` lists the positions of the nodes of exact type `cls`. Paths
    are made on demand (`path_at`), all of them only when `entries` is asked for.
    """

    def __init__(self, root: Any) -> None:
        self.root = root
        self.nodes: list[Any]
        self.parents: list[int]
        self.keys: list[Any]
        self.by_type: dict[type, list[int]]
        self.nodes, self.parents, self.keys, self.by_type = _walk(root)
        self._paths: list[KeyPath | None] = [None] * len(self.nodes)
        self._paths[0] = _ROOT
        self._entries: list[tuple[KeyPath, Any]] | None = None
        self._by_tag: dict[str, list[int]] | None = None
        self._subtree_sizes: dict[KeyPath, int] | None = None
        self._sizes: list[int] | None = None
        self._child_maps: dict[int, dict[Any, int]] = {}
        self._positions: dict[KeyPath, int] | None = None
        self._shared: dict[int, list[int]] | None = None
        self._node_ids: frozenset[int] | None = None

    def path_at(self, position: int) -> KeyPath:
        """The path of the node at a traversal position (made once, then kept).

        Only this path is made (from its nearest known ancestor's and the keys
        between), not every ancestor's: O(depth) for a node 10,000 levels deep.
        """
        paths = self._paths
        path = paths[position]
        if path is None:
            keys, parents = self.keys, self.parents
            chain = []
            at = position
            while path is None:
                chain.append(keys[at])
                at = parents[at]
                path = paths[at]
            chain.reverse()
            path = paths[position] = tuple.__new__(KeyPath, (*path, *chain))
        return path

    @property
    def entries(self) -> list[tuple[KeyPath, Any]]:
        """`(path, node)` for every node, in traversal order (`list(traverse(root))`)."""
        if self._entries is None:
            paths, parents, keys, new = self._paths, self.parents, self.keys, tuple.__new__
            # The same list, read where paths are known: parents come first, so
            # a parent's path exists before its children's, and all do after the loop.
            made = cast("list[KeyPath]", paths)
            for i in range(1, len(paths)):
                if paths[i] is None:
                    paths[i] = new(KeyPath, (*made[parents[i]], keys[i]))
            self._entries = list(zip(made, self.nodes))
        return self._entries

    @property
    def by_tag(self) -> dict[str, list[int]]:
        """Positions of the nodes carrying each tag."""
        if self._by_tag is None:
            by_tag: dict[str, list[int]] = {}
            nodes = self.nodes
            for cls, positions in self.by_type.items():
                kind = kind_of_type(cls)
                if cls is Call or (kind is not None and kind.tags is not None):
                    for i in positions:  # tags that differ node by node
                        for name in tags_of(nodes[i]):
                            by_tag.setdefault(name, []).append(i)
                    continue
                for name in type_tags(cls):
                    by_tag.setdefault(name, []).extend(positions)
            for bucket in by_tag.values():
                bucket.sort()
            self._by_tag = by_tag
        return self._by_tag

    @property
    def node_ids(self) -> frozenset[int]:
        """The `id` of every node (the root holds them all, so the ids stay valid)."""
        if self._node_ids is None:
            self._node_ids = frozenset(map(id, self.nodes))
        return self._node_ids

    def positions_along(self, path: Iterable[Any]) -> list[int]:
        """Traversal positions of `path`'s nodes below the root, one per key, in order.

        Shorter than `path` if a key does not exist. Each step looks the key up
        in its parent's children (a dict made once per parent), so no path is
        made: O(depth), however deep, and O(1) per level however wide.
        """
        found: list[int] = []
        position = 0
        maps, sizes, keys = self._child_maps, self.sizes, self.keys
        for key in path:
            children = maps.get(position)
            if children is None:
                children = {}
                at, end = position + 1, position + sizes[position]
                while at < end:
                    children.setdefault(keys[at], at)
                    at += sizes[at]
                maps[position] = children
            try:
                child = children.get(key)
            except TypeError:  # an unhashable key: no such child
                child = None
            if child is not None and type(keys[child]) is not type(key):
                child = self._exact_child(position, key)  # 1, 1.0 and True are one dict key
            if child is None:
                break
            found.append(child)
            position = child
        return found

    def _exact_child(self, position: int, key: Any) -> int | None:
        sizes, keys = self.sizes, self.keys
        at, end = position + 1, position + sizes[position]
        while at < end:
            if type(keys[at]) is type(key) and keys[at] == key:
                return at
            at += sizes[at]
        return None

    def position_of(self, path: KeyPath) -> int | None:
        """The traversal position of the node at `path`, or None if there is none."""
        if not path:
            return 0
        along = self.positions_along(path)
        return along[-1] if len(along) == len(path) else None

    @property
    def positions_by_path(self) -> dict[KeyPath, int]:
        """Traversal position of each path."""
        if self._positions is None:
            self._positions = {path: i for i, (path, _) in enumerate(self.entries)}
        return self._positions

    @property
    def shared(self) -> dict[int, list[int]]:
        """Positions of each object found at several positions whose kind has `identity`.

        Keyed by `id(node)`; empty (and cheap: one check per type) for trees
        without such kinds, e.g. symbolic objects, lists and dicts.
        """
        if self._shared is None:
            places: dict[int, list[int]] = {}
            nodes = self.nodes
            for cls, positions in self.by_type.items():
                kind = kind_of_type(cls)
                if kind is None or not kind.identity:
                    continue
                for i in positions:
                    places.setdefault(id(nodes[i]), []).append(i)
            self._shared = {key: sorted(found) for key, found in places.items()
                            if len(found) > 1}
        return self._shared

    @property
    def sizes(self) -> list[int]:
        """Number of nodes in the subtree at each traversal position (itself included).

        A node's children follow it: the first at `i + 1`, each next one
        `sizes[child]` further on, so subtrees are found without any path.
        """
        if self._sizes is None:
            counts = [1] * len(self.nodes)
            parents = self.parents
            for i in range(len(counts) - 1, 0, -1):  # children come after their parent
                counts[parents[i]] += counts[i]
            self._sizes = counts
        return self._sizes

    @property
    def subtree_sizes(self) -> dict[KeyPath, int]:
        """Number of nodes in the subtree at each path (itself included)."""
        if self._subtree_sizes is None:
            self._subtree_sizes = dict(zip((path for path, _ in self.entries), self.sizes))
        return self._subtree_sizes

    def positions(self, tag: str | None = None, type: Any = None) -> list[int] | range:
        """Positions matching a tag and/or a type, in traversal order."""
        if type is None and tag is None:
            return range(len(self.nodes))
        result: list[int] | None = None
        if type is not None:
            result = self._type_positions(type)
        if tag is not None:
            tagged = self.by_tag.get(tag, [])
            result = tagged if result is None else sorted(set(result) & set(tagged))
        return result if result is not None else []

    def matching(self, tag: str | None = None, type: Any = None, glob: PathGlob | None = None,
                 where: Callable[[Any], bool] | None = None) -> Iterator[int]:
        """Positions of the nodes meeting every given criterion, in traversal order.

        The one matching loop behind `query` and `Match.select`: tag and type
        come from the index, then the path glob and the predicate are checked,
        lazily, so a caller that wants only the first match stops there.
        """
        positions = self.positions(tag=tag, type=type)
        if glob is None and where is None:
            return iter(positions)  # no per-node check: no generator to run either
        return self._checked(positions, glob, where)

    def _checked(self, positions: Iterable[int], glob: PathGlob | None,
                 where: Callable[[Any], bool] | None) -> Iterator[int]:
        nodes, path_at = self.nodes, self.path_at
        for i in positions:
            if glob is not None and not glob.match(path_at(i)):
                continue
            if where is not None and not where(nodes[i]):
                continue
            yield i

    def _type_positions(self, wanted: Any) -> list[int]:
        if isinstance(wanted, SymbolicFunction):
            return [i for i in self.by_type.get(Call, []) if self.nodes[i].function is wanted]
        if not isinstance(wanted, (type, tuple)):
            raise TypeError(f"query(type=...) expects a type, tuple of types or symbolic "
                            f"function, got {wanted!r}")
        buckets = [positions for cls, positions in self.by_type.items()
                   if issubclass(cls, wanted)]
        if len(buckets) == 1:
            return buckets[0]
        return sorted(i for bucket in buckets for i in bucket)


_CACHE: OrderedDict[int, tuple[Any, tuple[int, ...], TreeIndex]] = OrderedDict()
_CACHE_SIZE = 16


def cached_index(tree: Any) -> TreeIndex | None:
    """The index of a root if one is cached already, else None (nothing is built)."""
    hit = _CACHE.get(id(tree))
    if hit is not None and hit[0] is tree and hit[1] == _stamp(tree):
        return hit[2]
    return None


def index_of(tree: Any) -> TreeIndex:
    """The (cached) index of a root. Trees are values: do not mutate one in place."""
    key = id(tree)
    hit = _CACHE.get(key)
    stamp = _stamp(tree)
    if hit is not None and hit[0] is tree and hit[1] == stamp:
        _CACHE.move_to_end(key)
        return hit[2]
    index = TreeIndex(tree)
    _CACHE[key] = (tree, stamp, index)
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return index


def _stamp(tree: Any) -> tuple[int, ...]:
    """Identities of the root's children: catches the common in-place mutation."""
    kind = kind_of(tree)
    if kind is None:
        return ()
    return tuple(id(child) for _, child in kind.children(tree))


def _child(node: Any, key: Any, keys: KeyPath, depth: int) -> Any:
    kind = kind_of(node)
    if kind is None:
        where = describe_path(KeyPath(keys[:depth]))
        raise PathError(
            f"path {describe_path(keys)} does not exist: {where[:200]} is a leaf "
            f"({type(node).__name__}) with no key {describe_path(KeyPath((key,)))}"
        )
    for child_key, child in kind.children(node):
        if type(child_key) is type(key) and (child_key == key or _both_nan(child_key, key)):
            return child
    where = describe_path(KeyPath(keys[:depth]))
    available = [str(KeyPath((k,)))[:60] for k, _ in kind.children(node)]
    shown = ", ".join(available[:12]) + (", ..." if len(available) > 12 else "")
    # `blocks.0` parses as the index 0; a dict-like parent may hold the name "0" instead.
    spelled = (type(key) is int and next(
        (k for k, _ in kind.children(node) if k == str(key)), None)) or None
    hint = "" if spelled is None else (
        f"; did you mean {str(KeyPath((*keys[:depth], spelled, *keys[depth + 1:])))!r}?")
    raise PathError(
        f"path {describe_path(keys)} does not exist: {where[:200]} ({type(node).__name__}) "
        "has no key "
        f"{describe_path(KeyPath((key,)))}; it has: {shown or 'no children'}{hint[:300]}"
    )


def _both_nan(a: Any, b: Any) -> bool:
    """nan keys: a path parsed from `[nan]` holds another nan object, never `==` to the key."""
    return type(a) is float and a != a and b != b


class PathGlob:
    """A compiled path pattern: `*` matches one key, `**` any number of keys."""

    # A bracket holds an index or a quoted key, which may itself contain "]".
    _TOKEN = re.compile(r"""\*\*|\[\*\]|\[(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\]"'])*\]"""
                        r"|[A-Za-z0-9_*?]+|\.")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.tokens: list[Any] = []
        pos = 0
        for m in self._TOKEN.finditer(pattern):
            if m.start() != pos:
                raise PathError(f"malformed path pattern {pattern!r} at position {pos}")
            pos = m.end()
            text = m.group()
            if text == ".":
                continue
            if text == "**":
                self.tokens.append(_ANY_DEPTH)
            elif text == "[*]" or text == "*":
                self.tokens.append(_ANY_KEY)
            elif text.startswith("["):
                self.tokens.append(("key", KeyPath.parse(text)[0]))
            elif "*" in text or "?" in text:
                self.tokens.append(("glob", text))
            elif text.isdigit() and str(int(text)) == text:
                self.tokens.append(("key", int(text)))  # torch's spelling of an index
            else:
                self.tokens.append(("key", text))
        if pos != len(pattern):
            raise PathError(f"malformed path pattern {pattern!r} at position {pos}")

    def match(self, path: KeyPath) -> bool:
        """True if `path` matches the whole pattern."""
        return _match(self.tokens, 0, tuple(path), 0)


_ANY_KEY = ("any",)
_ANY_DEPTH = ("anydepth",)


def _match(tokens: list[Any], t: int, keys: tuple, k: int) -> bool:
    while t < len(tokens):
        token = tokens[t]
        if token is _ANY_DEPTH:
            return any(_match(tokens, t + 1, keys, j) for j in range(k, len(keys) + 1))
        if k >= len(keys):
            return False
        key = keys[k]
        if token is _ANY_KEY:
            pass
        elif token[0] == "key":
            if key != token[1] or type(key) is not type(token[1]):
                return False
        elif not (isinstance(key, str) and fnmatch.fnmatchcase(key, token[1])):
            return False
        t += 1
        k += 1
    return k == len(keys)
