"""The SVG's post-processing (drawing/_render._slim): smaller, the same picture. Every
text's effective font, size, colour and anchor are what dot wrote."""

from __future__ import annotations

from xml.etree import ElementTree

import graphviz

from glove_lab.drawing._dot import dot_source
from glove_lab.drawing._graph import build_graph
from glove_lab.drawing._render import _slim
from tests.e2e.e2e_models import hostile_net, small_net

SVG = "{http://www.w3.org/2000/svg}"
INHERITED = ("font-family", "font-size", "fill", "font-weight", "text-anchor")


def effective(svg: str) -> list[tuple[str, ...]]:
    """Each text's text and inherited presentation attributes, in document order."""
    out: list[tuple[str, ...]] = []

    def walk(element: ElementTree.Element, inherited: dict[str, str]) -> None:
        here = {**inherited, **{k: v for k, v in element.attrib.items() if k in INHERITED}}
        if element.tag == f"{SVG}text":
            size = here.get("font-size", "")
            out.append((element.text or "", here.get("font-family", ""),
                        f"{float(size):g}" if size else "", here.get("fill", "black"),
                        here.get("font-weight", "normal"), here.get("text-anchor", "start")))
        for child in element:
            walk(child, here)

    walk(ElementTree.fromstring(svg.encode()), {})
    return out


def test_slimming_keeps_every_texts_look_and_shrinks_the_drawing():
    for tree in (small_net(), hostile_net()):
        raw = graphviz.pipe_string("dot", "svg", dot_source(build_graph(tree)).text,
                                   encoding="utf-8", quiet=True)
        slim = _slim(raw)
        assert effective(slim) == effective(raw)
        assert len(slim) < 0.85 * len(raw)
        # Shapes keep their own fill and stroke: only text inherits the hoisted colour.
        shapes = [e for e in ElementTree.fromstring(slim.encode()).iter()
                  if e.tag in (f"{SVG}path", f"{SVG}polygon")]
        assert shapes and all("fill" in e.attrib for e in shapes)
