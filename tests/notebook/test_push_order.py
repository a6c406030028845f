"""What a view hears first after a click or a step: the inspector and history, then the
graph, then the palette and the rule preview (which may dry-run rules), so neither the
drawing nor the dry runs hold up what the user asked to see."""

from __future__ import annotations

from typing import Any

import glove_lab as gl
from glove_lab.notebook import GloveWidget
from tests.notebook.models import small_net
from tests.notebook.test_widget import front_end_event, front_end_update


def recorder(widget: GloveWidget) -> list[str]:
    """The order of synced changes (inspector, history, svg) and of palette/preview work."""
    events: list[str] = []
    for name in ("inspector", "history", "svg"):
        widget.observe(lambda change: events.append(change["name"]), names=[name])
    controller = widget.controller
    for name in ("palette", "current_preview"):
        inner = getattr(controller, name)

        def timed(*args: Any, _inner: Any = inner, _name: str = name, **kwargs: Any) -> Any:
            events.append(_name)
            return _inner(*args, **kwargs)
        setattr(controller, name, timed)
    return events


def test_a_click_sends_the_inspector_then_the_graph_then_works_out_the_palette():
    widget = GloveWidget(gl.Session(small_net(), name="net"))
    events = recorder(widget)
    front_end_update(widget, selection=["blocks[1].conv"])
    assert events.index("inspector") < events.index("svg") < events.index("palette")
    assert events.index("svg") < events.index("current_preview")
    assert widget.palette and widget.inspector["path"] == "blocks[1].conv"


def test_a_step_sends_the_graph_before_the_palette_and_the_preview_are_worked_out():
    widget = GloveWidget(gl.Session(small_net(), name="net"))
    widget.select("blocks[1].conv")
    front_end_event(widget, event="preview", rule="nbtest.widen", params={"factor": "3"},
                    scope="selection")
    events = recorder(widget)
    front_end_event(widget, event="apply", rule="nbtest.widen", params={"factor": "3"},
                    scope="selection", strict=True)
    assert len(widget.session.history) == 1
    assert events.index("history") < events.index("svg") < events.index("palette")
    assert events.index("svg") < events.index("current_preview")
    # The preview that follows is of the new tree (and what the palette says is current).
    assert widget.preview["rule"] == "nbtest.widen"
