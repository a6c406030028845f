"""Colours and fonts of the graph: a stable colour per tag, and the diff and selection marks."""

from __future__ import annotations

import zlib

__all__ = ["tag_color", "tint", "FONT", "BRAND", "STATE_BORDER", "STATE_FILL", "TEXT",
           "MUTED", "EDGE", "BORDER", "BRAND_FILL", "KNOWN_TAG_COLORS", "USER_TAG_PALETTE"]

FONT = "DejaVu Sans"
TEXT = "#1e293b"
MUTED = "#64748b"
EDGE = "#94a3b8"
BORDER = "#64748b"
BRAND = "#7e22ce"  # selection: thick border and row background
BRAND_FILL = "#e9d5ff"

# The tags the torch adapter puts on standard layers; fixed so a model always looks the same.
KNOWN_TAG_COLORS: dict[str, str] = {
    "convolution": "#2563eb",
    "nonlinearity": "#db2777",
    "normalization": "#0d9488",
    "dense": "#7c3aed",
    "dropout": "#64748b",
    "attention": "#ea580c",
    "pooling": "#0891b2",
    "embedding": "#65a30d",
    "recurrent": "#a16207",
}

# User tags hash into this palette; amber, green and red stay free for the diff marks.
USER_TAG_PALETTE: tuple[str, ...] = (
    "#0284c7", "#c026d3", "#4f46e5", "#059669", "#be123c",
    "#9333ea", "#0f766e", "#b45309", "#1d4ed8", "#be185d",
    "#4d7c0f", "#475569",
)

STATE_BORDER = {"changed": "#d97706", "added": "#16a34a", "removed": "#dc2626"}
STATE_FILL = {"changed": "#fef3c7", "added": "#dcfce7", "removed": "#fef2f2"}


def tag_color(tag: str) -> str:
    """The colour a tag is drawn in: fixed for the standard tags, a stable hash for others.

    The hash is CRC-32 of the tag's UTF-8 bytes, so a tag has the same colour in
    every process and on every machine.
    """
    known = KNOWN_TAG_COLORS.get(tag)
    if known is not None:
        return known
    digest = zlib.crc32(tag.encode("utf-8", "surrogatepass"))
    return USER_TAG_PALETTE[digest % len(USER_TAG_PALETTE)]


def tint(color: str, amount: float = 0.85) -> str:
    """`color` (`#rrggbb`) mixed with white; `amount` is the share of white."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    mixed = (round(c + (255 - c) * amount) for c in (r, g, b))
    return "#" + "".join(f"{c:02x}" for c in mixed)
