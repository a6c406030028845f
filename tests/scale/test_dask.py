"""Variants on a real dask.distributed LocalCluster with 2 worker processes, made here."""

from __future__ import annotations

import os
import sys
import textwrap
import threading
import types
import uuid

import pytest
from distributed import Client, LocalCluster

import glove_lab as gl
from tests.scale.models import IDEAS, explode_on_leaky, lock_of, train

RECIPE = "tests.scale.models:make_net"


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def here():
    """The in-process run every cluster run must equal (same seed)."""
    return gl.run_variants(gl.variants(RECIPE, IDEAS), train, progress=False)


def test_twelve_variants_on_the_cluster_equal_the_in_process_run(client, here, capsys):
    made = gl.variants(RECIPE, IDEAS)
    table = gl.run_variants(made, train, client, timeout=300, progress="text")
    assert [row.name for row in table] == [v.name for v in made]
    assert not table.errors
    assert table.results() == here.results()
    workers = {row.worker for row in table}
    assert f":{os.getpid()}" not in "".join(workers)
    assert {w.split(":")[-1] for w in workers} <= {str(p) for p in client.run(os.getpid).values()}
    err = capsys.readouterr().err
    assert "running 12 variants on dask: 2 workers, dashboard: http" in err


def test_the_clients_executor_works_as_the_client_does(client, here):
    made = gl.variants(RECIPE, IDEAS)[:4]
    table = gl.run_variants(made, train, client.get_executor(), timeout=300, progress=False)
    assert table.results() == {row.name: here.results()[row.name] for row in table}


def test_a_failing_rule_and_a_failing_fn_are_error_rows_on_the_cluster(client, here):
    with pytest.warns(UserWarning, match="4 of 8 variants"):
        made = gl.variants(RECIPE, {"broken": "scale_ideas.broken", "leaky": IDEAS["leaky"],
                                    "dropout": IDEAS["dropout"]})
    table = gl.run_variants(made, explode_on_leaky, client, timeout=300, progress=False)
    assert len(table) == 8
    for row in table:
        if row.params["broken"]:
            assert row.error.startswith("invalid variant: step 1 (scale_ideas.broken)")
            assert "cannot handle a Linear with 8 inputs" in row.error
        elif row.params["leaky"]:
            assert row.error == "fn raised ValueError: this evaluation cannot handle LeakyReLU"
            assert "explode_on_leaky" in row.traceback
        else:
            assert row.result == here.results()[row.name]
    assert [row.name for row in table.ok] == ["base", "dropout"]


def _probe_module(tmp_path, monkeypatch) -> tuple[str, str]:
    """A rule module importable here only (its folder joins sys.path after the workers started)."""
    module = f"glove_probe_{uuid.uuid4().hex[:8]}"
    rule = f"{module}.silu"
    (tmp_path / f"{module}.py").write_text(textwrap.dedent(f'''
        from torch import nn
        import glove_lab as gl

        @gl.rule({rule!r}, on=gl.Match(type=nn.ReLU))
        def silu(node):
            """ReLU -> SiLU."""
            return nn.SiLU()
    '''))
    monkeypatch.syspath_prepend(str(tmp_path))
    __import__(module)
    return module, rule


def test_a_rule_module_the_workers_lack_is_a_rebuild_error_row(client, tmp_path, monkeypatch):
    module, rule = _probe_module(tmp_path, monkeypatch)
    made = gl.variants(RECIPE, {"silu": rule})
    table = gl.run_variants(made, train, client, timeout=300, ship_modules=False,
                            progress=False)
    assert table["base"].ok
    assert table["silu"].error == (f"rebuild failed: ModuleNotFoundError: No module named "
                                   f"{module!r}")
    assert f"import {module}" in made["silu"].code


def test_rule_modules_the_workers_lack_are_shipped_to_them(client, tmp_path, monkeypatch,
                                                            capsys):
    module, rule = _probe_module(tmp_path, monkeypatch)
    made = gl.variants(RECIPE, {"silu": rule})
    local = gl.run_variants(made, train, progress=False)
    table = gl.run_variants(made, train, client, timeout=300, progress="text")
    assert not table.errors
    assert table.results() == local.results()
    assert f"sent {module} to the workers" in capsys.readouterr().err
    assert all(module in names for names in client.run(lambda: list(sys.modules)).values())


def test_an_evaluation_from_a_module_the_workers_lack_travels_by_value(client):
    # A helper module made at run time (like a notebook's scratch module): no file to send,
    # and Dask alone would retry the unloadable task forever. It must run, and fast.
    helpers = types.ModuleType("glove_scratch_helpers")
    sys.modules[helpers.__name__] = helpers
    try:
        exec("def count_parameters(model):\n"
             "    return sum(p.numel() for p in model.parameters())\n", helpers.__dict__)
        made = gl.variants(RECIPE, {"dropout": IDEAS["dropout"]})
        table = gl.run_variants(made, helpers.count_parameters, client, timeout=120,
                                progress=False)
    finally:
        del sys.modules[helpers.__name__]
    assert [row.error for row in table] == [None, None]
    assert table.results() == {"base": 1571, "dropout": 1571}


def test_an_evaluation_that_cannot_be_loaded_on_the_workers_is_an_error_row(client, tmp_path,
                                                                           monkeypatch):
    # fn travels by value, but it holds an object of a class from a module the workers
    # lack (and that was not sent): it cannot be loaded there.
    (tmp_path / "glove_only_here.py").write_text("class Marker:\n    pass\n")
    (tmp_path / "glove_eval_helpers.py").write_text(
        "from glove_only_here import Marker\n\nMARKER = Marker()\n\n\n"
        "def evaluate(model):\n    return MARKER\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    from glove_eval_helpers import evaluate

    made = gl.variants(RECIPE, {"dropout": IDEAS["dropout"]})
    table = gl.run_variants(made, evaluate, client, timeout=120, ship_modules=False,
                            progress=False)
    assert [row.error for row in table] == [
        "fn could not be loaded where it ran: ModuleNotFoundError: No module named "
        "'glove_only_here'"] * 2


def test_a_result_that_cannot_travel_back_is_an_error_row(client):
    # Dask alone would keep such a task pending until the timeout.
    made = gl.variants(RECIPE, {"dropout": IDEAS["dropout"]})
    table = gl.run_variants(made, lock_of, client, timeout=120, progress=False)
    assert [row.error for row in table] == [
        "the result cannot be sent back: TypeError: cannot pickle '_thread.lock' object"] * 2


def test_an_evaluation_that_cannot_be_pickled_is_refused_before_anything_runs(client):
    made = gl.variants(RECIPE, {"dropout": IDEAS["dropout"]})
    lock = threading.Lock()

    def holds_a_lock(model):
        return lock.locked()

    with pytest.raises(gl.GloveError, match=r"cannot be sent to the workers \(nothing ran\): "
                                            r"TypeError: cannot pickle '_thread.lock'"):
        gl.run_variants(made, holds_a_lock, client, timeout=120, progress=False)
