"""Export replays exactly or refuses loudly: the cases issue 11 found wrong, each proven here.

"Fresh process" tests run the exported code in a new interpreter that builds
the original tree and nothing else, as a colleague would.
"""

from __future__ import annotations

import json
import os
import runpy
import subprocess
import sys
import types
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import glove_lab as gl
import tests.fixtures.export_cases
import tests.fixtures.rules
import tests.fixtures.tag_rules
import tests.fixtures.tagging
import tests.fixtures.unrelated_tagging
from tests.fixtures.export_cases import TAG, Tagged
from tests.fixtures.models import Act, Box, Conv, small_net
from tests.fixtures.plain_layers import Plain

ROOT = Path(__file__).resolve().parents[2]
BASE = ("from tests.fixtures.plain_layers import Plain\n"
        "from tests.fixtures.export_cases import Tagged\n"
        "net = [Plain(1), Plain(2), Tagged(3)]\n")


def base() -> list[Any]:
    return [Plain(1), Plain(2), Tagged(3)]


def replay_in_fresh_process(setup: str, code: str, name: str = "net") -> Any:
    """Run `setup` (builds the original), then the export; the resulting tree, via JSON."""
    script = (setup + "\n" + code + "\nimport json as _json\nimport glove_lab as _gl\n"
              f"print(_json.dumps(_gl.to_json({name})))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=str(ROOT), env={**os.environ, "PYTHONPATH": str(ROOT)},
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return gl.from_json(json.loads(result.stdout.splitlines()[-1]))


def run_here(code: str, tree: Any, name: str = "net", **names: Any) -> Any:
    namespace: dict[str, Any] = {**names, name: tree}
    exec(compile(code, "<export>", "exec"), namespace)
    return namespace[name]


@pytest.fixture
def notebook(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], dict[str, Any]]:
    """Run source as a notebook cell: in a fresh `__main__` module."""
    module = types.ModuleType("__main__")
    monkeypatch.setitem(sys.modules, "__main__", module)

    def run_cell(source: str) -> dict[str, Any]:
        exec(compile(source, "<cell>", "exec"), module.__dict__)
        return module.__dict__

    return run_cell


# -- 1. tags (and other names) made in the notebook ------------------------------------------

def test_a_tag_attached_in_the_notebook_is_carried_by_the_export(notebook):
    notebook("import glove_lab as gl\n"
             "from tests.fixtures.plain_layers import Plain\n"
             f"gl.tag(Plain, {TAG!r})\n")
    session = gl.Session(base(), name="net")
    step = session.apply("export_cases.double")
    assert len(step.changed_paths) == 3
    replayed = replay_in_fresh_process(BASE, session.export())
    assert gl.eq(replayed, session.tree)


def test_a_class_defined_in_the_notebook_is_guarded_by_name(notebook):
    cell = notebook("import glove_lab as gl\n"
                    "@gl.symbolize\n"
                    "class Scaled:\n"
                    "    def __init__(self, inner, factor=2.0):\n"
                    "        pass\n")
    session = gl.Session(small_net(), name="net")
    session.replace("blocks[0].act", cell["Scaled"](Act(), factor=3.0))
    code = session.export()
    assert "gl.require_names(globals(), 'Scaled')" in code
    with pytest.raises(gl.GloveError, match="needs Scaled, defined in the notebook"):
        run_here(code, small_net())
    assert gl.eq(run_here(code, small_net(), Scaled=cell["Scaled"]), session.tree)


def test_a_notebook_rule_shadowing_a_module_rule_is_not_taken_for_it(notebook):
    notebook("import glove_lab as gl\n"
             "@gl.rule('fixtures.shout', on=gl.Match(type=str), replace=True)\n"
             "def whisper(node):\n"
             "    return node.lower()\n")
    session = gl.Session({"a": "LOUD"}, name="net")
    session.apply("fixtures.shout")
    code = session.export()
    gl.register_rule(tests.fixtures.rules.shout, replace=True)  # a process without that cell
    with pytest.raises(gl.RuleError, match=r"'fixtures\.shout', defined in the notebook"):
        run_here(code, {"a": "LOUD"})


def test_a_rule_redefined_after_its_step_is_refused_at_export(notebook):
    cell = ("import glove_lab as gl\n"
            "@gl.rule('nb.scale', on=gl.Match(type=int))\n"
            "def scale(node):\n"
            "    return node * {}\n")
    notebook(cell.format(2))
    session = gl.Session([1], name="net")
    session.apply("nb.scale")
    notebook(cell.format(3))  # the cell edited and run again: same name, another action
    with pytest.raises(gl.GloveError, match=r"step 1 .*'nb\.scale' was redefined"):
        session.export()


def test_running_the_defining_cell_again_unchanged_keeps_the_export(notebook):
    cell = ("import glove_lab as gl\n"
            "@gl.rule('nb.scale', on=gl.Match(type=int))\n"
            "def scale(node):\n"
            "    return node * 2\n")
    notebook(cell)
    session = gl.Session([1], name="net")
    session.apply("nb.scale")
    notebook(cell)
    assert run_here(session.export(), [1]) == [2]


# -- 2. only the modules the tree needs -------------------------------------------------------

def test_export_imports_no_module_that_tagged_only_types_absent_from_the_tree():
    session = gl.Session([Tagged(1)], name="net")
    session.apply("export_cases.double")
    code = session.export()
    assert "tests.fixtures.unrelated_tagging" not in code
    assert gl.eq(replay_in_fresh_process(
        "from tests.fixtures.export_cases import Tagged\nnet = [Tagged(1)]\n", code),
        session.tree)


