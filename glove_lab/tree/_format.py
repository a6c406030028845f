"""Readable text for trees: `gl.format` and the repr of symbolic objects.

Both this module and codegen lay out the same kind of expression
(`Name(key=value, ...)`, lists, dicts), so the layout engine lives here.
"""

from __future__ import annotations

import dataclasses
import keyword
import math
import types
from collections.abc import Callable
from typing import Any

from glove_lab.tree._deep import deep
from glove_lab.tree._keypath import shorten
from glove_lab.tree._kinds import kind_of
from glove_lab.tree._symbolic import Call

__all__ = ["format", "short_repr", "safe_repr", "Doc", "layout"]

# A Doc is a string (an atom) or a group: (open, [(prefix, Doc)], close).
Doc = Any


@deep
def format(tree: Any, width: int = 88, max_string: int = 80) -> str:
    """Readable, indented text of a tree: `Name(arg=value, ...)`, one child per line."""
    return layout(_format_doc(tree, max_string), width)


@deep
def short_repr(value: Any, limit: int = 120) -> str:
    """One-line text of a value, cut at `limit` characters."""
    parts: list[str] = []
    _flat_parts(_format_doc(value, 40), parts, limit)  # stops just past `limit`
    return shorten("".join(parts), limit, "...")


_MAX_INDENT = 40  # deeper levels are not indented further: a 10,000-deep tree stays linear


def layout(doc: Doc, width: int = 88, indent: int = 0) -> str:
    """Print a Doc: a group goes on one line if it fits, else one item per line."""
    if isinstance(doc, str):
        return doc
    lines: list[str] = []
    _layout_into(doc, width, indent, "", "", lines)
    return "\n".join(lines)


def _layout_into(doc: Doc, width: int, indent: int, lead: str, tail: str,
                 lines: list[str]) -> None:
    """Append the lines of `doc`, the first starting with `lead`, the last ending with `tail`.

    Lines go into one list (no string is copied once per level), groups are
    flattened only as far as the width, and indentation stops growing at
    `_MAX_INDENT`: the cost stays linear in the size of the text, at any depth.
    """
    if isinstance(doc, str):
        lines.append(lead + doc + tail)
        return
    parts: list[str] = []
    # (beyond the indentation cap, a group still gets half the width to fit in)
    if _flat_parts(doc, parts, max(width - indent, width // 2)):  # stops once it won't fit
        lines.append(lead + "".join(parts) + tail)
        return
    open_, items, close = doc
    if not items:
        lines.append(lead + open_ + close + tail)
        return
    inner = min(indent + 4, _MAX_INDENT)
    pad = " " * inner
    lines.append(lead + open_)
    for prefix, item in items:
        _layout_into(item, width, inner, pad + prefix, ",", lines)
    lines.append(" " * min(indent, _MAX_INDENT) + close + tail)


def _flat(doc: Doc) -> str:
    parts: list[str] = []
    _flat_parts(doc, parts, 10**18)
    return "".join(parts)


def _flat_parts(doc: Doc, out: list[str], limit: int) -> bool:
    """Append the one-line text of `doc` to `out`; False as soon as it passes `limit` chars.

    Stopping early keeps `layout` linear: a group that does not fit is not
    flattened whole at every level (which is quadratic in the depth).
    """
    if isinstance(doc, str):
        out.append(doc)
        return len(doc) <= limit
    open_, items, close = doc
    used = len(open_)
    out.append(open_)
    for i, (prefix, item) in enumerate(items):
        if i:
            out.append(", ")
            used += 2
        out.append(prefix)
        used += len(prefix)
        if used > limit:
            return False
        mark = len(out)
        if not _flat_parts(item, out, limit - used):
            return False
        used += sum(len(part) for part in out[mark:])
    if open_ == "(" and len(items) == 1 and not items[0][0]:
        out.append(",")  # a one-element tuple
        used += 1
    out.append(close)
    return used + len(close) <= limit


def node_doc(node: Any, name: str, children: list[tuple[Any, Doc]]) -> Doc:
    """The Doc of a container node given its children's Docs."""
    if type(node) is list:
        return ("[", [("", doc) for _, doc in children], "]")
    if type(node) is tuple:
        return ("(", [("", doc) for _, doc in children], ")")
    if type(node) is dict:
        return ("{", [(safe_repr(key) + ": ", doc) for key, doc in children], "}")
    return (name + "(", [(_argument_prefix(key), doc) for key, doc in children], ")")


def _argument_prefix(key: Any) -> str:
    if isinstance(key, str) and key.isidentifier() and not keyword.iskeyword(key):
        return key + "="
    return f"[{safe_repr(key)}]="


def _format_doc(node: Any, max_string: int, seen: set[int] | None = None) -> Doc:
    kind = kind_of(node)
    if kind is None:
        return _leaf_text(node, max_string)
    seen = seen if seen is not None else set()
    if id(node) in seen:
        return "<cycle>"
    seen.add(id(node))
    children = [(key, _format_doc(child, max_string, seen)) for key, child in kind.children(node)]
    seen.discard(id(node))
    return node_doc(node, display_name(node, kind.label), children)


def display_name(node: Any, label: Callable[[Any], str] | None = None) -> str:
    """The name a node is shown under: its kind's label, its function, or its type."""
    if label is not None:
        return label(node)
    if isinstance(node, Call):
        return node.function.__name__
    return type(node).__name__


def description(node: Any) -> str:
    """The first line of what the node's own class (or symbolic function) says it is ("": none).

    Only a docstring written on that class itself counts: one inherited from a base
    (glove_lab's symbolic mixin, `nn.Module`), a dataclass's generated signature and
    the builtins' (`list`, `dict`) say nothing about the user's class.
    """
    if isinstance(node, Call):
        owner: Any = node.function
        text = getattr(owner, "__doc__", None)
    else:
        owner = type(node)
        if owner.__module__ == "builtins":
            return ""
        text = vars(owner).get("__doc__")
        if (text and dataclasses.is_dataclass(owner)
                and text.startswith(f"{type(node).__name__}(")):
            return ""  # the signature dataclasses write when there is no docstring
    if not isinstance(text, str):
        return ""
    lines = [line.strip() for line in text.strip().splitlines()]
    return lines[0] if lines else ""


def safe_repr(value: Any) -> str:
    """`repr(value)` that never fails: huge ints shown in short, a failing repr named.

    An int beyond Python's 4,300-digit str limit reads `≈1.2345678e+5000 (int, 5,001
    digits)`; save, load and JSON keep it exact (see `to_json`).
    """
    if type(value) is int and value.bit_length() > _BIG_INT_BITS:
        return _big_int_text(value)
    try:
        text = repr(value)
    except Exception as exc:  # a user object's repr is user code
        return f"<{type(value).__name__} (repr failed: {type(exc).__name__})>"
    return text if isinstance(text, str) else f"<{type(value).__name__}>"


_BIG_INT_BITS = 13_000  # about 3,900 decimal digits, under the 4,300-digit str limit


def _big_int_text(value: int) -> str:
    exponent = math.log10(abs(value))
    whole = math.floor(exponent)
    mantissa = 10 ** (exponent - whole)
    sign = "-" if value < 0 else ""
    return f"≈{sign}{mantissa:.8f}e+{whole} (int, {whole + 1:,} digits)"


def _leaf_text(value: Any, max_string: int) -> str:
    if isinstance(value, (type, types.FunctionType)):  # as code names it (a config's callable)
        text = getattr(value, "__qualname__", None) or safe_repr(value)
    else:
        text = safe_repr(value)
    return shorten(text, max_string, "...")
