"""Seven ideas, each a rule written once against the tags of `glove_lab.hf` (import registers)."""
