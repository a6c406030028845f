"""Fiddle configs as glove_lab nodes: children, persistent edits, sharing, tags, build, code."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import fiddle as fdl
import pytest
from fiddle.experimental import serialization
from torch import nn

import glove_lab as gl
from glove_lab.fiddle import CALLABLE_KEY, configures
from tests.fiddle.models import Encoder, Model, Precision, WideEncoder, make_config, scale

ROOT = Path(__file__).resolve().parents[2]


def run_fresh(script: str) -> str:
    """Run `script` in a new interpreter (only this worktree on the path); its stdout."""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=str(ROOT), env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@gl.rule("test_fdl.dropout_rate", on=gl.Match(tag="dropout"))
def dropout_rate(node, p: float = 0.3):
    """Set the rate of every dropout (torch module, PyGlove object or Fiddle config alike)."""
    return gl.rebind(node, {"p": p})


# -- children ------------------------------------------------------------------------------


def test_children_are_the_callable_then_the_arguments_set_on_it():
    config = fdl.Config(Encoder, 8, act=None)
    assert dict(gl.tree.children_of(config)) == {CALLABLE_KEY: Encoder, "width": 8, "act": None}


def test_positional_only_and_varargs_are_index_keys():
    assert [str(p) for p in gl.paths(fdl.Config(scale, 3, 5, 7))] == [
        "", CALLABLE_KEY, "[0]", "factor", "[2]"]


def test_the_graph_names_a_node_by_its_callable():
    assert gl.tree.display_name(fdl.Config(Encoder, 1), gl.tree.kind_of(
        fdl.Config(Encoder, 1)).label) == "Encoder"
    assert "Partial: Encoder" in gl.format(fdl.Partial(Encoder, width=1))


# -- persistent edits -------------------------------------------------------------------------


def test_rebind_returns_a_new_config_and_never_mutates_the_users():
    config = make_config()
    snapshot = copy.deepcopy(config)
    arguments = dict(config.encoder.__arguments__)
    new = gl.rebind(config, {"encoder.width": 32, "decoder.width": 2})
    assert (new.encoder.width, new.decoder.width) == (32, 2)
    assert config == snapshot and config.encoder.__arguments__ == arguments
    assert new.encoder.act is config.encoder.act  # untouched sub-configs are the same objects


def test_rebind_can_set_an_argument_left_at_its_default():
    config = make_config()
    new = gl.rebind(config, {"encoder.dropout": 0.5})
    assert new.encoder.dropout == 0.5 and "dropout" not in config.encoder.__arguments__


def test_an_argument_the_callable_does_not_take_is_an_error_and_nothing_changes():
    config = make_config()
    snapshot = copy.deepcopy(config)
    with pytest.raises(gl.GloveError, match=r"'encoder'.*nonexistent"):
        gl.rebind(config, {"encoder.nonexistent": 1})
    assert config == snapshot


def test_rebind_of_the_callable_switches_what_the_config_builds():
    new = gl.rebind(make_config(), {f"encoder.{CALLABLE_KEY}": WideEncoder})
    assert fdl.get_callable(new.encoder) is WideEncoder
    assert type(fdl.build(new).encoder) is WideEncoder


def test_a_callable_that_does_not_take_the_arguments_is_refused():
    with pytest.raises(gl.GloveError, match=r"'encoder'.*invalid arguments"):
        gl.rebind(make_config(), {f"encoder.{CALLABLE_KEY}": Model})


def test_argument_tags_survive_a_rebuild():
    new = gl.rebind(make_config(), {"encoder.width": 16})
    assert fdl.get_tags(new.encoder, "dropout") == {Precision}


def test_removing_an_argument_unsets_it():
    new = gl.rebind(make_config(), {"encoder.act": gl.REMOVE})
    assert "act" not in new.encoder.__arguments__ and new.encoder.act is None


# -- sharing ----------------------------------------------------------------------------------


def test_a_rule_everywhere_keeps_a_shared_sub_config_shared():
    config = make_config()
    new = gl.apply(config, "test_fdl.dropout_rate", p=0.5)
    assert new.regularizer is new.decoder.act and new.regularizer.p == 0.5
    assert config.regularizer.p == 0.1


def test_an_edit_inside_a_shared_sub_config_everywhere_keeps_its_parents_shared():
    shared_block = fdl.Config(Encoder, 4, act=fdl.Config(nn.Dropout, p=0.1))
    config = fdl.Config(Model, encoder=shared_block, decoder=shared_block)
    new = gl.apply(config, "test_fdl.dropout_rate", p=0.2)
    assert new.encoder is new.decoder and new.encoder.act.p == 0.2


def test_an_edit_at_one_place_of_a_shared_sub_config_edits_it_at_every_place():
    config = make_config()
    new = gl.rebind(config, {"regularizer.p": 0.9})
    assert new.regularizer is new.decoder.act and new.decoder.act.p == 0.9
    assert config.regularizer.p == 0.1


def test_replacing_a_shared_sub_config_at_one_place_replaces_the_one_object():
    new = gl.replace(make_config(), "decoder.act", fdl.Config(nn.Dropout, p=0.5))
    assert new.regularizer is new.decoder.act and new.regularizer.p == 0.5


def test_a_session_step_at_one_place_reports_every_place_it_changed():
    session = gl.Session(make_config(), name="config")
    step = session.rebind({"regularizer.p": 0.9})
    assert set(step.changed_paths) == {"decoder.act.p", "regularizer.p"}


def test_build_of_a_patched_config_builds_a_shared_sub_config_once():
    built = fdl.build(gl.apply(make_config(), "test_fdl.dropout_rate", p=0.4))
    assert isinstance(built, Model) and built.regularizer is built.decoder.keywords["act"]
    assert built.regularizer.p == 0.4 and built.encoder.width == 8


# -- tags and query ---------------------------------------------------------------------------


def test_a_config_carries_the_tags_of_its_callable():
    config = make_config()
    assert gl.tags_of(config.encoder) == {"encoder"}
    assert list(gl.query(config, tag="dropout")) == ["decoder.act", "regularizer"]
    assert list(gl.query(config, tag="nonlinearity")) == ["encoder.act"]


def test_a_tag_added_later_reaches_configs_of_that_callable():
    config = make_config()
    gl.tag(Model, "experiment")
    assert list(gl.query(config, tag="experiment")) == [""]


def test_configures_selects_configs_by_callable():
    assert list(gl.query(make_config(), where=configures(Encoder))) == ["encoder", "decoder"]


def test_palette_offers_a_tag_rule_at_a_config_of_a_tagged_callable():
    assert "test_fdl.dropout_rate" in [r.name for r in gl.rules(make_config(), at="regularizer")]


# -- sessions and code --------------------------------------------------------------------------


def test_session_undo_gives_back_the_very_same_config():
    config = make_config()
    session = gl.Session(config, name="config")
    session.apply("test_fdl.dropout_rate")
    session.undo()
    assert session.tree is config


def test_to_code_rebuilds_an_equal_config_with_its_sharing_in_a_fresh_interpreter():
    config = gl.apply(make_config(), "test_fdl.dropout_rate", p=0.7)
    code = gl.to_code(config, name="config")
    assert code.count("Config(Dropout") == 1  # the shared sub-config is written once
    expected = serialization.dump_json(config)
    script = code + textwrap.dedent(f"""
        from fiddle.experimental import serialization
        import tests.fiddle.models
        expected = serialization.load_json({expected!r})
        print(config == expected, config.regularizer is config.decoder.act)
    """)
    assert run_fresh(script) == "True True"


def test_to_code_writes_positional_only_and_varargs_positionally():
    code = gl.to_code(fdl.Config(scale, 3, 5, 7, 9))
    namespace: dict = {}
    exec(code, namespace)
    assert "Config(scale, 3, 5, 7, 9)" in code and fdl.build(namespace["tree"]) == (15, 7, 9)


def test_session_export_replays_to_an_equal_config_in_a_fresh_interpreter():
    session = gl.Session(make_config(), name="config")
    session.apply("test_fdl.dropout_rate", p=0.25)
    session.rebind({"encoder.width": 64, "regularizer.p": 0.15})
    session.replace("encoder.act", fdl.Config(nn.GELU))
    expected = serialization.dump_json(session.tree)
    script = textwrap.dedent("""
        from tests.fiddle.models import make_config
        import tests.fiddle.test_fiddle_kind  # defines the dropout rule used by the session
        config = make_config()
    """) + session.export() + textwrap.dedent(f"""
        import fiddle as fdl
        from fiddle.experimental import serialization
        print(config == serialization.load_json({expected!r}), fdl.build(config).encoder.width)
    """)
    assert run_fresh(script) == "True 64"


# -- graph and widget ------------------------------------------------------------------------------


def test_the_graph_shows_the_callable_by_name_and_a_shared_config_once_per_place():
    svg = gl.to_svg(make_config())
    assert "&lt;class" not in svg and "Encoder" in svg and "at 2 places" in svg


def test_widget_applies_a_rule_at_one_place_of_a_shared_config_to_the_one_object():
    from glove_lab.notebook import GloveWidget

    config = make_config()
    widget = GloveWidget(gl.Session(config, name="config"))
    widget.send = lambda content, buffers=None: None
    widget._handle_msg({"content": {"data": {"method": "update", "buffer_paths": [],
                                             "state": {"selection": ["regularizer"]}}},
                        "buffers": []})
    assert widget.inspector["type"] == "Dropout" and "dropout" in widget.inspector["tags"]
    widget._handle_msg({"content": {"data": {"method": "custom", "content": {
        "event": "apply", "rule": "test_fdl.dropout_rate", "params": {"p": 0.6},
        "scope": "selection"}}}, "buffers": []})
    tree = widget.session.tree
    assert widget.error == "" and tree.decoder.act is tree.regularizer
    assert tree.regularizer.p == 0.6 and config.regularizer.p == 0.1


def test_an_arg_factory_is_a_node_whose_arguments_rules_reach_and_code_rebuilds():
    config = fdl.Partial(Model, encoder=fdl.ArgFactory(Encoder, width=2),
                         decoder=fdl.ArgFactory(nn.Dropout, p=0.1))
    assert list(gl.query(config, tag="dropout")) == ["decoder"]
    new = gl.apply(config, "test_fdl.dropout_rate", p=0.4)
    assert type(new.decoder) is fdl.ArgFactory and new.decoder.p == 0.4
    assert config.decoder.p == 0.1
    first, second = fdl.build(new)(), fdl.build(new)()
    assert first.decoder.p == 0.4 and first.encoder is not second.encoder  # a new one per call
    namespace: dict = {}
    exec(gl.to_code(new), namespace)
    assert namespace["tree"] == new


def test_format_names_a_configs_callable_as_code_does():
    text = gl.format(make_config())
    assert "<class" not in text and "__fn_or_cls__=Encoder" in text


def test_torch_rules_on_a_tag_are_not_offered_at_a_config_of_a_tagged_torch_class():
    # The config carries nn.ReLU's "nonlinearity" tag, but torch's rules rewrite modules.
    names = [r.name for r in gl.rules(make_config(), at="encoder.act")]
    assert "torch.swap_activation" not in names and "torch.add_dropout" not in names
