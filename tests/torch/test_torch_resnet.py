"""A ResNet-50-shaped model: lifted with no annotation, rendered collapsed, patched."""

from __future__ import annotations

import html
import re

import pytest
import torch
from torch import nn

import glove_lab as gl
import glove_lab.torch  # registers the Module kind and the torch.* rules
from glove_lab.drawing import to_svg
from tests.torch.models import resnet50_like


@pytest.fixture(scope="module")
def resnet() -> nn.Module:
    torch.manual_seed(0)
    return resnet50_like().eval()


def test_resnet_is_lifted_with_every_module_on_a_path(resnet):
    module_paths = {str(p) for p, node in gl.traverse(resnet) if isinstance(node, nn.Module)}

    names = {_as_path(name) for name, _ in resnet.named_modules()}

    assert module_paths == names
    assert len(module_paths) == 151


def _as_path(name: str) -> str:
    """`layer1.0.conv1` (torch) -> `layer1[0].conv1` (glove_lab)."""
    return re.sub(r"\.(\d+)", r"[\1]", name)


def test_query_finds_the_53_batchnorms_of_resnet50(resnet):
    norms = gl.query(resnet, tag="normalization")

    assert len(norms) == 53
    assert all(isinstance(n, nn.BatchNorm2d) for n in norms.values())
    assert "layer4[0].downsample[1]" in norms


def test_hyperparameters_of_a_deep_layer_are_on_paths(resnet):
    assert gl.get(resnet, "layer2[0].conv2.stride") == (2, 2)
    assert gl.get(resnet, "layer3[5].bn3.num_features") == 1024


def test_resnet_renders_collapsed_with_paths_as_titles(resnet):
    svg = to_svg(resnet, depth=1)

    titles = [html.unescape(t) for t in re.findall(r"<title>([^<]*)</title>", svg)]
    assert "$" in titles and "layer1" in titles
    assert "layer1[0].conv1" not in titles
    assert 'class="node glove-collapsed"' in html.unescape(svg)


def test_resnet_with_every_batchnorm_as_groupnorm_runs(resnet):
    patched = gl.apply(resnet, "torch.bn_to_gn", groups=32)

    out = patched(torch.randn(1, 3, 64, 64))

    assert out.shape == (1, 1000)
    assert len(gl.query(patched, type=nn.GroupNorm)) == 53
    assert not gl.query(patched, type=nn.BatchNorm2d)
    assert len(gl.query(resnet, type=nn.BatchNorm2d)) == 53
    assert patched.layer3[2].conv2 is resnet.layer3[2].conv2
    assert patched.fc is resnet.fc


def test_resnet_session_undo_restores_the_original_object(resnet):
    session = gl.Session(resnet, name="model")

    session.apply("torch.bn_to_gn", groups=16)
    session.undo()

    assert session.tree is resnet
