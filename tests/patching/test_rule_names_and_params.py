"""Rule names are dotted identifiers, and rule parameters have a channel no name collides with."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import glove_lab as gl
from glove_lab.patching import unregister_rule


def collide(node: Any, at: int = 0, strict: int = 0, params: int = 0) -> Any:
    """A rule whose parameters are named like apply's own arguments."""
    return (node, at, strict, params)


@pytest.fixture
def colliding() -> Iterator[str]:
    gl.register_rule(gl.Rule("names.collide", collide, on=gl.Match(type=int)))
    yield "names.collide"
    unregister_rule("names.collide")


@pytest.mark.parametrize("name", ["a#b", "a\tb", "a\rb", "a\u00a0b", "a\u2028b", "a b", "a?b",
                                  "a..b", ".a", "a.", "a-b", "a/b", "", "\ufb01x"])
def test_a_name_that_is_not_dotted_identifiers_is_refused_at_definition(name):
    with pytest.raises(gl.RuleError, match="not a rule name"):
        gl.Rule(name, collide)


@pytest.mark.parametrize("name", ["a#b", "a\tb", "fixtures.widen#x", "fixtures.widen\u2028"])
def test_a_hostile_name_never_resolves_to_another_rule(name):
    import tests.fixtures.rules  # noqa: F401  (registers fixtures.widen)

    with pytest.raises(gl.RuleError, match="not a rule name"):
        gl.apply({"a": 1}, name)


def test_dotted_unicode_identifiers_are_rule_names():
    assert gl.Rule("équipe.idée_2", collide).name == "équipe.idée_2"


def test_a_uri_value_keeps_a_hash_and_percent_escapes():
    from glove_lab.patching import parse_uri

    assert parse_uri("team.idea?label=a%23b#c&x=%0A") == (
        "team.idea", {"label": "a#b#c", "x": "\n"})


def test_params_named_strict_and_at_reach_the_rule(colliding):
    tree = gl.apply([1], colliding, params={"strict": 5, "at": 6, "params": 7})
    assert tree == [(1, 6, 5, 7)]


def test_session_apply_takes_a_parameter_named_at(colliding):
    session = gl.Session([1], name="net")
    session.apply(colliding, at=["[0]"], params={"at": 3})
    assert session.tree == [(1, 3, 0, 0)]


def test_the_keyword_shorthand_still_works_for_names_that_do_not_collide():
    import tests.fixtures.rules  # noqa: F401

    assert gl.apply([1.5], "fixtures.scale_floats", factor=3.0) == [4.5]


def test_a_parameter_given_in_both_channels_is_refused():
    import tests.fixtures.rules  # noqa: F401

    with pytest.raises(gl.RuleError, match="'factor' given both"):
        gl.apply([1.5], "fixtures.scale_floats", params={"factor": 2.0}, factor=3.0)


def test_params_that_is_not_a_mapping_is_refused_with_a_hint(colliding):
    with pytest.raises(gl.RuleError, match=r"params=\{'params': \.\.\.\}"):
        gl.apply([1], colliding, params=7)


@pytest.mark.parametrize("params", [{"strict": 5}, {"at": 4}, {"params": 9},
                                    {"strict": 0, "at": 1, "params": 2}])
def test_an_exported_step_with_colliding_parameter_names_replays_exactly(colliding, params):
    session = gl.Session([1, 2], name="net")
    session.apply(colliding, params=params)
    namespace: dict[str, Any] = {"net": [1, 2]}
    exec(compile(session.export(), "<export>", "exec"), namespace)
    assert namespace["net"] == session.tree
