"""Dask specifics, used only when the executor is a dask.distributed Client (never imported
by `import glove_lab`): find the client, describe it, ship missing rule modules to workers.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["dask_client", "describe_client", "missing_modules", "pickle_function",
           "ship_modules"]


def dask_client(executor: Any) -> Any | None:
    """The dask Client behind `executor` (a Client or its `get_executor()`), else None."""
    distributed = sys.modules.get("distributed")
    if distributed is None:  # nobody made a Client: the executor cannot be one
        return None
    if isinstance(executor, distributed.Client):
        return executor
    cfexecutor = sys.modules.get("distributed.cfexecutor")
    if cfexecutor is not None and isinstance(executor, cfexecutor.ClientExecutor):
        return executor._client  # noqa: SLF001 - ClientExecutor has no public accessor
    return None


def describe_client(client: Any) -> str:
    """`dask: 2 workers, dashboard: http://...` (the link a user opens to watch the run)."""
    workers = len(client.nthreads())
    try:
        link = client.dashboard_link
    except Exception:  # no scheduler info (closed client): say so rather than fail the run
        link = None
    where = f"dashboard: {link}" if link else "no dashboard"
    return f"dask: {workers} worker{'s' if workers != 1 else ''}, {where}"


def missing_modules(names: list[str]) -> list[str]:
    """Of `names`, those this process cannot import (runs on each worker via `client.run`)."""
    missing = []
    for name in names:
        try:
            found = importlib.util.find_spec(name) is not None
        except Exception:  # a missing parent package raises instead of returning None
            found = False
        if not found:
            missing.append(name)
    return missing


def ship_modules(client: Any, names: Iterable[str], upload: bool = True
                 ) -> tuple[list[str], list[str]]:
    """Upload the top-level packages of `names` that some worker cannot import.

    A module is sent as its `.py` file, a package as a zip of its folder
    (`client.upload_file`, which also reaches workers that join later, e.g. a
    restarted one). Returns (packages sent, modules still missing on some
    worker); with `upload=False` nothing is sent. What stays missing is left
    for the rebuild to report.
    """
    wanted = sorted(set(names))
    if not wanted:
        return [], []
    per_worker = client.run(missing_modules, wanted)
    missing = sorted({name for names_ in per_worker.values() for name in names_})
    shipped: list[str] = []
    for top in dict.fromkeys(name.split(".")[0] for name in missing):
        archive = _archive(top) if upload else None
        if archive is not None:
            client.upload_file(str(archive))
            shipped.append(top)
    still = [name for name in missing if name.split(".")[0] not in shipped]
    return shipped, still


def pickle_function(fn: Any, by_value: Iterable[str]) -> bytes:
    """`fn` pickled by cloudpickle; functions of the modules `by_value` travel as code.

    A function whose module the workers cannot import (a helper module that
    was not sent, a module made at run time) is then still loadable there.
    """
    import cloudpickle  # a dependency of distributed: present whenever a Client is

    registered = []
    for name in by_value:
        module = sys.modules.get(name)
        if module is not None and name not in cloudpickle.list_registry_pickle_by_value():
            cloudpickle.register_pickle_by_value(module)
            registered.append(module)
    try:
        return cloudpickle.dumps(fn)
    finally:
        for module in registered:
            cloudpickle.unregister_pickle_by_value(module)


def _archive(top: str) -> Path | None:
    """A file `client.upload_file` can send for top-level module `top`, or None."""
    try:
        spec = importlib.util.find_spec(top)
    except Exception:
        return None
    if spec is None:
        return None
    if spec.submodule_search_locations:
        folder = Path(next(iter(spec.submodule_search_locations)))
        archive = Path(tempfile.mkdtemp(prefix="glove-ship-")) / f"{top}.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
            for root, dirs, files in os.walk(folder):
                dirs[:] = [d for d in dirs if d != "__pycache__"]
                for file in files:
                    path = Path(root, file)
                    bundle.write(path, Path(top, path.relative_to(folder)).as_posix())
        return archive
    if spec.origin and spec.origin.endswith(".py"):
        return Path(spec.origin)
    return None
