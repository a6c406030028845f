"""Typed edits: gl.rebind / gl.replace check each value against its field's type hint."""
# typing.Optional / typing.Union are spelled out on purpose: the checker reads both forms.
# ruff: noqa: UP007, UP045

from __future__ import annotations

import collections.abc as abc
import dataclasses
import enum
import typing
from typing import Annotated, Any, Literal, NamedTuple, NewType, Optional, Union

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import glove_lab as gl
from glove_lab.tree import check_edits, describe_hint, fits, hints_of


class Color(enum.Enum):
    RED = 1
    BLUE = 2


class Shape:
    pass


class Square(Shape):
    pass


UserId = NewType("UserId", int)


@gl.symbolize
class Conv:
    def __init__(self, kernel: int = 3, rate: float = 0.5, bias: bool = True,
                 act: Literal["relu", "gelu"] = "relu", name: str = "conv",
                 color: Color = Color.RED, stride: Optional[int] = None,
                 padding: Union[int, str] = 0, size: tuple[int, int] = (3, 3),
                 dims: tuple[int, ...] = (1,), widths: list[int] | None = None,
                 options: dict[str, float] | None = None, anything=None,
                 free: Any = None) -> None:
        self.kernel = kernel


@gl.symbolize
class Block:
    def __init__(self, conv: Conv, shape: Shape | None = None, layers: list[Conv] = ()) -> None:
        self.conv = conv


@gl.symbolize
def optimizer(lr: float = 0.1, schedule: Literal["cosine", "step"] = "cosine") -> Shape:
    return Square()


@gl.symbolize
class Trainer:
    def __init__(self, optimizer: Shape, steps: int = 10) -> None:
        self.optimizer = optimizer


@dataclasses.dataclass
class Settings:
    epochs: int = 1
    tag: str = "x"


class Pair(NamedTuple):
    left: int
    right: str


# -- the checker, one hint kind at a time ------------------------------------------------------

ACCEPTED = [
    (int, 3), (int, -(10**30)), (float, 2.5), (float, 2), (bool, False), (str, "a"),
    (type(None), None), (None, None), (Any, object()), (object, "x"),
    (Literal["relu", "gelu"], "gelu"), (Literal[1, 2], 2), (Literal[Color.RED], Color.RED),
    (Optional[int], None), (Optional[int], 4), (int | None, 4), (Union[int, str], "s"),
    (Color, Color.BLUE), (Shape, Square()), (tuple[int, ...], (1, 2, 3)), (tuple[int, ...], ()),
    (tuple[int, str], (1, "a")), (tuple, (1, "a")), (list[int], [1, 2]), (list[int], []),
    (list, ["x"]), (dict[str, float], {"a": 1.0, "b": 2}), (dict, {1: 2}),
    (abc.Sequence[int], (1, 2)), (abc.Mapping[str, int], {"a": 1}), (set[int], {1}),
    (type[Shape], Square), (abc.Callable, len), (abc.Callable[[int], int], abs),
    (Annotated[int, "doc"], 1), (UserId, UserId(5)), (list[list[int]], [[1], []]),
    (typing.TypeVar("T"), "anything"), ("NotAType", 1), (abc.Iterator[int], iter([1])),
]

REFUSED = [
    (int, "5"), (int, 5.0), (int, True), (float, "1.0"), (float, True), (bool, 1), (str, 1),
    (type(None), 0), (None, ""), (Literal["relu", "gelu"], "tanh"), (Literal[1, 2], True),
    (Literal[1, 2], 1.0), (Literal[Color.RED], 1), (Optional[int], "x"), (int | None, 1.5),
    (Union[int, str], 1.5), (Color, 1), (Color, "RED"), (Shape, object()),
    (tuple[int, ...], (1, "a")), (tuple[int, ...], [1]), (tuple[int, str], (1, 2)),
    (tuple[int, str], (1, "a", 2)), (tuple, [1]), (list[int], [1, "2"]), (list[int], (1,)),
    (dict[str, float], {"a": "b"}), (dict[str, float], {1: 1.0}), (dict, [("a", 1)]),
    (abc.Sequence[int], ["a"]), (abc.Mapping[str, int], {"a": None}), (set[int], {"a"}),
    (type[Shape], Shape()), (type[Shape], int), (abc.Callable, 3), (Annotated[int, "doc"], "1"),
    (UserId, "5"), (list[list[int]], [[1], ["x"]]),
]


@pytest.mark.parametrize(("hint", "value"), ACCEPTED, ids=repr)
def test_a_value_of_the_hinted_type_fits(hint, value):
    assert fits(value, hint)


