"""The palette's rule preview (a dry run from the widget), `strict` from the widget, and
what a multi-selection has in common: driven by the messages a front end sends."""

from __future__ import annotations

from typing import Any

import pytest

import glove_lab as gl
from glove_lab.notebook import GloveWidget
from glove_lab.notebook._controller import Controller
from tests.notebook.models import Act, small_net
from tests.notebook.test_widget import front_end_event, front_end_update, node_classes


@pytest.fixture
def widget() -> GloveWidget:
    return GloveWidget(gl.Session(small_net(), name="net"))


def test_preview_counts_what_apply_then_does_and_changes_nothing(widget):
    widget.select("blocks[0].conv", "blocks[2].conv")
    front_end_event(widget, event="preview", rule="nbtest.widen", params={"factor": "3"},
                    scope="selection")
    preview: Any = widget.preview
    assert preview["count"] == 2
    assert preview["text"] == "would change 2 nodes"
    assert preview["nodes"] == ["blocks[0].conv", "blocks[2].conv"]
    assert set(preview["nodes"]) <= set(node_classes(widget.svg))  # drawn titles
    assert widget.session.history == [] and widget.error == ""
    front_end_event(widget, event="apply", rule="nbtest.widen", params={"factor": "3"},
                    scope="selection", strict=True)
    assert len(widget.session.history[-1].changed_paths) == 2
    assert "2 changes" in widget.status


def test_the_preview_follows_the_session_and_is_cached_per_tree_and_selection():
    session = gl.Session(small_net(), name="net")
    controller = Controller(session)
    controller.select(["blocks[1].act"])
    first = controller.preview("nbtest.swap_act", {"to": "silu"})
    assert controller.preview("nbtest.swap_act", {"to": "silu"}) is first  # cached
    session.apply("nbtest.swap_act", at=["blocks[1].act"], to="silu")
    after = controller.current_preview()
    assert after is not first
    assert after["count"] == 0
    assert after["text"] == ("would change nothing here: the rule returns these nodes "
                             "unchanged")


def test_changes_inside_collapsed_parts_are_counted_and_shown_on_their_placeholder():
    widget = GloveWidget(gl.Session(small_net(60), name="big"), budget=20)
    preview: Any = widget.preview_rule("nbtest.widen", scope="everywhere")
    classes = node_classes(widget.svg)
    assert preview["count"] == 60
    assert 0 < preview["hidden"] < 60
    assert preview["text"] == f"would change 60 nodes ({preview['hidden']} in collapsed parts)"
    assert all(title in classes for title in preview["nodes"])
    placeholders = [t for t in preview["nodes"] if "glove-collapsed" in classes[t]]
    assert placeholders
    drawn = [t for t in preview["nodes"] if "glove-collapsed" not in classes[t]]
    assert len(drawn) == 60 - preview["hidden"]


def test_a_failing_rule_previews_as_would_change_nothing_with_the_reason(widget):
    widget.select("blocks[0].act")
    preview: Any = widget.preview_rule("nbtest.explode")
    assert preview["count"] == 0
    assert preview["text"].startswith("would change nothing here: rule 'nbtest.explode' failed")
    assert "boom" in preview["text"] and "boom" in preview["error"]
    assert widget.error == "" and widget.session.history == []


def test_stopping_the_preview_clears_it(widget):
    widget.select("blocks[0].act")
    widget.preview_rule("nbtest.swap_act")
    assert widget.preview["count"] == 1
    front_end_event(widget, event="preview", rule="", params={}, scope="selection")
    assert widget.preview == {}


def test_a_rule_that_would_change_nothing_here_is_shown_disabled_and_says_why(widget):
    @gl.rule("nbtest.keep_act", on=gl.Match(type=Act))
    def keep_act(node: Act) -> Act:
        """Return the activation unchanged."""
        return node

    widget.select("blocks[0].act")
    forms = {form["name"]: form for form in widget.palette}
    assert forms["nbtest.keep_act"]["disabled"] == ""  # a click never runs a user's rule
    keep_act.preview_on_select = True  # as glove_lab's own rules are
    widget.select("blocks[1].act")
    widget.select("blocks[0].act")
    forms = {form["name"]: form for form in widget.palette}
    assert forms["nbtest.keep_act"]["disabled"] == (
        "would change nothing here: the rule returns these nodes unchanged")
    assert forms["nbtest.swap_act"]["disabled"] == ""
    # The palette and the preview agree.
    assert widget.preview_rule("nbtest.keep_act")["count"] == 0
    assert widget.preview["error"] == ""  # it runs, it just changes nothing
    assert widget.preview_rule("nbtest.swap_act")["count"] == 1


def test_every_builtin_rule_the_palette_offers_enabled_would_change_something(widget):
    for path in ("blocks[0].conv", "blocks[1].act", "blocks[2]", "blocks"):
        widget.select(path)
        for form in widget.palette:
            if (form["disabled"] or any(p["required"] for p in form["params"])
                    or not gl.patching.lookup(form["name"]).preview_on_select):
                continue  # a user's rule is not run on a click: its hover preview says
            assert widget.preview_rule(form["name"])["count"] > 0, (path, form["name"])


