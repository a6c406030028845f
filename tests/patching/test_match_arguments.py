"""A Match built from wrong arguments says which, at once; messages never show raw reprs."""

from __future__ import annotations

import re

import pytest

import glove_lab as gl


@gl.symbolize
class Unit:
    def __init__(self, x: int = 1):
        self.x = x


@pytest.mark.parametrize(("kwargs", "says"), [
    ({"path": lambda p: True}, "Match(path=...) must be a path glob (str)"),
    ({"tag": 3}, "Match(tag=...) must be a tag name (str), got int 3"),
    ({"where": 5}, "Match(where=...) must be a function fn(node) -> bool, got int 5"),
    ({"subclasses": "all"}, "Match(subclasses=...) must be True, False or 'plain'"),
])
def test_wrong_match_arguments_are_a_rule_error(kwargs, says):
    with pytest.raises(gl.RuleError) as caught:
        gl.Match(**kwargs)
    assert says in str(caught.value)


RAW = re.compile(r"<function |<bound method | at 0x[0-9a-f]+")


def test_no_message_shows_a_functions_raw_repr():
    def action(node: Unit) -> Unit:
        return Unit(2)

    gl.rule("msg.where", gl.Match(type=Unit, where=lambda n: n.x > 5))(action)
    gl.rule("msg.combined", gl.Match(where=lambda n: False) & ~gl.Match(tag="x"))(action)
    tree = [Unit(), Unit()]
    messages = []
    for name in ("msg.where", "msg.combined"):
        for kwargs in ({"at": ["[0]"]}, {"strict": True}):
            with pytest.raises(gl.GloveError) as caught:
                gl.apply(tree, name, **kwargs)
            messages.append(str(caught.value))
    with pytest.raises(gl.GloveError) as caught:
        gl.Session(tree, check=lambda t: None).set_check(check=5)  # type: ignore[arg-type]
    messages.append(str(caught.value))
    with pytest.raises(gl.GloveError) as caught:
        gl.run_variants([], fn=5)  # type: ignore[arg-type]
    messages.append(str(caught.value))
    assert "it applies to Match(type=Unit, where=" in messages[0]
    for message in messages:
        assert not RAW.search(message), message
    assert not RAW.search(repr(gl.Match(where=lambda n: True))), repr(gl.Match(where=len))
