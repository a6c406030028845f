"""Zoom and pan in a real JupyterLab: Ctrl+wheel zooms around the pointer, dragging pans
(without selecting), Fit shows the whole graph, 100% is actual size, and the pane's
height is resizable and remembered."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_loop import TIMEOUT, node, run_cell, show_widget

pytestmark = pytest.mark.e2e


def zoom(page: Any) -> float:
    return float(page.locator(".glove-graph").get_attribute("data-zoom") or "nan")


def centre(locator: Any) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_zoom_pan_fit_and_resize(page, lab):
    name = "zoom.ipynb"
    show_widget(page, lab, name)
    graph = page.locator(".glove-graph")
    svg = page.locator(".glove-graph svg")

    # Opens fitted: the whole graph inside the pane.
    assert zoom(page) <= 1
    pane, picture = graph.bounding_box(), svg.bounding_box()
    assert picture["width"] <= pane["width"] and picture["height"] <= pane["height"]

    # 100%: the graph's natural size (graphviz pt -> px).
    page.locator(".glove-zoom-actual-button").click()
    assert zoom(page) == 1
    natural = page.evaluate("() => parseFloat(document.querySelector('.glove-graph svg')"
                            ".getAttribute('width')) * 4 / 3")
    assert abs(svg.bounding_box()["width"] - natural) < 1.5
    expect(page.locator(".glove-zoom-level")).to_have_text("100%")

    # Ctrl+wheel over a node zooms in around the pointer: that node stays put.
    target = node(page, "blocks[1].conv")
    x, y = centre(target)
    page.mouse.move(x, y)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -300)
    page.keyboard.up("Control")
    page.wait_for_function("Number(document.querySelector('.glove-graph')"
                           ".getAttribute('data-zoom')) > 1.2", timeout=TIMEOUT)
    x2, y2 = centre(target)
    assert abs(x2 - x) < 3 and abs(y2 - y) < 3, (x, y, x2, y2)
    assert page.evaluate("() => document.querySelectorAll('.glove-cell, .jp-Cell').length") == 2
    page.screenshot(path=str(ARTIFACTS / "13-zoomed-at-pointer.png"))

    # Select a node (the click lands on it although the graph takes the focus), then
    # drag the background: the view pans, the selection stays.
    target.click()
    expect(target).to_have_class("node glove-selected glove-cursor")
    left = graph.evaluate("el => [el.scrollLeft, el.scrollTop]")
    box = graph.bounding_box()
    start = (box["x"] + 20, box["y"] + box["height"] - 30)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(start[0] - 60, start[1] - 40, steps=5)
    page.mouse.up()
    after = graph.evaluate("el => [el.scrollLeft, el.scrollTop]")
    assert after[0] > left[0] or after[1] > left[1], (left, after)
    expect(target).to_have_class("node glove-selected glove-cursor")

    # Fit: back to the whole graph.
    page.locator(".glove-zoom-fit-button").click()
    assert zoom(page) <= 1
    pane, picture = graph.bounding_box(), svg.bounding_box()
    assert picture["width"] <= pane["width"] + 1 and picture["height"] <= pane["height"] + 1

    # The pane is resizable from its bottom edge, and the height is remembered.
    box = graph.bounding_box()
    page.mouse.move(box["x"] + box["width"] - 3, box["y"] + box["height"] - 3)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 3, box["y"] + box["height"] + 117, steps=5)
    page.mouse.up()
    taller = graph.bounding_box()["height"]
    assert taller > box["height"] + 80
    run_cell(page, 1)  # a new view of the widget
    page.wait_for_function("document.querySelector('.glove-graph g.node') !== null",
                           timeout=TIMEOUT)
    assert abs(page.locator(".glove-graph").bounding_box()["height"] - taller) < 2
    assert page.errors == []
