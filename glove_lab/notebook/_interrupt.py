"""Kernel > Interrupt reaches a widget action, on ipykernel's main thread or a subshell's.

ipykernel runs Python's SIGINT handler only around the shell message its main
thread is handling, and only the main thread can receive it. JupyterLab sends
widget messages on a subshell (a thread of their own, ipykernel 7), so a long
rule applied from the widget ran on while Interrupt did nothing. `interruptible`
makes the interrupt raise KeyboardInterrupt in the action, on either thread; the
view then reports "Interrupted, nothing changed".
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import signal
import threading
from collections.abc import Iterator
from typing import Any

__all__ = ["OutOfTime", "interruptible", "remember_main_loop", "time_limit"]

_main_loop: asyncio.AbstractEventLoop | None = None


def remember_main_loop() -> None:
    """Keep the main thread's running event loop (the kernel's), if called from inside it."""
    global _main_loop
    if threading.current_thread() is not threading.main_thread():
        return
    with contextlib.suppress(RuntimeError):  # plain Python: no kernel, no loop
        _main_loop = asyncio.get_running_loop()


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """While the block runs, the kernel's interrupt (SIGINT) raises KeyboardInterrupt in it."""
    if threading.current_thread() is threading.main_thread():
        with _on_main_thread():
            yield
        return
    loop = _main_loop
    if loop is None or loop.is_closed():
        yield
        return
    with _on_other_thread(loop):
        yield


@contextlib.contextmanager
def _on_main_thread() -> Iterator[None]:
    try:
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        if previous is not None:  # None: set from C, cannot be put back from Python
            signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def _on_other_thread(loop: asyncio.AbstractEventLoop) -> Iterator[None]:
    """SIGINT arrives on the main thread: its handler raises in this thread instead."""
    worker = threading.get_ident()
    lock = threading.Lock()
    state = {"active": True, "fired": False}
    previous: dict[str, Any] = {}
    installed = threading.Event()

    def on_interrupt(signum: int, frame: Any) -> None:
        with lock:
            if state["active"]:
                state["fired"] = True
                _raise_in(worker, KeyboardInterrupt)

    def install() -> None:
        try:
            previous["handler"] = signal.signal(signal.SIGINT, on_interrupt)
        except (ValueError, OSError):
            pass
        finally:
            installed.set()

    def restore() -> None:
        handler = previous.get("handler")
        if handler is not None:
            with contextlib.suppress(ValueError, OSError):
                signal.signal(signal.SIGINT, handler)

    try:
        loop.call_soon_threadsafe(install)
    except RuntimeError:  # the loop is closing
        yield
        return
    installed.wait(1.0)  # the main thread is idle in its loop while a subshell works
    try:
        yield
    finally:
        with lock:
            state["active"] = False
            if state["fired"]:
                _raise_in(worker, None)  # drop an interrupt not raised yet: the block is done
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(restore)


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    """Raise `exception` in another thread at its next bytecode (None: cancel a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), None if exception is None else ctypes.py_object(exception))


class OutOfTime(KeyboardInterrupt):
    """Raised in a block that ran past its `time_limit` (an interrupt by the clock).

    A KeyboardInterrupt, so every layer lets it through as it does the user's
    interrupt: nothing recorded, nothing changed.
    """


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise OutOfTime in the block if it runs longer than `seconds` (at its next bytecode).

    For work whose result may be dropped (a rule's dry run for a preview). A block
    stuck in one long C call (a big matrix product) is stopped when that call returns.
    """
    worker = threading.get_ident()
    lock = threading.Lock()
    state = {"active": True, "fired": False}

    def expire() -> None:
        with lock:
            if state["active"]:
                state["fired"] = True
                _raise_in(worker, OutOfTime)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        try:
            with lock:
                state["active"] = False
                if state["fired"]:
                    _raise_in(worker, None)  # the block is done: drop an expiry not raised yet
        except OutOfTime:
            pass  # delivered during this clean-up, after the block had finished
        timer.cancel()
