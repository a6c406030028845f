"""PyGlove patchers offered as glove_lab rules: parameters, answers, refusals, export."""

from __future__ import annotations

import pyglove as pg
import pytest

import glove_lab as gl
from glove_lab.pyglove import patcher_rule
from tests.pyglove.models import Layer, make_net


def units(tree):
    return [x.units for x in gl.query(tree, type=Layer).values()]


def test_registered_patchers_are_listed_as_rules_that_match_a_pyglove_root():
    names = [r.name for r in gl.rules(make_net(), at="")]
    assert {"pyglove.widen", "pyglove.activation", "pyglove.checked_lr"} <= set(names)


def test_patcher_parameters_become_typed_rule_parameters():
    params = {p.name: p for p in patcher_rule("widen").params}
    assert params["units"].kind == "int" and params["units"].default == 16
    choice = patcher_rule("activation").params[0]
    assert choice.kind == "choice" and set(choice.choices) == {"gelu", "relu", "silu"}


def test_a_dict_patcher_applies_persistently():
    net = make_net()
    new = gl.apply(net, "pyglove.widen?units=64")
    assert units(new) == [64, 64, 64] and units(net) == [8, 16, 32]


def test_a_rebind_function_patcher_applies_persistently():
    net = make_net()
    new = gl.apply(net, "pyglove.activation", act="silu")
    assert {x.act for x in gl.query(new, type=Layer).values()} == {"silu"}
    assert [x.act for x in gl.query(net, type=Layer).values()] == ["relu", "gelu", "relu"]


def test_a_patcher_applied_at_a_subtree_reads_paths_relative_to_it():
    new = gl.apply(make_net(), "pyglove.activation", at="blocks[1]", act="silu")
    assert [x.act for x in gl.query(new, type=Layer).values()] == ["relu", "gelu", "silu"]


def test_a_patcher_that_edits_its_target_in_place_is_refused_and_nothing_changes():
    net = make_net()
    before = net.clone(deep=True)
    with pytest.raises(gl.RuleError, match=r"edits_in_place.*in place"):
        gl.apply(net, "pyglove.edits_in_place")
    assert pg.eq(net, before)


def test_a_value_the_patcher_spec_rejects_is_a_rule_error_naming_it():
    with pytest.raises(gl.RuleError, match=r"widen.*out of range"):
        gl.apply(make_net(), "pyglove.widen", units=0)


def test_a_patcher_validator_vetoes_its_result():
    assert gl.apply(make_net(), "pyglove.checked_lr", lr=0.5).lr == 0.5
    with pytest.raises(gl.RuleError, match="validator rejects"):
        gl.apply(make_net(), "pyglove.checked_lr", lr=5.0)


def test_a_patcher_registered_after_the_adapter_is_found_by_name():
    @pg.patcher()
    def late_patcher_for_test(net):
        return {"lr": 0.25}

    assert gl.apply(make_net(), "pyglove.late_patcher_for_test").lr == 0.25


def test_an_unknown_patcher_is_a_rule_error():
    with pytest.raises(gl.RuleError, match="no PyGlove patcher named 'nope'"):
        patcher_rule("nope")


def test_export_imports_the_adapter_and_the_patcher_module():
    session = gl.Session(make_net(), name="net")
    session.apply("pyglove.widen", units=3)
    code = session.export()
    assert "import glove_lab.pyglove" in code and "import tests.pyglove.models" in code
    namespace: dict = {"net": make_net()}
    exec(code, namespace)
    assert pg.eq(namespace["net"], session.tree)
