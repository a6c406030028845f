"""Session -> Python source that replays exactly, and the checks that source runs.

The exported code imports the modules that define the rules and the
annotations (tags) the rules matched on, carries the tags attached in the
notebook as `gl.tag` calls, guards the names defined in the notebook, and
checks that its input is the original tree (by fingerprint) before
replaying: on the already-patched tree it does nothing, on any other tree
it refuses. What cannot be written exactly raises GloveError at export,
naming the step and the model path.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from typing import Any

from glove_lab.errors import GloveError, RuleError
from glove_lab.patching import lookup
from glove_lab.session._step import Step
from glove_lab.tree import (
    CodeWriter,
    KeyPath,
    get,
    index_of,
    is_importable_module,
    is_python_name,
    tag_origins,
    traverse,
)

__all__ = ["export_steps", "export_problem", "export_fingerprint", "needs_patching",
           "require_names"]

_BUILTIN_PREFIX = "glove."


class _StepError(GloveError):
    """A step that cannot be exported: the message names the step; `cause` says why."""

    def __init__(self, number: int, step: Step, cause: str) -> None:
        where = "everywhere" if step.paths is None else "at " + ", ".join(
            repr(p) for p in step.paths)
        super().__init__(f"step {number} ({step.rule} {where}) cannot be exported: {cause}")
        self.cause = cause


def export_steps(steps: Sequence[Step], roots: Sequence[Any], name: str,
                 width: int = 88) -> str:
    """Source that, run where `name` holds the original tree, rebinds it to the patched one.

    `roots[i]` is the tree step `i` was applied to; `roots[-1]` is the result.
    Raises GloveError naming the step (and the model path) that cannot be
    exported exactly.
    """
    if not is_python_name(name) or name == "gl":
        raise GloveError(f"cannot export session {name!r}: its name must be a Python identifier "
                         "other than 'gl' (the exported code names glove_lab 'gl')")
    writer = _write(steps, roots, name, width, notebook=())
    if writer.needs_second_pass:  # an import took a notebook name: alias imports around it
        writer = _write(steps, roots, name, width, notebook=writer.code.notebook_names)
    writer.code.check_clashes()
    return writer.source()


def export_problem(step: Step, before: Any) -> str:
    """Why `step` (applied to `before`) could not be exported, or "" if it can be.

    Checked when the step is made, so the user hears of it then, not at export.
    (Tags are checked at export, where the whole history is known.)
    """
    try:
        writer = _SessionWriter([step], [before], "tree", 88)
        writer.rule_module(step, 1)
        writer.step_line(step, 1)
    except _StepError as exc:
        return exc.cause
    except GloveError as exc:
        return str(exc)
    return ""


def needs_patching(tree: Any, original: str, patched: str, name: str = "tree") -> bool:
    """Decide what exported code does with its input: True to replay, False if already done.

    True when `tree` is the original the session started from (its
    fingerprint is `original`); False when it already is the session's result
    (fingerprint `patched`, e.g. the variable the widget rebound, so running
    the inserted cell again never stacks patches); else GloveError in one line.
    """
    found = export_fingerprint(tree)
    if found == original:
        return True
    if found == patched:
        return False
    if original[:1] != _FINGERPRINT_VERSION:  # code exported before 0.2: the old hash
        found = _path_fingerprint(tree)
        if found == original:
            return True
        if found == patched:
            return False
    raise GloveError(f"{name} is already patched or is not the original tree this code was "
                     f"exported from (fingerprint {found}, expected {original}); run this cell "
                     f"on the original {name}")


def require_names(namespace: dict[str, Any], *names: str) -> None:
    """Raise GloveError naming every name in `names` that `namespace` does not define.

    Exported code calls this (with `globals()`) for the classes, functions
    and enums that were defined in the notebook, before it uses them.
    """
    missing = [n for n in names if n not in namespace]
    if missing:
        raise GloveError(
            f"this code needs {', '.join(missing)}, defined in the notebook that exported it "
            "(__main__); run the cells that define them first"
        )


def export_fingerprint(tree: Any) -> str:
    """A hash of a tree's structure, types and leaf values, the same in every process.

    Weights and other opaque leaves count by their type only. Each node is
    hashed with its depth and key (depth-first order plus depths fix the
    shape), never with its whole path, so the cost is linear at any depth.
    The first character is the fingerprint's version.
    """
    digest = hashlib.sha256()
    index = index_of(tree)
    depths = [0] * len(index.nodes)
    parents, keys = index.parents, index.keys
    for i, node in enumerate(index.nodes):
        if i:
            depths[i] = depths[parents[i]] + 1
            key = str(KeyPath((keys[i],)))
        else:
            key = ""
        digest.update(f"\0{depths[i]}:{key}\0".encode("utf-8", "surrogatepass"))
        digest.update(_type_name(type(node)).encode("utf-8", "surrogatepass"))
        digest.update(b"=" + _leaf_text(node).encode("utf-8", "surrogatepass"))
    return _FINGERPRINT_VERSION + digest.hexdigest()[:19]


_FINGERPRINT_VERSION = "v"  # not a hex digit: fingerprints of glove_lab 0.1 had none


def _path_fingerprint(tree: Any) -> str:
    """The fingerprint of code exported by glove_lab 0.1 (each node hashed with its path)."""
    digest = hashlib.sha256()
    for path, node in traverse(tree):
        digest.update(b"\0" + str(path).encode("utf-8", "surrogatepass") + b"\0")
        digest.update(_type_name(type(node)).encode("utf-8", "surrogatepass"))
        digest.update(b"=" + _leaf_text(node).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:20]


# -- writing ---------------------------------------------------------------------


def _write(steps: Sequence[Step], roots: Sequence[Any], name: str, width: int,
           notebook: Iterable[str]) -> _SessionWriter:
    writer = _SessionWriter(steps, roots, name, width, notebook)
    writer.write()
    return writer


class _SessionWriter:
    """Collects what the exported code needs while writing its step lines."""

    def __init__(self, steps: Sequence[Step], roots: Sequence[Any], name: str, width: int,
                 notebook: Iterable[str] = ()) -> None:
        self.steps = steps
        self.roots = roots
        self.name = name
        self.width = width
        self.code = CodeWriter(reserved={name}, notebook=notebook)
        self.modules: set[str] = set()  # rule and annotation modules to import
        self.notebook_rules: list[str] = []
        self.tag_lines: list[str] = []
        self.body: list[str] = []

    @property
    def needs_second_pass(self) -> bool:
        return bool(self.code.clashes)

    def write(self) -> None:
        for number, step in enumerate(self.steps, start=1):
            self.check_rule_unchanged(step, number)
            self.rule_module(step, number)
            self.annotations(step, number)
            line = self.step_line(step, number)
            self.body.append(self.code.take_prelude() + line)

    def check_rule_unchanged(self, step: Step, number: int) -> None:
        """Refuse when the rule registered under the step's name is another definition now."""
        if step.rule_object is None or step.rule.startswith(_BUILTIN_PREFIX):
            return
        try:
            current = lookup(step.rule)
        except RuleError as exc:
            raise _StepError(number, step, str(exc)) from None
        if current is step.rule_object:
            return
        old = getattr(step.rule_object.function, "__code__", None)
        new = getattr(current.function, "__code__", None)
        if old is None or old != new or step.rule_object.module != current.module:
            raise _StepError(
                number, step,
                f"rule {step.rule!r} was redefined after the step was made, so the export "
                "would replay the new definition. Undo the step and apply it again."
            )

    def rule_module(self, step: Step, number: int) -> None:
        if step.rule.startswith(_BUILTIN_PREFIX) and step.module.startswith("glove_lab."):
            return
        required = (step.rule_object.requires if step.rule_object is not None
                    else _required_modules(step.rule))
        for module in required:  # e.g. glove_lab.pyglove, whose import finds PyGlove patchers
            if not is_importable_module(module):
                raise _StepError(number, step, f"rule {step.rule!r} requires module "
                                               f"{module!r}, which cannot be imported")
            self.modules.add(module)
        if step.module == "__main__":
            if step.rule not in self.notebook_rules:
                self.notebook_rules.append(step.rule)
            return
        if not is_importable_module(step.module):
            raise _StepError(
                number, step,
                f"rule {step.rule!r} is defined in {step.module!r}, which is not a module "
                "another interpreter can import (loaded with runpy.run_path or exec?). Define "
                "the rule in a module on the import path and import it."
            )
        self.modules.add(step.module)

    def annotations(self, step: Step, number: int) -> None:
        """Carry the tags the step's matching depended on: import or re-attach them."""
        try:
            rule = step.rule_object or lookup(step.rule)
        except RuleError:
            return
        tags = rule.on.tags()
        if not tags or number > len(self.roots):
            return
        before = self.roots[number - 1]
        if step.paths is None:
            nodes: Iterable[Any] = (node for _, node in traverse(before))
        else:
            nodes = (get(before, KeyPath.parse(path)) for path in step.matched_paths)
        seen: set[Any] = set()
        for node in nodes:
            key = getattr(type(node), "__glove_function_of__", None)
            key = (id(node) if key is not None else type(node))
            if key in seen:
                continue
            seen.add(key)
            for target, tag, module in tag_origins(node, tags):
                self._carry_tag(target, tag, module, step, number)

    def _carry_tag(self, target: Any, tag: str, module: str, step: Step, number: int) -> None:
        if module == "__main__":
            try:
                reference = self.code.reference(target, KeyPath())
            except GloveError as exc:
                raise _StepError(
                    number, step,
                    f"it matched on tag {tag!r}, which the notebook attached to "
                    f"{getattr(target, '__qualname__', target)!r}, and that cannot be named "
                    f"in code: {exc}"
                ) from None
            line = f"gl.tag({reference}, {tag!r})"
            if line not in self.tag_lines:
                self.tag_lines.append(line)
            return
        public = _public_module(module)
        if is_importable_module(public):
            self.modules.add(public)
        elif is_importable_module(module):
            self.modules.add(module)
        else:
            raise _StepError(
                number, step,
                f"it matched on tag {tag!r}, attached in {module!r}, which another "
                "interpreter cannot import. Attach the tag in an importable module (or in the "
                "notebook)."
            )

    def step_line(self, step: Step, number: int) -> str:
        name, width, code = self.name, self.width, self.code
        try:
            if step.rule == "glove.replace" and step.paths and len(step.paths) == 1:
                path = KeyPath.parse(step.paths[0])
                value = code.expression(step.params["value"], width, 4, path=path)
                return f"{name} = gl.replace({name}, {step.paths[0]!r}, {value})"
            if (step.rule == "glove.rebind" and step.paths is not None
                    and len(step.paths) == 1):
                base = KeyPath.parse(step.paths[0])
                absolute = {str(base + KeyPath.parse(str(key))): value
                            for key, value in step.params["values"].items()}
                items = [f"{key!r}: " + code.expression(value, width, 8,
                                                        path=KeyPath.parse(key))
                         for key, value in absolute.items()]
                return _call(f"{name} = gl.rebind(", [name, "{" + ", ".join(items) + "}"],
                             width)
            arguments = [name, repr(step.rule)]
            if step.paths is not None:
                arguments.append(f"at={list(step.paths)!r}")
            if step.params:  # a dict, never keywords: no parameter name collides with apply's
                items = [f"{key!r}: " + code.expression(value, width, 8,
                                                        label=f"parameter {key!r}")
                         for key, value in step.params.items()]
                arguments.append("params={" + ", ".join(items) + "}")
        except GloveError as exc:
            raise _StepError(number, step, str(exc)) from None
        return _call(f"{name} = gl.apply(", arguments, width)

    def source(self) -> str:
        steps = self.steps
        name = self.name
        lines = [f"# glove_lab session {name!r}: {len(steps)} step{'s' if len(steps) != 1 else ''}"
                 f". Run it where {name} holds the original tree.",
                 "import glove_lab as gl"]
        taken = set(self.code.used_names) | self.code.notebook_names | {name, "gl"}
        for module in sorted(self.modules):
            top = module.split(".")[0]
            # `import a.b` binds `a`: never over a name this code (or the notebook) needs.
            alias = " as _glove_module" if top in taken else ""
            lines.append(f"import {module}{alias}")
        header = self.code.header().rstrip()
        if header:
            lines += [line for line in header.splitlines()
                      if line != "import glove_lab as gl" and not line.startswith(
                          ("gl.require_names", "# defined in the notebook"))]
        guard = self.code.notebook_guard()
        if self.notebook_rules or guard:
            lines.append("# defined in the notebook (__main__): run their cells first")
        if self.notebook_rules:
            names = ", ".join(repr(r) for r in self.notebook_rules)
            lines.append(f"gl.require_rules({names}, defined_in='__main__')")
        if guard:
            lines += guard.splitlines()[1:]
        if self.tag_lines:
            lines.append("# tags attached in the notebook, which the rules below match on")
            lines += self.tag_lines
        lines.append("")
        if not steps:
            return "\n".join(lines) + "\n"
        temporaries = self.code.temporaries()
        original = export_fingerprint(self.roots[0])
        patched = export_fingerprint(self.roots[-1])
        check = f"{name}, original={original!r}, patched={patched!r}, name={name!r}"
        if len(check) + 22 <= self.width:
            lines.append(f"if gl.needs_patching({check}):")
        else:
            lines.append(f"if gl.needs_patching(\n        {check}):")
        for block in self.body:
            lines += ["    " + line if line else line for line in block.splitlines()]
        if temporaries:
            lines.append(f"    del {', '.join(temporaries)}")
        return "\n".join(lines) + "\n"


