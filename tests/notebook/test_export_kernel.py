"""The export property through real kernels: a notebook patches and exports, a fresh kernel replays.

Kernel A runs a notebook as a user would: a cell defines classes and rules,
another tags classes, then for each random session `%glove show`, steps by
magics (everywhere, undo, redo), by the widget's controller (rules at a
selection) and by the session (replace, rebind), `%glove export --cell`,
and the inserted cell run right where it was inserted (it must leave the
variable as the session's tree). Kernel B, fresh, runs only the definition
cell, builds each original tree, runs the exported cell and checks `gl.eq`
with the session's tree. Two kernels in all, however many sessions.
"""

from __future__ import annotations

import os
import types
import warnings
from typing import Any
from urllib.parse import urlencode

import nbformat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nbclient import NotebookClient

import glove_lab as gl
from tests.fixtures.export_sessions import (
    DEFINITIONS,
    TAGGING,
    containers,
    leaves,
    run_operations,
    trees,
)

EXAMPLES = int(os.environ.get("GLOVE_KERNEL_EXPORT_EXAMPLES", "12"))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UNTAG_NOTEBOOK_TAGS = '''
from glove_lab.tree import _tags as _t
for (_target, _name), _modules in list(_t._ORIGINS.items()):
    if "__main__" in _modules and (_target, _name) not in _BASELINE:
        gl.tree.untag(_target, _name)
        _modules.discard("__main__")
'''


def _operation_cell(var: str, record: tuple[Any, ...]) -> str:
    """The kernel code for one recorded step, by magics, the widget or the session."""
    kind = record[0]
    if kind in ("undo", "redo"):
        return f"%glove {kind} --on {var}"
    if kind == "apply":
        _, rule, params, paths = record
        if paths is None:
            query = urlencode({k: str(v) for k, v in params.items()})
            return f"%glove apply {rule}{'?' + query if query else ''} --on {var}"
        value = ""
        if "value" in params:  # a Python value: the widget's form would send text
            value = gl.to_code(params["value"], name="_value") + "\n"
            return (value + f"_w.controller.select({paths!r})\n"
                    f"_w.controller.session.apply({rule!r}, at={paths!r}, "
                    "params={'value': _value})")
        return (f"_w.controller.select({paths!r})\n"
                f"assert _w.controller.apply({rule!r}, {{}}, 'selection'), _w.controller.error")
    _, path, value = record
    call = (f"rebind({{{path!r}: _value}})" if kind == "rebind" else
            f"replace({path!r}, _value)")
    return gl.to_code(value, name="_value") + f"\n_sessions[{var!r}].{call}"




@pytest.fixture
def notebook(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    import sys

    module = types.ModuleType("__main__")
    monkeypatch.setitem(sys.modules, "__main__", module)
    exec(compile(DEFINITIONS, "<definition cell>", "exec"), module.__dict__)
    exec(compile(TAGGING, "<tagging cell>", "exec"), module.__dict__)
    return module


def test_exported_cells_replay_exactly_in_a_fresh_kernel(notebook):
    sessions: list[dict[str, Any]] = []
    # Ints past 4,300 digits stay out: the widget cannot display them yet (issue 10); the
    # fresh-process property covers their export.
    values = st.recursive(leaves(notebook, big_ints=False), containers, max_leaves=4)

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(tree=trees(notebook, big_ints=False), data=st.data())
    def collect(tree: Any, data: st.DataObject) -> None:
        var = f"net_{len(sessions)}"
        session = gl.Session(tree, name=var)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            done = run_operations(session, data, values)
        try:
            session.export()
        except gl.GloveError:
            return  # refused loudly: the fresh-process property covers those
        sessions.append({"var": var, "base": gl.to_code(tree, name=var),
                         "expected": gl.to_code(session.tree, name="_expected"),
                         "steps": [_operation_cell(var, r) for r in done]})

    collect()
    assert len(sessions) >= EXAMPLES // 2

    # Kernel A: the notebook where the sessions happen.
    exported: dict[str, str] = {}
    a_cells = ["%load_ext glove_lab\nimport glove_lab as gl\n"
               "import tests.fixtures.export_cases\nimport tests.fixtures.rules\n" + DEFINITIONS,
               TAGGING,
               "from glove_lab.notebook import sessions_of\n_sessions = sessions_of(get_ipython())"]
    plan: list[tuple[str, str | None]] = [(c, None) for c in a_cells]
    for s in sessions:
        plan.append((s["base"] + f"\n_w = get_ipython().run_line_magic('glove', 'show {s['var']}')",
                     None))
        plan += [(cell, None) for cell in s["steps"]]
        plan.append((f"%glove export --cell --on {s['var']}", s["var"]))
    notebook_a = nbformat.v4.new_notebook()
    client = NotebookClient(notebook_a, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": ROOT}})
    with client.setup_kernel():
        for source, export_of in plan:
            _execute(client, notebook_a, source)
            if export_of is None:
                continue
            reply = client._glove_last_reply  # type: ignore[attr-defined]
            payloads = [p for p in reply["content"].get("payload", [])
                        if p.get("source") == "set_next_input"]
            assert len(payloads) == 1, reply["content"]
            exported[export_of] = payloads[0]["text"]
            # The inserted cell, run where it was inserted, twice: the variable stays put.
            var = export_of
            _execute(client, notebook_a, exported[var])
            _execute(client, notebook_a, exported[var])
            # (When the steps' net effect leaves the tree equal to the original, the cell
            # cannot tell the two apart and replays: the result is still the session's tree.)
            _execute(client, notebook_a,
                     f"assert {var} is _sessions[{var!r}].tree or (gl.eq({var}, "
                     f"_sessions[{var!r}].tree) and gl.eq({var}, _sessions[{var!r}].base)), "
                     f"'the inserted cell changed {var}'")

    # Kernel B: fresh; the definition cell only, then each original and its exported cell.
    notebook_b = nbformat.v4.new_notebook()
    client = NotebookClient(notebook_b, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": ROOT}})
    with client.setup_kernel():
        _execute(client, notebook_b, "import glove_lab as gl\n" + DEFINITIONS +
                 "\nfrom glove_lab.tree import _tags as _t\n"
                 "_BASELINE = {k for k, m in _t._ORIGINS.items() if '__main__' in m}")
        for s in sessions:
            var = s["var"]
            _execute(client, notebook_b, s["base"])
            _execute(client, notebook_b, exported[var])
            _execute(client, notebook_b, s["expected"] +
                     f"\nassert gl.eq({var}, _expected), gl.diff(_expected, {var})[:3]")
            _execute(client, notebook_b, UNTAG_NOTEBOOK_TAGS)


def _execute(client: NotebookClient, notebook: Any, source: str) -> None:
    """Append a code cell and run it; a failing cell fails the test with its traceback."""
    cell = nbformat.v4.new_code_cell(source)
    notebook.cells.append(cell)

    def keep(cell: Any, cell_index: int, execute_reply: Any) -> None:
        client._glove_last_reply = execute_reply  # type: ignore[attr-defined]

    client.on_cell_executed = keep
    client.execute_cell(cell, len(notebook.cells) - 1)
