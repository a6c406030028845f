"""Session -> Python source: imports for rule modules, then one line per step."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from glove_lab.errors import RuleError
from glove_lab.rules import lookup
from glove_lab.session._step import Step
from glove_lab.tree import CodeWriter, KeyPath, modules_tagging

__all__ = ["export_steps"]


def export_steps(steps: Sequence[Step], name: str, width: int = 88) -> str:
    """Source that, run where `name` holds the original tree, rebinds it to the patched one."""
    writer = CodeWriter()
    body: list[str] = []
    notebook_rules: list[str] = []
    rule_modules: set[str] = set()
    for step in steps:
        if step.module == "__main__":
            if step.rule not in notebook_rules:
                notebook_rules.append(step.rule)
        elif not step.rule.startswith("glove."):
            rule_modules.add(step.module)
        rule_modules.update(_annotation_modules(step.rule))
        rule_modules.update(_required_modules(step.rule))
        line = _step_line(step, name, writer, width)
        body.append(writer.take_prelude() + line)
    lines = [f"# glove_lab session {name!r}: {len(steps)} step{'s' if len(steps) != 1 else ''}",
             "import glove_lab as gl"]
    lines += [f"import {module}" for module in sorted(rule_modules)]
    header = writer.header().rstrip()
    if header:
        lines.append(header)
    if notebook_rules:
        names = ", ".join(repr(r) for r in notebook_rules)
        lines.append(f"# rules defined in the notebook (__main__), run their cells first: {names}")
        lines.append(f"gl.require_rules({names})")
    lines.append("")
    lines += body
    return "\n".join(lines) + "\n"


def _annotation_modules(rule_name: str) -> set[str]:
    """Modules that attached the tags a rule matches on (their import re-tags the types)."""
    try:
        rule = lookup(rule_name)
    except RuleError:
        return set()
    modules = set()
    for tag in rule.on.tags():
        for module in modules_tagging(tag):
            public = _public_module(module)
            if public != "__main__" and public in sys.modules and not public.startswith(
                    ("glove_lab.tree", "glove_lab.rules")):
                modules.add(public)
    return modules


def _required_modules(rule_name: str) -> tuple[str, ...]:
    """Modules a rule says exported code must import to find it (`Rule.requires`)."""
    try:
        return lookup(rule_name).requires
    except RuleError:
        return ()


def _public_module(module: str) -> str:
    """`pkg.sub._private` -> `pkg.sub`: import the facade, not its private parts."""
    parts = []
    for part in module.split("."):
        if part.startswith("_"):
            break
        parts.append(part)
    return ".".join(parts) or module


def _step_line(step: Step, name: str, writer: CodeWriter, width: int) -> str:
    if step.rule == "glove.replace" and step.paths and len(step.paths) == 1:
        value = writer.expression(step.params["value"], width, 4)
        return f"{name} = gl.replace({name}, {step.paths[0]!r}, {value})"
    if step.rule == "glove.rebind" and step.paths is not None and len(step.paths) == 1:
        base = KeyPath.parse(step.paths[0])
        absolute = {str(base + KeyPath.parse(str(key))): value
                    for key, value in step.params["values"].items()}
        values = writer.expression(absolute, width, 4)
        return f"{name} = gl.rebind({name}, {values})"
    arguments = [name, repr(step.rule)]
    if step.paths is not None:
        arguments.append(f"at={list(step.paths)!r}")
    if step.params:  # a dict, never keywords: no parameter name can collide with apply's own
        arguments.append(f"params={writer.expression(step.params, width, 4)}")
    line = f"{name} = gl.apply({', '.join(arguments)})"
    if len(line) <= width:
        return line
    inner = ",\n    ".join(arguments)
    return f"{name} = gl.apply(\n    {inner},\n)"
