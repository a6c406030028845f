"""A hostile session log is a SerializationError or GloveError, never a raw one (item 6)."""

from __future__ import annotations

import json

import pytest

import glove_lab as gl
from tests.safety.test_rule_faults import Cell, tree

STEP = {"rule": "glove.replace", "params": {"value": 1}, "paths": ["left.x"]}


def log(**changes) -> dict:
    return {"format": "glove_lab.session", "name": "m", "steps": [STEP], **changes}


@pytest.mark.parametrize("text", [
    '{"format": "glove_lab.session", "steps": [], "x": ' + "9" * 5000 + "}",
    "[" * 100_000,
    json.dumps(log(name="class")),
    json.dumps(log(steps=[{**STEP, "paths": ["a[----1]"]}])),
    json.dumps(log(steps=[{**STEP, "paths": ["left[" + "9" * 5000 + "]"]}])),
    json.dumps(log(steps=[{**STEP, "params": {"value": {"$type": "no.Such"}}}])),
    json.dumps(log(steps=[{**STEP, "params": {"values": 5}, "rule": "glove.rebind"}])),
    json.dumps(log(steps=[{**STEP, "params": {"value": {"$int": "zz"}}}])),
    json.dumps(log(steps=[{"rule": "no.such.rule", "params": {}, "paths": None}])),
    json.dumps(log(steps="all")),
], ids=["big-int", "deep", "keyword-name", "minus-path", "huge-index", "unknown-type",
        "bad-params", "bad-int", "unknown-rule", "steps-not-list"])
def test_a_hostile_log_is_a_glove_error(tmp_path, text):
    (tmp_path / "log.json").write_text(text)
    original = tree()
    with pytest.raises(gl.GloveError):
        gl.Session.load(tmp_path / "log.json", original)
    assert gl.eq(original, tree()) and isinstance(original.left, Cell)
