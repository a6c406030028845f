"""Node notes: one line under a box's name, from `notes=` or from registered note functions."""

from __future__ import annotations

from xml.etree import ElementTree

import glove_lab as gl
from glove_lab.drawing import to_svg
from glove_lab.tree import KeyPath, NodeNotes, notes_of, register_notes

_SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: str) -> dict[str, str]:
    result = {}
    for group in ElementTree.fromstring(svg).iter(f"{_SVG}g"):
        title = group.find(f"{_SVG}title")
        if "node" in (group.get("class") or "").split() and title is not None:
            result[title.text] = " ".join(t.text or "" for t in group.iter(f"{_SVG}text"))
    return result


TREE = {"encoder": {"width": 8}, "head": {"classes": 3}}


def test_notes_show_in_the_boxes_of_their_paths_only():
    shown = texts(to_svg(TREE, notes={"encoder": "→ 2 by 8", KeyPath(): "the root"}))

    assert "→ 2 by 8" in shown["encoder"] and "the root" in shown["$"]
    assert "→" not in shown["head"]


def test_a_note_is_text_never_markup():
    svg = to_svg(TREE, notes={"head": '<script>alert("x")</script> & ]'})

    assert "<script" not in svg
    assert '<script>alert("x")</script> & ]' in texts(svg)["head"]


def test_registered_note_functions_are_asked_with_the_example_and_merged():
    seen = []
    remove_a = register_notes("test.a", lambda tree, example: seen.append(example) or NodeNotes(
        {KeyPath(): "a"}, "a says hi"))
    remove_b = register_notes("test.b", lambda tree, example: NodeNotes({KeyPath(): "b"}))
    try:
        shown = texts(to_svg(TREE, example="input"))
        notes = notes_of(TREE)
    finally:
        remove_a()
        remove_b()

    assert seen == ["input", None]
    assert "a · b" in shown["$"]
    assert notes.status == "a says hi"
    assert notes_of(TREE).by_path.get(KeyPath()) is None  # removed again


def test_a_note_function_that_raises_is_a_status_line_and_the_graph_still_draws():
    def broken(tree, example):
        raise ValueError("no luck")

    remove = register_notes("test.broken", broken)
    try:
        notes = notes_of(TREE)
        svg = to_svg(TREE)
    finally:
        remove()

    assert notes.status == "test.broken notes failed: ValueError: no luck"
    assert "encoder" in texts(svg)


def test_empty_notes_turn_the_adapters_notes_off():
    remove = register_notes("test.c", lambda tree, example: NodeNotes({KeyPath(): "noted"}))
    try:
        assert "noted" not in to_svg(TREE, notes={})
        assert "noted" in gl.to_svg(TREE)
    finally:
        remove()
