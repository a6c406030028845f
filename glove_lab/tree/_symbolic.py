"""Symbolic objects: classes and functions whose instances remember how they were built.

A symbolic instance records its bound constructor arguments (defaults
included); those arguments are its children in the tree, so a rebuilt
instance is a real instance whose `__init__` ran with the new arguments. A
symbolized function called with arguments gives a deferred `Call` node that
`build` evaluates.
"""

from __future__ import annotations

import functools
import inspect
import sys
import types
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast, overload

from glove_lab.tree._guard import mark_built, refuse_write
from glove_lab.tree._hints import signature_hints
from glove_lab.tree._kinds import NodeKind, add_resolver, kind_of
from glove_lab.tree._naming import register_type
from glove_lab.tree._tags import tag

__all__ = ["Symbolic", "Call", "SymbolicFunction", "symbolize", "build", "is_symbolic", "hyper_of"]

T = TypeVar("T")
_EMPTY = inspect.Parameter.empty


class _Binder:
    """A precomputed, fast `inspect.Signature.bind` + `apply_defaults`."""

    __slots__ = (
        "defaults",
        "keyword_only",
        "keywords",
        "names",
        "owner",
        "plain",
        "positional",
        "positional_only",
        "var_kw",
        "var_pos",
    )

    def __init__(self, signature: inspect.Signature, owner: str) -> None:
        self.owner = owner
        self.names: list[str] = []
        self.positional: list[str] = []
        self.positional_only: set[str] = set()
        self.keyword_only: set[str] = set()
        self.defaults: dict[str, Any] = {}
        self.var_pos: str | None = None
        self.var_kw: str | None = None
        for p in signature.parameters.values():
            self.names.append(p.name)
            if p.kind is p.VAR_POSITIONAL:
                self.var_pos = p.name
            elif p.kind is p.VAR_KEYWORD:
                self.var_kw = p.name
            else:
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
                    self.positional.append(p.name)
                else:
                    self.keyword_only.add(p.name)
                if p.kind is p.POSITIONAL_ONLY:
                    self.positional_only.add(p.name)
                if p.default is not _EMPTY:
                    self.defaults[p.name] = p.default
        # The names a keyword argument binds to (others go to **var_kw or are errors).
        self.keywords = frozenset(
            name for name in (*self.positional, *self.keyword_only)
            if name not in self.positional_only
        )
        # No *args, **kwargs or positional-only parameters: `bind` has a fast path.
        self.plain = self.var_pos is None and self.var_kw is None and not self.positional_only

    def bind(self, args: tuple, kwargs: dict) -> dict[str, Any]:
        """Bound arguments, defaults included, in signature order."""
        if (not args and self.plain and len(kwargs) == len(self.names)
                and self.keywords.issuperset(kwargs)):
            # Every parameter given by keyword (how nodes are rebuilt): nothing to check.
            return {name: kwargs[name] for name in self.names}
        bound: dict[str, Any] = {}
        positional = self.positional
        if len(args) > len(positional) and self.var_pos is None:
            raise TypeError(
                f"{self.owner}() takes {len(positional)} positional arguments "
                f"but {len(args)} were given"
            )
        for name, value in zip(positional, args):
            bound[name] = value
        extra_kw: dict[str, Any] = {}
        for name, value in kwargs.items():
            if name in bound:
                raise TypeError(f"{self.owner}() got multiple values for argument {name!r}")
            if name in self.keywords:
                bound[name] = value
            elif self.var_kw is not None:
                extra_kw[name] = value
            else:
                raise TypeError(f"{self.owner}() got an unexpected keyword argument {name!r}")
        result: dict[str, Any] = {}
        for name in self.names:
            if name in bound:
                result[name] = bound[name]
            elif name == self.var_pos:
                result[name] = tuple(args[len(positional):])
            elif name == self.var_kw:
                result[name] = extra_kw
            elif name in self.defaults:
                result[name] = self.defaults[name]
            else:
                raise TypeError(f"{self.owner}() missing required argument {name!r}")
        return result

    def call_args(self, bound: dict[str, Any]) -> tuple[tuple, dict]:
        """`(args, kwargs)` that reproduce `bound` when passed to the callable."""
        if self.var_pos is None and not self.positional_only:
            if self.var_kw is None:
                return (), bound  # callers unpack with **, which copies
            kwargs = {k: v for k, v in bound.items() if k != self.var_kw}
            if self.var_kw is not None:
                kwargs.update(bound.get(self.var_kw, {}))
            return (), kwargs
        args: list[Any] = []
        kwargs = {}
        for name in self.names:
            if name not in bound:
                continue
            if name == self.var_pos:
                args.extend(bound[name])
            elif name == self.var_kw:
                kwargs.update(bound[name])
            elif name in self.positional and (self.var_pos is not None or
                                              name in self.positional_only):
                args.append(bound[name])
            else:
                kwargs[name] = bound[name]
        return tuple(args), kwargs