def test_not_strict_offers_rules_for_some_selected_nodes_and_skips_the_others(widget):
    widget.select("blocks[0].conv", "blocks[0].act")
    assert "nbtest.widen" not in [f["name"] for f in widget.palette]
    front_end_update(widget, strict=False)
    assert "nbtest.widen" in [f["name"] for f in widget.palette]
    assert widget.preview_rule("nbtest.widen")["text"] == (
        "would change 1 node; would skip 1 Act: not matched")
    front_end_event(widget, event="apply", rule="nbtest.widen", params={}, scope="selection",
                    strict=False)
    step = widget.session.history[-1]
    assert step.paths == ("blocks[0].conv",)
    assert "skipped 1 Act: not matched" in widget.status


def test_the_apply_message_carries_strict(widget):
    widget.select("blocks[0].conv", "blocks[0].act")
    front_end_event(widget, event="apply", rule="nbtest.widen", params={}, scope="selection",
                    strict=True)
    assert "does not match the node at 'blocks[0].act'" in widget.error
    assert widget.session.history == []


def test_several_selected_nodes_say_what_they_have_in_common(widget):
    widget.select("blocks[0].conv", "blocks[1].conv", "blocks[2].conv")
    assert widget.inspector["common"] == "all Conv · #convolution"
    widget.select("blocks[0].conv", "blocks[1].act", "blocks[2].act")
    assert widget.inspector["common"] == "mixed: 2 Act, 1 Conv"
    widget.select("blocks[0].conv")
    assert widget.inspector["common"] == ""


def test_a_preview_never_runs_the_code_typed_in_an_expression_field(widget):
    import sys

    widget.select("blocks[0].act")
    probe = "__import__('sys').modules.setdefault('glove_preview_probe', 1)"
    preview: Any = widget.preview_rule("glove.replace", value=probe)
    assert "glove_preview_probe" not in sys.modules
    assert preview["text"] == ("no preview: 'value' is Python code, run only when the rule is "
                               "applied")
    assert preview["error"] == preview["text"]  # Apply stays on (it runs the code then)


def test_a_click_never_runs_a_users_rule_and_a_failing_rule_stays_applicable(widget):
    ran = []

    @gl.rule("nbtest.counted", on=gl.Match(type=Act))
    def counted(node: Act) -> Act:
        """Count the calls."""
        ran.append(1)
        return node

    @gl.rule("nbtest.exits", on=gl.Match(type=Act))
    def exits(node: Act) -> Act:
        """Exit like argparse."""
        raise SystemExit(2)

    for path in ("blocks[0].act", "blocks[1].act", "blocks[2].act"):
        widget.select(path)
        assert "nbtest.counted" in [form["name"] for form in widget.palette]
    assert ran == []
    forms = {form["name"]: form for form in widget.palette}
    assert forms["nbtest.exits"]["disabled"] == ""  # applying it says why
    front_end_event(widget, event="apply", rule="nbtest.exits", params={}, scope="selection",
                    strict=True)
    assert "SystemExit(2)" in widget.error and widget.session.history == []


def test_a_slow_rule_is_not_previewed_past_the_time_limit_and_still_applies(widget, monkeypatch):
    import time

    from glove_lab.notebook import _controller

    monkeypatch.setattr(_controller, "PREVIEW_SECONDS", 0.2)
    calls = []

    @gl.rule("nbtest.slow", on=gl.Match(type=Act))
    def slow(node: Act, seconds: float = 30.0) -> Act:
        """Take a while."""
        calls.append(1)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            time.sleep(0.01)
        return Act("gelu")

    widget.select("blocks[0].act")
    started = time.monotonic()
    preview: Any = widget.preview_rule("nbtest.slow")
    assert time.monotonic() - started < 10  # stopped, not run for 30 s
    assert preview["count"] == 0 and calls == [1]
    assert preview["text"] == ("no preview: the rule ran longer than 0.2 s; apply it to see "
                               "what it changes")
    assert widget.error == "" and widget.session.history == []
    forms = {form["name"]: form for form in widget.palette}
    assert forms["nbtest.slow"]["disabled"] == ""
    # Applying runs it in full (no limit), and nothing of the stopped dry run lingers.
    front_end_event(widget, event="apply", rule="nbtest.slow", params={"seconds": "0.5"},
                    scope="selection", strict=True)
    assert widget.error == "" and len(widget.session.history) == 1
    time.sleep(0.5)  # a late expiry would surface here as an OutOfTime
    assert widget.session.tree.blocks[0].act.kind == "gelu"


def test_a_time_limit_that_is_not_reached_leaves_nothing_pending():
    import time

    from glove_lab.notebook._interrupt import OutOfTime, time_limit

    for _ in range(200):
        with time_limit(0.001):
            pass  # ends around the moment the timer fires: a pending expiry is dropped
    time.sleep(0.05)
    total = 0
    for i in range(100_000):
        total += i  # would be interrupted by a leftover OutOfTime
    assert total == 4_999_950_000
    try:
        with time_limit(0.05):
            while True:
                time.sleep(0.001)
    except OutOfTime:
        pass
    else:  # pragma: no cover - the loop only ends by the limit
        raise AssertionError("the time limit never fired")
