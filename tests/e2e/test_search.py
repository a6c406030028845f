"""Search in a real JupyterLab on a model too big to draw whole: find by tag, jump to a
match inside a collapsed placeholder (it is revealed and selected), select all matches,
and apply the rule the palette then offers to all of them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_loop import (
    TIMEOUT,
    node,
    open_notebook,
    output_text,
    run_cell,
    write_notebook,
)

pytestmark = pytest.mark.e2e


def test_search_jump_select_all_and_apply(page, lab):
    name = write_notebook(lab, "search.ipynb", [
        "%load_ext glove_lab\nfrom e2e_models import Net, Block, Conv, Act\n"
        "net = Net([Block(Conv(8), Act()) for i in range(60)])",
        "%glove show net",
        "print('CHANNELS', sorted({b.conv.channels for b in net.blocks}))",
    ])
    open_notebook(page, lab, name)
    run_cell(page, 0)
    run_cell(page, 1)
    page.wait_for_function("document.querySelector('.glove-graph g.node') !== null",
                           timeout=TIMEOUT)
    assert node(page, "blocks[55].conv").count() == 0  # collapsed at first

    # Ctrl+F from the widget goes to the search box; Enter searches.
    page.locator(".glove-widget").focus()
    page.keyboard.press("Control+f")
    expect(page.locator(".glove-search")).to_be_focused()
    page.keyboard.type("#convolution")
    page.keyboard.press("Enter")
    expect(page.locator(".glove-select-matches")).to_have_text("Select all 60", timeout=TIMEOUT)
    expect(page.locator(".glove-matches li.glove-match")).to_have_count(50)  # listed: 50

    # Jump to a match that is collapsed: it is drawn and selected.
    page.locator(".glove-search").fill("blocks[55].conv")
    page.locator(".glove-search").press("Enter")
    expect(page.locator(".glove-matches li.glove-match")).to_have_count(1, timeout=TIMEOUT)
    page.locator(".glove-match[data-path='blocks[55].conv']").click()
    expect(node(page, "blocks[55].conv")).to_have_count(1, timeout=TIMEOUT)
    expect(node(page, "blocks[55].conv")).to_have_class("node glove-selected")
    expect(page.locator(".glove-inspector .glove-path")).to_have_text("blocks[55].conv")
    # The breadcrumb of its ancestors: a click selects one.
    crumbs = page.locator(".glove-breadcrumb .glove-crumb")
    expect(crumbs).to_have_text(["$", "blocks", "[55]"])
    crumbs.nth(2).click()
    expect(page.locator(".glove-inspector .glove-path")).to_have_text("blocks[55]",
                                                                      timeout=TIMEOUT)

    # Select all matches of a tag: the palette offers what they share; apply it to all.
    page.locator(".glove-search").fill("#convolution")
    page.locator(".glove-search").press("Enter")
    expect(page.locator(".glove-select-matches")).to_have_text("Select all 60", timeout=TIMEOUT)
    page.locator(".glove-select-matches").click()
    expect(page.locator(".glove-selection-count")).to_have_text(
        "60 selected · showing the last one", timeout=TIMEOUT)
    # The 60 convolutions are drawn (a tall graph): the view stays readable (not fitted at
    # a few percent) and shows the first match.
    expect(node(page, "blocks[59].conv")).to_have_count(1, timeout=TIMEOUT)
    page.wait_for_function("() => { const g = document.querySelector('.glove-graph');"
                           " const b = [...g.querySelectorAll('g.node')].find(n =>"
                           " n.querySelector('title').textContent === 'blocks[0].conv')"
                           ".getBoundingClientRect(); const p = g.getBoundingClientRect();"
                           " return Number(g.getAttribute('data-zoom')) >= 0.6 &&"
                           " b.bottom > p.top && b.top < p.bottom &&"
                           " b.right > p.left && b.left < p.right; }", timeout=TIMEOUT)
    expect(page.locator(".glove-rule[data-rule='e2e.widen']")).to_have_count(1, timeout=TIMEOUT)
    page.screenshot(path=str(ARTIFACTS / "16-search-select-all.png"))
    page.locator(".glove-rule[data-rule='e2e.widen']").click()
    page.locator(".glove-form input[name=factor]").fill("3")
    page.locator(".glove-apply-selection").click()
    expect(page.locator(".glove-history li")).to_have_count(1, timeout=TIMEOUT)
    expect(page.locator(".glove-status")).to_contain_text("60 changes", timeout=TIMEOUT)
    run_cell(page, 2)
    expect(page.locator(".jp-Cell").nth(2).locator(".jp-OutputArea")).to_contain_text(
        "CHANNELS [24]", timeout=TIMEOUT)
    assert "CHANNELS [24]" in output_text(page, 2)
    assert page.errors == []
