"""Type hints of a node's fields, and whether a value fits one: what typed edits check.

`gl.rebind` / `gl.replace` look up the hint of each field they set (a symbolic
class's `__init__` annotations, a dataclass's fields, a torch layer's
constructor, or the element type of a `list[X]` / `dict[str, X]` field) and
refuse a value that does not fit it with a `TypeMismatchError`.

The check is deliberately one-sided: it refuses only what it can prove wrong.
A hint it cannot evaluate or does not understand (a string it cannot resolve,
a Protocol, a TypeVar, a library's exotic alias) accepts every value, and a
field whose current value does not fit its own hint (the hint is evidently not
what the code stores) is not checked at all.
"""

from __future__ import annotations

import collections.abc as abc
import enum
import numbers
import reprlib
import types
import typing
from collections.abc import Callable
from typing import Any, cast

__all__ = ["NO_HINT", "describe_hint", "element_hint", "fits", "signature_hints", "value_text"]

NO_HINT: Any = typing.Any
"""The hint of a field that has none: every value fits it."""

_UNION_TYPES: tuple[Any, ...] = (typing.Union, types.UnionType)
_MAX_ELEMENTS = 100_000  # containers longer than this have only their type checked


def fits(value: Any, hint: Any) -> bool:
    """True unless `value` provably does not fit the type hint `hint`.

    Understood: classes (`int` also takes other integral numbers but never a
    bool, `float` takes ints, an enum takes its members, a class takes its
    subclasses), `None`, `Any`, `Optional` / `Union` / `X | Y`, `Literal[...]`,
    `tuple[X, ...]` / `tuple[X, Y]`, `list[X]`, `set[X]`, `dict[K, V]` and
    their `collections.abc` forms, `type[X]`, `Callable`, `Annotated`,
    `NewType`. A deferred call of a symbolized function (`gl.Call`) fits a
    class hint if the function's return hint is a subclass (or unknown).
    Anything else (a string that was never resolved, a TypeVar, a Protocol
    that cannot be checked) fits every value.
    """
    if type(value) is hint:  # the common case (an int for `int`), decided at once
        return True
    try:
        return _fits(value, hint)
    except Exception:  # a hint we cannot evaluate never refuses
        return True


def _fits(value: Any, hint: Any) -> bool:
    if hint is typing.Any or hint is object or hint is NO_HINT:
        return True
    if hint is None or hint is type(None):
        return value is None
    origin = typing.get_origin(hint)
    if origin is None:
        return _fits_plain(value, hint)
    args = typing.get_args(hint)
    if origin is typing.Annotated:
        return _fits(value, args[0])
    if origin in _UNION_TYPES:
        return any(_fits(value, arm) for arm in args)
    if origin is typing.Literal:
        return any(_same_literal(value, choice) for choice in args)
    if origin in (typing.ClassVar, typing.Final):
        return _fits(value, args[0]) if args else True
    if origin is type:
        if not isinstance(value, type):
            return False
        return not args or _fits_class_hint(value, args[0])
    if origin is abc.Callable:
        return callable(value)
    if not isinstance(origin, type):
        return True  # a generic construct we do not know
    deferred = _deferred_result(value)
    if deferred is not _UNKNOWN:
        return deferred is None or _subclass_of(deferred, origin)
    if not isinstance(value, origin):
        return False
    value = cast(Any, value)  # (a container of the hinted kind)
    if origin is tuple:
        return _fits_tuple(value, args)
    if not args or len(value) > _MAX_ELEMENTS:
        return True
    if issubclass(origin, abc.Mapping) and len(args) == 2:
        key_hint, item_hint = args
        return all(_fits(k, key_hint) and _fits(v, item_hint) for k, v in value.items())
    if issubclass(origin, (abc.Sequence, abc.Set)) and len(args) == 1 and not isinstance(
            value, (str, bytes)):
        return all(_fits(item, args[0]) for item in value)
    return True  # another generic class (Iterator[X], a user's Generic): its type was enough


def _fits_plain(value: Any, hint: Any) -> bool:
    if isinstance(hint, typing.TypeVar):
        return True
    supertype = getattr(hint, "__supertype__", None)  # typing.NewType
    if supertype is not None:
        return _fits(value, supertype)
    if not isinstance(hint, type):
        return True  # a string, ForwardRef or other object: not something we can check
    if typing.is_typeddict(hint):
        return isinstance(value, dict)
    if getattr(hint, "_is_protocol", False) and not getattr(hint, "_is_runtime_protocol", False):
        return True
    deferred = _deferred_result(value)
    if deferred is not _UNKNOWN:
        return deferred is None or _subclass_of(deferred, hint)
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, numbers.Real) and not isinstance(value, bool)
    if hint is complex:
        return isinstance(value, numbers.Complex) and not isinstance(value, bool)
    return isinstance(value, hint)


def _fits_tuple(value: tuple, args: tuple) -> bool:
    if not args:
        return True
    if len(args) == 2 and args[1] is Ellipsis:
        return len(value) > _MAX_ELEMENTS or all(_fits(item, args[0]) for item in value)
    if args == ((),):  # tuple[()]
        return len(value) == 0
    return len(value) == len(args) and all(_fits(v, a) for v, a in zip(value, args))


def _fits_class_hint(cls: type, hint: Any) -> bool:
    """`type[hint]`: is the class `cls` a subclass of (any arm of) `hint`?"""
    if hint is typing.Any:
        return True
    if typing.get_origin(hint) in _UNION_TYPES:
        return any(_fits_class_hint(cls, arm) for arm in typing.get_args(hint))
    if isinstance(hint, type):
        return issubclass(cls, hint)
    return True


