"""The rule registry: qualified names, and rules published by installed packages.

Packages publish rules through the entry-point group `glove_lab.rules`; each
entry point names a module (or `module:object`) whose import registers them.
They are loaded lazily: at the first lookup of an unknown name or `rules()`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from importlib import metadata
from typing import Any

from glove_lab.errors import RuleError
from glove_lab.patching._rule import Rule, check_rule_name

__all__ = ["register_rule", "unregister_rule", "lookup", "all_rules", "ENTRY_POINT_GROUP",
           "register_rule_source"]

ENTRY_POINT_GROUP = "glove_lab.rules"
_RULES: dict[str, Rule] = {}
_loaded_entry_points = False
_SOURCES: list[Callable[[], Iterable[Rule]]] = []


def register_rule_source(source: Callable[[], Iterable[Rule]]) -> None:
    """Add a function that registers rules known elsewhere, asked when a name is missing.

    An adapter whose rules come from another library's registry (PyGlove's
    patchers, which users add at any time) registers a source instead of a
    fixed list: `lookup` of an unknown name and `all_rules` call every source,
    which registers (and returns) the rules it knows now.
    """
    _SOURCES.append(source)


def _ask_sources() -> None:
    for source in list(_SOURCES):
        try:
            list(source())
        except Exception as exc:  # one broken source must not hide the other rules
            warnings.warn(f"glove_lab: a rule source failed: {type(exc).__name__}: {exc}",
                          stacklevel=3)


def register_rule(rule: Rule, replace: bool = False) -> Rule:
    """Register `rule` under its name; a different rule under a taken name needs `replace=True`."""
    existing = _RULES.get(rule.name)
    if existing is not None and not replace and not existing.same_definition(rule):
        raise RuleError(
            f"rule name {rule.name!r} is taken by {existing.module}."
            f"{getattr(existing.function, '__qualname__', existing.function)}; choose another "
            "qualified name (e.g. 'team.idea') or pass replace=True"
        )
    _RULES[rule.name] = rule
    return rule


def unregister_rule(name: str) -> None:
    """Remove a rule from the registry (no error if it is absent)."""
    _RULES.pop(name, None)


def lookup(name: str) -> Rule:
    """The registered rule called `name`; loads entry points on a miss; RuleError if unknown."""
    check_rule_name(name)
    found = _RULES.get(name)
    if found is None:
        load_entry_points()
        found = _RULES.get(name)
    if found is None and _SOURCES:
        _ask_sources()
        found = _RULES.get(name)
    if found is None:
        near = [n for n in sorted(_RULES) if name.split(".")[-1] in n][:5]
        hint = f" Similar: {', '.join(near)}." if near else ""
        raise RuleError(
            f"rule {name!r} is not registered. Import the module that defines it, or install "
            f"the package that publishes it (entry point group {ENTRY_POINT_GROUP!r}).{hint}"
        )
    return found


def all_rules() -> list[Rule]:
    """Every registered rule (entry points loaded), sorted by name."""
    load_entry_points()
    _ask_sources()
    return [_RULES[name] for name in sorted(_RULES)]


def load_entry_points(force: bool = False) -> None:
    """Import the modules that installed packages publish under `glove_lab.rules`, once."""
    global _loaded_entry_points
    if _loaded_entry_points and not force:
        return
    _loaded_entry_points = True
    for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            loaded: Any = entry_point.load()
        except Exception as exc:
            warnings.warn(
                f"glove_lab: could not load rules from entry point {entry_point.name!r} "
                f"({entry_point.value}): {type(exc).__name__}: {exc}",
                stacklevel=2,
            )
            continue
        if isinstance(loaded, Rule):
            register_rule(loaded, replace=True)


def require_rules(*names: str, defined_in: str | None = None) -> None:
    """Raise RuleError naming every rule in `names` that is not registered here.

    With `defined_in`, a rule registered under the name by another module
    counts as missing (a same-named rule from a package is not the notebook's).
    Exported sessions call this first, so a notebook-defined rule that is
    missing fails before any step runs.
    """
    missing = []
    for name in names:
        try:
            found = lookup(name)
        except RuleError:
            missing.append(name)
            continue
        if defined_in is not None and found.module != defined_in:
            missing.append(name)
    if missing:
        where = "the notebook" if defined_in in (None, "__main__") else repr(defined_in)
        raise RuleError(
            f"this code needs rule(s) {', '.join(map(repr, missing))}, defined in {where} "
            "that exported it; run the cells that define them first"
        )
