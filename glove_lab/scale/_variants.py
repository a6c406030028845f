"""`variants`: the product (or a list) of rule applications on a recipe, each a session as code.

A variant is named by the ideas it switches on (`"gn+gelu"`, `"base"`), holds
its parameters (idea -> on/off or the chosen option's label) and the exported
session that patches the recipe's tree into it. A combination whose steps do
not apply (a rule matching nothing after another) is kept and reported with
its reason, never silently dropped.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from glove_lab.errors import GloveError
from glove_lab.patching import Rule
from glove_lab.scale._recipe import load_recipe, recipe_name
from glove_lab.scale._table import cell, text_table
from glove_lab.scale._worker import rebuild
from glove_lab.session import Session
from glove_lab.tree import eq, short_repr

__all__ = ["Application", "Variant", "Variants", "latest", "variants"]

_latest: list[Any] = [None]


@dataclass(frozen=True)
class Application:
    """One rule application of a variant: a rule name or URI, parameters, optional paths."""

    rule: str
    params: Mapping[str, Any] = field(default_factory=dict)
    at: tuple[str, ...] | None = None

    def text(self) -> str:
        """`rule` plus its keyword parameters and paths, as one readable line."""
        text = self.rule
        if self.params:
            text += "(" + ", ".join(f"{k}={v!r}" for k, v in self.params.items()) + ")"
        if self.at is not None:
            text += " at " + ", ".join(p or "<root>" for p in self.at)
        return text


@dataclass(frozen=True, eq=False)
class Variant:
    """A named variant of a recipe: its parameters and the exported session that makes it.

    `code` is `Session.export()` of the variant's session (None when the
    variant is invalid, with the reason in `error`); `script` is the whole
    program: call the recipe, run the code.
    """

    name: str
    params: dict[str, Any]
    recipe: str
    tree_name: str
    steps: tuple[str, ...]
    code: str | None
    error: str | None = None
    session: Session | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        """True if every step applied and the export replays to the same tree."""
        return self.error is None

    @property
    def tree(self) -> Any:
        """The patched tree built in this process (GloveError for an invalid variant)."""
        if self.session is None or self.error is not None:
            raise GloveError(f"variant {self.name!r} is invalid: {self.error}")
        return self.session.tree

    @property
    def script(self) -> str:
        """Standalone source: import and call the recipe, then the exported session."""
        module, _, qualname = self.recipe.partition(":")
        head = qualname.split(".")[0]
        call = f"{head}{qualname[len(head):]}()"
        body = self.code if self.code is not None else f"# invalid variant: {self.error}\n"
        return (f"# variant {self.name!r} of {self.recipe}\nfrom {module} import {head}\n\n"
                f"{self.tree_name} = {call}\n{body}")

    def spec(self, seed: int | None = 0) -> dict[str, Any]:
        """What travels to a worker: plain text and numbers (the recipe, the code, the seed)."""
        if self.code is None:
            raise GloveError(f"variant {self.name!r} is invalid: {self.error}")
        return {"name": self.name, "recipe": self.recipe, "tree_name": self.tree_name,
                "code": self.code, "seed": seed}

    def build(self, seed: int | None = 0) -> Any:
        """Rebuild the tree from code, as a worker does (a fresh call of the recipe)."""
        return rebuild(self.spec(seed))

    def status(self) -> str:
        """`ok, N steps` or `invalid: reason`."""
        if self.error is not None:
            return f"invalid: {self.error}"
        return f"ok, {len(self.steps)} step{'s' if len(self.steps) != 1 else ''}"


class Variants(list[Variant]):
    """The variants of one recipe, in order; printing one lists them with their status."""

    recipe: str = ""

    @property
    def valid(self) -> list[Variant]:
        """The variants that can run."""
        return [v for v in self if v.ok]

    @property
    def invalid(self) -> list[Variant]:
        """The combinations that do not apply, each with its reason."""
        return [v for v in self if not v.ok]

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            for variant in self:
                if variant.name == key:
                    return variant
            raise KeyError(f"no variant named {key!r}; names: {[v.name for v in self]}")
        return super().__getitem__(key)

    def table(self) -> str:
        """The listing: one line per variant with its parameters and status."""
        axes = list(dict.fromkeys(k for v in self for k in v.params))
        rows = [[v.name, *(cell(v.params.get(a), 16) for a in axes), v.status()] for v in self]
        count = f"{len(self)} variant{'s' if len(self) != 1 else ''}"
        bad = f", {len(self.invalid)} invalid" if self.invalid else ""
        title = f"{count} of {self.recipe or 'a recipe'}{bad}"
        return title + "\n" + text_table(["name", *axes, "status"], rows)

    def __repr__(self) -> str:
        return self.table()


Space = Mapping[str, Any] | Sequence[Mapping[str, Any]]


def variants(recipe: str | Callable[[], Any], space: Space, *, name: str = "model",
             warn: bool = True) -> Variants:
    """The variants of a recipe: the product of the ideas in `space`, or the listed points.

    Args:
        recipe: the base model as code: `"module:factory"` or an importable
            zero-argument callable (a model class with defaults works). It is
            called once here; workers call it again to rebuild.
        space: a dict `{idea: choice}`, expanded as a cartesian product in
            the dict's order (steps apply in that order). A choice is one
            application (the idea is switched off / on), a dict
            `{label: application}` of options, or a list of options (labelled
            by their text); `None` as an option means "leave it out". An
            application is a rule name or URI (`"torch.bn_to_gn?groups=4"`), a
            Rule, a tuple `(rule, params)` or `(rule, params, at)`, or a list
            of those applied in turn. Instead of a dict, a list of dicts
            `{idea: application}` gives the variants one by one.
        name: the variable the exported code assigns (`model`).
        warn: warn when some combinations are invalid (they are kept either way).

    Returns:
        Variants (a list of Variant), in product order. Invalid combinations
        carry their reason in `error`; `run_variants` reports them as error rows.
    """
    if not name.isidentifier():
        raise GloveError(f"a variant's tree name must be a Python identifier, got {name!r}")
    text = recipe_name(recipe)
    try:
        base = load_recipe(text)()
    except Exception as exc:
        raise GloveError(f"recipe {text!r} raised {type(exc).__name__}: {exc}") from exc
    made = Variants(_make(base, text, name, choice_params, applications)
                    for choice_params, applications in _points(space))
    made.recipe = text
    _unique_names(made)
    if warn and made.invalid:
        lines = "\n".join(f"  {v.name}: {v.error}" for v in made.invalid)
        warnings.warn(f"{len(made.invalid)} of {len(made)} variants of {text} do not apply "
                      f"(kept, reported as errors when run):\n{lines}", stacklevel=2)
    _latest[0] = made
    return made


def latest() -> Any:
    """The last Variants made or result table returned in this process (None before any)."""
    return _latest[0]


def remember(value: Any) -> None:
    """Make `value` what `latest()` returns (`%glove variants` lists it)."""
    _latest[0] = value


# -- building -------------------------------------------------------------------------------

def _make(base: Any, recipe: str, tree_name: str, params: dict[str, Any],
          applications: list[tuple[str, Application]]) -> Variant:
    variant_name = "+".join(label for label, _ in applications if label) or "base"
    steps = tuple(app.text() for _, app in applications)
    session = Session(base, name=tree_name)
    for number, (_, app) in enumerate(applications, start=1):
        try:
            session.apply(app.rule, at=app.at, params=app.params)
        except Exception as exc:  # a rule's own fault is reported, never raised (principle 8)
            after = f" after {', '.join(steps[:number - 1])}" if number > 1 else ""
            error = f"step {number} ({app.text()}){after}: {type(exc).__name__}: {exc}"
            return Variant(variant_name, params, recipe, tree_name, steps, None, error)
    notebook_rules = [s.rule for s in session.history if s.module == "__main__"]
    if notebook_rules:
        raise GloveError(
            f"rule(s) {notebook_rules} are defined in the notebook (__main__); a variant is "
            "rebuilt from code in other processes, so put the rules in a module next to the "
            "notebook and import it")
    code = session.export()
    replay_error = _replay_error(code, base, session)
    return Variant(variant_name, params, recipe, tree_name, steps,
                   code if replay_error is None else None, replay_error, session)


def _replay_error(code: str, base: Any, session: Session) -> str | None:
    """None if the export, run on the base tree, gives the session's tree (Principle 6)."""
    namespace: dict[str, Any] = {"__name__": "glove_lab_variant", session.name: base}
    try:
        exec(compile(code, "<variant export>", "exec"), namespace)
    except Exception as exc:
        return f"its exported code does not run: {type(exc).__name__}: {exc}"
    if not eq(namespace[session.name], session.tree):
        return "its exported code does not rebuild the same tree (export is not exact)"
    return None


