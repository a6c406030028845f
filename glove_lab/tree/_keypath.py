"""KeyPath: the address of a node in a tree, with a canonical text form.

Grammar: identifier keys as `.name` (no dot at the start), integer keys as
`[3]`, any other key as a bracketed Python literal, strings double-quoted:
`blocks[3].conv`, `cfg["lr schedule"]`, `["a.b"]`. The root is `""`.
Odd keys a dict can hold have a text form too: `[nan]`, `[inf]`, `[-inf]`,
`[frozenset({1, 2})]`, and integers beyond 4,000 digits in hex (`[0x1f...]`).
A key with no literal form (an Enum member, an object) is shown as
`[<its repr>]`; parsing that text raises a PathError saying why.
"""

from __future__ import annotations

import ast
import json
import keyword
import math
import re
from collections.abc import Iterable
from typing import Any

from glove_lab.errors import PathError

__all__ = [
    "ROOT_TEXT", "KeyPath", "PathLike", "PathSpec", "as_path", "describe_path", "display_path",
    "shorten",
]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class KeyPath(tuple):
    """An immutable sequence of keys from the root to a node; hashable, ordered."""

    __slots__ = ()

    def __new__(cls, keys: Iterable[Any] = ()) -> KeyPath:
        return tuple.__new__(cls, keys)

    @classmethod
    def parse(cls, text: str | KeyPath) -> KeyPath:
        """Parse the canonical text form (also accepts `$` for the root)."""
        if isinstance(text, KeyPath):
            return text
        if not isinstance(text, str):
            raise PathError(f"a path must be a string or KeyPath, not {type(text).__name__}")
        return _parse(text)

    def child(self, key: Any) -> KeyPath:
        """The path one level below this one."""
        return tuple.__new__(KeyPath, (*self, key))

    @property
    def parent(self) -> KeyPath:
        """The path one level up (the root's parent is the root)."""
        return tuple.__new__(KeyPath, self[:-1])

    @property
    def key(self) -> Any:
        """The last key, or None for the root."""
        return self[-1] if self else None

    @property
    def depth(self) -> int:
        """Number of keys (0 for the root)."""
        return len(self)

    def is_prefix_of(self, other: KeyPath) -> bool:
        """True if `other` is this path or lies below it."""
        return len(other) >= len(self) and other[: len(self)] == tuple(self)

    def __str__(self) -> str:
        # Hot (every query result is keyed by it): ints and names take a fast path.
        parts = []
        for key in self:
            cls = type(key)
            if cls is int:
                try:
                    parts.append(f"[{key}]")
                except ValueError:  # beyond Python's int -> str digit limit
                    parts.append(_format_key(key, False))
            elif cls is str:
                text = _NAME_TEXT.get(key)
                if text is None:
                    text = _name_text(key)
                parts.append(text)
            else:
                parts.append(_format_key(key, False))
        text = "".join(parts)
        # Only a name is written with a leading ".", dropped at the start of a path.
        return text[1:] if text[:1] == "." else text

    def __repr__(self) -> str:
        return f"KeyPath({str(self)!r})"

    def __add__(self, other: Iterable[Any]) -> KeyPath:
        return tuple.__new__(KeyPath, (*self, *other))


PathSpec = str | KeyPath
PathLike = PathSpec  # the name until 0.2 (it read like os.PathLike, which it is not)


def as_path(path: PathSpec | Iterable[Any]) -> KeyPath:
    """Coerce a string, KeyPath or tuple of keys into a KeyPath."""
    if isinstance(path, KeyPath):
        return path
    if isinstance(path, str):
        return _parse(path)
    if isinstance(path, tuple):
        return KeyPath(path)
    raise PathError(f"a path must be a string or KeyPath, not {type(path).__name__}: {path!r}")


ROOT_TEXT = "$"
"""How users see the root's path: in the graph, the inspector, history and messages.

(`str(KeyPath())` is `""`, the canonical text; `KeyPath.parse` accepts both.)"""


def display_path(path: KeyPath | str) -> str:
    """A path as users see it: its text, or `$` for the root."""
    return str(path) or ROOT_TEXT


def shorten(text: str, limit: int, marker: str = "…") -> str:
    """`text` cut to at most `limit` characters, ending in `marker` when cut.

    The one truncation rule of glove_lab: the graph, the inspector, messages and
    summaries all cut text with it (messages pass `marker="..."`, plain ASCII).
    """
    if len(text) <= limit:
        return text
    return text[: max(limit - len(marker), 0)] + marker


def describe_path(path: KeyPath) -> str:
    """How a message names a node: its quoted path text (cut at 200), or `the root ($)`."""
    if not path:
        return f"the root ({ROOT_TEXT})"
    text = str(path)
    return repr(shorten(text, 200, "..."))


_NAME_TEXT: dict[str, str] = {}


def _name_text(key: str) -> str:
    """The text of a string key not at the start of a path (".name" or '["..."]'), cached."""
    text = _format_key(key, False)
    if len(_NAME_TEXT) >= 4096:
        _NAME_TEXT.clear()
    _NAME_TEXT[key] = text
    return text


def _format_key(key: Any, first: bool) -> str:
    if isinstance(key, str):
        if _IDENTIFIER.fullmatch(key) and not keyword.iskeyword(key):
            return key if first else "." + key
        return "[" + json.dumps(key, ensure_ascii=False) + "]"
    if isinstance(key, int):  # bool included: str(True) == repr(True)
        if key.bit_length() > _HEX_BITS:
            return f"[{hex(key)}]"  # a decimal string this long is refused by int()/str()
        return f"[{key}]"
    if isinstance(key, float) and not math.isfinite(key):
        return f"[{key}]"  # nan, inf, -inf
    if type(key) is frozenset:
        return "[frozenset()]" if not key else f"[frozenset({_set_text(key)})]"
    return f"[{key!r}]"


