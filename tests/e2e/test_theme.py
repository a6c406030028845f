"""The widget follows JupyterLab's dark theme: the graph's canvas is transparent, edges and
labels are light, plain boxes take the theme's colours, and the selection keeps one colour."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_loop import TIMEOUT, node, show_widget

pytestmark = pytest.mark.e2e

LUMINANCE = """(el) => {
  const c = getComputedStyle(el).fill.match(/[\\d.]+/g).map(Number);
  if (c.length === 4 && c[3] === 0) return -1;  // transparent
  return (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255;
}"""


def set_theme(page: Any, name: str, light: bool) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text="Settings").click()
    page.locator(".lm-Menu-itemLabel", has_text="Theme").first.hover()
    page.locator(".lm-Menu-itemLabel", has_text=name).first.click()
    page.wait_for_function(
        f"document.body.dataset.jpThemeLight === '{str(light).lower()}'", timeout=TIMEOUT)


def test_dark_theme(page, lab):
    name = "dark.ipynb"
    show_widget(page, lab, name)
    node(page, "blocks[1].conv").click()
    expect(node(page, "blocks[1].conv")).to_have_class("node glove-selected glove-cursor",
                                                       timeout=TIMEOUT)
    light_select = node(page, "blocks[1].conv").locator("title + path").evaluate(
        "el => getComputedStyle(el).stroke")
    set_theme(page, "JupyterLab Dark", light=False)
    try:
        page.wait_for_timeout(500)
        page.screenshot(path=str(ARTIFACTS / "15-dark-theme.png"))
        canvas = page.locator(".glove-graph svg > g.graph > polygon").first
        assert canvas.evaluate(LUMINANCE) == -1  # transparent: the pane's colour shows
        edge_label = page.locator(".glove-graph g.edge text").first
        assert edge_label.evaluate(LUMINANCE) > 0.6
        plain_box = node(page, "blocks[1]").locator("path").first
        assert 0 <= plain_box.evaluate(LUMINANCE) < 0.4
        assert node(page, "blocks[1]").locator("text").first.evaluate(LUMINANCE) > 0.6
        tinted_text = node(page, "blocks[1].conv").locator("text").first
        assert 0 <= tinted_text.evaluate(LUMINANCE) < 0.4  # dark text on the tag's tint
        dark_select = node(page, "blocks[1].conv").locator("title + path").evaluate(
            "el => getComputedStyle(el).stroke")
        # The legend: its label is light, the text on its tinted chips stays dark.
        legend = page.locator(".glove-graph svg > g.graph > text")
        assert legend.filter(has_text="tags").first.evaluate(LUMINANCE) > 0.6
        assert 0 <= legend.filter(has_text="convolution").first.evaluate(LUMINANCE) < 0.4
        assert dark_select != light_select  # the selection colour, lightened for the theme
        pane = page.locator(".glove-graph").evaluate("el => getComputedStyle(el).backgroundColor")
        assert pane not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
    finally:
        set_theme(page, "JupyterLab Light", light=True)
