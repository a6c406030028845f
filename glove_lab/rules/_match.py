"""Match: which nodes a rule applies to, by tag, type, path glob and predicate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from glove_lab.tree import Call, KeyPath, PathGlob, SymbolicFunction, index_of, tags_of

__all__ = ["Match"]


class Match:
    """A node predicate; all given criteria must hold. Combine with `&`, `|`, `~`.

    Args:
        tag: a tag the node carries.
        type: a type (subclasses match), tuple of types, or symbolic function.
        path: a path glob (`"blocks[*].conv"`, `"**.act"`).
        where: `fn(node) -> bool`.
    """

    def __init__(self, tag: str | None = None, type: Any = None, path: str | None = None,
                 where: Callable[[Any], bool] | None = None) -> None:
        self.tag = tag
        self.type = type
        self.path = path
        self.where = where
        self._glob = PathGlob(path) if path is not None else None

    def matches(self, path: KeyPath, node: Any) -> bool:
        """True if the node at `path` meets every criterion."""
        if self.tag is not None and self.tag not in tags_of(node):
            return False
        if self.type is not None:
            if isinstance(self.type, SymbolicFunction):
                if not (isinstance(node, Call) and node.function is self.type):
                    return False
            elif not isinstance(node, self.type):
                return False
        if self._glob is not None and not self._glob.match(path):
            return False
        return self.where is None or bool(self.where(node))

    def select(self, tree: Any) -> list[tuple[KeyPath, Any]]:
        """Every matching `(path, node)` of `tree`, in traversal order (uses the root's index)."""
        index = index_of(tree)
        nodes, path_at = index.nodes, index.path_at
        return [(path_at(i), nodes[i]) for i in
                index.matching(tag=self.tag, type=self.type, glob=self._glob, where=self.where)]

    def tags(self) -> frozenset[str]:
        """Every tag this matcher mentions (so exported code can import their annotations)."""
        return frozenset({self.tag} if self.tag is not None else ())

    def exists(self, tree: Any) -> bool:
        """True if some node of `tree` matches (stops at the first)."""
        matching = index_of(tree).matching(tag=self.tag, type=self.type, glob=self._glob,
                                           where=self.where)
        return next(matching, None) is not None

    def __and__(self, other: Match) -> Match:
        return _Combined("and", self, other)

    def __or__(self, other: Match) -> Match:
        return _Combined("or", self, other)

    def __invert__(self) -> Match:
        return _Not(self)

    def __repr__(self) -> str:
        parts = [f"{name}={value!r}" for name, value in
                 (("tag", self.tag), ("type", self.type), ("path", self.path),
                  ("where", self.where)) if value is not None]
        return f"Match({', '.join(parts)})"


class _Combined(Match):
    """`left & right` (op "and") or `left | right` (op "or")."""

    def __init__(self, op: str, left: Match, right: Match) -> None:
        super().__init__()
        self.op, self.left, self.right = op, left, right

    def matches(self, path: KeyPath, node: Any) -> bool:
        if self.op == "and":
            return self.left.matches(path, node) and self.right.matches(path, node)
        return self.left.matches(path, node) or self.right.matches(path, node)

    def tags(self) -> frozenset[str]:
        return self.left.tags() | self.right.tags()

    def exists(self, tree: Any) -> bool:
        if self.op == "and":
            return any(self.right.matches(p, n) for p, n in self.left.select(tree))
        return any(self.matches(p, n) for p, n in index_of(tree).entries)

    def select(self, tree: Any) -> list[tuple[KeyPath, Any]]:
        if self.op == "and":
            return [(p, n) for p, n in self.left.select(tree) if self.right.matches(p, n)]
        return [(p, n) for p, n in index_of(tree).entries if self.matches(p, n)]

    def __repr__(self) -> str:
        return f"({self.left!r} {'&' if self.op == 'and' else '|'} {self.right!r})"


class _Not(Match):
    """`~operand`: the nodes `operand` does not match."""

    def __init__(self, operand: Match) -> None:
        super().__init__()
        self.operand = operand

    def matches(self, path: KeyPath, node: Any) -> bool:
        return not self.operand.matches(path, node)

    def tags(self) -> frozenset[str]:
        return self.operand.tags()

    def exists(self, tree: Any) -> bool:
        return any(self.matches(p, n) for p, n in index_of(tree).entries)

    def select(self, tree: Any) -> list[tuple[KeyPath, Any]]:
        return [(p, n) for p, n in index_of(tree).entries if self.matches(p, n)]

    def __repr__(self) -> str:
        return f"~{self.operand!r}"
