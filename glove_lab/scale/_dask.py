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

__all__ = ["dask_client", "describe_client", "missing_modules", "ship_modules"]


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


def ship_modules(client: Any, names: Iterable[str]) -> list[str]:
    """Upload the top-level packages of `names` that some worker cannot import; their names.

    A module is sent as its `.py` file, a package as a zip of its folder
    (`client.upload_file`, which also reaches workers that join later, e.g. a
    restarted one). Modules this process cannot locate are left for the
    rebuild to report.
    """
    wanted = sorted(set(names))
    if not wanted:
        return []
    per_worker = client.run(missing_modules, wanted)
    missing = sorted({name for names_ in per_worker.values() for name in names_})
    shipped: list[str] = []
    for top in dict.fromkeys(name.split(".")[0] for name in missing):
        archive = _archive(top)
        if archive is not None:
            client.upload_file(str(archive))
            shipped.append(top)
    return shipped


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
