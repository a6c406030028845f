"""A torch model's detail as node notes: parameter counts always, output shapes with an example.

`model_notes(tree, example)` gives each module node a torchinfo-style line,
`→ 1x64x56x56 · 9.4k params`. Parameter counts need no input (a module's
parameters, each counted once however often it is shared). Shapes come from
one forward pass on `example`, run under `torch.no_grad()` in eval mode on a
copy of the model that shares its parameters but none of its modules or buffers, so the
user's model (its training flags, BatchNorm statistics, hooks) is never
touched. A forward that fails still gives the counts, the shapes of the
modules that ran before the failure, and a status line saying why. Results
are cached per tree and example (trees are values: a step makes a new root).
"""

from __future__ import annotations

import copy
import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import torch
from torch import nn

from glove_lab.tree import KeyPath, NodeNotes, index_of, kind_of

__all__ = ["model_notes", "parameter_text", "shape_text"]

_CACHE_SIZE = 8
TIMES = "\N{MULTIPLICATION SIGN}"  # between a shape's sizes (docstrings write x)
Counts = dict[KeyPath, tuple[nn.Module, int]]  # path -> (module, parameters below it)
_COUNTS: OrderedDict[int, tuple[Any, Counts]] = OrderedDict()
_SHAPES: OrderedDict[tuple[int, int], tuple[Any, Any, NodeNotes]] = OrderedDict()


def model_notes(tree: Any, example: Any = None) -> NodeNotes | None:
    """Notes for the torch modules of `tree`: parameter counts, and output shapes on `example`.

    `example` is the model's input: a tensor (or any single argument), a
    tuple of positional arguments, or a dict of keyword arguments. Returns
    None for a tree without torch modules.
    """
    if kind_of(tree) is None:
        return None
    counts = _counts(tree)
    if counts is None:
        return None
    if example is None:
        return NodeNotes({path: parameter_text(n) for path, (_, n) in counts.items() if n})
    key = (id(tree), id(example))
    hit = _SHAPES.get(key)
    if hit is not None and hit[0] is tree and hit[1] is example:
        _SHAPES.move_to_end(key)
        return hit[2]
    notes = _with_shapes(tree, example, counts)
    _SHAPES[key] = (tree, example, notes)
    if len(_SHAPES) > _CACHE_SIZE:
        _SHAPES.popitem(last=False)
    return notes


def parameter_text(count: int) -> str:
    """`9.4k params`, `25.6M params`, `1 param`: a parameter count in a few characters."""
    if count == 1:
        return "1 param"
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if count >= scale:
            return f"{count / scale:.1f}".removesuffix(".0") + f"{suffix} params"
    return f"{count} params"


def shape_text(value: Any, depth: int = 0) -> str:
    """A module output in short: `1x64x56x56`; tuples `(2x10, 2x10)`; dicts `{logits: 2x10}`."""
    if isinstance(value, torch.Tensor):
        return TIMES.join(str(n) for n in value.shape) or "scalar"
    if value is None:
        return "None"
    if depth >= 2:
        return "…"
    if isinstance(value, (tuple, list)):
        items = [shape_text(v, depth + 1) for v in value[:3]]
        if len(value) > 3:
            items.append(f"+{len(value) - 3}")
        return "(" + ", ".join(items) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, Mapping):
        entries = list(value.items())
        items = [f"{k}: {shape_text(v, depth + 1)}" for k, v in entries[:2]]
        if len(entries) > 2:
            items.append(f"+{len(entries) - 2}")
        return "{" + ", ".join(items) + "}"
    return type(value).__name__


# -- parameter counts ----------------------------------------------------------------


def _counts(tree: Any) -> Counts | None:
    """Parameters below each module of `tree` (shared ones once), by path; None: no modules."""
    hit = _COUNTS.get(id(tree))
    if hit is not None and hit[0] is tree:
        _COUNTS.move_to_end(id(tree))
        return hit[1]
    index = index_of(tree)
    positions = [p for cls, found in index.by_type.items() if issubclass(cls, nn.Module)
                 for p in found]
    if not positions:
        return None
    per_module: dict[int, int] = {}
    counts: Counts = {}
    for position in sorted(positions):
        module = index.nodes[position]
        count = per_module.get(id(module))
        if count is None:
            count = per_module[id(module)] = _parameters_below(module)
        counts[index.path_at(position)] = (module, count)
    _COUNTS[id(tree)] = (tree, counts)
    if len(_COUNTS) > _CACHE_SIZE:
        _COUNTS.popitem(last=False)
    return counts


