"""The notebook loop in a real JupyterLab and Chromium: graph -> click -> rule -> undo -> export.

Screenshots land in test-artifacts/ for people to look at.
"""

from __future__ import annotations

import json
from typing import Any

import nbformat
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e
TIMEOUT = 60_000


def write_notebook(lab: Any, name: str, sources: list[str]) -> str:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, lab.root / name)
    return name


def open_notebook(page: Any, lab: Any, name: str) -> None:
    page.goto(lab.url(f"/lab/tree/{name}?reset"))  # reset: no tabs restored from earlier tests
    page.wait_for_selector(".jp-NotebookPanel:visible .jp-Cell", timeout=TIMEOUT)
    page.wait_for_selector("#jp-main-statusbar >> text=Idle", timeout=TIMEOUT)


def cells(page: Any) -> Any:
    return page.locator(".jp-NotebookPanel:visible .jp-Cell")


def run_cell(page: Any, index: int) -> None:
    """Run one cell and wait until its prompt shows a new execution count.

    A key press can be lost while the kernel's websocket settles (JUPYTER-NOTES),
    so it is retried.
    """
    cell = cells(page).nth(index)
    prompt = cell.locator(".jp-InputPrompt")
    before = prompt.inner_text().strip()
    for _attempt in range(3):
        prompt.click()
        page.keyboard.press("Escape")
        page.keyboard.press("Control+Enter")
        try:
            page.wait_for_function(
                "([el, before]) => /\\[\\d+\\]:/.test(el.textContent) && "
                "el.textContent.trim() !== before",
                arg=[prompt.element_handle(), before], timeout=TIMEOUT // 2)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"cell {index} never ran (prompt stayed {before!r})")


SMALL_NET = "%load_ext glove_lab\nfrom e2e_models import small_net\nnet = small_net()"


def show_widget(page: Any, lab: Any, name: str,
                sources: tuple[str, ...] = (SMALL_NET, "%glove show net")) -> None:
    """Write a notebook whose cells end with `%glove show`, open it, run them, await the graph."""
    write_notebook(lab, name, list(sources))
    open_notebook(page, lab, name)
    for index in range(len(sources)):
        run_cell(page, index)
    page.wait_for_function("document.querySelector('.glove-graph g.node') !== null",
                           timeout=TIMEOUT)


def open_and_choose(page: Any, lab: Any, name: str, sources: list[str], path: str,
                    rule: str) -> None:
    """Write and open a notebook, run its first two cells (the second shows the widget),
    click the node at `path` (its inspector shows) and choose `rule` in the palette."""
    open_notebook(page, lab, write_notebook(lab, name, sources))
    run_cell(page, 0)
    run_cell(page, 1)
    page.locator(".glove-widget").wait_for(timeout=TIMEOUT)
    node(page, path).click()
    expect(page.locator(".glove-inspector")).to_contain_text(path, timeout=TIMEOUT)
    page.locator(f".glove-rule[data-rule='{rule}']").click()


def output_text(page: Any, index: int) -> str:
    return cells(page).nth(index).locator(".jp-OutputArea").inner_text()


def node(page: Any, title: str) -> Any:
    return page.locator(".glove-graph g.node",
                        has=page.locator(f"title:text-is({json.dumps(title)})"))


def render_id(page: Any) -> int:
    return int(page.locator(".glove-graph").get_attribute("data-render-id") or 0)


def wait_for_new_render(page: Any, before: int) -> None:
    page.wait_for_function(
        f"Number(document.querySelector('.glove-graph').getAttribute('data-render-id')) > {before}",
        timeout=TIMEOUT)


def test_click_apply_undo_redo_export_reproduces_the_model(page, lab):
    name = write_notebook(lab, "loop.ipynb", [
        "%load_ext glove_lab\nimport glove_lab as gl\nfrom e2e_models import small_net\n"
        "net = small_net()\noriginal = net",
        "%glove show net",
        "patched = net\nnet = original\nprint('RESET')",
        "print('EQUAL', gl.eq(net, patched), net.blocks[1].conv.channels)",
    ])
    open_notebook(page, lab, name)
    run_cell(page, 0)
    run_cell(page, 1)
    page.locator(".glove-widget").wait_for(timeout=TIMEOUT)
    page.wait_for_function("document.querySelector('.glove-graph g.node') !== null",
                           timeout=TIMEOUT)
    page.screenshot(path=str(ARTIFACTS / "01-widget-opened.png"))

    # Click a node: it is selected and inspected.
    node(page, "blocks[1].conv").click()
    expect(page.locator(".glove-inspector")).to_contain_text("blocks[1].conv", timeout=TIMEOUT)
    expect(page.locator(".glove-inspector")).to_contain_text("convolution")

    # Apply a rule from the palette to the selection: the graph changes.
    page.locator(".glove-rule[data-rule='e2e.widen']").click()
    page.locator(".glove-form input[name=factor]").fill("3")
    before = render_id(page)
    page.locator(".glove-apply-selection").click()
    wait_for_new_render(page, before)
    expect(node(page, "blocks[1].conv")).to_contain_text("48", timeout=TIMEOUT)
    expect(page.locator(".glove-history li")).to_have_count(1)
    page.screenshot(path=str(ARTIFACTS / "02-after-apply.png"))

    # Undo and redo.
    page.locator(".glove-undo").click()
    expect(node(page, "blocks[1].conv")).to_contain_text("16", timeout=TIMEOUT)
    expect(page.locator(".glove-history li.glove-undone")).to_have_count(1)
    page.locator(".glove-redo").click()
    expect(node(page, "blocks[1].conv")).to_contain_text("48", timeout=TIMEOUT)

    # The same with the keyboard, the widget focused (notebook shortcuts must not fire).
    count = cells(page).count()
    page.locator(".glove-widget").focus()
    page.keyboard.press("Control+z")
    expect(node(page, "blocks[1].conv")).to_contain_text("16", timeout=TIMEOUT)
    page.keyboard.press("Control+Shift+Z")
    expect(node(page, "blocks[1].conv")).to_contain_text("48", timeout=TIMEOUT)
    assert cells(page).count() == count

    # Edit a hyperparameter in the inspector: Enter makes it a step.
    node(page, "blocks[0].conv").click()
    # Wait for the server's inspector of the new selection (the old one has a kernel field too).
    expect(page.locator(".glove-inspector .glove-path")).to_have_text("blocks[0].conv",
                                                                      timeout=TIMEOUT)
    edit = page.locator(".glove-inspector input[name='edit:kernel']")
    edit.fill("5")
    edit.press("Enter")
    expect(node(page, "blocks[0].conv")).to_contain_text("5", timeout=TIMEOUT)
    expect(page.locator(".glove-history li")).to_have_count(2, timeout=TIMEOUT)

    # Export: a new cell appears below the widget's cell.
    count = cells(page).count()
    page.locator(".glove-export").click()
    expect(cells(page)).to_have_count(count + 1, timeout=TIMEOUT)
    exported = cells(page).nth(2).locator(".jp-InputArea-editor").inner_text()
    assert "gl.apply(net, 'e2e.widen', at=['blocks[1].conv'], params={'factor': 3})" in exported
    assert "net = gl.rebind(net, {'blocks[0].conv.kernel': 5})" in exported
    page.screenshot(path=str(ARTIFACTS / "03-exported-cell.png"))

    # Run it on the original model: the kernel confirms it equals the session's tree.
    run_cell(page, 3)  # patched = net; net = original
    expect(cells(page).nth(3).locator(".jp-OutputArea")).to_contain_text("RESET")
    run_cell(page, 2)  # the exported cell
    run_cell(page, 4)
    expect(cells(page).nth(4).locator(".jp-OutputArea")).to_contain_text("EQUAL True 48",
                                                                         timeout=TIMEOUT)
    page.screenshot(path=str(ARTIFACTS / "07-exported-cell-ran.png"))
    assert page.errors == []


def test_rule_error_is_shown_in_the_widget_and_changes_nothing(page, lab):
    open_and_choose(page, lab, "errors.ipynb", [
        "%load_ext glove_lab\nfrom e2e_models import small_net\nnet = small_net()\n"
        "original = net",
        "%glove show net",
        "print('SAME', net is original)",
    ], "blocks[0].conv", "glove.rebind")
    page.locator(".glove-form input[name=values]").fill("{'no_such_field': 1}")
    page.locator(".glove-apply-selection").click()
    expect(page.locator(".glove-error")).to_contain_text("no_such_field", timeout=TIMEOUT)
    expect(page.locator(".glove-history li")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "04-rule-error.png"))
    run_cell(page, 2)
    expect(cells(page).nth(2).locator(".jp-OutputArea")).to_contain_text("SAME True")