@pytest.mark.parametrize(("hint", "value"), REFUSED, ids=repr)
def test_a_value_of_another_type_does_not_fit(hint, value):
    assert not fits(value, hint)


def test_a_deferred_call_fits_a_class_its_function_returns():
    assert fits(optimizer(lr=0.1), Shape) and not fits(optimizer(lr=0.1), Color)


def test_a_hint_that_cannot_be_checked_accepts_everything():
    class Sized(typing.Protocol):  # not runtime-checkable: isinstance would raise
        def size(self) -> int: ...

    assert fits(3, Sized) and fits("x", typing.ForwardRef("Missing"))


def test_describe_hint_reads_as_written():
    assert [describe_hint(h) for h in (int, Optional[float], Literal["a", "b"],
                                       tuple[int, ...], dict[str, list[int]])] == [
        "int", "float | None", "Literal['a', 'b']", "tuple[int, ...]", "dict[str, list[int]]"]


def test_hints_of_reads_a_symbolic_class_a_function_a_dataclass_and_a_namedtuple():
    assert hints_of(Conv())["kernel"] is int
    assert hints_of(optimizer())["lr"] is float
    assert hints_of(Settings()) == {"epochs": int, "tag": str}
    assert hints_of(Pair(1, "a")) == {"left": int, "right": str}
    assert hints_of([1, 2]) == {} and hints_of(5) == {}


# -- rebind and replace refuse, and change nothing ---------------------------------------------

EDITS = [
    ("conv.kernel", "five", "Conv.kernel", "int"),
    ("conv.kernel", "64", "Conv.kernel", "int"),
    ("conv.kernel", True, "Conv.kernel", "int"),
    ("conv.rate", "0.1", "Conv.rate", "float"),
    ("conv.bias", 1, "Conv.bias", "bool"),
    ("conv.act", "tanh", "Conv.act", "Literal['relu', 'gelu']"),
    ("conv.name", 3, "Conv.name", "str"),
    ("conv.color", "RED", "Conv.color", "Color"),
    ("conv.stride", "2", "Conv.stride", "int | None"),
    ("conv.padding", 1.5, "Conv.padding", "int | str"),
    ("conv.size", (3, 3, 3), "Conv.size", "tuple[int, int]"),
    ("conv.dims", [1, 2], "Conv.dims", "tuple[int, ...]"),
    ("conv.widths", ["a"], "Conv.widths", "list[int] | None"),
    ("conv", "a conv", "Block.conv", "Conv"),
    ("shape", 3, "Block.shape", "Shape | None"),
    ("layers[0]", 7, "tuple[0]", "Conv"),
]


def block() -> Any:
    return Block(conv=Conv(widths=[1, 2], options={"lr": 0.1}), layers=(Conv(),))


@pytest.mark.parametrize(("path", "value", "field", "expected"), EDITS, ids=str)
def test_rebind_refuses_a_value_that_does_not_fit_and_names_path_field_type_and_value(
        path, value, field, expected):
    tree = block()
    with pytest.raises(gl.TypeMismatchError) as caught:
        gl.rebind(tree, {path: value})
    error = caught.value
    assert (error.path, error.field, error.expected, error.value) == (path, field, expected,
                                                                      value)
    assert repr(value)[:20] in str(error) and expected in str(error) and path in str(error)


def test_a_type_mismatch_is_a_glove_error_and_a_type_error():
    with pytest.raises(gl.GloveError) as caught:
        gl.replace(block(), "conv.kernel", "five")
    assert isinstance(caught.value, TypeError)


def test_a_refused_edit_leaves_the_tree_untouched():
    tree = block()
    before = gl.format(tree)
    with pytest.raises(gl.TypeMismatchError):
        gl.rebind(tree, {"conv.kernel": 5, "conv.act": "tanh"})
    assert gl.format(tree) == before and tree.conv.kernel == 3


@pytest.mark.parametrize(("path", "value"), [
    ("conv.kernel", 5), ("conv.rate", 1), ("conv.bias", False), ("conv.act", "gelu"),
    ("conv.color", Color.BLUE), ("conv.stride", None), ("conv.stride", 2),
    ("conv.padding", "same"), ("conv.size", (1, 1)), ("conv.dims", (1, 2, 3)),
    ("conv.widths", None), ("conv.widths[0]", 9), ("conv.options.lr", 2),
    ("conv.options.momentum", 0.9), ("conv.anything", object), ("conv.free", [1, "x"]),
    ("shape", Square()), ("layers[0]", Conv(kernel=1)),
])
def test_rebind_accepts_a_value_that_fits(path, value):
    assert gl.get(gl.rebind(block(), {path: value}), path) is value


