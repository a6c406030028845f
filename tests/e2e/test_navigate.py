"""Navigating a real-size tree in a real JupyterLab: the depth control, collapsing a subtree
again, expand all / collapse all (capped on a 12k-node tree), a kernel that goes away, and
the whole view at 1024x768."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, open_page
from tests.e2e.test_loop import (
    TIMEOUT,
    cells,
    node,
    render_id,
    run_cell,
    show_widget,
    wait_for_new_render,
    write_notebook,
)

pytestmark = pytest.mark.e2e

BIG = ("%load_ext glove_lab\nfrom e2e_models import Net, Block, Conv, Act\n"
       "big = Net([Block(Conv(8 + i), Act()) for i in range(2000)])")


def drawn(page: Any) -> set[str]:
    return set(page.evaluate(
        "() => Array.from(document.querySelectorAll('.glove-graph g.node'))"
        ".map(g => g.getAttribute('data-glove-path'))"))


def classes(*names: str) -> re.Pattern[str]:
    """A class attribute that has all of `names`, in any order."""
    return re.compile("".join(rf"(?=.*(^|\s){re.escape(n)}(\s|$))" for n in names))


def select(page: Any, path: str) -> None:
    """Click a node and wait until the kernel has taken the selection in."""
    node(page, path).click()
    expect(page.locator(".glove-inspector .glove-path")).to_have_text(path, timeout=TIMEOUT)


def act(page: Any, action: Any) -> None:
    """Do `action` and wait for the graph the kernel sends back."""
    before = render_id(page)
    action()
    wait_for_new_render(page, before)


def test_depth_collapse_again_expand_and_collapse_all(page, lab):
    show_widget(page, lab, "navigate.ipynb")
    depth = page.locator(".glove-depth")
    expect(depth).to_have_value("auto")
    assert {"blocks[1].conv", "blocks[2].act"} <= drawn(page)

    # Depth 1: the root and its children; deeper nodes are placeholders.
    act(page, lambda: depth.select_option("1"))
    assert drawn(page) == {"", "blocks"}
    expect(node(page, "blocks")).to_have_class(classes("glove-collapsed"))
    expect(page.locator(".glove-graph-note")).to_contain_text("Showing 3 of 21 nodes")
    act(page, lambda: depth.select_option("2"))
    assert "blocks[2]" in drawn(page) and "blocks[2].conv" not in drawn(page)
    act(page, lambda: depth.select_option("auto"))
    assert "blocks[1].conv" in drawn(page)
    expect(page.locator(".glove-graph-note")).to_be_hidden()

    # Collapse (toolbar) acts on the selected node; clicking the placeholder opens it again.
    collapse = page.locator(".glove-collapse")
    expect(collapse).to_be_disabled()
    select(page, "blocks[1]")
    expect(collapse).to_be_enabled()
    act(page, collapse.click)
    assert "blocks[1].conv" not in drawn(page) and "blocks[0].conv" in drawn(page)
    expect(node(page, "blocks[1]")).to_have_class(classes("glove-selected", "glove-collapsed"))
    expect(page.locator(".glove-status")).to_contain_text("Collapsed blocks[1]")
    page.screenshot(path=str(ARTIFACTS / "40-collapsed-again.png"))
    act(page, node(page, "blocks[1]").click)
    assert "blocks[1].conv" in drawn(page)

    # The keyboard: - on the cursor closes it, + opens it; no key reaches the notebook.
    count = cells(page).count()
    select(page, "blocks[0]")
    act(page, lambda: page.keyboard.press("-"))
    assert "blocks[0].conv" not in drawn(page)
    act(page, lambda: page.keyboard.press("+"))
    assert "blocks[0].conv" in drawn(page)
    assert cells(page).count() == count

    # Collapse all, then expand all: the depth control follows.
    page.keyboard.press("Escape")  # clear the selection (it would stay visible)
    expect(page.locator(".glove-inspector .glove-path")).to_have_count(0, timeout=TIMEOUT)
    act(page, page.locator(".glove-collapse-all").click)
    assert drawn(page) == {"", "blocks"}
    expect(depth).to_have_value("1")
    act(page, page.locator(".glove-expand-all").click)
    assert {"blocks[0].conv", "blocks[2].act"} <= drawn(page)
    expect(depth).to_have_value("all")
    assert page.errors == []


def test_expand_all_on_a_12k_node_tree_is_capped_and_says_so(page, lab):
    show_widget(page, lab, "expand-all.ipynb", (BIG, "%glove show big"))
    before = len(drawn(page))
    started = time.perf_counter()
    act(page, page.locator(".glove-expand-all").click)
    painted = time.perf_counter() - started
    shown = len(drawn(page))
    assert before < shown <= 1000
    note = page.locator(".glove-graph-note")
    expect(note).to_have_text(re.compile(r"^Showing [\d,]+ of 12,003 nodes.*search"))
    expect(note).to_contain_text("search")
    print(f"\nExpand all on a 12,003-node tree: {shown} boxes painted in {painted:.2f} s")
    page.screenshot(path=str(ARTIFACTS / "41-expand-all-capped.png"))
    # Still usable: a search jumps to a node the capped view left out.
    page.locator(".glove-search").fill("blocks[1999].conv")
    page.keyboard.press("Enter")
    page.locator(".glove-match").first.wait_for(timeout=TIMEOUT)
    act(page, page.locator(".glove-match").first.click)
    expect(node(page, "blocks[1999].conv")).to_have_class(classes("glove-selected"))
    assert page.errors == []


def kernel_of(lab: Any, name: str) -> str:
    for session in lab.api("/api/sessions"):
        if session["path"].endswith(name):
            return session["kernel"]["id"]
    raise AssertionError(f"no kernel for {name}")


def restart_from_the_kernel_menu(page: Any) -> None:
    """Kernel > Restart Kernel…, and accept the dialog (JupyterLab and Notebook 7 alike)."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Kernel").click()
    page.locator(".lm-Menu-itemLabel", has_text="Restart Kernel…").first.click()
    page.locator(".jp-Dialog button.jp-mod-accept").click()