def test_a_selection_step_imports_only_the_annotations_at_its_paths():
    gl.tag(Tagged, "fixture_tagged", module="tests.fixtures.unrelated_tagging")
    session = gl.Session([Plain(1), Tagged(2)], name="net")
    session.apply("fixtures.double_tagged", at=["[0]"])
    code = session.export()
    assert "import tests.fixtures.tagging" in code
    assert "tests.fixtures.unrelated_tagging" not in code


# -- 6. rules loaded from a file path -------------------------------------------------------

RULE_FILE = '''
import glove_lab as gl

@gl.rule("from_path.negate", on=gl.Match(type=int))
def negate(node):
    return -node
'''


def test_a_rule_loaded_with_run_path_is_refused_at_the_step_and_at_export(tmp_path):
    path = tmp_path / "my_rules.py"
    path.write_text(RULE_FILE, encoding="utf-8")
    runpy.run_path(str(path))
    session = gl.Session([1, 2], name="net")
    with pytest.warns(UserWarning, match="cannot be exported: rule 'from_path.negate' is "
                                         "defined in '<run_path>'"):
        session.apply("from_path.negate")
    with pytest.raises(gl.GloveError, match=r"step 1 .*not a module another interpreter "
                                            r"can import"):
        session.export()


# -- 7. late failures: checked when the step is made, naming the model path ---------------------

def test_replacing_with_an_unexportable_value_warns_at_the_step_naming_the_model_path():
    @gl.symbolize
    class Scaled:
        def __init__(self, inner: Any, factor: float = 2.0):
            pass

    session = gl.Session(small_net(), name="net")
    with pytest.warns(UserWarning, match=r"this step cannot be exported: .*'blocks\[0\]\.act'"):
        step = session.replace("blocks[0].act", Scaled(Act()))
    assert "'blocks[0].act'" in step.export_problem
    with pytest.raises(gl.GloveError, match=r"step 1 \(glove.replace at 'blocks\[0\]\.act'\) "
                                            r"cannot be exported: .*Scaled"):
        session.export()


def test_an_unexportable_parameter_is_named_at_the_step():
    session = gl.Session([1], name="net")
    with pytest.warns(UserWarning, match="cannot write the object at parameter 'value'"):
        session.insert("[0]", object())


def test_an_exportable_step_records_no_problem():
    session = gl.Session(small_net(), name="net")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        step = session.replace("blocks[0].act", Box(Act()))
    assert step.export_problem == ""


# -- 8. the inserted cell runs where it was inserted --------------------------------------------

def test_running_the_export_on_the_already_patched_tree_changes_nothing():
    session = gl.Session(small_net(), name="net")
    session.apply("fixtures.widen")
    session.apply("fixtures.swap_act", at=["blocks[1].act"], to="silu")
    code = session.export()
    patched = session.tree  # what the widget rebound the variable to
    once = run_here(code, patched)
    twice = run_here(code, once)
    assert once is patched and twice is patched


def test_running_the_export_on_the_original_replays_it_once():
    session = gl.Session(small_net(), name="net")
    session.apply("fixtures.widen")
    assert [b.conv.channels for b in run_here(session.export(), small_net()).blocks] == [
        b.conv.channels for b in session.tree.blocks]


def test_running_the_export_on_a_partly_patched_tree_refuses_in_one_line():
    session = gl.Session(small_net(), name="net")
    session.apply("fixtures.widen")
    session.apply("fixtures.widen")
    halfway = gl.apply(small_net(), "fixtures.widen")
    with pytest.raises(gl.GloveError) as raised:
        run_here(session.export(), halfway)
    message = str(raised.value)
    assert "\n" not in message and message.endswith("run this cell on the original net")


# -- 5. names the session assigns --------------------------------------------------------------

@pytest.mark.parametrize("name", ["class", "__debug__", "\ufb01", "gl"])
def test_a_session_whose_name_code_cannot_assign_is_refused(name):
    with pytest.raises(gl.GloveError):
        gl.Session([1], name=name).export()


def test_export_aliases_an_import_that_would_shadow_the_session_variable():
    session = gl.Session([Conv(1)], name="Conv")
    session.replace("[0]", Conv(2))
    assert gl.eq(run_here(session.export(), [Conv(1)], name="Conv"), session.tree)


def test_a_rule_module_import_never_rebinds_the_session_variable():
    session = gl.Session([1], name="tests")
    session.apply("fixtures.double_ints")
    assert run_here(session.export(), [1], name="tests") == [2]


def test_a_notebook_tag_on_a_class_a_fiddle_config_stands_for_is_carried(notebook):
    import fiddle as fdl

    from tests.fiddle.models import WideEncoder

    notebook("import glove_lab as gl\n"
             "from tests.fiddle.models import WideEncoder\n"
             "gl.tag(WideEncoder, 'nb_wide')\n"
             "@gl.rule('nb.narrow', on=gl.Match(tag='nb_wide'))\n"
             "def narrow(config):\n"
             "    return gl.rebind(config, {'width': 1})\n")
    session = gl.Session([fdl.Config(WideEncoder, width=8)], name="net")
    session.apply("nb.narrow")
    code = session.export()
    assert "gl.tag(WideEncoder, 'nb_wide')" in code
    gl.tree.untag(WideEncoder, "nb_wide")  # a kernel where the tagging cell did not run
    assert gl.eq(run_here(code, [fdl.Config(WideEncoder, width=8)]),
                 session.tree)
