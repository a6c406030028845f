"""Session.save / gl.Session.load: a JSON patch log replayed with validation."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

import glove_lab as gl
import tests.fixtures.rules  # noqa: F401  (registers the fixture rules)
from tests.fixtures.models import Act, Block, Box, Conv, small_net


@pytest.fixture
def session() -> gl.Session:
    s = gl.Session(small_net(), name="net")
    s.apply("fixtures.widen", factor=3)
    s.apply("fixtures.swap_act", at=["blocks[1].act"], to="silu")
    s.replace("blocks[0].act", Box(Act("gelu")))
    s.rebind({"head": "mlp"})
    s.insert("blocks[0]", Block(Conv(2), Act()))
    return s


def write_log(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def valid_log(tmp_path: Path) -> dict[str, Any]:
    s = gl.Session(small_net(), name="net")
    s.apply("fixtures.widen")
    s.save(tmp_path / "valid.json")
    return json.loads((tmp_path / "valid.json").read_text())


def test_save_writes_version_fingerprint_and_steps(session, tmp_path):
    session.save(tmp_path / "log.json")
    document = json.loads((tmp_path / "log.json").read_text())
    assert (document["glove_lab_version"], len(document["base_fingerprint"]),
            len(document["steps"])) == (gl.__version__, 16, 5)


def test_save_records_rule_params_and_paths_of_each_step(session, tmp_path):
    session.save(tmp_path / "log.json")
    first, second = json.loads((tmp_path / "log.json").read_text())["steps"][:2]
    assert (first, second) == ({"rule": "fixtures.widen", "params": {"factor": 3}, "paths": None},
                               {"rule": "fixtures.swap_act", "params": {"to": "silu"},
                                "paths": ["blocks[1].act"]})


def test_load_replays_the_log_to_an_equal_tree(session, tmp_path):
    session.save(tmp_path / "log.json")
    loaded = gl.Session.load(tmp_path / "log.json", small_net())
    assert gl.eq(loaded.tree, session.tree)


def test_load_restores_the_history(session, tmp_path):
    session.save(tmp_path / "log.json")
    loaded = gl.Session.load(tmp_path / "log.json", small_net())
    assert [s.rule for s in loaded.history] == [s.rule for s in session.history]


def test_loaded_session_can_undo_to_the_given_tree(session, tmp_path):
    session.save(tmp_path / "log.json")
    base = small_net()
    loaded = gl.Session.load(tmp_path / "log.json", base)
    while loaded.undo() is not None:
        pass
    assert loaded.tree is base


def test_load_keeps_the_session_name(session, tmp_path):
    session.save(tmp_path / "log.json")
    assert gl.Session.load(tmp_path / "log.json", small_net()).name == "net"


def test_load_keeps_string_values_strings(tmp_path):
    session = gl.Session({"x": 1}, name="cfg")
    session.replace("x", "[1, 2]")
    session.save(tmp_path / "log.json")
    assert gl.Session.load(tmp_path / "log.json", {"x": 1}).tree == {"x": "[1, 2]"}


def test_load_on_a_different_tree_warns(session, tmp_path):
    session.save(tmp_path / "log.json")
    other = gl.replace(small_net(), "blocks[1].conv.kernel", 5)
    with pytest.warns(UserWarning, match="different tree"):
        gl.Session.load(tmp_path / "log.json", other)


def test_load_fails_naming_the_step_that_no_longer_applies(session, tmp_path):
    session.save(tmp_path / "log.json")
    with pytest.warns(UserWarning), pytest.raises(gl.GloveError, match="step 2 "):
        gl.Session.load(tmp_path / "log.json", small_net(1))


def test_load_of_an_unknown_rule_raises_naming_it(tmp_path):
    document = valid_log(tmp_path)
    document["steps"][0]["rule"] = "gone.rule"
    with pytest.raises(gl.RuleError, match=re.escape("gone.rule")):
        gl.Session.load(write_log(tmp_path / "log.json", document), small_net())


# -- malformed and hostile logs ------------------------------------------------


def test_a_missing_file_raises_serialization_error(tmp_path):
    with pytest.raises(gl.SerializationError):
        gl.Session.load(tmp_path / "nope.json", small_net())


def test_a_file_that_is_not_json_raises_serialization_error(tmp_path):
    (tmp_path / "log.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(gl.SerializationError):
        gl.Session.load(tmp_path / "log.json", small_net())


def test_a_file_that_is_not_utf8_raises_serialization_error(tmp_path):
    (tmp_path / "log.json").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(gl.SerializationError):
        gl.Session.load(tmp_path / "log.json", small_net())


def test_a_deeply_nested_file_raises_serialization_error(tmp_path):
    (tmp_path / "log.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(gl.SerializationError):
        gl.Session.load(tmp_path / "log.json", small_net())


@pytest.mark.parametrize("corrupt", [
    lambda doc: [doc],
    lambda doc: {**doc, "format": "something.else"},
    lambda doc: {k: v for k, v in doc.items() if k != "format"},
    lambda doc: {**doc, "steps": {"0": doc["steps"][0]}},
    lambda doc: {**doc, "steps": ["fixtures.widen"]},
    lambda doc: {**doc, "steps": [{"params": {}, "paths": None}]},
    lambda doc: {**doc, "steps": [{"rule": 5, "params": {}, "paths": None}]},
    lambda doc: {**doc, "steps": [{"rule": "fixtures.widen", "params": {}, "paths": "a"}]},
    lambda doc: {**doc, "steps": [{"rule": "fixtures.widen", "params": {}, "paths": [1]}]},
    lambda doc: {**doc, "steps": [{"rule": "fixtures.widen", "params": [], "paths": None}]},
    lambda doc: {**doc, "steps": [{"rule": "fixtures.widen", "paths": None,
                                   "params": {"factor": {"$type": "some_unimported_module.X"}}}]},
    lambda doc: {**doc, "steps": [{"rule": "fixtures.widen", "paths": None,
                                   "params": {"$call": "os.system", "args": {"command": "x"}}}]},
    lambda doc: {**doc, "name": 5},
    lambda doc: {**doc, "name": "not an identifier"},
], ids=["list", "wrong-format", "no-format", "steps-object", "step-string", "step-without-rule",
        "rule-not-string", "paths-string", "paths-not-strings", "params-list",
        "params-unknown-type", "params-call", "name-number", "name-not-identifier"])
def test_a_malformed_log_raises_serialization_error(tmp_path, corrupt):
    document = corrupt(valid_log(tmp_path))
    with pytest.raises(gl.SerializationError):
        gl.Session.load(write_log(tmp_path / "log.json", document), small_net())


def test_a_hostile_log_does_not_import_the_modules_it_names(tmp_path):
    document = valid_log(tmp_path)
    document["steps"][0]["params"] = {"factor": {"$type": "some_unimported_module.X"}}
    with pytest.raises(gl.SerializationError):
        gl.Session.load(write_log(tmp_path / "log.json", document), small_net())
    assert "some_unimported_module" not in sys.modules


def test_a_log_with_a_wrongly_typed_parameter_names_it(tmp_path):
    document = valid_log(tmp_path)
    document["steps"][0]["params"] = {"factor": "lots"}
    with pytest.raises(gl.RuleError, match="'factor'"):
        gl.Session.load(write_log(tmp_path / "log.json", document), small_net())
