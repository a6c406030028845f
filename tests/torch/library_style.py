"""Layers and models written the way timm and Hugging Face transformers write them.

timm and torchvision cannot be installed here, so their idioms are copied in
small: fused norm-activation subclasses (`BatchNormAct2d`), channels-first
`LayerNorm2d`, weight-standardized convolutions, HF's `Conv1D`, tied
embeddings, one activation object used at several places, and parents that
read a child's `.weight` instead of only calling it.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

import glove_lab as gl
import glove_lab.torch  # registers the torch kinds and rules

__all__ = [
    "BatchNormAct2d", "Conv1D", "LayerNorm2d", "StdConv2d", "TimmStyleCNN", "TinyGPT",
    "TinyViT", "activation_calls", "forward_check", "shared_groups",
]


class BatchNormAct2d(nn.BatchNorm2d):
    """timm.layers.BatchNormAct2d: a BatchNorm2d that also applies dropout and an activation."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1,
                 affine: bool = True, track_running_stats: bool = True, apply_act: bool = True,
                 act_layer: type[nn.Module] = nn.ReLU, inplace: bool = True) -> None:
        super().__init__(num_features, eps=eps, momentum=momentum, affine=affine,
                         track_running_stats=track_running_stats)
        self.drop = nn.Identity()
        self.act = act_layer(inplace=inplace) if apply_act else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
        x = F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                         self.training or self.running_mean is None, factor, self.eps)
        return self.act(self.drop(x))


class LayerNorm2d(nn.LayerNorm):
    """timm.layers.LayerNorm2d: LayerNorm over the channels of an NCHW tensor."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


class StdConv2d(nn.Conv2d):
    """timm.layers.StdConv2d: a Conv2d whose weight is standardized at every call."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        weight = F.batch_norm(self.weight.reshape(1, self.out_channels, -1), None, None,
                              training=True, momentum=0.0, eps=1e-6).reshape_as(self.weight)
        return F.conv2d(x, weight, self.bias, self.stride, self.padding, self.dilation,
                        self.groups)


