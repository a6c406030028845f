"""Tags: light annotations on types ("convolution", "nonlinearity") that rules match on."""

from __future__ import annotations

import sys
from typing import Any

from glove_lab.tree._kinds import kind_of

__all__ = ["tag", "tag_origin", "tag_origins", "tags_of", "untag", "modules_tagging",
           "declared_tags"]

_TAGS: dict[Any, set[str]] = {}
_CACHE: dict[type, frozenset[str]] = {}
_TAGGED_BY: dict[str, set[str]] = {}  # tag -> modules whose code attached it
_ORIGINS: dict[tuple[Any, str], set[str]] = {}  # (type or function, tag) -> modules that did


def tag(target: Any, *tags: str, module: str | None = None) -> Any:
    """Attach tags to a type (inherited by its subclasses) or a symbolic function.

    Returns `target`: `gl.tag(torch.nn.Conv2d, "convolution")`. The calling module
    is remembered, so exported code can import the annotations its rules need.
    """
    for name in tags:
        if not isinstance(name, str) or not name:
            raise TypeError(f"tags must be non-empty strings, got {name!r}")
    if module is None:
        module = sys._getframe(1).f_globals.get("__name__", "__main__")  # noqa: SLF001
    _TAGS.setdefault(target, set()).update(tags)
    for name in tags:
        _TAGGED_BY.setdefault(name, set()).add(module)
        _ORIGINS.setdefault((target, name), set()).add(module)
    _CACHE.clear()
    return target


def modules_tagging(name: str) -> frozenset[str]:
    """The modules whose code attached tag `name` to some type."""
    return frozenset(_TAGGED_BY.get(name, ()))


def tag_origins(node: Any, tags: frozenset[str] | set[str]) -> list[tuple[Any, str, str]]:
    """Where a node's tags among `tags` come from: `(type or function, tag, module)` triples.

    The type (a base of the node's type, or its symbolic function) is the one
    the tag was attached to; the module is the one whose code attached it
    (`"__main__"` for a notebook cell). Exported code uses this to carry
    exactly the annotations a rule's matching depends on.
    """
    function = getattr(type(node), "__glove_function_of__", None)
    targets: list[Any] = [function(node)] if function is not None else list(type(node).__mro__)
    kind = kind_of(node)
    if kind is not None and kind.tags is not None:
        # A node kind that reports tags (a Fiddle config carries its callable's) stands
        # for a class or function among its children: their tags count as its own.
        for _, child in kind.children(node):
            if isinstance(child, type):
                targets += child.__mro__
            elif callable(child) and kind_of(child) is None:
                targets.append(child)
    found = []
    for target in targets:
        try:
            own = _TAGS.get(target, set())
        except TypeError:  # an unhashable callable carries no tags
            continue
        for name in sorted(own & set(tags)):
            for module in sorted(_ORIGINS.get((target, name), {"__main__"})):
                if (target, name, module) not in found:
                    found.append((target, name, module))
    return found


def untag(target: Any, *tags: str) -> None:
    """Remove tags from a type (all of its own tags if none are named)."""
    own = _TAGS.get(target)
    if own is None:
        return
    if tags:
        own.difference_update(tags)
    else:
        own.clear()
    _CACHE.clear()


def tags_of(node: Any) -> frozenset[str]:
    """The tags of a node: those of its type and every base, or of its symbolic function.

    A node kind registered with `tags=` adds the tags it reports for the node
    (a Fiddle config carries the tags of the callable it configures).
    """
    function = getattr(type(node), "__glove_function_of__", None)
    if function is not None:
        return frozenset(_TAGS.get(function(node), ()))
    kind = kind_of(node)
    if kind is not None and kind.tags is not None:
        return type_tags(type(node)) | kind.tags(node)
    return type_tags(type(node))


def declared_tags(target: Any) -> frozenset[str]:
    """The tags attached to a type (its bases' included) or to a function with `gl.tag`.

    What an adapter reports for a node that stands for `target` without being
    an instance of it (a Fiddle config of a tagged class).
    """
    if isinstance(target, type):
        return type_tags(target)
    try:
        return frozenset(_TAGS.get(target, ()))
    except TypeError:  # unhashable callables carry no tags
        return frozenset()


def type_tags(cls: type) -> frozenset[str]:
    """The tags a type carries, its bases' included."""
    cached = _CACHE.get(cls)
    if cached is None:
        collected: set[str] = set()
        for base in cls.__mro__:
            collected.update(_TAGS.get(base, ()))
        cached = _CACHE[cls] = frozenset(collected)
    return cached


def tag_origin(cls: type, name: str) -> type | None:
    """The class in `cls`'s MRO whose own tags include `name` (nearest first), or None."""
    for base in cls.__mro__:
        if name in _TAGS.get(base, ()):
            return base
    return None
