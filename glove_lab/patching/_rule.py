"""Rule: a named, parameterised rewrite (matcher + action) and the context an action sees."""

from __future__ import annotations

import inspect
import unicodedata
from collections.abc import Callable, Collection
from typing import Any, TypedDict

from glove_lab.errors import RuleError
from glove_lab.patching._match import Match
from glove_lab.patching._params import Param, ParamForm, convert, params_of
from glove_lab.tree import KeyPath, PathSpec, as_path, display_path, get, short_repr

__all__ = ["Rule", "RuleContext", "RuleForm", "rule", "is_rule_name", "check_rule_name"]


class RuleForm(TypedDict):
    """How a palette shows a rule and its parameter form (`Rule.form()`): a wire shape."""

    name: str
    doc: str
    params: list[ParamForm]
    error: str  # why the last attempt with this rule was refused (shown next to it), or ""
    disabled: str  # why applying it here would change nothing (shown, Apply off), or ""


def is_rule_name(name: object) -> bool:
    """True for a rule name: dot-separated identifiers (`team_b.ghost_conv`).

    Nothing else is allowed, so a name survives URIs, code and JSON unchanged
    (no `#`, `?`, spaces, tabs, no-break spaces or line separators, and no
    characters Unicode normalization would rewrite).
    """
    return (isinstance(name, str) and bool(name)
            and all(part.isidentifier() for part in name.split("."))
            and unicodedata.normalize("NFKC", name) == name)


def check_rule_name(name: object) -> str:
    """`name` if it is a rule name, else RuleError saying what a rule name is."""
    if not is_rule_name(name):
        raise RuleError(f"{name!r} is not a rule name: use dot-separated identifiers, "
                        "e.g. 'team_b.ghost_conv' (letters, digits and _ in each part)")
    return str(name)


class Rule:
    """A rule: `fn(node, **params) -> new node`, applied to the nodes `on` matches.

    Build one with `@gl.rule(name, on=...)` (which also registers it) or
    `gl.Rule(name, fn, on=...)` (register with `gl.register_rule`).

    Args:
        name: qualified name, e.g. `"team_b.ghost_conv"`.
        function: the action; its keyword parameters (with defaults and type
            hints) are the rule's parameters. A parameter named `context`
            receives a RuleContext.
        on: the Match deciding where the rule applies (default: every node).
        doc: a one-line description (default: the function's docstring).
        hidden: not offered in the widget's palette (for rules whose
            parameters are Python objects a form cannot express); code and
            `%glove apply` still use it.
    """

    def __init__(self, name: str, function: Callable[..., Any], on: Match | None = None,
                 doc: str | None = None, hidden: bool = False) -> None:
        check_rule_name(name)
        if not callable(function):
            raise RuleError(f"rule {name!r}: the action must be callable, "
                            f"got {short_repr(function, 80)}")
        self.name = name
        self.function = function
        self.on = on if on is not None else Match()
        self.params: tuple[Param, ...] = params_of(function)
        self.accepts_context = "context" in inspect.signature(function).parameters
        self.doc = (doc or inspect.getdoc(function) or "").strip().split("\n")[0]
        self.module: str = getattr(function, "__module__", None) or "__main__"
        # Modules exported code imports (besides `module`) so this rule can be found:
        # an adapter whose rules wrap another library's (glove_lab.pyglove) names itself.
        self.requires: tuple[str, ...] = ()
        self.hidden = hidden
        # glove_lab's own rules are pure and cheap: the palette dry-runs them when a node
        # is clicked (to grey out one that would change nothing there). Any other rule's
        # code runs only when it is applied, or previewed on hover; set True to opt in.
        self.preview_on_select: bool = self.module.startswith("glove_lab.")

    def form(self) -> RuleForm:
        """How a palette shows this rule: name, one-line doc and a field per parameter."""
        return {"name": self.name, "doc": self.doc, "params": [p.form() for p in self.params],
                "error": "", "disabled": ""}

    def convert(self, given: dict[str, Any],
                text: Collection[str] | None = None) -> dict[str, Any]:
        """Checked and converted parameter values; RuleError names a bad parameter.

        `text` names the values that are text (from a URI or a form) to parse by
        type hint; None treats every string as text.
        """
        return convert(self.name, self.params, given, text=text)

    def __call__(self, node: Any, **params: Any) -> Any:
        """Run the action on one node directly (no matching, no context)."""
        return self.function(node, **self.convert(params, text=()))

    def same_definition(self, other: Rule) -> bool:
        """True if both come from the same module-level definition (a re-run cell)."""
        return (self.module == other.module and
                getattr(self.function, "__qualname__", None) ==
                getattr(other.function, "__qualname__", None))

    def __repr__(self) -> str:
        params = ", ".join(p.name for p in self.params)
        return f"<Rule {self.name}({params}) on {self.on!r}>"


def rule(name: str, on: Match | None = None, *, replace: bool = False,
         doc: str | None = None, hidden: bool = False) -> Callable[[Callable[..., Any]], Rule]:
    """Decorator: make `fn(node, **params)` a Rule named `name` and register it.

    Registering a different function under a taken name raises RuleError
    unless `replace=True` (re-running the same definition, e.g. a notebook
    cell, replaces it silently).
    """
    from glove_lab.patching._registry import register_rule

    def decorate(function: Callable[..., Any]) -> Rule:
        return register_rule(Rule(name, function, on=on, doc=doc, hidden=hidden),
                             replace=replace)

    return decorate


class RuleContext:
    """What an action may see and do beyond its node: the input tree and extra edits."""

    def __init__(self, tree: Any, path: KeyPath, rule: Rule,
                 pending: dict[KeyPath, Any], notes: list[str] | None = None) -> None:
        self.tree = tree
        self.path = path
        self.rule = rule
        self._pending = pending
        self._notes = notes if notes is not None else []
        self._read: set[KeyPath] = set()  # edited paths this call has seen through `get`
        self._replaced: set[KeyPath] = set()

    def note(self, text: str) -> None:
        """Say what the step did that its changed paths do not show ("froze 90 parameters").

        The notes of one application end up in its Step's summary.
        """
        self._notes.append(text)

    @property
    def parent_path(self) -> KeyPath:
        """The path of the matched node's parent."""
        return self.path.parent

    def get(self, path: PathSpec) -> Any:
        """The node at `path`, seeing edits requested earlier in this application."""
        key = as_path(path)
        if key in self._pending:
            self._read.add(key)
            return self._pending[key]
        return get(self.tree, key)

    def replace(self, path: PathSpec, value: Any) -> None:
        """Also replace the node at `path` (applied atomically with the rule's result).

        One call may replace a path once. A path an earlier call (at another
        node) already replaced may be replaced again only after reading that
        edit with `get` (read-modify-write); otherwise it would be lost silently.
        """
        key = as_path(path)
        get(self.tree, key)  # must exist: raises PathError otherwise
        where = display_path(key)
        if key in self._replaced:
            raise RuleError(f"rule {self.rule.name!r}: two edits of {where!r} in one call "
                            "(RuleContext.replace was called twice for it)")
        if key in self._pending and key not in self._read:
            raise RuleError(f"rule {self.rule.name!r}: {where!r} was already replaced earlier in "
                            "this application; read that edit with context.get first, or it "
                            "would be overwritten silently")
        self._replaced.add(key)
        self._pending[key] = value
