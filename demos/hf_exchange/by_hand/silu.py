"""SiLU in place of every GELU, by hand: the GELU classes the families use."""

from torch import nn
from transformers.activations import GELUActivation, NewGELUActivation

from hf_exchange.by_hand.surgery import replace_modules


def gelu_to_silu(model, family):
    return replace_modules(model, lambda name, module: isinstance(
        module, (nn.GELU, GELUActivation, NewGELUActivation)), lambda act: nn.SiLU())
