"""Plain-text tables for variant listings and result tables (no pandas)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from glove_lab.tree import short_repr

__all__ = ["cell", "text_table"]


def cell(value: Any, width: int = 40) -> str:
    """A value as table text: floats to 4 significant digits, others cut to `width`."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, str):
        return value if len(value) <= width else value[: width - 3] + "..."
    return short_repr(value, width)


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned columns separated by two spaces; the last column is not padded."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    lines = []
    for row in [list(headers), *rows]:
        padded = [text.ljust(width) for text, width in zip(row[:-1], widths[:-1])]
        lines.append("  ".join([*padded, row[-1]]).rstrip())
    return "\n".join(lines)