class Symbolic:
    """Mixin of every symbolic class; its instances record their constructor arguments."""

    __glove_binder__: _Binder
    __glove_hyper__: tuple[str, ...] = ()
    _sym_args: dict[str, Any]

    @property
    def sym_args(self) -> dict[str, Any]:
        """The recorded constructor arguments (a copy), defaults included."""
        return dict(self._sym_args)

    def __repr__(self) -> str:
        from glove_lab.tree._format import short_repr

        return short_repr(self)


def _symbolic_getattr(self: Any, name: str) -> Any:
    # The class's own attribute protocol wins over the recorded arguments:
    # a symbolic Conv2d's `bias` is its Parameter, not the `bias=True` it was given.
    # Cached per class at symbolize time (False: none); subclasses look it up.
    getter = type(self).__dict__.get("__glove_next_getattr__")
    if getter is None:
        getter = _next_getattr(type(self))
    if getter:
        try:
            return getter(self, name)
        except AttributeError:
            pass
    try:
        args = object.__getattribute__(self, "_sym_args")
    except AttributeError:
        args = None
    if args is not None and name in args:
        return args[name]
    raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


def _symbolic_setattr(self: Any, name: str, value: Any) -> None:
    # While a rule runs, a node of its input tree refuses writes (see _guard).
    refuse_write(self, name)
    setter = type(self).__dict__.get("__glove_next_setattr__") or _next_method(
        type(self), "__setattr__", _symbolic_setattr)
    setter(self, name, value)


def _symbolic_delattr(self: Any, name: str) -> None:
    refuse_write(self, name)
    deleter = type(self).__dict__.get("__glove_next_delattr__") or _next_method(
        type(self), "__delattr__", _symbolic_delattr)
    deleter(self, name)


def _next_method(cls: type, name: str, ours: Any) -> Any:
    """The method `name` of the first class after ours in the MRO (object's at the end)."""
    for base in cls.__mro__[1:]:
        method = base.__dict__.get(name)
        if method is not None and method is not ours:
            return method
    return getattr(object, name)


def _next_getattr(cls: type) -> Any:
    """The `__getattr__` a symbolic class overrides (nn.Module's), or None."""
    for base in cls.__mro__[1:]:
        getter = base.__dict__.get("__getattr__")
        if getter is not None and getter is not _symbolic_getattr:
            return getter
    return None


def is_symbolic(value: Any) -> bool:
    """True for instances of symbolic classes and deferred calls."""
    return isinstance(value, (Symbolic, Call))


def hyper_of(value: Any) -> tuple[str, ...]:
    """Names of the arguments declared as hyperparameters of a node's type."""
    if isinstance(value, Call):
        return value.function.hyper
    kind = kind_of(value)
    if kind is not None and kind.hyper is not None:
        return kind.hyper(value)
    return getattr(type(value), "__glove_hyper__", ())


# A class is also a Callable; overloads are tried in order, so the first one wins for it.
@overload
def symbolize(target: type[T], *,  # type: ignore[overload-overlap]
              tags: Iterable[str] = ..., hyper: Iterable[str] = ...,
              name: str | None = ...) -> type[T]: ...
@overload
def symbolize(target: Callable[..., Any], *, tags: Iterable[str] = ...,
              hyper: Iterable[str] = ..., name: str | None = ...) -> SymbolicFunction: ...
@overload
def symbolize(target: None = ..., *, tags: Iterable[str] = ..., hyper: Iterable[str] = ...,
              name: str | None = ...) -> Callable[[Any], Any]: ...


def symbolize(target: Any = None, *, tags: Iterable[str] = (), hyper: Iterable[str] = (),
              name: str | None = None) -> Any:
    """Make a class or function symbolic, as a decorator or as a call.

    On a class you own (`@gl.symbolize`) or do not (`gl.symbolize(ThirdPartyConv)`),
    returns a symbolic subclass; the original class is untouched. It is known,
    for code and JSON, as `<calling module>.<class name>`, which must import
    back to the returned class. On a function, returns a `SymbolicFunction`
    whose calls are deferred `Call` nodes.

    Args:
        target: the class or function (omit to get a decorator).
        tags: tags for the new type (`{"convolution"}`), inherited by subclasses.
        hyper: names of the arguments that are hyperparameters (shown first).
        name: override the `module.Name` it is known by.
    """
    module = sys._getframe(1).f_globals.get("__name__", "__main__")  # noqa: SLF001
    if target is None:
        return lambda t: _symbolize(t, module, tuple(tags), tuple(hyper), name)
    return _symbolize(target, module, tuple(tags), tuple(hyper), name)


