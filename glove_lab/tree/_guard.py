"""Keeping a rule's input intact: refuse in-place writes while a rule runs, undo the rest.

A rule must return a new node; the tree it reads is the user's original (or a
version in the history). While a rule runs, `protect(tree)` is active:

- a symbolic node of that tree refuses attribute writes and deletes (the
  symbolic classes' `__setattr__` asks `refuse_write`), so the original never
  changes, however deep the node;
- for the node handed to the rule, whatever its kind (a list, a dict, a torch
  module), `snapshot` records its state and `restore_if_changed` puts it back
  and reports the attributes or items the rule changed in place.

`check_acyclic` refuses a result that contains itself.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from glove_lab.errors import RuleError
from glove_lab.tree._kinds import kind_of

__all__ = ["check_acyclic", "mark_built", "protect", "refuse_write", "restore_if_changed",
           "snapshot"]


# Symbolic instances get a serial number when their construction ends: one made
# while a rule runs is new (the rule may adjust it), older ones may be the input's.
SERIALS = itertools.count(1)
_SERIAL = "__glove_serial__"


def mark_built(obj: Any) -> None:
    """Record that `obj` (a symbolic instance) is fully built."""
    object.__setattr__(obj, _SERIAL, next(SERIALS))


class _Guard:
    __slots__ = ("_ids", "start", "tree")

    def __init__(self, tree: Any) -> None:
        self.tree = tree
        self.start = next(SERIALS)
        self._ids: frozenset[int] | None = None

    def holds(self, obj: Any) -> bool:
        try:
            state = object.__getattribute__(obj, "__dict__")
        except AttributeError:  # a slotted node (a Call): no serial, look it up
            state = None
        if state is not None:
            serial = state.get(_SERIAL)
            if serial is None or serial > self.start:
                return False  # being built, or built while the rule runs
        if self._ids is None:
            from glove_lab.tree._traverse import index_of

            self._ids = index_of(self.tree).node_ids
        return id(obj) in self._ids


_GUARDS: list[_Guard] = []


@contextmanager
def protect(tree: Any) -> Iterator[None]:
    """While active, symbolic nodes of `tree` refuse in-place attribute writes."""
    _GUARDS.append(_Guard(tree))
    try:
        yield
    finally:
        _GUARDS.pop()


def refuse_write(obj: Any, name: str) -> None:
    """Raise RuleError if `obj` belongs to a tree a running rule must not change."""
    if _GUARDS and any(guard.holds(obj) for guard in _GUARDS):
        raise RuleError(
            f"it set {type(obj).__name__}.{name} in place; a rule must not change its input "
            "(the original tree and the history would change with it): return a new node "
            "instead, e.g. gl.rebind(node, {...}) or a new instance"
        )


# A snapshot: (the node, what its state was, nested containers' copies).
Snapshot = tuple[Any, Any, dict[str, Any]]
_PLAIN = (int, float, str, bool, bytes, type(None))


def snapshot(node: Any) -> Snapshot | None:
    """A shallow record of a node's state (items, attributes, and dicts among them)."""
    if type(node) is list:
        return node, list(node), {}
    if type(node) is dict:
        return node, dict(node), {}
    state = getattr(node, "__dict__", None)
    if type(state) is not dict or "_sym_args" in state or kind_of(node) is None:
        return None  # (a symbolic node refuses writes itself: see refuse_write)
    nested = {key: dict(value) for key, value in state.items() if isinstance(value, dict)}
    return node, dict(state), nested


def restore_if_changed(saved: Snapshot | None) -> list[str]:
    """Put a node back as `snapshot` saw it; the names of what had changed ([] if nothing)."""
    if saved is None:
        return []
    node, before, nested = saved
    if type(node) is list:
        if len(node) == len(before) and all(_same(a, b) for a, b in zip(node, before)):
            return []
        node[:] = before
        return ["its items"]
    state = node if type(node) is dict else node.__dict__
    changed = _changed_keys(state, before)
    for key, items in nested.items():
        current = before.get(key)
        if isinstance(current, dict) and _changed_keys(current, items):
            changed.append(str(key))
    if not changed:
        return []
    state.clear()
    state.update(before)
    for key, items in nested.items():
        current = before[key]
        current.clear()
        current.update(items)
    return sorted(set(changed))


def _changed_keys(now: dict, before: dict) -> list[str]:
    changed = [str(k) for k in now.keys() ^ before.keys()]
    changed += [str(k) for k, v in before.items() if k in now and not _same(now[k], v)]
    return changed


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    return type(a) is type(b) and type(a) in _PLAIN and a == b


def check_acyclic(value: Any, original: Any, what: str) -> None:
    """Raise RuleError if `value` (replacing `original`) contains itself.

    A subtree of `value` that is the same object as the node at the same place
    in `original` is shared with the input tree, which is acyclic and cannot
    reach a new node (the input is never changed): it is not entered, so the
    walk covers about the new parts only, as `diff` does.
    """
    kind = kind_of(value)
    if kind is None or value is original:
        return
    on_path: set[int] = {id(value)}
    done: set[int] = set()  # new nodes fully walked (a DAG shares them): walked once
    stack = [(id(value), _pairs(value, kind, original))]
    while stack:
        ident, children = stack[-1]
        for child, before in children:
            if child is before or id(child) in done:
                continue  # shared with the input (or already walked)
            child_kind = kind_of(child)
            if child_kind is None:
                continue
            if id(child) in on_path:
                raise RuleError(f"{what} contains itself (a {type(child).__name__} that is its "
                                "own descendant); a tree cannot hold a cycle")
            on_path.add(id(child))
            stack.append((id(child), _pairs(child, child_kind, before)))
            break
        else:
            stack.pop()
            on_path.discard(ident)
            done.add(ident)


def _pairs(node: Any, kind: Any, original: Any) -> Iterator[tuple[Any, Any]]:
    """(child, the original's child at the same key or None) for each child of `node`."""
    children = list(kind.children(node))
    if original is None or type(original) is not type(node):
        return iter([(child, None) for _, child in children])
    before = list(kind.children(original))
    if len(before) == len(children):  # usually the same keys in the same order: no dict
        return iter([(child, old if key == old_key else None)
                     for (key, child), (old_key, old) in zip(children, before)
                     if child is not old])
    by_key = dict(before)
    return iter([(child, by_key.get(key)) for key, child in children])
