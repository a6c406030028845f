"""Twelve variants of a small torch model (3 ideas), each trained a few steps, in processes."""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing

import glove_lab as gl
from tests.scale.models import IDEAS, explode_on_leaky, single_thread, train

RECIPE = "tests.scale.models:make_net"


def test_twelve_variants_each_train_and_differ():
    made = gl.variants(RECIPE, IDEAS)
    assert len(made) == 12 and not made.invalid
    table = gl.run_variants(made, train, progress=False)
    assert not table.errors
    losses = [row.result["loss"] for row in table]
    assert len(set(losses)) == 12  # every patch changes training
    leaky = made["gn4+leaky+dropout"].tree
    assert type(leaky.body[2][0]).__name__ == "LeakyReLU"
    assert type(leaky.body[1]).__name__ == "GroupNorm" and leaky.body[1].num_groups == 4


def test_the_same_seed_gives_the_same_weights_and_results_another_seed_does_not():
    made = gl.variants(RECIPE, IDEAS)[:4]
    first = gl.run_variants(made, train, seed=3, progress=False)
    again = gl.run_variants(made, train, seed=3, progress=False)
    other = gl.run_variants(made, train, seed=4, progress=False)
    assert first.results() == again.results()
    assert all(first.results()[k] != other.results()[k] for k in first.results())


def test_a_process_pool_rebuilds_from_code_and_matches_the_in_process_run():
    made = gl.variants(RECIPE, IDEAS)
    here = gl.run_variants(made, train, progress=False)
    context = multiprocessing.get_context("spawn")  # fresh interpreters: only code travels
    # One torch thread, as here (conftest) and on dask workers: reductions then add up in
    # the same order, so results are bitwise equal.
    with cf.ProcessPoolExecutor(max_workers=2, mp_context=context,
                                initializer=single_thread) as pool:
        there = gl.run_variants(made, train, pool, timeout=300, progress=False)
    assert there.results() == here.results()
    assert {row.worker for row in there}.isdisjoint({row.worker for row in here})


def test_a_failing_evaluation_is_an_error_row_only_where_it_fails():
    table = gl.run_variants(gl.variants(RECIPE, IDEAS), explode_on_leaky, progress=False)
    assert {row.name for row in table.errors} == {row.name for row in table
                                                  if row.params["leaky"]}
    assert all(row.error == "fn raised ValueError: this evaluation cannot handle LeakyReLU"
               for row in table.errors)
    assert len(table.ok) == 6