def _symbolize(target: Any, module: str, tags: tuple[str, ...], hyper: tuple[str, ...],
               name: str | None) -> Any:
    if isinstance(target, SymbolicFunction) or (
        isinstance(target, type) and "__glove_binder__" in target.__dict__
    ):
        if tags:
            tag(target, *tags, module=module)
        if hyper:
            if isinstance(target, SymbolicFunction):
                target.hyper = hyper
            else:  # a class with its own `__glove_binder__` is a symbolic class
                cast("type[Symbolic]", target).__glove_hyper__ = hyper
        return target
    if isinstance(target, type):
        return _symbolize_class(target, module, tags, hyper, name)
    if callable(target):
        return _symbolize_function(target, module, tags, hyper, name)
    raise TypeError(f"gl.symbolize expects a class or a function, got {target!r}")


def _symbolize_class(cls: type[Any], module: str, tags: tuple[str, ...], hyper: tuple[str, ...],
                     name: str | None) -> type:
    try:
        signature = inspect.signature(cls)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"cannot symbolize {cls.__qualname__}: no readable signature") from exc
    binder = _Binder(signature, cls.__name__)
    _check_hyper(hyper, binder.names, cls.__qualname__)
    original_init = cls.__init__
    own_getattr = any(base.__dict__.get("__getattr__") not in (None, _symbolic_getattr)
                      for base in cls.__mro__)

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        bound = binder.bind(args, kwargs)
        if own_getattr:
            # A class with its own attribute protocol (nn.Module) must not see the
            # recorded arguments as attributes while it registers its own.
            original_init(self, *args, **kwargs)
            object.__setattr__(self, "_sym_args", bound)
        else:
            object.__setattr__(self, "_sym_args", bound)
            original_init(self, *args, **kwargs)
        mark_built(self)

    def rebuild(new_cls: type[Any], bound: dict[str, Any]) -> Any:
        # Rebuilding from a node's own (complete, valid) arguments: skip binding.
        # Installed only on classes whose `__new__` is object's (see below).
        self = object.__new__(new_cls)
        args, kwargs = binder.call_args(bound)
        if own_getattr:
            original_init(self, *args, **kwargs)
            object.__setattr__(self, "_sym_args", bound)
        else:
            object.__setattr__(self, "_sym_args", bound)
            original_init(self, *args, **kwargs)
        mark_built(self)
        return self

    qualname = cls.__qualname__ if module == cls.__module__ else cls.__name__
    namespace = {
        "__init__": functools.wraps(original_init)(__init__)
        if original_init is not object.__init__ else __init__,
        "__getattr__": _symbolic_getattr,
        "__setattr__": _symbolic_setattr,
        "__delattr__": _symbolic_delattr,
        "__glove_binder__": binder,
        "__glove_hyper__": hyper,
        "__module__": module,
        "__qualname__": qualname,
        "__doc__": cls.__doc__,
    }
    bases = (cls,) if issubclass(cls, Symbolic) else (cls, Symbolic)
    new_cls: type[Any] = types.new_class(cls.__name__, bases, {}, lambda ns: ns.update(namespace))
    new_cls.__glove_next_getattr__ = _next_getattr(new_cls) or False
    new_cls.__glove_next_setattr__ = _next_method(new_cls, "__setattr__", _symbolic_setattr)
    new_cls.__glove_next_delattr__ = _next_method(new_cls, "__delattr__", _symbolic_delattr)
    if new_cls.__new__ is object.__new__:
        new_cls.__glove_rebuild__ = rebuild
    if tags:
        tag(new_cls, *tags, module=module)
    register_type(new_cls, name or f"{module}.{qualname}")
    return new_cls


def _check_hyper(hyper: tuple[str, ...], names: list[str], owner: str) -> None:
    unknown = [h for h in hyper if h not in names]
    if unknown:
        raise TypeError(f"hyper={unknown!r} are not arguments of {owner}; it takes {names!r}")


class SymbolicFunction:
    """A symbolized function: calling it returns a deferred `Call` node."""

    __name__: str  # copied from the function by `functools.update_wrapper`

    def __init__(self, function: Callable[..., Any], module: str, hyper: tuple[str, ...],
                 name: str | None) -> None:
        functools.update_wrapper(self, function)
        self.function = function
        self.binder = _Binder(inspect.signature(function), function.__name__)
        _check_hyper(hyper, self.binder.names, function.__qualname__)
        self.hyper = hyper
        self.__module__ = module
        self.__qualname__ = (function.__qualname__ if module == function.__module__
                             else function.__name__)
        register_type(self, name or f"{module}.{self.__qualname__}")

    def __call__(self, *args: Any, **kwargs: Any) -> Call:
        return Call(self, self.binder.bind(args, kwargs))

    def __repr__(self) -> str:
        return f"<symbolic function {self.__module__}.{self.__qualname__}>"


