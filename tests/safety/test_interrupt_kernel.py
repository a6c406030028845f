"""Interrupting the kernel during a long rule: "interrupted, nothing changed" (issue 10, item 1).

A real ipykernel (jupyter_client), a rule that sleeps in a loop, and a real
kernel interrupt (`KernelManager.interrupt_kernel`, SIGINT) sent while the rule
runs: from `%glove apply`, and from the widget's Apply (a real comm message,
handled by ipywidgets as a click is), on the main shell and on a subshell (a
thread of the kernel's, where JupyterLab sends widget messages and where SIGINT
used to do nothing). Afterwards, checked in the kernel: the variable still is
the original, the history is empty, the error says so, and the next apply works.
"""

from __future__ import annotations

import json
import queue
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]

SETUP = """
import threading
import time
from pathlib import Path
import glove_lab as gl
from glove_lab.notebook import GloveWidget
from tests.notebook.models import Conv, small_net

STARTED = Path({started!r})

@gl.rule("interrupt.slow", on=gl.Match(tag="convolution"))
def slow(node: Conv) -> Conv:
    STARTED.write_text(threading.current_thread().name)
    for _ in range(1200):  # a minute at most, should the interrupt never come
        time.sleep(0.05)
    return Conv(node.channels, kernel=node.kernel + 2)

@gl.rule("interrupt.fast", on=gl.Match(tag="convolution"))
def fast(node: Conv) -> Conv:
    return Conv(node.channels, kernel=node.kernel + 2)

%load_ext glove_lab
net = small_net()
original = net
"""


class Kernel:
    """A real ipykernel driven over its ZMQ channels."""

    def __init__(self, manager: Any, client: Any) -> None:
        self.manager = manager
        self.client = client

    def run(self, code: str, timeout: float = 60) -> tuple[dict[str, Any], str]:
        """Execute `code`; its reply content and everything it printed."""
        msg_id = self.client.execute(code)
        return self.finish(msg_id, timeout)

    def finish(self, msg_id: str, timeout: float = 60) -> tuple[dict[str, Any], str]:
        """Wait for the reply to `msg_id`; return it and the text output of the request."""
        deadline = time.monotonic() + timeout
        reply = None
        while reply is None:
            message = self.client.get_shell_msg(timeout=max(deadline - time.monotonic(), 1))
            if message["parent_header"].get("msg_id") == msg_id:
                reply = message["content"]
        return reply, self.output(msg_id, deadline)

    def output(self, msg_id: str, deadline: float) -> str:
        """Text printed for request `msg_id`, read from iopub until the kernel is idle."""
        text = []
        while True:
            try:
                message = self.client.get_iopub_msg(timeout=max(deadline - time.monotonic(), 1))
            except queue.Empty:
                raise AssertionError("the kernel never went idle") from None
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "stream":
                text.append(content["text"])
            elif kind == "error":
                text.append(f"{content['ename']}: {content['evalue']}")
            elif kind == "status" and content["execution_state"] == "idle":
                return "".join(text)

    def send_comm(self, comm_id: str, content: dict[str, Any],
                  subshell_id: str | None = None) -> str:
        """Send a widget message (what a click in the front end sends); its msg_id.

        With `subshell_id`, on that subshell, as JupyterLab sends widget messages.
        """
        message = self.client.session.msg("comm_msg", {
            "comm_id": comm_id, "data": {"method": "custom", "content": content}})
        if subshell_id is not None:
            message["header"]["subshell_id"] = subshell_id
        self.client.shell_channel.send(message)
        return str(message["header"]["msg_id"])

    def create_subshell(self) -> str:
        """A new subshell (a thread of the kernel's own), as JupyterLab makes for comms."""
        message = self.client.session.msg("create_subshell_request", {})
        self.client.control_channel.send(message)
        while True:
            reply = self.client.get_control_msg(timeout=30)
            if reply["parent_header"].get("msg_id") == message["header"]["msg_id"]:
                return str(reply["content"]["subshell_id"])

    def interrupt_when(self, started: Path, timeout: float = 60) -> None:
        """Interrupt the kernel (SIGINT) once the slow rule has started running."""
        deadline = time.monotonic() + timeout
        while not started.exists():
            assert time.monotonic() < deadline, "the slow rule never started"
            time.sleep(0.05)
        time.sleep(0.2)  # well inside the rule's sleep loop
        self.manager.interrupt_kernel()


