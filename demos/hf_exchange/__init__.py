"""The exchange study on transformers: m ideas x n Hugging Face model families.

- `families`: a tiny config and an example input per family (random weights, no downloads).
- `inventions`: the ideas as ordinary library code (LoRA, LayerScale, DropPath, SquaredReLU),
  used both ways and counted on neither side.
- `ideas/`: each idea's rule, written once against the tags of `glove_lab.hf`.
- `by_hand/`: the same ideas applied without glove_lab, by module surgery on the
  unmodified library's models: one file per idea, plus the surgery loop they share.
"""
