"""A tiny config and an example input for each family: models build in milliseconds."""

from __future__ import annotations

from typing import Any

import torch
import transformers as T

CONFIGS: dict[str, Any] = {
    "bert": lambda: T.BertConfig(hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                                 num_attention_heads=2, vocab_size=100,
                                 max_position_embeddings=64),
    "gpt2": lambda: T.GPT2Config(n_embd=32, n_layer=2, n_head=2, vocab_size=100, n_positions=64,
                                 bos_token_id=0, eos_token_id=0),
    "llama": lambda: T.LlamaConfig(hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                                   num_attention_heads=2, num_key_value_heads=1, vocab_size=100),
    "mistral": lambda: T.MistralConfig(hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                                       num_attention_heads=2, num_key_value_heads=1,
                                       vocab_size=100),
    "qwen2": lambda: T.Qwen2Config(hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                                   num_attention_heads=2, num_key_value_heads=1, vocab_size=100),
    "t5": lambda: T.T5Config(d_model=32, d_ff=64, num_layers=2, num_heads=2, d_kv=16,
                             vocab_size=100),
    "vit": lambda: T.ViTConfig(hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                               num_attention_heads=2, image_size=32, patch_size=8),
    "swin": lambda: T.SwinConfig(image_size=32, patch_size=4, embed_dim=16, depths=[1, 1],
                                 num_heads=[2, 2], window_size=4),
    "convnext": lambda: T.ConvNextConfig(hidden_sizes=[16, 32], depths=[1, 1], num_stages=2),
    "resnet": lambda: T.ResNetConfig(embedding_size=16, hidden_sizes=[16, 32], depths=[1, 1]),
    "mobilenet_v2": lambda: T.MobileNetV2Config(image_size=32, depth_multiplier=0.25),
    "regnet": lambda: T.RegNetConfig(embedding_size=16, hidden_sizes=[16, 32], depths=[1, 1],
                                     groups_width=8),
    "distilbert": lambda: T.DistilBertConfig(dim=32, hidden_dim=64, n_layers=2, n_heads=2,
                                             vocab_size=100, max_position_embeddings=64),
}
VISION = ("vit", "swin", "convnext", "resnet", "mobilenet_v2", "regnet")


def build(family: str, seed: int = 0) -> torch.nn.Module:
    """The family's base model from its tiny config, random weights from `seed`, in eval mode."""
    torch.manual_seed(seed)
    return T.AutoModel.from_config(CONFIGS[family]()).eval()


def example(family: str, seed: int = 1) -> dict[str, torch.Tensor]:
    """Keyword arguments for one forward pass: 2 sequences of 8 tokens or 2 images of 32x32."""
    generator = torch.Generator().manual_seed(seed)
    if family in VISION:
        return {"pixel_values": torch.randn(2, 3, 32, 32, generator=generator)}
    ids = torch.randint(1, 100, (2, 8), generator=generator)
    return {"input_ids": ids, "decoder_input_ids": ids} if family == "t5" else {"input_ids": ids}


def output(model: torch.nn.Module, family: str) -> torch.Tensor:
    """Every tensor the model outputs on the family's example input, flattened into one."""
    with torch.no_grad():
        result = model(**example(family))
    tensors = [value for value in result.values() if isinstance(value, torch.Tensor)]
    return torch.cat([tensor.flatten() for tensor in tensors])
