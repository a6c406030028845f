"""Every built-in torch rule, everywhere and at every node that lists it, with the check on.

The bar of issue 12, on models written the way timm and transformers write
them (tests/torch/library_style.py) and on tiny configs of real Hugging Face
families (random weights, no downloads). For each model and each `torch.*`
rule: applied everywhere, and at every module where `gl.rules` lists it,
with a session check that runs a forward and wants finite outputs, the step

- is accepted exactly where it is listed (and refused with NoMatchError
  exactly where it is not): listed <=> applicable;
- passes the check (a refused check would raise CheckError and fail here);
- runs every activation the original runs (none dropped by a rewrite);
- keeps every module that was at several paths one object, and tied
  weights tied.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import torch
import transformers as T
from torch import nn

import glove_lab as gl
import glove_lab.hf  # the transformers tags: more places for the rules to act
import glove_lab.torch  # the torch kinds and rules
from tests.fixtures.hf_families import CONFIGS, build, example
from tests.torch.library_style import TimmStyleCNN, TinyGPT, TinyViT, shared_groups

PARAMS: dict[str, dict[str, Any]] = {"torch.set_linear_width": {"width": 6}}
IMAGE = torch.randn(2, 3, 8, 8)


def _gpt2_lm() -> nn.Module:
    torch.manual_seed(0)
    return T.GPT2LMHeadModel(CONFIGS["gpt2"]()).eval()  # lm_head tied to the embedding


LIBRARY_STYLE: dict[str, tuple[Callable[[], nn.Module], dict[str, Any] | tuple]] = {
    "timm-style-cnn": (lambda: TimmStyleCNN().eval(), (IMAGE,)),
    "timm-style-vit": (lambda: TinyViT().eval(), (IMAGE,)),
    "gpt-with-shared-blocks": (lambda: TinyGPT().eval(), (torch.randint(0, 50, (2, 5)),)),
}
HF_FAMILIES = sorted(CONFIGS)


def torch_rules() -> list[str]:
    return sorted(r.name for r in gl.rules() if r.name.startswith("torch."))


def run(model: nn.Module, inputs: dict[str, Any] | tuple) -> Any:
    with torch.no_grad():
        return model(**inputs) if isinstance(inputs, dict) else model(*inputs)


def first_tensor(out: Any) -> torch.Tensor:
    if isinstance(out, torch.Tensor):
        return out
    values = out.values() if hasattr(out, "values") else out
    return next(v for v in values if isinstance(v, torch.Tensor))


def checker(inputs: dict[str, Any] | tuple) -> Callable[[nn.Module], tuple[int, ...]]:
    def check(model: nn.Module) -> tuple[int, ...]:
        out = first_tensor(run(model, inputs))
        if not torch.isfinite(out).all():
            raise ValueError("the output has NaN or inf values")
        return tuple(out.shape)

    return check


def activations(model: nn.Module, inputs: dict[str, Any] | tuple) -> int:
    calls = []

    def count(module: nn.Module, args: Any, output: Any) -> None:
        if "nonlinearity" in gl.tags_of(module):
            calls.append(module)

    handle = nn.modules.module.register_module_forward_hook(count)
    try:
        run(model, inputs)
    finally:
        handle.remove()
    return len(calls)


class Original:
    """What a faithful patch keeps of a model: activations run, sharing, tied weights."""

    def __init__(self, model: nn.Module, inputs: Any) -> None:
        self.model, self.inputs = model, inputs
        self.activations = activations(model, inputs)
        self.shared = shared_groups(model)
        by_id: dict[int, list[str]] = {}
        for name, parameter in model.named_parameters(remove_duplicate=False):
            by_id.setdefault(id(parameter), []).append(name)
        self.tied = [names for names in by_id.values() if len(names) > 1]

    def assert_kept_by(self, patched: nn.Module, where: str) -> None:
        assert activations(patched, self.inputs) == self.activations, where
        for paths in self.shared:
            try:
                found = [gl.get(patched, p) for p in paths]
            except gl.PathError:
                continue  # moved into a wrapper (torch.residual): the count below still holds
            assert all(node is found[0] for node in found), (where, [str(p) for p in paths])
        assert len(shared_groups(patched)) >= len(self.shared), where
        parameters = dict(patched.named_parameters(remove_duplicate=False))
        for names in self.tied:
            present = [parameters[n] for n in names if n in parameters]
            assert all(p is present[0] for p in present), (where, names)


def every_rule_everywhere_and_at_every_listed_node(model: nn.Module, inputs: Any) -> int:
    """Apply every torch rule everywhere and at every module; returns how many steps ran."""
    check = checker(inputs)
    check(model)
    original = Original(model, inputs)
    applied = 0
    for name in torch_rules():
        session = gl.Session(model, check=check)
        everywhere = name in {r.name for r in gl.rules(model)}
        try:
            session.apply(name, **PARAMS.get(name, {}))
        except gl.NoMatchError:
            assert not everywhere, f"{name} is listed for the model but matches nothing"
        else:
            assert everywhere, f"{name} applied everywhere but is not listed"
            original.assert_kept_by(session.tree, f"{name} everywhere")
            applied += 1
    for path, node in gl.traverse(model):
        if not isinstance(node, nn.Module):
            continue
        listed = {r.name for r in gl.rules(model, at=path)}
        for name in torch_rules():
            session = gl.Session(model, check=check)
            try:
                session.apply(name, at=path, **PARAMS.get(name, {}))
            except gl.NoMatchError:
                assert name not in listed, f"{name} is listed at {str(path)!r} but refused"
                continue
            assert name in listed, f"{name} applies at {str(path)!r} but is not listed there"
            original.assert_kept_by(session.tree, f"{name} at {path}")
            applied += 1
    return applied


@pytest.mark.parametrize("name", sorted(LIBRARY_STYLE))
def test_every_rule_on_models_written_like_timm_and_transformers(name):
    make, inputs = LIBRARY_STYLE[name]
    assert every_rule_everywhere_and_at_every_listed_node(make(), inputs) > 0


@pytest.mark.parametrize("family", HF_FAMILIES)
def test_every_rule_on_a_tiny_hugging_face_model(family):
    model = build(family)
    assert every_rule_everywhere_and_at_every_listed_node(model, example(family)) > 0


def test_every_rule_on_gpt2_with_its_tied_language_model_head():
    model = _gpt2_lm()
    assert model.lm_head.weight is model.transformer.wte.weight
    inputs = example("gpt2")
    assert every_rule_everywhere_and_at_every_listed_node(model, inputs) > 0


def test_the_suite_covers_eight_or_more_families_vision_and_text():
    vision = {"vit", "swin", "convnext", "resnet", "mobilenet_v2", "regnet"}
    assert len(HF_FAMILIES) >= 8
    assert len(vision & set(HF_FAMILIES)) >= 4 and len(set(HF_FAMILIES) - vision) >= 4
