"""From a graph model to a `graphviz.Digraph`: HTML-like labels, colours, airtight escaping.

Every user string (keys, values, type names, tags) goes through `html_text`,
which leaves no markup: `& < > " ' ]` become entities, backslashes are doubled
(dot expands `\\N`-style escapes even in HTML labels), and characters XML cannot
carry become visible `\\xNN` escapes. Node names go through `dot_name`. The
statements are written here rather than by the graphviz package's helpers,
which would read `<...>` names as HTML and split names at `:` into ports.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from glove_lab.drawing import _style as style
from glove_lab.drawing._address import dot_name, dot_string, edge_id, svg_id, xml_safe
from glove_lab.drawing._graph import GraphModel, GraphNode, Row
from glove_lab.tree import shorten

if TYPE_CHECKING:
    import graphviz

__all__ = ["DotSource", "to_digraph", "dot_source", "html_text", "choose_rankdir"]

_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;",
                       "]": "&#93;",  # a cell holding only "]" is a syntax error in dot 2.43
                       "\n": "\\n", "\r": "\\r", "\t": "\\t",
                       # dot expands \N, \G, \E... even in HTML labels; `\\` is one backslash
                       "\\": "\\\\"})
_SAFE_VALUE = re.compile(r"[A-Za-z0-9 #.,:;_=+-]*")
MAX_TAGS_SHOWN = 3
TAG_LIMIT = 24
MAX_LEGEND_TAGS = 24
TIMES = "\N{MULTIPLICATION SIGN}"
NOTE_LIMIT = 60  # characters of a node's note before "…"
KEY_SLACK = 3  # bold keys this many characters shorter than the longest key get a space too


def html_text(text: str) -> str:
    """`text` as literal text inside a graphviz HTML-like label; never empty.

    dot rejects an empty `<FONT></FONT>`, so "" becomes a no-break space.
    """
    return xml_safe(text).translate(_HTML) or "&#160;"


def choose_rankdir(model: GraphModel) -> str:
    """Left-to-right when the widest level has more nodes than twice the depth, else top-down.

    Boxes are wider than tall, so a wide tree reads better with its levels
    as columns; a deep, narrow one reads top-down.
    """
    per_depth: dict[int, int] = {}
    for node in model.nodes:
        per_depth[node.depth] = per_depth.get(node.depth, 0) + 1
    widest = max(per_depth.values(), default=1)
    return "LR" if widest > max(4, 2 * len(per_depth)) else "TB"


def to_digraph(model: GraphModel) -> graphviz.Digraph:
    """The graphviz Digraph that draws `model`."""
    import graphviz

    graph = graphviz.Digraph(name="glove")
    graph.body.extend(dot_source(model).lines)
    return graph


@dataclasses.dataclass
class DotSource:
    """The DOT text that draws a graph model, and what each node's box is.

    `keys` maps each node's SVG id to its box key: everything that decides what
    dot draws inside the box (label, colours, style), not where. `fixed` holds
    the ids of nodes written as an empty box of a known size (see `dot_source`).
    """

    lines: list[str]
    keys: dict[str, str]
    fixed: set[str]

    @property
    def text(self) -> str:
        """The whole DOT document, as `graphviz.Digraph(name="glove").source` writes it."""
        return "digraph glove {\n" + "".join(self.lines) + "}\n"


def dot_source(model: GraphModel,
               size_of: Callable[[str], tuple[int, int] | None] | None = None) -> DotSource:
    """The DOT statements that draw `model`.

    `size_of(key)` gives a box's size in hundredths of a point when its drawing
    is already known (glove_lab.drawing._boxes); that node is then written as
    an empty box of exactly that size, which dot lays out like the full one
    without measuring its text.
    """
    lines = [_statement("graph", {
        "rankdir": choose_rankdir(model), "ordering": "out", "nodesep": "0.18",
        "ranksep": "0.3", "fontname": style.FONT, "fontsize": "10", "bgcolor": "white",
        "pad": "0.12", "labelloc": "b", "labeljust": "l", "fontcolor": style.TEXT,
    }), _statement("node", _NODE_DEFAULTS), _statement("edge", {
        "fontname": style.FONT, "fontsize": "9", "fontcolor": style.MUTED, "color": style.EDGE,
        "arrowsize": "0.6", "penwidth": "1",
    })]
    legend = _legend(model)
    if legend:
        lines.append(f"\tlabel=<{legend}>\n")
    keys: dict[str, str] = {}
    fixed: set[str] = set()
    for node in model.nodes:
        node_id, head, body, label = _node_parts(node)
        key = f"{body} label=<{label}>"
        keys[node_id] = key
        size = size_of(key) if size_of is not None else None
        if size is None:
            lines.append(f"\t{dot_name(node.path)} [{head} {key}]\n")
        else:
            fixed.add(node_id)
            width, height = size
            lines.append(f'\t{dot_name(node.path)} [{head} {body} label="" fixedsize="true" '
                         f'width="{width / 7200!r}" height="{height / 7200!r}"]\n')
    for edge in model.edges:
        attributes = {"id": edge_id(edge.head), "class": "glove-edge"}
        if edge.state == "removed":
            attributes.update(style="dashed", color=style.STATE_BORDER["removed"],
                              fontcolor=style.STATE_BORDER["removed"])
            attributes["class"] = "glove-edge glove-removed"
        label = f" label=<{html_text(edge.label)}>" if edge.label else ""
        lines.append(f"\t{dot_name(edge.tail)} -> {dot_name(edge.head)} "
                     f"[{_attributes(attributes)}{label}]\n")
    return DotSource(lines, keys, fixed)


_NODE_DEFAULTS = {
    "shape": "box", "style": "rounded,filled", "fontname": style.FONT, "fontsize": "10",
    "fontcolor": style.TEXT, "color": style.BORDER, "fillcolor": "white",
    "margin": "0.08,0.04", "penwidth": "1",
}


# -- nodes -------------------------------------------------------------------------


def _node_parts(node: GraphNode) -> tuple[str, str, str, str]:
    """A node's SVG id, its `id`/`class` attributes, its other attributes, and its label."""
    classes = []
    tag_color = style.tag_color(node.tags[0]) if node.tags else None
    fill = style.tint(tag_color) if tag_color else "white"
    border = style.BORDER
    penwidth = "1"
    node_style = "rounded,filled"
    if node.role in ("collapsed", "folded", "more", "elided"):
        classes.append("glove-collapsed")
        if node.role != "collapsed":
            classes.append(f"glove-{node.role}")
        node_style = "rounded,filled,dashed"
        if node.role in ("more", "elided"):
            fill = "#f8fafc"
    if node.state:
        classes.append(f"glove-{node.state}")
        border = style.STATE_BORDER[node.state]
        penwidth = "2"
        if node.state != "changed" or not node.rows_changed:
            fill = style.STATE_FILL[node.state]  # a box changed only in its rows keeps its fill
        if node.state == "removed":
            node_style = "rounded,filled,dashed"
    if node.selected:
        classes.append("glove-selected")
        border = style.BRAND
        penwidth = "3"
    node_id = svg_id(node.path)
    head = {"id": node_id}
    if classes:
        head["class"] = " ".join(classes)
    body = {"fillcolor": fill, "color": border, "penwidth": penwidth, "style": node_style}
    return node_id, _attributes(head), _attributes(body), _label(node)


