"""The error hierarchy every layer raises: one base, one subclass per kind of mistake."""

from __future__ import annotations

__all__ = [
    "CheckError", "GloveError", "NoMatchError", "PathError", "RuleError", "SerializationError",
    "TypeMismatchError",
]


class GloveError(Exception):
    """Base class of every error glove_lab raises on purpose."""


class PathError(GloveError, KeyError):
    """A KeyPath that is malformed or names no node in the tree."""

    def __str__(self) -> str:  # KeyError quotes its message; we want it plain.
        return str(self.args[0]) if self.args else ""


class RuleError(GloveError):
    """A rule that failed, was given bad parameters, or is not registered."""


class NoMatchError(RuleError):
    """A rule that matched nothing (strict mode) or not at a requested path."""


class SerializationError(GloveError, ValueError):
    """JSON or code that cannot be written or read safely."""


class CheckError(GloveError):
    """A step refused because the session's check (e.g. a forward pass) failed on its result."""


class TypeMismatchError(GloveError, TypeError):
    """An edit refused because its value does not fit the type hint of the field it sets.

    `gl.rebind` / `gl.replace` (and the `glove.rebind` / `glove.replace` steps)
    raise it before anything changes. Its message names the path, the field,
    the expected type and (shortened) the value; the same facts are attributes.
    """

    def __init__(self, message: str, *, path: str = "", field: str = "", expected: str = "",
                 value: object = None) -> None:
        super().__init__(message)
        self.path = path
        self.field = field
        self.expected = expected
        self.value = value