_HEX_BITS = 13_000  # about 3,900 decimal digits


def _set_text(items: frozenset) -> str:
    # Sorted: two equal sets may iterate in different orders; the text must be one.
    return "{" + ", ".join(sorted(
        _format_key(item, True).strip("[]") if not isinstance(item, str)
        else json.dumps(item, ensure_ascii=False) for item in items)) + "}"


# The common form, names and non-negative indices only (`blocks[3].conv`), parsed in
# one regex pass; anything else goes through the full parser below. An index may also
# be written as torch names it (`layer1.0.conv1`, `named_modules()`'s spelling).
_INDEX = r"(?:0|[1-9][0-9]*)"
_SIMPLE_PATH = re.compile(rf"(?:[A-Za-z_][A-Za-z0-9_]*|\[[0-9]+\]|{_INDEX}(?![A-Za-z0-9_]))"
                          rf"(?:\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]+\]|\.{_INDEX}(?![A-Za-z0-9_]))*")
_SIMPLE_KEY = re.compile(rf"([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]|({_INDEX})")
_DOTTED_INDEX = re.compile(rf"{_INDEX}(?![A-Za-z0-9_])")


def _parse(text: str) -> KeyPath:
    if _SIMPLE_PATH.fullmatch(text) and len(text) < 4000:  # (no index beyond int()'s limit)
        return tuple.__new__(KeyPath, [name or int(index or dotted)
                                       for name, index, dotted in _SIMPLE_KEY.findall(text)])
    if text in ("", "$"):
        return KeyPath()
    keys: list[Any] = []
    i, n = 0, len(text)
    expect_name = True  # a bare identifier is allowed at the start and after "."
    while i < n:
        c = text[i]
        if c == ".":
            if i == 0 or expect_name:
                raise PathError(f"malformed path {_short(text)!r}: unexpected '.' at position {i}")
            expect_name = True
            i += 1
            continue
        if c == "[":
            end = _closing_bracket(text, i)
            keys.append(_parse_bracket(text, text[i + 1 : end]))
            i = end + 1
            expect_name = False
            continue
        if not expect_name:
            raise PathError(f"malformed path {_short(text)!r}: expected '.' or '[' at position {i}"
                            f"{_spelling_hint(text)}")
        m = _IDENTIFIER.match(text, i)
        if m is None:
            index = _DOTTED_INDEX.match(text, i)
            if index is None:
                raise PathError(
                    f"malformed path {_short(text)!r}: {c!r} at position {i} cannot start a name; "
                    f'quote such keys as ["..."]{_spelling_hint(text)}'
                )
            keys.append(int(index.group()))
            i = index.end()
            expect_name = False
            continue
        keys.append(m.group())
        i = m.end()
        expect_name = False
    if expect_name:
        raise PathError(f"malformed path {_short(text)!r}: it ends with '.'")
    return KeyPath(keys)


def _spelling_hint(text: str) -> str:
    """`: write it as 'blocks["conv-1"]'` for a torch-style dotted name, else ""."""
    if any(c in text for c in "[]\"'") or not text or text.startswith(".") or ".." in text:
        return ""
    keys: list[Any] = [int(part) if _DOTTED_INDEX.fullmatch(part) else part
                       for part in text.split(".")]
    return f"; write it as {str(KeyPath(keys))!r}"


def _closing_bracket(text: str, start: int) -> int:
    i = start + 1
    quote = None
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c == "]":
            return i
        i += 1
    raise PathError(f"malformed path {_short(text)!r}: '[' at position {start} is never closed")


_SPECIAL_FLOATS = {"nan": math.nan, "inf": math.inf, "+inf": math.inf, "-inf": -math.inf}
_MAX_KEY_TEXT = 100_000


def _parse_bracket(text: str, inner: str) -> Any:
    inner = inner.strip()
    shown = inner if len(inner) <= 60 else inner[:57] + "..."
    if re.fullmatch(r"-?\d+", inner):
        if len(inner) > 4000:
            raise PathError(f"malformed path: the index [{shown}] has {len(inner):,} digits; "
                            "write integer keys that long in hex ([0x...])")
        return int(inner)
    if inner in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[inner]
    if inner.startswith("<") and inner.endswith(">"):
        raise PathError(
            f"the key [{shown}] in {_short(text)!r} has no path text (it is an object such as "
            "an Enum member, shown by its repr), so the node under it cannot be selected by "
            "path; select its parent, or reach it with a rule's Match(where=...)")
    if len(inner) > _MAX_KEY_TEXT:
        raise PathError(f"malformed path: a key of {len(inner):,} characters is too long")
    try:
        if inner.startswith('"'):
            key = json.loads(inner)
        elif inner.startswith("frozenset(") and inner.endswith(")"):
            body = inner[len("frozenset("):-1].strip()
            key = frozenset(ast.literal_eval(body) if body else ())
        else:
            key = ast.literal_eval(inner)
        hash(key)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError) as exc:
        raise PathError(
            f"malformed path {_short(text)!r}: [{shown}] is not an index or a quoted key"
        ) from None if isinstance(exc, (MemoryError, RecursionError)) else exc
    return key


def _short(text: str) -> str:
    return text if len(text) <= 120 else text[:117] + "..."
