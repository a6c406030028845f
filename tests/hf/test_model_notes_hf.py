"""Shapes and parameter counts on a real (tiny) Hugging Face model, given keyword inputs."""

from __future__ import annotations

import torch
import transformers

import glove_lab.hf  # noqa: F401  (the transformers tags, on top of glove_lab.torch)
from glove_lab.tree import KeyPath, notes_of


def test_a_tiny_bert_shows_dict_outputs_tuples_and_counts_from_a_keyword_example():
    config = transformers.BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=2,
                                     num_attention_heads=2, intermediate_size=32)
    model = transformers.BertModel(config).eval()
    total = sum(p.numel() for p in model.parameters())

    notes = notes_of(model, {"input_ids": torch.randint(0, 50, (1, 5))})
    shown = {str(path): note.replace("\N{MULTIPLICATION SIGN}", "x")
             for path, note in notes.by_path.items()}

    assert notes.status.startswith("shapes: one forward in ")
    outputs = "{last_hidden_state: 1x5x16, pooler_output: 1x16}"
    assert shown[""] == f"→ {outputs} · {total / 1e3:.1f}k params"
    assert shown["encoder.layer[1]"].startswith("→ 1x5x16 · ")
    assert shown["pooler"] == "→ 1x16 · 272 params"
    assert KeyPath.parse("encoder.layer[0].attention.self") in notes.by_path
