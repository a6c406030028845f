"""Rule preview in a real JupyterLab on a ResNet-50-shaped torch model: search BatchNorm2d,
select all 53 matches (the view stays readable, at the first match), hover the BN->GN rule
(the palette says "would change 53 nodes" and the graph outlines them, dashed), type a bad
value (the preview says why it would change nothing), Apply (the status says
53 changes and the kernel's model has 53 GroupNorms), then Undo (the rule and its typed
value are still chosen)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_loop import TIMEOUT, node, output_text, run_cell, show_widget

pytestmark = pytest.mark.e2e

SOURCES = (
    "%load_ext glove_lab\nimport glove_lab.torch\n"
    "from benchmarks._torch_models import resnet50_like\nmodel = resnet50_like()",
    "%glove show model",
    "import torch\nprint('NORMS', sorted({type(m).__name__ for m in model.modules()\n"
    "                     if 'Norm' in type(m).__name__}),\n"
    "      sum(isinstance(m, torch.nn.GroupNorm) for m in model.modules()))",
)


def visible_in_pane(page, locator) -> bool:
    box, pane = locator.bounding_box(), page.locator(".glove-graph").bounding_box()
    return (box is not None and box["x"] < pane["x"] + pane["width"] and
            box["x"] + box["width"] > pane["x"] and box["y"] < pane["y"] + pane["height"] and
            box["y"] + box["height"] > pane["y"])


def test_search_select_all_preview_apply_undo_on_a_resnet50(page, lab):
    show_widget(page, lab, "preview.ipynb", SOURCES)
    expect(page.locator(".jp-Cell").nth(2).locator(".jp-OutputArea")).to_contain_text(
        "NORMS ['BatchNorm2d'] 0", timeout=TIMEOUT)
    widget = page.locator(".glove-widget")

    page.locator(".glove-search").fill("BatchNorm2d")
    page.locator(".glove-search").press("Enter")
    expect(page.locator(".glove-select-matches")).to_have_text("Select all 53", timeout=TIMEOUT)
    page.locator(".glove-select-matches").click()
    expect(page.locator(".glove-selection-count")).to_have_text(
        "53 selected · showing the last one", timeout=TIMEOUT)
    expect(page.locator(".glove-selection-common")).to_have_text(
        "all BatchNorm2d · #normalization")
    expect(page.locator(".glove-graph g.node.glove-selected")).to_have_count(53,
                                                                            timeout=TIMEOUT)
    # Readable, at the first match: not the whole tall graph fitted at a few percent.
    page.wait_for_function("Number(document.querySelector('.glove-graph')"
                           ".getAttribute('data-zoom')) >= 0.6", timeout=TIMEOUT)
    page.wait_for_function("() => { const g = document.querySelector('.glove-graph g.node"
                           ".glove-selected'); const p = document.querySelector('.glove-graph')"
                           ".getBoundingClientRect(); const b = g.getBoundingClientRect();"
                           " return b.bottom > p.top && b.top < p.bottom; }", timeout=TIMEOUT)

    # Hover the rule: its preview count, and the nodes it would change outlined (dashed).
    rule = page.locator(".glove-rule[data-rule='torch.bn_to_gn']")
    rule.hover()
    expect(rule.locator(".glove-rule-preview")).to_have_text("would change 53 nodes",
                                                             timeout=TIMEOUT)
    previewed = page.locator(".glove-graph g.node.glove-preview")
    expect(previewed).to_have_count(53)
    assert any(visible_in_pane(page, previewed.nth(i)) for i in range(3))
    dash = page.evaluate("() => getComputedStyle(document.querySelector("
                         "'.glove-graph g.node.glove-preview > title + *'))"
                         ".strokeDasharray")
    assert dash not in ("", "none")  # distinct from the selection's solid outline
    page.screenshot(path=str(ARTIFACTS / "30-preview-bn-to-gn.png"))

    # Choose it: the form previews the typed values; a bad one says why.
    rule.click()
    form = page.locator(".glove-form[data-rule='torch.bn_to_gn']")
    expect(form.locator(".glove-preview-text")).to_have_text("would change 53 nodes")
    expect(form.locator("input.glove-strict")).to_be_checked()
    form.locator("input[name=groups]").fill("0")
    expect(form.locator(".glove-preview-text")).to_contain_text(
        "would change nothing here: rule 'torch.bn_to_gn' failed", timeout=TIMEOUT)
    form.locator("input[name=groups]").fill("4")
    expect(form.locator(".glove-preview-text")).to_have_text("would change 53 nodes",
                                                             timeout=TIMEOUT)
    expect(form.locator(".glove-apply-selection")).to_be_enabled()

    form.locator(".glove-apply-selection").click()
    expect(page.locator(".glove-history li")).to_have_count(1, timeout=TIMEOUT)
    expect(page.locator(".glove-status")).to_contain_text("53 changes", timeout=TIMEOUT)
    run_cell(page, 2)  # the kernel's model changed
    expect(page.locator(".jp-Cell").nth(2).locator(".jp-OutputArea")).to_contain_text(
        "NORMS ['GroupNorm'] 53", timeout=TIMEOUT)
    assert "NORMS ['GroupNorm'] 53" in output_text(page, 2)

    # Undo (Ctrl+Z in the widget): the rule is still chosen, with the value typed.
    widget.focus()
    page.keyboard.press("Control+z")
    expect(page.locator(".glove-history li.glove-undone")).to_have_count(1, timeout=TIMEOUT)
    chosen = page.locator(".glove-rule.glove-rule-selected")
    expect(chosen).to_have_attribute("data-rule", "torch.bn_to_gn", timeout=TIMEOUT)
    expect(page.locator(".glove-form[data-rule='torch.bn_to_gn'] input[name=groups]")
           ).to_have_value("4")
    assert node(page, "bn1").count() == 1
    assert page.errors == []