@pytest.fixture
def kernel(tmp_path: Path) -> Iterator[Kernel]:
    from jupyter_client.manager import KernelManager

    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(cwd=str(REPO))
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        yield Kernel(manager, client)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_interrupting_a_long_rule_from_the_magic_reports_it_and_changes_nothing(
        kernel: Kernel, tmp_path: Path) -> None:
    started = tmp_path / "started"
    reply, out = kernel.run(SETUP.format(started=str(started)))
    assert reply["status"] == "ok", out
    kernel.run("%glove show net")
    msg_id = kernel.client.execute("%glove apply interrupt.slow")
    kernel.interrupt_when(started)
    reply, out = kernel.finish(msg_id)
    assert reply["status"] == "error" and reply["ename"] == "UsageError"
    assert "interrupted, nothing changed" in reply["evalue"]
    _, out = kernel.run("print(net is original)")
    assert out.strip() == "True"
    _, out = kernel.run("%glove history")
    assert "interrupt.slow" not in out
    # The kernel and the session keep working: the next apply is a step.
    reply, out = kernel.run("%glove apply interrupt.fast\nprint(net is original, "
                            "[c.kernel for c in gl.query(net, tag='convolution').values()])")
    assert reply["status"] == "ok", out
    assert "False [5, 5, 5]" in out


def test_interrupting_a_long_rule_applied_from_the_widget_says_so_and_the_widget_works(
        kernel: Kernel, tmp_path: Path) -> None:
    started = tmp_path / "started"
    reply, out = kernel.run(SETUP.format(started=str(started)) + (
        "\nw = GloveWidget(gl.Session(net, name='net'))\n"
        "history = []\n"
        "w.observe(lambda change: history.append(change['new']), names='busy')\n"
        "print(w.comm.comm_id)"))
    assert reply["status"] == "ok", out
    comm_id = out.strip().splitlines()[-1]
    msg_id = kernel.send_comm(comm_id, {"event": "apply", "rule": "interrupt.slow",
                                        "scope": "everywhere"})
    kernel.interrupt_when(started)
    kernel.output(msg_id, time.monotonic() + 60)  # the comm handler has finished
    _, out = kernel.run(
        "import json\n"
        "print(json.dumps({'error': w.error, 'steps': len(w.session.history), "
        "'same': w.session.tree is original and net is original, 'busy': w.busy, "
        "'busy_seen': history}))")
    state = json.loads(out.strip().splitlines()[-1])
    assert state == {"error": "Interrupted, nothing changed", "steps": 0, "same": True,
                     "busy": False, "busy_seen": [True, False]}
    # The widget keeps working: the next Apply (again a front-end message) is a step.
    msg_id = kernel.send_comm(comm_id, {"event": "apply", "rule": "interrupt.fast",
                                        "scope": "everywhere"})
    kernel.output(msg_id, time.monotonic() + 60)
    _, out = kernel.run("print(w.error == '', len(w.session.history), "
                        "[c.kernel for c in gl.query(w.session.tree, tag='convolution')"
                        ".values()])")
    assert out.strip() == "True 1 [5, 5, 5]"


def test_interrupting_a_long_rule_applied_on_a_subshell_says_so(
        kernel: Kernel, tmp_path: Path) -> None:
    """JupyterLab sends widget messages on a subshell (a thread): SIGINT, which only the
    main thread receives, did nothing there and the rule ran to its end."""
    started = tmp_path / "started"
    reply, out = kernel.run(SETUP.format(started=str(started)) + (
        "\nw = GloveWidget(gl.Session(net, name='net'))\nprint(w.comm.comm_id)"))
    assert reply["status"] == "ok", out
    comm_id = out.strip().splitlines()[-1]
    subshell = kernel.create_subshell()
    # ipykernel routes a comm's messages to the subshell its last reply went out on:
    # a first message from the subshell (as JupyterLab's first one) moves it there.
    kernel.output(kernel.send_comm(comm_id, {"event": "search", "query": "conv"},
                                    subshell_id=subshell),
                  time.monotonic() + 30)
    msg_id = kernel.send_comm(comm_id, {"event": "apply", "rule": "interrupt.slow",
                                        "scope": "everywhere"}, subshell_id=subshell)
    kernel.interrupt_when(started)
    kernel.output(msg_id, time.monotonic() + 30)  # before: the rule's full minute
    assert started.read_text() != "MainThread"  # the rule ran on the subshell's thread
    _, out = kernel.run("print(repr(w.error), len(w.session.history), net is original)")
    assert out.strip() == "'Interrupted, nothing changed' 0 True"
    msg_id = kernel.send_comm(comm_id, {"event": "apply", "rule": "interrupt.fast",
                                        "scope": "everywhere"}, subshell_id=subshell)
    kernel.output(msg_id, time.monotonic() + 60)
    _, out = kernel.run("print(repr(w.error), len(w.session.history))")
    assert out.strip() == "'' 1"
    # An interrupt after the action is an ordinary one: the next cell is interrupted.
    msg_id = kernel.client.execute("for _ in range(600): time.sleep(0.05)")
    time.sleep(1)
    kernel.manager.interrupt_kernel()
    reply, _ = kernel.finish(msg_id)
    assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt"
