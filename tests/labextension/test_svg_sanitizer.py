"""The allow-list SVG sanitizer (labextension/src/svg.ts) in a real Chromium: graphviz's
own output passes untouched; scripts, handlers, foreign elements and script links go."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import glove_lab as gl
from tests.e2e.e2e_models import hostile_net, small_net

RUN = """
([text]) => {
  const svg = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
  const dropped = exports.sanitizeSvg(svg);
  return {dropped, out: new XMLSerializer().serializeToString(svg)};
}
"""


@pytest.fixture(scope="module")
def page(chromium_page: Any, compiled: Path) -> Any:
    js = (compiled / "src" / "svg.js").read_text()
    chromium_page.add_script_tag(content="var exports = {};\n" + js)
    return chromium_page


def sanitize(page: Any, text: str) -> dict[str, Any]:
    return page.evaluate(RUN, [text])


@pytest.mark.parametrize("make", [small_net, hostile_net])
def test_real_graphviz_output_is_kept_whole(page: Any, make: Any) -> None:
    tree = make()
    svg = gl.to_svg(tree, highlight=["blocks[0]"], diff_from=small_net(), budget=4)
    assert "glove-collapsed" in svg or "collapsed" in svg  # a placeholder is drawn too
    result = sanitize(page, svg)
    assert result["dropped"] == {"elements": 0, "attributes": 0}
    counted = page.evaluate(
        "([a, b]) => [a, b].map(t => new DOMParser().parseFromString(t, 'image/svg+xml')"
        ".getElementsByTagName('*').length)", [svg, result["out"]])
    assert counted[0] == counted[1] > 20


HOSTILE = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
  xmlns:h="http://www.w3.org/1999/xhtml" width="10pt" height="10pt" onload="window.__x=1">
<script>window.__x=2</script>
<style>* { fill: red }</style>
<g id="n1" class="node" onclick="window.__x=3" style="fill:url(javascript:1)">
  <title>blocks[0]</title>
  <polygon points="0,0 1,1" fill="white" onmouseover="window.__x=4"/>
  <text x="1" y="2" font-size="8">kept text</text>
  <a href="javascript:alert(1)"><text>bad link</text></a>
  <a xlink:href=" java&#9;script:alert(1)"><text>tab link</text></a>
  <a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;"><text>data link</text></a>
  <a href="https://example.org/doc" target="_blank"><text>web link</text></a>
  <a xlink:href="#n1"><text>fragment link</text></a>
  <foreignObject><h:iframe src="javascript:alert(1)"/></foreignObject>
  <h:script>window.__x=5</h:script>
  <image href="https://example.org/x.png" width="1" height="1"/>
  <use href="https://example.org/x.svg#a"/>
  <set attributeName="onclick" to="alert(1)"/>
  <animate attributeName="href" to="javascript:alert(1)"/>
</g>
</svg>"""


def test_hostile_markup_is_dropped_and_the_rest_kept(page: Any) -> None:
    result = sanitize(page, HOSTILE)
    out = result["out"]
    for gone in ("script", "style", "foreignObject", "iframe", "image", "<use", "<set",
                 "animate", "onload", "onclick", "onmouseover", "javascript", "data:text",
                 "style=", "window.__x"):
        assert gone not in out, gone
    for kept in ("kept text", "bad link", "web link", 'href="https://example.org/doc"',
                 'target="_blank"', 'xlink:href="#n1"', "blocks[0]", 'points="0,0 1,1"',
                 'class="node"'):
        assert kept in out, kept
    assert result["dropped"] == {"elements": 8, "attributes": 7}


def test_parse_svg_refuses_what_is_not_svg(page: Any) -> None:
    refused = page.evaluate("""(texts) => texts.map(t => exports.parseSvg(t, document) === null)""",
                            ["<html><body>x</body></html>", "<svg", "not markup at all",
                             '<svg xmlns="http://example.org/other"/>'])
    assert refused == [True, True, True, True]
    ok = page.evaluate(
        "([t]) => { const s = exports.parseSvg(t, document); document.body.appendChild(s);"
        " return [s.localName, s.ownerDocument === document, window.__x === undefined]; }",
        [HOSTILE])
    assert ok == ["svg", True, True]


def test_allow_lists_are_the_documented_ones(page: Any) -> None:
    elements = set(page.evaluate("() => Array.from(exports.ALLOWED_ELEMENTS)"))
    assert {"svg", "g", "title", "polygon", "polyline", "path", "ellipse", "text", "a",
            "defs"} <= elements
    assert not elements & {"script", "foreignobject", "style", "image", "use", "set",
                           "animate", "iframe"}
    attributes = json.dumps(page.evaluate("() => Array.from(exports.ALLOWED_ATTRIBUTES)"))
    assert '"on' not in attributes and '"style"' not in attributes