@pytest.mark.parametrize(("path", "value", "expected"), [
    ("conv.widths[1]", "x", "int"),
    ("conv.options.lr", "fast", "float"),
    ("conv.options.new", None, "float"),
])
def test_elements_of_a_list_or_dict_field_are_checked_against_its_element_type(
        path, value, expected):
    with pytest.raises(gl.TypeMismatchError, match=expected):
        gl.rebind(block(), {path: value})


def test_a_field_typed_as_a_symbolic_class_takes_that_class_its_subclasses_and_calls():
    trainer = Trainer(optimizer=optimizer())
    assert gl.replace(trainer, "optimizer", optimizer(lr=1.0)).optimizer.lr == 1.0
    assert isinstance(gl.replace(trainer, "optimizer", Square()).optimizer, Square)
    with pytest.raises(gl.TypeMismatchError, match=r"Trainer\.optimizer expects Shape"):
        gl.replace(trainer, "optimizer", Conv())


def test_a_deferred_calls_own_arguments_are_checked_against_the_function_hints():
    with pytest.raises(gl.TypeMismatchError, match=r"optimizer\.schedule expects"):
        gl.replace(Trainer(optimizer=optimizer()), "optimizer.schedule", "linear")


def test_dataclass_and_namedtuple_fields_are_checked():
    with pytest.raises(gl.TypeMismatchError, match=r"Settings\.epochs expects int"):
        gl.replace(Settings(), "epochs", "1")
    with pytest.raises(gl.TypeMismatchError, match=r"Pair\.right expects str"):
        gl.replace(Pair(1, "a"), "right", 2)


def test_an_unhinted_field_takes_anything():
    @gl.symbolize
    class Loose:
        def __init__(self, a, b=1) -> None:
            pass

    assert gl.replace(Loose(1), "b", "anything").b == "anything"


def test_a_field_whose_current_value_breaks_its_hint_is_not_checked():
    # The hint is evidently not what the code stores: never refuse on it.
    odd = Conv(kernel="3")
    assert gl.replace(odd, "kernel", "5").kernel == "5"


def test_a_hint_that_cannot_be_evaluated_takes_anything():
    @gl.symbolize
    class Forward:
        def __init__(self, size: NotDefinedAnywhere = 1,  # type: ignore[name-defined]  # noqa: F821
                     count: int = 2) -> None:
            pass

    assert gl.replace(Forward(), "size", "big").size == "big"
    with pytest.raises(gl.TypeMismatchError):  # the hints that can be evaluated still count
        gl.replace(Forward(), "count", "two")


def test_splices_and_removals_are_checked_as_elements():
    tree = Block(conv=Conv(), layers=[Conv(), Conv()])
    assert len(gl.rebind(tree, {"layers[0]": gl.REMOVE}).layers) == 1
    assert len(gl.rebind(tree, {"layers[0]": gl.Splice([Conv(), Conv()])}).layers) == 3
    with pytest.raises(gl.TypeMismatchError):
        gl.rebind(tree, {"layers[0]": gl.Splice([Conv(), "x"])})


def test_check_edits_raises_without_editing():
    check_edits(block(), {"conv.kernel": 4})
    with pytest.raises(gl.TypeMismatchError):
        check_edits(block(), {"conv.kernel": "4"})


def test_a_bad_path_is_still_a_path_error():
    with pytest.raises(gl.PathError):
        gl.rebind(block(), {"conv.nope.deeper": 1})


# -- sessions: the built-in steps refuse, history unchanged -----------------------------------

@pytest.mark.parametrize("edit", [
    lambda s: s.rebind({"conv.kernel": "64"}),
    lambda s: s.replace("conv.kernel", "five"),
    lambda s: s.apply("glove.rebind", at=["conv"], params={"values": {"act": "tanh"}}),
    lambda s: s.apply("glove.replace", at=["conv.options.lr"], params={"value": "fast"}),
    lambda s: s.apply("glove.rebind", at=["conv.options"], params={"values": {"lr": "x"}}),
    lambda s: s.apply("glove.rebind", at=["conv.widths"], params={"values": {"[0]": "x"}}),
], ids=["rebind", "replace", "rebind-step", "replace-in-dict", "rebind-in-dict",
        "rebind-in-list"])
def test_session_steps_refuse_a_mismatch_and_record_nothing(edit):
    session = gl.Session(block())
    session.replace("conv.kernel", 5)
    tree, history = session.tree, list(session.history)
    with pytest.raises(gl.TypeMismatchError):
        edit(session)
    assert session.tree is tree and session.history == history and not session.undone