def _label(node: GraphNode) -> str:
    rows: list[str] = []
    text_color = style.STATE_BORDER["removed"] if node.state == "removed" else style.TEXT
    if node.role == "elided":
        rows.append(_wide(f'<B>{html_text(node.name)}</B>'))
        rows.append(_wide(_small(f"{html_text(node.first_key)} … {html_text(node.last_key)}"
                                 f", {node.hidden:,} nodes")))
        return _table(rows)
    if node.role == "more":
        rows.append(_wide(f'<B>{html_text(node.name)}</B>'))
        rows.append(_wide(_small(f"{html_text(node.first_key)} … {html_text(node.last_key)}")))
        rows.append(_wide(_small(f"{node.hidden:,} nodes")))
        return _table(rows)
    header = f'<B><FONT COLOR="{text_color}">{html_text(node.name)}</FONT></B>'
    if node.role == "folded":
        header += f'<FONT COLOR="{style.MUTED}">  {TIMES}{node.count}</FONT>'
    rows.append(_wide(header))
    if node.note:
        rows.append(_wide(_small(html_text(shorten(node.note, NOTE_LIMIT)))))
    if node.tags:
        rows.append(_wide(_tags(node.tags)))
    # The longest keys set the key column's width (within a few characters).
    widest = max((len(row.key) for row in node.rows), default=0) - KEY_SLACK
    for row in node.rows:
        rows.append(_row(row, pad=row.hyper and len(row.key) >= widest))
    if node.more_rows:
        rows.append(_wide(_small(f"<I>+{node.more_rows} more</I>")))
    if node.role == "folded":
        rows.append(_wide(_small(
            f"{node.count} identical: {html_text(node.first_key)} … {html_text(node.last_key)}")))
    if node.hidden:
        rows.append(_wide(_small(f"▸ +{node.hidden:,} nodes")))
    if node.role == "removed":
        rows.append(_wide(_small("removed", style.STATE_BORDER["removed"])))
    return _table(rows)


