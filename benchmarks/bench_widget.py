"""The widget's latency in a real JupyterLab + headless Chromium, measured in the page (issue 14).

Run from the repository root: `python -m benchmarks.bench_widget [--reps 20]`.
Needs the `e2e` extras (JupyterLab, Playwright, Debian's Chromium) and a built
front end (`jlpm build`, as for tests/e2e).

A notebook shows the widget on the ResNet-50-shaped model (benchmarks/_torch_models.py,
torch adapter, default 150-node view). In the page, `performance.now()` is taken
just before the click is dispatched, and "painted" is when the result is in the
DOM and a frame has been rendered after it (a `requestAnimationFrame` callback,
then a message-channel task, which runs after that frame's paint):

- click a node -> inspector painted (the inspector shows the clicked path);
- Apply `torch.bn_to_gn` to one selected BatchNorm -> new SVG painted;
- Undo -> new SVG painted.

Apply is broken down on a common clock (the page's `performance.timeOrigin` and
the kernel's `time.time()` are both wall-clock milliseconds on one machine):
the page until its message is on the websocket; the wire in (server, ZeroMQ);
the kernel (the rule and session step; drawing the SVG: graph model, `dot`,
post-processing; the rest of the view state; traitlets sync); the wire out;
the client (websocket message to new SVG in the DOM: JSON, DOMParser,
sanitizer, insert, zoom; the front end's `performance.measure` entries split
it where the build has them); then until the frame is painted.

Prints; never asserts. Each run starts and stops its own server and browser.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks._harness import environment

TARGETS_MS = {"click -> inspector": 100.0, "Apply -> new SVG": 150.0, "Undo -> new SVG": None}
TIMEOUT = 60_000

# Page side: timestamps of websocket traffic, taken before Jupyter's handlers run.
INIT_SCRIPT = """
(() => {
  const log = (window.__gloveWs = { received: [], sent: [] });
  const size = d => typeof d === 'string' ? d.length : (d.byteLength ?? d.size ?? 0);
  const Original = window.WebSocket;
  class Timed extends Original {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', e => log.received.push([performance.now(), size(e.data)]));
    }
    send(data) {
      log.sent.push([performance.now(), size(data)]);
      return super.send(data);
    }
  }
  window.WebSocket = Timed;
})();
"""

# One measured action: run `act` (a click), wait for `done()`, then for a painted frame.
MEASURE = """
async ([kind, arg]) => {
  const widget = document.querySelector('.glove-widget');
  const graph = widget.querySelector('.glove-graph');
  const renderId = () => Number(graph.getAttribute('data-render-id'));
  const before = renderId();
  const inspected = () => widget.querySelector('.glove-inspector .glove-path')?.textContent;
  let act, done;
  if (kind === 'click') {
    const g = Array.from(graph.querySelectorAll('g.node'))
      .find(n => n.querySelector('title')?.textContent === arg);
    act = () => g.querySelector('polygon, path, text').dispatchEvent(
      new MouseEvent('click', { bubbles: true, button: 0 }));
    done = () => inspected() === arg;
  } else {
    const button = widget.querySelector(
      kind === 'apply' ? '.glove-apply-selection' : '.glove-undo');
    act = () => button.click();
    done = () => renderId() > before;
  }
  performance.clearMeasures();
  const ws = window.__gloveWs;
  const sentFrom = ws.sent.length, receivedFrom = ws.received.length;
  let renderedAt = null;
  const seen = new Promise((resolve, reject) => {
    window.setTimeout(() => reject(new Error(`no result for ${kind} ${arg ?? ''} in 30 s`)),
                      30000);
    const check = () => {
      if (renderedAt === null && renderId() > before) renderedAt = performance.now();
      if (done()) { observer.disconnect(); resolve(performance.now()); }
    };
    const observer = new MutationObserver(check);
    observer.observe(widget, { subtree: true, childList: true, attributes: true,
                               characterData: true });
  });
  const start = performance.now();
  act();
  const inDom = await seen;
  const painted = await new Promise(resolve => requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve(performance.now());
    channel.port2.postMessage(null);
  }));
  return {
    origin: performance.timeOrigin, start, inDom, painted, renderedAt,
    sent: ws.sent.slice(sentFrom), received: ws.received.slice(receivedFrom),
    measures: performance.getEntriesByType('measure')
      .filter(m => m.name.startsWith('glove:') && m.startTime >= start)
      .map(m => [m.name, m.startTime, m.duration]),
  };
}
"""

# Kernel side: wall-clock stamps and durations of each part of handling a message.
KERNEL_PROBE = r'''
import time as _time
_glove_log = []

def _glove_probe(widget):
    c = widget.controller
    current = {}

    def wrap(owner, name, key):
        inner = getattr(owner, name)
        def timed(*args, **kwargs):
            t0 = _time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                current[key] = current.get(key, 0.0) + (_time.perf_counter() - t0) * 1000
        setattr(owner, name, timed)

    for name in ("apply", "undo", "select"):
        wrap(c, name, "action")
    wrap(c, "svg", "svg")
    wrap(widget, "view_state", "view_state")
    wrap(widget, "_redraw", "redraw")

    def entry(name):
        inner = getattr(widget, name)
        def timed(*args, **kwargs):
            current.clear()
            t0, wall = _time.perf_counter(), _time.time() * 1000
            try:
                return inner(*args, **kwargs)
            finally:
                record = dict(current, start=wall, total=(_time.perf_counter() - t0) * 1000,
                              entry=name)
                _glove_log.append(record)
        setattr(widget, name, timed)

    entry("_dispatch")  # apply / undo messages (on_msg holds the bound _handle_message)
    entry("set_state")        # selection changes from a click

_glove_probe(view)
'''


class _Temp:
    """The slice of pytest's tmp_path_factory that tests/e2e/conftest._serve uses."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def mktemp(self, name: str) -> Path:
        return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=self.root))


