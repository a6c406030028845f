"""A real JupyterLab server and a real headless Chromium (Debian's), started and stopped here."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
# The front end built from this checkout (`jlpm build`); the server loads it ahead of
# whatever copy `pip install` put in the environment, so the tests test this source.
BUILT_EXTENSION = REPO / "glove_lab" / "_labextension"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A running JupyterLab server: its URL, token, root folder and REST helpers."""

    def __init__(self, root: Path, port: int, token: str, process: subprocess.Popen) -> None:
        self.root, self.port, self.token, self.process = root, port, token, process
        self.base = f"http://127.0.0.1:{port}"

    def url(self, path: str) -> str:
        return f"{self.base}{path}{'&' if '?' in path else '?'}token={self.token}"

    def api(self, path: str, method: str = "GET") -> Any:
        request = urllib.request.Request(self.url(path), method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        for kernel in self.api("/api/kernels"):
            self._delete(f"/api/kernels/{kernel['id']}")
        for session in self.api("/api/sessions"):
            self._delete(f"/api/sessions/{session['id']}")

    def _delete(self, path: str) -> None:
        """DELETE, waiting out a kernel still restarting (the server answers 500 meanwhile)."""
        for attempt in range(20):
            try:
                self.api(path, method="DELETE")
                return
            except urllib.error.HTTPError as error:
                if error.code == 404:
                    return  # gone already (its session went with it)
                if error.code != 500 or attempt == 19:
                    raise
                time.sleep(0.5)


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    yield from _serve(tmp_path_factory, "lab")


@pytest.fixture(scope="session")
def notebook7(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """A Jupyter Notebook 7 server (JupyterLab's components in the classic shell)."""
    yield from _serve(tmp_path_factory, "notebook")


def _serve(tmp_path_factory: pytest.TempPathFactory, app: str) -> Iterator[Lab]:
    root = tmp_path_factory.mktemp(app)
    shutil.copy(Path(__file__).with_name("e2e_models.py"), root / "e2e_models.py")
    port, token = _free_port(), secrets.token_hex(16)
    # No "notified about Jupyter news?" toast over the screenshots.
    settings = tmp_path_factory.mktemp(f"{app}-settings")
    (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
     ).write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path_factory.mktemp("jupyter-config")),
           "PYTHONPATH": os.pathsep.join([str(root), str(REPO)])}  # this checkout's glove_lab
    env.pop("GLOVE_LAB_PLAIN", None)
    env.pop("GLOVE_LAB_FRONTEND", None)
    # This checkout's build of the front end wins over an installed copy: JUPYTER_PATH
    # comes first in Jupyter's data path, for the extension's metadata and its files alike
    # (Notebook 7 serves static files from the data path, not extra_labextensions_path).
    data = tmp_path_factory.mktemp("jupyter-path")
    (data / "labextensions").mkdir()
    if (BUILT_EXTENSION / "package.json").exists():
        (data / "labextensions" / "glove-lab").symlink_to(BUILT_EXTENSION.resolve())
    env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(data),
                                                        os.environ.get("JUPYTER_PATH")]))
    jupyter = Path(sys.executable).with_name("jupyter")
    app_class = "LabApp" if app == "lab" else "JupyterNotebookApp"
    lab_only = [f"--LabApp.user_settings_dir={settings}", "--LabApp.news_url=",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    log = open(ARTIFACTS / f"jupyter{app}.log", "w")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen(
        [str(jupyter), app, "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", f"--ServerApp.token={token}",
         f"--ServerApp.root_dir={root}", "--ServerApp.open_browser=False",
         f"--{app_class}.workspaces_dir={tmp_path_factory.mktemp('workspaces')}",
         "--LabServerApp.extension_manager=readonly",
         *(lab_only if app == "lab" else [])],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )
    server = Lab(root, port, token, process)
    deadline = time.monotonic() + 60
    while True:
        try:
            server.api("/api/status")
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"jupyter {app} did not start; see "
                                   f"{ARTIFACTS / f'jupyter{app}.log'}") from None
            time.sleep(0.3)
    try:
        yield server
    finally:
        with contextlib.suppress(OSError):
            server.shutdown_kernels()
        stop_server(process, log)


def stop_server(process: subprocess.Popen, log: Any) -> None:
    """Stop a server this test run started, by its PID (terminate, then kill), and close its log."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


def open_page(browser: Any, lab: Lab, width: int = 1500, height: int = 1000) -> Iterator[Any]:
    """A page of its own (its errors in `page.errors`); closed, and the kernels shut, after."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
        lab.shutdown_kernels()


@pytest.fixture
def page(browser: Any, lab: Lab) -> Iterator[Any]:
    yield from open_page(browser, lab)


ARTIFACTS.mkdir(exist_ok=True)
