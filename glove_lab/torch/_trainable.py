"""Freezing and unfreezing as persistent edits: new Parameter objects, the same storage.

`requires_grad_(False)` on a patched model would flip the flag on Parameter
objects it shares with the original. These helpers instead give the patched
model its own Parameter objects (views of the same tensors, so no memory is
copied) with the new flag, inside shallow copies of the modules that hold
them: the original's flags never change, and undo is keeping the old root.
A Parameter found in several modules (tied weights) gets one new Parameter,
used by all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from torch import nn

from glove_lab.torch._kind import shallow_copy
from glove_lab.tree import tags_of

__all__ = ["Selector", "changing_parameters", "fresh_parameter", "selector", "with_parameters"]

Selector = Callable[[nn.Module], bool]


def selector(tag: str = "", type_name: str = "") -> Selector:
    """Modules carrying `tag` and/or whose class (or a base) is named `type_name`; all if neither.

    `type_name` is a class name (`LayerNorm`) or a qualified one
    (`torch.nn.LayerNorm`); subclasses count, since freezing keeps behaviour.
    """
    def chosen(module: nn.Module) -> bool:
        if tag and tag not in tags_of(module):
            return False
        return not type_name or any(
            type_name in (cls.__name__, f"{cls.__module__}.{cls.__qualname__}")
            or (cls.__module__.startswith("torch.nn") and type_name == f"torch.nn.{cls.__name__}")
            for cls in type(module).__mro__)

    return chosen


def changing_parameters(root: nn.Module, chosen: Selector, trainable: bool
                        ) -> dict[int, nn.Parameter]:
    """The parameters of chosen modules (and everything below them) whose flag differs, by id."""
    found: dict[int, nn.Parameter] = {}
    for module, selected in _walk(root, chosen):
        if selected:
            for parameter in module._parameters.values():
                if parameter is not None and parameter.requires_grad != trainable:
                    found[id(parameter)] = parameter
    return found


def with_parameters(module: nn.Module, replacements: dict[int, nn.Parameter],
                    memo: dict[int, nn.Module]) -> nn.Module:
    """`module` with each Parameter in `replacements` swapped, below it too (persistent).

    Modules holding none of them stay the same objects; `memo` keeps a shared
    module one object.
    """
    done = memo.get(id(module))
    if done is not None:
        return done
    children = {name: with_parameters(child, replacements, memo)
                for name, child in module._modules.items() if child is not None}
    changed = {name: child for name, child in children.items()
               if child is not module._modules[name]}
    parameters = {name: replacements[id(p)] for name, p in module._parameters.items()
                  if p is not None and id(p) in replacements}
    if not changed and not parameters:
        memo[id(module)] = module
        return module
    new = shallow_copy(module)
    new._modules.update(changed)
    new._parameters.update(parameters)
    if parameters and isinstance(new, nn.RNNBase):
        new._init_flat_weights()  # RNNs keep a list of their weights next to _parameters
    memo[id(module)] = new
    return new


def fresh_parameter(parameter: nn.Parameter, trainable: bool) -> nn.Parameter:
    """A new Parameter on the same storage as `parameter`, with `requires_grad=trainable`."""
    return nn.Parameter(parameter.detach(), requires_grad=trainable)


def _walk(root: nn.Module, chosen: Selector) -> Iterator[tuple[nn.Module, bool]]:
    stack: list[tuple[nn.Module, bool]] = [(root, False)]
    seen: set[tuple[int, bool]] = set()
    while stack:
        module, inherited = stack.pop()
        selected = inherited or chosen(module)
        if (id(module), selected) in seen:
            continue
        seen.add((id(module), selected))
        yield module, selected
        stack.extend((child, selected) for child in module._modules.values()
                     if child is not None)