@contextlib.contextmanager
def jupyter_lab() -> Iterator[Any]:
    """A JupyterLab server on this checkout, as tests/e2e start it; stopped on exit."""
    from tests.e2e.conftest import _serve

    with tempfile.TemporaryDirectory(prefix="bench-widget-") as tmp:
        serving = _serve(_Temp(Path(tmp)), "lab")  # type: ignore[arg-type]
        lab = next(serving)
        try:
            yield lab
        finally:
            with contextlib.suppress(StopIteration):
                next(serving)


@contextlib.contextmanager
def chromium_page(lab: Any) -> Iterator[Any]:
    """A headless Chromium page (the e2e flags), closed on exit."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS,
                                             headless=True)
        try:
            context = browser.new_context(viewport={"width": 1500, "height": 1000})
            context.add_init_script(INIT_SCRIPT)
            page = context.new_page()
            yield page
            context.close()
        finally:
            browser.close()
            with contextlib.suppress(OSError):
                lab.shutdown_kernels()


def _settle(page: Any) -> None:
    """Wait until the kernel is idle (its status in JupyterLab), then 400 ms more."""
    page.wait_for_selector("#jp-main-statusbar >> text=Idle", timeout=TIMEOUT)
    page.wait_for_timeout(400)


def _kernel_log(page: Any, cell: int) -> list[dict[str, float]]:
    from tests.e2e.test_loop import cells, run_cell

    run_cell(page, cell)
    out = cells(page).nth(cell).locator(".jp-OutputArea")
    out.locator("text=GLOVE-LOG").wait_for(timeout=TIMEOUT)
    text = out.inner_text()
    return json.loads(text[text.index("GLOVE-LOG") + len("GLOVE-LOG"):].strip())


def measure(reps: int) -> dict[str, Any]:
    """Open the widget on the ResNet-50-shaped model and time `reps` click/apply/undo rounds."""
    from playwright.sync_api import Error as PlaywrightError

    from tests.e2e.test_loop import open_notebook, run_cell, write_notebook

    sources = [
        "%load_ext glove_lab\nimport torch\nimport glove_lab.torch\n"
        "from glove_lab.notebook import GloveWidget\n"
        "from benchmarks._torch_models import resnet50_like\n"
        "torch.manual_seed(0)\nmodel = resnet50_like().eval()\nview = GloveWidget(model)",
        KERNEL_PROBE,
        "view",
        "import json\nprint('GLOVE-LOG', json.dumps(_glove_log))",
    ]
    samples: dict[str, list[dict[str, Any]]] = {"click": [], "apply": [], "undo": []}
    failures: list[str] = []
    with jupyter_lab() as lab, chromium_page(lab) as page:
        name = write_notebook(lab, "latency.ipynb", sources)
        open_notebook(page, lab, name)
        for index in range(3):
            run_cell(page, index)
        page.wait_for_function("document.querySelector('.glove-graph g.node') !== null",
                               timeout=TIMEOUT)
        titles = page.locator(".glove-graph g.node:not(.glove-collapsed) title"
                              ).all_text_contents()  # a placeholder's click opens it
        norms = [t for t in titles if t.rsplit(".", 1)[-1].startswith("bn")]
        others = [t for t in titles if t not in norms and t != "$"]
        widget = page.locator(".glove-widget")
        for rep in range(-2, reps):  # two warm-up rounds
            norm = norms[rep % len(norms)]
            try:
                # click another node, then the BatchNorm (timed): a real change of inspector.
                # The kernel redraws the SVG after each click (the selection is drawn in
                # it): the timed click waits until that is done, as a person would.
                page.evaluate(MEASURE, ["click", others[rep % len(others)]])
                _settle(page)
                click = page.evaluate(MEASURE, ["click", norm])
                _settle(page)  # the click's SVG, and the picture kept in the notebook
                widget.locator(".glove-rule[data-rule='torch.bn_to_gn']").click()
                groups = widget.locator(".glove-form input[name=groups]")
                if groups.count():
                    groups.fill("8")
                apply = page.evaluate(MEASURE, ["apply", None])
                page.wait_for_timeout(400)
                undo = page.evaluate(MEASURE, ["undo", None])
                page.wait_for_timeout(400)
            except PlaywrightError as exc:  # reported, and the round is left out
                failures.append(f"round {rep}: {str(exc).splitlines()[0][:200]}")
                page.wait_for_timeout(2000)
                continue
            if rep >= 0:
                samples["click"].append(click)
                samples["apply"].append(apply)
                samples["undo"].append(undo)
        kernel = _kernel_log(page, 3)
        svg_bytes = len(page.evaluate("() => document.querySelector('.glove-graph svg')"
                                      ".outerHTML"))
        drawn = len(titles)
    return {"samples": samples, "kernel": kernel, "svg_bytes": svg_bytes, "drawn": drawn,
            "failures": failures}


def _match_kernel(sample: dict[str, Any],
                  kernel: list[dict[str, float]]) -> dict[str, float] | None:
    """The kernel record whose handling started after the page's click and first ended."""
    start = sample["origin"] + sample["start"]
    end = sample["origin"] + sample["inDom"]
    for record in kernel:
        if start <= record["start"] <= end and "action" in record:
            return record
    return None


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def breakdown(samples: list[dict[str, Any]],
              kernel: list[dict[str, float]]) -> list[tuple[str, float]]:
    """Median milliseconds of each part of a round trip (apply or undo)."""
    parts: dict[str, list[float]] = {}

    def add(name: str, value: float) -> None:
        parts.setdefault(name, []).append(value)

    for s in samples:
        record = _match_kernel(s, kernel)
        big = [r for r in s["received"] if r[0] <= s["inDom"]]
        if record is None or not s["sent"] or not big:
            continue
        origin = s["origin"]
        sent = s["sent"][0][0]
        arrived = max(big, key=lambda r: r[1])[0]  # the state update carrying the SVG
        k_start = record["start"] - origin
        k_end = k_start + record["total"]
        add("page: click -> message on the websocket", sent - s["start"])
        add("wire in: websocket -> kernel handler", k_start - sent)
        add("kernel: rule + session step", record.get("action", 0.0))
        add("kernel: draw SVG (graph model + dot + post-processing)", record.get("svg", 0.0))
        add("kernel: rest of view state (inspector, palette, history)",
            record.get("view_state", 0.0) - record.get("svg", 0.0))
        add("kernel: traitlets sync (JSON + ZeroMQ send)",
            record.get("redraw", 0.0) - record.get("view_state", 0.0))
        add("kernel: total handler", record["total"])
        add("wire out: kernel done -> update on the websocket", arrived - k_end)
        add("client: update received -> new SVG in the DOM", s["inDom"] - arrived)
        for name, _start, duration in s["measures"]:
            add(f"  client {name[6:]}", duration)
        add("paint: in the DOM -> frame painted", s["painted"] - s["inDom"])
        add("update size (bytes on the websocket)", max(r[1] for r in big))
    return [(name, statistics.median(values)) for name, values in parts.items()]


