"""Rules published by an installed package (entry-point group glove_lab.rules), found lazily.

Needs the fixture package installed in the test environment:
`pip install --no-deps --no-build-isolation ./tests/fixtures/rulepack`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import glove_lab as gl

ROOT = Path(__file__).resolve().parents[2]

LAZY_DISCOVERY = """
import sys
import glove_lab as gl
before = "glove_rulepack_demo" in sys.modules
result = gl.apply([1, {"a": 2}], "rulepack.double")
print(before, result, "glove_rulepack_demo" in sys.modules)
"""


def run_fresh(script: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=env, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_rule_pack_publishes_an_entry_point():
    published = {ep.value for ep in metadata.entry_points(group="glove_lab.rules")}
    assert "glove_rulepack_demo" in published


def test_a_published_rule_is_found_by_name_without_any_import():
    assert run_fresh(LAZY_DISCOVERY) == "False [2, {'a': 4}] True"


def test_importing_glove_lab_does_not_load_rule_packs():
    script = "import sys, glove_lab; print('glove_rulepack_demo' in sys.modules)"
    assert run_fresh(script) == "False"


def test_a_published_rule_is_listed_by_rules():
    assert "rulepack.double" in {r.name for r in gl.rules()}


def test_a_published_rule_records_its_module():
    rule = next(r for r in gl.rules() if r.name == "rulepack.double")
    assert rule.module == "glove_rulepack_demo"