def _unique_names(made: Variants) -> None:
    seen: dict[str, int] = {}
    for index, variant in enumerate(made):
        count = seen.get(variant.name, 0) + 1
        seen[variant.name] = count
        if count > 1:
            list.__setitem__(made, index, _renamed(variant, f"{variant.name}#{count}"))


def _renamed(variant: Variant, new_name: str) -> Variant:
    return Variant(new_name, variant.params, variant.recipe, variant.tree_name, variant.steps,
                   variant.code, variant.error, variant.session)


# -- reading the space ----------------------------------------------------------------------

Point = tuple[dict[str, Any], list[tuple[str, Application]]]


def _points(space: Space) -> Iterator[Point]:
    """(parameters, [(name part, application)]) for each variant the space describes."""
    if isinstance(space, Mapping):
        if not space:
            raise GloveError("the variant space is empty: give at least one idea")
        axes = [(str(idea), _options(str(idea), choice)) for idea, choice in space.items()]
        for picks in itertools.product(*(options for _, options in axes)):
            params: dict[str, Any] = {}
            parts: list[tuple[str, Application]] = []
            for (idea, _), (label, name_part, apps) in zip(axes, picks):
                params[idea] = label
                # An option's extra steps carry no name part: the name joins the non-empty ones.
                parts += [(name_part if i == 0 else "", app) for i, app in enumerate(apps)]
            yield params, parts
        return
    if isinstance(space, (str, bytes)) or not isinstance(space, Sequence):
        raise GloveError("variants(recipe, space): space must be a dict {idea: choice} or a "
                         f"list of dicts, got {type(space).__name__}")
    points = list(space)
    ideas = list(dict.fromkeys(str(k) for point in points if isinstance(point, Mapping)
                               for k in point))
    for number, point in enumerate(points, start=1):
        if not isinstance(point, Mapping):
            raise GloveError(f"variant {number} of the list must be a dict {{idea: "
                             f"application}}, got {type(point).__name__}")
        params = {idea: point.get(idea) is not None for idea in ideas}
        parts = []
        for idea, choice in point.items():
            apps = _applications(str(idea), choice)
            parts += [(str(idea) if i == 0 else "", app) for i, app in enumerate(apps)]
        yield params, parts