def python_breakdown() -> list[tuple[str, float]]:
    """The kernel's drawing split further, in this process: graph model, DOT text, dot,
    putting reused boxes back, post-processing; and the whole drawing with no reuse."""
    import torch
    from torch import nn

    import glove_lab as gl
    import glove_lab.torch  # the torch adapter
    from benchmarks._torch_models import resnet50_like
    from glove_lab.drawing._boxes import BOXES
    from glove_lab.drawing._dot import dot_source
    from glove_lab.drawing._dot_process import svg_from_running_dot
    from glove_lab.drawing._render import _model, _slim, draw

    torch.manual_seed(0)
    model = resnet50_like().eval()
    norm = str(list(gl.query(model, type=nn.BatchNorm2d))[1])
    after = gl.apply(model, "torch.bn_to_gn", at=[norm], groups=8)
    times: dict[str, list[float]] = {}
    labels = ("diff + notes + graph model", "DOT text (known boxes as empty boxes of their size)",
              "dot -Tsvg (long-lived process)", "reused boxes put back (drawing/_boxes.py)",
              "post-processing (_slim)")
    for _ in range(12):
        draw(model, highlight=[norm])  # the drawing before the step: its boxes are known
        marks = [time.perf_counter()]
        # as the widget draws it: diff marks and the adapter's notes (parameter counts)
        graph_model = _model(after, None, [norm], model, (), 150, None, None, ())
        marks.append(time.perf_counter())
        source = dot_source(graph_model, BOXES.size_of)
        marks.append(time.perf_counter())
        raw = svg_from_running_dot(source.text)
        assert raw is not None
        marks.append(time.perf_counter())
        settled = BOXES._settle(raw, source)
        assert settled is not None
        marks.append(time.perf_counter())
        _slim(settled)
        marks.append(time.perf_counter())
        for label, a, b in zip(labels, marks, marks[1:], strict=False):
            times.setdefault(label, []).append((b - a) * 1000)
        BOXES.clear()
        start = time.perf_counter()
        draw(after, highlight=[norm], diff_from=model)
        times.setdefault("whole drawing, no box known (first drawing)", []).append(
            (time.perf_counter() - start) * 1000)
    return [(label, statistics.median(v)) for label, v in times.items()]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=20, help="timed rounds (default 20)")
    parser.add_argument("--raw", type=Path, help="also save the raw samples (JSON) here")
    args = parser.parse_args(argv)
    before = os.getloadavg()
    result = measure(args.reps)
    after = os.getloadavg()
    load = (f"{before[0]:.1f} before, {after[0]:.1f} after the run (1-minute; "
            f"{os.cpu_count()} CPUs)")
    if args.raw:
        args.raw.write_text(json.dumps(result, indent=1))
    samples, kernel = result["samples"], result["kernel"]

    print("### Widget latency in JupyterLab + headless Chromium: ResNet-50-shaped model "
          f"({result['drawn']} boxes drawn, SVG {result['svg_bytes'] / 1024:.0f} KB)\n")
    header = ("| figure (ms, measured in the page) | n | p50 | p90 | max | target p50 "
              "| p50 / target | met? |")
    print(header)
    print("|---|---|---|---|---|---|---|---|")
    for label, key in (("click -> inspector", "click"), ("Apply -> new SVG", "apply"),
                       ("Undo -> new SVG", "undo")):
        values = [s["painted"] - s["start"] for s in samples[key]]
        target = TARGETS_MS[label]
        p50 = statistics.median(values)
        ratio = f"{p50 / target:.2f}" if target else "—"
        met = ("yes" if p50 <= target else "NO") if target else "—"
        print(f"| {label} -> painted | {len(values)} | {p50:.0f} | {_pct(values, 0.9):.0f} "
              f"| {max(values):.0f} | {f'{target:.0f}' if target else '—'} | {ratio} | {met} |")
    for label, key in (("Apply", "apply"), ("Undo", "undo")):
        print(f"\n#### {label} -> painted, where the time goes (medians, ms)\n")
        print("| part | ms |")
        print("|---|---|")
        for name, value in breakdown(samples[key], kernel):
            shown = f"{value / 1024:.0f} KB" if name.startswith("update size") else f"{value:.1f}"
            print(f"| {name} | {shown} |")
    clicks = [r for r in kernel if r.get("entry") == "set_state" and "svg" in r]
    if clicks:
        print("\nclick: the kernel's handling of a selection change (median ms): "
              f"total {statistics.median(r['total'] for r in clicks):.1f}, of which drawing the "
              f"SVG (sent after the inspector) {statistics.median(r['svg'] for r in clicks):.1f}")
    print("\n#### The kernel's drawing of the Apply result, split (this process, median ms)\n")
    print("| part | ms |")
    print("|---|---|")
    for name, value in python_breakdown():
        print(f"| {name} | {value:.1f} |")
    print()
    for failure in result["failures"]:
        print(f"- left out (no answer within 30 s): {failure}")
    print(f"- {environment()}; load average {load}")
    print("- painted: the result is in the DOM, then a requestAnimationFrame callback and a "
          "message-channel task (after that frame's paint); clicks dispatched in the page")
    print("- every round: click another node, click a BatchNorm (timed), choose torch.bn_to_gn, "
          "Apply to the selection (timed), Undo (timed); before each timed click the kernel is "
          "idle (its SVG for the last click drawn), then 400 ms pauses; two warm-up rounds")


if __name__ == "__main__":
    main()