def _symbolize_function(function: Callable[..., Any], module: str, tags: tuple[str, ...],
                        hyper: tuple[str, ...], name: str | None) -> SymbolicFunction:
    symbolic = SymbolicFunction(function, module, hyper, name)
    if tags:
        tag(symbolic, *tags, module=module)
    return symbolic


class Call:
    """A deferred call of a symbolic function; `gl.build(call)` or `call()` evaluates it."""

    __slots__ = ("_sym_args", "function")
    __glove_function_of__ = staticmethod(lambda node: node.function)

    def __init__(self, function: SymbolicFunction, args: dict[str, Any]) -> None:
        object.__setattr__(self, "function", function)  # (a new Call: nothing to guard)
        object.__setattr__(self, "_sym_args", args)

    def __setattr__(self, name: str, value: Any) -> None:
        refuse_write(self, name)
        object.__setattr__(self, name, value)

    @property
    def sym_args(self) -> dict[str, Any]:
        """The recorded arguments (a copy), defaults included."""
        return dict(self._sym_args)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._sym_args[name]
        except KeyError:
            raise AttributeError(
                f"call of {self.function.__qualname__} has no argument {name!r}"
            ) from None

    def __call__(self) -> Any:
        return build(self)

    def __repr__(self) -> str:
        from glove_lab.tree._format import short_repr

        return short_repr(self)


def build(tree: Any) -> Any:
    """Evaluate every deferred call in `tree`, innermost first; other nodes are kept or rebuilt."""
    from glove_lab.tree._deep import deep

    return deep(_build)(tree)


def _build(node: Any) -> Any:
    kind = kind_of(node)
    if kind is None:
        return node
    old = dict(kind.children(node))
    new = {key: _build(child) for key, child in old.items()}
    if isinstance(node, Call):
        args, kwargs = node.function.binder.call_args(new)
        return node.function.function(*args, **kwargs)
    if all(new[key] is old[key] for key in old):
        return node
    return kind.rebuild(node, new)


# -- the symbolic kinds ---------------------------------------------------------


def _symbolic_children(node: Any) -> Iterable[tuple[str, Any]]:
    return node._sym_args.items()  # noqa: SLF001 - a symbolic node's recorded arguments


def _symbolic_rebuild(node: Any, children: dict) -> Any:
    cls = type(node)
    fast = cls.__dict__.get("__glove_rebuild__")  # not inherited: a subclass may differ
    if fast is not None and children.keys() == node._sym_args.keys():  # noqa: SLF001
        return fast(cls, children)
    return _symbolic_create(cls, children)


def _symbolic_create(cls: type, children: dict) -> Any:
    args, kwargs = cast("type[Symbolic]", cls).__glove_binder__.call_args(children)
    return cls(*args, **kwargs)


def _symbolic_call_args(cls: type, children: dict) -> tuple[tuple, dict]:
    return cast("type[Symbolic]", cls).__glove_binder__.call_args(children)


def _symbolic_hints(node: Any) -> dict[str, Any]:
    # The argument hints of a symbolic class, evaluated on first use and kept on the class
    # (not inherited: a subclass with its own __init__ has its own).
    cls = type(node)
    hints = cls.__dict__.get("__glove_hints__")
    if hints is None:
        hints = signature_hints(cls.__init__)
        type.__setattr__(cls, "__glove_hints__", hints)
    return hints


def _call_hints(node: Any) -> dict[str, Any]:
    function = node.function
    hints = function.__dict__.get("_glove_hints")
    if hints is None:
        hints = function.__dict__["_glove_hints"] = signature_hints(function.function)
    return hints


SYMBOLIC_KIND = NodeKind(
    Symbolic,
    _symbolic_children,
    lambda node, children: _symbolic_rebuild(node, children),
    create=_symbolic_create,
    call_args=_symbolic_call_args,
    hints=_symbolic_hints,
)

CALL_KIND = NodeKind(
    Call,
    _symbolic_children,
    lambda node, children: Call(node.function, dict(children)),
    label=lambda node: node.function.__name__,
    subclasses=False,
    hints=_call_hints,
)


def _resolve_symbolic(cls: type) -> NodeKind | None:
    if cls is Call:
        return CALL_KIND
    if issubclass(cls, Symbolic) and "__glove_binder__" in _mro_dicts(cls):
        return SYMBOLIC_KIND
    return None


def _mro_dicts(cls: type) -> set[str]:
    names: set[str] = set()
    for base in cls.__mro__:
        names.update(base.__dict__)
    return names


add_resolver(_resolve_symbolic)
