"""Fiddle buildables as node kinds: `fdl.Config`, `fdl.Partial`, `fdl.ArgFactory` and subclasses.

A buildable's children are the callable it configures, under Fiddle's own
name for it (`__fn_or_cls__`, so changing it is an edit like any other and
`gl.eq`/`gl.diff` see it), then the arguments set on it (`__arguments__`,
in the order they were set; an unset argument keeps the callable's default,
as in Fiddle). Rebuilding goes through Fiddle's own `__flatten__`/`__unflatten__`
(what `copy.copy` of a buildable uses), so a new config keeps its argument
tags and history and the user's config is never mutated. A sub-config
shared by several parents stays one object when an edit reaches all of
its places alike.
"""

from __future__ import annotations

import inspect
from typing import Any

import fiddle as fdl

from glove_lab.errors import GloveError
from glove_lab.tree import NodeKind, declared_tags, register_kind, register_type

__all__ = ["CALLABLE_KEY", "buildable_kind", "callable_name"]

CALLABLE_KEY = "__fn_or_cls__"
"""The child key of a buildable's callable (Fiddle's attribute name for it)."""


def callable_name(fn: Any) -> str:
    """The short name of a configured callable, as the graph shows it."""
    return getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)


def _children(node: Any) -> list[tuple[Any, Any]]:
    # The arguments in the order they were set (Fiddle's storage order): reading them
    # sorted by signature (`fdl.ordered_arguments`) would cost more than the rest of a walk.
    items: list[tuple[Any, Any]] = [(CALLABLE_KEY, node.__fn_or_cls__)]
    arguments = node.__arguments__
    if any(type(key) is int for key in arguments):  # positions: in signature order
        arguments = fdl.ordered_arguments(node)
    items.extend(arguments.items())
    return items


def _rebuild(node: Any, kids: dict) -> Any:
    if CALLABLE_KEY not in kids:
        raise GloveError(f"a Fiddle {type(node).__name__} cannot lose its callable "
                         f"({CALLABLE_KEY}); replace the whole config instead")
    fn = kids[CALLABLE_KEY]
    arguments = node.__arguments__
    kept = {k: v for k, v in kids.items() if k != CALLABLE_KEY and k in arguments}
    added = {k: v for k, v in kids.items() if k != CALLABLE_KEY and k not in arguments}
    # Fiddle's own copy (what `copy.copy` does), argument tags and history included.
    metadata = fdl.BuildableTraverserMetadata(
        fn_or_cls=node.__fn_or_cls__, argument_names=tuple(kept),
        argument_tags={k: frozenset(v) for k, v in node.__argument_tags__.items() if v},
        argument_history={k: tuple(v) for k, v in node.__argument_history__.items()})
    new = type(node).__unflatten__(kept.values(), metadata)
    if fn is not node.__fn_or_cls__:
        fdl.update_callable(new, fn)  # checks the arguments against the new signature
    for key, value in added.items():  # a new argument is checked by Fiddle as it is set
        if isinstance(key, int):
            new[key] = value
        else:
            setattr(new, key, value)
    return new


def _call_args(cls: type, kids: dict) -> tuple[tuple, dict]:
    """`(fn, *positional), {keyword}`: indices are positions, as Fiddle stores them."""
    fn = kids[CALLABLE_KEY]
    kwargs = {k: v for k, v in kids.items() if k != CALLABLE_KEY}
    indices = sorted(k for k in kwargs if isinstance(k, int))
    positional: list[Any] = []
    if indices:
        parameters = list(_signature(fn).parameters.values())
        for position in range(indices[-1] + 1):
            if position in kwargs:
                positional.append(kwargs.pop(position))
                continue
            name = parameters[position].name if position < len(parameters) else None
            if name is None or name not in kwargs:
                raise GloveError(f"cannot write a call to {callable_name(fn)} as code: argument "
                                 f"{position} is not set but a later positional one is")
            positional.append(kwargs.pop(name))
    return (fn, *positional), kwargs


def _create(cls: type, kids: dict) -> Any:
    args, kwargs = _call_args(cls, kids)
    return cls(*args, **kwargs)


def _signature(fn: Any) -> inspect.Signature:
    try:
        return inspect.signature(fn)
    except (TypeError, ValueError):
        return inspect.Signature()


def _label(node: Any) -> str:
    name = callable_name(node.__fn_or_cls__)
    return name if type(node) is fdl.Config else f"{type(node).__name__}: {name}"


def _tags(node: Any) -> frozenset[str]:
    return declared_tags(node.__fn_or_cls__)


buildable_kind: NodeKind = register_kind(
    fdl.Buildable, _children, _rebuild, _label,
    create=_create, call_args=_call_args, subclasses=True, tags=_tags, extensible=True,
    identity=True,
)
"""Every `fdl.Buildable`: children are its callable, then the arguments set on it."""

for _cls in (fdl.Config, fdl.Partial, fdl.ArgFactory):
    register_type(_cls, f"fiddle.{_cls.__name__}")  # code writes `from fiddle import Config`