def _same_literal(value: Any, choice: Any) -> bool:
    if isinstance(choice, enum.Enum):
        return value is choice
    return type(value) is type(choice) and value == choice


_UNKNOWN = object()


def _deferred_result(value: Any) -> Any:
    """For a deferred call (`gl.Call`): the class it builds (None: unknown); else _UNKNOWN."""
    function_of = getattr(type(value), "__glove_function_of__", None)
    if function_of is None:
        return _UNKNOWN
    function = getattr(function_of(value), "function", None)
    if function is None:
        return None
    result = signature_hints(function, keep_return=True).get("return")
    return result if isinstance(result, type) else None


def _subclass_of(result: type, hint: Any) -> bool:
    if hint is float and issubclass(result, int) and result is not bool:
        return True
    return issubclass(result, hint)


def signature_hints(function: Callable[..., Any] | None, keep_return: bool = False
                    ) -> dict[str, Any]:
    """The evaluated type hints of a function's (or a class's `__init__`'s) parameters.

    Hints that cannot be evaluated are left out (a field without a hint takes
    any value); so is `return` unless `keep_return`.
    """
    if function is None:
        return {}
    if isinstance(function, type):
        function = function.__init__  # type: ignore[misc]  # (an unbound method)
        if function is object.__init__:
            return {}
    try:
        hints = dict(typing.get_type_hints(function))
    except Exception:  # one hint that cannot be evaluated: keep the others
        hints = _one_by_one(function)
    if not keep_return:
        hints.pop("return", None)
    return hints


def _one_by_one(function: Any) -> dict[str, Any]:
    """The hints of `function` evaluated one at a time, as `get_type_hints` would."""
    raw = getattr(function, "__annotations__", None)
    if not isinstance(raw, dict):
        return {}
    unwrapped = function
    while hasattr(unwrapped, "__wrapped__"):
        unwrapped = unwrapped.__wrapped__
    namespace = getattr(unwrapped, "__globals__", {})
    hints = {}
    for name, hint in raw.items():
        try:
            hints[name] = typing.get_type_hints(_Annotated({name: hint}), namespace)[name]
        except Exception:
            continue
    return hints


class _Annotated:
    """An object carrying one annotation, for `get_type_hints` to evaluate on its own."""

    def __init__(self, annotations: dict[str, Any]) -> None:
        self.__annotations__ = annotations


def element_hint(hint: Any, key: Any) -> Any:
    """The hint of the element `key` inside a value hinted `hint` (`list[int]`, 3 -> int).

    `NO_HINT` when the hint says nothing about it.
    """
    index = type(key) is int
    try:
        return _ELEMENT_HINTS[hint, index]  # the same for every key of a list[X] / dict[K, V]
    except (KeyError, TypeError):
        pass
    try:
        found = _element_hint(hint, key)
    except Exception:
        return NO_HINT
    origin = typing.get_origin(hint)
    positional = origin is tuple and not (len(typing.get_args(hint)) == 2 and
                                          typing.get_args(hint)[1] is Ellipsis)
    if not positional and origin not in _UNION_TYPES:  # (tuple[A, B] depends on the index)
        try:
            if len(_ELEMENT_HINTS) > 4096:
                _ELEMENT_HINTS.clear()
            _ELEMENT_HINTS[hint, index] = found
        except TypeError:  # an unhashable hint
            pass
    return found


_ELEMENT_HINTS: dict[tuple[Any, bool], Any] = {}


def _element_hint(hint: Any, key: Any) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Annotated:
        return _element_hint(args[0], key)
    if origin in _UNION_TYPES:
        arms = [_element_hint(arm, key) for arm in args if arm is not type(None)]
        arms = [arm for arm in arms if arm is not NO_HINT]
        if len(arms) != len([a for a in args if a is not type(None)]) or not arms:
            return NO_HINT  # some arm says nothing about the element: anything may fit
        return arms[0] if len(arms) == 1 else typing.Union[tuple(arms)]  # noqa: UP007
    if not isinstance(origin, type) or not args:
        return NO_HINT
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return args[0]
        if type(key) is int and 0 <= key < len(args) and args != ((),):
            return args[key]
        return NO_HINT
    if issubclass(origin, abc.Mapping) and len(args) == 2:
        return args[1]
    if issubclass(origin, abc.Sequence) and len(args) == 1 and type(key) is int:
        return args[0]
    return NO_HINT


def describe_hint(hint: Any) -> str:
    """A hint as a reader writes it: `int`, `float | None`, `Literal['relu', 'gelu']`."""
    if hint is None or hint is type(None):
        return "None"
    if isinstance(hint, type) and typing.get_origin(hint) is None:
        return hint.__qualname__
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in _UNION_TYPES:
        return " | ".join(describe_hint(arm) for arm in args)
    if origin is typing.Literal:
        return "Literal[" + ", ".join(repr(a) for a in args) + "]"
    if origin is not None and args:
        name = getattr(origin, "__qualname__", None) or str(origin)
        if origin is abc.Callable:
            return "Callable"
        inner = ", ".join("..." if a is Ellipsis else "()" if a == () else describe_hint(a)
                          for a in args)
        return f"{name}[{inner}]"
    return str(hint).replace("typing.", "")


_REPR = reprlib.Repr()
_REPR.maxstring = 60
_REPR.maxother = 60
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 6


def value_text(value: Any) -> str:
    """A short, safe `repr` of a value for an error message (never raises)."""
    try:
        text = _REPR.repr(value)
    except Exception:
        text = f"<{type(value).__name__} object>"
    return text if len(text) <= 80 else text[:77] + "..."

