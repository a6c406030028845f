"""The widget in marimo: shown with `mo.ui.anywidget`, clicked, patched, read back in Python.

A real `marimo run` server (started and stopped here, by PID) serves a marimo
notebook (tests/e2e/marimo/glove_app.py); Debian's Chromium drives it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, _free_port, stop_server
from tests.e2e.test_loop import node

pytestmark = pytest.mark.e2e
TIMEOUT = 60_000
HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def marimo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("marimo")
    shutil.copy(HERE / "e2e_models.py", root / "e2e_models.py")
    shutil.copy(HERE / "marimo" / "glove_app.py", root / "glove_app.py")
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    marimo = Path(sys.executable).with_name("marimo")
    log = open(ARTIFACTS / "marimo.log", "w")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen(
        [str(marimo), "run", "--headless", "--host", "127.0.0.1", "--port", str(port),
         "glove_app.py"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"marimo did not start; see {ARTIFACTS / 'marimo.log'}"
                                   ) from None
            time.sleep(0.3)
    try:
        yield url
    finally:
        stop_server(process, log)


def test_marimo_shows_the_widget_applies_a_rule_and_python_reads_the_patch(browser, marimo_app):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page: Any = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(marimo_app)
        page.wait_for_selector(".glove-graph g.node", timeout=TIMEOUT)
        expect(page.get_by_text("CHANNELS 16 STEPS 0")).to_be_visible(timeout=TIMEOUT)

        node(page, "blocks[1].conv").click()
        expect(page.locator(".glove-inspector")).to_contain_text("blocks[1].conv",
                                                                 timeout=TIMEOUT)
        page.locator(".glove-rule[data-rule='e2e.widen']").click()
        page.locator(".glove-form input[name=factor]").fill("3")
        page.locator(".glove-apply-selection").click()
        expect(node(page, "blocks[1].conv")).to_contain_text("= 48", timeout=TIMEOUT)

        # A cell that reads the session in Python sees the patched model.
        page.get_by_role("button", name="read the patched model").click()
        expect(page.get_by_text("CHANNELS 48 STEPS 1")).to_be_visible(timeout=TIMEOUT)
        page.locator(".glove-undo").click()
        expect(node(page, "blocks[1].conv")).to_contain_text("(was 48)", timeout=TIMEOUT)
        page.get_by_role("button", name="read the patched model").click()
        expect(page.get_by_text("CHANNELS 16 STEPS 0")).to_be_visible(timeout=TIMEOUT)
        page.screenshot(path=str(ARTIFACTS / "marimo-widget.png"))
        assert errors == []
    finally:
        context.close()
