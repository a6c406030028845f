"""PyTorch adapter: `import glove_lab.torch` makes every `torch.nn.Module` a tree node.

A module's children are its reconstructed constructor arguments (for the
standard `torch.nn` layers and any class given to `register_layer`), then its
named submodules. Standard layers come tagged (`convolution`, `normalization`,
`nonlinearity`, ...), and the ready rules of `glove_lab.torch.rules` are
registered under `torch.*`. Patching returns a new working model: every
module the patch did not touch is the same object, weights kept, and the
original model is unchanged.
"""

from __future__ import annotations

from glove_lab.torch._kind import module_kind, shallow_copy
from glove_lab.torch._layers import REQUIRED, LayerSpec, layer_args, layer_spec, register_layer
from glove_lab.torch._names import module_path
from glove_lab.torch._notes import model_notes, parameter_text, shape_text
from glove_lab.torch._residual import Residual
from glove_lab.tree import register_notes

__all__ = [
    "REQUIRED", "LayerSpec", "Residual", "layer_args", "layer_spec", "model_notes",
    "module_kind", "module_path", "parameter_text", "register_layer", "rules", "shallow_copy",
    "shape_text",
]

register_layer(Residual, name="glove_lab.torch.Residual")
register_notes("torch", model_notes)  # parameter counts, and shapes given an example

from glove_lab.torch import rules  # noqa: E402  (registers the torch.* rules)
