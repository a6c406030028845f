"""The export property: random trees and sessions, exported, replayed in a FRESH interpreter.

For every random session (hostile strings and keys, enums and flags, floats
with nan/inf/-0.0, big ints, nesting deeper than Python's parser allows,
built-in, module and notebook rules, tags attached in the notebook), either
`export()` raises GloveError, or its code, run in a new interpreter that
only ran the notebook's *definition* cell (not the tagging cell) and built
the original tree, gives a tree `gl.eq` to the session's.

The sessions are generated here; all their exports then run in ONE
subprocess (a process per session would cost seconds each). At least 200
sessions run in CI; set GLOVE_EXPORT_EXAMPLES for more.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import glove_lab as gl
from tests.fixtures.export_sessions import (
    DEFINITIONS,
    TAGGING,
    containers,
    deep,
    leaves,
    run_operations,
    trees,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("GLOVE_EXPORT_EXAMPLES", "200"))

@pytest.fixture
def notebook(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    module = types.ModuleType("__main__")
    monkeypatch.setitem(sys.modules, "__main__", module)
    exec(compile(DEFINITIONS, "<definition cell>", "exec"), module.__dict__)
    exec(compile(TAGGING, "<tagging cell>", "exec"), module.__dict__)
    return module


CHILD = r'''
import json
import sys
import traceback

import glove_lab as gl
from glove_lab.tree import _tags

sys.setrecursionlimit(5000)  # gl.eq recurses per level; a deep value inside a deep tree
exec(compile(sys.argv[2], "<definition cell>", "exec"), globals())  # the notebook's definitions
cases = json.loads(open(sys.argv[1], encoding="utf-8").read())
results = []
for case in cases:
    main_pairs = {k for k, modules in _tags._ORIGINS.items() if "__main__" in modules}
    namespace = dict(globals())
    try:
        exec(compile(case["base"], "<base>", "exec"), namespace)
        exec(compile(case["expected"], "<expected>", "exec"), namespace)
        namespace["net"] = namespace["base"]
        exec(compile(case["export"], "<export>", "exec"), namespace)
        ok = gl.eq(namespace["net"], namespace["expected"])
        results.append({"ok": ok, "why": "" if ok else repr(gl.diff(namespace["expected"],
                                                                     namespace["net"])[:3])})
    except BaseException:
        results.append({"ok": False, "why": traceback.format_exc(limit=3)})
    # Tags this export attached (as the notebook's) do not carry over to the next case.
    for (target, name), modules in list(_tags._ORIGINS.items()):
        if "__main__" in modules and (target, name) not in main_pairs:
            gl.tree.untag(target, name)
            modules.discard("__main__")
print(json.dumps(results))
'''


def test_exports_replay_exactly_in_a_fresh_interpreter(notebook, tmp_path):
    cases: list[dict[str, str]] = []
    refused: list[str] = []
    values = st.tuples(st.recursive(leaves(notebook), containers, max_leaves=6),
                       st.sampled_from([0, 0, 0, 0, 230])).map(lambda t: deep(*t))

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(tree=trees(notebook), data=st.data())
    def collect(tree: Any, data: st.DataObject) -> None:
        session = gl.Session(tree, name="net")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            run_operations(session, data, values)
        try:
            code = session.export()
        except gl.GloveError as exc:  # refused loudly, naming the step: allowed
            assert "cannot" in str(exc)
            refused.append(str(exc))
            return
        cases.append({"base": gl.to_code(tree, name="base"),
                      "expected": gl.to_code(session.tree, name="expected"),
                      "export": code})

    collect()
    if os.environ.get("GLOVE_EXPORT_STATS"):
        texts = [c["export"] for c in cases]
        print({"cases": len(cases), "refused": len(refused),
               **{k: sum(k in t for t in texts) for k in
                  ("gl.apply", "gl.replace", "gl.rebind", "gl.tag(", "require_rules",
                   "require_names", "_glove_", "0x", "params=", "needs_patching")}})
    assert len(cases) >= EXAMPLES // 2, refused[:5]  # most sessions export: not vacuous
    data_file = tmp_path / "cases.json"
    data_file.write_text(json.dumps(cases), encoding="utf-8")
    child = tmp_path / "replay.py"
    child.write_text(CHILD, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(child), str(data_file), DEFINITIONS], capture_output=True,
        text=True, cwd=str(tmp_path), env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    outcomes = json.loads(result.stdout.splitlines()[-1])
    failures = [(outcome["why"], case["export"]) for case, outcome in zip(cases, outcomes)
                if not outcome["ok"]]
    assert len(outcomes) == len(cases)
    if failures:
        (tmp_path / "failures.txt").write_text("\n\n".join("\n".join(f) for f in failures))
    assert not failures, (f"{len(failures)} of {len(cases)} exports differ (all in "
                          f"{tmp_path / 'failures.txt'}); first:\n" + failures[0][0][-2000:]
                          + "\n" + failures[0][1][:3000])
