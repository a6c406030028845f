"""PyGlove values as glove_lab nodes: children, persistent edits, query, tags, code, sessions."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pyglove as pg
import pytest
from torch import nn

import glove_lab as gl
from tests.pyglove.models import Dropout, Layer, Net, make_net, schedule

ROOT = Path(__file__).resolve().parents[2]


def run_fresh(script: str) -> str:
    """Run `script` in a new interpreter (only this worktree on the path); its stdout."""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=str(ROOT), env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


# -- children -------------------------------------------------------------------------------


def test_object_children_are_its_symbolic_init_arguments_defaults_included():
    assert [k for k, _ in gl.tree.children_of(Layer(8))] == ["units", "act"]
    assert gl.get(Layer(8), "act") == "relu"


def test_list_and_dict_children_are_elements_and_entries():
    net = make_net()
    assert [str(p) for p in gl.paths(net.blocks[0].layers)] == [
        "", "[0]", "[0].units", "[0].act", "[1]", "[1].units", "[1].act"]
    assert gl.get(net, 'blocks[0].options.norm') == "batch"


def test_functor_children_are_its_bound_arguments():
    assert dict(gl.tree.children_of(schedule(0.5))) == {"base": 0.5, "warmup": 0}


def test_a_symbolized_torch_layer_is_a_pyglove_node_not_a_torch_module():
    # glove_lab.torch is imported too: its resolver must leave PyGlove's classes to PyGlove.
    assert dict(gl.tree.children_of(Dropout(p=0.3))) == {"p": 0.3, "inplace": False}


# -- persistent edits -------------------------------------------------------------------------


def test_rebind_returns_a_new_pyglove_tree_and_leaves_the_users_untouched():
    net = make_net()
    before = net.clone(deep=True)
    parent_of_first = net.blocks[0].sym_parent
    new = gl.rebind(net, {"blocks[0].layers[1].units": 99, "lr": 0.5})
    assert new.blocks[0].layers[1].units == 99 and new.lr == 0.5
    assert pg.eq(net, before)
    assert net.blocks[0].sym_parent is parent_of_first  # no re-parenting of the user's values
    assert type(new) is Net and type(new.blocks) is pg.List
    assert type(new.blocks[0].options) is pg.Dict


def test_rebuilt_tree_is_a_well_formed_pyglove_tree():
    new = gl.rebind(make_net(), {"blocks[1].layers[0].units": 3})
    assert str(new.blocks[1].layers[0].sym_path) == "blocks[1].layers[0]"
    assert new.blocks[1].layers[0].sym_root is new
    new.rebind({"lr": 0.7})  # PyGlove's own API keeps working on the result
    assert new.lr == 0.7


def test_rebind_of_a_functor_argument_changes_what_it_computes():
    new = gl.rebind(schedule(0.5, warmup=1), {"warmup": 3})
    assert new() == 2.0 and type(new) is type(schedule(0.5))


def test_a_value_pyglove_rejects_is_a_glove_error_naming_the_path_and_nothing_changes():
    net = make_net()
    before = net.clone(deep=True)
    with pytest.raises(gl.GloveError, match=r"blocks\[0\]\.layers\[0\]"):
        gl.rebind(net, {"blocks[0].layers[0].units": "wide"})
    assert pg.eq(net, before)


def test_a_new_pg_dict_key_can_be_added_like_a_dict_entry():
    new = gl.rebind(make_net(), {"blocks[0].options.eps": 1e-5})
    assert dict(new.blocks[0].options) == {"norm": "batch", "eps": 1e-5}


def test_removing_a_list_element_renumbers_and_keeps_the_pyglove_list():
    new = gl.rebind(make_net(), {"blocks[0].layers[0]": gl.REMOVE})
    assert type(new.blocks[0].layers) is pg.List and [x.units for x in new.blocks[0].layers] == [16]


def test_a_rebuilt_symbolized_torch_layer_is_a_working_module():
    new = gl.rebind(make_net(), {"blocks[0].dropout.p": 0.5})
    assert isinstance(new.blocks[0].dropout, nn.Dropout) and new.blocks[0].dropout.p == 0.5


# -- query and tags ---------------------------------------------------------------------------


def test_query_by_type_finds_pyglove_objects():
    assert list(gl.query(make_net(), type=Layer)) == [
        "blocks[0].layers[0]", "blocks[0].layers[1]", "blocks[1].layers[0]"]


def test_tags_come_from_gl_tag_and_a_symbolized_torch_layer_inherits_torch_tags():
    net = make_net()
    assert list(gl.query(net, tag="layer")) == list(gl.query(net, type=Layer))
    assert list(gl.query(net, tag="dropout")) == ["blocks[0].dropout", "blocks[1].dropout"]


def test_a_tag_keyed_rule_applies_to_pyglove_objects():
    @gl.rule("test_pg.double_units", on=gl.Match(tag="layer"))
    def double(node, factor: int = 2):
        return gl.rebind(node, {"units": node.units * factor})

    net = make_net()
    new = gl.apply(net, "test_pg.double_units")
    assert [x.units for x in gl.query(new, type=Layer).values()] == [16, 32, 64]
    assert [x.units for x in gl.query(net, type=Layer).values()] == [8, 16, 32]


def test_eq_and_diff_see_pyglove_values():
    net = make_net()
    new = gl.rebind(net, {"blocks[1].layers[0].act": "silu"})
    assert gl.eq(net, make_net()) and not gl.eq(net, new)
    assert [str(c.path) for c in gl.diff(net, new)] == ["blocks[1].layers[0].act"]


# -- sessions, undo, code ------------------------------------------------------------------------


def test_session_undo_gives_back_the_very_same_root():
    net = make_net()
    session = gl.Session(net, name="net")
    session.rebind({"lr": 0.3})
    session.undo()
    assert session.tree is net


def test_to_code_rebuilds_an_equal_pyglove_tree_in_a_fresh_interpreter():
    tree = gl.rebind(make_net(), {"blocks[0].layers[1].units": 64, "blocks[1].dropout.p": 0.4})
    code = gl.to_code(tree, name="net")
    expected = pg.to_json_str(tree)  # PyGlove's own serialization carries the expectation
    script = code + textwrap.dedent(f"""
        import pyglove as pg
        import tests.pyglove.models
        print(pg.eq(net, pg.from_json_str({expected!r})), type(net).__name__)
    """)
    assert run_fresh(script) == "True Net"


def test_session_export_replays_to_an_equal_pyglove_tree_in_a_fresh_interpreter():
    session = gl.Session(make_net(), name="net")
    session.apply("pyglove.widen", units=12)
    session.replace("blocks[1].layers[0]", Layer(5, act="silu"))
    session.rebind({"lr": 0.01})
    expected = pg.to_json_str(session.tree)
    script = ("from tests.pyglove.models import make_net\nnet = make_net()\n" + session.export()
              + f"import pyglove as pg\nprint(pg.eq(net, pg.from_json_str({expected!r})))\n")
    assert run_fresh(script) == "True"


def test_widget_shows_a_pyglove_tree_and_applies_a_rule_to_the_selection():
    from glove_lab.notebook import GloveWidget

    widget = GloveWidget(gl.Session(make_net(), name="net"))
    widget.send = lambda content, buffers=None: None
    widget._handle_msg({"content": {"data": {"method": "update", "buffer_paths": [],
                                             "state": {"selection": ["blocks[0].layers[1]"]}}},
                        "buffers": []})
    assert widget.inspector["type"] == "Layer" and "layer" in widget.inspector["tags"]
    widget._handle_msg({"content": {"data": {"method": "custom", "content": {
        "event": "apply", "rule": "glove.rebind", "params": {"values": {"units": 4}},
        "scope": "selection"}}}, "buffers": []})
    assert widget.error == "" and widget.session.tree.blocks[0].layers[1].units == 4
    assert "<svg" in widget.svg


def test_json_round_trip_and_a_saved_session_rebuild_pyglove_trees(tmp_path):
    import json

    tree = gl.rebind(make_net(), {"lr": 0.5})
    assert pg.eq(gl.from_json(json.loads(json.dumps(gl.to_json(tree)))), tree)
    session = gl.Session(make_net(), name="net")
    session.replace("blocks[0].layers[0]", Layer(3))
    session.save(tmp_path / "net.json")
    assert pg.eq(gl.Session.load(tmp_path / "net.json", make_net()).tree, session.tree)
