"""gl.variants and gl.run_variants in this process, on a plain config tree (no torch, no dask)."""

from __future__ import annotations

import concurrent.futures as cf
import json
import random
import time

import pytest

import glove_lab as gl
from glove_lab.scale import Variant, VariantTable
from tests.scale import recipes
from tests.scale.recipes import config, fail_on_shouting, total

RECIPE = "tests.scale.recipes:config"
SPACE = {
    "double": "fixtures.double_ints",
    "lr": {"same": None, "x10": "fixtures.scale_floats?factor=10"},
    "shout": ("fixtures.shout", {"suffix": "!"}),
}


def test_a_dict_space_is_the_cartesian_product_in_order():
    made = gl.variants(RECIPE, SPACE)
    assert [v.name for v in made] == [
        "base", "shout", "x10", "x10+shout",
        "double", "double+shout", "double+x10", "double+x10+shout"]
    assert made["double+x10"].params == {"double": True, "lr": "x10", "shout": False}
    assert made["double+x10"].tree == {"steps": 20, "lr": 5.0, "name": "base", "widths": [8, 16]}


def test_steps_apply_in_the_order_of_the_ideas():
    made = gl.variants(RECIPE, {"double": "fixtures.double_ints",
                                "scale": "fixtures.scale_floats?factor=10"})
    assert made["double+scale"].steps == ("fixtures.double_ints", "fixtures.scale_floats?factor=10")
    assert [s.rule for s in made["double+scale"].session.history] == [
        "fixtures.double_ints", "fixtures.scale_floats"]


def test_a_list_of_options_is_labelled_by_their_text():
    made = gl.variants(RECIPE, {"lr": [None, "fixtures.scale_floats?factor=3",
                                       ("fixtures.scale_floats", {"factor": 4.0})]})
    assert [v.params["lr"] for v in made] == [
        None, "fixtures.scale_floats?factor=3", "fixtures.scale_floats(factor=4.0)"]
    assert [v.tree["lr"] for v in made] == [0.5, 1.5, 2.0]


def test_number_labels_name_the_variant_with_their_idea():
    made = gl.variants(RECIPE, {"factor": {2: "fixtures.scale_floats?factor=2",
                                           3: "fixtures.scale_floats?factor=3"}})
    assert [v.name for v in made] == ["factor=2", "factor=3"]


def test_an_option_may_be_several_steps_and_an_application_may_name_paths():
    made = gl.variants(RECIPE, {"idea": {"off": None,
                                         "both": ["fixtures.double_ints", "fixtures.shout"]},
                                "first": ("fixtures.double_ints", {}, ["widths[0]"])})
    assert made["both"].tree["widths"] == [8, 16] and made["both"].tree["name"] == "base!"
    assert made["first"].tree["widths"] == [8, 8]
    assert made["both+first"].steps == ("fixtures.double_ints", "fixtures.shout",
                                        "fixtures.double_ints at widths[0]")


def test_an_explicit_list_gives_exactly_the_listed_variants():
    made = gl.variants(RECIPE, [{}, {"double": "fixtures.double_ints"},
                                {"double": "fixtures.double_ints", "shout": "fixtures.shout"}])
    assert [v.name for v in made] == ["base", "double", "double+shout"]
    assert [v.params for v in made] == [{"double": False, "shout": False},
                                        {"double": True, "shout": False},
                                        {"double": True, "shout": True}]


def test_each_variant_is_its_session_exported_as_code_that_rebuilds_it():
    variant = gl.variants(RECIPE, SPACE)["double+x10+shout"]
    assert variant.code == variant.session.export()
    assert "import tests.fixtures.rules" in variant.code
    namespace: dict = {}
    exec(variant.script, namespace)  # the whole program: recipe call, then the export
    assert gl.eq(namespace["model"], variant.tree)
    assert gl.eq(variant.build(), variant.tree)
    assert json.loads(json.dumps(variant.spec())) == variant.spec()  # travels as text


def test_the_tree_name_is_the_variable_the_code_assigns():
    variant = gl.variants(RECIPE, {"double": "fixtures.double_ints"}, name="cfg")["double"]
    assert "cfg = gl.apply(cfg, 'fixtures.double_ints')" in variant.code
    assert variant.build()["steps"] == 20


