"""glove_lab: interactive symbolic patching of ML code.

Annotate a model once, write a rule once, apply it to every annotated model;
undo, redo and export the session as code. `import glove_lab as gl`.
"""

from __future__ import annotations

from typing import Any

from glove_lab.errors import GloveError, NoMatchError, PathError, RuleError, SerializationError
from glove_lab.tree import (
    Call,
    Change,
    KeyPath,
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

__version__ = "0.1.0"

__all__ = [
    "Call", "Change", "GloveError", "KeyPath", "NoMatchError", "PathError", "RuleError",
    "SerializationError", "Symbolic", "build", "diff", "eq", "format", "from_json", "get",
    "paths", "query", "rebind", "register_kind", "register_type", "replace", "symbolize", "tag",
    "tags_of", "to_code", "to_json", "traverse",
]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Where JupyterLab finds the prebuilt front end shipped in this package."""
    return [{"src": "_labextension", "dest": "glove-lab"}]


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext glove_lab`: register the `%glove` magics."""
    from glove_lab.notebook import load_ipython_extension as load

    load(ipython)
