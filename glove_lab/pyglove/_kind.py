"""PyGlove values as node kinds: `pg.Object` (symbolized classes, functors), `pg.List`, `pg.Dict`.

A PyGlove object's children are its symbolic init arguments (`sym_init_args`,
defaults included), a list's its elements, a dict's its entries. Rebuilding
constructs a new PyGlove value the way PyGlove's own `clone` does, never
`rebind`s the user's object. PyGlove trees have one parent per value: a child
that already belongs to the old tree is cloned by PyGlove when the new parent
adopts it, so the old tree keeps its parent links and stays intact.
"""

from __future__ import annotations

import sys
from typing import Any

import pyglove as pg

from glove_lab.tree import (
    NodeKind,
    importable_name,
    name_of,
    register_kind,
    register_resolver,
    register_type,
)

__all__ = ["object_kind", "list_kind", "dict_kind"]


def _object_children(node: Any) -> list[tuple[str, Any]]:
    return list(node.sym_init_args.sym_items())


def _object_rebuild(node: Any, kids: dict) -> Any:
    if isinstance(node, pg.Functor):  # binds every keyword it is given, flags included
        return type(node)(**kids)
    # As pg.Object._sym_clone does: the same flags, the new arguments.
    return type(node)(allow_partial=node.allow_partial, sealed=node.is_sealed, **kids)


def _object_create(cls: type, kids: dict) -> Any:
    return cls(**kids)


def _object_call_args(cls: type, kids: dict) -> tuple[tuple, dict]:
    """Keyword arguments, leaving out those equal to the field's default (shorter code)."""
    schema = getattr(cls, "__schema__", None)
    kwargs = {}
    for key, value in kids.items():
        field = schema.get_field(key) if schema is not None else None
        if field is not None and _is_default(field, value):
            continue
        kwargs[key] = value
    return (), kwargs


def _is_default(field: Any, value: Any) -> bool:
    default = field.default_value
    if default is pg.MISSING_VALUE:
        return False
    try:
        return type(default) is type(value) and bool(pg.eq(default, value))
    except Exception:  # a default PyGlove cannot compare: write the value
        return False


def _sequence_rebuild(node: Any, kids: dict) -> Any:
    return pg.List(list(kids.values()), value_spec=node.value_spec,
                   allow_partial=node.allow_partial, accessor_writable=node.accessor_writable,
                   sealed=node.is_sealed)


def _dict_rebuild(node: Any, kids: dict) -> Any:
    return pg.Dict(kids, value_spec=node.value_spec, allow_partial=node.allow_partial,
                   accessor_writable=node.accessor_writable, sealed=node.is_sealed)


object_kind: NodeKind = register_kind(
    pg.Object, _object_children, _object_rebuild,
    create=_object_create, call_args=_object_call_args, subclasses=True,
)
"""Every `pg.Object` subclass: classes, `pg.symbolize`d classes and functions, functors."""

list_kind: NodeKind = register_kind(
    pg.List, lambda node: list(node.sym_items()), _sequence_rebuild,
    create=lambda cls, kids: cls(list(kids.values())),
    call_args=lambda cls, kids: ((list(kids.values()),), {}),
    subclasses=False,
)
"""`pg.List`: children are its elements, keys `[0]`, `[1]`, ..."""

dict_kind: NodeKind = register_kind(
    pg.Dict, lambda node: list(node.sym_items()), _dict_rebuild,
    create=lambda cls, kids: cls(kids),
    call_args=lambda cls, kids: ((dict(kids),), {}),
    subclasses=False, extensible=True,
)
"""`pg.Dict`: children are its entries; `rebind` may add a key, as for a dict."""

# Code and JSON name them as PyGlove users write them: `pg.List`, `pg.Dict`.
register_type(pg.List, "pyglove.List")
register_type(pg.Dict, "pyglove.Dict")


def _name_wrapper(cls: type) -> None:
    """Give a `pg.symbolize`d class the name it is imported by, for code.

    PyGlove's wrapper keeps the wrapped class's module and name, which import
    the original, not the wrapper. The wrapper is known by the module that
    holds it under that name (`Dropout = pg.symbolize(nn.Dropout)` in
    `mylib.layers` makes it `mylib.layers.Dropout`), as for `gl.symbolize`.
    """
    if importable_name(cls) is not None:
        return
    modules = list(sys.modules.items())
    for module_name, module in modules:  # first where it keeps its name: `Dropout = ...`
        try:
            found = getattr(module, cls.__name__, None) is cls
        except Exception:  # lazy modules may raise on attribute access
            continue
        if found:
            register_type(cls, f"{module_name}.{cls.__name__}")
            return
    for module_name, module in modules:  # then under another name: `PgDropout = ...`
        try:
            names = [name for name, value in vars(module).items() if value is cls]
        except Exception:
            continue
        if names:
            register_type(cls, f"{module_name}.{sorted(names)[0]}")
            return


def _resolve(cls: type) -> NodeKind | None:
    if issubclass(cls, pg.ClassWrapper):
        _name_wrapper(cls)
    if issubclass(cls, pg.Object) and importable_name(cls) is not None:
        # PyGlove classes are symbolic like gl.symbolize'd ones: JSON may build them.
        register_type(cls, name_of(cls))
    return None  # the kind itself is `object_kind`, found by the base-class walk


register_resolver(_resolve)
