"""Session.export: Python source that, run on the original tree, reproduces the session's tree."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import glove_lab as gl
import tests.fixtures.rules  # noqa: F401  (registers the fixture rules)
from glove_lab.patching import unregister_rule
from tests.fixtures.models import Act, Block, Box, Conv, small_net

ROOT = Path(__file__).resolve().parents[2]


def run_export(code: str, original: Any, name: str = "net") -> Any:
    namespace: dict[str, Any] = {name: original}
    exec(compile(code, "<export>", "exec"), namespace)
    return namespace[name]


@pytest.fixture
def session() -> gl.Session:
    return gl.Session(small_net(), name="net")


def step_lines(code: str) -> list[str]:
    return [line.strip() for line in code.splitlines() if line.strip().startswith("net = ")]


def test_export_of_an_empty_session_imports_glove_lab_and_changes_nothing(session):
    assert gl.eq(run_export(session.export(), small_net()), small_net())


def test_export_imports_the_modules_that_define_the_rules(session):
    session.apply("fixtures.widen")
    assert "import tests.fixtures.rules" in session.export().splitlines()


def test_export_writes_one_line_per_step(session):
    session.apply("fixtures.widen", factor=3)
    session.apply("fixtures.swap_act", at=["blocks[0].act"], to="silu")
    session.rebind({"head": "mlp"})
    assert len(step_lines(session.export())) == 3


def test_export_writes_an_everywhere_step_without_at(session):
    session.apply("fixtures.widen", factor=3)
    assert step_lines(session.export()) == [
        "net = gl.apply(net, 'fixtures.widen', params={'factor': 3})"]


def test_export_writes_a_selection_step_with_its_paths(session):
    session.apply("fixtures.swap_act", at=["blocks[0].act"], to="silu")
    assert step_lines(session.export()) == [
        "net = gl.apply(net, 'fixtures.swap_act', at=['blocks[0].act'], params={'to': 'silu'})"]


def test_export_leaves_out_undone_steps(session):
    session.apply("fixtures.widen")
    session.apply("fixtures.swap_act")
    session.undo()
    assert len(step_lines(session.export())) == 1


def test_exported_code_reproduces_the_session_tree(session):
    session.apply("fixtures.widen", factor=3)
    session.apply("fixtures.swap_act", at=["blocks[1].act"], to="silu")
    session.replace("blocks[0].act", Box(Act("gelu")))
    session.rebind({"head": "mlp", "blocks[1].conv.kernel": 5})
    session.insert("blocks[0]", Block(Conv(2), Act()), position="before")
    session.wrap("blocks[2].conv", Box)
    session.remove("blocks[1]")
    assert gl.eq(run_export(session.export(), small_net()), session.tree)


def test_exported_code_keeps_string_values_strings():
    session = gl.Session({"x": 1, "xs": [1]}, name="net")
    session.replace("x", "5")
    session.insert("xs[0]", "None")
    assert run_export(session.export(), {"x": 1, "xs": [1]}) == {"x": "5", "xs": [1, "None"]}


def test_exported_code_imports_the_classes_it_writes(session):
    session.replace("blocks[0].act", Box(Act()))
    assert "from tests.fixtures.models import " in session.export()


def test_exported_code_refuses_a_tree_that_is_not_the_original(session):
    session.apply("fixtures.swap_act", at=["blocks[1].act"])
    with pytest.raises(gl.GloveError, match="run this cell on the original net"):
        run_export(session.export(), small_net(1))


# -- rules defined in the notebook ---------------------------------------------

NOTEBOOK_CELL = '''
import glove_lab as gl

@gl.rule("notebook.quiet", on=gl.Match(type=str))
def quiet(node):
    return node.lower()
'''


@pytest.fixture
def notebook_rule() -> Iterator[None]:
    exec(NOTEBOOK_CELL, {"__name__": "__main__"})
    yield
    unregister_rule("notebook.quiet")


def test_a_notebook_rule_is_referred_to_by_name_with_a_comment(notebook_rule):
    session = gl.Session({"a": "LOUD"}, name="net")
    session.apply("notebook.quiet")
    code = session.export()
    assert "gl.require_rules('notebook.quiet', defined_in='__main__')" in code
    assert "# defined in the notebook (__main__)" in code


def test_a_notebook_rule_is_not_imported(notebook_rule):
    session = gl.Session({"a": "LOUD"}, name="net")
    session.apply("notebook.quiet")
    assert "import __main__" not in session.export()


def test_export_with_a_notebook_rule_runs_where_the_rule_is_registered(notebook_rule):
    session = gl.Session({"a": "LOUD"}, name="net")
    session.apply("notebook.quiet")
    assert run_export(session.export(), {"a": "LOUD"}) == {"a": "loud"}


def test_export_with_a_missing_notebook_rule_raises_naming_it(notebook_rule):
    session = gl.Session({"a": "LOUD"}, name="net")
    session.apply("notebook.quiet")
    code = session.export()
    unregister_rule("notebook.quiet")
    with pytest.raises(gl.RuleError, match=re.escape("notebook.quiet")):
        run_export(code, {"a": "LOUD"})


def test_require_rules_passes_for_registered_rules():
    gl.require_rules("fixtures.widen", "glove.replace")


def test_require_rules_names_every_missing_rule():
    with pytest.raises(gl.RuleError, match=re.escape("'missing.one', 'missing.two'")):
        gl.require_rules("fixtures.widen", "missing.one", "missing.two")


def test_export_imports_the_annotation_modules_its_tag_rules_need(tmp_path):
    import tests.fixtures.tag_rules
    import tests.fixtures.tagging  # noqa: F401  (attaches the tag)
    from tests.fixtures.plain_layers import plain_tree

    session = gl.Session(plain_tree(), name="layers")
    session.apply("fixtures.double_tagged")
    code = session.export()
    assert "import tests.fixtures.tagging" in code
    # In a fresh process that never imported the annotations, the export still applies.
    script = tmp_path / "replay.py"
    script.write_text("from tests.fixtures.plain_layers import plain_tree\n"
                      "layers = plain_tree()\n" + code + "print([p.width for p in layers])\n")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         cwd=str(ROOT), env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    assert out.stdout.strip() == "[4, 6]"
