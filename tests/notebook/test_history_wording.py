"""The history and the status line name a step once: no row or message repeats it."""

from __future__ import annotations

import glove_lab as gl
from glove_lab.notebook._controller import Controller
from glove_lab.notebook._plain import PlainGloveWidget


@gl.symbolize(hyper=("kernel",))
class Conv:
    def __init__(self, channels: int, kernel: int = 3):
        self.channels, self.kernel = channels, kernel


def widen(node: Conv, factor: int = 2) -> Conv:
    """Widen a convolution."""
    return Conv(node.channels * factor, node.kernel)


def controller(n: int = 2) -> Controller:
    gl.rule("wording.widen", gl.Match(type=Conv), replace=True)(widen)
    return Controller(gl.Session([Conv(4 * (i + 1)) for i in range(n)], name="net"))


def test_a_history_row_names_the_step_once_and_its_summary_says_what_it_did():
    c = controller()
    assert c.select(["[0]"]) and c.apply("wording.widen", {"factor": "3"})
    assert c.apply("wording.widen", {}, scope="everywhere")
    first, second = c.history()
    assert (first["rule"], first["params"], first["paths"], first["summary"]) == (
        "wording.widen", "factor=3", "[0]", "1 change")
    assert (second["paths"], second["summary"]) == ("everywhere", "2 changes")
    for entry in c.history():
        assert entry["rule"] not in entry["summary"]


def test_setting_a_value_says_the_step_once():
    c = controller()
    assert c.set_value("[1]", "kernel", "5")
    assert c.status == "Set kernel = 5 at [1]: 1 change"
    assert c.status.count("kernel") == 1


def test_a_step_at_thousands_of_paths_keeps_its_history_row_short():
    c = controller(n=2_000)
    paths = [f"[{i}]" for i in range(2_000)]
    assert c.select(paths) and c.apply("wording.widen", {})
    (entry,) = c.history()
    assert entry["paths"] == "[0], [1], [2] (+1997)"
    assert entry["summary"] == "2000 changes"


def test_the_plain_view_writes_each_step_as_one_whole_line():
    session = gl.Session([Conv(4), Conv(8)], name="net")
    gl.rule("wording.widen", gl.Match(type=Conv), replace=True)(widen)
    view = PlainGloveWidget(session)
    session.apply("wording.widen", at=["[0]"], params={"factor": 3})
    view.refresh()
    assert "wording.widen(factor=3) at [0]: 1 change" in view.history.value
