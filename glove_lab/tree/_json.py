"""Safe JSON for trees: plain values and registered types only; no import, eval or pickle.

Encoding: JSON scalars, lists and string-keyed dicts stand for themselves;
everything else is an object with one `$`-key naming what it is:
`{"$type": "mod.Name", "args": {...}}` (a registered type built from its
children), `{"$call": "mod.fn", "args": {...}}`, `{"$tuple": [...]}`,
`{"$dict": [[key, value], ...]}` (dicts with non-string or `$` keys),
`{"$float": "nan" | "inf" | "-inf"}`, `{"$int": "0x..."}` (an int beyond
Python's 4,300-digit limit for decimal text, exact), `{"$ref": "mod.Name"}` (a
registered type used as a value).
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Any

from glove_lab.errors import GloveError, SerializationError
from glove_lab.tree._deep import MAX_DEPTH, deep
from glove_lab.tree._keypath import KeyPath, describe_path
from glove_lab.tree._kinds import kind_of, kind_of_type
from glove_lab.tree._naming import lookup_registered, name_of
from glove_lab.tree._symbolic import Call, SymbolicFunction

__all__ = ["JsonLimits", "from_json", "to_json"]

_MAX_DEPTH = MAX_DEPTH
_BIG_INT_BITS = 13_000  # about 3,900 decimal digits: under the 4,300-digit str limit
_JSON_TYPE_NAMES: dict[type, str] = {list: "array", dict: "object", str: "string"}


def to_json(tree: Any) -> Any:
    """A JSON-compatible value (for `json.dumps`) that `from_json` turns back into `tree`.

    Raises SerializationError naming the path of a value that has no JSON form.
    """
    try:
        return _deep_encode(tree, KeyPath())
    except SerializationError:
        raise
    except GloveError as exc:  # beyond the depth limit
        raise SerializationError(f"cannot write the tree as JSON: {exc}") from None


@dataclasses.dataclass(frozen=True)
class JsonLimits:
    """Bounds on what `from_json` builds from a document you do not trust.

    Registered constructors run with the document's arguments, so 83 characters
    can ask for `nn.Linear(30000, 30000)` (3.6 GB). Pass limits to refuse that
    before any constructor runs.

    Args:
        max_int: the largest absolute int any argument may hold.
        max_nodes: the most JSON values (objects, lists, scalars) the document may hold.
        allow: the registered type and function names that may be instantiated
            (None: every registered one).
    """

    max_int: int | None = None
    max_nodes: int | None = None
    allow: frozenset[str] | None = None


_LIMITS: list[Any] = [None, 0]  # (limits of the running from_json, values seen so far)


def from_json(data: Any, *, limits: JsonLimits | None = None) -> Any:
    """Rebuild a tree from `to_json` output (or its `json.loads`).

    Only types registered with glove_lab (symbolized classes and functions,
    `gl.register_type`) are instantiated, and no module is imported. Malformed or
    hostile input raises SerializationError naming the path and the offending part;
    so does an argument a type does not take (nothing is dropped silently), and,
    with `limits`, anything beyond them.
    """
    saved = list(_LIMITS)
    _LIMITS[:] = [limits, 0]
    try:
        return _deep_decode(data, KeyPath(), 0)
    except SerializationError:
        raise
    except GloveError as exc:
        raise SerializationError(f"JSON nested too deeply to be a glove_lab tree: {exc}") from None
    finally:
        _LIMITS[:] = saved


def _check_limits(data: Any, path: KeyPath) -> None:
    limits = _LIMITS[0]
    _LIMITS[1] += 1
    if limits.max_nodes is not None and _LIMITS[1] > limits.max_nodes:
        raise SerializationError(f"the document holds more than {limits.max_nodes:,} values "
                                 f"(limits.max_nodes), at {describe_path(path)}")
    if (limits.max_int is not None and type(data) is int
            and abs(data) > limits.max_int):
        raise SerializationError(f"the int at {describe_path(path)} is beyond "
                                 f"limits.max_int ({limits.max_int:,})")


def _encode(value: Any, path: KeyPath) -> Any:
    if type(value) is int and value.bit_length() > _BIG_INT_BITS:
        return {"$int": hex(value)}  # json.dumps would refuse its decimal text
    if value is None or type(value) in (bool, int, str):
        return value
    if type(value) is float:
        return value if math.isfinite(value) else {"$float": str(value)}
    kind = kind_of(value)
    if type(value) is list:
        return [_encode(v, path.child(i)) for i, v in enumerate(value)]
    if type(value) is tuple:
        return {"$tuple": [_encode(v, path.child(i)) for i, v in enumerate(value)]}
    if type(value) is dict:
        if all(type(k) is str and not k.startswith("$") for k in value):
            return {k: _encode(v, path.child(k)) for k, v in value.items()}
        return {"$dict": [[_encode_key(k, path), _encode(v, path.child(k))]
                          for k, v in value.items()]}
    if isinstance(value, Call):
        return {"$call": _registered_name(value.function, path),
                "args": _encode_children(value._sym_args.items(), path)}  # noqa: SLF001
    if kind is not None:
        if kind.create is None:
            raise SerializationError(
                f"cannot write the {type(value).__name__} at {describe_path(path)} as JSON: its "
                "node kind has no constructor (register_kind(..., create=...))"
            )
        return {"$type": _registered_name(type(value), path),
                "args": _encode_children(kind.children(value), path)}
    if isinstance(value, (type, SymbolicFunction)) and lookup_registered(name_of(value)) is value:
        return {"$ref": name_of(value)}
    raise SerializationError(
        f"cannot write the {type(value).__name__} at {describe_path(path)} as JSON: only plain "
        "values, lists, tuples, dicts and registered symbolic types have a JSON form"
    )


def _encode_children(items: Any, path: KeyPath) -> Any:
    pairs = list(items)
    if all(type(k) is str and not k.startswith("$") for k, _ in pairs):
        return {k: _encode(v, path.child(k)) for k, v in pairs}
    return {"$dict": [[_encode_key(k, path), _encode(v, path.child(k))] for k, v in pairs]}


def _encode_key(key: Any, path: KeyPath) -> Any:
    if type(key) is int and key.bit_length() > _BIG_INT_BITS:
        return {"$int": hex(key)}
    if key is None or type(key) in (bool, int, str):
        return key
    if type(key) is float and math.isfinite(key):
        return key
    raise SerializationError(
        f"cannot write the dict key {key!r} under {describe_path(path)} as JSON "
        "(keys must be str, int, bool, None or a finite float)"
    )


def _registered_name(obj: Any, path: KeyPath) -> str:
    name = name_of(obj)
    if lookup_registered(name) is not obj:
        raise SerializationError(
            f"cannot write the {getattr(obj, '__qualname__', obj)!r} at {describe_path(path)} as "
            "JSON: its type is not registered. gl.symbolize it, or gl.register_type(cls)."
        )
    return name


def _decode(data: Any, path: KeyPath, depth: int) -> Any:
    if depth > _MAX_DEPTH:
        raise SerializationError(
            f"JSON nested deeper than {_MAX_DEPTH} levels at {describe_path(path)}")
    if _LIMITS[0] is not None:
        _check_limits(data, path)
    if data is None or type(data) in (bool, int, str):
        return data
    if type(data) is float:
        return data
    if type(data) is list:
        return [_decode(v, path.child(i), depth + 1) for i, v in enumerate(data)]
    if type(data) is not dict:
        raise SerializationError(
            f"unexpected {type(data).__name__} at {describe_path(path)}: JSON data holds only "
            "null, booleans, numbers, strings, lists and objects"
        )
    dollar = [k for k in data if type(k) is str and k.startswith("$")]
    if not dollar:
        for key in data:
            if type(key) is not str:
                raise SerializationError(f"non-string key {key!r} at {describe_path(path)}")
        return {k: _decode(v, path.child(k), depth + 1) for k, v in data.items()}
    tag = dollar[0]
    if len(dollar) > 1 or (tag not in ("$type", "$call") and len(data) != 1):
        raise SerializationError(f"malformed object at {describe_path(path)}: unexpected keys "
                                 f"{sorted(map(str, data))!r}")
    body = data[tag]
    if tag == "$tuple":
        _expect(body, list, path, tag)
        return tuple(_decode(v, path.child(i), depth + 1) for i, v in enumerate(body))
    if tag == "$dict":
        return _decode_pairs(body, path, depth)
    if tag == "$float":
        if body not in ("nan", "inf", "-inf"):
            raise SerializationError(f"bad $float {body!r} at {describe_path(path)}")
        return float(body)
    if tag == "$int":
        if type(body) is not str or not re.fullmatch(r"-?0x[0-9a-f]{1,1000000}", body):
            raise SerializationError(f"bad $int {str(body)[:40]!r} at {describe_path(path)}: "
                                     "expected hex text like '0x1f' or '-0x1f'")
        return int(body, 16)
    if tag == "$ref":
        _expect(body, str, path, tag)
        return _lookup(body, path)
    if tag in ("$type", "$call"):
        _expect(body, str, path, tag)
        if set(data) - {tag, "args"}:
            raise SerializationError(f"malformed {tag} object at {describe_path(path)}: unexpected "
                                     f"keys {sorted(set(data) - {tag, 'args'})!r}")
        target = _lookup(body, path)
        raw_args = data.get("args", {})
        _expect(raw_args, dict, path, "args")
        if len(raw_args) == 1 and "$dict" in raw_args:
            children = _decode_pairs(raw_args["$dict"], path, depth)
        else:
            children = {k: _decode(v, path.child(k), depth + 1) for k, v in raw_args.items()}
        return _instantiate(tag, body, target, children, path)
    raise SerializationError(f"unknown marker {tag!r} at {describe_path(path)}")


def _decode_pairs(body: Any, path: KeyPath, depth: int) -> dict:
    _expect(body, list, path, "$dict")
    result: dict = {}
    for pair in body:
        if type(pair) is not list or len(pair) != 2:
            raise SerializationError(f"malformed $dict entry {pair!r} at {describe_path(path)}: "
                                     "expected [key, value]")
        key = pair[0]
        if type(key) is dict and set(key) == {"$int"}:
            key = _decode(key, path, depth + 1)
        if key is not None and type(key) not in (bool, int, str, float):
            raise SerializationError(f"unhashable or non-scalar dict key {key!r} at "
                                     f"{describe_path(path)}")
        result[key] = _decode(pair[1], path.child(key), depth + 1)
    return result


def _lookup(name: str, path: KeyPath) -> Any:
    target = lookup_registered(name)
    if target is None:
        raise SerializationError(
            f"unknown type {name!r} at {describe_path(path)}: only registered types are "
            "instantiated and no module is imported. Import the module that defines it (and "
            "gl.symbolize or gl.register_type it) before from_json."
        )
    return target


def _instantiate(tag: str, name: str, target: Any, children: dict, path: KeyPath) -> Any:
    limits = _LIMITS[0]
    if limits is not None and limits.allow is not None and name not in limits.allow:
        raise SerializationError(f"{name!r} at {describe_path(path)} is not in limits.allow")
    binder = getattr(target, "binder", None) or getattr(target, "__glove_binder__", None)
    if binder is not None:
        unknown = [key for key in children if key not in binder.names]
        if unknown:  # call_args would drop them without a word
            raise SerializationError(
                f"{name!r} at {describe_path(path)} takes no argument(s) "
                f"{', '.join(map(repr, unknown[:5]))}; it takes {', '.join(binder.names)}")
    try:
        if tag == "$call":
            if not isinstance(target, SymbolicFunction):
                raise SerializationError(
                    f"{name!r} at {describe_path(path)} is not a symbolic function")
            args, kwargs = target.binder.call_args(children)
            return target(*args, **kwargs)
        if not isinstance(target, type):
            raise SerializationError(f"{name!r} at {describe_path(path)} is not a type")
        kind = kind_of_type(target)
        if kind is None or kind.create is None:
            raise SerializationError(f"type {name!r} at {describe_path(path)} cannot be created "
                                     "from JSON (no node kind with a constructor)")
        return kind.create(target, children)
    except SerializationError:
        raise
    except Exception as exc:
        raise SerializationError(
            f"cannot create {name!r} at {describe_path(path)} from its JSON arguments: "
            f"{type(exc).__name__}: {exc}"
        ) from exc



_deep_encode = deep(_encode)
_deep_decode = deep(_decode)


def _expect(value: Any, expected: type, path: KeyPath, what: str) -> None:
    if type(value) is not expected:
        raise SerializationError(
            f"malformed {what} at {describe_path(path)}: expected a JSON "
            f"{_JSON_TYPE_NAMES[expected]}, "
            f"got {type(value).__name__}"
        )
