"""The front end's TypeScript compiled for tests (node's runner and a real Chromium)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
TSC = ROOT / "node_modules" / ".bin" / "tsc"


@pytest.fixture(scope="session")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tsconfig.test.json compiled (CommonJS) into a fresh folder; returns it."""
    out = tmp_path_factory.mktemp("ts-test")
    assert TSC.exists(), "node_modules is missing: run ./dev test (or jlpm install) first"
    result = subprocess.run(
        [str(TSC), "-p", str(ROOT / "tsconfig.test.json"), "--outDir", str(out),
         "--tsBuildInfoFile", str(out / "tsconfig.tsbuildinfo")],
        cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def chromium_page(browser: Any) -> Iterator[Any]:
    """A blank page in Debian's headless Chromium."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content("<!doctype html><html><body></body></html>")
        yield page
    finally:
        context.close()


def node() -> str:
    """The node executable."""
    found = shutil.which("node")
    assert found, "Node.js is needed for the front-end unit tests"
    return found
