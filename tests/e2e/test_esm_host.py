"""The view as an ES module, loaded the way anywidget hosts (VS Code, Colab) load it.

VS Code and Colab cannot run here. This test is the next best thing: a minimal
host page that honours anywidget's front-end contract (the module's text
arrives in the `_esm` trait, is imported from a Blob URL, and its default
export's `render({model, el})` gets a model with get / set / save_changes /
send / on / off), backed by a real GloveAnyWidget in this process: every
`save_changes` and `send` goes to the widget, and its new state comes back.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import expect

import glove_lab as gl
from glove_lab.notebook import GloveAnyWidget
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.e2e_models import small_net

pytestmark = pytest.mark.e2e
TIMEOUT = 30_000

# The host: anywidget's contract in ~60 lines of plain JavaScript.
HOST_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>anywidget-style host</title></head>
<body><div id="cell" style="width: 1200px"></div>
<script type="module">
const listeners = {};
let state = await (await fetch('/state')).json();
const dirty = {};
function fire(event, ...args) { for (const cb of listeners[event] || []) cb(...args); }
async function exchange(url, body) {
  const reply = await (await fetch(url, {method: 'POST', body: JSON.stringify(body)})).json();
  for (const [key, value] of Object.entries(reply.state)) {
    if (JSON.stringify(state[key]) !== JSON.stringify(value)) {
      state[key] = value;
      fire('change:' + key);
    }
  }
  for (const message of reply.messages) fire('msg:custom', message, []);
  window.gloveExchanges = (window.gloveExchanges || 0) + 1;
}
const model = {
  get: name => state[name],
  set: (name, value) => { state[name] = value; dirty[name] = value; },
  save_changes: () => {
    const changes = {...dirty};
    for (const key of Object.keys(dirty)) delete dirty[key];
    exchange('/save', changes);
  },
  send: content => exchange('/send', content),
  on: (event, cb) => { (listeners[event] = listeners[event] || []).push(cb); },
  off: (event, cb) => {
    listeners[event] = (listeners[event] || []).filter(other => other !== cb);
  },
};
const style = document.createElement('style');
style.textContent = state._css;
document.head.appendChild(style);
const url = URL.createObjectURL(new Blob([state._esm], {type: 'text/javascript'}));
const module = await import(url);
const el = document.getElementById('cell');
const widget = module.default;
if (widget.initialize) await widget.initialize({model});
window.gloveCleanup = await widget.render({model, el});
window.gloveReady = true;
</script></body></html>
"""


class Recording(GloveAnyWidget):
    """A GloveAnyWidget whose custom messages go to the host page (here: a list)."""

    def send(self, content: Any, buffers: Any = None) -> None:
        self.outbox.append(content)


@pytest.fixture
def host() -> Iterator[tuple[str, Recording]]:
    widget = Recording(gl.Session(small_net(), name="net"))
    widget.outbox = []
    lock = threading.Lock()

    def synced_state() -> dict[str, Any]:
        return {key: value for key, value in widget.get_state().items()
                if key not in ("layout",)}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _reply(self, body: bytes, kind: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path == "/state":
                with lock:
                    self._reply(json.dumps(synced_state()).encode(), "application/json")
            else:
                self._reply(HOST_PAGE.encode(), "text/html")

        def do_POST(self) -> None:
            content = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with lock:
                widget.outbox.clear()
                if self.path == "/save":
                    widget.set_state(content)  # what the kernel does with a front end's update
                else:
                    widget._handle_message(widget, content, [])
                reply = {"state": synced_state(), "messages": list(widget.outbox)}
            self._reply(json.dumps(reply).encode(), "application/json")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", widget
    finally:
        server.shutdown()
        server.server_close()
        widget.close()


def node(page: Any, title: str) -> Any:
    return page.locator(".glove-graph g.node",
                        has=page.locator(f"title:text-is({json.dumps(title)})"))


def test_the_es_module_view_drives_a_real_widget_through_the_anywidget_contract(browser, host):
    url, widget = host
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(url)
        page.wait_for_function("window.gloveReady === true", timeout=TIMEOUT)
        page.wait_for_selector(".glove-graph g.node", timeout=TIMEOUT)

        node(page, "blocks[1].conv").click()
        expect(page.locator(".glove-inspector")).to_contain_text("blocks[1].conv",
                                                                 timeout=TIMEOUT)
        assert widget.selection == ["blocks[1].conv"]

        page.locator(".glove-rule[data-rule='e2e.widen']").click()
        page.locator(".glove-form input[name=factor]").fill("3")
        page.locator(".glove-apply-selection").click()
        expect(node(page, "blocks[1].conv")).to_contain_text("48", timeout=TIMEOUT)
        assert widget.session.tree.blocks[1].conv.channels == 48
        assert [step.rule for step in widget.session.history] == ["e2e.widen"]
        page.screenshot(path=str(ARTIFACTS / "esm-host-after-apply.png"))

        page.locator(".glove-undo").click()
        expect(node(page, "blocks[1].conv")).to_contain_text("(was 48)", timeout=TIMEOUT)
        assert widget.session.tree is widget.session.base
        page.locator(".glove-redo").click()
        expect(node(page, "blocks[1].conv")).to_contain_text("(was 16)", timeout=TIMEOUT)
        assert widget.session.tree.blocks[1].conv.channels == 48

        # No notebook to insert a cell into: the code is shown with a Copy button.
        page.locator(".glove-export").click()
        code_box = page.locator(".glove-code-fallback")
        expect(code_box).to_be_visible(timeout=TIMEOUT)
        expect(code_box.locator(".glove-code")).to_contain_text("e2e.widen")
        expect(code_box.locator(".glove-copy")).to_have_text("Copy")
        page.screenshot(path=str(ARTIFACTS / "esm-host-export.png"))
        namespace: dict[str, Any] = {"net": widget.session.base}
        exec(widget.session.export(), namespace)
        assert gl.eq(namespace["net"], widget.session.tree)
        assert errors == []
    finally:
        context.close()
