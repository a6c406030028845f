"""Deep trees: run a recursive tree algorithm again on a big stack when Python's runs out.

The tree algorithms (eq, diff, format, JSON, rebuilding after an edit) are
recursive: short and fast for the trees people build. A tree deeper than
Python's recursion limit (about 1,000 levels) makes them raise RecursionError;
`deep` then runs the same pure function once more in a helper thread with a
512 MiB stack and a recursion limit sized for `MAX_DEPTH` levels. Beyond that
the caller gets a GloveError that states the limit, never a raw RecursionError.
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar, cast

from glove_lab.errors import GloveError

__all__ = ["MAX_DEPTH", "deep", "too_deep"]

MAX_DEPTH = 20_000  # levels every tree operation supports
_FRAMES_PER_LEVEL = 6  # Python frames one level of the deepest algorithm (layout) uses
_STACK_BYTES = 512 * 1024 * 1024  # address space only: untouched pages cost nothing

F = TypeVar("F", bound=Callable[..., Any])
_local = threading.local()


def too_deep(what: str = "the tree") -> GloveError:
    """The error for a tree beyond `MAX_DEPTH` levels."""
    return GloveError(f"{what} is more than {MAX_DEPTH:,} levels deep, glove_lab's limit "
                      "(does it contain itself?)")


def deep(function: F) -> F:
    """Decorate a pure recursive function: on RecursionError, run it again on a big stack."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if getattr(_local, "deep", False):
            return function(*args, **kwargs)  # already on the big stack
        try:
            return function(*args, **kwargs)
        except RecursionError:
            pass
        return _on_big_stack(function, args, kwargs)

    return cast(F, wrapper)


def _on_big_stack(function: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    outcome: dict[str, Any] = {}

    def run() -> None:
        _local.deep = True
        try:
            outcome["value"] = function(*args, **kwargs)
        except BaseException as exc:  # handed to the calling thread
            outcome["error"] = exc

    old_limit = sys.getrecursionlimit()
    old_size = threading.stack_size()
    sys.setrecursionlimit(max(old_limit, MAX_DEPTH * _FRAMES_PER_LEVEL))
    try:
        threading.stack_size(_STACK_BYTES)
        try:
            thread = threading.Thread(target=run, name="glove_lab-deep-tree", daemon=True)
            thread.start()
        finally:
            threading.stack_size(old_size)
        thread.join()
    finally:
        sys.setrecursionlimit(old_limit)
    error = outcome.get("error")
    if isinstance(error, RecursionError):
        raise too_deep() from None
    if error is not None:
        raise error
    return outcome["value"]
