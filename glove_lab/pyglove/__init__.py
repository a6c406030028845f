"""PyGlove adapter: `import glove_lab.pyglove` makes PyGlove's symbolic values tree nodes.

`pg.Object` subclasses (your classes, `pg.symbolize`d classes and functions,
functors), `pg.List` and `pg.Dict` become node kinds: their children are
their symbolic init arguments (defaults included), elements and entries.
`gl.query`, `gl.apply`, undo, the widget and export then work on a PyGlove
tree as on any other, and every edit builds new PyGlove values: the user's
objects are never `rebind`ed. Tags are glove_lab's (`gl.tag(PgClass, "x")`;
a `pg.symbolize`d torch layer inherits the torch adapter's tags). PyGlove's
own patchers (`@pg.patcher`) are offered as rules named `pyglove.<patcher>`.

    import glove_lab as gl, glove_lab.pyglove
    model = gl.apply(model, "pyglove.set_lr?lr=0.1")   # a @pg.patcher, persistently
"""

from __future__ import annotations

from glove_lab.patching import register_rule_source
from glove_lab.pyglove._kind import dict_kind, list_kind, object_kind
from glove_lab.pyglove._patchers import RULE_PREFIX, patcher_rule, register_patchers

__all__ = ["RULE_PREFIX", "dict_kind", "list_kind", "object_kind", "patcher_rule",
           "register_patchers"]

register_rule_source(register_patchers)
