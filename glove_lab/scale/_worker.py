"""What runs where a variant is evaluated: rebuild the tree from code, call `fn`, report.

This module is imported by name on the worker (the task is pickled by
reference), so it stays small: the recipe loader and the standard library.
Nothing raised here escapes: a failing rebuild or `fn` becomes a report.
"""

from __future__ import annotations

import os
import pickle
import random
import socket
import sys
import time
import traceback
from collections.abc import Callable, Mapping
from typing import Any

from glove_lab.scale._recipe import load_recipe

__all__ = ["load_result", "rebuild", "rebuild_and_run", "rebuild_and_run_pickled",
           "seed_everything"]


def rebuild(spec: Mapping[str, Any]) -> Any:
    """The variant's tree, made from its code: the recipe's factory, then the exported session.

    With `spec["seed"]` set, Python's, NumPy's and torch's generators are
    seeded after the recipe's module is imported and before the factory runs,
    so fresh weights are the same in every process.
    """
    factory = load_recipe(spec["recipe"])
    if spec.get("seed") is not None:
        seed_everything(spec["seed"])
    tree_name = spec["tree_name"]
    namespace: dict[str, Any] = {"__name__": "glove_lab_variant", tree_name: factory()}
    code = compile(spec["code"], f"<variant {spec['name']!r}>", "exec")
    exec(code, namespace)
    return namespace[tree_name]


def rebuild_and_run(spec: Mapping[str, Any], fn: Callable[[Any], Any]) -> dict[str, Any]:
    """Rebuild the variant and call `fn(tree)`; a dict with result, seconds, error, worker.

    Random generators are restored afterwards, so an in-process run leaves
    the caller's random state as it was.
    """
    report: dict[str, Any] = {"result": None, "seconds": None, "error": None,
                              "traceback": None, "worker": f"{socket.gethostname()}:{os.getpid()}"}
    saved = _generator_states()
    try:
        try:
            tree = rebuild(spec)
        except Exception as exc:
            report["error"] = f"rebuild failed: {type(exc).__name__}: {exc}"
            report["traceback"] = traceback.format_exc()
            return report
        start = time.perf_counter()
        try:
            report["result"] = fn(tree)
        except Exception as exc:
            report["error"] = f"fn raised {type(exc).__name__}: {exc}"
            report["traceback"] = traceback.format_exc()
        report["seconds"] = time.perf_counter() - start
        return report
    finally:
        _restore_generators(saved)


def rebuild_and_run_pickled(spec: Mapping[str, Any], fn_bytes: bytes) -> dict[str, Any]:
    """`rebuild_and_run` with `fn` and the result as pickled bytes, (un)pickled here.

    Loading `fn` inside the task (not while Dask unpacks it) turns a function
    the worker cannot load (its module missing there) into an error row, and
    pickling the result here turns a result that cannot travel back (a lock, an
    open file) into one too: Dask itself would retry or wait on either forever.
    """
    where = f"{socket.gethostname()}:{os.getpid()}"
    try:
        fn = pickle.loads(fn_bytes)
    except Exception as exc:
        return {"result": None, "seconds": None, "traceback": traceback.format_exc(),
                "error": f"fn could not be loaded where it ran: {type(exc).__name__}: {exc}",
                "worker": where}
    report = rebuild_and_run(spec, fn)
    if report["error"] is None:
        try:
            report["result"] = _dumps(report["result"])
            report["pickled"] = True
        except Exception as exc:
            report["result"] = None
            report["error"] = (f"the result cannot be sent back: {type(exc).__name__}: "
                               f"{exc}")
            report["traceback"] = traceback.format_exc()
    return report


def load_result(report: dict[str, Any]) -> dict[str, Any]:
    """A report with its pickled result loaded (an error report if it does not load here)."""
    if not report.get("pickled"):
        return report
    try:
        result = pickle.loads(report["result"])
    except Exception as exc:
        return {**report, "result": None, "traceback": traceback.format_exc(),
                "error": f"the result could not be loaded here: {type(exc).__name__}: {exc}"}
    return {**report, "result": result}


def _dumps(value: Any) -> bytes:
    try:
        import cloudpickle  # with dask: pickles what plain pickle cannot (local classes)
    except ImportError:
        return pickle.dumps(value)
    return cloudpickle.dumps(value)


def seed_everything(seed: int) -> None:
    """Seed Python's `random`, and NumPy's and torch's global generators if they are imported."""
    random.seed(seed)
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed(seed % 2**32)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(seed)


def _generator_states() -> dict[str, Any]:
    states: dict[str, Any] = {"random": random.getstate()}
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        states["numpy"] = numpy.random.get_state()
    torch = sys.modules.get("torch")
    if torch is not None:
        states["torch"] = torch.random.get_rng_state()
    return states


def _restore_generators(states: dict[str, Any]) -> None:
    random.setstate(states["random"])
    if "numpy" in states:
        sys.modules["numpy"].random.set_state(states["numpy"])
    if "torch" in states:
        sys.modules["torch"].random.set_rng_state(states["torch"])