def test_inserting_an_element_checks_it_against_the_lists_element_type():
    session = gl.Session(Block(conv=Conv(), layers=[Conv()]))
    with pytest.raises(gl.TypeMismatchError, match="expects Conv"):
        session.insert("layers[0]", "not a conv")
    assert not session.history
    session.insert("layers[0]", Conv(kernel=1), position="before")
    assert [c.kernel for c in session.tree.layers] == [1, 3]


def test_a_session_step_that_fits_is_recorded():
    session = gl.Session(block())
    session.rebind({"conv.kernel": 7, "conv.act": "gelu"})
    assert (session.tree.conv.kernel, session.tree.conv.act) == (7, "gelu")
    assert len(session.history) == 1


# -- property: random hints x random values ---------------------------------------------------

def _leaf_hints() -> st.SearchStrategy[tuple[Any, Any]]:
    return st.sampled_from([
        (int, lambda v: type(v) is int),
        (float, lambda v: type(v) in (int, float)),
        (bool, lambda v: type(v) is bool),
        (str, lambda v: type(v) is str),
        (type(None), lambda v: v is None),
        (Any, lambda v: True),
        (Literal[1, "a", True], lambda v: any(type(v) is type(c) and v == c
                                              for c in (1, "a", True))),
    ])


def _compound(inner: st.SearchStrategy[tuple[Any, Any]]) -> st.SearchStrategy[tuple[Any, Any]]:
    def optional(pair: tuple[Any, Any]) -> tuple[Any, Any]:
        hint, ok = pair
        return Optional[hint], lambda v: v is None or ok(v)

    def union(a: tuple[Any, Any], b: tuple[Any, Any]) -> tuple[Any, Any]:
        return Union[a[0], b[0]], lambda v: a[1](v) or b[1](v)

    def list_of(pair: tuple[Any, Any]) -> tuple[Any, Any]:
        return list[pair[0]], lambda v: type(v) is list and all(pair[1](x) for x in v)

    def tuple_of(pair: tuple[Any, Any]) -> tuple[Any, Any]:
        return tuple[pair[0], ...], lambda v: type(v) is tuple and all(pair[1](x) for x in v)

    def pair_of(a: tuple[Any, Any], b: tuple[Any, Any]) -> tuple[Any, Any]:
        return tuple[a[0], b[0]], lambda v: (type(v) is tuple and len(v) == 2
                                             and a[1](v[0]) and b[1](v[1]))

    def dict_of(pair: tuple[Any, Any]) -> tuple[Any, Any]:
        return dict[str, pair[0]], lambda v: type(v) is dict and all(
            type(k) is str and pair[1](x) for k, x in v.items())

    return st.one_of(inner.map(optional), st.builds(union, inner, inner), inner.map(list_of),
                     inner.map(tuple_of), st.builds(pair_of, inner, inner), inner.map(dict_of))


HINTS = st.recursive(_leaf_hints(), _compound, max_leaves=4)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False) |
    st.sampled_from(["a", "b", ""]),
    lambda inner: st.lists(inner, max_size=3) | st.lists(inner, max_size=3).map(tuple) |
    st.dictionaries(st.sampled_from(["a", "b"]) | st.integers(0, 1), inner, max_size=2),
    max_leaves=6)


class Slot:
    """A node holding one value and the hint it must fit (its kind reads the hint from it)."""

    def __init__(self, hint: Any, value: Any) -> None:
        self.hint, self.value = hint, value


gl.register_kind(Slot, children=lambda node: [("value", node.value)],
                 rebuild=lambda node, kids: Slot(node.hint, kids["value"]),
                 hints=lambda node: {"value": node.hint})


@settings(max_examples=400, deadline=None)
@given(HINTS, VALUES)
def test_fits_accepts_exactly_the_values_the_hint_describes(pair, value):
    hint, describes = pair
    assert fits(value, hint) == describes(value)


@settings(max_examples=150, deadline=None)
@given(HINTS, VALUES)
def test_rebind_makes_the_edit_iff_the_value_fits_and_otherwise_changes_nothing(pair, value):
    hint, describes = pair
    slot = Slot(Optional[hint], None)  # the current value (None) fits: the hint is trusted
    session = gl.Session([slot])
    if value is None or describes(value):
        assert gl.replace([slot], "[0].value", value)[0].value is value
        session.replace("[0].value", value)
        assert session.tree[0].value is value and len(session.history) == 1
    else:
        with pytest.raises(gl.TypeMismatchError):
            gl.replace([slot], "[0].value", value)
        with pytest.raises(gl.TypeMismatchError):
            session.replace("[0].value", value)
        assert session.tree[0] is slot and slot.value is None and not session.history
