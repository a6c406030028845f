"""PyGlove patchers (`@pg.patcher`) offered as glove_lab rules named `pyglove.<patcher>`.

A patcher returns what to change (a dict of paths to new values, or a
rebind function `fn(key_path, value, parent)`), and PyGlove's `pg.patch`
then rebinds the target in place. The rule asks the patcher the same
question, shows it a private clone (so a patcher that edits its target in
place is caught, not obeyed), and makes the answer a persistent glove_lab
edit. A patcher that replaces its whole target (`{"": value}`) or returns
a list of further patches is wrapped too; one that cannot be (a target
spec glove_lab cannot satisfy) is left out and says why when asked for.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Iterable
from typing import Any

import pyglove as pg
from pyglove.core.symbolic.base import get_rebind_dict

from glove_lab.errors import RuleError
from glove_lab.patching import Match, Rule, register_rule
from glove_lab.tree import KeyPath, description, rebind

__all__ = ["patcher_rule", "register_patchers", "RULE_PREFIX"]

RULE_PREFIX = "pyglove."
_WRAPPED: dict[type, Rule] = {}


def patcher_rule(patcher: str | type) -> Rule:
    """The glove_lab rule for one registered PyGlove patcher (by name or class), registered.

    The rule is named `pyglove.<patcher name>`, takes the patcher's parameters
    (their PyGlove value specs become type hints and defaults), and applies to
    any PyGlove value; the patcher's paths are relative to the node it is
    applied at (the root, when applied everywhere).
    """
    name, cls = _patcher_class(patcher)
    rule = _WRAPPED.get(cls)
    if rule is None or rule.name != RULE_PREFIX + name:
        rule = _make_rule(name, cls)
        _WRAPPED[cls] = rule
    return register_rule(rule, replace=True)


def register_patchers() -> list[Rule]:
    """Register a rule for every patcher PyGlove knows now (`pg.patching.patcher_names()`).

    `import glove_lab.pyglove` also asks for patchers registered later whenever
    a rule name is not found or the palette lists the rules.
    """
    return [patcher_rule(name) for name in pg.patching.patcher_names()]


def _patcher_class(patcher: str | type) -> tuple[str, type]:
    if isinstance(patcher, type):
        if not issubclass(patcher, pg.patching.Patcher):
            raise RuleError(f"{patcher.__qualname__} is not a PyGlove patcher class "
                            "(made with @pg.patcher)")
        for name in pg.patching.patcher_names():
            if type(pg.patching.from_uri(name)) is patcher:
                return name, patcher
        raise RuleError(f"the patcher {patcher.__qualname__} is not registered with PyGlove")
    if patcher not in pg.patching.patcher_names():
        raise RuleError(f"no PyGlove patcher named {patcher!r}; registered: "
                        f"{', '.join(sorted(pg.patching.patcher_names())) or 'none'}")
    return patcher, type(pg.patching.from_uri(patcher))


def _make_rule(name: str, cls: type) -> Rule:
    arguments = list(cls.__signature__.args)[1:]  # type: ignore[attr-defined]  # 1st: target

    def action(node: Any, **params: Any) -> Any:
        return _patch(name, cls, node, params)

    parameters = [inspect.Parameter("node", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    annotations: dict[str, Any] = {}
    for argument in arguments:
        spec = argument.value_spec
        hint = _hint(spec)
        default = spec.default if spec.has_default else inspect.Parameter.empty
        parameters.append(inspect.Parameter(argument.name, inspect.Parameter.KEYWORD_ONLY,
                                            default=default, annotation=hint))
        annotations[argument.name] = hint
    action.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    action.__annotations__ = annotations
    action.__name__ = action.__qualname__ = name
    action.__module__ = cls.__module__  # export imports the module that defines the patcher
    doc = description(cls) if isinstance(cls, type) else ""  # its own, not a base's
    rule = Rule(RULE_PREFIX + name, action, on=Match(where=_is_symbolic),
                doc=doc or f"PyGlove patcher {name!r}, applied persistently")
    rule.requires = ("glove_lab.pyglove",)  # exported code: this import finds the patcher
    return rule


def _is_symbolic(node: Any) -> bool:
    return isinstance(node, (pg.Object, pg.List, pg.Dict))


def _hint(spec: Any) -> Any:
    """The Python type hint of a PyGlove value spec (the widget builds its form from it)."""
    for pg_type, hint in ((pg.typing.Bool, bool), (pg.typing.Int, int),
                          (pg.typing.Float, float), (pg.typing.Str, str)):
        if isinstance(spec, pg_type):
            return hint
    if isinstance(spec, pg.typing.Enum) and all(isinstance(v, str) for v in spec.values):
        return typing.Literal[tuple(spec.values)]
    annotation = getattr(spec, "annotation", pg.MISSING_VALUE)
    if annotation in (bool, int, float, str):
        return annotation
    return Any


def _patch(name: str, cls: type, node: Any, params: dict[str, Any]) -> Any:
    try:
        patcher = cls(pg.MISSING_VALUE, **params)
    except Exception as exc:  # the patcher's own value specs refused a parameter
        raise RuleError(f"PyGlove patcher {name!r} refused its parameters: {exc}") from exc
    witness = node.clone(deep=True)  # the patcher sees a copy: it cannot touch the user's tree
    answer = patcher(witness)
    if not pg.eq(witness, node):
        raise RuleError(f"PyGlove patcher {name!r} edits its target in place instead of "
                        "returning the changes; glove_lab cannot apply it persistently")
    validator = None
    if isinstance(answer, tuple) and len(answer) == 2 and callable(answer[1]):
        answer, validator = answer
    result = _apply_answer(name, node, answer)
    if validator is not None:
        try:
            validator(result)
        except Exception as exc:
            raise RuleError(f"PyGlove patcher {name!r}: its validator rejects the result: "
                            f"{type(exc).__name__}: {exc}") from exc
    return result


def _apply_answer(name: str, node: Any, answer: Any) -> Any:
    """The node with one patching answer (dict, rebind function, URI or a list) applied."""
    if isinstance(answer, list):
        for item in answer:
            node = _apply_answer(name, node, item)
        return node
    if isinstance(answer, str):
        return _apply_answer(name, node, pg.patching.from_uri(answer))
    if isinstance(answer, pg.patching.Patcher):  # a patcher composed of other patchers
        return _apply_answer(name, node, answer(node.clone(deep=True)))
    if callable(answer) and not isinstance(answer, dict):
        answer = get_rebind_dict(answer, node)
    if not isinstance(answer, dict):
        raise RuleError(f"PyGlove patcher {name!r} returned {type(answer).__name__}; expected a "
                        "dict of paths to values, a rebind function or a list of them")
    if "" in answer:
        if len(answer) > 1:
            raise RuleError(f"PyGlove patcher {name!r} replaces its target and edits inside "
                            "it in one answer")
        return answer[""]
    return rebind(node, {_key_path(name, path): value for path, value in answer.items()})


def _key_path(name: str, path: Any) -> KeyPath:
    keys: Iterable[Any] = (path.keys if isinstance(path, pg.KeyPath)
                           else pg.KeyPath.parse(str(path)).keys)
    try:
        return KeyPath(keys)
    except Exception as exc:
        raise RuleError(f"PyGlove patcher {name!r}: cannot read the path {path!r}: "
                        f"{exc}") from exc

