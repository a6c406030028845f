"""Match: which nodes a rule applies to, by tag, type, path glob and predicate.

One predicate, `Match.decide(tree, path, node)`, answers for every use: the
nodes a rule rewrites when applied everywhere (`select`), whether it may be
applied at a chosen path (`apply(..., at=)`), and which rules the palette
lists at a node (`gl.rules(tree, at=)`). Its answer is True (the rule
applies), False (the node is not what the rule is about), or a reason (the
node is what the rule is about, but the rule leaves it alone: reported in
the step's summary and in the error of an `at=` request).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Literal

from glove_lab.errors import RuleError
from glove_lab.tree import (
    Call,
    KeyPath,
    PathGlob,
    SymbolicFunction,
    TreeIndex,
    index_of,
    short_repr,
    tag_origin,
    tags_of,
)

__all__ = ["Match", "Verdict", "extra_behaviour"]

Verdict = bool | str  # True: applies; False: not a candidate; text: a candidate left alone
Subclasses = bool | Literal["plain"]


class Match:
    """A node predicate; all given criteria must hold. Combine with `&`, `|`, `~`.

    Args:
        tag: a tag the node carries.
        type: a type, tuple of types, or symbolic function.
        path: a path glob (`"blocks[*].conv"`, `"**.act"`).
        where: `fn(node) -> bool`.
        subclasses: which instances of `type` (or carriers of `tag`) match:
            True (default) any instance, subclasses included (`isinstance`);
            False only the exact type (for a tag: classes that declare it
            themselves); "plain" the type and its subclasses that add no
            behaviour (they define no method but `__init__`), while a subclass
            with extra behaviour (timm's `BatchNormAct2d`, a BatchNorm2d that
            also applies an activation) is left alone and reported.

    Subclass `Match` and override `decide` for criteria that need the tree
    (a node's parent or siblings); `select`, `exists`, `apply(at=...)` and
    `gl.rules(tree, at=...)` all use it.
    """

    def __init__(self, tag: str | None = None, type: Any = None, path: str | None = None,
                 where: Callable[[Any], bool] | None = None,
                 subclasses: Subclasses = True) -> None:
        if subclasses not in (True, False, "plain"):
            raise RuleError(f"Match(subclasses=...) must be True, False or 'plain', "
                            f"got {short_repr(subclasses, 60)}")
        for name, value, ok, want in (
                ("tag", tag, isinstance(tag, str), "a tag name (str)"),
                ("path", path, isinstance(path, str), 'a path glob (str), e.g. "blocks[*].conv"'),
                ("where", where, callable(where), "a function fn(node) -> bool")):
            if value is not None and not ok:
                raise RuleError(f"Match({name}=...) must be {want}, got "
                                f"{value.__class__.__name__} {short_repr(value, 60)}")
        self.tag = tag
        self.type = type
        self.path = path
        self.where = where
        self.subclasses = subclasses
        self._glob = PathGlob(path) if path is not None else None
        self._class_verdicts: dict[type, Verdict] = {}

    # -- the one predicate ---------------------------------------------------------------
    def decide(self, tree: Any, path: KeyPath, node: Any) -> Verdict:
        """True if the rule applies to the node at `path` of `tree`; else False or why not.

        False means the node is not what the rule is about; a string means it
        is, but the rule leaves it alone for that reason (e.g. "subclass with
        extra behaviour (defines forward)").
        """
        verdict = self._class_verdict(type(node)) if self.subclasses is not True else True
        if verdict is False or not self._plain_criteria(path, node, lenient=verdict is not True):
            return False
        return verdict

    def matches(self, path: KeyPath, node: Any, tree: Any = None) -> bool:
        """True if the rule applies to the node at `path` of `tree` (`decide(...) is True`).

        Matchers that look beyond the node (its parent, its siblings) need
        `tree`, the root the node is in.
        """
        return self.decide(tree, path, node) is True

    def survey(self, tree: Any) -> tuple[list[tuple[KeyPath, Any]], list[tuple[KeyPath, Any, str]]]:
        """Every matching `(path, node)`, and every candidate left alone with its reason.

        Both in traversal order; the root's index makes this O(candidates).
        """
        matched: list[tuple[KeyPath, Any]] = []
        skipped: list[tuple[KeyPath, Any, str]] = []
        for path, node, verdict in self._verdicts(tree):
            if verdict is True:
                matched.append((path, node))
            elif verdict:
                skipped.append((path, node, str(verdict)))
        return matched, skipped

    def select(self, tree: Any) -> list[tuple[KeyPath, Any]]:
        """Every matching `(path, node)` of `tree`, in traversal order (uses the root's index)."""
        if self._simple():
            index = index_of(tree)
            nodes, path_at = index.nodes, index.path_at
            return [(path_at(i), nodes[i]) for i in
                    index.matching(tag=self.tag, type=self.type, glob=self._glob,
                                   where=self.where)]
        return self.survey(tree)[0]

    def exists(self, tree: Any) -> bool:
        """True if some node of `tree` matches (stops at the first)."""
        if self._simple():
            matching = index_of(tree).matching(tag=self.tag, type=self.type, glob=self._glob,
                                               where=self.where)
            return next(matching, None) is not None
        return any(verdict is True for _, _, verdict in self._verdicts(tree))

    def tags(self) -> frozenset[str]:
        """Every tag this matcher mentions (so exported code can import their annotations)."""
        return frozenset({self.tag} if self.tag is not None else ())

    # -- combinators ---------------------------------------------------------------------
    def __and__(self, other: Match) -> Match:
        return _Combined("and", self, other)

    def __or__(self, other: Match) -> Match:
        return _Combined("or", self, other)

    def __invert__(self) -> Match:
        return _Not(self)

    def __repr__(self) -> str:
        parts = [f"{name}={value!r}" if isinstance(value, str) else
                 f"{name}={short_repr(value, 80)}"
                 for name, value in
                 (("tag", self.tag), ("type", self.type), ("path", self.path),
                  ("where", self.where)) if value is not None]
        if self.subclasses is not True:
            parts.append(f"subclasses={self.subclasses!r}")
        return f"Match({', '.join(parts)})"

    # -- internals -----------------------------------------------------------------------
    def candidates(self, tree: Any) -> Iterator[tuple[KeyPath, Any]]:
        """A superset of the nodes `decide` may accept, in traversal order (from the index)."""
        index = index_of(tree)
        nodes, path_at = index.nodes, index.path_at
        for i in self._positions(index):
            yield path_at(i), nodes[i]

    def _verdicts(self, tree: Any) -> Iterator[tuple[KeyPath, Any, Verdict]]:
        for path, node in self.candidates(tree):
            verdict = self.decide(tree, path, node)
            if verdict is not False:
                yield path, node, verdict

    def _simple(self) -> bool:
        """True if the index alone answers (no subclass rule, no tree-aware `decide`)."""
        return self.subclasses is True and type(self).decide is Match.decide

    def _positions(self, index: TreeIndex) -> Any:
        if self.subclasses is False and isinstance(self.type, (type, tuple)):
            wanted = self.type if isinstance(self.type, tuple) else (self.type,)
            positions = sorted(i for cls in wanted for i in index.by_type.get(cls, ()))
            if self.tag is not None:
                tagged = set(index.by_tag.get(self.tag, ()))
                positions = [i for i in positions if i in tagged]
            return positions
        return index.positions(tag=self.tag, type=self.type)

    def _plain_criteria(self, path: KeyPath, node: Any, lenient: bool = False) -> bool:
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
        if self.where is None:
            return True
        if not lenient:
            return bool(self.where(node))
        try:  # a subclass left alone anyway: a predicate that cannot read it still reports it
            return bool(self.where(node))
        except Exception:
            return True

    def _class_verdict(self, cls: type) -> Verdict:
        """The `subclasses` criterion for a node class (cached per class)."""
        known = self._class_verdicts.get(cls)
        if known is not None:
            return known
        bases = self._bases(cls)
        if not bases:
            verdict: Verdict = True  # a symbolic function's calls, or no type/tag given
        elif self.subclasses is False:
            verdict = cls in bases
        else:
            verdict = extra_behaviour(cls, bases) or True
        self._class_verdicts[cls] = verdict
        return verdict

    def _bases(self, cls: type) -> tuple[type, ...]:
        """The classes `cls` must equal or plainly extend: the type(s), the tag's declarer."""
        bases: list[type] = []
        if isinstance(self.type, type):
            bases.append(self.type)
        elif isinstance(self.type, tuple):
            bases.extend(t for t in self.type if isinstance(t, type) and issubclass(cls, t))
        if self.tag is not None:
            origin = tag_origin(cls, self.tag)
            if origin is not None:
                bases.append(origin)
        return tuple(bases)


def extra_behaviour(cls: type, bases: type | tuple[type, ...]) -> str:
    """Why instances of `cls` behave differently from its base in `bases`, or "" if they don't.

    A subclass adds behaviour when a class between it and the nearest of
    `bases` in its MRO, defined outside the base's own package, defines a
    method other than `__init__` (and display methods): torch's own
    `BatchNorm2d` extends `_NormBase` as torch meant it, timm's
    `BatchNormAct2d` extends `BatchNorm2d` with an activation. Symbolic
    wrappers made by `gl.symbolize` add none.
    """
    wanted = bases if isinstance(bases, tuple) else (bases,)
    packages = {_package(base) for base in wanted}
    added: list[str] = []
    for klass in cls.__mro__:
        if klass in wanted:
            break
        if "__glove_binder__" in klass.__dict__ or _package(klass) in packages:
            # gl.symbolize's subclass records arguments and computes nothing new; the
            # base's own package knows what its subclasses do.
            continue
        added.extend(name for name, value in klass.__dict__.items()
                     if name not in _NOT_BEHAVIOUR and _is_method(value) and name not in added)
    else:
        return ""
    if not added:
        return ""
    shown = ", ".join(sorted(added)[:3]) + (", ..." if len(added) > 3 else "")
    return f"subclass with extra behaviour (defines {shown})"


_NOT_BEHAVIOUR = frozenset({
    "__init__", "__repr__", "__str__", "extra_repr", "__init_subclass__", "__class_getitem__",
    "_get_name", "__dir__", "__getstate__", "__setstate__", "__reduce__", "__reduce_ex__",
})


def _package(cls: type) -> str:
    return (getattr(cls, "__module__", None) or "").split(".")[0]


def _is_method(value: Any) -> bool:
    return callable(value) or isinstance(value, (staticmethod, classmethod, property))


class _Combined(Match):
    """`left & right` (op "and") or `left | right` (op "or")."""

    def __init__(self, op: str, left: Match, right: Match) -> None:
        super().__init__()
        self.op, self.left, self.right = op, left, right

    def decide(self, tree: Any, path: KeyPath, node: Any) -> Verdict:
        left = self.left.decide(tree, path, node)
        if self.op == "and":
            if left is False:
                return False
            right = self.right.decide(tree, path, node)
            if right is False:
                return False
            return left if left is not True else right
        if left is True:
            return True
        right = self.right.decide(tree, path, node)
        return right if right is True else (left or right)

    def candidates(self, tree: Any) -> Iterator[tuple[KeyPath, Any]]:
        if self.op == "and":
            return self.left.candidates(tree)
        return iter(index_of(tree).entries)

    def tags(self) -> frozenset[str]:
        return self.left.tags() | self.right.tags()

    def __repr__(self) -> str:
        return f"({self.left!r} {'&' if self.op == 'and' else '|'} {self.right!r})"


class _Not(Match):
    """`~operand`: the nodes `operand` does not match."""

    def __init__(self, operand: Match) -> None:
        super().__init__()
        self.operand = operand

    def decide(self, tree: Any, path: KeyPath, node: Any) -> Verdict:
        return self.operand.decide(tree, path, node) is not True

    def candidates(self, tree: Any) -> Iterator[tuple[KeyPath, Any]]:
        return iter(index_of(tree).entries)

    def tags(self) -> frozenset[str]:
        return self.operand.tags()

    def __repr__(self) -> str:
        return f"~{self.operand!r}"
