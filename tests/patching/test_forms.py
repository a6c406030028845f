"""The rules layer says how a palette shows a rule: `Param.form()`, `Rule.form()` and the
`hidden` flag (rules whose parameters a form cannot express)."""

from __future__ import annotations

import enum
from typing import Literal

import glove_lab as gl
from glove_lab.patching import lookup


class Mode(enum.Enum):
    FAST = 1
    SLOW = 2


@gl.symbolize
class Box:
    """A box."""

    def __init__(self, size: int = 1):
        pass


def _action(node: Box, n: int, x: float = 0.5, flag: bool = True, name: str = "a",
            pick: Literal["p", "q"] = "q", mode: Mode = Mode.SLOW, thing=(1, 2),
            maybe: int | None = None) -> Box:
    """Do a thing.

    More text.
    """
    return node


def test_each_parameter_kind_becomes_a_form_field() -> None:
    rule = gl.Rule("forms.all", _action)
    form = rule.form()
    assert form["name"] == "forms.all" and form["doc"] == "Do a thing."
    by_name = {p["name"]: p for p in form["params"]}
    assert by_name["n"] == {"name": "n", "kind": "int", "default": None, "choices": None,
                            "required": True}
    assert by_name["x"] == {"name": "x", "kind": "float", "default": 0.5, "choices": None,
                            "required": False}
    assert by_name["flag"]["kind"] == "bool" and by_name["flag"]["default"] is True
    assert by_name["name"]["kind"] == "str" and by_name["name"]["default"] == "a"
    assert by_name["pick"] == {"name": "pick", "kind": "choice", "default": "q",
                               "choices": ["p", "q"], "required": False}
    # An enum is a choice by member name; its default too.
    assert by_name["mode"] == {"name": "mode", "kind": "choice", "default": "SLOW",
                               "choices": ["FAST", "SLOW"], "required": False}
    # An untyped parameter is a text field showing its default's repr.
    assert by_name["thing"] == {"name": "thing", "kind": "str", "default": "(1, 2)",
                                "choices": None, "required": False}
    assert by_name["maybe"]["kind"] == "int" and by_name["maybe"]["default"] is None
    assert [p["name"] for p in form["params"]] == ["n", "x", "flag", "name", "pick", "mode",
                                                    "thing", "maybe"]


def test_rules_are_shown_unless_flagged_hidden() -> None:
    shown = gl.Rule("forms.shown", _action)
    hidden = gl.Rule("forms.hidden", _action, hidden=True)
    assert shown.hidden is False and hidden.hidden is True
    # Built-ins that take Python objects are hidden; the others are not.
    assert lookup("glove.wrap").hidden and lookup("glove.insert").hidden
    assert not lookup("glove.rebind").hidden and not lookup("glove.replace").hidden


def test_the_decorator_takes_the_flag_and_a_hidden_rule_still_applies() -> None:
    @gl.rule("forms.grow", on=gl.Match(type=Box), hidden=True)
    def grow(node: Box, by: int = 1) -> Box:
        return Box(node.size + by)

    assert lookup("forms.grow").hidden
    assert gl.apply([Box(1)], "forms.grow", by=2)[0].size == 3
