"""glove_lab: interactive symbolic patching of ML code.

Annotate a model once, write a rule once, apply it to every annotated model;
undo, redo and export the session as code. `import glove_lab as gl`.
"""

from __future__ import annotations

import sys as _sys
from typing import Any

from glove_lab._version import __version__

# The layers are the subpackages `glove_lab.patching` (rules) and `glove_lab.drawing`
# (render): `gl.rules` and `gl.render` are functions, and no module shares their names.
# No graphviz import happens here.
from glove_lab.drawing import display_bundle as _render_bundle
from glove_lab.drawing import render, to_svg
from glove_lab.errors import (
    CheckError,
    GloveError,
    NoMatchError,
    PathError,
    RuleError,
    SerializationError,
    TypeMismatchError,
)
from glove_lab.patching import (
    Match,
    Rule,
    RuleContext,
    apply,
    register_rule,
    require_rules,
    rule,
    rules,
)
from glove_lab.session import Session, Step, needs_patching, require_names
from glove_lab.tree import (
    REMOVE,
    Call,
    Change,
    JsonLimits,
    KeyPath,
    Splice,
    Symbolic,
    build,
    diff,
    eq,
    format,
    from_json,
    get,
    paths,
    query,
    rebind,
    register_kind,
    register_type,
    replace,
    symbolize,
    tag,
    tags_of,
    to_code,
    to_json,
    traverse,
)
from glove_lab.tree import kind_of as _kind_of

# Old import paths keep working: until 0.2 the subpackages were `glove_lab.rules` and
# `glove_lab.render`, names now taken by the functions `gl.rules` and `gl.render`.
# `from glove_lab.rules import Match` still finds the package; the attributes stay the
# functions (see tests/test_architecture.py).
_sys.modules.setdefault("glove_lab.rules", _sys.modules["glove_lab.patching"])
_sys.modules.setdefault("glove_lab.render", _sys.modules["glove_lab.drawing"])

__all__ = [
    "GloveAnyWidget",
    "JsonLimits",
    "REMOVE", "Call", "Change", "CheckError", "GloveError", "GloveWidget", "KeyPath", "Match",
    "NoMatchError", "PathError", "Rule", "RuleContext", "RuleError", "SerializationError",
    "Session", "Splice", "TypeMismatchError",
    "Step", "Symbolic", "__version__", "apply", "build", "diff", "eq", "format", "from_json",
    "get", "is_leaf", "needs_patching", "paths", "query", "rebind", "register_kind",
    "register_rule", "register_type", "render", "replace", "require_names", "require_rules",
    "rule", "rules", "symbolize", "tag", "tags_of", "to_code", "to_json", "to_svg", "traverse",
    "run_variants", "variants",
]


def is_leaf(value: Any) -> bool:
    """True if `value` has no node kind (it is shown inside its parent, not as a node)."""
    return _kind_of(value) is None


def __getattr__(name: str) -> Any:
    # The widget needs ipywidgets: import it only when asked for.
    if name == "GloveWidget":
        from glove_lab.notebook import GloveWidget

        return GloveWidget
    if name == "GloveAnyWidget":
        from glove_lab import notebook

        return notebook.GloveAnyWidget
    # Variants at scale: loaded on first use (the subpackage is `scale`, so that importing
    # it never shadows these two functions on the package).
    if name in ("variants", "run_variants"):
        from glove_lab import scale

        return getattr(scale, name)
    raise AttributeError(f"module 'glove_lab' has no attribute {name!r}")


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Where JupyterLab finds the prebuilt front end shipped in this package."""
    return [{"src": "_labextension", "dest": "glove-lab"}]


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext glove_lab`: register the `%glove` magics."""
    from glove_lab.notebook import load_ipython_extension as load

    load(ipython)


def _display_bundle(obj: Any, include: Any = None, exclude: Any = None) -> dict[str, str]:
    """Rich display of symbolic objects in Jupyter: the graph as SVG, text as fallback."""
    return _render_bundle(obj)  # never raises; without graphviz, text with a note


# Attached here, not declared in the classes, so that glove_lab.tree never imports
# the renderer; mypy cannot see attributes added to a class after its definition.
Symbolic._repr_mimebundle_ = _display_bundle  # type: ignore[attr-defined]
Call._repr_mimebundle_ = _display_bundle  # type: ignore[attr-defined]
