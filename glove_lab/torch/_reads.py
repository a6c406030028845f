"""What a module's ancestors read from it besides calling it, found in their source code.

A parent that reads `self.projection.weight.dtype` (Hugging Face's ViTModel
does) breaks when a rule puts a module without a `weight` there, even
though calling it would work. The attribute chains starting at `self` in
each ancestor class's methods are collected once per class (from its source,
with `ast`), so a rule can refuse such a place before it replaces anything.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable
from typing import Any

from torch import nn

from glove_lab.tree import KeyPath, children_of

__all__ = ["missing_reads"]


def missing_reads(tree: Any, path: KeyPath, has: Callable[[str], bool], replacement: str) -> str:
    """Why a `replacement` at `path` would break an ancestor, or "" if none reads what it lacks.

    `has(attribute)` says whether the replacement has an attribute; every
    ancestor's `self.<keys to path>.<attribute>` reads are checked.
    """
    ancestors = _ancestors(tree, path)
    for depth, ancestor in enumerate(ancestors):
        if not isinstance(ancestor, nn.Module):
            continue
        relative = tuple(path[depth:])
        for chain in _self_chains(type(ancestor)):
            if len(chain) > len(relative) and chain[: len(relative)] == relative:
                attribute = chain[len(relative)]
                if isinstance(attribute, str) and not has(attribute):
                    read = "self." + ".".join(str(k) for k in chain[: len(relative) + 1])
                    return (f"{type(ancestor).__name__} reads {read}, which the {replacement} "
                            "replacing it would not have")
    return ""


def _ancestors(tree: Any, path: KeyPath) -> list[Any]:
    """The nodes from the root down to the parent of `path`."""
    found = []
    node = tree
    for key in path:
        found.append(node)
        node = next((child for k, child in children_of(node)
                     if k == key and type(k) is type(key)), None)
        if node is None:
            break
    return found


_CHAINS: dict[type, frozenset[tuple[Any, ...]]] = {}


def _self_chains(cls: type) -> frozenset[tuple[Any, ...]]:
    """Every `self.a.b[0].c` chain (as keys) in the methods of `cls` and its bases."""
    chains: set[tuple[Any, ...]] = set()
    for klass in cls.__mro__:
        if klass is nn.Module or klass is object:
            break
        known = _CHAINS.get(klass)
        if known is None:
            known = _CHAINS[klass] = _class_chains(klass)
        chains |= known
    return frozenset(chains)


def _class_chains(klass: type) -> frozenset[tuple[Any, ...]]:
    try:
        source = textwrap.dedent(inspect.getsource(klass))
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError, IndentationError):
        return frozenset()  # no source (built in C, made at run time): nothing known to check
    chains = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            chain = _chain(node)
            if chain is not None and len(chain) >= 2:
                chains.add(chain)
    return frozenset(chains)


def _chain(node: ast.AST) -> tuple[Any, ...] | None:
    keys: list[Any] = []
    while True:
        if isinstance(node, ast.Attribute):
            keys.append(node.attr)
            node = node.value
        elif (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant)
              and type(node.slice.value) in (int, str)):
            keys.append(node.slice.value)
            node = node.value
        elif isinstance(node, ast.Name) and node.id == "self":
            return tuple(reversed(keys))
        else:
            return None
