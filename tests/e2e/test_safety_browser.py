"""In a real JupyterLab and Chromium: a rule raising SystemExit from the palette (issue 10)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_loop import (
    TIMEOUT,
    cells,
    node,
    open_and_choose,
    render_id,
    run_cell,
    show_widget,
    wait_for_new_render,
)

pytestmark = pytest.mark.e2e

SETUP = """\
%load_ext glove_lab
import sys
import glove_lab as gl
from e2e_models import small_net, Conv
@gl.rule("e2e.exits", on=gl.Match(tag="convolution"))
def exits(node: Conv) -> Conv:
    '''A rule whose argparse helper exits.'''
    sys.exit(2)
net = small_net()
keep = 41"""


def test_a_rule_raising_system_exit_keeps_the_kernel_and_the_widget(page, lab):
    open_and_choose(page, lab, "system_exit.ipynb", [
        SETUP,
        "%glove show net",
        "print('ALIVE', keep + 1, len(gl.Session(net).history))",
    ], "blocks[0].conv", "e2e.exits")
    page.locator(".glove-apply-selection").click()
    expect(page.locator(".glove-error")).to_contain_text("SystemExit(2)", timeout=TIMEOUT)
    expect(page.locator(".glove-error")).to_contain_text("nothing changed")
    expect(page.locator(".glove-history li")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "10-system-exit.png"))
    # the kernel is alive and keeps its variables, and the widget applies the next rule
    assert_kernel_and_widget_live(page, "ALIVE 42 0")


SLOW = """\
%load_ext glove_lab
import time
from pathlib import Path
import glove_lab as gl
from e2e_models import small_net, Conv
@gl.rule("e2e.slow", on=gl.Match(tag="convolution"))
def slow(node: Conv) -> Conv:
    '''A rule that takes a minute.'''
    Path('slow-started').touch()
    for _ in range(1200):
        time.sleep(0.05)
    return node
net = small_net()
original = net"""


def test_a_long_rule_shows_busy_and_the_kernel_interrupt_says_nothing_changed(page, lab):
    open_and_choose(page, lab, "interrupt.ipynb", [
        SLOW,
        "%glove show net",
        "print('SAME', net is original, len(gl.Session(net).history))",
    ], "blocks[0].conv", "e2e.slow")
    page.locator(".glove-apply-selection").click()
    # Busy while the rule runs: the spinner line and aria-busy on the widget.
    expect(page.locator(".glove-busy")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(".glove-widget")).to_have_attribute("aria-busy", "true")
    page.screenshot(path=str(ARTIFACTS / "10-busy.png"))
    # Once the rule runs (the front end shows busy as soon as it sends Apply), interrupt
    # the kernel through the server's REST API, what Kernel > Interrupt calls.
    started = lab.root / "slow-started"
    for _ in range(600):
        if started.exists():
            break
        page.wait_for_timeout(100)
    assert started.exists(), "the slow rule never started"
    page.wait_for_timeout(300)
    [kernel] = lab.api("/api/kernels")
    lab.api(f"/api/kernels/{kernel['id']}/interrupt", method="POST")
    expect(page.locator(".glove-error")).to_contain_text("Interrupted, nothing changed",
                                                         timeout=TIMEOUT)
    expect(page.locator(".glove-busy")).to_be_hidden()
    expect(page.locator(".glove-history li")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "10-interrupted.png"))
    assert_kernel_and_widget_live(page, "SAME True 0")


DEEP = """\
import glove_lab as gl
from glove_lab.notebook import GloveWidget
deep = [0]
for _ in range(10_000):
    deep = [deep]
w = GloveWidget(gl.Session(deep, name='deep'))
w.select('[0]' * 9_999)
w"""


def test_a_node_10000_levels_deep_is_shown_selected_with_one_elided_run(page, lab):
    show_widget(page, lab, "deep.ipynb", (DEEP,))
    graph = page.locator(".glove-graph")
    elided = graph.locator("g.node.glove-elided")
    expect(elided).to_have_count(1, timeout=TIMEOUT)
    expect(elided).to_contain_text("levels")
    expect(graph.locator("g.node.glove-selected")).to_have_count(1)
    assert graph.locator("g.node").count() <= 20
    # The inspector's breadcrumb: the top and nearest ancestors, the rest one gap.
    breadcrumb = page.locator(".glove-breadcrumb")
    expect(breadcrumb.locator(".glove-crumb-gap")).to_contain_text("levels")
    expect(breadcrumb.locator(".glove-crumb")).to_have_count(9)
    page.screenshot(path=str(ARTIFACTS / "10-deep.png"))
    # Clicking the elided run opens the levels below its start.
    first = elided.locator("title").text_content() or ""
    before = render_id(page)
    elided.click()
    wait_for_new_render(page, before)
    expect(node(page, first + "[0]")).to_have_count(1)
    expect(graph.locator("g.node.glove-selected")).to_have_count(1)
    assert page.errors == []


def assert_kernel_and_widget_live(page: Any, printed: str) -> None:
    """Cell 2 prints `printed` (the kernel kept its variables), and the next rule applies."""
    run_cell(page, 2)
    expect(cells(page).nth(2).locator(".jp-OutputArea")).to_contain_text(printed,
                                                                         timeout=TIMEOUT)
    node(page, "blocks[0].conv").click()
    page.locator(".glove-rule[data-rule='glove.rebind']").click()
    page.locator(".glove-form input[name=values]").fill("{'kernel': 5}")
    page.locator(".glove-apply-selection").click()
    expect(page.locator(".glove-history li")).to_have_count(1, timeout=TIMEOUT)
    assert page.errors == []
