"""The widget protocol is defined once in Python (glove_lab/notebook/_protocol.py) and
mirrored in labextension/src/types.ts: this test parses the TypeScript and checks that
every shape has the same fields with the same types on both sides."""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path
from typing import Any

import pytest

from glove_lab.notebook import _protocol as protocol

TYPES_TS = Path(__file__).resolve().parents[2] / "labextension" / "src" / "types.ts"

# Python TypedDict -> TypeScript interface (the TS name is "I" + the Python name).
SHAPES = ["Inspector", "ParamForm", "RuleForm", "HistoryEntry", "SearchMatch", "Preview",
          "ViewState"]


# -- TypeScript side -----------------------------------------------------------------------
def _strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def _split_top(text: str, sep: str) -> list[str]:
    """Split at `sep` outside brackets, braces, parentheses and angle brackets."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([{<":
            depth += 1
        elif ch in ")]}>":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _fields(body: str) -> dict[str, tuple[str, bool]]:
    fields = {}
    for part in _split_top(body, ";"):
        m = re.fullmatch(r"(\w+)(\??):\s*(.+)", part, flags=re.S)
        assert m, f"cannot read the TypeScript field {part!r}"
        fields[m.group(1)] = (m.group(3), m.group(2) == "?")
    return fields


def parse_ts(text: str) -> tuple[dict[str, dict[str, tuple[str, bool]]], dict[str, str]]:
    """Interfaces (name -> field -> (type, optional)) and type aliases (name -> text)."""
    text = _strip_comments(text)
    interfaces = {m.group(1): _fields(m.group(2)) for m in
                  re.finditer(r"export interface (\w+) \{(.*?)\n\}", text, re.S)}
    aliases = {m.group(1): m.group(2).strip() for m in
               re.finditer(r"export type (\w+)(?:<[^>]*>)? =(.*?);\n", text, re.S)}
    return interfaces, aliases


class Canon:
    """Canonical text of a TypeScript type: aliases expanded, unions sorted."""

    def __init__(self, aliases: dict[str, str]) -> None:
        self.aliases = aliases

    def members(self, t: str) -> set[str]:
        t = t.strip()
        parts = _split_top(t, "|")
        if len(parts) > 1:
            return set().union(*(self.members(p) for p in parts))
        if t.startswith("(") and t.endswith(")") and len(_split_top(t[1:-1], "|")) >= 1 \
                and self._closes_at_end(t):
            return self.members(t[1:-1])
        if t in self.aliases:
            return self.members(self.aliases[t])
        return {self.atom(t)}

    @staticmethod
    def _closes_at_end(t: str) -> bool:
        depth = 0
        for i, ch in enumerate(t):
            depth += ch in "([{<"
            depth -= ch in ")]}>"
            if depth == 0 and i < len(t) - 1:
                return False
        return True

    def __call__(self, t: str) -> str:
        return " | ".join(sorted(self.members(t)))

    def atom(self, t: str) -> str:
        if t.endswith("[]"):
            inner = self(t[:-2])
            return f"({inner})[]" if "|" in inner else f"{inner}[]"
        if t.startswith("[") and t.endswith("]"):
            return "[" + ", ".join(self(x) for x in _split_top(t[1:-1], ",")) + "]"
        m = re.fullmatch(r"Record<(.+)>", t, flags=re.S)
        if m:
            key, value = _split_top(m.group(1), ",")
            return f"Record<{self(key)}, {self(value)}>"
        if t.startswith("{"):
            fields = _fields(t[1:-1])
            return "{" + "; ".join(f"{k}{'?' if o else ''}: {self(v)}"
                                   for k, (v, o) in sorted(fields.items())) + "}"
        if t[0] in "'\"":
            return "'" + t[1:-1] + "'"
        return t


# -- Python side ---------------------------------------------------------------------------
def py_to_ts(t: Any) -> str:
    """The TypeScript spelling of a Python type hint (before canonicalisation)."""
    origin, args = typing.get_origin(t), typing.get_args(t)
    if t is str:
        return "string"
    if t in (int, float):
        return "number"
    if t is bool:
        return "boolean"
    if t is type(None):
        return "null"
    if origin is typing.Literal:
        return " | ".join(f"'{a}'" for a in args)
    if origin in (typing.Union, types.UnionType):
        return " | ".join(py_to_ts(a) for a in args)
    if origin is list:
        return f"({py_to_ts(args[0])})[]"
    if origin is tuple:
        return "[" + ", ".join(py_to_ts(a) for a in args) + "]"
    if origin is dict:
        return f"Record<{py_to_ts(args[0])}, {py_to_ts(args[1])}>"
    if typing.is_typeddict(t):
        if not typing.get_type_hints(t):
            return "Record<string, never>"
        return "I" + t.__name__
    raise AssertionError(f"no TypeScript spelling for {t!r}")


def py_fields(cls: Any) -> dict[str, tuple[str, bool]]:
    hints = typing.get_type_hints(cls)
    return {name: (py_to_ts(hint), name in cls.__optional_keys__) for name, hint in hints.items()}


def py_message_shape(cls: Any) -> str:
    fields = py_fields(cls)
    return "{" + "; ".join(f"{k}{'?' if o else ''}: {v}" for k, (v, o) in
                           sorted(fields.items())) + "}"


@pytest.fixture(scope="module")
def ts() -> tuple[dict[str, Any], Canon]:
    interfaces, aliases = parse_ts(TYPES_TS.read_text())
    return interfaces, Canon(aliases)


@pytest.mark.parametrize("name", SHAPES)
def test_each_shape_has_the_same_fields_and_types(ts: Any, name: str) -> None:
    interfaces, canon = ts
    ts_fields = interfaces["I" + name]
    python = py_fields(getattr(protocol, name))
    assert sorted(ts_fields) == sorted(python), f"I{name}: fields differ"
    for field, (py_type, py_optional) in python.items():
        ts_type, ts_optional = ts_fields[field]
        assert canon(ts_type) == canon(py_type), f"I{name}.{field}"
        assert ts_optional == py_optional, f"I{name}.{field}: optional differs"


@pytest.mark.parametrize(("ts_name", "py_union"), [
    ("FrontEndMessage", protocol.FrontEndMessage),
    ("KernelMessage", protocol.KernelMessage),
])
def test_messages_are_the_same_set(ts: Any, ts_name: str, py_union: Any) -> None:
    _, canon = ts
    members = typing.get_args(py_union) or (py_union,)
    python = {canon(py_message_shape(m)) for m in members}
    typescript = canon.members(canon.aliases[ts_name])
    assert typescript == python
    assert len(python) == len(members)  # every message has its own shape


def test_aliases_agree(ts: Any) -> None:
    _, canon = ts
    for name in ("FormKind", "FormValue", "ApplyScope"):
        assert canon(name) == canon(py_to_ts(getattr(protocol, name))), name


def test_the_comparison_catches_a_difference(ts: Any) -> None:
    """The checker itself: a changed type, a missing field, a renamed event are caught."""
    _, canon = ts
    interfaces, aliases = parse_ts(TYPES_TS.read_text().replace(
        "  undone: boolean;", "  undone: string;").replace("'dismiss_error'", "'dismiss'"))
    changed = Canon(aliases)
    assert changed(interfaces["IHistoryEntry"]["undone"][0]) != canon(py_to_ts(bool))
    python = {canon(py_message_shape(m)) for m in typing.get_args(protocol.FrontEndMessage)}
    assert changed.members(aliases["FrontEndMessage"]) != python
    assert canon("FormValue | null") == canon("string | null | number | boolean")
    assert canon("(string | number)[]") != canon("string[]")


# -- the Python side keeps to its own shapes -------------------------------------------------
def test_the_widget_syncs_exactly_the_view_state() -> None:
    from ipywidgets import DOMWidget

    import glove_lab as gl
    from glove_lab.notebook import GloveWidget
    from tests.notebook.models import small_net

    widget = GloveWidget(gl.Session(small_net(), name="net"))
    plain = DOMWidget()
    try:
        ours = set(widget.keys) - set(plain.keys)
        assert ours == set(typing.get_type_hints(protocol.ViewState))  # no `last_export`
        assert set(widget.view_state()) == ours
        widget.selection = ["blocks[0].conv"]
        assert set(widget.inspector) == set(typing.get_type_hints(protocol.Inspector))
        assert widget.palette
        for entry in widget.palette:
            assert set(entry) == set(typing.get_type_hints(protocol.RuleForm))
            for param in entry["params"]:
                assert set(param) == set(typing.get_type_hints(protocol.ParamForm))
        for entry in widget.history:
            assert set(entry) == set(typing.get_type_hints(protocol.HistoryEntry))
    finally:
        widget.close()
        plain.close()


def test_the_widget_and_the_fallback_share_one_base() -> None:
    from glove_lab.notebook import GloveWidget, PlainGloveWidget
    from glove_lab.notebook._base import SessionView

    assert issubclass(GloveWidget, SessionView) and issubclass(PlainGloveWidget, SessionView)
    for name in ("refresh", "_run", "_session_changed", "_detach"):
        assert name not in vars(GloveWidget) and name not in vars(PlainGloveWidget), name
