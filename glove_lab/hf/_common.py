"""What every family shares: transformers' activation classes, Conv1D, residual branches."""

from __future__ import annotations

from typing import Any

from torch import nn
from transformers import activations
from transformers.pytorch_utils import Conv1D

import glove_lab as gl
from glove_lab.torch import register_layer

__all__ = ["residual_branch_ends"]

for _activation in activations.ACT2CLS.values():
    _cls = _activation[0] if isinstance(_activation, tuple) else _activation
    gl.tag(_cls, "nonlinearity")
for _gelu in (nn.GELU, activations.GELUActivation, activations.NewGELUActivation,
              activations.GELUTanh, activations.FastGELUActivation,
              activations.QuickGELUActivation, activations.ClippedGELUActivation,
              activations.AccurateGELUActivation):
    gl.tag(_gelu, "gelu")

gl.tag(Conv1D, "dense")
register_layer(Conv1D, ("nf", "nx"), name="transformers.pytorch_utils.Conv1D")


def residual_branch_ends(block: Any) -> list[str]:
    """Paths (relative to `block`) of the dense layers whose outputs are its residual branches.

    A block's branches end at the output projection of each attention in it
    (its last dense layer) and at the last dense layer of its feed-forward
    network (the `mlp`-tagged modules, taken together: BERT splits its
    feed-forward into two classes). Scaling or dropping these outputs scales
    or drops the branches: between each and the residual sum there is only
    dropout, drop path or reshaping (tests/hf checks that zeroing them makes
    every block return its input). Empty for blocks with neither attention
    nor feed-forward tags (ConvNeXt's, the convnets').
    """
    attentions = _outermost(gl.query(block, tag="attention"))
    mlps = _outermost(gl.query(block, tag="mlp"))
    groups = [[path] for path in attentions] + ([mlps] if mlps else [])
    ends = []
    for group in groups:
        dense = [path for root in group for path in
                 _prefixed(root, gl.query(gl.get(block, root), tag="dense"))]
        if dense:
            ends.append(dense[-1])
    return ends


def _outermost(found: dict[str, Any]) -> list[str]:
    paths = [gl.KeyPath.parse(path) for path in found]
    return [str(path) for path in paths
            if not any(other != path and other.is_prefix_of(path) for other in paths)]


def _prefixed(root: str, found: dict[str, Any]) -> list[str]:
    return [str(gl.KeyPath((*gl.KeyPath.parse(root), *gl.KeyPath.parse(path))))
            for path in found]
