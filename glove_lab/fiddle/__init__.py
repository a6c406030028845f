"""Fiddle adapter: `import glove_lab.fiddle` makes Fiddle configs tree nodes.

`fdl.Config`, `fdl.Partial`, `fdl.ArgFactory` (and any `fdl.Buildable`)
become a node kind: children are the configured callable (`__fn_or_cls__`,
shown as the node's name) and the arguments set on it. A config carries the
glove_lab tags of its callable (`gl.tag(MyEncoder, "encoder")`, or the torch
adapter's tags for `fdl.Config(torch.nn.ReLU)`), so a rule keyed on a tag
reaches Fiddle configs, torch modules and PyGlove objects alike. Edits build
new configs through Fiddle's own copy; the user's config is never mutated,
shared sub-configs stay shared, and `fdl.build` of the result works.

    import glove_lab as gl, glove_lab.fiddle
    config = gl.rebind(config, {"encoder.dropout": 0.2})
    model = fdl.build(config)
"""

from __future__ import annotations

from typing import Any

from glove_lab.fiddle._kind import CALLABLE_KEY, buildable_kind, callable_name

__all__ = ["CALLABLE_KEY", "buildable_kind", "callable_name", "configures"]


def configures(*callables: Any) -> Any:
    """A `where=` predicate: true for a Fiddle buildable of one of `callables`.

    `gl.query(config, where=glove_lab.fiddle.configures(MyEncoder))`.
    """
    import fiddle as fdl

    wanted = tuple(callables)

    def predicate(node: Any) -> bool:
        if not isinstance(node, fdl.Buildable):
            return False
        fn = node.__fn_or_cls__
        return any(fn is c or (isinstance(fn, type) and isinstance(c, type) and issubclass(fn, c))
                   for c in wanted)

    return predicate
