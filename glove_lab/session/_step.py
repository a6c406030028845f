"""Step: one recorded application of a rule, the unit of history, undo, export and replay."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from glove_lab.patching import skipped_text
from glove_lab.tree import display_path, short_repr

if TYPE_CHECKING:
    from glove_lab.patching import Rule

__all__ = ["Step"]


@dataclass(frozen=True, repr=False)
class Step:
    """A rule applied once: its name, parameters, where, and what changed.

    `paths` is None for a step applied everywhere (replay matches afresh),
    else the selected paths (replay uses them). `skipped` lists the nodes
    the rule left alone as `(path, type name, reason)` (an unknown subclass
    with extra behaviour); the summary reports them.
    """

    rule: str
    params: dict[str, Any]
    paths: tuple[str, ...] | None
    changed_paths: tuple[str, ...] = ()
    matched_paths: tuple[str, ...] = ()
    time: float = 0.0
    module: str = "__main__"
    duration: float = field(default=0.0, compare=False)
    skipped: tuple[tuple[str, str, str], ...] = field(default=(), compare=False)
    # The Rule that ran (export refuses if the name now means another definition).
    rule_object: Rule | None = field(default=None, compare=False, repr=False)
    # Why this step cannot be exported ("" if it can), found when the step was made.
    export_problem: str = field(default="", compare=False)
    notes: tuple[str, ...] = field(default=(), compare=False)
    # The session's check on this step's tree: "check ok: Tensor(2, 10) in 3 ms", and, for a
    # step kept although its check failed (check_mode="warn"), the failure.
    check: str = field(default="", compare=False)
    check_error: str = field(default="", compare=False)

    @property
    def everywhere(self) -> bool:
        """True if the step was applied without a selection."""
        return self.paths is None

    def params_text(self) -> str:
        """The parameters as `name=value, ...`, each value cut to 30 characters."""
        return ", ".join(f"{k}={short_repr(v, 30)}" for k, v in self.params.items())

    def where_text(self) -> str:
        """`torch.bn_to_gn at layer1[0].bn1` or `torch.bn_to_gn everywhere`: what ran where."""
        if self.paths is None:
            return f"{self.rule} everywhere"
        shown = ", ".join(display_path(p) for p in self.paths[:3])
        return f"{self.rule} at {shown}" + (
            f" (+{len(self.paths) - 3})" if len(self.paths) > 3 else "")

    def summary(self) -> str:
        """One line for a history list: rule, parameters, where, how much changed."""
        return f"{self.rule}({self.params_text()}) {self.where()}: {self.outcome()}"

    def where(self) -> str:
        """Where the step applied: "everywhere", or "at" its first three paths (+N more)."""
        if self.paths is None:
            return "everywhere"
        text = "at " + ", ".join(display_path(p) for p in self.paths[:3])
        if len(self.paths) > 3:
            text += f" (+{len(self.paths) - 3})"
        return text

    def outcome(self) -> str:
        """What the step did, without naming it: "2 changes; skipped 1 ...", "froze 23 ..."."""
        n = len(self.changed_paths)
        text = f"{n} change{'s' if n != 1 else ''}"
        if self.notes:  # what the rule did that no changed path shows (froze 23 parameters)
            text = ("" if n == 0 else text + "; ") + "; ".join(self.notes)
        if self.skipped:
            text += f"; skipped {skipped_text(self.skipped)}"
        if self.check_error:
            text += f" [CHECK FAILED: {self.check_error.split(': the check failed: ', 1)[-1]}]"
        return text

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        # Parameters may be anything (a 5,000-digit int): shown through short_repr.
        params = ", ".join(f"{k!r}: {short_repr(v, 60)}" for k, v in self.params.items())
        return (f"Step(rule={self.rule!r}, params={{{params}}}, paths={self.paths!r}, "
                f"changed_paths={self.changed_paths!r})")
