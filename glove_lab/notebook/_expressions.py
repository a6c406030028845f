"""Values typed into the widget: Python expressions evaluated in the notebook's namespace.

`adamw(lr=0.01)`, `2 * 64`, `nn.GELU()` or `'relu'` typed into the inspector
(or into a rule form's untyped field) is evaluated where the user's cells run,
so it can use the notebook's names. Without a notebook kernel (plain Python)
only literals are read. Whatever the expression does (a typo, an exception,
even `SystemExit`) ends as an `ExpressionError`, never in the kernel.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Mapping
from typing import Any

from glove_lab.errors import GloveError

__all__ = ["ExpressionError", "evaluate", "shell_namespace"]

_SHOWN = 60  # characters of the expression an error message repeats


class ExpressionError(GloveError):
    """Text typed into the widget that is not an expression, or that raised when evaluated."""


def shell_namespace() -> dict[str, Any] | None:
    """The running IPython kernel's user namespace (what the notebook's cells see), or None."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return None
    try:
        shell = ipython.get_ipython()
    except Exception:
        return None
    namespace = getattr(shell, "user_ns", None)
    return namespace if isinstance(namespace, dict) else None


def evaluate(text: str, namespace: Mapping[str, Any] | None) -> Any:
    """The value of the Python expression `text`, evaluated in `namespace`.

    With `namespace` None only Python literals (`5`, `'relu'`, `(3, 3)`,
    `{'lr': 0.1}`) are read, and a name is an error that says so. Raises
    ExpressionError for text that is not an expression and for any exception
    the expression raises (KeyboardInterrupt and SystemExit included).
    """
    if not isinstance(text, str):
        raise ExpressionError(f"expected the text of a Python expression, got "
                              f"{type(text).__name__}")
    source = text.strip()
    shown = source if len(source) <= _SHOWN else source[:_SHOWN - 3] + "..."
    if not source:
        raise ExpressionError("enter a Python expression, e.g. 5, 'relu' or (3, 3)")
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
        reason = exc.msg if isinstance(exc, SyntaxError) else type(exc).__name__
        raise ExpressionError(f"{shown!r} is not a Python expression ({reason}); write a "
                              "string in quotes: 'relu'") from None
    if namespace is None:
        try:
            return ast.literal_eval(tree)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            names = sorted({node.id for node in ast.walk(tree) if isinstance(node, ast.Name)})
            uses = f" (it uses {', '.join(names[:5])})" if names else ""
            raise ExpressionError(
                f"cannot evaluate {shown!r}{uses}: without a notebook kernel only Python "
                "literals can be entered (5, 'relu', (3, 3)); write a string in quotes") from None
    scope = namespace if isinstance(namespace, dict) and "__builtins__" in namespace else {
        "__builtins__": __builtins__, **namespace}
    try:
        code = compile(tree, "<glove_lab widget>", "eval")
        return eval(code, scope)  # the user's own expression, in the user's own namespace
    except BaseException as exc:  # whatever it raises (SystemExit too) stays out of the kernel
        detail = f": {exc}" if str(exc) else ""
        if isinstance(exc, NameError):
            detail += " in this notebook (write a string in quotes: 'relu')"
        raise ExpressionError(f"{shown!r} raised {type(exc).__name__}{detail}") from exc