def rerun(page: Any) -> None:
    """Run the notebook's two cells again: a new, live view."""
    run_cell(page, 0)
    run_cell(page, 1)
    page.wait_for_function("document.querySelector('.glove-graph g.node') !== null",
                           timeout=TIMEOUT)
    expect(page.locator(".glove-lost-banner")).to_be_hidden()


def test_a_lost_kernel_greys_the_view_out_and_says_so(page, lab):
    name = "lost.ipynb"
    show_widget(page, lab, name)
    banner = page.locator(".glove-lost-banner")
    expect(banner).to_be_hidden()

    # Restart the kernel from JupyterLab's Kernel menu: the view says it is gone.
    restart_from_the_kernel_menu(page)
    expect(banner).to_be_visible(timeout=TIMEOUT)
    expect(banner).to_contain_text("The kernel is gone")
    expect(banner).to_contain_text("re-run the cell", ignore_case=True)
    expect(page.locator(".glove-widget")).to_have_class(classes("glove-lost"))
    page.screenshot(path=str(ARTIFACTS / "42-kernel-lost.png"))

    # Clicks do not throw and change nothing; they say it again.
    before = render_id(page)
    node(page, "blocks[1].conv").click()
    expect(banner).to_have_class(classes("glove-flash"))
    expect(node(page, "blocks[1].conv")).not_to_have_class(classes("glove-selected"))
    page.locator(".glove-expand-all").click()
    page.locator(".glove-undo").click(force=True)
    page.wait_for_timeout(300)
    assert render_id(page) == before
    assert page.errors == []

    # Shut down by another client (the REST API): said too. (A restart by another client
    # is said only if JupyterLab itself hears of it; here its own status bar sometimes
    # does not, after earlier tests on the same server, so that case is not asserted.)
    rerun(page)
    lab.api(f"/api/kernels/{kernel_of(lab, name)}", method="DELETE")
    expect(banner).to_be_visible(timeout=TIMEOUT)
    expect(banner).to_contain_text("The kernel is gone")
    node(page, "blocks[0].conv").click()
    assert page.errors == []


