"""Session: a tree with a history of Steps, O(1) undo/redo, export, save and load."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from glove_lab._version import __version__
from glove_lab.errors import CheckError, GloveError, NoMatchError, SerializationError
from glove_lab.patching import Outcome, Rule, apply_rule, dry_run_of, resolve, skipped_text
from glove_lab.session._check import CHECK_MODES, Check, CheckResult, run_check
from glove_lab.session._export import export_problem, export_steps
from glove_lab.session._step import Step
from glove_lab.tree import (
    Change,
    KeyPath,
    PathSpec,
    children_of,
    diff,
    from_json,
    is_python_name,
    safe_repr,
    short_repr,
    to_json,
)

__all__ = ["Session", "SessionEvent", "fingerprint"]

Listener = Callable[[str, "Session"], None]
"""A `subscribe` listener: `listener(kind, session)`."""
EventListener = Callable[["SessionEvent"], None]
"""An `on_change` listener: `listener(event)`."""
EventKind = Literal["apply", "undo", "redo", "rollback"]


@dataclass(frozen=True)
class SessionEvent:
    """What changed in a Session: the one thing its views listen to.

    `kind` is "apply", "undo" or "redo", or "rollback" when a later listener
    raised and the session went back to `after` (the state before the event).
    `step` is the step applied, undone or redone; `before` and `after` are the
    roots on either side of the change (what a view compares to show it).
    """

    kind: EventKind
    step: Step | None
    before: Any
    after: Any
    session: Session = field(repr=False, compare=False)
_FORMAT = "glove_lab.session"


class Session:
    """A tree being patched: apply rules, undo and redo in O(1), export and save the log.

    Every version of the tree is kept as its root (persistent trees share
    untouched subtrees), so undo and redo just move a cursor.

    Args:
        tree: the original tree (never modified).
        name: the variable name the exported code assigns (`model`).
        check: optional `fn(new_tree)` run after every step (a forward on an
            example input, a shape or NaN assertion). If it raises, the step
            is refused with a CheckError and nothing changes (`check_mode=
            "raise"`), or recorded with `Step.check_error` set (`"warn"`).
            What it returns is summarised in `Step.check` and `last_check`.
        check_mode: "raise" (default) or "warn".
    """

    def __init__(self, tree: Any, name: str = "model", check: Check | None = None,
                 check_mode: str = "raise") -> None:
        if not is_python_name(name):
            raise GloveError(f"a session name must be a Python identifier that is not a keyword, "
                             f"got {name!r}")
        self.name = name
        self._roots: list[Any] = [tree]
        self._steps: list[Step] = []
        self._cursor = 0
        self._listeners: list[EventListener] = []
        self._busy = ""  # what the session is doing; re-entrant calls are refused meanwhile
        self.check: Check | None = None
        self.check_mode = "raise"
        self.last_check: CheckResult | None = None
        self.set_check(check, check_mode)

    def set_check(self, check: Check | None, mode: str = "raise") -> None:
        """Run `check(new_tree)` after every later step (None: no check); see the class doc."""
        if check is not None and not callable(check):
            raise GloveError("a check must be callable as check(tree), "
                             f"got {short_repr(check, 80)}")
        if mode not in CHECK_MODES:
            raise GloveError(f"check_mode must be one of {', '.join(map(repr, CHECK_MODES))}, "
                             f"got {mode!r}")
        self.check, self.check_mode = check, mode

    # -- state ---------------------------------------------------------------
    @property
    def tree(self) -> Any:
        """The current tree."""
        return self._roots[self._cursor]

    @property
    def base(self) -> Any:
        """The original tree the session started from."""
        return self._roots[0]

    @property
    def previous(self) -> Any:
        """The tree before the last applied step (the base if none)."""
        return self._roots[max(self._cursor - 1, 0)]

    @property
    def history(self) -> list[Step]:
        """The applied steps, oldest first (undone steps are not included)."""
        return self._steps[: self._cursor]

    @property
    def undone(self) -> list[Step]:
        """Steps that `redo` would re-apply, next first."""
        return self._steps[self._cursor:]

    @property
    def can_undo(self) -> bool:
        """True if there is a step to undo."""
        return self._cursor > 0

    @property
    def can_redo(self) -> bool:
        """True if there is a step to redo."""
        return self._cursor < len(self._steps)

    @property
    def last_step(self) -> Step | None:
        """The most recent applied step."""
        return self._steps[self._cursor - 1] if self._cursor else None

    # -- editing -------------------------------------------------------------
    def apply(self, rule: Rule | str, at: PathSpec | Iterable[PathSpec] | None = None,
              params: Mapping[str, Any] | None = None, *, strict: bool = True,
              **keyword_params: Any) -> Step:
        """Apply a rule and record it; on error nothing changes.

        Rule parameters go in `params={...}` (any name, `at` and `params`
        included) or, for names that do not collide, as keywords.

        `strict=False` leaves alone the `at` nodes the rule does not match
        (the step lists them as skipped and records only the matched paths, so
        replay stays strict); a step that would match nothing at all is still
        refused with NoMatchError (a session records no empty steps).

        The step and every listener's update happen together: if a listener
        raises, the step is rolled back and a GloveError says so. A call made
        while the session is busy (from inside a rule or a listener) is refused.
        """
        rule_name = rule.name if isinstance(rule, Rule) else str(rule).split("?", 1)[0]
        with self._running(f"applying {rule_name!r}"):
            start = time.perf_counter()
            outcome = self._outcome(rule, at, strict, params, keyword_params)
            step = Step(
                rule=outcome.rule.name,
                params=outcome.params,
                paths=None if outcome.paths is None else tuple(str(p) for p in outcome.paths),
                changed_paths=tuple(str(p) for p in outcome.changed_paths),
                matched_paths=tuple(str(p) for p in outcome.matched_paths),
                time=time.time(),
                module=outcome.rule.module,
                duration=time.perf_counter() - start,
                skipped=tuple((str(p), name, reason) for p, name, reason in outcome.skipped),
                rule_object=outcome.rule,
                notes=outcome.notes,
            )
            if self.check is not None:
                step = self._checked(step, outcome.tree)
            problem = export_problem(step, self.tree)
            if problem:
                step = dataclasses.replace(step, export_problem=problem)
                warnings.warn(f"this step cannot be exported: {problem}", stacklevel=2)
            self._push(outcome.tree, step)
        return step

    def preview(self, rule: Rule | str, at: PathSpec | Iterable[PathSpec] | None = None,
                params: Mapping[str, Any] | None = None, *, strict: bool = True,
                **keyword_params: Any) -> Outcome:
        """What `apply` with the same arguments would do, doing nothing: a dry-run Outcome.

        The rule runs on the current tree exactly as `apply` would run it, so
        it raises exactly when `apply` would (NoMatchError, RuleError, ...); its
        result is dropped. No step is recorded, no listener is told and the
        session's check is not run (a check is a forward pass; a preview is
        asked on every hover). `Outcome.tree` is the current tree itself.
        """
        tree = self.tree
        return dry_run_of(self._outcome(rule, at, strict, params, keyword_params), tree)

    def _outcome(self, rule: Rule | str, at: PathSpec | Iterable[PathSpec] | None,
                 strict: bool, params: Mapping[str, Any] | None,
                 keyword_params: Mapping[str, Any]) -> Outcome:
        """The rule applied to the current tree; NoMatchError if it would match nothing."""
        outcome = apply_rule(self.tree, rule, at=at, strict=strict, params=params,
                             **keyword_params)
        if not outcome.matched_paths:  # (only possible with strict=False)
            where = "in this tree" if at is None else "at any of the given paths"
            left_alone = (f"; it leaves alone {skipped_text(outcome.skipped)}"
                          if outcome.skipped else "")
            raise NoMatchError(f"rule {outcome.rule.name!r} matches nothing {where}"
                               f"{left_alone}; nothing to record")
        return outcome

    def _checked(self, step: Step, tree: Any) -> Step:
        """`step` with the check's result; CheckError (nothing changed) if it fails in "raise"."""
        result = run_check(cast(Check, self.check), tree)
        if not result.ok:
            message = f"{step.where_text()}: the check failed: {result.value}"
            if self.check_mode == "raise":
                raise CheckError(message)
            self.last_check = result
            return dataclasses.replace(step, check=result.text(), check_error=message)
        self.last_check = result
        return dataclasses.replace(step, check=result.text())

    def replace(self, path: PathSpec, value: Any) -> Step:
        """Replace the node at `path` (a `glove.replace` step)."""
        return self.apply("glove.replace", at=[path], params={"value": value})

    def rebind(self, values: Mapping[PathSpec, Any]) -> Step:
        """Set several fields at once (a `glove.rebind` step at the root)."""
        return self.apply("glove.rebind", at=[""],
                          params={"values": {str(KeyPath.parse(k)): v
                                             for k, v in values.items()}})

    def remove(self, path: PathSpec) -> Step:
        """Remove an element from its parent container (a `glove.remove` step)."""
        return self.apply("glove.remove", at=[path])

    def insert(self, path: PathSpec, value: Any, position: str = "after") -> Step:
        """Insert `value` before or after the sequence element at `path`."""
        return self.apply("glove.insert", at=[path],
                          params={"value": value, "position": position})

    def wrap(self, path: PathSpec, wrapper: Any, key: str = "") -> Step:
        """Wrap the node at `path` in `wrapper` (a `glove.wrap` step)."""
        return self.apply("glove.wrap", at=[path], params={"wrapper": wrapper, "key": key})

    def undo(self) -> Step | None:
        """Step back one version (O(1)); returns the undone step, or None at the start."""
        with self._running("undoing"):
            if not self._cursor:
                return None
            self._commit("undo", self._cursor - 1)
            return self._steps[self._cursor]

    def redo(self) -> Step | None:
        """Re-apply the next undone step (O(1)); returns it, or None if there is none."""
        with self._running("redoing"):
            if self._cursor >= len(self._steps):
                return None
            self._commit("redo", self._cursor + 1)
            return self._steps[self._cursor - 1]

    def diff(self) -> list[Change]:
        """Changes from the original tree to the current one."""
        return diff(self.base, self.tree)

    # -- listeners -----------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener(event, session)` after apply/undo/redo; returns an unsubscribe.

        `event` is "apply", "undo" or "redo", or "rollback" when a later
        listener raised and the session went back to the state before the
        event (a listener then shows `session.tree` again).
        """
        return self.on_change(_KindListener(listener, self))

    def on_change(self, listener: EventListener) -> Callable[[], None]:
        """Call `listener(event)` with a SessionEvent after apply/undo/redo (and rollback).

        Listeners run in the order they were added; a step and every listener's
        update happen together (see `subscribe`). Returns an unsubscribe.
        """
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    # -- export, save, load --------------------------------------------------
    def export(self) -> str:
        """Python source that, where `name` holds the original tree, rebinds it to this one.

        Run on the already-patched tree it changes nothing; on any other tree
        it refuses. Raises GloveError naming the step and path that cannot be
        written exactly (see README, "What export guarantees").
        """
        return export_steps(self.history, self._roots[: self._cursor + 1], self.name)

    def save(self, path: str | Path) -> None:
        """Write the patch log as JSON: version, base fingerprint, steps."""
        document = {
            "format": _FORMAT,
            "glove_lab_version": __version__,
            "name": self.name,
            "base_fingerprint": fingerprint(self.base),
            "steps": [
                {"rule": s.rule, "params": to_json(s.params),
                 "paths": None if s.paths is None else list(s.paths)}
                for s in self.history
            ],
        }
        Path(path).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path, tree: Any, name: str | None = None) -> Session:
        """Replay a saved patch log on `tree`, validating each step like `apply`.

        Warns when `tree` differs from the tree the log was recorded on; raises
        SerializationError for a malformed file and GloveError naming the step
        that no longer applies.
        """
        try:
            document = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError, MemoryError, RecursionError) as exc:  # (ValueError:
            # malformed JSON, or an int literal beyond Python's 4,300-digit limit)
            raise SerializationError(f"cannot read session log {str(path)!r}: {exc}") from exc
        steps = _validate_log(document, path)
        session = cls(tree, name=name or document.get("name") or "model")
        if document.get("base_fingerprint") != fingerprint(tree):
            warnings.warn(
                f"session log {str(path)!r} was recorded on a different tree; replaying it anyway",
                stacklevel=2,
            )
        for number, entry in enumerate(steps, start=1):
            params = from_json(entry["params"])
            try:
                session.apply(entry["rule"], at=entry["paths"], params=params)
            except GloveError as exc:
                where = "everywhere" if entry["paths"] is None else f"at {entry['paths']}"
                raise type(exc)(
                    f"step {number} of {str(path)!r} ({entry['rule']} {where}) no longer "
                    f"applies: {exc}"
                ) from exc
            except Exception as exc:  # a hostile log is a log error, never a raw one
                raise SerializationError(
                    f"step {number} of {str(path)!r} ({entry['rule']}) cannot be replayed: "
                    f"{type(exc).__name__}: {str(exc)[:300]}") from exc
        return session

    # -- internals -----------------------------------------------------------
    @property
    def busy(self) -> str:
        """What the session is doing right now ("" when idle)."""
        return self._busy

    @contextmanager
    def _running(self, what: str) -> Iterator[None]:
        if self._busy:
            raise GloveError(
                f"session {self.name!r} is busy {self._busy}; {what} from inside a rule or a "
                "listener is refused (it would change the history while a step is being made)"
            )
        self._busy = what
        try:
            yield
        finally:
            self._busy = ""

    def _push(self, tree: Any, step: Step) -> None:
        roots = [*self._roots[: self._cursor + 1], tree]
        steps = [*self._steps[: self._cursor], step]
        self._commit("apply", len(steps), roots, steps)

    def _commit(self, event: EventKind, cursor: int, roots: list[Any] | None = None,
                steps: list[Step] | None = None) -> None:
        """Move to the new state and tell every listener; a listener that raises undoes it all."""
        saved = (self._roots, self._steps, self._cursor)
        before = self.tree
        if roots is not None and steps is not None:
            self._roots, self._steps = roots, steps
        self._cursor = cursor
        step = self._steps[cursor - 1] if event in ("apply", "redo") else self._steps[cursor]
        change = SessionEvent(event, step, before, self.tree, self)
        told: list[EventListener] = []
        for listener in list(self._listeners):
            told.append(listener)
            try:
                listener(change)
            except BaseException as exc:
                self._roots, self._steps, self._cursor = saved
                undone = SessionEvent("rollback", step, change.after, before, self)
                for other in told:  # show the restored state again; best effort
                    try:
                        other(undone)
                    except Exception:
                        continue
                if isinstance(exc, KeyboardInterrupt):
                    raise
                raise GloveError(
                    f"{event} was rolled back, nothing changed: the session listener "
                    f"{_listener_name(listener)} raised {type(exc).__name__}: {exc}"
                ) from exc

    def __repr__(self) -> str:
        return (f"<Session {self.name!r}: {len(self.history)} step(s), "
                f"{len(self.undone)} undone>")


class _KindListener:
    """Adapts a `subscribe` listener, `listener(kind, session)`, to SessionEvents."""

    def __init__(self, listener: Listener, session: Session) -> None:
        self.listener, self.session = listener, session
        self.__qualname__ = getattr(listener, "__qualname__", type(listener).__qualname__)

    def __call__(self, event: SessionEvent) -> None:
        self.listener(event.kind, self.session)

    def __eq__(self, other: object) -> bool:
        return other is self or other is self.listener

    __hash__ = object.__hash__


def _listener_name(listener: Any) -> str:
    name = getattr(listener, "__qualname__", None) or type(listener).__qualname__
    return repr(name)


def fingerprint(tree: Any) -> str:
    """A short hash of a tree's structure and simple leaf values (not weights).

    Linear in the tree's size at any depth: each value is hashed with its depth
    and its key (depth-first order plus depths fix the shape), never with its
    whole path. A tree that contains itself is a GloveError.
    """
    digest = hashlib.sha256()
    exit_marker = object()
    ancestors: set[int] = set()
    stack: list[tuple[Any, ...]] = [(0, None, tree)]
    while stack:
        item = stack.pop()
        if item[0] is exit_marker:
            ancestors.discard(item[1])
            continue
        depth, key, node = item
        digest.update(f"{depth}:{'' if key is None else safe_repr(key)}:".encode())
        digest.update(type(node).__qualname__.encode())
        if type(node) is int and node.bit_length() > 13_000:
            digest.update(hex(node).encode())  # beyond Python's int -> str digit limit
        elif node is None or type(node) in (bool, int, float, str):
            digest.update(repr(node).encode())
        children = children_of(node)
        if not children:
            continue
        if id(node) in ancestors:
            raise GloveError(f"the tree contains itself (a {type(node).__name__} is its own "
                             "descendant); it has no fingerprint")
        ancestors.add(id(node))
        stack.append((exit_marker, id(node)))
        stack.extend((depth + 1, child_key, child) for child_key, child in reversed(children))
    return digest.hexdigest()[:16]


def _validate_log(document: Any, path: str | Path) -> list[dict[str, Any]]:
    where = f"session log {str(path)!r}"
    if not isinstance(document, dict) or document.get("format") != _FORMAT:
        raise SerializationError(f"{where} is not a glove_lab session log (no "
                                 f"'format': {_FORMAT!r})")
    name = document.get("name")
    if name is not None and not is_python_name(name):
        raise SerializationError(f"{where}: 'name' must be a Python identifier (not a "
                                 f"keyword), got {name!r}")
    steps = document.get("steps")
    if not isinstance(steps, list):
        raise SerializationError(f"{where}: 'steps' must be a list")
    for number, entry in enumerate(steps, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("rule"), str):
            raise SerializationError(f"{where}: step {number} must be an object with a 'rule'")
        paths = entry.get("paths")
        if paths is not None and (not isinstance(paths, list) or
                                  not all(isinstance(p, str) for p in paths)):
            raise SerializationError(f"{where}: step {number} 'paths' must be null or a list "
                                     "of strings")
        if not isinstance(entry.get("params", {}), dict):
            raise SerializationError(f"{where}: step {number} 'params' must be an object")
        entry.setdefault("params", {})
        resolve(entry["rule"])  # unknown rule: RuleError naming it, before anything runs
    return steps
