"""The node-kind registry: how to open a value into children and close it again.

Like JAX's pytree registry, every algorithm in glove_lab is written once
against this protocol. A kind says how to list a value's `(key, child)` pairs,
how to rebuild it from new children, and (optionally) how to create one from
scratch, which code and JSON need. Values with no kind are leaves.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple, cast

from glove_lab.tree._hints import signature_hints

__all__ = [
    "NodeKind", "children_of", "hints_of", "invalidate_kinds", "kind_of", "kind_of_type",
    "register_kind", "register_resolver", "registered_kind",
]

ChildrenFn = Callable[[Any], Iterable[tuple[Any, Any]]]
RebuildFn = Callable[[Any, dict], Any]
LabelFn = Callable[[Any], str]
CreateFn = Callable[[type, dict], Any]
SignatureFn = Callable[[type, dict], tuple[tuple, dict]]


@dataclasses.dataclass(frozen=True)
class NodeKind:
    """How one type of value is opened into children and rebuilt from them.

    `children(node)` yields `(key, child)` pairs in display order;
    `rebuild(node, children)` returns a new node from a dict holding every key;
    `create(cls, children)` builds a node from scratch (code and JSON use it);
    `call_args(cls, children)` says how code writes the constructor call, as
    `(positional, keyword)`; `label(node)` overrides the display name;
    `tags(node)` adds tags a node carries beyond its type's (a Fiddle config
    carries its callable's); `extensible` lets `rebind` add keys the node
    does not have yet (a dict entry, an unset argument).
    `identity` says that one object found at several paths is one thing whose
    sharing edits keep (torch modules: reused blocks, a shared activation).
    `hints(node)` maps child keys to type hints that `rebind`/`replace` check
    new values against (see `fits`); keys it leaves out take any value.
    """

    type: type
    children: ChildrenFn
    rebuild: RebuildFn
    label: LabelFn | None = None
    create: CreateFn | None = None
    call_args: SignatureFn | None = None
    subclasses: bool = True
    extensible: bool = False  # rebind may add new keys (dicts)
    hyper: Callable[[Any], tuple[str, ...]] | None = None  # keys shown first
    tags: Callable[[Any], frozenset[str]] | None = None  # tags beyond the type's
    # One object at several paths is one thing (a torch module used twice): a rule that
    # rewrites it at one path rewrites it at every path, and the result stays one object.
    identity: bool = False
    hints: Callable[[Any], Mapping[Any, Any]] | None = None  # child key -> type hint


_EXACT: dict[type, NodeKind] = {}
_BY_BASE: list[NodeKind] = []
_RESOLVED: dict[type, NodeKind | None] = {}
_RESOLVERS: list[Callable[[type], NodeKind | None]] = []


def register_kind(
    type_: type,
    children: ChildrenFn,
    rebuild: RebuildFn,
    label: LabelFn | None = None,
    *,
    create: CreateFn | None = None,
    call_args: SignatureFn | None = None,
    subclasses: bool = True,
    hyper: Callable[[Any], tuple[str, ...]] | None = None,
    tags: Callable[[Any], frozenset[str]] | None = None,
    extensible: bool = False,
    identity: bool = False,
    hints: Callable[[Any], Mapping[Any, Any]] | None = None,
) -> NodeKind:
    """Register how values of `type_` (and, by default, its subclasses) open and close.

    Args:
        type_: the type to register.
        children: `fn(node) -> iterable of (key, child)`.
        rebuild: `fn(node, children: dict) -> new node`, given every key.
        label: optional `fn(node) -> str` shown as the node's name.
        create: optional `fn(cls, children) -> node` to build from scratch
            (lets `to_code`/`from_json` handle the type).
        call_args: optional `fn(cls, children) -> (args, kwargs)` for code.
        subclasses: whether subclasses of `type_` share this kind.
        hyper: optional `fn(node) -> keys` of hyperparameters, shown first.
        tags: optional `fn(node) -> frozenset` of tags the node carries beyond
            those of its type (`gl.tags_of` returns both).
        extensible: whether `rebind` may add a key the node does not have yet.
        identity: whether one object found at several paths is one thing: an
            edit of it, or inside it, at one path is made at all of them, and it
            stays one object (a Fiddle sub-config used twice, a reused module).
        hints: optional `fn(node) -> {key: type hint}`: `rebind` and `replace`
            refuse a new child value that does not fit its key's hint
            (`TypeMismatchError`); keys left out, and hints it cannot
            evaluate, take any value.

    Returns:
        The registered NodeKind.
    """
    kind = NodeKind(
        type_, children, rebuild, label, create, call_args, subclasses=subclasses,
        extensible=extensible, hyper=hyper, tags=tags, identity=identity, hints=hints,
    )
    _add(kind)
    return kind


def kind_of(value: Any) -> NodeKind | None:
    """The kind of `value`, or None if it is a leaf."""
    try:
        return _RESOLVED[type(value)]
    except KeyError:
        return kind_of_type(type(value))


def kind_of_type(cls: type) -> NodeKind | None:
    """The kind shared by instances of `cls`, or None if they are leaves."""
    try:
        return _RESOLVED[cls]
    except KeyError:
        pass
    kind = _resolve(cls)
    _RESOLVED[cls] = kind
    if kind is not None and kind.identity:
        _IDENTITY_SEEN[0] = True
    return kind


def identity_kinds_seen() -> bool:
    """True once a kind with `identity` may exist: edits then look for shared places.

    Set when such a kind is registered (or a resolver that may return one), and
    when a resolver first returns one."""
    return _IDENTITY_SEEN[0]


_IDENTITY_SEEN = [False]


def hints_of(value: Any) -> Mapping[Any, Any]:
    """The type hints of `value`'s children by key (from its kind's `hints`; `{}` if none).

    These are what `rebind` and `replace` check new values against.
    """
    kind = kind_of(value)
    if kind is None or kind.hints is None:
        return {}
    return kind.hints(value)


def children_of(value: Any) -> list[tuple[Any, Any]]:
    """The `(key, child)` pairs of `value`; empty for a leaf."""
    kind = kind_of(value)
    return list(kind.children(value)) if kind is not None else []


def register_resolver(resolver: Callable[[type], NodeKind | None],
                      identity: bool = False) -> None:
    """Add a fallback that decides the kind of a whole family of types.

    For adapters whose types are too many or too open to register one by one
    (every `torch.nn.Module` subclass, every PyGlove object). `resolver(cls)`
    returns a NodeKind for `cls` or None to pass. Exact registrations win over
    resolvers; resolvers are asked in the order they were added, before the
    registered bases of `cls`. Results are cached per class (see
    `invalidate_kinds`). Pass `identity=True` if it may return kinds with
    `identity` (edits then look for shared places from the very first one).
    """
    _RESOLVERS.append(resolver)
    if identity:
        _IDENTITY_SEEN[0] = True
    _RESOLVED.clear()


def registered_kind(type_: type) -> NodeKind | None:
    """The kind registered for exactly `type_` with `register_kind`, or None.

    Unlike `kind_of_type`, resolvers and registered bases are not consulted:
    an adapter uses it to let a user's own registration win over its resolver.
    """
    return _EXACT.get(type_)


def invalidate_kinds() -> None:
    """Forget the cached kind of every class.

    An adapter calls it when something its resolver depends on changes (e.g. a
    layer spec registered after the class was first seen).
    """
    _RESOLVED.clear()


add_resolver = register_resolver  # the name used inside glove_lab.tree


def _add(kind: NodeKind) -> None:
    if kind.identity:  # known at registration: no edit may run before the flag is up
        _IDENTITY_SEEN[0] = True
    _EXACT[kind.type] = kind
    if kind.subclasses:
        _BY_BASE[:] = [k for k in _BY_BASE if k.type is not kind.type]
        _BY_BASE.append(kind)
    _RESOLVED.clear()


def _resolve(cls: type) -> NodeKind | None:
    kind = _EXACT.get(cls)
    if kind is not None:
        return kind
    for resolver in _RESOLVERS:
        kind = resolver(cls)
        if kind is not None:
            return kind
    # The most specific registered base wins.
    for base in cls.__mro__[1:]:
        for candidate in _BY_BASE:
            if candidate.type is base:
                return candidate
    if issubclass(cls, tuple) and hasattr(cls, "_fields"):
        return _namedtuple_kind(cls)
    if dataclasses.is_dataclass(cls):
        return _dataclass_kind(cls)
    return None


# -- built-in kinds: list, tuple, dict, namedtuple, dataclass ------------------


def _sequence_create(cls: type, children: dict) -> Any:
    return cls(children.values())


_add(
    NodeKind(
        list,
        lambda node: enumerate(node),
        lambda node, children: list(children.values()),
        create=_sequence_create,
        subclasses=False,
    )
)
_add(
    NodeKind(
        tuple,
        lambda node: enumerate(node),
        lambda node, children: tuple(children.values()),
        create=_sequence_create,
        subclasses=False,
    )
)
_add(
    dataclasses.replace(
        NodeKind(
            dict,
            lambda node: node.items(),
            lambda node, children: dict(children),
            create=lambda cls, children: dict(children),
            subclasses=False,
        ),
        extensible=True,
    )
)


def _namedtuple_kind(cls: type) -> NodeKind:
    # `_resolve` sends only tuple subclasses with `_fields` here.
    fields = cast("type[NamedTuple]", cls)._fields
    return NodeKind(
        cls,
        lambda node: zip(fields, node),
        lambda node, children: type(node)(**children),
        create=lambda c, children: c(**children),
        call_args=lambda c, children: ((), dict(children)),
        subclasses=False,
        hints=_lazy_hints(cls, fields),
    )


def _dataclass_kind(cls: type) -> NodeKind:
    names = tuple(f.name for f in dataclasses.fields(cls) if f.init)

    def children(node: Any) -> Iterable[tuple[str, Any]]:
        return [(name, getattr(node, name)) for name in names]

    return NodeKind(
        cls,
        children,
        lambda node, kids: type(node)(**kids),
        create=lambda c, kids: c(**kids),
        call_args=lambda c, kids: ((), dict(kids)),
        subclasses=False,
        hints=_lazy_hints(cls, names),
    )



def _lazy_hints(cls: type, names: Iterable[str]) -> Callable[[Any], Mapping[str, Any]]:
    """`hints` of a NodeKind: a class's field hints, evaluated on first use (forward refs)."""
    wanted = frozenset(names)
    found: list[dict[str, Any]] = []

    def hints(node: Any) -> Mapping[str, Any]:
        if not found:
            try:
                every = dict(typing.get_type_hints(cls))
            except Exception:
                every = signature_hints(cls)
            found.append({name: hint for name, hint in every.items() if name in wanted})
        return found[0]

    return hints
