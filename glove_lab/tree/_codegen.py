"""Tree -> Python source: import lines, then `name = <expression>`."""

from __future__ import annotations

import enum
import keyword
import math
import types
from typing import Any

from glove_lab.errors import GloveError
from glove_lab.tree._format import _argument_prefix, layout
from glove_lab.tree._keypath import KeyPath
from glove_lab.tree._kinds import kind_of
from glove_lab.tree._naming import importable_name
from glove_lab.tree._symbolic import Call, SymbolicFunction

__all__ = ["to_code", "CodeWriter"]


def to_code(tree: Any, name: str = "tree", width: int = 88) -> str:
    """Python source that, executed, binds `name` to a tree equal (`gl.eq`) to `tree`.

    Raises GloveError naming the path of a value that cannot be written as code
    (a lambda, a local class, an object with no registered constructor).
    """
    if not name.isidentifier():
        raise GloveError(f"to_code(name=...) must be a Python identifier, got {name!r}")
    writer = CodeWriter()
    expression = writer.expression(tree, width=width, indent=0)
    return writer.header() + f"{name} = {expression}\n"


class CodeWriter:
    """Writes expressions for values and collects the imports they need."""

    def __init__(self) -> None:
        self.imports: dict[tuple[str, str], str] = {}  # (module, qualname) -> local name
        self.used_names: dict[str, tuple[str, str]] = {}
        self.notebook_names: set[str] = set()

    def expression(self, value: Any, width: int = 88, indent: int = 0) -> str:
        """Source text of one value, wrapped to `width`."""
        return layout(self._doc(value, KeyPath()), width, indent)

    def header(self) -> str:
        """The import lines (and notes on notebook-defined names) the expressions need."""
        lines = []
        for (module, qualname), local in sorted(self.imports.items()):
            top = qualname.split(".")[0]
            alias = "" if local == top else f" as {local}"
            lines.append(f"from {module} import {top}{alias}")
        if self.notebook_names:
            names = ", ".join(sorted(self.notebook_names))
            lines.append(f"# defined in the notebook (__main__), not imported: {names}")
        return "\n".join(lines) + ("\n\n" if lines else "")

    def reference(self, obj: Any, path: KeyPath) -> str:
        """A name for an importable class, function or object; records its import."""
        where = importable_name(obj)
        if where is None:
            raise GloveError(
                f"cannot write {_describe(obj)} at {str(path) or 'the root'!r} as code: it is not "
                "importable by name (defined in a function, or renamed). Define it at module "
                "level (and, for a class you do not own, gl.symbolize it there)."
            )
        module, qualname = where
        top, _, rest = qualname.partition(".")
        if module == "__main__":
            self.notebook_names.add(top)
            return qualname
        local = self.imports.get((module, top))
        if local is None:
            local = top
            n = 2
            while local in self.used_names and self.used_names[local] != (module, top):
                local = f"{top}_{n}"
                n += 1
            self.used_names[local] = (module, top)
            self.imports[(module, top)] = local
        return local + ("." + rest if rest else "")

    def _doc(self, node: Any, path: KeyPath) -> Any:
        kind = kind_of(node)
        if kind is None:
            return self.leaf(node, path)
        children = list(kind.children(node))
        if type(node) in (list, tuple):
            docs = [("", self._doc(child, path.child(key))) for key, child in children]
            return ("[", docs, "]") if type(node) is list else ("(", docs, ")")
        if type(node) is dict:
            return ("{", [(self.leaf(key, path) + ": ", self._doc(child, path.child(key)))
                          for key, child in children], "}")
        if isinstance(node, Call):
            callee = self.reference(node.function, path)
            args, kwargs = node.function.binder.call_args(dict(children))
        elif kind.call_args is not None:
            callee = self.reference(type(node), path)
            args, kwargs = kind.call_args(type(node), dict(children))
        else:
            raise GloveError(
                f"cannot write {type(node).__name__} at {str(path) or 'the root'!r} as code: its "
                "node kind has no constructor. gl.symbolize the class, or register_kind it "
                "with call_args=..."
            )
        keyed = {id(v): k for k, v in children}
        items = [("", self._doc(arg, path.child(keyed.get(id(arg), i))))
                 for i, arg in enumerate(args)]
        named = {k: v for k, v in kwargs.items()
                 if isinstance(k, str) and k.isidentifier() and not keyword.iskeyword(k)}
        items += [(_argument_prefix(key), self._doc(value, path.child(key)))
                  for key, value in named.items()]
        # Keywords that are not identifiers (`**{"lr schedule": ...}`) cannot be `key=value`.
        unnamed = [(key, value) for key, value in kwargs.items() if key not in named]
        if unnamed:
            items.append(("**", ("{", [(self.leaf(key, path) + ": ",
                                        self._doc(value, path.child(key)))
                                       for key, value in unnamed], "}")))
        return (callee + "(", items, ")")

    def leaf(self, value: Any, path: KeyPath) -> str:
        """Source of a leaf value; raises GloveError naming `path` if it has none."""
        if value is None or type(value) in (bool, int, str, bytes):
            return repr(value)
        if type(value) is float:
            if math.isfinite(value):
                return repr(value)
            return f'float("{value}")'
        if type(value) is complex:
            return repr(value) if math.isfinite(abs(value)) else f'complex("{value}")'
        if value is Ellipsis:
            return "..."
        if isinstance(value, enum.Enum):
            return f"{self.reference(type(value), path)}.{value.name}"
        if isinstance(value, (type, types.FunctionType, types.BuiltinFunctionType,
                              SymbolicFunction)):
            return self.reference(value, path)
        if type(value) in (set, frozenset):
            items = sorted(self.leaf(v, path) for v in value)
            if not items:
                return "set()" if type(value) is set else "frozenset()"
            body = "{" + ", ".join(items) + "}"
            return body if type(value) is set else f"frozenset({body})"
        if type(value) in (range, slice):
            return repr(value)
        raise GloveError(
            f"cannot write the {type(value).__name__} at {str(path) or 'the root'!r} as code: "
            f"{_describe(value)} has no source form. Use a symbolic object or a plain value."
        )


def _describe(obj: Any) -> str:
    name = getattr(obj, "__qualname__", None) or type(obj).__name__
    return f"{type(obj).__name__} {name!r}"
