"""Property: no sequence of good and failing steps loses or corrupts work (issue 10)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import glove_lab as gl
from glove_lab.notebook import GloveWidget
from tests.notebook.test_widget import front_end_event, front_end_update
from tests.safety.test_rule_faults import Cell, Pair

FAULTS = [ValueError, KeyError, RecursionError, MemoryError, SystemExit, GeneratorExit,
          gl.GloveError]


def fresh() -> Pair:
    return Pair(Cell(1), [Cell(2), Cell(3)])


def raising(fault: type[BaseException]) -> gl.Rule:
    def boom(node: Cell) -> Cell:
        raise fault("boom")

    return gl.Rule(f"prop.raise_{fault.__name__}", boom, on=gl.Match(type=Cell))


def mutating(node: Cell) -> Cell:
    node.x = -1
    return node


MUTATE = gl.Rule("prop.mutate", mutating, on=gl.Match(type=Cell))
PATHS = ["left", "right[0]", "right[1]"]

step = st.one_of(
    st.tuples(st.just("good"), st.sampled_from(PATHS), st.integers(-5, 5)),
    st.tuples(st.just("raise"), st.sampled_from(FAULTS), st.sampled_from(PATHS)),
    st.tuples(st.just("mutate"), st.sampled_from(PATHS), st.none()),
    st.tuples(st.just("listener"), st.sampled_from(PATHS), st.integers(-5, 5)),
    st.tuples(st.just("undo"), st.none(), st.none()),
    st.tuples(st.just("widget_raise"), st.sampled_from(FAULTS), st.sampled_from(PATHS)),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(step, max_size=12))
def test_random_faults_never_change_the_original_or_the_history(steps: list[Any]) -> None:
    original = fresh()
    session = gl.Session(original, name="tree")
    widget = GloveWidget(session)
    widget.send = lambda content, buffers=None: None
    fail_next = [False]

    def flaky_listener(event: str, s: gl.Session) -> None:
        if fail_next[0] and event != "rollback":
            fail_next[0] = False
            raise RuntimeError("listener bug")

    session.subscribe(flaky_listener)
    applied = 0
    for kind, a, b in steps:
        before = (session.tree, list(session.history))
        if kind == "good":
            session.replace(f"{a}.x", b)
            applied += 1
        elif kind == "undo":
            if session.undo() is not None:
                applied -= 1
        elif kind == "widget_raise":
            front_end_update(widget, selection=[b])
            rule = raising(a)
            gl.register_rule(rule, replace=True)
            front_end_event(widget, event="apply", rule=rule.name, scope="selection")
            assert widget.error and widget.busy is False
        else:
            fail_next[0] = kind == "listener"
            rule = raising(a) if kind == "raise" else MUTATE
            try:
                if kind == "listener":
                    session.replace(f"{a}.y", b)
                else:
                    session.apply(rule, at=[b if kind == "raise" else a])
            except gl.GloveError:
                pass
            else:
                raise AssertionError(f"{kind} step was not refused")
        if kind not in ("good", "undo"):  # a refused step changes nothing at all
            assert session.tree is before[0] and session.history == before[1]
        # the original is never touched, the history matches what succeeded
        assert gl.eq(original, fresh()) and "x" not in vars(original.left)
        assert len(session.history) == applied
        assert widget.can_undo == session.can_undo
    # export replays; undo^k restores the very original
    namespace: dict[str, Any] = {"tree": fresh()}
    exec(session.export(), namespace)
    assert gl.eq(namespace["tree"], session.tree)
    for _ in range(applied):
        session.undo()
    assert session.tree is original
    widget.close()
