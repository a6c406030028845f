"""Properties of random session histories: undo/redo identity, export and save/load replay."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import glove_lab as gl
from tests.fixtures.rules import SESSION_RULES
from tests.fixtures.trees import container_trees, leaves, trees

ROOT = Path(__file__).resolve().parents[2]
# Edits twice as likely as undo/redo, so histories grow.
OPERATIONS = ["apply_everywhere", "apply_everywhere", "apply_at", "apply_at", "rebind", "rebind",
              "replace", "replace", "undo", "redo"]
VALUES = trees(5)


class History:
    """A session driven by random operations, with the roots a model expects at each point."""

    def __init__(self, tree: Any) -> None:
        self.session = gl.Session(tree, name="model")
        self.roots = [tree]  # the applied chain: base first, current last
        self.redoable: list[Any] = []  # roots `redo` gives back, next last

    def run(self, data: st.DataObject, operation: str) -> None:
        getattr(self, operation)(data)

    def apply_everywhere(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(SESSION_RULES))
        before = self.session.tree
        try:
            self.session.apply(name)
        except gl.NoMatchError:
            assert self.session.tree is before  # a failed apply changes nothing
            return
        self._applied(gl.apply(before, name))

    def apply_at(self, data: st.DataObject) -> None:
        path = data.draw(st.sampled_from(gl.paths(self.session.tree)))
        fitting = [r.name for r in gl.rules(self.session.tree, at=path)
                   if r.name in SESSION_RULES]
        if not fitting:
            return
        name = data.draw(st.sampled_from(fitting))
        expected = gl.apply(self.session.tree, name, at=path)
        self.session.apply(name, at=[path])
        self._applied(expected)

    def rebind(self, data: st.DataObject) -> None:
        candidates = gl.paths(self.session.tree)[1:]
        if not candidates:
            return
        path = data.draw(st.sampled_from(candidates))
        value = data.draw(leaves)
        expected = gl.rebind(self.session.tree, {path: value})
        self.session.rebind({str(path): value})
        self._applied(expected)

    def replace(self, data: st.DataObject) -> None:
        candidates = gl.paths(self.session.tree)[1:]
        if not candidates:
            return
        path = data.draw(st.sampled_from(candidates))
        value = data.draw(VALUES)
        expected = gl.replace(self.session.tree, path, value)
        self.session.replace(str(path), value)
        self._applied(expected)

    def undo(self, data: st.DataObject) -> None:
        step = self.session.undo()
        if len(self.roots) == 1:
            assert step is None and self.session.tree is self.roots[0]
            return
        self.redoable.append(self.roots.pop())
        assert self.session.tree is self.roots[-1]

    def redo(self, data: st.DataObject) -> None:
        step = self.session.redo()
        if not self.redoable:
            assert step is None
            return
        self.roots.append(self.redoable.pop())
        assert self.session.tree is self.roots[-1]

    def _applied(self, expected: Any) -> None:
        assert gl.eq(self.session.tree, expected)  # a session step is the pure edit
        self.roots.append(self.session.tree)
        self.redoable.clear()


def random_history(tree: Any, data: st.DataObject, max_operations: int = 10) -> History:
    history = History(tree)
    operations = st.lists(st.sampled_from(OPERATIONS), min_size=2, max_size=max_operations)
    for operation in data.draw(operations):
        history.run(data, operation)
    return history


@settings(max_examples=100, deadline=None)
@given(container_trees(12), st.data())
def test_undo_and_redo_move_between_the_same_root_objects(tree, data):
    random_history(tree, data)  # asserts identity after every undo and redo


@settings(max_examples=100, deadline=None)
@given(container_trees(12), st.data())
def test_undo_all_the_way_gives_back_the_first_root_object(tree, data):
    session = random_history(tree, data).session
    while session.undo() is not None:
        pass
    assert session.tree is tree


@settings(max_examples=100, deadline=None)
@given(container_trees(12), st.data())
def test_redo_after_undoing_everything_gives_back_the_same_root_objects(tree, data):
    history = random_history(tree, data)
    chain = history.roots + history.redoable[::-1]  # every version, base first
    session = history.session
    while session.undo() is not None:
        pass
    redone = [session.tree]
    while session.redo() is not None:
        redone.append(session.tree)
    assert len(redone) == len(chain) and all(a is b for a, b in zip(redone, chain))


@settings(max_examples=100, deadline=None)
@given(container_trees(12), st.data())
def test_exported_code_reproduces_the_session_tree(tree, data):
    session = random_history(tree, data).session
    namespace: dict[str, Any] = {"model": tree}
    exec(compile(session.export(), "<export>", "exec"), namespace)
    assert gl.eq(namespace["model"], session.tree)


@settings(max_examples=100, deadline=None)
@given(container_trees(12), st.data())
def test_save_then_load_reproduces_the_session_tree(tree, data):
    session = random_history(tree, data).session
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "session.json"
        session.save(log)
        loaded = gl.Session.load(log, tree)
    assert gl.eq(loaded.tree, session.tree)


LOADER = """
import json
import sys
from pathlib import Path

import glove_lab as gl
import tests.fixtures.models  # registers the types the base tree's JSON names

folder = Path(sys.argv[1])
namespace = {"model": gl.from_json(json.loads((folder / "base.json").read_text()))}
exported = folder / "session_export.py"
exec(compile(exported.read_text(), str(exported), "exec"), namespace)
print(json.dumps(gl.to_json(namespace["model"])))
"""


@settings(max_examples=5, deadline=None)
@given(container_trees(10), st.data())
def test_exported_code_reproduces_the_session_tree_in_a_fresh_process(tree, data):
    session = random_history(tree, data, max_operations=6).session
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "base.json").write_text(json.dumps(gl.to_json(tree)), encoding="utf-8")
        (folder / "session_export.py").write_text(session.export(), encoding="utf-8")
        (folder / "loader.py").write_text(LOADER, encoding="utf-8")
        result = subprocess.run(
            [sys.executable, str(folder / "loader.py"), str(folder)], capture_output=True,
            text=True, cwd=folder, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert result.returncode == 0, result.stderr
    assert gl.eq(gl.from_json(json.loads(result.stdout)), session.tree)
