"""gl.to_json / gl.from_json: plain JSON, registered types only, hostile input refused."""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from typing import Any

import pytest

import glove_lab as gl
from tests.fixtures.models import Bag, Conv, Dense, Frozen, Pair, Point, add, small_net


def round_trip(tree: Any) -> Any:
    return gl.from_json(json.loads(json.dumps(gl.to_json(tree))))


@dataclasses.dataclass
class Unregistered:
    value: int = 0


# -- writing -------------------------------------------------------------------


def test_symbolic_object_is_written_with_its_type_name_and_arguments():
    assert gl.to_json(Conv(16)) == {"$type": "tests.fixtures.models.Conv",
                                    "args": {"channels": 16, "kernel": 3, "stride": 1}}


def test_plain_values_are_written_as_themselves():
    assert gl.to_json({"a": [1, 2.5, "s", True, None]}) == {"a": [1, 2.5, "s", True, None]}


def test_output_is_plain_json():
    assert json.loads(json.dumps(gl.to_json(small_net()))) == gl.to_json(small_net())


def test_unregistered_dataclass_raises_naming_path_and_type():
    with pytest.raises(gl.SerializationError, match=r"Unregistered.*'x\[0\]'"):
        gl.to_json({"x": [Unregistered()]})


def test_lambda_raises_naming_its_path():
    with pytest.raises(gl.SerializationError, match="'fn'"):
        gl.to_json({"fn": lambda: 0})


def test_opaque_object_raises_naming_its_type():
    with pytest.raises(gl.SerializationError, match="object"):
        gl.to_json([object()])


# -- round trips ---------------------------------------------------------------


def test_round_trip_of_a_net_is_eq():
    assert gl.eq(round_trip(small_net()), small_net())


def test_round_trip_keeps_tuples_tuples():
    assert round_trip({"t": (1, (2,))}) == {"t": (1, (2,))}


def test_round_trip_keeps_dataclasses_and_namedtuples():
    tree = [Point(1, Frozen(2)), Pair(3, 4)]
    assert gl.eq(round_trip(tree), tree)


def test_round_trip_keeps_deferred_calls():
    tree = add(add(1), 2)
    assert gl.eq(round_trip(tree), tree)


def test_round_trip_keeps_a_symbolized_third_party_class():
    assert gl.eq(round_trip(Dense(4)), Dense(4))


def test_round_trip_keeps_variadic_arguments():
    tree = Bag(1, 2, label="l", k=3)
    assert gl.eq(round_trip(tree), tree)


def test_round_trip_keeps_non_finite_floats():
    tree = [float("nan"), float("inf"), -float("inf")]
    assert gl.eq(round_trip(tree), tree)


def test_round_trip_keeps_dollar_keys_and_non_string_keys():
    tree = {"$type": "not a type", "$x": 1, 3: "three", None: 0, True: "t"}
    assert gl.eq(round_trip(tree), tree)


def test_round_trip_keeps_a_registered_class_used_as_a_value():
    assert round_trip({"cls": Conv})["cls"] is Conv


def test_from_json_never_evaluates_strings():
    assert gl.from_json("__import__('os').system('exit 1')") == "__import__('os').system('exit 1')"


# -- hostile and malformed input -----------------------------------------------


def test_unknown_type_raises_without_importing_its_module():
    with pytest.raises(gl.SerializationError, match=re.escape("some_unimported_module.X")):
        gl.from_json({"$type": "some_unimported_module.X", "args": {}})
    assert "some_unimported_module" not in sys.modules


def test_a_standard_library_name_is_not_looked_up():
    with pytest.raises(gl.SerializationError, match=re.escape("os.system")):
        gl.from_json({"$call": "os.system", "args": {"command": "exit 1"}})


@pytest.mark.parametrize("data, where", [
    ({"a": {"$type": "no.Such", "args": {}}}, "'a'"),
    ({"a": [{"$ref": "no.Such"}]}, r"'a\[0\]'"),
    ({"$type": 5}, "root"),
    ({"$type": "tests.fixtures.models.Conv", "args": [1, 2]}, "args"),
    ({"$type": "tests.fixtures.models.Conv", "args": "kernel=3"}, "args"),
    ({"$type": "tests.fixtures.models.Conv", "args": {}, "extra": 1}, "extra"),
    ({"$type": "tests.fixtures.models.Conv", "args": {"kernal": 3}}, "kernal"),
    ({"$type": "tests.fixtures.models.Conv", "args": {"kernel": 0}}, "kernel must be positive"),
    ({"$type": "tests.fixtures.models.add", "args": {"x": 1}}, "not a type"),
    ({"$call": "tests.fixtures.models.Conv", "args": {}}, "not a symbolic function"),
    ({"$call": "tests.fixtures.models.add", "args": {"z": 1}}, "z"),
    ({"$tuple": {"a": 1}}, r"\$tuple"),
    ({"$tuple": [1], "x": 2}, "unexpected keys"),
    ({"$dict": "nope"}, r"\$dict"),
    ({"$dict": [["a"]]}, r"\$dict"),
    ({"$dict": [[["unhashable"], 1]]}, "key"),
    ({"$float": "1e999"}, r"\$float"),
    ({"$float": []}, r"\$float"),
    ({"$x": 1}, r"\$x"),
    ({"$type": "a", "$call": "b"}, "unexpected keys"),
    ({"ok": {"$eval": "1+1"}}, r"\$eval"),
    ({"a": (1, 2)}, "tuple"),
    ({"a": {1, 2}}, "set"),
    ({"a": b"bytes"}, "bytes"),
    ({1: "non-string key"}, "key"),
    ({"a": object()}, "object"),
])
def test_malformed_input_raises_serialization_error(data, where):
    with pytest.raises(gl.SerializationError, match=where):
        gl.from_json(data)


def test_registered_type_without_a_node_kind_is_refused():
    class Plain:
        pass

    gl.register_type(Plain, "tests.tree.test_json.Plain")
    with pytest.raises(gl.SerializationError, match="Plain"):
        gl.from_json({"$type": "tests.tree.test_json.Plain", "args": {}})


def test_deeply_nested_lists_raise_serialization_error():
    data: list = []
    for _ in range(30_000):  # beyond glove_lab's 20,000 levels
        data = [data]
    with pytest.raises(gl.SerializationError, match="nested"):
        gl.from_json(data)


def test_deeply_nested_objects_raise_serialization_error():
    data: dict = {}
    for _ in range(30_000):
        data = {"a": data}
    with pytest.raises(gl.SerializationError, match="nested"):
        gl.from_json(data)


def test_deeply_nested_type_arguments_raise_serialization_error():
    data: Any = 1
    for _ in range(30_000):
        data = {"$type": "tests.fixtures.models.Box", "args": {"item": data}}
    with pytest.raises(gl.SerializationError, match="nested"):
        gl.from_json(data)


def test_serialization_error_is_a_value_error_too():
    with pytest.raises(ValueError):
        gl.from_json({"$type": "no.Such"})
