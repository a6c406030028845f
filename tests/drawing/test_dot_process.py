"""The long-lived `dot` (drawing/_dot_process.py): same SVG as a fresh `dot`, same errors,
one process for many drawings, and a fresh start after anything goes wrong."""

from __future__ import annotations

import os
import signal
import subprocess

import graphviz
import pytest

import glove_lab as gl
from glove_lab.drawing import _dot_process
from glove_lab.drawing._dot_process import stop_running_dot, svg_from_running_dot
from glove_lab.drawing._render import render
from tests.e2e.e2e_models import hostile_net, small_net

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the long-lived dot is POSIX-only")


def fresh_dot(source: str) -> str:
    return graphviz.pipe_string("dot", "svg", source, encoding="utf-8", quiet=True)


def running_pid() -> int:
    assert _dot_process._running is not None
    return _dot_process._running.process.pid


def test_the_running_dot_draws_what_a_fresh_dot_draws_graph_after_graph():
    sources = [render(tree, highlight=highlight, budget=budget).source
               for tree, highlight, budget in [(small_net(), [], 150),
                                               (hostile_net(), [], 150),
                                               (small_net(), ["blocks[0]"], 4),
                                               (hostile_net(), [], 3)]]
    stop_running_dot()
    drawn = [svg_from_running_dot(source) for source in sources * 2]
    assert drawn == [fresh_dot(source) for source in sources * 2]
    # dot numbers later graphs as pages ("page0,1_graph0"); the answer must not show it
    assert all('id="graph0"' in svg for svg in drawn if svg)


def test_one_process_serves_many_drawings():
    stop_running_dot()
    gl.to_svg(small_net())
    pid = running_pid()
    for _ in range(3):
        gl.to_svg(hostile_net())
    assert running_pid() == pid


@pytest.mark.parametrize("source", [
    "digraph a { x -> }\n",  # a syntax error: dot would swallow the sentinel
    "digraph a { x [label=<<B>unclosed>] }\n",  # an HTML label error: dot still draws
])
def test_a_graph_dot_refuses_gives_none_and_the_next_drawing_starts_afresh(source):
    with pytest.raises(subprocess.CalledProcessError):
        fresh_dot(source)  # what to_svg's fallback raises for it
    stop_running_dot()
    gl.to_svg(small_net())
    pid = running_pid()
    assert svg_from_running_dot(source) is None
    assert _dot_process._running is None
    good = render(small_net()).source
    assert svg_from_running_dot(good) == fresh_dot(good)
    assert running_pid() != pid


def test_a_dead_dot_is_replaced():
    gl.to_svg(small_net())
    pid = running_pid()
    os.kill(pid, signal.SIGKILL)
    _dot_process._running.process.wait()
    source = render(hostile_net()).source
    assert svg_from_running_dot(source) == fresh_dot(source)
    assert running_pid() != pid


def test_without_dot_on_path_nothing_runs_and_to_svg_raises_as_before(monkeypatch, tmp_path):
    gl.to_svg(small_net())
    monkeypatch.setenv("PATH", str(tmp_path))
    assert svg_from_running_dot(render(small_net()).source) is None
    with pytest.raises(graphviz.ExecutableNotFound):
        gl.to_svg(small_net())