def _options(idea: str, choice: Any) -> list[tuple[Any, str, list[Application]]]:
    """(parameter value, name part, applications) for each option of one idea."""
    if isinstance(choice, Mapping):
        if not choice:
            raise GloveError(f"idea {idea!r} has no options")
        # A word label names the variant alone (`gn4`); a number needs its idea (`groups=4`).
        return [(label, label if isinstance(label, str) and label.isidentifier()
                 else f"{idea}={label}", _applications(idea, option))
                for label, option in choice.items()]
    if isinstance(choice, list):
        if not choice:
            raise GloveError(f"idea {idea!r} has no options")
        options = []
        for option in choice:
            apps = _applications(idea, option)
            label = None if not apps else " ; ".join(a.text() for a in apps)
            options.append((label, f"{idea}={label}", apps))
        return options
    return [(False, "", []), (True, idea, _applications(idea, choice))]


def _applications(idea: str, option: Any) -> list[Application]:
    if option is None:
        return []
    if isinstance(option, list):
        return [_application(idea, item) for item in option]
    return [_application(idea, option)]


def _application(idea: str, value: Any) -> Application:
    if isinstance(value, str):
        return Application(value)
    if isinstance(value, Rule):
        return Application(value.name)
    if isinstance(value, tuple) and len(value) in (2, 3):
        rule, params, *rest = value
        rule_name = rule.name if isinstance(rule, Rule) else rule
        if not isinstance(rule_name, str) or not isinstance(params, Mapping):
            raise GloveError(f"idea {idea!r}: an application tuple is (rule, params) or "
                             f"(rule, params, at), got {short_repr(value, 80)}")
        at = rest[0] if rest else None
        paths = None if at is None else ((at,) if isinstance(at, str) else tuple(at))
        return Application(rule_name, dict(params), paths)
    raise GloveError(f"idea {idea!r}: {short_repr(value, 80)} is not an application; "
                     "give a rule name or URI, a Rule, (rule, params), (rule, params, at) "
                     "or a list of those")