def test_markup_in_node_names_shows_as_text_and_runs_no_script(page, lab):
    name = write_notebook(lab, "hostile.ipynb", [
        "%load_ext glove_lab\nfrom e2e_models import hostile_net\nnet = hostile_net()",
        "%glove show net",
    ])
    open_notebook(page, lab, name)
    run_cell(page, 0)
    run_cell(page, 1)
    page.wait_for_function("document.querySelector('.glove-graph g.node') !== null",
                           timeout=TIMEOUT)
    graph = page.locator(".glove-graph")
    expect(graph).to_contain_text("<img src=x onerror=window.__xss=1>")
    assert page.locator(".glove-widget img, .glove-widget script").count() == 0
    node(page, 'parts["<img src=x onerror=window.__xss=1>"]').click()
    expect(page.locator(".glove-inspector")).to_contain_text("onerror", timeout=TIMEOUT)
    page.wait_for_timeout(500)
    assert page.evaluate("window.__xss === undefined && window.__xss_value === undefined")
    page.screenshot(path=str(ARTIFACTS / "05-hostile-names.png"))
    assert page.errors == []


def test_apply_everywhere_and_expand_on_big_trees(page, lab):
    """Apply everywhere redraws a ~300-node and a 12,000-node tree; a placeholder opens.

    How long it takes is measured by benchmarks/bench_widget.py (in the page), not here.
    """
    name = write_notebook(lab, "speed.ipynb", [
        "%load_ext glove_lab\nimport glove_lab as gl\n"
        "from e2e_models import Net, Block, Conv, Act\n"
        "resnet_sized = Net([Block(Conv(64 + i), Act()) for i in range(100)])\n"
        "import sys; sys.path.insert(0, REPO)\n"
        "from benchmarks._trees import glove_tree, Layer\nbig = glove_tree(500)\n"
        "@gl.rule('e2e.layer_units', on=gl.Match(type=Layer))\n"
        "def layer_units(node, units: int = 7):\n    return Layer(units, node.act, node.bias, "
        "node.scale)".replace("REPO", repr(str(ARTIFACTS.parent))),
        "%glove show resnet_sized",
        "%glove show big",
    ])
    open_notebook(page, lab, name)
    run_cell(page, 0)
    applied = []
    for index, (label, rule) in enumerate([("~300-node tree", "e2e.swap_act"),
                                           ("12,000-node tree, collapsed view",
                                            "e2e.layer_units")], start=1):
        run_cell(page, index)
        widget = cells(page).nth(index).locator(".glove-widget")
        widget.wait_for(timeout=TIMEOUT)
        graph = widget.locator(".glove-graph")
        page.wait_for_function(
            "el => el.querySelector('g.node') !== null", arg=graph.element_handle(),
            timeout=TIMEOUT)
        widget.locator(f".glove-rule[data-rule='{rule}']").click()
        before = int(graph.get_attribute("data-render-id") or 0)
        widget.locator(".glove-apply-everywhere").click()
        page.wait_for_function(
            f"el => Number(el.getAttribute('data-render-id')) > {before}",
            arg=graph.element_handle(), timeout=TIMEOUT)
        expect(widget.locator(".glove-history li")).to_have_count(1)
        applied.append(label)
    # Click a collapsed placeholder: that subtree opens.
    big = cells(page).nth(2).locator(".glove-widget")
    graph = big.locator(".glove-graph")
    placeholder = graph.locator("g.node.glove-collapsed:not(.glove-more)").first
    title = placeholder.locator("title").text_content()
    before = int(graph.get_attribute("data-render-id") or 0)
    placeholder.click()
    page.wait_for_function(f"el => Number(el.getAttribute('data-render-id')) > {before}",
                           arg=graph.element_handle(), timeout=TIMEOUT)
    opened = graph.locator("g.node title").all_text_contents()
    assert any(t.startswith(title) and t != title for t in opened), (title, opened[:20])
    page.screenshot(path=str(ARTIFACTS / "06-big-tree.png"), full_page=True)
    assert applied == ["~300-node tree", "12,000-node tree, collapsed view"]
