"""Addresses of drawn nodes: the SVG `<title>` and `id` of a node, and back to a KeyPath.

A node's title is its KeyPath text (`$` for the root), so a front end maps a
click to a path. Its `id` is `glove-node-` plus the URL-safe base64 of the title,
which survives any CSS selector or HTML attribute unchanged.
"""

from __future__ import annotations

import base64
import binascii
import re

from glove_lab.errors import PathError
from glove_lab.tree import KeyPath

__all__ = ["ROOT_TITLE", "NODE_ID_PREFIX", "title_of", "svg_id", "edge_id", "dot_name",
           "dot_string", "path_from_title", "path_from_svg_id", "xml_safe"]

ROOT_TITLE = "$"
NODE_ID_PREFIX = "glove-node-"
EDGE_ID_PREFIX = "glove-edge-"

# Characters XML 1.0 cannot carry at all, not even as character references.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# In a DOT node name, `\` and `"` are DOT escapes and `&` would pass through
# dot's SVG writer as the start of an entity; numeric references survive as text.
_DOT_NAME = str.maketrans({"&": "&#38;", "\\": "&#92;", '"': '\\"'})
_PIECE = 2000  # characters per quoted piece; encoded, at most 5 times longer


def title_of(path: KeyPath) -> str:
    """The `<title>` text of the node drawn for `path`: its KeyPath text, `$` for the root.

    Characters XML cannot carry (only possible inside a quoted key) are written
    as JSON `\\uXXXX` escapes, which `KeyPath.parse` reads back to the same key.
    """
    text = str(path)
    if not text:
        return ROOT_TITLE
    return _XML_INVALID.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def svg_id(path: KeyPath) -> str:
    """The `id` attribute of the node drawn for `path`: a prefix and base64url of its title."""
    return NODE_ID_PREFIX + _b64(title_of(path))


def edge_id(head: KeyPath) -> str:
    """The `id` attribute of the edge into the node drawn for `head`."""
    return EDGE_ID_PREFIX + _b64(title_of(head))


def dot_name(path: KeyPath) -> str:
    """The quoted DOT identifier of the node for `path`; dot writes it as the title text."""
    return dot_string(title_of(path), _DOT_NAME)


def dot_string(text: str, table: dict[int, str] | None = None) -> str:
    """`text` as a DOT quoted string, encoded with `table`, in pieces joined by `+`.

    dot 2.43 refuses a quoted string longer than 16,384 characters; DOT's
    `"a" + "b"` concatenation lifts that limit. Pieces are cut before
    encoding, so no escape or entity is ever split.
    """
    if table is not None:
        pieces = [text[i : i + _PIECE].translate(table) for i in range(0, len(text), _PIECE)]
    else:
        pieces = [text[i : i + _PIECE] for i in range(0, len(text), _PIECE)]
    return " + ".join(f'"{piece}"' for piece in pieces) or '""'


def path_from_title(title: str) -> KeyPath:
    """The KeyPath a node's SVG `<title>` text names (`$` is the root)."""
    return KeyPath.parse(title)


def path_from_svg_id(node_id: str) -> KeyPath:
    """The KeyPath of the node whose SVG `id` attribute is `node_id` (`glove-node-...`)."""
    if not isinstance(node_id, str) or not node_id.startswith(NODE_ID_PREFIX):
        raise PathError(f"{node_id!r} is not a glove_lab node id (they start with "
                        f"{NODE_ID_PREFIX!r})")
    data = node_id[len(NODE_ID_PREFIX):]
    try:
        raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
        title = raw.decode("utf-8", "surrogatepass")
    except (binascii.Error, ValueError) as exc:
        raise PathError(f"{node_id!r} is not a valid glove_lab node id: {exc}") from exc
    return path_from_title(title)


def xml_safe(text: str) -> str:
    """`text` with the characters XML cannot carry shown as `\\xNN` / `\\uNNNN` escapes."""
    return _XML_INVALID.sub(_escape_char, text)


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _b64(text: str) -> str:
    raw = text.encode("utf-8", "surrogatepass")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
