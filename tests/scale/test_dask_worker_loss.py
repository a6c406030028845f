"""Losing a dask worker mid-run: every row still comes back (retried) or says it was lost."""

from __future__ import annotations

import os
import signal

import dask
from distributed import Client, LocalCluster

import glove_lab as gl
from tests.scale.models import IDEAS, slow_without_dropout, train, train_slowly

RECIPE = "tests.scale.models:make_net"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_killing_a_worker_mid_run_still_returns_every_row_within_the_timeout():
    made = gl.variants(RECIPE, IDEAS)
    here = gl.run_variants(made, train, progress=False)
    killed: list[tuple[int, int]] = []  # (pid, rows seen when it was killed)
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        pids = client.run(os.getpid)

        def kill_the_other_worker(row):
            if killed:
                return
            victim = next(pid for pid in pids.values() if not row.worker.endswith(f":{pid}"))
            os.kill(victim, signal.SIGKILL)
            killed.append((victim, seen.count(True)))

        seen: list[bool] = []

        def on_result(row):
            seen.append(True)
            kill_the_other_worker(row)

        table = gl.run_variants(made, train_slowly, client, timeout=240, on_result=on_result,
                                progress=False)
    (victim, rows_before), = killed
    assert rows_before < len(made) and not _alive(victim)  # it died mid-run
    assert [row.name for row in table] == [v.name for v in made]
    for row in table:
        if row.ok:  # finished before the kill, or retried on a live worker
            assert row.result == here.results()[row.name]
        else:  # lost for good: the row says so instead of hanging
            assert row.error.startswith("the executor could not run it or send it back: "
                                        "KilledWorker"), row.error
    assert len(table.ok) >= 1


def test_a_task_dask_gives_up_on_is_a_clear_error_row():
    # With no retries allowed, the task on the killed worker is lost for good: its row says
    # so (KilledWorker) and the other row is the in-process result.
    made = gl.variants(RECIPE, {"dropout": IDEAS["dropout"]})
    here = gl.run_variants(made, train, progress=False)
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                         dashboard_address=None) as cluster, Client(cluster) as client:
        pids = client.run(os.getpid)
        killed = []

        def kill_the_worker_running_base(row):
            if killed:  # the second row is base's own
                return
            running = client.processing()
            victim = next(address for address, keys in running.items()
                          if any("glove-variant-base-" in str(key) for key in keys))
            os.kill(pids[victim], signal.SIGKILL)
            killed.append(pids[victim])

        table = gl.run_variants(made, slow_without_dropout, client, timeout=240,
                                on_result=kill_the_worker_running_base, progress=False)
    assert len(killed) == 1 and not _alive(killed[0])
    assert table["dropout"].result == here.results()["dropout"]
    assert table["base"].error.startswith(
        "the executor could not run it or send it back: KilledWorker"), table["base"].error
