"""Names of types for code and JSON: `module.QualName`, and the safe lookup JSON uses."""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["register_type", "name_of", "lookup_registered", "importable_name"]

_BY_NAME: dict[str, Any] = {}
_NAME_OF: dict[Any, str] = {}


def register_type(cls: Any, name: str | None = None) -> Any:
    """Allow `gl.from_json` to instantiate `cls`, known as `name` (default `module.QualName`).

    Symbolized classes and functions are registered automatically. Returns `cls`.
    """
    name = name or f"{cls.__module__}.{cls.__qualname__}"
    _BY_NAME[name] = cls
    _NAME_OF[cls] = name
    return cls


def name_of(cls: Any) -> str:
    """The name `cls` is known by in code and JSON."""
    registered = _NAME_OF.get(cls)
    if registered is not None:
        return registered
    return f"{cls.__module__}.{cls.__qualname__}"


def lookup_registered(name: str) -> Any | None:
    """The registered type for `name`, or None; never imports anything."""
    return _BY_NAME.get(name)


def importable_name(obj: Any) -> tuple[str, str] | None:
    """`(module, qualname)` under which `obj` can be imported back, or None.

    Looks only at modules already imported. `__main__` counts: code written
    for a notebook refers to its own names.
    """
    name = _NAME_OF.get(obj)
    module: str | None
    qualname: str | None
    if name is not None:
        module, _, qualname = _split_registered(name)
    else:
        module = getattr(obj, "__module__", None)
        qualname = getattr(obj, "__qualname__", None)
    if not module or not qualname or "<locals>" in qualname:
        return None
    target: Any = sys.modules.get(module)
    for part in qualname.split("."):
        target = getattr(target, part, None)
        if target is None:
            return None
    return (module, qualname) if target is obj else None


def _split_registered(name: str) -> tuple[str, str, str]:
    """Split `a.b.Cls.Inner` into module and qualname by what is imported."""
    parts = name.split(".")
    for i in range(len(parts) - 1, 0, -1):
        module = ".".join(parts[:i])
        if module in sys.modules:
            return module, ".", ".".join(parts[i:])
    return parts[0], ".", ".".join(parts[1:])
