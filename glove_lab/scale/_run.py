"""`run_variants`: evaluate `fn(tree)` for every variant, here or on any executor (Dask too).

Each variant travels as text (recipe name, exported code, seed) and is rebuilt
where it runs, so what a worker evaluates is exactly the reproducible code.
Every variant gives one row, in the variants' order: its result, or an error
saying whether the combination was invalid, the rebuild failed, `fn` raised,
the executor lost it, or the timeout passed. Rows are reported as they finish.
"""

from __future__ import annotations

import ast
import concurrent.futures as cf
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from glove_lab.errors import GloveError
from glove_lab.scale._progress import Progress, choose_progress
from glove_lab.scale._table import cell, text_table
from glove_lab.scale._variants import Variant, remember
from glove_lab.scale._worker import load_result, rebuild_and_run, rebuild_and_run_pickled
from glove_lab.tree import short_repr

__all__ = ["VariantResult", "VariantTable", "run_variants"]


@dataclass(frozen=True)
class VariantResult:
    """One row: the variant's name and parameters, `fn`'s result or the error, and timing.

    `seconds` is the time `fn` took where it ran (None if it did not run);
    `worker` is `host:pid` of the process that ran it; `traceback` the
    remote traceback text of an error, when there is one.
    """

    name: str
    params: dict[str, Any]
    result: Any = None
    seconds: float | None = None
    error: str | None = None
    worker: str | None = None
    traceback: str | None = None

    @property
    def ok(self) -> bool:
        """True if `fn` returned."""
        return self.error is None


class VariantTable(list[VariantResult]):
    """The rows of a run, in the variants' order (pandas: `pd.DataFrame(table.records())`)."""

    seconds: float = 0.0

    @property
    def ok(self) -> list[VariantResult]:
        """The rows whose `fn` returned."""
        return [row for row in self if row.ok]

    @property
    def errors(self) -> list[VariantResult]:
        """The rows with an error."""
        return [row for row in self if not row.ok]

    def records(self) -> list[dict[str, Any]]:
        """The rows as plain dicts (name, params, result, seconds, error, worker, traceback)."""
        return [asdict(row) for row in self]

    def results(self) -> dict[str, Any]:
        """`{variant name: result}` for the rows that succeeded."""
        return {row.name: row.result for row in self.ok}

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            for row in self:
                if row.name == key:
                    return row
            raise KeyError(f"no row named {key!r}; names: {[r.name for r in self]}")
        return super().__getitem__(key)

    def table(self) -> str:
        """One line per row: name, parameters, result or error, seconds."""
        axes = list(dict.fromkeys(k for row in self for k in row.params))
        rows = [[row.name, *(cell(row.params.get(a), 16) for a in axes),
                 "" if row.seconds is None else f"{row.seconds:.2f}",
                 cell(row.result, 50) if row.ok else f"error: {row.error}"] for row in self]
        head = f"{len(self)} variants, {len(self.errors)} errors, {self.seconds:.1f} s"
        return head + "\n" + text_table(["name", *axes, "seconds", "result"], rows)

    def __repr__(self) -> str:
        return self.table()


def run_variants(variants: Iterable[Variant] | Variant, fn: Callable[[Any], Any],
                 executor: Any = None, *, timeout: float | None = None,
                 seed: int | None = 0, progress: Any = None,
                 on_result: Callable[[VariantResult], None] | None = None,
                 ship_modules: bool = True) -> VariantTable:
    """Evaluate `fn(tree)` for every variant; one row per variant, never a crash.

    Args:
        variants: what `gl.variants` returned (or any Variants / list of them).
        fn: called with each rebuilt tree; its return value is the row's
            result. With an executor it must be picklable by that executor:
            for Dask it is pickled by value when its module is not on the
            workers (a notebook's function works); a process pool needs an
            importable function.
        executor: None runs in this process, one variant after another; any
            `concurrent.futures.Executor` runs there; a `dask.distributed`
            Client (or `client.get_executor()`) runs on its cluster, prints
            the dashboard link, and first uploads the rule and recipe modules
            the workers cannot import (`ship_modules`).
        timeout: seconds for the whole run; rows not finished by then are
            error rows and their tasks are cancelled (in this process a running
            variant cannot be interrupted: the rest are not started).
        seed: seeds Python's, NumPy's and torch's generators before the recipe
            is called, wherever the variant is rebuilt, so the same seed gives
            the same weights and results in every process; None leaves them.
        progress: None/True a bar in a notebook, text elsewhere; False none;
            "text" or "widget" to choose.
        on_result: called with each row as it finishes (completion order).
        ship_modules: with Dask, upload modules the workers lack.

    Returns:
        VariantTable: a list of VariantResult in the variants' order.
    """
    if not callable(fn):
        raise GloveError("run_variants needs a function fn(tree) -> result, "
                         f"got {short_repr(fn, 80)}")
    todo = [variants] if isinstance(variants, Variant) else list(variants)
    for item in todo:
        if not isinstance(item, Variant):
            raise GloveError(f"run_variants takes what gl.variants returns; got "
                             f"{type(item).__name__} in the list")
    client, pool = _pool_for(executor)
    reporter = choose_progress(progress)
    run = _Run(todo, reporter, on_result)
    where = None
    task: Callable[..., dict[str, Any]] = rebuild_and_run
    sent_fn: Any = fn
    if client is not None:
        from glove_lab.scale._dask import describe_client, pickle_function
        from glove_lab.scale._dask import ship_modules as upload

        where = describe_client(client)
        shipped, missing = upload(client, _modules_needed(todo, fn), upload=ship_modules)
        if shipped:
            where += f"; sent {', '.join(shipped)} to the workers"
        # fn goes as bytes the task loads, so a function a worker cannot load is an error
        # row (Dask would retry such a task forever); by value if its module is not there.
        try:
            task, sent_fn = rebuild_and_run_pickled, pickle_function(fn, missing)
        except Exception as exc:
            raise GloveError(f"fn {getattr(fn, '__qualname__', fn)!r} cannot be sent to the "
                             f"workers (nothing ran): {type(exc).__name__}: {exc}") from exc
    elif executor is not None:
        where = type(executor).__name__
    if reporter is not None:
        reporter.start(len(todo), where)
    start = time.perf_counter()
    deadline = None if timeout is None else start + timeout
    for index, variant in enumerate(todo):
        if not variant.ok:
            run.finish(index, error=f"invalid variant: {variant.error}")
    if pool is None:
        _run_here(run, fn, seed, deadline, timeout)
    else:
        _run_on(run, pool, task, sent_fn, seed, deadline, timeout, dask=client is not None)
    table = VariantTable(row for row in run.rows if row is not None)
    table.seconds = time.perf_counter() - start
    if reporter is not None:
        reporter.finish(f"{len(table)} variants: {len(table.ok)} ok, {len(table.errors)} "
                        f"error{'s' if len(table.errors) != 1 else ''} in {table.seconds:.1f} s")
    remember(table)
    return table


