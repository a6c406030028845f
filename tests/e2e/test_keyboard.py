"""The widget with the keyboard only, in a real JupyterLab: Tab into the graph, arrows to a
node, choose a rule, type a parameter, apply, undo, redo, export; and no key pressed in the
widget reaches the notebook's shortcuts (`a` inserting a cell, `d d` deleting the widget's
own cell, a plain `e` exporting)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_loop import (
    TIMEOUT,
    cells,
    node,
    open_notebook,
    run_cell,
    show_widget,
    write_notebook,
)

pytestmark = pytest.mark.e2e


def active(page: Any) -> str:
    """Classes of the focused element (`tag.class ...`)."""
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return e ? e.localName + '.' + Array.from(e.classList).join('.') : ''; }")


def tab_to(page: Any, css_class: str, limit: int = 15) -> int:
    """Press Tab until the focused element has `css_class`; returns how many presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if css_class in active(page).split("."):
            return presses
    raise AssertionError(f"{css_class} not reached with {limit} Tabs (at {active(page)})")


def cursor(page: Any) -> str | None:
    return page.locator(".glove-graph").get_attribute("data-cursor")


def test_keys_in_the_widget_never_reach_the_notebook(page, lab):
    name = write_notebook(lab, "keys.ipynb", [
        "%load_ext glove_lab\nfrom e2e_models import small_net\nnet = small_net()",
        "%glove show net",
        "print('third cell')",
    ])
    open_notebook(page, lab, name)
    run_cell(page, 0)
    run_cell(page, 1)
    page.wait_for_function("document.querySelector('.glove-graph g.node') !== null",
                           timeout=TIMEOUT)
    count = cells(page).count()
    sources = [cells(page).nth(i).locator(".jp-InputArea-editor").inner_text()
               for i in range(count)]

    for target in (".glove-widget", ".glove-graph"):
        page.locator(target).focus()
        for key in ["a", "b", "d", "d", "e", "m", "y", "x", "c", "v", "z", "Shift+M",
                    "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Shift+ArrowDown"]:
            page.keyboard.press(key)
        page.wait_for_timeout(300)  # a leaked shortcut would act within this
        assert cells(page).count() == count, f"a key pressed on {target} changed the cells"
        assert [cells(page).nth(i).locator(".jp-InputArea-editor").inner_text()
                for i in range(count)] == sources
        expect(page.locator(".glove-widget")).to_be_visible()
        expect(page.locator(".glove-history li")).to_have_count(0)
        assert "Exported" not in page.locator(".glove-status").inner_text()
        assert page.locator(".glove-widget").get_attribute("data-lm-suppress-shortcuts")


def test_keyboard_only_loop(page, lab):
    name = "keyloop.ipynb"
    show_widget(page, lab, name)

    # Tab into the graph; the cursor starts at the root.
    page.locator(".glove-widget").focus()
    assert tab_to(page, "glove-graph") <= 12  # the toolbar (undo..zoom, depth controls), search
    assert cursor(page) == ""
    # Arrows: down to a child, right to a sibling (the small net is drawn top-down).
    for key, expected in [("ArrowDown", "blocks"), ("ArrowDown", "blocks[0]"),
                          ("ArrowRight", "blocks[1]"), ("ArrowRight", "blocks[2]"),
                          ("ArrowRight", "blocks[2]"), ("ArrowLeft", "blocks[1]"),
                          ("ArrowDown", "blocks[1].conv"), ("ArrowUp", "blocks[1]"),
                          ("ArrowDown", "blocks[1].conv")]:
        page.keyboard.press(key)
        assert cursor(page) == expected, key
    page.keyboard.press("Enter")
    expect(page.locator(".glove-inspector .glove-path")).to_have_text("blocks[1].conv",
                                                                      timeout=TIMEOUT)
    expect(node(page, "blocks[1].conv")).to_have_class("node glove-selected glove-cursor")
    page.screenshot(path=str(ARTIFACTS / "10-keyboard-cursor.png"))

    # Space adds the sibling to the selection (the palette narrows to the rules both
    # share), Space again takes it out.
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    expect(page.locator(".glove-graph g.node.glove-selected")).to_have_count(2)
    expect(page.locator(".glove-palette .glove-rule")).to_have_count(3, timeout=TIMEOUT)
    page.keyboard.press("Space")
    expect(page.locator(".glove-graph g.node.glove-selected")).to_have_count(1)
    expect(page.locator(".glove-palette .glove-rule")).to_have_count(4, timeout=TIMEOUT)

    # Tab to the rule list, choose the first rule, Tab to its field, type, Enter applies.
    tab_to(page, "glove-palette")
    page.keyboard.press("ArrowDown")
    expect(page.locator(".glove-rule.glove-rule-selected")).to_have_attribute(
        "data-rule", "e2e.widen")
    tab_to(page, "glove-input")
    page.keyboard.press("Control+a")
    page.keyboard.type("3")
    page.keyboard.press("Enter")
    expect(node(page, "blocks[1].conv")).to_contain_text("48", timeout=TIMEOUT)
    expect(page.locator(".glove-history li")).to_have_count(1)

    # Escape leaves the field; Ctrl+Z / Ctrl+Shift+Z undo and redo; Ctrl+E exports.
    count = cells(page).count()
    page.keyboard.press("Escape")
    page.keyboard.press("Control+z")
    expect(node(page, "blocks[1].conv")).to_contain_text("16", timeout=TIMEOUT)
    page.keyboard.press("Control+Shift+Z")
    expect(node(page, "blocks[1].conv")).to_contain_text("48", timeout=TIMEOUT)
    page.keyboard.press("Control+e")
    expect(cells(page)).to_have_count(count + 1, timeout=TIMEOUT)
    exported = cells(page).nth(2).locator(".jp-InputArea-editor").inner_text()
    assert "e2e.widen" in exported and "blocks[1].conv" in exported
    assert page.errors == []
