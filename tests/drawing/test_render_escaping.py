"""Every user string reaches the SVG as text: no markup, no script, no event handlers."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET

import pytest

import glove_lab as gl
from glove_lab.drawing import path_from_svg_id, path_from_title, render, to_svg

SVG = "{http://www.w3.org/2000/svg}"

CORPUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"double" and \'single\' quotes',
    "back\\slash\\",
    "new\nline\r\ttab",
    "{braces} |pipe| <angle>",
    "ünïcödé ✓ \U0001d518 中文",
    "&amp; &lt; ]]> -- -->",
    "a:b:c",
    "\\N \\G \\l",
    "x" * 10000,
    "]",
    "",
]


@gl.symbolize
class Holder:
    def __init__(self, value, child=None):
        pass


def weird_class(name: str) -> type:
    return dataclasses.make_dataclass(name, [("field", object)])


def assert_safe(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1].lower()
        assert local not in ("script", "foreignobject", "iframe", "object", "embed")
        for attribute in element.attrib:
            assert not attribute.rsplit("}", 1)[-1].lower().startswith("on")
    return root


def all_text(root: ET.Element) -> str:
    return "\n".join((t.text or "").replace("\xa0", " ") for t in root.iter(f"{SVG}text"))


def titles(root: ET.Element) -> dict[str, ET.Element]:
    return {g.find(f"{SVG}title").text: g for g in root.iter(f"{SVG}g")
            if "node" in g.get("class", "").split()}


@pytest.mark.parametrize("text", CORPUS)
def test_dict_keys_are_text_in_titles_and_labels(text):
    tree = {text: {"inner": [1, 2, 3, 4, 5, 6, 7]}, "other": {text: 1}}
    root = assert_safe(to_svg(tree))
    path = gl.KeyPath((text,))
    found = titles(root)
    assert str(path) in found
    assert path_from_title(str(path)) == path
    assert path_from_svg_id(found[str(path)].get("id")) == path
    if len(str(path)) <= 40:
        assert str(path) in all_text(root)


@pytest.mark.parametrize("text", CORPUS)
def test_values_are_text_in_rows(text):
    root = assert_safe(to_svg({"value": text, "list": [text] * 8}))
    if len(text) < 30 and "\n" not in text:
        assert repr(text)[1:-1] in all_text(root)


@pytest.mark.parametrize("text", [text for text in CORPUS if text])  # tags are non-empty
def test_tag_names_are_text(text):
    cls = gl.tag(weird_class("Tagged"), text)
    root = assert_safe(to_svg({"a": cls(1), "b": cls(2)}))
    if len(text) < 24 and "\n" not in text:
        assert text in all_text(root)


@pytest.mark.parametrize("text", CORPUS)
def test_class_names_are_text(text):
    cls = weird_class(text)
    root = assert_safe(to_svg({"a": cls(1), "b": Holder(cls(2))}))
    if len(text) < 30 and "\n" not in text:
        assert text in all_text(root)


def test_the_whole_corpus_in_one_tree_with_marks():
    old = {text: Holder(text, {text: [text, 1, 2, 3, 4, 5, 6]}) for text in CORPUS}
    new = {**old, CORPUS[0]: Holder("changed", {}), "added": Holder(CORPUS[1])}
    del new[CORPUS[2]]
    root = assert_safe(to_svg(new, diff_from=old, highlight=[gl.KeyPath((CORPUS[1],))],
                              budget=500))
    for title in titles(root):
        path = path_from_title(title)
        assert path in [gl.KeyPath((key,)) for key in old] + [
            gl.KeyPath((key, "child")) for key in old] + [
            gl.KeyPath((key, "child", key)) for key in old] + [gl.KeyPath(), gl.KeyPath(("added",))]


def test_dot_labels_carry_no_raw_markup_from_user_strings():
    source = render({CORPUS[0]: {"v": CORPUS[1]}}).source
    outside_quoted_names = re.sub(r'"(?:[^"\\]|\\.)*"', '""', source)
    assert "<script" not in outside_quoted_names
    assert "<img" not in outside_quoted_names
    assert "&lt;script&gt;" in outside_quoted_names


def test_characters_xml_cannot_carry_become_visible_escapes():
    tree = {"k\x01ey": "v\x0bal\ufffe", "x": {"\ud800": {"a": 1}}}
    root = assert_safe(to_svg(tree))
    assert '["k\\u0001ey"]' in all_text(root)
    assert "'v\\x0bal\\ufffe'" in all_text(root)
    surrogate = titles(root)['x["\\ud800"]']
    assert path_from_svg_id(surrogate.get("id")) == gl.KeyPath(("x", "\ud800"))
    assert path_from_title('x["\\ud800"]') == gl.KeyPath(("x", "\ud800"))