class _Run:
    """The rows being filled in, by index; reports each as it arrives."""

    def __init__(self, todo: list[Variant], reporter: Progress | None,
                 on_result: Callable[[VariantResult], None] | None) -> None:
        self.todo = todo
        self.rows: list[VariantResult | None] = [None] * len(todo)
        self.reporter = reporter
        self.on_result = on_result

    def pending(self) -> list[int]:
        return [i for i, row in enumerate(self.rows) if row is None]

    def finish(self, index: int, **fields: Any) -> None:
        variant = self.todo[index]
        row = VariantResult(variant.name, dict(variant.params), **fields)
        self.rows[index] = row
        if self.reporter is not None:
            self.reporter.advance(row.name, row.error, row.seconds)
        if self.on_result is not None:
            self.on_result(row)

    def report(self, index: int, report: dict[str, Any]) -> None:
        report = load_result(report)
        self.finish(index, **{k: report.get(k) for k in
                              ("result", "seconds", "error", "worker", "traceback")})


def _run_here(run: _Run, fn: Callable[[Any], Any], seed: int | None,
              deadline: float | None, timeout: float | None) -> None:
    for index in run.pending():
        if deadline is not None and time.perf_counter() > deadline:
            run.finish(index, error=f"not started: the timeout of {timeout:g} s passed")
            continue
        run.report(index, rebuild_and_run(run.todo[index].spec(seed), fn))


def _run_on(run: _Run, pool: Any, task: Callable[..., dict[str, Any]], fn: Any,
            seed: int | None, deadline: float | None, timeout: float | None,
            dask: bool) -> None:
    futures: dict[Any, int] = {}
    batch = uuid.uuid4().hex[:8]
    try:
        for index in run.pending():
            variant = run.todo[index]
            # Dask shows the key in its dashboard; other executors would pass it to fn.
            extra = {"key": f"glove-variant-{variant.name}-{batch}-{index}"} if dask else {}
            try:
                futures[pool.submit(task, variant.spec(seed), fn, **extra)] = index
            except Exception as exc:  # e.g. fn cannot be pickled for this executor
                run.finish(index, error=f"could not submit: {type(exc).__name__}: {exc}")
        remaining = None if deadline is None else max(deadline - time.perf_counter(), 0.0)
        try:
            for future in cf.as_completed(futures, timeout=remaining):
                index = futures.pop(future)
                try:
                    report = future.result()
                except BaseException as exc:  # lost worker, cancelled, unpicklable result
                    run.finish(index, error=f"the executor could not run it or send it back: "
                                            f"{type(exc).__name__}: {exc}")
                else:
                    run.report(index, report)
        except cf.TimeoutError:
            for future, index in futures.items():
                future.cancel()
                run.finish(index, error=f"no result within the timeout of {timeout:g} s; "
                                        "cancelled")
            futures.clear()
    finally:
        for future in futures:  # interrupted (Ctrl-C, on_result raised): stop the rest
            future.cancel()


def _pool_for(executor: Any) -> tuple[Any, Any]:
    """(dask client or None, executor to submit to or None for in-process)."""
    if executor is None:
        return None, None
    from glove_lab.scale._dask import dask_client

    client = dask_client(executor)
    if client is not None and executor is client:
        return client, client.get_executor(pure=False)
    if not callable(getattr(executor, "submit", None)):
        raise GloveError(f"executor must be a concurrent.futures.Executor or a "
                         f"dask.distributed Client, got {type(executor).__name__}")
    return client, executor


def _modules_needed(todo: list[Variant], fn: Callable[[Any], Any]) -> list[str]:
    """Modules a worker imports to rebuild and run: the recipe's, the code's, fn's."""
    names: set[str] = set()
    for variant in todo:
        if variant.code is None:
            continue
        names.add(variant.recipe.partition(":")[0])
        for node in ast.walk(ast.parse(variant.code)):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
    module = getattr(fn, "__module__", None)
    if isinstance(module, str) and module not in ("__main__", "builtins"):
        names.add(module)
    return sorted(names)
