"""Boxes dot has already drawn, reused: an unchanged box's text is not measured again.

Most of `dot`'s time on a widget-sized view goes to measuring the text of the
HTML-like labels (about 1,400 text runs on a ResNet-50 view). After a step,
nearly every box is the same as in the last drawing, only elsewhere. So each
box dot draws is kept here, its coordinates relative to its top-left corner,
under its box key (everything that decides what is inside it: label, colours,
style; see `glove_lab.drawing._dot.DotSource`). The next drawing writes a
known box as an empty box of exactly its size, which dot lays out and routes
edges to exactly as it would the full one, and the kept content is put back
at the corner dot chose.

The result is the SVG dot would have drawn from the full labels, byte for byte
(tests/drawing/test_boxes.py draws both ways); if a reused box's outline is not
the one dot drew for its empty stand-in, the whole graph is drawn again from
the full labels. Each node group also gets `data-glove-key` (a hash of its box
key: equal keys, equal content up to a translation) and `data-glove-at` (the
corner its coordinates are drawn at), which the widget uses to move an
unchanged box instead of building it again; each edge group gets a hash of
its whole text and the corner "0 0", so an edge that did not move is kept.
"""

from __future__ import annotations

import collections
import hashlib
import re
import threading
from collections.abc import Callable

from glove_lab.drawing._dot import DotSource

__all__ = ["BoxCache", "BOXES"]

# A node group as dot 2.43+ writes it (comments already removed or not: both match).
_NODE_GROUP = re.compile(
    r'<g id="(glove&#45;node&#45;[^"]*)" class="node[^"]*">\n<title>[^<]*</title>\n(.*?)</g>\n',
    re.S)
# An edge group: its whole text is its key (an edge moves when either end does).
_EDGE_GROUP = re.compile(r'(<g id="glove&#45;edge&#45;[^"]*" class="edge[^"]*)(">\n.*?</g>\n)',
                         re.S)
_COORDINATES = re.compile(r'\s(d|points|x|y)="([^"]*)"')
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
# Elements whose geometry is all in d / points / x / y (what dot draws in a box).
_KNOWN_ELEMENTS = re.compile(r"<(?!/)(?!(?:path|polygon|polyline|text)\b)")
MAX_BOXES = 2048


class _Box:
    """One drawn box: its size and its content as text pieces between relative coordinates."""

    __slots__ = ("axes", "height", "offsets", "pieces", "tag", "width")

    def __init__(self, width: int, height: int, pieces: list[str], axes: list[int],
                 offsets: list[int], tag: str) -> None:
        self.width, self.height = width, height  # hundredths of a point
        self.pieces, self.axes, self.offsets = pieces, axes, offsets
        self.tag = tag

    def at(self, x: int, y: int) -> str:
        """The box's content with its top-left corner at (x, y), in hundredths of a point."""
        number = _PRINTED
        values = [number[offset + (y if axis else x)]
                  for axis, offset in zip(self.axes, self.offsets, strict=True)]
        out: list[str] = [""] * (2 * len(values) + 1)
        out[0::2] = self.pieces
        out[1::2] = values
        return "".join(out)


class _Printed(dict[int, str]):
    """Hundredths of a point printed as dot prints coordinates ("12.5", "-3", "0")."""

    def __missing__(self, hundredths: int) -> str:
        text = "0" if hundredths == 0 else f"{hundredths / 100:.2f}".rstrip("0").rstrip(".")
        if len(self) < 1 << 18:
            self[hundredths] = text
        return text


_PRINTED = _Printed()


def _round(value: float) -> int:
    """A coordinate in hundredths of a point."""
    return round(value * 100)


def _hundredths(text: str) -> int:
    return _round(float(text))


def _corner(content: str) -> tuple[int, int, int, int] | None:
    """The box outline's (left, top, width, height): the first shape in a node group."""
    match = _COORDINATES.search(content)
    if match is None or match.group(1) not in ("d", "points"):
        return None
    numbers = [float(n) for n in _NUMBER.findall(match.group(2))]
    if len(numbers) < 4 or len(numbers) % 2:
        return None
    xs, ys = numbers[0::2], numbers[1::2]
    left, top = _round(min(xs)), _round(min(ys))
    return left, top, _round(max(xs)) - left, _round(max(ys)) - top


