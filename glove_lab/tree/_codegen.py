"""Tree -> Python source: import lines, then `name = <expression>`."""

from __future__ import annotations

import enum
import keyword
import math
import sys
import types
import unicodedata
from collections.abc import Iterable
from typing import Any

from glove_lab.errors import GloveError
from glove_lab.tree._format import layout, short_repr
from glove_lab.tree._keypath import KeyPath
from glove_lab.tree._kinds import kind_of
from glove_lab.tree._naming import importable_name
from glove_lab.tree._symbolic import Call, SymbolicFunction
from glove_lab.tree._traverse import index_of

__all__ = ["to_code", "CodeWriter", "is_python_name", "is_module_name", "is_importable_module"]

# Brackets nest at most 200 deep in Python's tokenizer; a subtree this deep is
# written to its own variable first, so no expression comes near that limit.
_HOIST_DEPTH = 40
# Python refuses to write or parse decimal ints over 4,300 digits; hex is not limited.
_HEX_BITS = 4000


def to_code(tree: Any, name: str = "tree", width: int = 88) -> str:
    """Python source that, executed, binds `name` to a tree equal (`gl.eq`) to `tree`.

    A node that occurs at several places (one object: a shared Fiddle
    sub-config, a tied module) is written once, as a variable the tree then
    uses at each place, so the code rebuilds the sharing too.

    Raises GloveError naming the path of a value that cannot be written as code
    (a lambda, a local class, an object with no registered constructor, a
    name that is not a Python identifier).
    """
    if not is_python_name(name):
        raise GloveError(f"to_code(name=...) must be a Python identifier that is not a keyword, "
                         f"got {name!r}")
    writer = CodeWriter(reserved={name})
    writer.share(tree)
    expression = writer.expression(tree, width=width, indent=0)
    if writer.clashes:  # an import took a notebook name: write again, imports aliased around it
        writer = CodeWriter(reserved={name}, notebook=writer.notebook_names)
        writer.share(tree)
        expression = writer.expression(tree, width=width, indent=0)
    writer.check_clashes()
    return writer.header() + writer.take_prelude() + f"{name} = {expression}\n"


def is_python_name(text: Any) -> bool:
    """True if `text` is an identifier Python source can spell as itself.

    Excludes keywords, `__debug__`, and names Python would rewrite (NFKC
    normalization turns `ﬁ` into `fi`, so source cannot name such an object).
    """
    return (isinstance(text, str) and text.isidentifier() and not keyword.iskeyword(text)
            and text != "__debug__" and unicodedata.normalize("NFKC", text) == text)


def is_module_name(text: Any) -> bool:
    """True if `text` is a dotted module name an `import` statement can spell."""
    return isinstance(text, str) and all(is_python_name(part) for part in text.split("."))


def is_importable_module(name: str) -> bool:
    """True if `name` is a loaded module another interpreter can import by that name.

    Refuses modules made by `runpy.run_path` or `exec` (no import spec, or a
    name like `<run_path>`); `__main__` is not importable either.
    """
    module = sys.modules.get(name)
    return (name != "__main__" and is_module_name(name) and module is not None
            and getattr(module, "__spec__", None) is not None)


