"""The one module-surgery loop every hand patch uses: replace submodules by dotted name."""

from collections.abc import Callable

from torch import nn


def replace_modules(model: nn.Module, select: Callable[[str, nn.Module], bool],
                    make: Callable[[nn.Module], nn.Module]) -> nn.Module:
    """Replace, in place, every submodule `select(name, module)` accepts by `make(module)`."""
    for name, module in list(model.named_modules()):
        if name and select(name, module):
            parent, _, child = name.rpartition(".")
            setattr(model.get_submodule(parent), child, make(module))
    return model


def ends_with(suffixes: tuple[str, ...]) -> Callable[[str, nn.Module], bool]:
    """Select the submodules whose dotted name ends with one of `suffixes` (after a dot)."""
    return lambda name, module: ("." + name).endswith(tuple("." + s for s in suffixes))
