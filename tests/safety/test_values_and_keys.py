"""Any value, any key: huge ints, odd dict keys and hostile path text (items 5, 6 and 7)."""

from __future__ import annotations

import enum
import json
import math

import pytest

import glove_lab as gl
from glove_lab.notebook import GloveWidget
from glove_lab.tree import short_repr
from tests.notebook.test_widget import front_end_event, front_end_update
from tests.safety.test_rule_faults import Cell, Pair

BIG = 7 ** 20_000  # 16,902 digits: beyond Python's 4,300-digit str() limit


class Color(enum.Enum):
    RED = 1


@pytest.mark.parametrize("text", ids=lambda text: text[:20], argvalues=[
    "a[----1]", "a[" + "-" * 100_000 + "1]", "a[9*5000]", "a[" + "9" * 5000 + "]",
    "a[" + "(" * 5000 + "]", "a[" + "[" * 100_000 + "]", "a[{}]", "a[{1: 2}]", "a[[1]]",
    "a[<Color.RED: 1>]", "a.", ".a", "a[1", "a[\"x]", "a b", "a[" + "1" * 200_000 + "]",
])
def test_hostile_path_text_is_a_path_error(text):
    with pytest.raises(gl.PathError) as raised:
        gl.KeyPath.parse(text)
    assert len(str(raised.value)) < 400  # one readable paragraph, not the input echoed whole


@pytest.mark.parametrize("key", [
    math.nan, math.inf, -math.inf, frozenset({1, 2}), frozenset({"a b", 3}), frozenset(),
    BIG, -BIG, (1, "a"), b"x", 1.5, None, True, "lr schedule",
], ids=lambda key: short_repr(key, 30))
def test_every_literal_key_round_trips_through_path_text(key):
    path = gl.KeyPath(("d", key))
    parsed = gl.KeyPath.parse(str(path))
    assert str(parsed) == str(path)
    assert parsed[1] == key or (key != key and parsed[1] != parsed[1])


def odd_tree() -> dict:
    return {"d": {math.nan: Cell(1), math.inf: Cell(2), -math.inf: Cell(3),
                  frozenset({1}): Cell(4), Color.RED: Cell(5)}}


@pytest.mark.parametrize("where", ["d[nan]", "d[inf]", "d[-inf]", "d[frozenset({1})]"])
def test_nodes_under_odd_keys_are_reachable_editable_and_replay(where, tmp_path):
    tree = odd_tree()
    assert where in {str(p) for p in gl.paths(tree)}
    session = gl.Session(tree, name="cfg")
    session.replace(f"{where}.x", 99)
    assert gl.get(session.tree, f"{where}.x") == 99 and gl.get(tree, f"{where}.x") != 99
    session.save(tmp_path / "log.json")
    replayed = gl.Session.load(tmp_path / "log.json", odd_tree())
    assert gl.get(replayed.tree, f"{where}.x") == 99


def test_a_click_under_an_odd_key_selects_it_in_the_widget():
    widget = GloveWidget(gl.Session(odd_tree(), name="cfg"))
    front_end_update(widget, selection=["d[nan]"])
    assert widget.error == "" and widget.inspector["path"] == "d[nan]"


def test_a_node_under_an_enum_key_is_not_selectable_and_the_widget_says_why():
    widget = GloveWidget(gl.Session(odd_tree(), name="cfg"))
    front_end_update(widget, selection=["d[<Color.RED: 1>]"])
    assert "has no path text" in widget.error and "Enum" in widget.error
    assert widget.selection == []


def test_huge_ints_are_shown_short_and_saved_exactly(tmp_path):
    tree = Pair(Cell(BIG), {BIG: [BIG]})
    text = gl.format(tree)
    assert "(int, 16,902 digits)" in text and len(text) < 400
    assert "16,902 digits" in repr(tree)
    session = gl.Session(tree, name="m")
    session.replace("left.y", -BIG)
    assert "≈-9.13" in session.history[0].summary() and len(session.history[0].summary()) < 200
    assert "≈-9.13" in repr(session.history[0])
    assert "16,902 digits" in str(session.diff()[0])
    session.save(tmp_path / "log.json")
    assert gl.Session.load(tmp_path / "log.json", tree).tree.left.y == -BIG
    data = json.loads(json.dumps(gl.to_json(session.tree)))
    assert gl.eq(gl.from_json(data), session.tree)
    assert gl.from_json(data).right == {BIG: [BIG]}


def test_the_widget_shows_a_huge_int_without_freezing():
    widget = GloveWidget(gl.Session(Pair(Cell(BIG), [1]), name="m"))
    front_end_update(widget, selection=["left"])
    assert widget.error == "" and "digits" in widget.svg
    assert any("digits" in value for _, value in widget.inspector["args"])
    front_end_event(widget, event="apply", rule="glove.rebind", scope="selection",
                    params={"values": "{'y': 5}"})
    assert widget.error == "" and "digits" not in widget.inspector["editable"].get("x", "")


@pytest.mark.parametrize("body", ["0x", "12", "0xZZ", 5, "-0x" + "f" * 2_000_000],
                         ids=["empty", "decimal", "not-hex", "number", "too-long"])
def test_a_bad_int_marker_is_a_serialization_error(body):
    with pytest.raises(gl.SerializationError, match=r"\$int"):
        gl.from_json({"$int": body})
