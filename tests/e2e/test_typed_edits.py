"""In a real JupyterLab and Chromium: inspector edits are typed expressions (issue 14, item 7)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_loop import TIMEOUT, cells, node, open_notebook, run_cell, write_notebook

pytestmark = pytest.mark.e2e

SETUP = """\
%load_ext glove_lab
import glove_lab as gl
from e2e_models import small_net, Act
net = small_net()
width = 64"""


def test_a_typo_is_refused_and_an_expression_uses_the_notebooks_names(page, lab):
    name = write_notebook(lab, "typed_edits.ipynb", [
        SETUP,
        "%glove show net",
        "print('KERNEL', net.blocks[0].conv.kernel, type(net.blocks[0].conv.kernel).__name__,"
        " net.blocks[1].act.kind)",
    ])
    open_notebook(page, lab, name)
    run_cell(page, 0)
    run_cell(page, 1)
    page.locator(".glove-widget").wait_for(timeout=TIMEOUT)
    node(page, "blocks[0].conv").click()
    expect(page.locator(".glove-inspector .glove-path")).to_have_text("blocks[0].conv",
                                                                      timeout=TIMEOUT)
    edit = page.locator(".glove-inspector input[name='edit:kernel']")

    # A typo: the error line says why, and nothing changes.
    edit.fill("five")
    edit.press("Enter")
    expect(page.locator(".glove-error")).to_contain_text("five", timeout=TIMEOUT)
    expect(page.locator(".glove-error")).to_contain_text("nothing changed")
    expect(page.locator(".glove-history li")).to_have_count(0)
    # A string for an int field: refused by the field's type hint.
    edit = page.locator(".glove-inspector input[name='edit:kernel']")
    edit.fill("'5'")
    edit.press("Enter")
    expect(page.locator(".glove-error")).to_contain_text("expects int", timeout=TIMEOUT)
    page.screenshot(path=str(ARTIFACTS / "14-typed-edit-refused.png"))
    run_cell(page, 2)
    expect(cells(page).nth(2).locator(".jp-OutputArea")).to_contain_text(
        "KERNEL 3 int relu", timeout=TIMEOUT)

    # An expression over a notebook variable: evaluated in the kernel, the step is made.
    edit = page.locator(".glove-inspector input[name='edit:kernel']")
    edit.fill("width // 16")
    edit.press("Enter")
    expect(page.locator(".glove-history li")).to_have_count(1, timeout=TIMEOUT)
    expect(node(page, "blocks[0].conv")).to_contain_text("4", timeout=TIMEOUT)

    # A non-literal field (a subtree) is replaced by an expression using a notebook class.
    node(page, "blocks[1]").click()
    expect(page.locator(".glove-inspector .glove-path")).to_have_text("blocks[1]",
                                                                      timeout=TIMEOUT)
    act = page.locator(".glove-inspector input[name='edit:act']")
    expect(act).to_have_attribute("placeholder", "Act(kind='relu')")
    act.fill("Act('gelu')")
    act.press("Enter")
    expect(page.locator(".glove-history li")).to_have_count(2, timeout=TIMEOUT)

    run_cell(page, 2)
    expect(cells(page).nth(2).locator(".jp-OutputArea")).to_contain_text(
        "KERNEL 4 int gelu", timeout=TIMEOUT)

    # Clicking a field's name selects that leaf; the inspector then shows it.
    node(page, "blocks[0].conv").click()
    expect(page.locator(".glove-inspector .glove-path")).to_have_text("blocks[0].conv",
                                                                      timeout=TIMEOUT)
    page.locator(".glove-inspector .glove-arg-select", has_text="channels").click()
    expect(page.locator(".glove-inspector .glove-path")).to_have_text(
        "blocks[0].conv.channels", timeout=TIMEOUT)
    expect(page.locator(".glove-inspector input[name='edit:value']")).to_have_value("8")
    page.screenshot(path=str(ARTIFACTS / "14-typed-edit-leaf.png"))
    assert page.errors == []