def test_a_combination_that_does_not_apply_is_reported_not_dropped():
    with pytest.warns(UserWarning, match="1 of 4 variants") as warned:
        made = gl.variants(RECIPE, {"shout": "fixtures.shout", "rename": "scale_test.rename"})
    assert [v.name for v in made] == ["base", "rename", "shout", "shout+rename"]
    bad = made["shout+rename"]
    assert made.invalid == [bad] and not bad.ok and bad.code is None
    assert "step 2 (scale_test.rename) after fixtures.shout: NoMatchError" in bad.error
    assert "shout+rename" in str(warned[0].message)
    assert "invalid: step 2" in repr(made)
    with pytest.raises(gl.GloveError, match="is invalid"):
        bad.tree  # noqa: B018
    rows = gl.run_variants(made, total, progress=False)
    assert rows["shout+rename"].error.startswith("invalid variant: step 2")
    assert [r.ok for r in rows] == [True, True, True, False]


def test_a_rule_that_raises_makes_an_invalid_variant_naming_the_rule():
    made = gl.variants(RECIPE, {"boom": "fixtures.explode_on_big"}, warn=False)
    assert made["base"].ok
    assert "rule 'fixtures.explode_on_big' failed" in made["boom"].error


@pytest.mark.parametrize(("recipe", "message"), [
    (config(), "got a dict where a recipe was expected"),
    (lambda: config(), "is a lambda or a local function"),
    ("tests.scale.recipes.config", "is not 'module:qualname'"),
    ("tests.scale.no_such_module:config", "cannot import 'tests.scale.no_such_module'"),
    ("tests.scale.recipes:nothing_here", "has no 'nothing_here'"),
    ("tests.scale.recipes:RECIPE_NOT_CALLABLE", "has no 'RECIPE_NOT_CALLABLE'"),
    ("tests.scale.test_variants:RECIPE", "names a str, not a callable"),
    (recipes.total, "needs arguments"),
])
def test_a_recipe_that_is_not_importable_code_is_refused_with_the_reason(recipe, message):
    with pytest.raises(gl.GloveError, match="recipe") as raised:
        gl.variants(recipe, {"double": "fixtures.double_ints"})
    assert message in str(raised.value)


def test_a_recipe_defined_in_the_notebook_is_refused():
    namespace = {"__name__": "__main__"}
    exec("def make():\n    return {'a': 1}\n", namespace)
    with pytest.raises(gl.GloveError, match=r"defined in the notebook \(__main__\)"):
        gl.variants(namespace["make"], {"double": "fixtures.double_ints"})


def test_an_importable_callable_is_named_by_module_and_qualname():
    made = gl.variants(config, {"double": "fixtures.double_ints"})
    assert made.recipe == RECIPE and made["double"].recipe == RECIPE


def test_a_rule_defined_in_the_notebook_is_refused():
    namespace = {"__name__": "__main__", "gl": gl}
    exec("@gl.rule('notebook.triple', on=gl.Match(type=int))\n"
         "def triple(node):\n    return node * 3\n", namespace)
    with pytest.raises(gl.GloveError, match=r"\['notebook.triple'\] are defined in the notebook"):
        gl.variants(RECIPE, {"triple": "notebook.triple"})


@pytest.mark.parametrize(("space", "message"), [
    ({}, "the variant space is empty"),
    ("fixtures.shout", "space must be a dict"),
    ({"x": {}}, "idea 'x' has no options"),
    ({"x": 3}, "idea 'x': 3 is not an application"),
    ([3], "variant 1 of the list must be a dict"),
])
def test_a_malformed_space_is_refused(space, message):
    with pytest.raises(gl.GloveError, match=message):
        gl.variants(RECIPE, space)


def test_run_gives_one_row_per_variant_in_order_with_result_and_time():
    made = gl.variants(RECIPE, SPACE)
    table = gl.run_variants(made, total, progress=False)
    assert isinstance(table, VariantTable)
    assert [row.name for row in table] == [v.name for v in made]
    assert [row.result for row in table] == [total(v.tree) for v in made]
    assert all(row.ok and row.seconds >= 0 and row.worker for row in table)
    assert table["double"].params == {"double": True, "lr": "same", "shout": False}


def test_rows_are_plain_records():
    table = gl.run_variants(gl.variants(RECIPE, SPACE), total, progress=False)
    records = table.records()
    assert set(records[0]) == {"name", "params", "result", "seconds", "error", "worker",
                               "traceback"}
    assert json.loads(json.dumps(records)) == records
    assert table.results() == {row.name: row.result for row in table}


