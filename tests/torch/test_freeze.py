"""torch.freeze and torch.unfreeze change the patched model's flags only (issue 12, defect 5)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import glove_lab as gl
import glove_lab.torch  # registers the torch kinds and rules
from tests.torch.library_style import TinyGPT, shared_groups


class LoRALinear(nn.Module):
    """A low-rank adapter around a Linear: the user's LoRA layer."""

    def __init__(self, base: nn.Linear, rank: int = 2) -> None:
        super().__init__()
        self.base = base
        self.down = nn.Linear(base.in_features, rank, bias=False)
        self.up = nn.Linear(rank, base.out_features, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + self.up(self.down(x))


LORA = gl.Rule("tests.lora", lambda linear: LoRALinear(linear),
               on=gl.Match(type=nn.Linear, path="h[*].mlp[*]"))


def trainable(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def test_freezing_the_patched_model_leaves_the_original_trainable():
    model = TinyGPT()
    before = trainable(model)
    session = gl.Session(model)
    session.apply(LORA)
    lora_model = session.tree
    step = session.apply("torch.freeze")
    session.apply("torch.unfreeze", type="LoRALinear")
    patched = session.tree
    assert trainable(model) == before  # the original's flags never changed
    assert trainable(lora_model) > 0
    assert "froze" in step.summary()
    assert all(p.requires_grad == ("down" in n or "up" in n or "base" in n)
               for n, p in patched.named_parameters())
    session.undo()
    session.undo()
    assert session.tree is lora_model and trainable(lora_model) == trainable(session.tree)


def test_frozen_parameters_are_new_objects_on_the_same_storage():
    model = TinyGPT()
    patched = gl.apply(model, "torch.freeze", at="ln_f")
    assert patched.ln_f.weight is not model.ln_f.weight
    assert patched.ln_f.weight.data_ptr() == model.ln_f.weight.data_ptr()
    assert not patched.ln_f.weight.requires_grad and model.ln_f.weight.requires_grad
    assert patched.wte is model.wte  # modules with nothing to freeze stay the same objects


def test_freeze_by_tag_keeps_tied_weights_and_shared_blocks():
    model = TinyGPT()
    patched = gl.apply(model, "torch.freeze", tag="embedding")
    assert patched.lm_head.weight is patched.wte.weight
    assert not patched.lm_head.weight.requires_grad
    assert patched.h[0] is patched.h[2]
    for paths in shared_groups(model):
        first = gl.get(patched, paths[0])
        assert all(gl.get(patched, p) is first for p in paths)


def test_freeze_at_a_path_reaches_a_weight_tied_outside_it():
    model = TinyGPT()
    patched = gl.apply(model, "torch.freeze", at="wte")
    assert patched.lm_head.weight is patched.wte.weight
    assert not patched.lm_head.weight.requires_grad


def test_a_frozen_model_trains_only_what_is_left_trainable():
    model = TinyGPT()
    patched = gl.apply(model, "torch.freeze", type="Embedding")
    optimizer = torch.optim.SGD([p for p in patched.parameters() if p.requires_grad], lr=0.1)
    embedding = model.wte.weight.detach().clone()
    patched(torch.randint(0, 50, (2, 5))).sum().backward()
    optimizer.step()
    assert torch.equal(model.wte.weight, embedding)


def test_unfreeze_of_an_already_trainable_module_says_so():
    step = gl.Session(TinyGPT()).apply("torch.unfreeze")
    assert step.summary() == "torch.unfreeze() everywhere: unfroze 0 parameters (none to change)"


def test_freeze_rules_replay_from_their_export():
    model = TinyGPT()
    session = gl.Session(model)
    session.apply("torch.freeze", tag="normalization")
    namespace = {"model": model}
    exec(session.export(), namespace)
    frozen = {n for n, p in namespace["model"].named_parameters() if not p.requires_grad}
    assert frozen == {n for n, p in session.tree.named_parameters() if not p.requires_grad}
    assert frozen and trainable(model) == sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize("rule", ["torch.freeze", "torch.unfreeze"])
def test_freeze_rules_are_listed_at_every_module(rule):
    model = TinyGPT()
    for path, node in gl.traverse(model):
        if isinstance(node, nn.Module):
            assert rule in {r.name for r in gl.rules(model, at=path)}
