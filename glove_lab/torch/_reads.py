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
import sys
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
                    # (a read made by a function the method passes the submodule to
                    # shows as the same chain)
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
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            chains |= _passed_reads(klass, node)
    return frozenset(chains)


def _passed_reads(klass: type, call: ast.Call) -> set[tuple[Any, ...]]:
    """Reads a module-level function makes on the submodules a method passes it.

    `apply_tf_padding(features, self.convolution)` (HF MobileNetV2) reads
    `conv_layer.stride`: that is `self.convolution.stride`. Functions that
    are not plain Python functions of the class's module are not followed.
    """
    assert isinstance(call.func, ast.Name)
    function = getattr(sys.modules.get(klass.__module__), call.func.id, None)
    if not inspect.isfunction(function):
        return set()
    passed: list[tuple[str, tuple[Any, ...]]] = []
    try:
        names = list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return set()
    for position, argument in enumerate(call.args):
        chain = _chain(argument)
        if chain and position < len(names):
            passed.append((names[position], chain))
    for keyword in call.keywords:
        chain = _chain(keyword.value)
        if chain and keyword.arg is not None:
            passed.append((keyword.arg, chain))
    if not passed:
        return set()
    reads = _parameter_reads(function)
    return {(*chain, attribute) for name, chain in passed for attribute in reads.get(name, ())}


_FUNCTION_READS: dict[Any, dict[str, set[str]]] = {}


def _parameter_reads(function: Any) -> dict[str, set[str]]:
    """`{parameter: attributes read on it}` in a function's own body (`conv_layer.stride`)."""
    known = _FUNCTION_READS.get(function)
    if known is not None:
        return known
    reads: dict[str, set[str]] = {}
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        tree = None
    if tree is not None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                reads.setdefault(node.value.id, set()).add(node.attr)
    _FUNCTION_READS[function] = reads
    return reads


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