def _box(content: str, tag: str,
         corner: tuple[int, int, int, int] | None = None) -> _Box | None:
    """`content` (a node group's, after its title) kept relative to its outline's corner
    (`_corner(content)`, given if already known); None when it holds anything but
    paths, polygons and text (links, images...)."""
    if _KNOWN_ELEMENTS.search(content) is not None:
        return None
    corner = corner or _corner(content)
    if corner is None:
        return None
    left, top, width, height = corner
    pieces: list[str] = []
    axes: list[int] = []
    offsets: list[int] = []
    text = ""
    position = 0
    for match in _COORDINATES.finditer(content):
        name, value = match.group(1), match.group(2)
        text += content[position:match.start(2)]
        if name in ("x", "y"):
            axis = 0 if name == "x" else 1
            pieces.append(text)
            text = ""
            axes.append(axis)
            offsets.append(_hundredths(value) - (top if axis else left))
        else:
            inner = 0
            for index, number in enumerate(_NUMBER.finditer(value)):
                axis = index % 2
                pieces.append(text + value[inner:number.start()])
                text = ""
                axes.append(axis)
                offsets.append(_hundredths(number.group()) - (top if axis else left))
                inner = number.end()
            text += value[inner:]
        position = match.end(2)
    pieces.append(text + content[position:])
    return _Box(width, height, pieces, axes, offsets, tag)


def _tag(key: str) -> str:
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()


def _keyed_edge(match: re.Match[str]) -> str:
    """An edge group with its key (a hash of all of it) and its corner at the origin."""
    return (f'{match.group(1)}" data-glove-key="{_tag(match.group(0))}" '
            f'data-glove-at="0 0{match.group(2)}')


class BoxCache:
    """The boxes drawn lately (at most `limit`), by box key; safe to share between threads."""

    def __init__(self, limit: int = MAX_BOXES) -> None:
        self.limit = limit
        self._boxes: collections.OrderedDict[str, _Box] = collections.OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._boxes)

    def clear(self) -> None:
        """Forget every box."""
        with self._lock:
            self._boxes.clear()

    def size_of(self, key: str) -> tuple[int, int] | None:
        """The size of the box kept under `key` (hundredths of a point), or None."""
        with self._lock:
            box = self._boxes.get(key)
            if box is None:
                return None
            self._boxes.move_to_end(key)
            return box.width, box.height

    def draw(self, make_source: Callable[[Callable[[str], tuple[int, int] | None] | None],
                                         DotSource],
             run_dot: Callable[[str], str]) -> str:
        """The SVG of the graph `make_source(size_of)` writes, drawn by `run_dot`.

        Known boxes are drawn by dot as empty boxes and filled in here; new ones
        are kept for next time. If a filled box's outline is not where dot drew
        the empty one, the graph is drawn again with every label in full.
        """
        source = make_source(self.size_of)
        svg = run_dot(source.text)
        filled = self._settle(svg, source)
        if filled is None:
            source = make_source(None)
            svg = run_dot(source.text)
            filled = self._settle(svg, source)
            assert filled is not None  # nothing to fill when nothing was fixed
        return filled

    def _settle(self, svg: str, source: DotSource) -> str | None:
        keys, fixed = source.keys, source.fixed
        with self._lock:
            boxes = {key: self._boxes.get(key) for key in keys.values()}
        learned: dict[str, _Box] = {}
        missing = set(fixed)
        failed = False

        def one(match: re.Match[str]) -> str:
            nonlocal failed
            node_id = match.group(1).replace("&#45;", "-")
            key = keys.get(node_id)
            if key is None:  # not one of ours
                return match.group(0)
            content = match.group(2)
            corner = _corner(content)
            if node_id in fixed:
                missing.discard(node_id)
                box = boxes.get(key)
                if box is None or corner is None:
                    failed = True
                    return match.group(0)
                left, top = corner[0], corner[1]
                filled = box.at(left, top)
                outline = _COORDINATES.search(content)
                drawn = _COORDINATES.search(filled)
                if (outline is None or drawn is None or outline.group(2) != drawn.group(2)
                        or corner[2:] != (box.width, box.height)):
                    failed = True
                    return match.group(0)
                tag = box.tag
            else:
                box = None if corner is None else _box(content, _tag(key), corner)
                if box is None or corner is None:  # drawn as it is, not kept
                    return match.group(0)
                left, top = corner[0], corner[1]
                filled = content
                tag = box.tag
                learned[key] = box
            start, (content_start, content_end) = match.start(0), match.span(2)
            head = match.group(0)[:content_start - start]
            head = head.replace('">\n<title>',
                                f'" data-glove-key="{tag}" '
                                f'data-glove-at="{_PRINTED[left]} {_PRINTED[top]}">\n<title>', 1)
            return head + filled + match.group(0)[content_end - start:]

        result = _EDGE_GROUP.sub(_keyed_edge, _NODE_GROUP.sub(one, svg))
        if failed or missing:
            with self._lock:  # what was kept for these keys did not fit: forget it
                for node_id in fixed:
                    self._boxes.pop(keys[node_id], None)
            return None
        with self._lock:
            for key, box in learned.items():
                self._boxes[key] = box
                self._boxes.move_to_end(key)
            while len(self._boxes) > self.limit:
                self._boxes.popitem(last=False)
        return result


BOXES = BoxCache()
