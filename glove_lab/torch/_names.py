"""Torch's names for submodules (`named_modules()`: `layer1.0.conv1`) as glove_lab paths."""

from __future__ import annotations

from typing import Any

from torch import nn

from glove_lab.errors import PathError
from glove_lab.tree import KeyPath, children_of

__all__ = ["module_path"]


def module_path(model: Any, name: str) -> KeyPath:
    """The KeyPath of the submodule torch calls `name` in `model` (`""` is the model).

    `module_path(model, "layer1.0.conv1")` is `layer1[0].conv1`; a ModuleDict
    entry named "0" or "conv-1" becomes `["0"]` or `["conv-1"]`. Plain dotted
    names with indices (`layer1.0.conv1`) are also accepted directly wherever
    a path is; this helper resolves every name exactly, against the model.
    """
    keys: list[Any] = []
    node = model
    for part in name.split(".") if name else []:
        for key, child in children_of(node):
            if str(key) == part and isinstance(child, nn.Module):
                keys.append(key)
                node = child
                break
        else:
            where = str(KeyPath(keys)) or "the model"
            names = [str(k) for k, c in children_of(node) if isinstance(c, nn.Module)]
            raise PathError(f"{type(model).__name__} has no submodule {name!r}: {where} "
                            f"({type(node).__name__}) has no submodule {part!r}; it has: "
                            f"{', '.join(names[:12]) or 'none'}")
    return KeyPath(keys)