@pytest.fixture
def small_page(browser: Any, lab: Any) -> Iterator[Any]:
    yield from open_page(browser, lab, 1024, 768)


def test_usable_at_1024_by_768(small_page, lab):
    page = small_page
    # A long output below the widget, so the notebook could scroll further.
    show_widget(page, lab, "small-screen.ipynb",
                (BIG, "%glove show big", "print('\\n'.join(map(str, range(300))))"))
    select(page, "blocks[0].conv")
    widget = page.locator(".glove-widget")
    widget.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "43-1024x768.png"))

    # Every part is within the window horizontally: nothing clipped off to the right.
    width = page.viewport_size["width"]
    for part in (".glove-toolbar", ".glove-graph", ".glove-inspector", ".glove-palette-section",
                 ".glove-history-section", ".glove-search"):
        box = page.locator(part).bounding_box()
        assert box is not None, part
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (part, box)
    for control in page.locator(".glove-toolbar button, .glove-toolbar select").all():
        box = control.bounding_box()
        assert box["x"] + box["width"] <= width, (control.get_attribute("class"), box)
    overflow = widget.evaluate("el => el.scrollWidth - el.clientWidth")
    assert overflow <= 1

    # The pointer over the graph pans the graph, not the notebook.
    page.locator(".glove-zoom-actual-button").click()
    graph = page.locator(".glove-graph")
    box = graph.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + min(box["height"] / 2, 200))
    scroller = ("(() => { let el = document.querySelector('.glove-widget'); "
                "while (el && !(el.scrollHeight > el.clientHeight && "
                "['auto', 'scroll'].includes(getComputedStyle(el).overflowY))) "
                "el = el.parentElement; return el; })()")
    room = page.evaluate(f"(el => el.scrollHeight - el.clientHeight - el.scrollTop)({scroller})")
    assert room > 200  # the notebook could scroll down: the graph must not let it
    notebook_before = page.evaluate(f"{scroller}.scrollTop")
    graph_before = graph.evaluate("el => el.scrollTop")
    for _ in range(40):  # well past the graph's end: the notebook must not take over
        page.mouse.wheel(0, 400)
    page.wait_for_timeout(400)
    assert graph.evaluate("el => el.scrollTop") > graph_before
    assert page.evaluate(f"{scroller}.scrollTop") == notebook_before
    assert page.errors == []


def test_a_lost_kernel_is_said_in_notebook_7(page, lab):
    stacks: list[str] = []
    page.on("pageerror", lambda error: stacks.append(f"{error.message}\n{error.stack}"))
    name = write_notebook(lab, "lost-nb7.ipynb", [
        "%load_ext glove_lab\nfrom e2e_models import small_net\nnet = small_net()",
        "%glove show net",
    ])
    page.goto(lab.url(f"/notebooks/{name}"))
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=TIMEOUT)
    page.wait_for_function("/Kernel status: Idle|\\bIdle\\b/.test(document.body.textContent)",
                           timeout=TIMEOUT)
    page.wait_for_timeout(1000)
    for dialog in page.locator(".jp-Dialog").all():  # Notebook 7's own start-up notices
        print("closing a dialog:", dialog.inner_text()[:200])
        page.keyboard.press("Escape")
    run_cell(page, 0)
    run_cell(page, 1)
    page.wait_for_function("document.querySelector('.glove-graph g.node') !== null",
                           timeout=TIMEOUT)
    banner = page.locator(".glove-lost-banner")
    expect(banner).to_be_hidden()
    restart_from_the_kernel_menu(page)
    expect(banner).to_be_visible(timeout=TIMEOUT)
    expect(banner).to_contain_text("The kernel is gone")
    node(page, "blocks[0].conv").click()
    expect(banner).to_have_class(classes("glove-flash"))
    # Notebook 7 itself logs a settings-schema error in this bare set-up (see
    # test_notebook7.py); none may come from glove_lab's code.
    assert not [s for s in stacks if "glove" in s.lower()], stacks