class CodeWriter:
    """Writes expressions for values and collects the imports they need.

    Args:
        reserved: names the surrounding code binds (the variable it assigns);
            `gl` is always reserved. Imports are aliased around them, and a
            notebook name among them is refused.
        notebook: notebook (`__main__`) names a previous pass found; imports
            are aliased around them too.
    """

    def __init__(self, reserved: Iterable[str] = (), notebook: Iterable[str] = ()) -> None:
        self.imports: dict[tuple[str, str], str] = {}  # (module, qualname) -> local name
        self.used_names: dict[str, tuple[str, str]] = {}
        self.reserved = set(reserved) | {"gl"}
        self.avoid = self.reserved | set(notebook)
        self.notebook_names: set[str] = set()
        self.clashes: set[str] = set()  # notebook names an import took: write again
        self.fatal_clashes: set[str] = set()  # notebook names the surrounding code binds
        self.prelude: list[str] = []  # assignments of hoisted deep subtrees, in order
        self._temporaries: list[str] = []
        self._root_label = "the root"
        self._shared: dict[int, str | None] = {}  # id of a shared node -> its variable

    def share(self, tree: Any) -> None:
        """Write the nodes of `tree` that occur at several places once, as variables.

        Plain lists, tuples and dicts stay inline (`gl.eq` does not see their
        sharing); each shared node goes to the prelude the first time it is used.
        """
        counts: dict[int, int] = {}
        for node in index_of(tree).nodes:
            if type(node) in (list, tuple, dict) or kind_of(node) is None:
                continue
            counts[id(node)] = counts.get(id(node), 0) + 1
        self._shared = {key: None for key, count in counts.items() if count > 1}

    def expression(self, value: Any, width: int = 88, indent: int = 0,
                   path: KeyPath | None = None, label: str = "the root") -> str:
        """Source text of one value, wrapped to `width`.

        `path` is where the value sits in the model; errors name paths below it
        (and call an empty path `label`). Subtrees nested too deep for Python's
        parser are written to variables first (see `take_prelude`).
        """
        self._root_label = label
        try:
            return layout(self._doc(value, path or KeyPath(), 0), width, indent)
        except RecursionError:
            raise GloveError(
                f"cannot write {self._where(path or KeyPath())} as code: it is nested "
                "too deeply for this interpreter"
            ) from None

    def take_prelude(self) -> str:
        """The assignments hoisted subtrees need (to run before the expressions); clears them."""
        text = "".join(line + "\n" for line in self.prelude)
        self.prelude = []
        return text

    def temporaries(self) -> list[str]:
        """The variable names written for hoisted subtrees so far."""
        return list(self._temporaries)

    def header(self) -> str:
        """The import lines (and a guard for notebook-defined names) the expressions need."""
        lines = []
        for (module, qualname), local in sorted(self.imports.items()):
            top = qualname.split(".")[0]
            alias = "" if local == top else f" as {local}"
            lines.append(f"from {module} import {top}{alias}")
        guard = self.notebook_guard()
        if guard:
            lines.append("import glove_lab as gl")
            lines.append(guard)
        return "\n".join(lines) + ("\n\n" if lines else "")

    def notebook_guard(self) -> str:
        """A `gl.require_names(...)` line for the notebook names used, or ""."""
        if not self.notebook_names:
            return ""
        names = ", ".join(repr(n) for n in sorted(self.notebook_names))
        return ("# defined in the notebook (__main__): run their cells first\n"
                f"gl.require_names(globals(), {names})")

    def check_clashes(self) -> None:
        """Raise GloveError if a notebook name is one the written code must bind itself."""
        clashing = self.fatal_clashes | self.clashes
        if clashing:
            names = ", ".join(sorted(clashing))
            raise GloveError(f"cannot write code that refers to the notebook's {names}: the "
                             "written code binds that name itself. Rename it in the notebook.")

    def reference(self, obj: Any, path: KeyPath) -> str:
        """A name for an importable class, function or object; records its import."""
        where = importable_name(obj)
        if where is None:
            raise GloveError(
                f"cannot write {_describe(obj)} at {self._where(path)} as code: it is not "
                "importable by name (defined in a function, or renamed). Define it at module "
                "level (and, for a class you do not own, gl.symbolize it there)."
            )
        module, qualname = where
        if not (module == "__main__" or is_importable_module(module)) or not all(
                is_python_name(part) for part in qualname.split(".")):
            raise GloveError(
                f"cannot write {_describe(obj)} at {self._where(path)} as code: its import name "
                f"{module!r}, {qualname!r} is not made of Python identifiers (a module run "
                "from a file path, or a name Python would rewrite). Define it in an "
                "importable module."
            )
        top, _, rest = qualname.partition(".")
        if module == "__main__":
            self.notebook_names.add(top)
            if top in self.reserved:
                self.fatal_clashes.add(top)
            elif top in self.used_names:
                self.clashes.add(top)
            return qualname
        local = self.imports.get((module, top))
        if local is None:
            local = top
            n = 2
            while local in self.avoid or local in self.notebook_names or (
                    local in self.used_names
                                              and self.used_names[local] != (module, top)):
                local = f"{top}_{n}"
                n += 1
            self.used_names[local] = (module, top)
            self.imports[(module, top)] = local
        return local + ("." + rest if rest else "")

    def _doc(self, node: Any, path: KeyPath, depth: int) -> Any:
        kind = kind_of(node)
        if kind is None:
            return self.leaf(node, path)
        if self._shared and id(node) in self._shared:
            return self._shared_variable(node, kind, path)
        if depth >= _HOIST_DEPTH:
            return self._hoist(node, path)
        children = list(kind.children(node))
        below = depth + 1
        if type(node) in (list, tuple):
            docs = [("", self._doc(child, path.child(key), below)) for key, child in children]
            return ("[", docs, "]") if type(node) is list else ("(", docs, ")")
        if type(node) is dict:
            return ("{", [(self.leaf(key, path) + ": ", self._doc(child, path.child(key), below))
                          for key, child in children], "}")
        if isinstance(node, Call):
            callee = self.reference(node.function, path)
            args, kwargs = node.function.binder.call_args(dict(children))
        elif kind.call_args is not None:
            callee = self.reference(type(node), path)
            args, kwargs = kind.call_args(type(node), dict(children))
        else:
            raise GloveError(
                f"cannot write {type(node).__name__} at {self._where(path)} as code: its "
                "node kind has no constructor. gl.symbolize the class, or register_kind it "
                "with call_args=..."
            )
        keyed = {id(v): k for k, v in children}
        items = [("", self._doc(arg, path.child(keyed.get(id(arg), i)), below))
                 for i, arg in enumerate(args)]
        named = {k: v for k, v in kwargs.items() if is_python_name(k)}
        items += [(key + "=", self._doc(value, path.child(key), below))
                  for key, value in named.items()]
        # Keywords source cannot spell (`**{"lr schedule": ...}`, `ﬁ`, `class`) go in a dict.
        unnamed = [(key, value) for key, value in kwargs.items() if key not in named]
        if unnamed:
            items.append(("**", ("{", [(self.leaf(key, path) + ": ",
                                        self._doc(value, path.child(key), below + 1))
                                       for key, value in unnamed], "}")))
        return (callee + "(", items, ")")

    def _shared_variable(self, node: Any, kind: Any, path: KeyPath) -> str:
        """The variable of a node that occurs at several places, written once."""
        variable = self._shared[id(node)]
        if variable is not None:
            return variable
        del self._shared[id(node)]  # written in full once, here
        doc = self._doc(node, path, 0)
        label = kind.label(node) if kind.label is not None else ""
        base = "shared_" + _snake(label or type(node).__name__)
        variable, n = base, 2
        while variable in self.used_names or variable in self.avoid:
            variable, n = f"{base}_{n}", n + 1
        self.reserved.add(variable)
        self.avoid.add(variable)
        self.prelude.append(f"{variable} = {layout(doc, 88, 0)}")
        self._shared[id(node)] = variable
        return variable

    def _hoist(self, node: Any, path: KeyPath) -> str:
        """Write a deep subtree to its own variable; return the variable's name."""
        doc = self._doc(node, path, 0)
        n = len(self._temporaries) + 1
        while f"_glove_{n}" in self.used_names or f"_glove_{n}" in self.avoid:
            n += 1
        local = f"_glove_{n}"
        self._temporaries.append(local)
        self.reserved.add(local)
        self.avoid.add(local)
        self.prelude.append(f"{local} = {layout(doc, 88, 0)}")
        return local

    def leaf(self, value: Any, path: KeyPath) -> str:
        """Source of a leaf value; raises GloveError naming `path` if it has none."""
        if value is None or type(value) in (bool, str, bytes):
            return repr(value)
        if type(value) is int:
            return _int_source(value)
        if type(value) is float:
            return _float_source(value)
        if type(value) is complex:
            if math.isfinite(abs(value)) and not any(
                    part == 0 and math.copysign(1, part) < 0 for part in (value.real, value.imag)):
                return repr(value)
            return f"complex({_float_source(value.real)}, {_float_source(value.imag)})"
        if value is Ellipsis:
            return "..."
        if isinstance(value, enum.Enum):
            return self._enum(value, path)
        if isinstance(value, (type, types.FunctionType, types.BuiltinFunctionType,
                              SymbolicFunction)):
            return self.reference(value, path)
        if type(value) in (set, frozenset):
            items = sorted(self.leaf(v, path) for v in value)
            if not items:
                return "set()" if type(value) is set else "frozenset()"
            body = "{" + ", ".join(items) + "}"
            return body if type(value) is set else f"frozenset({body})"
        if type(value) is range:
            return (f"range({_int_source(value.start)}, {_int_source(value.stop)}, "
                    f"{_int_source(value.step)})")
        if type(value) is slice:
            parts = ", ".join(self.leaf(part, path)
                              for part in (value.start, value.stop, value.step))
            return f"slice({parts})"
        raise GloveError(
            f"cannot write the {type(value).__name__} at {self._where(path)} as code: "
            f"{_describe(value)} has no source form. Use a symbolic object or a plain value."
        )

    def _where(self, path: KeyPath) -> str:
        return repr(str(path)) if len(path) else self._root_label

    def _enum(self, value: enum.Enum, path: KeyPath) -> str:
        """`Color.RED`, `Weird['a b']` for a member name source cannot spell, or `Perm(5)`."""
        cls = type(value)
        owner = self.reference(cls, path)
        name = value.name
        if name is not None and cls.__members__.get(name) is value:
            return f"{owner}.{name}" if is_python_name(name) else f"{owner}[{name!r}]"
        # A combined Flag value or Flag(0): no member of its own; rebuild it from its value.
        try:
            rebuilt = cls(value.value)
        except (ValueError, TypeError):
            rebuilt = None
        if rebuilt is not value and rebuilt != value:
            raise GloveError(f"cannot write the {cls.__name__} value {short_repr(value, 80)} at "
                             f"{self._where(path)} as code: it is neither a member nor rebuilt "
                             "from its value")
        return f"{owner}({self.leaf(value.value, path)})"


def _int_source(value: int) -> str:
    if value.bit_length() <= _HEX_BITS:
        return repr(value)
    return ("-" if value < 0 else "") + hex(abs(value))


def _float_source(value: float) -> str:
    return repr(value) if math.isfinite(value) else f'float("{value}")'




def _snake(name: str) -> str:
    """`shared_` + this names a shared node's variable: `Dropout` -> `dropout`."""
    out = "".join(f"_{c.lower()}" if c.isupper() else c for c in name)
    cleaned = "".join(c if c.isalnum() else "_" for c in out)
    cleaned = "_".join(part for part in cleaned.split("_") if part)
    return cleaned if cleaned.isidentifier() and cleaned.isascii() else "node"


def _describe(obj: Any) -> str:
    name = getattr(obj, "__qualname__", None) or type(obj).__name__
    return f"{type(obj).__name__} {name!r}"

