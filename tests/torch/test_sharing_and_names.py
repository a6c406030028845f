"""Shared modules stay shared; torch's dotted names are paths (issue 12, defects 4 and 6)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import glove_lab as gl
import glove_lab.torch as gt
from tests.torch.library_style import TimmStyleCNN, TinyGPT, shared_groups

IDS = torch.randint(0, 50, (2, 5))


def same_object_at(model: nn.Module, paths: list[gl.KeyPath]) -> bool:
    first = gl.get(model, paths[0])
    return all(gl.get(model, p) is first for p in paths)


# -- 4. shared modules ------------------------------------------------------------------------


def test_a_shared_activation_rewritten_at_one_place_is_rewritten_everywhere_it_is():
    model = TinyGPT()
    step = gl.Session(model).apply("torch.swap_activation", at="h[1].act", to="relu")
    patched = gl.apply(model, "torch.swap_activation", at="h[1].act", to="relu")
    places = ["h[0].act", "h[0].mlp[1]", "h[1].act", "h[1].mlp[1]", "h[2].act", "h[2].mlp[1]"]
    assert isinstance(patched.h[0].act, nn.ReLU)
    assert same_object_at(patched, [gl.KeyPath.parse(p) for p in places])
    assert set(step.changed_paths) == set(places)
    assert isinstance(model.h[0].act, nn.GELU)  # the original is untouched


def test_a_block_used_twice_stays_one_block_after_an_edit_inside_it():
    model = TinyGPT()
    patched = gl.apply(model, "torch.add_dropout", at="h[2].mlp[1]", p=0.2)
    assert patched.h[0] is patched.h[2]
    assert isinstance(patched.h[0].mlp[1], nn.Sequential)
    assert patched.h[1].mlp[1] is patched.h[0].mlp[1]  # the shared activation, too


@pytest.mark.parametrize("rule", ["torch.residual", "torch.swap_activation",
                                  "torch.add_dropout", "torch.freeze"])
def test_every_sharing_survives_a_rule_applied_everywhere(rule):
    model = TinyGPT()
    patched = gl.apply(model, rule)
    for paths in shared_groups(model):
        try:
            found = [gl.get(patched, p) for p in paths]
        except gl.PathError:  # torch.residual moved it into a wrapper: counted below
            continue
        assert all(node is found[0] for node in found), [str(p) for p in paths]
    sizes = sorted(len(paths) for paths in shared_groups(patched))
    for size in sorted(len(paths) for paths in shared_groups(model)):
        assert size in sizes, (size, sizes)
        sizes.remove(size)
    assert patched.lm_head.weight is patched.wte.weight  # tied weights stay tied
    assert patched(IDS).shape == (2, 5, 50)


def test_the_graph_marks_a_shared_module():
    svg = gl.to_svg(TinyGPT(), budget=400)
    assert "(at 2 places)" in svg  # h[0] is h[2]
    assert "(at 6 places)" in svg  # the GELU


# -- 6. torch's dotted names --------------------------------------------------------------------


def test_every_named_modules_name_is_a_path_to_that_module():
    model = TimmStyleCNN()
    for name, module in model.named_modules():
        assert gl.get(model, name) is module


def test_a_torch_name_works_where_rules_take_a_path():
    model = TimmStyleCNN()
    patched = gl.apply(model, "torch.bn_to_gn", at="stage1.3", groups=2)
    assert isinstance(patched.stage1[3], nn.GroupNorm)
    assert {r.name for r in gl.rules(model, at="stage1.3")} >= {"torch.bn_to_gn"}
    step = gl.Session(model).apply("torch.bn_to_gn", at="stage1.3")
    assert step.paths == ("stage1[3]",)  # recorded in the canonical spelling


def test_a_torch_name_with_other_characters_gets_the_right_spelling_in_the_error():
    model = nn.Sequential(nn.ModuleDict({"conv-1": nn.Conv2d(1, 1, 3), "0": nn.ReLU()}))
    with pytest.raises(gl.PathError, match=r"""write it as '\[0\]\["conv-1"\]'"""):
        gl.get(model, "0.conv-1")
    with pytest.raises(gl.PathError, match=r"""did you mean '\[0\]\["0"\]'"""):
        gl.get(model, "0.0")


def test_module_path_converts_every_torch_name_exactly():
    model = nn.Sequential(nn.ModuleDict({"conv-1": nn.Conv2d(1, 1, 3), "0": nn.ReLU()}))
    for name, module in model.named_modules():
        assert gl.get(model, gt.module_path(model, name)) is module
    assert str(gt.module_path(model, "0.conv-1")) == '[0]["conv-1"]'
    with pytest.raises(gl.PathError, match="has no submodule 'nope'"):
        gt.module_path(model, "0.nope")


def test_a_path_glob_accepts_torch_indices():
    model = TimmStyleCNN()
    assert list(gl.query(model, path="stage1.*")) == [f"stage1[{i}]" for i in range(5)]
    assert list(gl.query(model, path="stage1.3")) == ["stage1[3]"]
