"""A new drawing changes the one on screen (labextension/src/morph.ts): after a click, an
Apply and an Undo on a ResNet-50-shaped model, the boxes that did not change are the same
DOM elements, moved, the changed ones are new, and every shape sits exactly where the
kernel's SVG, shown afresh, puts it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.test_loop import TIMEOUT, node, render_id, run_cell, show_widget, wait_for_new_render

pytestmark = pytest.mark.e2e

SOURCES = (
    "%load_ext glove_lab\nimport glove_lab.torch\nfrom glove_lab.notebook import GloveWidget\n"
    "from benchmarks._torch_models import resnet50_like\nmodel = resnet50_like()\n"
    "view = GloveWidget(model)\nview",
    "open('shown.svg', 'w').write(view.svg)\nprint('SAVED')",
)

MARK = """() => {
  for (const g of document.querySelectorAll('.glove-graph g.node, .glove-graph g.edge')) {
    g.__gloveMark = g.querySelector('title').textContent;
  }
}"""

KEPT = """() => {
  const all = Array.from(document.querySelectorAll('.glove-graph g.node'));
  const kept = all.filter(g => g.__gloveMark !== undefined);
  const title = g => g.querySelector('title').textContent;
  return { total: all.length, kept: kept.length,
           moved: kept.filter(g => g.hasAttribute('transform')).length,
           new: all.filter(g => g.__gloveMark === undefined).map(title),
           stubsLeft: document.querySelectorAll('.glove-graph [data-glove-stub]').length,
           partialParses: performance.getEntriesByName('glove:stub').length,
           edges: document.querySelectorAll('.glove-graph g.edge').length,
           keptEdges: Array.from(document.querySelectorAll('.glove-graph g.edge'))
             .filter(g => g.__gloveMark !== undefined).length };
}"""

# Every shape's place (and each text's start) in the widget, against the same SVG text
# parsed and shown afresh at the same size: equal to 3/4 of a pixel (sub-pixel snapping).
SAME_PICTURE = """(text) => {
  const shown = document.querySelector('.glove-graph svg.glove-svg');
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const fresh = document.importNode(doc.documentElement, true);
  fresh.style.width = shown.style.width;
  fresh.style.height = shown.style.height;
  const holder = document.createElement('div');
  holder.style.cssText = 'position:fixed;left:0;top:0;visibility:hidden';
  holder.append(fresh);
  document.body.append(holder);
  const places = svg => {
    const origin = svg.getBoundingClientRect();
    const out = {};
    for (const g of svg.querySelectorAll('g.node')) {
      out[g.querySelector('title').textContent] = Array.from(
        g.querySelectorAll('path, polygon, text')).map(e => {
          const b = e.getBoundingClientRect();
          const x = b.left - origin.left;
          return e.localName === 'text' ? [`text ${e.textContent}`, x]
            : [e.localName, x, b.top - origin.top, b.width, b.height];
        });
    }
    return out;
  };
  const a = places(shown);
  const b = places(fresh);
  holder.remove();
  const differ = [];
  for (const title of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const [x, y] = [a[title] ?? [], b[title] ?? []];
    const same = (p, q) => p !== undefined && q !== undefined && p.length === q.length &&
      p[0] === q[0] && p.slice(1).every((v, i) => Math.abs(v - q[i + 1]) <= 0.75);
    const at = Array.from({ length: Math.max(x.length, y.length) }, (_, i) => i)
      .find(i => !same(x[i], y[i]));
    if (at !== undefined) {
      differ.push([title, at, x[at] ?? null, y[at] ?? null]);
    }
  }
  return { nodes: Object.keys(a).length, differ: differ.slice(0, 3) };
}"""


# In every box, each "= value" starts at least 3 px right of the key on its line (a bold
# key used to end 1.4 px before it: the browser draws bold text a little wider than dot
# measures it). A value sits 1 pt lower than its key.
TOUCHING = """() => {
  const touching = [];
  for (const g of document.querySelectorAll('.glove-graph g.node')) {
    const texts = Array.from(g.querySelectorAll('text'));
    for (const value of texts.filter(t => t.textContent.startsWith('= '))) {
      const y = value.getAttribute('y');
      const v = value.getBoundingClientRect();
      const keys = texts.filter(t => t !== value && t.textContent.trim() &&
                                     Math.abs(Number(t.getAttribute('y')) - Number(y)) <= 2 &&
                                     t.getBoundingClientRect().left < v.left);
      if (keys.length === 0) {
        touching.push([g.querySelector('title').textContent, 'no key', value.textContent]);
      }
      for (const key of keys) {
        if (key.getBoundingClientRect().right > v.left - 3) {
          touching.push([g.querySelector('title').textContent, key.textContent, value.textContent]);
        }
      }
    }
  }
  return touching;
}"""


def same_picture(page, lab) -> None:
    run_cell(page, 1)
    text = (lab.root / "shown.svg").read_text()
    result = page.evaluate(SAME_PICTURE, text)
    assert result["nodes"] == text.count('class="node')
    assert result["differ"] == []


def test_unchanged_boxes_are_moved_and_the_picture_is_the_kernels(page, lab):
    show_widget(page, lab, "morph.ipynb", SOURCES)
    total = page.locator(".glove-graph g.node").count()
    assert total > 90
    assert page.evaluate(TOUCHING) == []

    # A click: the clicked box is drawn again (selected), the others are kept.
    page.evaluate(MARK)
    before = render_id(page)
    node(page, "layer1[0].bn2").click()
    wait_for_new_render(page, before)
    kept = page.evaluate(KEPT)
    assert kept["total"] == total
    assert "layer1[0].bn2" in kept["new"] and kept["kept"] >= total - 3
    # Only the new groups were parsed: the kept ones went as empty stubs, none left over.
    assert kept["partialParses"] >= 1 and kept["stubsLeft"] == 0
    same_picture(page, lab)

    # Apply BN -> GN to it: the box and its neighbours below move; only it is new.
    page.evaluate(MARK)
    page.locator(".glove-rule[data-rule='torch.bn_to_gn']").click()
    before = render_id(page)
    page.locator(".glove-apply-selection").click()
    wait_for_new_render(page, before)
    expect(node(page, "layer1[0].bn2")).to_contain_text("GroupNorm", timeout=TIMEOUT)
    kept = page.evaluate(KEPT)
    assert kept["new"] == ["layer1[0].bn2"]
    assert kept["moved"] > 0  # the layout shifted, and kept boxes followed it
    assert kept["edges"] / 2 < kept["keptEdges"] < kept["edges"]  # moved edges are new
    same_picture(page, lab)

    # Undo: BatchNorm again, as the kernel draws it.
    page.evaluate(MARK)
    before = render_id(page)
    page.locator(".glove-undo").click()
    wait_for_new_render(page, before)
    expect(node(page, "layer1[0].bn2")).to_contain_text("BatchNorm2d", timeout=TIMEOUT)
    kept = page.evaluate(KEPT)
    assert kept["new"] == ["layer1[0].bn2"] and kept["stubsLeft"] == 0
    same_picture(page, lab)