class PlainConv2d(nn.Conv2d):
    """A subclass that only changes the constructor's defaults: it computes what Conv2d does."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__(in_channels, out_channels, 3, padding=1, bias=False)


class Conv1D(nn.Module):
    """transformers.pytorch_utils.Conv1D: a Linear with its weight transposed (GPT-2)."""

    def __init__(self, nf: int, nx: int) -> None:
        super().__init__()
        self.nf = nf
        self.weight = nn.Parameter(torch.randn(nx, nf) * 0.02)
        self.bias = nn.Parameter(torch.zeros(nf))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        size_out = (*x.size()[:-1], self.nf)
        return torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight).view(size_out)


class ConvNeXtBlock(nn.Module):
    """timm's ConvNeXt block: depthwise 7x7, channels-first LayerNorm2d, pointwise MLP."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.conv_dw = nn.Conv2d(dim, dim, 7, padding=3, groups=dim)
        self.norm = LayerNorm2d(dim)
        self.mlp = nn.Sequential(nn.Conv2d(dim, 2 * dim, 1), nn.GELU(), nn.Conv2d(2 * dim, dim, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.mlp(self.norm(self.conv_dw(x)))


class TimmStyleCNN(nn.Module):
    """A small DenseNet/EfficientNet/ConvNeXt mix, written with timm's layers."""

    def __init__(self, classes: int = 5) -> None:
        super().__init__()
        self.stem = nn.Sequential(StdConv2d(3, 8, 3, padding=1), BatchNormAct2d(8))
        self.stage1 = nn.Sequential(
            nn.Conv2d(8, 8, 3, padding=1, bias=False), BatchNormAct2d(8, act_layer=nn.SiLU),
            PlainConv2d(8, 8), nn.BatchNorm2d(8), nn.ReLU(),
        )
        self.stage2 = ConvNeXtBlock(8)
        self.norm = LayerNorm2d(8)
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(8 * 8 * 8, 16), nn.ReLU(),
                                  nn.Linear(16, classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.norm(self.stage2(self.stage1(self.stem(x)))))


class PatchEmbed(nn.Module):
    """timm/HF patch embedding: a strided convolution, flattened into tokens."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.projection = nn.Conv2d(3, dim, 4, stride=4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.projection(x).flatten(2).transpose(1, 2)


class TinyViT(nn.Module):
    """A ViT whose forward reads `patch_embeddings.projection.weight.dtype` (as HF's ViTModel)."""

    def __init__(self, dim: int = 16) -> None:
        super().__init__()
        self.patch_embeddings = PatchEmbed(dim)
        self.encoder = nn.TransformerEncoderLayer(dim, 2, 32, dropout=0.0, batch_first=True)
        self.norm = nn.LayerNorm(dim)
        self.attn = nn.MultiheadAttention(dim, 2, batch_first=True)
        self.pooler = nn.Sequential(nn.Linear(dim, dim), nn.Tanh())
        self.head = nn.Linear(dim, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.to(self.patch_embeddings.projection.weight.dtype)
        h = self.norm(self.encoder(self.patch_embeddings(x)))
        h = h + self.attn(h, h, h, need_weights=False)[0]
        return self.head(self.pooler(h.mean(1)))


class GPTBlock(nn.Module):
    """GPT-2's MLP with HF Conv1D layers and an activation object used twice."""

    def __init__(self, dim: int, act: nn.Module) -> None:
        super().__init__()
        self.ln = nn.LayerNorm(dim)
        self.c_fc = Conv1D(2 * dim, dim)
        self.act = act
        self.c_proj = Conv1D(dim, 2 * dim)
        self.mlp = nn.Sequential(nn.Linear(dim, dim), act, nn.Dropout(0.0), nn.Linear(dim, dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.c_proj(self.act(self.c_fc(self.ln(x))))
        return x + self.mlp(x)


class TinyGPT(nn.Module):
    """Tied input and output embeddings, a block reused twice, a shared GELU."""

    def __init__(self, vocab: int = 50, dim: int = 16) -> None:
        super().__init__()
        self.wte = nn.Embedding(vocab, dim)
        act = nn.GELU(approximate="tanh")
        self.h = nn.ModuleList([GPTBlock(dim, act), GPTBlock(dim, act)])
        self.h.append(self.h[0])  # ALBERT-style: the first block again, same weights
        self.ln_f = nn.LayerNorm(dim)
        self.lm_head = nn.Linear(dim, vocab, bias=False)
        self.lm_head.weight = self.wte.weight

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        x = self.wte(ids)
        for block in self.h:
            x = block(x)
        return self.lm_head(self.ln_f(x))


def activation_calls(model: nn.Module, *inputs: torch.Tensor) -> int:
    """How many times modules tagged `nonlinearity` run in one forward of `model`."""
    calls = []

    def count(module: nn.Module, args: object, output: object) -> None:
        if "nonlinearity" in gl.tags_of(module):
            calls.append(type(module).__name__)

    handle = nn.modules.module.register_module_forward_hook(count)
    try:
        with torch.no_grad():
            model(*inputs)
    finally:
        handle.remove()
    return len(calls)


def forward_check(*inputs: torch.Tensor):
    """A session check: a forward on `inputs` whose outputs must be finite."""

    def check(model: nn.Module) -> tuple[int, ...]:
        with torch.no_grad():
            out = model(*inputs)
        tensor = out if isinstance(out, torch.Tensor) else next(
            v for v in (out.values() if hasattr(out, "values") else out)
            if isinstance(v, torch.Tensor))
        if not torch.isfinite(tensor).all():
            raise ValueError("the output has NaN or inf values")
        return tuple(tensor.shape)

    return check


def shared_groups(model: nn.Module) -> list[list[gl.KeyPath]]:
    """Paths holding one module object, for each module found at more than one path."""
    places: dict[int, list[gl.KeyPath]] = {}
    for path, node in gl.traverse(model):
        if isinstance(node, nn.Module):
            places.setdefault(id(node), []).append(path)
    return [paths for paths in places.values() if len(paths) > 1]
