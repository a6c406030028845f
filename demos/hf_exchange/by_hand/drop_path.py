"""Stochastic depth on every residual branch, by hand: the branch ends of layer scale."""

from hf_exchange.by_hand.layer_scale import BRANCH_ENDS
from hf_exchange.by_hand.surgery import ends_with, replace_modules
from hf_exchange.inventions import DropPath


def drop_path(model, family, p=0.1):
    return replace_modules(model, ends_with(BRANCH_ENDS[family]), lambda dense: DropPath(dense, p))
