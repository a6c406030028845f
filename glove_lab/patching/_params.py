"""Rule parameters: read from a function's signature, converted and checked by type hint."""

from __future__ import annotations

import ast
import enum
import inspect
import typing
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal, TypedDict, cast

from glove_lab.errors import RuleError
from glove_lab.tree import short_repr

__all__ = ["FormKind", "FormValue", "Param", "ParamForm", "params_of", "convert"]

FormKind = Literal["int", "float", "bool", "str", "choice"]
"""The kind of field a form shows for a parameter."""

FormValue = int | float | bool | str
"""A value a form field holds (a default) or sends."""


class ParamForm(TypedDict):
    """How a form shows one parameter (`Param.form()`): the widget's wire shape."""

    name: str
    kind: FormKind
    default: FormValue | None
    choices: list[str] | None
    required: bool

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


@dataclass(frozen=True)
class Param:
    """One parameter of a rule: its name, kind, default and (for choices) allowed values.

    `kind` is one of "int", "float", "bool", "str", "choice", "enum", "any".
    """

    name: str
    kind: str
    default: Any = inspect.Parameter.empty
    choices: tuple[Any, ...] | None = None
    enum_type: type[enum.Enum] | None = None

    @property
    def required(self) -> bool:
        """True if the parameter has no default."""
        return self.default is inspect.Parameter.empty

    def describe(self) -> str:
        """The expected type, in words, for error messages."""
        if self.kind == "choice":
            return "one of " + ", ".join(repr(c) for c in self.choices or ())
        if self.kind == "enum":
            enum_type = cast("type[enum.Enum]", self.enum_type)  # kind "enum" always has one
            return "one of " + ", ".join(m.name for m in enum_type)
        return {"int": "an integer", "float": "a number", "bool": "a boolean (true/false)",
                "str": "a string", "any": "a value"}[self.kind]

    def form(self) -> ParamForm:
        """How a form shows this parameter: a field kind, its default and choices.

        Enums and Literals are choices (by member name / value text); untyped
        parameters are text fields (read back as a Python literal); a default
        a field cannot hold is shown as its `repr`.
        """
        kind = cast(FormKind, {"enum": "choice", "any": "str"}.get(self.kind, self.kind))
        choices = [str(c) for c in self.choices] if self.choices else None
        default: Any = None if self.required else self.default
        if self.kind == "enum" and isinstance(default, enum.Enum):
            default = default.name
        if default is not None and not isinstance(default, (bool, int, float, str)):
            default = repr(default)
        return {"name": self.name, "kind": kind, "default": default, "choices": choices,
                "required": self.required}


def params_of(function: Any, skip: int = 1) -> tuple[Param, ...]:
    """The parameters of a rule function, after its first `skip` (the node)."""
    signature = inspect.signature(function)
    try:
        hints = typing.get_type_hints(function)
    except Exception:
        hints = {}
    result = []
    for i, p in enumerate(signature.parameters.values()):
        if i < skip or p.name == "context" or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        result.append(_param(p, hints.get(p.name, p.annotation)))
    return tuple(result)


def _param(p: inspect.Parameter, hint: Any) -> Param:
    origin = typing.get_origin(hint)
    if origin is typing.Literal:
        return Param(p.name, "choice", p.default, tuple(typing.get_args(hint)))
    if origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return _param(p, args[0])
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return Param(p.name, "enum", p.default, tuple(m.name for m in hint), hint)
    for kind in (bool, int, float, str):
        if hint is kind:
            return Param(p.name, kind.__name__, p.default)
    if hint is inspect.Parameter.empty and p.default is not inspect.Parameter.empty:
        for kind in (bool, int, float, str):
            if type(p.default) is kind:
                return Param(p.name, kind.__name__, p.default)
    return Param(p.name, "any", p.default)


def convert(rule_name: str, params: tuple[Param, ...], given: dict[str, Any],
            text: Collection[str] | None = None) -> dict[str, Any]:
    """Check and convert given values (strings from a URI or form, or Python values).

    `text` names the values that are text to parse (an untyped parameter reads
    a Python literal from text, but keeps a Python string as given); None
    treats every string as text. Raises RuleError naming the rule, the
    parameter and the expected type.
    """
    known = {p.name: p for p in params}
    unknown = [name for name in given if name not in known]
    if unknown:
        names = ", ".join(known) or "none"
        raise RuleError(f"rule {rule_name!r} has no parameter {unknown[0]!r} (its parameters: "
                        f"{names})")
    result: dict[str, Any] = {}
    for p in params:
        if p.name in given:
            is_text = text is None or p.name in text
            result[p.name] = _convert_one(rule_name, p, given[p.name], is_text)
        elif p.required:
            raise RuleError(f"rule {rule_name!r} needs parameter {p.name!r} ({p.describe()})")
    return result


def _convert_one(rule_name: str, p: Param, value: Any, is_text: bool = True) -> Any:
    def fail() -> RuleError:
        return RuleError(f"rule {rule_name!r}: parameter {p.name!r} must be {p.describe()}, "
                         f"got {short_repr(value, 80)}")

    if p.kind == "any":
        if is_text and isinstance(value, str):
            try:
                return ast.literal_eval(value)
            except (ValueError, SyntaxError):
                return value
        return value
    if p.kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise fail()
    if p.kind == "int":
        if isinstance(value, bool):
            raise fail()
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                raise fail() from None
        raise fail()
    if p.kind == "float":
        if isinstance(value, bool):
            raise fail()
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value.strip())
            except ValueError:
                raise fail() from None
        raise fail()
    if p.kind == "str":
        if isinstance(value, str):
            return value
        raise fail()
    if p.kind == "choice":
        for choice in p.choices or ():
            if value == choice or (isinstance(value, str) and value == str(choice)):
                return choice
        raise fail()
    if p.kind == "enum":
        enum_type = cast("type[enum.Enum]", p.enum_type)  # kind "enum" always has one
        if isinstance(value, enum_type):
            return value
        if isinstance(value, str) and value in enum_type.__members__:
            return enum_type[value]
        raise fail()
    raise fail()
