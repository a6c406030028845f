"""The base model's recipe as code: a zero-argument factory importable by name.

A variant travels to another process as text, so the tree it patches must be
rebuildable there from text too: `"package.module:factory"` (or the factory
itself, when it is importable under its own module and qualified name).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any

from glove_lab.errors import GloveError
from glove_lab.tree import short_repr

__all__ = ["load_recipe", "recipe_name"]

_HOW = ("give the base model's recipe as code: a zero-argument factory importable by name, "
        "e.g. 'mypkg.models:make_net' (a function or class defined in a module, not in the "
        "notebook)")


def recipe_name(recipe: str | Callable[[], Any]) -> str:
    """The `"module:qualname"` text of a recipe, checked to import back to a zero-arg callable.

    Raises GloveError naming the cause for a tree (not a recipe), a lambda, a
    function defined in the notebook (`__main__`) or inside another function, a
    name that does not import, or a callable that needs arguments.
    """
    if isinstance(recipe, str):
        name = recipe.strip()
        factory = load_recipe(name)
    elif callable(recipe):
        module = getattr(recipe, "__module__", None)
        qualname = getattr(recipe, "__qualname__", None)
        if not isinstance(module, str) or not isinstance(qualname, str):
            raise GloveError(f"recipe {recipe!r} has no module and qualified name; {_HOW}")
        if module == "__main__":
            raise GloveError(
                f"recipe {qualname!r} is defined in the notebook (__main__), which other "
                f"processes cannot import; move it into a module next to the notebook and "
                f"import it from there ({_HOW})")
        if "<" in qualname:
            raise GloveError(f"recipe {module}.{qualname} is a lambda or a local function, "
                             f"which cannot be imported by name; {_HOW}")
        name = f"{module}:{qualname}"
        factory = load_recipe(name)
        if factory is not recipe:
            raise GloveError(f"recipe {name!r} imports back to {short_repr(factory, 80)}, "
                             "not to the object "
                             f"given ({short_repr(recipe, 80)}); {_HOW}")
    else:
        raise GloveError(f"got a {type(recipe).__name__} where a recipe was expected; {_HOW}. "
                         "A live tree cannot be rebuilt on another process")
    try:
        inspect.signature(factory).bind()
    except TypeError:
        raise GloveError(f"recipe {name!r} needs arguments; {_HOW} (wrap the call in a "
                         "function that takes none)") from None
    except ValueError:
        pass  # no signature to inspect (some builtins): calling it will tell
    return name


def load_recipe(name: str) -> Callable[[], Any]:
    """Import `"module:qualname"` and return the callable it names (GloveError if it cannot)."""
    module_name, sep, qualname = name.partition(":")
    if not sep or not module_name or not qualname:
        raise GloveError(f"recipe {name!r} is not 'module:qualname'; {_HOW}")
    try:
        target: Any = importlib.import_module(module_name)
    except Exception as exc:
        raise GloveError(f"recipe {name!r}: cannot import {module_name!r}: "
                         f"{type(exc).__name__}: {exc}") from exc
    for part in qualname.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise GloveError(f"recipe {name!r}: {module_name!r} has no {qualname!r}") from None
    if not callable(target):
        raise GloveError(f"recipe {name!r} names a {type(target).__name__}, not a callable; "
                         f"{_HOW}")
    return target
