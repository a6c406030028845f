"""Built-in structural rules: the Steps that manual edits in the UI and export are made of."""

from __future__ import annotations

import inspect
from typing import Any, Literal

from glove_lab.errors import PathError, RuleError
from glove_lab.patching._match import Match
from glove_lab.patching._registry import register_rule
from glove_lab.patching._rule import Rule, RuleContext
from glove_lab.tree import REMOVE, KeyPath, Splice, as_path, check_edits, kind_of, rebind

__all__ = ["BUILTIN_RULES"]


def _has_children(node: Any) -> bool:
    return kind_of(node) is not None


def _rebind(node: Any, values: dict, context: RuleContext | None = None) -> Any:
    """Set fields below this node: `values` maps relative paths to new values."""
    if not isinstance(values, dict) or not values:
        raise RuleError("glove.rebind needs values={relative path: new value, ...}")
    try:
        if context is not None:  # checked in the whole tree: a container's element hints
            here = context.path
            check_edits(context.tree, {KeyPath((*here, *as_path(k))): v
                                       for k, v in values.items()})
        return rebind(node, values)
    except PathError as exc:
        raise PathError(f"{exc} (the paths in values= are relative to this node)") from exc


def _replace(node: Any, value: Any, context: RuleContext | None = None) -> Any:
    """Replace this node with the given value."""
    if context is not None:
        check_edits(context.tree, {context.path: value})
    return value


def _remove(node: Any, context: RuleContext) -> Any:
    """Remove this element from its list, tuple, dict or container parent."""
    if not context.path:
        raise RuleError("cannot remove the root")
    context.replace(context.path, REMOVE)
    return node


def _insert(node: Any, value: Any, position: Literal["before", "after"] = "after",
            context: RuleContext | None = None) -> Any:
    """Insert a value before or after this element of a sequence."""
    assert context is not None
    if not context.path or not isinstance(context.path.key, int):
        raise RuleError("glove.insert works on elements of a sequence (paths ending in [i])")
    items = (value, node) if position == "before" else (node, value)
    check_edits(context.tree, {context.path: Splice(items)})  # the element type of a list[X]
    context.replace(context.path, Splice(items))
    return node


def _wrap(node: Any, wrapper: Any, key: str = "") -> Any:
    """Wrap this node in `wrapper`, passing it as argument `key` (default: the first)."""
    if not callable(wrapper):
        raise RuleError(f"glove.wrap needs a callable wrapper (a class), got {wrapper!r}")
    if key:
        return wrapper(**{key: node})
    try:
        first = next(iter(inspect.signature(wrapper).parameters))
    except (StopIteration, TypeError, ValueError):
        return wrapper(node)
    return wrapper(**{first: node})


BUILTIN_RULES = tuple(
    register_rule(rule, replace=True)
    for rule in (
        Rule("glove.rebind", _rebind, on=Match(where=_has_children)),
        Rule("glove.replace", _replace),
        Rule("glove.remove", _remove, on=Match(path="**.*")),
        # Their parameters are Python objects a palette form cannot express.
        Rule("glove.insert", _insert, on=Match(path="**[*]"), hidden=True),
        Rule("glove.wrap", _wrap, hidden=True),
    )
)
