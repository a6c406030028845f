"""Patching a trained CNN: it still trains, its state loads, and the original is untouched."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import glove_lab as gl
import glove_lab.torch  # registers the Module kind and the torch.* rules
from tests.torch.models import SmallCNN, train_steps

PATCHES = [
    ("torch.bn_to_gn", {"groups": 4}),
    ("torch.swap_activation", {"to": "silu"}),
    ("torch.depthwise_separable", {}),
    ("torch.add_dropout", {"p": 0.2}),
    ("torch.residual", {}),
]


@pytest.fixture
def trained() -> tuple[SmallCNN, torch.Tensor, torch.Tensor]:
    torch.manual_seed(0)
    model = SmallCNN(classes=4)
    inputs = torch.randn(8, 3, 12, 12)
    targets = torch.randint(0, 4, (8,))
    train_steps(model, inputs, targets, steps=3)
    return model, inputs, targets


def _snapshot(model: nn.Module) -> tuple[list, dict, dict]:
    structure = [(name, type(m)) for name, m in model.named_modules()]
    tensors = dict(model.state_dict(keep_vars=True))
    values = {k: v.detach().clone() for k, v in tensors.items()}
    return structure, tensors, values


@pytest.mark.parametrize(("rule", "params"), PATCHES, ids=[r for r, _ in PATCHES])
def test_patched_model_runs_forward_and_a_training_step(trained, rule, params):
    model, inputs, targets = trained

    patched = gl.apply(model, rule, **params)
    loss = train_steps(patched, inputs, targets, steps=1)

    assert patched(inputs).shape == (8, 4)
    assert loss == loss  # not NaN


@pytest.mark.parametrize(("rule", "params"), PATCHES, ids=[r for r, _ in PATCHES])
def test_patching_leaves_the_original_model_unchanged(trained, rule, params):
    model, inputs, _ = trained
    structure, tensors, values = _snapshot(model)

    patched = gl.apply(model, rule, **params)
    patched.eval()(inputs)  # eval: training would update the BatchNorm stats both share

    after = _snapshot(model)
    assert after[0] == structure
    assert all(after[1][k] is tensors[k] for k in tensors)
    assert all(torch.equal(after[2][k], values[k]) for k in values)


@pytest.mark.parametrize(("rule", "params"), PATCHES, ids=[r for r, _ in PATCHES])
def test_state_dict_of_a_patched_model_loads_into_a_freshly_patched_model(trained, rule, params):
    model, inputs, _ = trained
    patched = gl.apply(model, rule, **params).eval()

    fresh = gl.apply(SmallCNN(classes=4), rule, **params).eval()
    fresh.load_state_dict(patched.state_dict())

    assert torch.allclose(fresh(inputs), patched(inputs))


def test_untouched_modules_are_the_same_objects_with_their_trained_weights(trained):
    model, _, _ = trained
    head_weight = model.head.weight.detach().clone()

    patched = gl.apply(model, "torch.bn_to_gn", groups=4)

    assert patched.head is model.head and patched.pool is model.pool
    assert all(patched.features[i] is model.features[i] for i in (0, 2, 3, 5, 6, 7, 9))
    assert torch.equal(patched.head.weight, head_weight)


def test_gl_replace_of_one_layer_keeps_the_rest_of_the_trained_model(trained):
    model, inputs, _ = trained
    model.eval()
    reference = model.features[:3](inputs)

    patched = gl.replace(model, "head", nn.Linear(32, 10)).eval()

    assert patched(inputs).shape == (8, 10)
    assert torch.equal(patched.features[:3](inputs), reference)


def test_patched_model_keeps_eval_mode(trained):
    model, _, _ = trained
    model.eval()

    patched = gl.apply(model, "torch.bn_to_gn", groups=4)

    assert not any(m.training for m in patched.modules())
