"""Notebooks that keep their pictures: the widget's output carries a static, sanitized
SVG of the current view, so a saved notebook shows the graph without the live widget
(reopened with a fresh kernel, `nbconvert --to html`); the view also saves as an SVG file."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_loop import (
    TIMEOUT,
    cells,
    node,
    open_notebook,
    render_id,
    show_widget,
    wait_for_new_render,
)

pytestmark = pytest.mark.e2e
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def widget_output(path: Path) -> dict:
    """The one widget output saved in the notebook ({} before it is saved)."""
    notebook = nbformat.read(path, as_version=4)
    found = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])
             if WIDGET_VIEW in o.get("data", {})]
    assert len(found) <= 1, found
    return found[0] if found else {"data": {}}


def test_a_saved_notebook_keeps_the_current_picture(page, lab):
    name = "saved.ipynb"
    show_widget(page, lab, name)

    # A step changes the view; the notebook's picture follows it.
    node(page, "blocks[1].conv").click()
    page.locator(".glove-rule[data-rule='e2e.widen']").click()
    page.locator(".glove-form input[name=factor]").fill("3")
    before = render_id(page)
    page.locator(".glove-apply-selection").click()
    wait_for_new_render(page, before)
    expect(node(page, "blocks[1].conv")).to_contain_text("48", timeout=TIMEOUT)

    # Save as SVG from the widget: the sanitized picture of the view.
    with page.expect_download() as download:
        page.locator(".glove-save-svg").click()
    saved_svg = Path(download.value.path()).read_text()
    assert download.value.suggested_filename == "net.svg"
    assert saved_svg.startswith("<svg") and "48" in saved_svg and "<script" not in saved_svg

    page.wait_for_timeout(800)  # the picture is written 0.3 s after a redraw
    # Ctrl+S pressed inside the widget still saves (handed on to JupyterLab).
    page.locator(".glove-graph").focus()
    page.keyboard.press("Control+s")
    path = lab.root / name
    deadline = 60
    for _ in range(deadline * 4):
        output = widget_output(path)
        if "48" in output["data"].get("image/svg+xml", ""):
            break
        page.wait_for_timeout(250)
    picture = widget_output(path)["data"]["image/svg+xml"]
    assert "48" in picture and ">16<" not in picture.replace(" ", "")  # the current view
    assert "blocks[1].conv" in picture and "<script" not in picture and "onclick" not in picture
    # Saving did not draw a second view of the widget.
    expect(page.locator(".glove-widget")).to_have_count(1)

    # nbconvert --to html (no widget state saved): the picture is in the page.
    result = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html",
                             "--stdout", str(path)], capture_output=True, text=True,
                            check=False, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    images = [base64.b64decode(m).decode() for m in
              re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', result.stdout)]
    assert len(images) == 1 and "blocks[1].conv" in images[0] and "48" in images[0]

    # Reopened with a fresh kernel (the widget is gone from it): the picture shows.
    lab.shutdown_kernels()
    open_notebook(page, lab, name)
    static = page.locator(".glove-static svg")
    expect(static).to_have_count(1, timeout=TIMEOUT)
    expect(static).to_contain_text("48")
    expect(page.locator(".glove-widget")).to_have_count(0)
    assert cells(page).count() == 2
    page.screenshot(path=str(ARTIFACTS / "12-saved-notebook-no-widget.png"))
    assert json.dumps(page.errors).count("glove") == 0
