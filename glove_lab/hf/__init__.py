"""Hugging Face transformers adapter: `import glove_lab.hf` tags the classes of 13 families.

transformers writes every model family in its own file ("one model, one
file"), so `BertAttention`, `LlamaAttention` and `T5Attention` are unrelated
classes. This pack says what each class *is*, with tags a rule can match
on, so that one rule written against tags reaches every family:

- `attention`: an attention module; the dense layers inside it are its
  projections, the last one its output projection.
- `mlp`: (part of) a block's feed-forward network.
- `block`: one repeated layer of the model's main stack.
- `embeddings`: the module that turns the model's input into its first
  hidden states.
- `normalization`: the families' own norms (RMSNorm variants, T5LayerNorm).
- `nonlinearity`: every activation class of `transformers.activations`
  (what `ACT2FN` builds); `gelu` marks the GELU variants among them.
- `dense`: `Conv1D` (GPT-2's linear layer with a transposed weight).
- `drop_path`: the families' stochastic-depth modules; `stochastic_depth`
  marks the blocks that already have such a module.

Standard `torch.nn` layers keep the tags `glove_lab.torch` gives them. The
pack uses only glove_lab's public API (`gl.tag`, `gl.query`,
`glove_lab.torch.register_layer`); one module per family, so the cost of
supporting a family is the size of its module.
"""

from __future__ import annotations

import glove_lab.torch  # noqa: F401  (torch modules are tree nodes; nn layers are tagged)
from glove_lab.hf import (  # noqa: F401  (each module tags its family's classes)
    _bert,
    _convnext,
    _distilbert,
    _gpt2,
    _llama,
    _mistral,
    _mobilenet_v2,
    _qwen2,
    _regnet,
    _resnet,
    _swin,
    _t5,
    _vit,
)
from glove_lab.hf._common import residual_branch_ends

__all__ = ["FAMILIES", "residual_branch_ends"]

FAMILIES: tuple[str, ...] = (
    "bert", "gpt2", "llama", "mistral", "qwen2", "t5", "vit", "swin", "convnext", "resnet",
    "mobilenet_v2", "regnet", "distilbert",
)
"""The families this pack annotates, each in its own module `glove_lab/hf/_<family>.py`."""