def _call(opening: str, arguments: list[str], width: int) -> str:
    line = opening + ", ".join(arguments) + ")"
    if len(line) <= width and "\n" not in line:
        return line
    inner = ",\n    ".join(arguments)
    return f"{opening}\n    {inner},\n)"


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


def _type_name(cls: type) -> str:
    return f"{getattr(cls, '__module__', '?')}.{getattr(cls, '__qualname__', '?')}"


def _leaf_text(node: Any) -> str:
    """Text for a leaf value that is the same in every process; "" for containers/opaque."""
    kind = type(node)
    if node is None or kind in (bool, str, bytes):
        return repr(node)
    if kind is int:
        return hex(node)
    if kind is float:
        return node.hex() if math.isfinite(node) else repr(node)
    if kind is complex:
        return _leaf_text(node.real) + "," + _leaf_text(node.imag)
    if kind in (set, frozenset):
        return "{" + ",".join(sorted(_leaf_text(v) for v in node)) + "}"
    if kind in (range, slice):
        return ",".join(_leaf_text(v) for v in (node.start, node.stop, node.step))
    if isinstance(node, type) or (callable(node) and hasattr(node, "__qualname__")):
        return f"{getattr(node, '__module__', '?')}.{getattr(node, '__qualname__', '?')}"
    enum_name = getattr(node, "name", None) if hasattr(type(node), "__members__") else None
    if enum_name is not None or hasattr(type(node), "__members__"):
        return f"{enum_name}:{_leaf_text(getattr(node, 'value', None))}"
    return ""

