"""Symbolic equality and minimal diffs, both skipping shared subtrees by identity."""

from __future__ import annotations

import math
from typing import Any, Literal, NamedTuple

from glove_lab.tree._deep import deep
from glove_lab.tree._format import short_repr
from glove_lab.tree._keypath import KeyPath, display_path
from glove_lab.tree._kinds import kind_of
from glove_lab.tree._symbolic import Call

__all__ = ["Change", "eq", "diff"]


ChangeKind = Literal["changed", "added", "removed"]


class Change(NamedTuple):
    """One minimal difference: `kind` is "changed", "added" or "removed"."""

    path: KeyPath
    kind: ChangeKind
    before: Any
    after: Any

    def __str__(self) -> str:
        where = display_path(self.path)
        if self.kind == "added":
            return f"+ {where} = {short_repr(self.after, 60)}"
        if self.kind == "removed":
            return f"- {where} (was {short_repr(self.before, 60)})"
        return f"~ {where}: {short_repr(self.before, 60)} -> {short_repr(self.after, 60)}"


@deep
def eq(a: Any, b: Any) -> bool:
    """Symbolic equality: same types and equal recorded arguments, recursively."""
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    kind = kind_of(a)
    if kind is None:
        return _leaf_eq(a, b)
    if isinstance(a, Call) and a.function is not b.function:
        return False
    children_a = dict(kind.children(a))
    children_b = dict(kind.children(b))
    if children_a.keys() != children_b.keys():
        return False
    return all(eq(child, children_b[key]) for key, child in children_a.items())


def diff(a: Any, b: Any) -> list[Change]:
    """Minimal differences from `a` to `b`, in traversal order.

    A changed leaf is one entry (its ancestors are not listed); a node whose
    type changed is one entry at that node. Subtrees shared by identity are
    skipped, so the cost follows the changed region, not the tree.
    """
    return _deep_diff(a, b)


@deep
def _deep_diff(a: Any, b: Any) -> list[Change]:
    changes: list[Change] = []
    _diff(a, b, None, changes)
    return changes


# A path while diffing is a link `(parent link, key)` (None at the root): one tuple per
# level, made into a KeyPath only for a change, so a change 10,000 levels deep costs
# O(depth), not a KeyPath copy per level (O(depth^2)).
_Link = tuple[Any, Any] | None


def _path(link: _Link) -> KeyPath:
    keys: list[Any] = []
    while link is not None:
        link, k = link
        keys.append(k)
    keys.reverse()
    return KeyPath(keys)


def _diff(a: Any, b: Any, link: _Link, out: list[Change]) -> None:
    if a is b:
        return
    kind = kind_of(a)
    if (kind is None or type(a) is not type(b)
            or (isinstance(a, Call) and a.function is not b.function)):
        if not eq(a, b):
            out.append(Change(_path(link), "changed", a, b))
        return
    children_a = dict(kind.children(a))
    children_b = dict(kind.children(b))  # same type as `a`, so the same kind
    for key, child in children_a.items():
        if key in children_b:
            other = children_b[key]
            if child is not other:  # shared subtrees: no path to build, no call
                _diff(child, other, (link, key), out)
        else:
            out.append(Change(_path((link, key)), "removed", child, None))
    for key, child in children_b.items():
        if key not in children_a:
            out.append(Change(_path((link, key)), "added", None, child))


def _leaf_eq(a: Any, b: Any) -> bool:
    if isinstance(a, float) and math.isnan(a) and math.isnan(b):
        return True
    try:
        result = a == b
    except Exception:
        return False
    if isinstance(result, bool):
        return result
    try:
        return bool(result)
    except Exception:  # arrays: elementwise results
        try:
            return bool(result.all())
        except Exception:
            return False
