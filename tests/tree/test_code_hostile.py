"""gl.to_code on values whose obvious source is wrong: it writes them exactly or refuses by path."""

from __future__ import annotations

import enum
import sys

import pytest

import glove_lab as gl
from tests.fixtures.models import Bag, Node

HERE = sys.modules[__name__]


def run(code: str, name: str = "tree") -> object:
    namespace: dict = {}
    exec(compile(code, "<to_code>", "exec"), namespace)
    return namespace[name]


def round_trips(tree: object) -> bool:
    return gl.eq(run(gl.to_code(tree)), tree)


# Module-level, so they are importable by name; their names are what is hostile.
Spaced = enum.Enum("Spaced", {"a b": 1, "ok": 2, "class": 3}, module=__name__, qualname="Spaced")


class Perm(enum.Flag):
    """A flag whose combined values and zero have no member of their own."""

    R = 4
    W = 2
    X = 1


class Injected:
    """A class whose qualname would inject a statement if written as is."""


Injected.__qualname__ = "Injected\nimport os"
setattr(HERE, Injected.__qualname__, Injected)


class Ligature:
    """A class whose name Python's parser rewrites (NFKC: 'ﬁ' -> 'fi')."""


Ligature.__qualname__ = "Liga\ufb01"
setattr(HERE, Ligature.__qualname__, Ligature)


def test_an_enum_member_whose_name_is_not_an_identifier_round_trips():
    assert round_trips([Spaced["a b"], Spaced["class"], Spaced.ok])


def test_a_combined_flag_value_round_trips():
    assert round_trips([Perm.R | Perm.W])


def test_flag_zero_round_trips():
    assert round_trips([Perm(0)])


def test_slice_with_nan_round_trips():
    value = slice(float("nan"), float("inf"), None)
    back = run(gl.to_code([value]))[0]
    assert repr(back) == repr(value)


def test_an_int_over_4300_digits_round_trips():
    big = -(7 ** 20000)
    assert run(gl.to_code({"n": big, "r": range(big, 0, 7 ** 6000)})) == {
        "n": big, "r": range(big, 0, 7 ** 6000)}


def test_nesting_deeper_than_the_parser_limit_round_trips():
    tree: object = 0
    for i in range(300):
        tree = [tree] if i % 3 else Node(tree, {"k": i})
    assert round_trips(tree)


def test_a_keyword_python_would_normalize_goes_in_a_dict():
    tree = Bag(1, **{"\ufb01": 1, "__debug__": 2})
    assert round_trips(tree)


def test_a_qualname_with_a_newline_is_refused_naming_the_path():
    with pytest.raises(gl.GloveError, match=r"'a\[0\]'"):
        gl.to_code({"a": [Injected]})


def test_a_qualname_python_would_normalize_is_refused_naming_the_path():
    with pytest.raises(gl.GloveError, match=r"'a'"):
        gl.to_code({"a": Ligature})


@pytest.mark.parametrize("name", ["class", "__debug__", "\ufb01", "a b"])
def test_to_code_refuses_a_name_that_source_cannot_assign(name):
    with pytest.raises(gl.GloveError, match="identifier"):
        gl.to_code([1], name=name)


def test_a_session_step_with_a_value_nested_beyond_the_parser_limit_exports():
    deep: object = 1
    for _ in range(250):
        deep = [deep]
    session = gl.Session({"a": 0}, name="net")
    session.replace("a", deep)
    namespace: dict = {"net": {"a": 0}}
    exec(compile(session.export(), "<export>", "exec"), namespace)
    assert gl.eq(namespace["net"], session.tree)
