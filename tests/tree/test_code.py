"""gl.to_code (imports, then `name = expr`, executable), gl.format and repr."""

from __future__ import annotations

import pytest

import glove_lab as gl
from tests.fixtures.models import Act, Bag, Conv, Dense, Frozen, Pair, Point, add, small_net


def run(code: str, name: str = "tree") -> object:
    namespace: dict = {}
    exec(compile(code, "<to_code>", "exec"), namespace)
    return namespace[name]


# -- to_code -------------------------------------------------------------------


def test_to_code_writes_imports_then_an_assignment():
    assert gl.to_code(Conv(16), name="conv") == (
        "from tests.fixtures.models import Conv\n\nconv = Conv(channels=16, kernel=3, stride=1)\n"
    )


def test_to_code_of_plain_values_needs_no_imports():
    assert gl.to_code({"a": [1, (2,)], "b": None}) == "tree = {'a': [1, (2,)], 'b': None}\n"


def test_to_code_imports_each_class_once():
    code = gl.to_code(small_net())
    assert code.count("import Conv") == 1


def test_executed_code_gives_an_equal_tree():
    assert gl.eq(run(gl.to_code(small_net())), small_net())


def test_executed_code_keeps_tuples_dataclasses_and_namedtuples():
    tree = {"t": (1,), "p": Point(Pair(1, 2), Frozen(3)), "e": ()}
    assert gl.eq(run(gl.to_code(tree)), tree)


def test_executed_code_gives_back_deferred_calls():
    tree = add(add(1, 2), y=5)
    assert gl.eq(run(gl.to_code(tree)), tree)


def test_executed_code_gives_back_a_symbolized_third_party_class():
    assert gl.eq(run(gl.to_code([Dense(4, "gelu")])), [Dense(4, "gelu")])


def test_executed_code_keeps_nan_and_infinities():
    tree = [float("nan"), float("inf"), -float("inf"), -0.0]
    assert gl.eq(run(gl.to_code(tree)), tree)


def test_executed_code_keeps_weird_dict_keys():
    tree = {"lr schedule": 1, "a.b": 2, "$x": 3, "名前": 4, 'q"uote': 5, 7: "int key"}
    assert gl.eq(run(gl.to_code(tree)), tree)


def test_executed_code_gives_back_variadic_arguments():
    tree = Bag(1, [2], label="b", extra=3)
    assert gl.eq(run(gl.to_code(tree)), tree)


def test_executed_code_gives_back_variadic_keywords_that_are_not_identifiers():
    tree = Bag(1, **{"lr schedule": "cosine"})
    assert gl.eq(run(gl.to_code(tree)), tree)


def test_executed_code_of_a_wide_tree_spans_lines_and_still_runs():
    tree = small_net(6)
    code = gl.to_code(tree, width=40)
    assert code.count("\n") > 10 and gl.eq(run(code), tree)


def test_executed_code_keeps_a_one_element_tuple_split_over_lines():
    tree = ([Act("a-very-long-activation-name-that-does-not-fit-in-a-line")],)
    assert gl.eq(run(gl.to_code(tree, width=20)), tree)


def test_to_code_binds_the_given_name():
    assert run(gl.to_code([1], name="model"), name="model") == [1]


def test_to_code_rejects_a_name_that_is_not_an_identifier():
    with pytest.raises(gl.GloveError):
        gl.to_code([1], name="my model")


def test_to_code_of_a_lambda_raises_naming_its_path():
    with pytest.raises(gl.GloveError, match=r"'a\[1\]'"):
        gl.to_code({"a": [1, lambda x: x]})


def test_to_code_of_a_local_class_instance_raises_naming_its_path():
    @gl.symbolize
    class Local:
        def __init__(self, size=1):
            pass

    with pytest.raises(gl.GloveError, match=r"'blocks\[0\]'"):
        gl.to_code({"blocks": [Local()]})


def test_to_code_of_an_opaque_object_raises_naming_its_path():
    with pytest.raises(gl.GloveError, match="'x'"):
        gl.to_code({"x": object()})


def test_to_code_refers_to_importable_functions_by_name():
    assert run(gl.to_code({"fn": gl.build}))["fn"] is gl.build


# -- format and repr -----------------------------------------------------------


def test_repr_of_a_symbolic_object_shows_its_arguments():
    assert repr(Conv(16)) == "Conv(channels=16, kernel=3, stride=1)"


def test_repr_of_a_deferred_call_shows_the_function_and_arguments():
    assert repr(add(1)) == "add(x=1, y=1)"


def test_format_of_a_small_tree_is_one_line():
    assert gl.format({"conv": Conv(16)}) == "{'conv': Conv(channels=16, kernel=3, stride=1)}"


def test_format_of_a_wide_tree_puts_one_child_per_line():
    text = gl.format(small_net(3), width=60)
    assert text.splitlines()[:3] == ["Net(", "    blocks=[", "        Block("]


def test_format_cuts_long_strings():
    assert len(gl.format("x" * 500)) < 100