def _parameters_below(module: nn.Module) -> int:
    total = 0
    for parameter in module.parameters():  # each Parameter once, however often it is shared
        try:
            total += parameter.numel()
        except (RuntimeError, ValueError):  # a lazy module's parameter has no size yet
            continue
    return total


# -- shapes ---------------------------------------------------------------------------


def _with_shapes(tree: Any, example: Any, counts: Counts) -> NodeNotes:
    if not isinstance(tree, nn.Module):
        status = "shapes: the example runs only on a tree that is a torch module"
        return NodeNotes({p: parameter_text(n) for p, (_, n) in counts.items() if n}, status)
    outputs, failed_in, status = _forward(tree, example)
    notes: dict[KeyPath, str] = {}
    failed_at = None
    for path, (module, count) in counts.items():
        parts = []
        if id(module) == failed_in:
            parts.append("✗ forward failed here")
            failed_at = path if failed_at is None else failed_at
        elif id(module) in outputs:
            shape, calls = outputs[id(module)]
            parts.append(f"→ {shape}" + (f" ({calls} calls)" if calls > 1 else ""))
        if count:
            parts.append(parameter_text(count))
        if parts:
            notes[path] = " · ".join(parts)
    if failed_at is not None:
        status = status.replace("forward failed:", f"forward failed in {failed_at or '$'}:", 1)
    return NodeNotes(notes, status)


def _forward(model: nn.Module, example: Any) -> tuple[dict[int, tuple[str, int]], int | None,
                                                     str]:
    """Output shape and call count per module of `model` (by id) from one forward on a copy.

    Also the id of the innermost module whose forward raised (None if none did)
    and the status line.
    """
    start = time.perf_counter()
    originals = list(model.modules())
    try:
        twin = _twin(model)
    except Exception as exc:
        return {}, None, f"shapes: cannot copy the model for a forward: {_error_text(exc)}"
    copied = {id(twin[id(m)]): id(m) for m in originals if id(m) in twin}
    outputs: dict[int, tuple[str, int]] = {}
    running: list[int] = []  # the modules whose forward has begun and not ended, outermost first

    def enter(module: nn.Module, inputs: Any) -> None:
        running.append(id(module))

    def record(module: nn.Module, inputs: Any, output: Any) -> None:
        if running and running[-1] == id(module):
            running.pop()
        original = copied.get(id(module))
        if original is None:
            return
        seen = outputs.get(original)
        outputs[original] = (shape_text(output), 1) if seen is None else (seen[0], seen[1] + 1)

    root = twin[id(model)]
    handles = [m.register_forward_hook(record) for m in root.modules()]
    handles += [m.register_forward_pre_hook(enter) for m in root.modules()]
    try:
        root.eval()
        with torch.no_grad():
            if isinstance(example, Mapping):
                root(**example)
            elif isinstance(example, tuple):
                root(*example)
            else:
                root(example)
    except Exception as exc:
        failed_in = copied.get(running[-1]) if running else None
        return outputs, failed_in, f"shapes: forward failed: {_error_text(exc)}"
    finally:
        for handle in handles:
            handle.remove()
    ms = (time.perf_counter() - start) * 1000
    return outputs, None, f"shapes: one forward in {ms:.0f} ms"


def _twin(model: nn.Module) -> dict[int, Any]:
    """A deep copy of `model` sharing its parameters: id(original) -> copy.

    Every module, dict, flag and buffer is the copy's own, so `eval()`, hooks,
    and a forward that updates statistics in place (a custom module's running
    mean, in any mode) never reach the user's model. Parameters, the bulk of
    the memory, are the same objects; a lazy module's uninitialized ones are
    copied, since its first forward would fill them in place.
    """
    memo: dict[int, Any] = {}
    for parameter in model.parameters():
        if not isinstance(parameter, nn.parameter.UninitializedParameter):
            memo[id(parameter)] = parameter
    copy.deepcopy(model, memo)
    return memo


def _error_text(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = text if len(text) <= 200 else text[:199] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