def _row(row: Row, pad: bool = False) -> str:
    """One key = value row; `pad`: a no-break space after the (bold) key.

    Browsers draw bold text a little wider than dot measures it, so a bold key as
    long as the key column left its "= value" touching it (1.4 px apart); the
    space is its own text run, given only to the keys that set the column's width.
    """
    key_color = style.TEXT if row.hyper else style.MUTED
    key = html_text(row.key)
    value = html_text(row.value)
    bold = f"<B>{key}</B>{'&#160;' if pad else ''}"
    key_cell = f'<FONT COLOR="{key_color}">{bold if row.hyper else key}</FONT>'
    value_cell = f"= {value}"
    background = ""
    if row.mark == "removed":
        red = style.STATE_BORDER["removed"]
        key_cell = f'<FONT COLOR="{red}"><S>{key}</S></FONT>'
        value_cell = f'<FONT COLOR="{red}"><S>= {value}</S></FONT>'
    elif row.mark:
        background = style.STATE_FILL[row.mark]
        if row.before is not None:
            value_cell += _small(f"  (was {html_text(row.before)})")
    if row.selected:
        background = style.BRAND_FILL
    bg = f' BGCOLOR="{background}"' if background else ""
    return (f'<TR><TD ALIGN="LEFT"{bg}>{key_cell}</TD>'
            f'<TD ALIGN="LEFT"{bg}>{value_cell}</TD></TR>')


def _tags(tags: tuple[str, ...]) -> str:
    chips = []
    for tag in tags[:MAX_TAGS_SHOWN]:
        name = shorten(tag, TAG_LIMIT)
        chips.append(f'<FONT COLOR="{style.tag_color(tag)}">●</FONT> {html_text(name)}')
    if len(tags) > MAX_TAGS_SHOWN:
        chips.append(f"+{len(tags) - MAX_TAGS_SHOWN}")
    return f'<FONT POINT-SIZE="8" COLOR="{style.MUTED}">{"  ".join(chips)}</FONT>'


def _legend(model: GraphModel) -> str:
    """One row: the tags present with their colours, then the diff and selection colours."""
    cells: list[str] = []
    if model.tags:
        cells.append(_caption("tags"))
        cells.extend(_chip(style.tag_color(tag), tag) for tag in model.tags[:MAX_LEGEND_TAGS])
        if len(model.tags) > MAX_LEGEND_TAGS:
            cells.append(_caption(f"+{len(model.tags) - MAX_LEGEND_TAGS} more"))
    if model.has_diff:
        cells.append(_caption("diff"))
        cells.extend(_chip(style.STATE_BORDER[state], state)
                     for state in ("changed", "added", "removed"))
    if model.has_selection:
        cells.append(_chip(style.BRAND, "selected"))
    if not cells:
        return ""
    return ('<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="3" CELLPADDING="2"><TR>'
            + "".join(cells) + "</TR></TABLE>")


def _chip(color: str, name: str) -> str:
    shown = shorten(name, TAG_LIMIT)
    return (f'<TD BGCOLOR="{style.tint(color, 0.8)}" BORDER="1" COLOR="{color}">'
            f'<FONT POINT-SIZE="8">{html_text(shown)}</FONT></TD>')


def _caption(text: str) -> str:
    return f'<TD><FONT POINT-SIZE="8" COLOR="{style.MUTED}">{text}</FONT></TD>'


# -- small label builders ------------------------------------------------------------


def _table(rows: list[str]) -> str:
    return ('<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
            + "".join(rows) + "</TABLE>")


def _wide(content: str) -> str:
    return f'<TR><TD ALIGN="LEFT" COLSPAN="2">{content}</TD></TR>'


def _small(content: str, color: str = style.MUTED) -> str:
    return f'<FONT POINT-SIZE="8" COLOR="{color}">{content}</FONT>'


def _statement(kind: str, attributes: dict[str, str]) -> str:
    return f"\t{kind} [{_attributes(attributes)}]\n"


def _attributes(attributes: dict[str, str]) -> str:
    parts = []
    for key, value in attributes.items():
        # Only our own constants and base64 ids get here; refuse anything else loudly.
        if not _SAFE_VALUE.fullmatch(value):
            raise ValueError(f"unsafe DOT attribute value {value!r} for {key}")
        parts.append(f"{key}={dot_string(value)}")
    return " ".join(parts)
