"""Persistent edits: a new root, the input untouched, untouched subtrees shared (`is`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from glove_lab.errors import GloveError, PathError, TypeMismatchError
from glove_lab.tree._deep import deep
from glove_lab.tree._hints import NO_HINT, describe_hint, element_hint, fits, value_text
from glove_lab.tree._keypath import KeyPath, PathSpec, as_path, describe_path
from glove_lab.tree._kinds import identity_kinds_seen, kind_of
from glove_lab.tree._symbolic import CALL_KIND, SYMBOLIC_KIND
from glove_lab.tree._traverse import cached_index, index_of

__all__ = ["rebind", "replace", "rebind_paths", "map_nodes", "check_edits", "Splice", "REMOVE"]

_UNSET = object()


class Splice:
    """An edit value that replaces one element of a sequence by zero or more elements.

    `Splice(())` (`REMOVE`) deletes the element (or a dict entry); sequence
    indices after it are renumbered.
    """

    __slots__ = ("items",)

    def __init__(self, items: Any = ()) -> None:
        self.items = tuple(items)

    def __repr__(self) -> str:
        return "REMOVE" if not self.items else f"Splice({list(self.items)!r})"


REMOVE = Splice(())


class _Trie:
    __slots__ = ("children", "value")

    def __init__(self) -> None:
        self.value: Any = _UNSET
        self.children: dict[Any, _Trie] = {}


def rebind(tree: Any, updates: Mapping[PathSpec, Any]) -> Any:
    """A new tree with the node at each path replaced by the given value.

    Each ancestor of the changed paths is rebuilt once, however many paths
    lie under it; every other subtree is the same object as in `tree`.
    A path must exist, except a new key of a dict. Each value is checked
    against the type hint of the field it sets (see `check_edits`). Raises
    PathError on a bad path, TypeMismatchError on a value that does not fit
    (nothing is changed) and GloveError if a node refuses its new children.
    """
    if not isinstance(updates, Mapping):
        raise TypeError(f"rebind expects a mapping of path -> value, got {type(updates).__name__}")
    parsed: Mapping[KeyPath, Any] = {as_path(raw): value for raw, value in updates.items()}
    if identity_kinds_seen():
        parsed = with_shared_places(tree, parsed)
    root = _Trie()
    for path, value in parsed.items():
        node = root
        for depth, key in enumerate(path):
            if node.value is not _UNSET:
                raise PathError(
                    f"conflicting edits: {describe_path(KeyPath(path[:depth]))} is replaced "
                    f"and {str(path)!r} below it is edited too"
                )
            child = node.children.get(key)
            if child is None:  # (setdefault would build a _Trie every time)
                child = node.children[key] = _Trie()
            node = child
        if node.children:
            raise PathError(f"conflicting edits: {describe_path(path)} is replaced and "
                            "a path below it is edited too")
        node.value = value
    if root.value is not _UNSET:
        return root.value
    _deep_check(tree, root, NO_HINT, None)
    return _deep_apply(tree, root, None, {})


def replace(tree: Any, path: PathSpec, value: Any) -> Any:
    """A new tree with the node at `path` replaced by `value` (persistent, type-checked)."""
    return rebind(tree, {path: value})


def check_edits(tree: Any, updates: Mapping[PathSpec, Any]) -> None:
    """Raise TypeMismatchError if a value does not fit the type hint of the field it would set.

    A field's hint comes from its parent's kind (`NodeKind.hints`: a symbolic
    class's `__init__` annotations, a dataclass's fields, a torch layer's
    constructor) or, inside a list, tuple or dict, from the element type of
    the container's own hint (`list[int]`, `dict[str, float]`). A field with
    no hint, a hint that cannot be evaluated, or whose current value does not
    fit its hint takes any value. Paths that do not exist are left to the
    edit itself to report. Changes nothing.
    """
    root = _Trie()
    for raw, value in updates.items():
        node = root
        for key in as_path(raw):
            child = node.children.get(key)
            if child is None:
                child = node.children[key] = _Trie()
            node = child
        node.value = value
    if root.value is _UNSET:
        _deep_check(tree, root, NO_HINT, None)


def rebind_paths(tree: Any, targets: Mapping[KeyPath, Any]) -> Any:
    """Like `rebind`, with KeyPath keys already parsed (the rules engine's entry point)."""
    if identity_kinds_seen():
        targets = with_shared_places(tree, targets)
    root = _Trie()
    for path, value in targets.items():
        node = root
        for key in path:
            child = node.children.get(key)
            if child is None:  # (setdefault would build a _Trie every time)
                child = node.children[key] = _Trie()
            node = child
        node.value = value
    if root.value is not _UNSET:
        return root.value
    return _deep_apply(tree, root, None, {})


map_nodes = rebind_paths  # the name until 0.2: it edits at paths, it maps no function


def with_shared_places(tree: Any, targets: Mapping[KeyPath, Any]) -> Mapping[KeyPath, Any]:
    """`targets` plus the same edit at every other place of a shared node it reaches.

    Only for kinds with `identity`: a Fiddle sub-config (or a torch module)
    used at two places is one object, so editing it, or inside it, at one path
    edits it at both, as setting its attribute would; `_apply` then rebuilds
    it once, so it stays one object. Costs one index of `tree` (cached per root).
    """
    index = cached_index(tree)
    if index is None:
        if not any(_reaches_identity_node(tree, path) for path in targets):
            return targets  # no index to build: nothing on these paths can be shared
        index = index_of(tree)
    shared = index.shared
    if not shared:
        return targets
    result = dict(targets)
    nodes, path_at = index.nodes, index.path_at
    for path, value in targets.items():
        for depth, position in enumerate(index.positions_along(path), start=1):
            places = shared.get(id(nodes[position]))
            if places is None:
                continue
            rest = path[depth:]
            for other in places:
                if other != position:
                    result.setdefault(KeyPath((*path_at(other), *rest)), value)
    return result


def _reaches_identity_node(tree: Any, path: KeyPath) -> bool:
    """True if a node below the root on `path` has a kind with `identity` (might be shared)."""
    node = tree
    for key in path:
        kind = kind_of(node)
        if kind is None:
            return False
        for child_key, child in kind.children(node):
            if child_key == key and type(child_key) is type(key):
                node = child
                break
        else:
            return False  # a bad path: `_apply` names it
        child_kind = kind_of(node)
        if child_kind is not None and child_kind.identity:
            return True
    return False


def _apply(node: Any, trie: _Trie, link: Any, memo: dict[int, tuple[Any, dict, Any]]) -> Any:
    # `link` is (parent link, key) or None for the root: a KeyPath is built
    # only for an error message, not at every level of every edit.
    # `memo` keeps one rebuilt node per old node: a subtree shared by two parents
    # (a Fiddle sub-config, a tied torch module) that gets the same new children
    # at both places is rebuilt once, so the new tree shares it too.
    kind = kind_of(node)
    if kind is None:
        path = _path_of(link)
        first = next(iter(trie.children))
        raise PathError(
            f"path {str(path.child(first))!r} does not exist: "
            f"{describe_path(path)} is a leaf ({type(node).__name__})"
        )
    old = dict(kind.children(node))
    new = dict(old)
    changed = False
    splices = False
    for key, sub in trie.children.items():
        if key not in old and type(key) is float and key != key:
            # A nan parsed from path text is another object than the tree's nan key.
            key = next((k for k in old if type(k) is float and k != k), key)
        if key not in old:
            path = _path_of(link)
            if kind.extensible and sub.value is not _UNSET and not sub.children:
                new[key] = sub.value
                changed = True
                splices = splices or isinstance(sub.value, Splice)
                continue
            keys = ", ".join(str(KeyPath((k,))) for k in list(old)[:12])
            raise PathError(
                f"path {str(path.child(key))!r} does not exist: {describe_path(path)} "
                f"({type(node).__name__}) has no key {str(KeyPath((key,)))!r}; "
                f"it has: {keys or 'no children'}"
            )
        child = (sub.value if sub.value is not _UNSET
                 else _apply(old[key], sub, (link, key), memo))
        if child is not old[key]:
            new[key] = child
            changed = True
            splices = splices or isinstance(child, Splice)
    if not changed:
        return node
    if splices:
        new = _splice(node, new, _path_of(link))
    seen = memo.get(id(node))
    if seen is not None and seen[0] is node and _same_children(seen[1], new):
        return seen[2]
    try:
        if splices and kind.create is not None:
            rebuilt = kind.create(type(node), new)
        else:
            rebuilt = kind.rebuild(node, new)
    except GloveError:
        raise
    except Exception as exc:
        path = _path_of(link)
        raise GloveError(
            f"cannot rebuild {type(node).__name__} at {describe_path(path)} with the new "
            f"values: {type(exc).__name__}: {exc}"
        ) from exc
    memo[id(node)] = (node, new, rebuilt)
    return rebuilt


def _check(node: Any, trie: _Trie, hint: Any, link: Any) -> None:
    """Check the values in `trie` against the hints of the fields they set below `node`."""
    kind = kind_of(node)
    if kind is None:
        return  # a bad path: `_apply` names it
    own = kind.hints(node) if kind.hints is not None else None
    children: dict | None = None
    for key, sub in trie.children.items():
        field_hint = own.get(key, NO_HINT) if own else NO_HINT
        if field_hint is NO_HINT and hint is not NO_HINT:
            field_hint = element_hint(hint, key)
        if sub.value is not _UNSET and field_hint is NO_HINT:
            continue  # nothing to check this value against
        if type(node) in (list, tuple) and type(key) is int:  # (no dict of a long list)
            current = node[key] if 0 <= key < len(node) else _UNSET
        elif type(node) is dict:
            current = node.get(key, _UNSET)
        elif kind is SYMBOLIC_KIND or kind is CALL_KIND:
            current = node._sym_args.get(key, _UNSET)  # noqa: SLF001 - its children
        else:
            if children is None:
                children = dict(kind.children(node))
            current = children.get(key, _UNSET)
        if sub.value is _UNSET:
            if current is not _UNSET:
                _check(current, sub, field_hint, (link, key))
            continue
        if current is not _UNSET and not fits(current, field_hint):
            continue  # a hint the stored value shows is not what the code keeps
        values = sub.value.items if isinstance(sub.value, Splice) else (sub.value,)
        for value in values:
            if value is not current and not fits(value, field_hint):
                _refuse(node, kind, key, field_hint, value, link)


def _refuse(node: Any, kind: Any, key: Any, hint: Any, value: Any, link: Any) -> None:
    path = _path_of(link).child(key)
    owner = kind.label(node) if kind.label is not None else type(node).__name__
    text = str(KeyPath((key,)))
    if isinstance(node, Mapping):
        field = f"{owner}[{key!r}]"
    else:
        field = f"{owner}{text}" if text.startswith("[") else f"{owner}.{text}"
    expected = describe_hint(hint)
    raise TypeMismatchError(
        f"cannot set {describe_path(path)}: {field} expects {expected}, got "
        f"{value_text(value)} ({type(value).__name__}); nothing changed",
        path=str(path), field=field, expected=expected, value=value)


_deep_check = deep(_check)


def _same_children(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(a[key] is b[key] for key in a)



_deep_apply = deep(_apply)


def _path_of(link: Any) -> KeyPath:
    keys = []
    while link is not None:
        link, key = link
        keys.append(key)
    return KeyPath(reversed(keys))


def _splice(node: Any, children: dict, path: KeyPath) -> dict:
    """Children with Splice values expanded; integer keys renumbered from 0."""
    sequence = all(type(key) is int for key in children)
    if sequence:
        items: list[Any] = []
        for value in children.values():
            if isinstance(value, Splice):
                items.extend(value.items)
            else:
                items.append(value)
        return dict(enumerate(items))
    result = {}
    for key, value in children.items():
        if isinstance(value, Splice):
            if value.items:
                raise GloveError(
                    f"cannot insert next to {str(path.child(key))!r}: "
                    f"{type(node).__name__} is not a sequence"
                )
            continue
        result[key] = value
    return result