def test_a_failing_fn_is_an_error_row_and_the_others_still_run():
    table = gl.run_variants(gl.variants(RECIPE, SPACE), fail_on_shouting, progress=False)
    shouted = {row.name for row in table if row.params["shout"]}
    assert {row.name for row in table.errors} == shouted
    row = table["shout"]
    assert row.error == "fn raised RuntimeError: cannot evaluate 'base!'"
    assert "fail_on_shouting" in row.traceback and row.result is None
    assert len(table.ok) == 4


def test_a_variant_that_does_not_rebuild_where_it_runs_is_an_error_row(monkeypatch):
    made = gl.variants("tests.scale.recipes:config_from_environment",
                       {"double": "fixtures.double_ints"})
    monkeypatch.setenv("GLOVE_TEST_RECIPE_BROKEN", "1")
    table = gl.run_variants(made, total, progress=False)
    assert [row.error for row in table] == [
        "rebuild failed: FileNotFoundError: no dataset at /data/blobs on this machine"] * 2


def test_rows_are_reported_as_they_finish_with_text_progress(capsys):
    seen = []
    table = gl.run_variants(gl.variants(RECIPE, SPACE), total, on_result=seen.append,
                            progress="text")
    assert seen == list(table)
    err = capsys.readouterr().err
    assert "running 8 variants in this process" in err
    assert "[8/8] double+x10+shout: ok in" in err
    assert "8 variants: 8 ok, 0 errors" in err


def test_an_in_process_run_leaves_the_callers_random_state_alone():
    random.seed(123)
    state = random.getstate()
    gl.run_variants(gl.variants(RECIPE, SPACE), lambda tree: random.random(), progress=False)
    assert random.getstate() == state


def test_the_seed_makes_rebuilt_variants_draw_the_same_numbers():
    made = gl.variants(RECIPE, {"double": "fixtures.double_ints"})
    first = gl.run_variants(made, lambda tree: random.random(), seed=7, progress=False)
    again = gl.run_variants(made, lambda tree: random.random(), seed=7, progress=False)
    other = gl.run_variants(made, lambda tree: random.random(), seed=8, progress=False)
    assert first.results() == again.results() != other.results()


def test_any_concurrent_futures_executor_gives_the_in_process_rows():
    made = gl.variants(RECIPE, SPACE)
    here = gl.run_variants(made, total, progress=False)
    with cf.ThreadPoolExecutor(max_workers=2) as pool:
        there = gl.run_variants(made, total, pool, progress=False)
    assert there.results() == here.results() and len(there) == 8


def test_a_timeout_bounds_an_executor_run_and_names_the_lost_rows():
    made = gl.variants(RECIPE, {"double": "fixtures.double_ints"})

    def slow_for_doubled(tree):
        if tree["steps"] == 20:
            time.sleep(3)
        return total(tree)

    with cf.ThreadPoolExecutor(max_workers=2) as pool:
        table = gl.run_variants(made, slow_for_doubled, pool, timeout=0.5, progress=False)
        assert table["base"].ok
        assert table["double"].error == "no result within the timeout of 0.5 s; cancelled"


def test_a_timeout_in_process_does_not_start_the_rest():
    made = gl.variants(RECIPE, {"double": "fixtures.double_ints"})
    table = gl.run_variants(made, lambda tree: time.sleep(0.3), timeout=0.1, progress=False)
    assert table["base"].ok
    assert table["double"].error == "not started: the timeout of 0.1 s passed"


def test_a_single_variant_runs_too():
    variant = gl.variants(RECIPE, {"double": "fixtures.double_ints"})["double"]
    assert isinstance(variant, Variant)
    assert gl.run_variants(variant, total, progress=False).results() == {"double": 44.5}


@pytest.mark.parametrize(("call", "message"), [
    (lambda made: gl.run_variants(made, 3), "needs a function"),
    (lambda made: gl.run_variants(made, total, executor=object()), "must be a concurrent"),
    (lambda made: gl.run_variants(made, total, progress="loud"), "progress must be"),
    (lambda made: gl.run_variants([config()], total), "takes what gl.variants returns"),
])
def test_bad_arguments_to_run_are_refused(call, message):
    made = gl.variants(RECIPE, {"double": "fixtures.double_ints"})
    with pytest.raises(gl.GloveError, match=message):
        call(made)


def test_the_table_prints_results_and_errors():
    table = gl.run_variants(gl.variants(RECIPE, SPACE), fail_on_shouting, progress=False)
    text = repr(table)
    assert text.startswith("8 variants, 4 errors")
    assert "error: fn raised RuntimeError" in text and "22.5" in text
