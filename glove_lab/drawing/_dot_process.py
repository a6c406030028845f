"""One long-lived `dot -Tsvg` process that draws graph after graph (POSIX).

Starting `dot` costs tens of milliseconds (process, plugins, fontconfig)
before it lays out anything: on the widget's 150-node view that is a large part
of every step. `dot` reads any number of graphs from its standard input and
writes each one's SVG as soon as it is drawn, so one process can serve a whole
kernel session.

Each graph is followed by a tiny sentinel graph: its SVG marks where the
answer ends, and a graph `dot` refused (no SVG before the sentinel's) is
reported as `None`, as is anything unexpected (the process died, `dot` left
PATH). The caller then runs `dot` the ordinary way, which raises the usual
errors, so errors and output are exactly those of a fresh `dot`.
"""

from __future__ import annotations

import atexit
import os
import re
import select
import shutil
import subprocess
import threading

__all__ = ["svg_from_running_dot", "stop_running_dot"]

_SENTINEL_NAME = "glove_lab_sentinel"
_SENTINEL = f"digraph {_SENTINEL_NAME} {{}}\n".encode()
_SENTINEL_MARK = f"<title>{_SENTINEL_NAME}</title>".encode()
_END = b"</svg>\n"
# dot numbers the graphs it draws in one run as pages of a document and prefixes the
# graph's own `<g id>` with it ("page0,1_graph0"); a fresh dot writes "graph0".
_PAGE_PREFIX = re.compile(r'id="page\d+,\d+_')


class _RunningDot:
    """A `dot -Tsvg` child process and the lock that gives it one graph at a time."""

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self.pid = os.getpid()
        self.process = subprocess.Popen(
            [executable, "-Tsvg"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, close_fds=True)

    def alive(self) -> bool:
        return self.pid == os.getpid() and self.process.poll() is None

    def draw(self, source: bytes) -> bytes | None:
        """The SVG of `source`, or None: `dot` reported an error (a fresh `dot` would have
        failed) or the process failed. After None the process must not be used again."""
        stdin, stdout, stderr = self.process.stdin, self.process.stdout, self.process.stderr
        assert stdin is not None and stdout is not None and stderr is not None
        try:
            stdin.write(source)
            if not source.endswith(b"\n"):
                stdin.write(b"\n")
            stdin.write(_SENTINEL)
            stdin.flush()
            out, err = bytearray(), bytearray()
            out_fd, err_fd = stdout.fileno(), stderr.fileno()
            while not (out.endswith(_END) and _SENTINEL_MARK in out[out.rfind(b"<?xml"):]):
                ready, _, _ = select.select([out_fd, err_fd], [], [], 1.0)
                if not ready and self.process.poll() is not None:
                    return None
                for fd in ready:
                    chunk = os.read(fd, 1 << 16)
                    if not chunk:
                        return None
                    (out if fd == out_fd else err).extend(chunk)
                if b"Error" in err:  # dot's errors (a fresh dot exits 1); warnings are fine
                    return None
            # An error is written (unbuffered) before the SVG it spoils is flushed.
            while select.select([err_fd], [], [], 0)[0]:
                chunk = os.read(err_fd, 1 << 16)
                if not chunk:
                    return None
                err.extend(chunk)
            if b"Error" in err:
                return None
        except (OSError, ValueError):
            return None
        start = out.rfind(b"<?xml")  # the sentinel's document; the graph's ends before it
        answer = bytes(out[:start])
        return answer if answer.endswith(_END) and answer.startswith(b"<?xml") else None

    def stop(self) -> None:
        """Close the pipes and end the process (this process's child only)."""
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


_lock = threading.Lock()
_running: _RunningDot | None = None


def svg_from_running_dot(source: str) -> str | None:
    """`source` (DOT text) drawn as SVG by the long-lived `dot`; None: draw it another way.

    None when this is not a POSIX system, `dot` is not on PATH (looked up on every
    call: PATH may change), or `dot` did not draw this graph.
    """
    global _running
    if os.name != "posix":
        return None
    executable = shutil.which("dot")
    if executable is None:
        return None
    with _lock:
        if _running is not None and not (_running.alive() and
                                         _running.executable == executable):
            if _running.pid == os.getpid():
                _running.stop()
            _running = None
        if _running is None:
            try:
                _running = _RunningDot(executable)
            except OSError:
                return None
        svg = _running.draw(source.encode("utf-8"))
        if svg is None:
            # A graph dot refused may have left it mid-document: start afresh next time.
            _running.stop()
            _running = None
            return None
    return _PAGE_PREFIX.sub('id="', svg.decode("utf-8"))


def stop_running_dot() -> None:
    """Stop the long-lived `dot` (at exit; the next drawing starts another)."""
    global _running
    with _lock:
        if _running is not None and _running.pid == os.getpid():
            _running.stop()
        _running = None


atexit.register(stop_running_dot)
