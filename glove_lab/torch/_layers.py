"""Constructor arguments of torch.nn layers, read back from live instances.

A torch layer does not remember how it was called, but its attributes almost
always do: `Conv2d.kernel_size`, `Linear.out_features`. A `LayerSpec` lists a
class's constructor parameters and how to read each one from an instance, so
the tree can show them as hyperparameters, rules can edit them, and code and
JSON can rebuild the layer. Standard layers come registered and tagged.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from torch import nn

from glove_lab.tree import invalidate_kinds, register_type, tag

__all__ = ["LayerSpec", "register_layer", "layer_spec", "layer_args", "REQUIRED"]

Reader = Callable[[nn.Module], Any]


class _Required:
    """Marks a constructor parameter without a default."""

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()
_SKIPPED = frozenset({"self", "device", "dtype"})


@dataclasses.dataclass(frozen=True)
class LayerSpec:
    """How one layer class's constructor arguments are read back from an instance.

    `params` are the constructor's keyword parameters in signature order,
    `defaults` their defaults (`REQUIRED` when there is none) and `readers`
    how to read each one from an instance (by default the same-named
    attribute). A parameter whose value is a submodule (`Residual(block)`)
    is read from the module's children instead, not listed as a hyperparameter.
    `expands` names the parameters the constructor turns from one number
    into a tuple (`Conv2d(kernel_size=3).kernel_size == (3, 3)`), which code
    writes back as the number. `derived` computes a parameter from the
    module's children instead of showing it as one (`TransformerEncoder`'s
    `encoder_layer` is its `layers[0]`, `num_layers` their count): such a
    parameter is no hyperparameter row, only an argument for code and JSON.
    """

    cls: type
    params: tuple[str, ...]
    defaults: Mapping[str, Any]
    readers: Mapping[str, Reader]
    expands: frozenset[str] = frozenset()
    derived: Mapping[str, Callable[[Mapping[str, Any]], Any]] = dataclasses.field(
        default_factory=dict)

    def read(self, module: nn.Module) -> dict[str, Any]:
        """The constructor arguments of `module` shown as its children, in signature order.

        Leaves out the arguments that are submodules (they are children as they
        are) and the derived ones. Raises whatever a reader raises (a replaced
        submodule may lack the attribute it reads).
        """
        submodules = module._modules
        derived = self.derived
        return {name: self.readers[name](module) for name in self.params
                if name not in submodules and name not in derived}

    def arguments(self, children: Mapping[str, Any]) -> dict[str, Any]:
        """The constructor's keyword arguments, from a module's children (derived ones too)."""
        derived = self.derived
        return {name: derived[name](children) if name in derived else children[name]
                for name in self.params if name in derived or name in children}

    def is_default(self, name: str, value: Any) -> bool:
        """True if `value` is what the constructor uses when `name` is not given."""
        default = self.defaults.get(name, REQUIRED)
        if default is REQUIRED:
            return False
        if value is default:
            return True
        if type(value) is tuple and type(default) is not tuple:
            # Conv2d stores stride=1 as (1, 1).
            return all(_same_value(v, default) for v in value)
        return _same_value(value, default)


def register_layer(
    cls: type,
    params: Iterable[str] | None = None,
    *,
    readers: Mapping[str, Reader] | None = None,
    defaults: Mapping[str, Any] | None = None,
    skip: Iterable[str] = (),
    expands: Iterable[str] = (),
    derived: Mapping[str, Callable[[Mapping[str, Any]], Any]] | None = None,
    name: str | None = None,
) -> LayerSpec:
    """Declare how to read the constructor arguments of a layer class from its instances.

    Its instances then show their arguments as hyperparameters and can be
    rebuilt, written as code and saved as JSON. Subclasses that do not define
    their own `__init__` share the spec.

    Args:
        cls: an `nn.Module` subclass.
        params: constructor parameters to record (default: the signature's,
            without `device`, `dtype`, `*args`, `**kwargs` and `skip`).
        readers: `{param: fn(module) -> value}` for arguments not stored
            under their own name (default: `getattr(module, param)`).
        defaults: defaults to use instead of (or missing from) the signature.
        skip: signature parameters not to record.
        expands: parameters the constructor expands from a number to a tuple
            of equal numbers (code writes such a tuple as the number).
        derived: `{param: fn(children) -> value}` for arguments that are not
            children but follow from them (`num_layers=len(children["layers"])`).
            Code and JSON pass them to the constructor; they are no rows.
        name: the `module.Name` JSON knows the class by (default: for
            classes exported by `torch.nn`, `torch.nn.Name`).

    Returns:
        The registered LayerSpec.
    """
    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        raise TypeError(f"register_layer expects an nn.Module subclass, got {cls!r}")
    signature_defaults = _signature_defaults(cls)
    skipped = _SKIPPED | set(skip)
    names = tuple(params) if params is not None else tuple(
        n for n in signature_defaults if n not in skipped)
    merged = {n: signature_defaults.get(n, REQUIRED) for n in names}
    merged.update(defaults or {})
    given = dict(readers or {})
    computed = dict(derived or {})
    unknown = (set(given) | set(computed)) - set(names)
    if unknown:
        raise TypeError(f"readers for {sorted(unknown)} name no parameter of {cls.__name__}")
    spec = LayerSpec(
        cls,
        names,
        merged,
        {n: given.get(n) or _attribute_reader(n) for n in names},
        frozenset(expands),
        computed,
    )
    _SPECS[cls] = spec
    register_type(cls, name or _default_name(cls))
    invalidate_kinds()  # node kinds are cached per class
    return spec


def layer_spec(cls: type) -> LayerSpec | None:
    """The LayerSpec of `cls`: its own, or that of the base it inherits `__init__` from."""
    for base in cls.__mro__:
        spec = _SPECS.get(base)
        if spec is not None:
            return spec
        if "__init__" in base.__dict__:
            return None
    return None


def layer_args(module: nn.Module) -> dict[str, Any] | None:
    """The reconstructed constructor arguments of a layer, or None if its class has no spec."""
    spec = layer_spec(type(module))
    if spec is None:
        return None
    return spec.arguments({**module._modules, **spec.read(module)})


# -- reading helpers -------------------------------------------------------------------------


_SPECS: dict[type, LayerSpec] = {}


def _signature_defaults(cls: type[Any]) -> dict[str, Any]:
    try:
        signature = inspect.signature(cls.__init__)
    except (TypeError, ValueError):
        return {}
    result: dict[str, Any] = {}
    for p in list(signature.parameters.values())[1:]:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        result[p.name] = REQUIRED if p.default is p.empty else p.default
    return result


def _attribute_reader(name: str) -> Reader:
    def read(module: nn.Module) -> Any:
        return getattr(module, name)

    read.__name__ = f"read_{name}"
    return read


def _same_value(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    try:
        return bool(a == b)
    except Exception:
        return False


def _default_name(cls: type) -> str:
    if getattr(nn, cls.__name__, None) is cls:
        return f"torch.nn.{cls.__name__}"
    return f"{cls.__module__}.{cls.__qualname__}"


def _has_bias(module: nn.Module) -> bool:
    return module.bias is not None


def _norm_bias(affine: str) -> Reader:
    # Without affine parameters there is no bias either way; report the default.
    def read(module: nn.Module) -> bool:
        return module.bias is not None if getattr(module, affine) else True

    return read


def _pool_stride(module: nn.Module) -> Any:
    stride = module.stride
    return None if stride is None or stride == module.kernel_size else stride


def _optional_dim(name: str) -> Reader:
    def read(module: nn.Module) -> Any:
        value = getattr(module, name)
        return None if value == module.embed_dim else value

    return read


# -- the standard layers ---------------------------------------------------------------------


def _existing(*names: str) -> list[type]:
    return [getattr(nn, n) for n in names if hasattr(nn, n)]


def _register_standard_layers() -> None:
    with_bias = {"bias": _has_bias}
    for cls in _existing("Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d",
                         "ConvTranspose3d"):
        register_layer(cls, readers=with_bias, expands=_CONV_TUPLES)
    for cls in _existing("Linear", "Bilinear", "LazyLinear"):
        register_layer(cls, readers=with_bias)
    from torch.nn.modules.linear import NonDynamicallyQuantizableLinear

    register_layer(NonDynamicallyQuantizableLinear, readers=with_bias)
    register_layer(nn.Identity, ())
    for cls in _existing("BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm",
                         "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "GroupNorm"):
        readers = {"bias": _norm_bias("affine")} if "bias" in _signature_defaults(cls) else {}
        register_layer(cls, readers=readers)
    register_layer(nn.LayerNorm, readers={"bias": _norm_bias("elementwise_affine")}
                   if "bias" in _signature_defaults(nn.LayerNorm) else {})
    for cls in _existing("RMSNorm", "LocalResponseNorm", "Dropout", "Dropout1d", "Dropout2d",
                         "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"):
        register_layer(cls)
    for cls in _existing(*_NONLINEARITIES):
        register_layer(cls, () if not _signature_defaults(cls) else None)
    register_layer(nn.Hardtanh, skip=("min_value", "max_value"))
    for cls in _existing("MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d",
                         "AvgPool3d", "LPPool1d", "LPPool2d", "LPPool3d"):
        register_layer(cls, readers={"stride": _pool_stride})
    for cls in _existing("AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d",
                         "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d",
                         "Flatten", "Unflatten", "Upsample", "UpsamplingNearest2d",
                         "UpsamplingBilinear2d", "PixelShuffle", "PixelUnshuffle",
                         "ChannelShuffle", "CosineSimilarity", "LSTMCell", "GRUCell", "RNNCell"):
        register_layer(cls)
    for cls in _existing("ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ConstantPad1d", "ConstantPad2d",
                         "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d",
                         "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
                         "ReplicationPad3d", "CircularPad1d", "CircularPad2d", "CircularPad3d"):
        register_layer(cls, expands=("padding",))
    register_layer(nn.PairwiseDistance, readers={"p": lambda m: m.norm})
    register_layer(nn.Embedding, skip=("_weight", "_freeze"))
    register_layer(nn.EmbeddingBag, skip=("_weight",))
    register_layer(nn.MultiheadAttention, readers={
        "bias": lambda m: m.in_proj_bias is not None,
        "add_bias_kv": lambda m: m.bias_k is not None,
        "kdim": _optional_dim("kdim"),
        "vdim": _optional_dim("vdim"),
    })
    _register_transformers()
    rnn = {"input_size": REQUIRED, "hidden_size": REQUIRED, "num_layers": 1, "bias": True,
           "batch_first": False, "dropout": 0.0, "bidirectional": False}
    register_layer(nn.GRU, tuple(rnn), defaults=rnn)
    register_layer(nn.LSTM, (*rnn, "proj_size"), defaults={**rnn, "proj_size": 0})
    register_layer(nn.RNN, (*rnn, "nonlinearity"), defaults={**rnn, "nonlinearity": "tanh"})


def _activation(layer: nn.Module) -> Any:
    """A transformer layer's `activation` argument: "relu"/"gelu" for torch's functions."""
    import torch.nn.functional as F

    activation = layer.activation
    if activation is F.relu:
        return "relu"
    if activation is F.gelu:
        return "gelu"
    if isinstance(activation, nn.Module):  # only the layer's own submodule may be one
        raise TypeError("the activation is a module of another layer")
    return activation


def _register_transformers() -> None:
    """nn.TransformerEncoderLayer/DecoderLayer, TransformerEncoder/Decoder and Transformer.

    Their arguments are read from the submodules they build (`d_model` from
    `self_attn.embed_dim`, `dim_feedforward` from `linear1.out_features`);
    `dropout` shares its name with the layer's `dropout` submodule, so it is
    derived from it rather than shown as a row.
    """
    layer = {
        "d_model": lambda m: m.self_attn.embed_dim,
        "nhead": lambda m: m.self_attn.num_heads,
        "dim_feedforward": lambda m: m.linear1.out_features,
        "activation": _activation,
        "layer_norm_eps": lambda m: m.norm1.eps,
        "batch_first": lambda m: m.self_attn.batch_first,
        "bias": lambda m: m.linear1.bias is not None,
    }
    from_dropout = {"dropout": lambda kids: kids["dropout"].p}
    for cls in (nn.TransformerEncoderLayer, nn.TransformerDecoderLayer):
        register_layer(cls, readers=layer, defaults={"activation": "relu"},
                       derived=from_dropout)
    # The constructor clones `encoder_layer` `num_layers` times: both follow from `layers`.
    stack = {"num_layers": lambda kids: len(kids["layers"])}
    register_layer(nn.TransformerEncoder,
                   params=("encoder_layer", "num_layers", "norm", "enable_nested_tensor",
                           "mask_check"),
                   derived={"encoder_layer": lambda kids: kids["layers"][0], **stack})
    register_layer(nn.TransformerDecoder, params=("decoder_layer", "num_layers", "norm"),
                   derived={"decoder_layer": lambda kids: kids["layers"][0], **stack})

    def first(m: Any) -> Any:  # the first encoder layer (Any: torch types submodules loosely)
        return m.encoder.layers[0]

    def encoder(m: Any) -> Any:
        return m.encoder

    def decoder(m: Any) -> Any:
        return m.decoder

    register_layer(nn.Transformer, defaults={"activation": "relu"}, params=(
        "d_model", "nhead", "num_encoder_layers", "num_decoder_layers", "dim_feedforward",
        "dropout", "activation", "layer_norm_eps", "batch_first", "norm_first", "bias"),
        readers={
            "num_encoder_layers": lambda m: len(encoder(m).layers),
            "num_decoder_layers": lambda m: len(decoder(m).layers),
            "dim_feedforward": lambda m: first(m).linear1.out_features,
            "dropout": lambda m: first(m).dropout.p,
            "activation": lambda m: _activation(first(m)),
            "layer_norm_eps": lambda m: encoder(m).norm.eps,
            "norm_first": lambda m: first(m).norm_first,
            "bias": lambda m: first(m).linear1.bias is not None,
        })


_CONV_TUPLES = ("kernel_size", "stride", "padding", "dilation", "output_padding")

_NONLINEARITIES = (
    "ReLU", "ReLU6", "LeakyReLU", "PReLU", "RReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish",
    "Sigmoid", "Tanh", "Softmax", "Softmin", "Softmax2d", "LogSoftmax", "Hardswish",
    "Hardsigmoid", "Hardshrink", "Softshrink", "Softplus", "Softsign", "Tanhshrink", "Threshold",
    "GLU", "LogSigmoid",
)

_TAGS: dict[str, tuple[Any, ...]] = {
    "convolution": (nn.modules.conv._ConvNd,),
    "dense": (nn.Linear, nn.Bilinear),
    "normalization": (nn.modules.batchnorm._NormBase, nn.LayerNorm, nn.GroupNorm,
                      nn.LocalResponseNorm, *_existing("RMSNorm")),
    "nonlinearity": (*_existing(*_NONLINEARITIES), nn.Hardtanh),
    "dropout": (nn.modules.dropout._DropoutNd,),
    "attention": (nn.MultiheadAttention,),
    "pooling": (nn.modules.pooling._MaxPoolNd, nn.modules.pooling._AvgPoolNd,
                nn.modules.pooling._AdaptiveAvgPoolNd, nn.modules.pooling._AdaptiveMaxPoolNd,
                nn.modules.pooling._LPPoolNd, nn.modules.pooling._MaxUnpoolNd,
                *_existing("FractionalMaxPool2d", "FractionalMaxPool3d")),
    "embedding": (nn.Embedding, nn.EmbeddingBag),
    "recurrent": (nn.modules.rnn.RNNBase, nn.modules.rnn.RNNCellBase),
}


def _tag_standard_layers() -> None:
    for name, classes in _TAGS.items():
        for cls in classes:
            tag(cls, name)


_register_standard_layers()
_tag_standard_layers()
