"""Sessions on torch models: export is code that replays on the original, save/load too."""

from __future__ import annotations

import torch
from torch import nn

import glove_lab as gl
import glove_lab.torch  # registers the Module kind and the torch.* rules
from tests.torch.models import SmallCNN, TextEncoder, tabular_mlp


def _session(model: nn.Module) -> gl.Session:
    session = gl.Session(model, name="model")
    session.apply("torch.bn_to_gn", groups=8)
    session.apply("torch.swap_activation", to="silu")
    session.replace("head", nn.Linear(32, 10))
    session.rebind({"features[0].padding": 2})
    return session


def test_export_runs_on_the_original_model_and_gives_an_equal_model():
    model = SmallCNN()
    session = _session(model)

    namespace = {"model": model}
    exec(session.export(), namespace)

    assert gl.eq(namespace["model"], session.tree)
    assert namespace["model"](torch.randn(1, 3, 8, 8)).shape == (1, 10)


def test_export_imports_the_torch_rules_module():
    source = _session(SmallCNN()).export()

    assert "import glove_lab.torch.rules" in source
    assert "gl.apply(model, 'torch.bn_to_gn', params={'groups': 8})" in source
    assert "Linear(in_features=32, out_features=10)" in source


def test_save_and_load_replay_the_session_on_a_fresh_model(tmp_path):
    session = _session(SmallCNN())
    log = tmp_path / "session.json"

    session.save(log)
    loaded = gl.Session.load(log, SmallCNN())

    assert gl.eq(loaded.tree, session.tree)
    assert [s.rule for s in loaded.history] == [s.rule for s in session.history]


def test_a_selection_step_exports_its_paths():
    model = tabular_mlp()
    session = gl.Session(model, name="model")
    session.apply("torch.set_linear_width", at=["[4]"], width=16)

    namespace = {"model": model}
    exec(session.export(), namespace)

    assert gl.eq(namespace["model"], session.tree)
    assert namespace["model"][4].out_features == 16


def test_undo_and_redo_keep_identities_of_a_text_encoder():
    model = TextEncoder()
    session = gl.Session(model)
    session.apply("torch.add_dropout", p=0.2)
    patched = session.tree

    session.undo()
    assert session.tree is model
    session.redo()
    assert session.tree is patched
