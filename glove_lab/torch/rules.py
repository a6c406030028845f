"""Ready rules for PyTorch models, registered under `torch.*` by `import glove_lab.torch`.

Each rule works on any model built from standard `torch.nn` layers, with no
annotation: it matches layers by type or tag and returns new layers on the
same device and dtype, in the same train/eval mode. Untouched modules stay
the same objects.

    model = gl.apply(model, "torch.bn_to_gn", groups=8)
    model = gl.apply(model, "torch.swap_activation?to=silu")
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeVar, cast

from torch import nn

from glove_lab.errors import RuleError
from glove_lab.patching import Match, RuleContext, Verdict, extra_behaviour, rule
from glove_lab.torch._layers import layer_spec
from glove_lab.torch._reads import missing_reads
from glove_lab.torch._residual import Residual
from glove_lab.torch._trainable import (
    changing_parameters,
    fresh_parameter,
    selector,
    with_parameters,
)
from glove_lab.tree import KeyPath, children_of, get, tag_origin, tags_of

__all__ = [
    "ACTIVATIONS", "add_dropout", "bn_to_gn", "depthwise_separable", "freeze", "preserves_shape",
    "residual", "set_linear_width", "swap_activation", "unfreeze",
]

Activation = Literal["relu", "gelu", "gelu_tanh", "silu", "mish", "tanh", "sigmoid",
                     "leaky_relu", "elu", "selu", "celu", "hardswish", "relu6", "softplus"]

ACTIVATIONS: dict[str, Any] = {
    "relu": nn.ReLU,
    "gelu": nn.GELU,
    "gelu_tanh": lambda: nn.GELU(approximate="tanh"),
    "silu": nn.SiLU,
    "mish": nn.Mish,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "leaky_relu": nn.LeakyReLU,
    "elu": nn.ELU,
    "selu": nn.SELU,
    "celu": nn.CELU,
    "hardswish": nn.Hardswish,
    "relu6": nn.ReLU6,
    "softplus": nn.Softplus,
}

# Nonlinearities that work along an axis or change the shape: not swappable elementwise.
_AXIS_NONLINEARITIES = (nn.Softmax, nn.Softmin, nn.LogSoftmax, nn.Softmax2d, nn.GLU)
_BATCH_NORMS = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d, nn.SyncBatchNorm)

ModuleT = TypeVar("ModuleT", bound=nn.Module)


def _elementwise(node: Any) -> bool:
    # A torch module: a Fiddle config of nn.ReLU carries the same tag but is not one.
    return isinstance(node, nn.Module) and not isinstance(node, _AXIS_NONLINEARITIES)


class LayerMatch(Match):
    """Standard layers a built-in rule replaces, and only where the replacement fits.

    Subclasses with extra behaviour (timm's `BatchNormAct2d`, ConvNeXt's
    channels-first `LayerNorm2d`) are left alone and reported (`subclasses=
    "plain"`), and so is a place whose ancestors read an attribute of the
    layer the replacement lacks (`ViTModel` reads `...projection.weight.dtype`),
    and, for a rule that replaces the layer rather than wrapping it (`wraps`),
    a layer with hooks registered on it (they would not run any more).
    """

    def __init__(self, *, replacement: Callable[[], nn.Module], tag: str | None = None,
                 type: Any = None, where: Callable[[Any], bool] | None = None,
                 subclasses: Any = "plain", wraps: bool = False) -> None:
        super().__init__(tag=tag, type=type, where=where, subclasses=subclasses)
        self._make = replacement
        self._prototype: nn.Module | None = None
        self._wraps = wraps

    def decide(self, tree: Any, path: KeyPath, node: Any) -> Verdict:
        verdict = super().decide(tree, path, node)
        if verdict is not True:
            return verdict
        if not self._wraps:
            hooks = _hook_count(node)
            if hooks:
                return (f"{hooks} hook{'s' if hooks != 1 else ''} registered on it would not "
                        "run on the replacement")
        if tree is None or not path:
            return verdict
        return missing_reads(tree, path, self._has, type(self._replacement()).__name__) or True

    def _replacement(self) -> nn.Module:
        if self._prototype is None:
            self._prototype = self._make()
        return self._prototype

    def _has(self, attribute: str) -> bool:
        return hasattr(self._replacement(), attribute)


def _hook_count(module: nn.Module) -> int:
    """Forward and backward hooks registered on this module object (not global ones)."""
    return sum(len(getattr(module, name, None) or ()) for name in (
        "_forward_hooks", "_forward_pre_hooks", "_backward_hooks", "_backward_pre_hooks"))


@rule("torch.bn_to_gn", on=LayerMatch(type=_BATCH_NORMS, replacement=lambda: nn.GroupNorm(1, 1)))
def bn_to_gn(node: nn.modules.batchnorm._BatchNorm, groups: int = 32) -> nn.GroupNorm:
    """Replace a BatchNorm by a GroupNorm of at most `groups` groups that divide its channels.

    The BatchNorm's affine scale and shift are copied, so a trained model
    starts from its learnt per-channel affine transform.
    """
    if groups < 1:
        raise RuleError(f"groups must be at least 1, got {groups}")
    channels = node.num_features
    count = max(g for g in range(1, min(groups, channels) + 1) if channels % g == 0)
    norm = nn.GroupNorm(count, channels, eps=node.eps, affine=node.affine)
    if node.affine and node.weight is not None and not _lazy(node.weight):
        norm.weight.data.copy_(node.weight.data)
        if node.bias is not None:
            norm.bias.data.copy_(node.bias.data)
    return _like(norm, node)


@rule("torch.swap_activation",
      on=LayerMatch(tag="nonlinearity", where=_elementwise, replacement=nn.Module))
def swap_activation(node: nn.Module, to: Activation = "gelu") -> nn.Module:
    """Replace an elementwise activation (ReLU, GELU, SiLU, ...) by another one."""
    make = ACTIVATIONS.get(to)
    if make is None:
        raise RuleError(f"unknown activation {to!r}; choose one of {', '.join(ACTIVATIONS)}")
    new = make()
    if type(new) is type(node) and repr(new) == repr(node):
        return node  # already that activation: leave the module (and its identity) alone
    return _like(new, node)


@rule("torch.depthwise_separable",
      on=LayerMatch(type=nn.Conv2d, where=lambda c: c.groups == 1 and max(c.kernel_size) > 1,
                    replacement=nn.Sequential))
def depthwise_separable(node: nn.Conv2d) -> nn.Sequential:
    """Split a full KxK convolution into a depthwise KxK and a pointwise 1x1 convolution.

    The output shape is unchanged; the parameter count drops from
    `in*out*K*K` to about `in*K*K + in*out`.
    """
    # `_ConvNd` types its sizes as tuples of any length; a Conv2d's are pairs.
    kernel_size = cast("tuple[int, int]", node.kernel_size)
    stride = cast("tuple[int, int]", node.stride)
    padding = cast("str | tuple[int, int]", node.padding)
    dilation = cast("tuple[int, int]", node.dilation)
    depthwise = nn.Conv2d(node.in_channels, node.in_channels, kernel_size,
                          stride=stride, padding=padding, dilation=dilation,
                          groups=node.in_channels, bias=False, padding_mode=node.padding_mode)
    pointwise = nn.Conv2d(node.in_channels, node.out_channels, 1, bias=node.bias is not None)
    return _like(nn.Sequential(depthwise, pointwise), node)


@rule("torch.add_dropout",
      on=LayerMatch(tag="nonlinearity", where=_elementwise, replacement=nn.Sequential,
                    wraps=True))
def add_dropout(node: nn.Module, p: float = 0.1) -> nn.Sequential:
    """Follow an activation by dropout: it becomes `Sequential(activation, Dropout(p))`."""
    if not 0.0 <= p < 1.0:
        raise RuleError(f"the dropout probability p must be in [0, 1), got {p}")
    return _like(nn.Sequential(node, nn.Dropout(p)), node)


def preserves_shape(module: Any) -> bool:
    """True if `module` visibly maps inputs to outputs of the same shape and has weights.

    Decided from the layers' hyperparameters alone (no forward pass):
    convolutions and linears whose output width equals their input width,
    stride 1 and "same" padding, through norms, activations and dropout, in
    Sequentials of them. Modules whose shape behaviour is not known from
    their type (user classes) are not claimed.
    """
    signature = _shape_signature(module)
    return (signature is not None and signature[3] and signature[2]
            and signature[0] is not None and signature[0] == signature[1])


class _ShapePreservingBlock(LayerMatch):
    """Modules `preserves_shape` accepts, except the internals of a layer (MHA's out_proj)."""

    def __init__(self) -> None:
        super().__init__(type=nn.Module, subclasses=True, wraps=True,
                         where=lambda m: not isinstance(m, Residual) and preserves_shape(m),
                         replacement=lambda: Residual(nn.Identity()))

    def decide(self, tree: Any, path: KeyPath, node: Any) -> Verdict:
        if not isinstance(node, nn.Module) or (
                path and tree is not None and _is_layer(get(tree, path.parent))):
            return False
        return super().decide(tree, path, node)

    def __repr__(self) -> str:
        return "Match(shape-preserving block with weights)"


def _is_layer(module: Any) -> bool:
    # A layer with a LayerSpec (MultiheadAttention) may read its submodules' weights directly.
    return isinstance(module, nn.Module) and not isinstance(module, Residual) and (
        layer_spec(type(module)) is not None)

@rule("torch.residual", on=_ShapePreservingBlock())
def residual(node: nn.Module) -> Residual:
    """Wrap a block whose output shape equals its input's in a skip connection: `x + block(x)`."""
    return _like(Residual(node), node)


class _LinearFollowedByLinear(Match):
    """Linear layers that another Linear follows later in the same Sequential."""

    def __init__(self) -> None:
        super().__init__(type=nn.Linear, subclasses="plain")

    def decide(self, tree: Any, path: KeyPath, node: Any) -> Verdict:
        verdict = super().decide(tree, path, node)
        if verdict is not True:
            return verdict
        return bool(path) and tree is not None and (
            _following_layers(tree, path, node)[1] is not None)

    def __repr__(self) -> str:
        return "Match(type=Linear, followed by a Linear in the same Sequential)"


@rule("torch.set_linear_width", on=_LinearFollowedByLinear())
def set_linear_width(node: nn.Linear, width: int, context: RuleContext) -> nn.Linear:
    """Set a hidden width: this Linear's out_features and the next Linear's in_features.

    The next Linear is the following one in the same Sequential; norms over
    the width between them (BatchNorm1d, LayerNorm, ...) are resized too,
    activations and dropout are kept. Applied everywhere, it sets every
    hidden width of every MLP. Resized layers get fresh weights.
    """
    if width < 1:
        raise RuleError(f"width must be at least 1, got {width}")
    current = context.get(context.path)
    between, following = _following_layers(context.tree, context.path, node)
    if following is None:
        raise RuleError(
            "no Linear follows this one in the same Sequential, so changing its width would "
            "break the model; select a hidden layer"
        )
    context.replace(context.path, _resized_linear(current, out_features=width))
    for path in between:
        context.replace(path, _resized_norm(context.get(path), width))
    next_path = following[0]
    context.replace(next_path, _resized_linear(context.get(next_path), in_features=width))
    return node


@rule("torch.freeze", on=Match(type=nn.Module))
def freeze(node: nn.Module, context: RuleContext, tag: str = "", type: str = "") -> nn.Module:
    """Stop training the parameters below this module (of those with `tag` / class `type`).

    The patched model gets its own Parameter objects (same storage, no copy)
    with `requires_grad=False`; the original's flags never change. Applied
    everywhere, it acts on the whole model. Tied weights stay tied.
    """
    return _set_trainable(node, context, False, tag, type)


@rule("torch.unfreeze", on=Match(type=nn.Module))
def unfreeze(node: nn.Module, context: RuleContext, tag: str = "", type: str = "") -> nn.Module:
    """Train the parameters below this module again (of those with `tag` / class `type`).

    Like `torch.freeze`, with `requires_grad=True`: new Parameter objects on
    the same storage, the original untouched.
    """
    return _set_trainable(node, context, True, tag, type)


def _set_trainable(node: nn.Module, context: RuleContext, trainable: bool, tag: str,
                   type_name: str) -> nn.Module:
    verb = "unfroze" if trainable else "froze"
    changing = changing_parameters(node, selector(tag, type_name), trainable)
    if not changing:
        context.note(f"{verb} 0 parameters (none to change)")
        return node
    replacements = {key: fresh_parameter(p, trainable) for key, p in changing.items()}
    memo: dict[int, nn.Module] = {}
    new = with_parameters(node, replacements, memo)
    # A weight tied to a module outside this one (lm_head and the embedding) changes there
    # too: one Parameter object everywhere, so the tie holds.
    stack: list[tuple[KeyPath, Any]] = [(KeyPath(), context.tree)]
    while stack:
        path, module = stack.pop()
        if module is node:
            continue  # every place of this module (it may be shared) gets the new one
        if isinstance(module, nn.Module) and any(
                id(p) in replacements for p in module._parameters.values()):
            context.replace(path, with_parameters(module, replacements, memo))
            continue  # its whole subtree is rewritten with it
        stack.extend((path.child(key), child) for key, child in children_of(module))
    count = sum(p.numel() for p in changing.values())
    context.note(f"{verb} {len(changing)} parameter tensor{'s' if len(changing) != 1 else ''}"
                 f" ({count:,} values)")
    return new


# -- helpers ---------------------------------------------------------------------------------


def _like(new: ModuleT, old: nn.Module) -> ModuleT:
    """`new` on the device and dtype of `old`'s tensors, in `old`'s train/eval mode."""
    reference = _first_float(old)
    current = _first_float(new)
    if reference is not None and current is not None and (
            current.device != reference.device or current.dtype != reference.dtype):
        new.to(device=reference.device, dtype=reference.dtype)
    if new.training != old.training:
        new.train(old.training)
    return new


def _first_float(module: nn.Module) -> Any:
    for tensors in (module.parameters(), module.buffers()):
        for tensor in tensors:
            if tensor.is_floating_point() and not _lazy(tensor):
                return tensor
    return None


def _lazy(tensor: Any) -> bool:
    return nn.parameter.is_lazy(tensor)  # an UninitializedParameter or UninitializedBuffer


def _plain(module: Any, base: type | tuple[type, ...]) -> bool:
    """True if `module` is a `base` whose class adds no behaviour to it."""
    return isinstance(module, base) and not extra_behaviour(type(module), base)


def _constructible(cls: type[ModuleT], base: type[ModuleT]) -> type[ModuleT]:
    """`cls` if it takes `base`'s constructor arguments, else `base` (a plain subclass's twin)."""
    for klass in cls.__mro__:
        if klass is base:
            return cls
        if "__init__" in klass.__dict__:
            return base
    return base


def _resized_linear(layer: nn.Linear, **sizes: int) -> nn.Linear:
    args: dict[str, Any] = {"in_features": layer.in_features,
                            "out_features": layer.out_features,
                            "bias": layer.bias is not None, **sizes}
    return _like(_constructible(type(layer), nn.Linear)(**args), layer)


def _norm_width(module: nn.Module) -> int | None:
    if _plain(module, nn.modules.batchnorm._NormBase):
        return cast(nn.modules.batchnorm._NormBase, module).num_features
    if _plain(module, nn.LayerNorm):
        shape = cast(nn.LayerNorm, module).normalized_shape
        return shape[0] if len(shape) == 1 else None
    if _plain(module, nn.GroupNorm):
        return cast(nn.GroupNorm, module).num_channels
    return None


def _resized_norm(module: nn.Module, width: int) -> nn.Module:
    if isinstance(module, nn.modules.batchnorm._NormBase):
        cls = next(base for base in type(module).__mro__
                   if base.__module__.startswith("torch.nn."))
        new: nn.Module = cls(width, eps=module.eps, momentum=module.momentum,
                             affine=module.affine,
                             track_running_stats=module.track_running_stats)
    elif isinstance(module, nn.LayerNorm):
        new = nn.LayerNorm(width, eps=module.eps, elementwise_affine=module.elementwise_affine)
    elif isinstance(module, nn.PReLU):
        new = nn.PReLU(width)
    else:  # the only other width-carrying layer `_norm_width` knows
        norm = cast(nn.GroupNorm, module)
        groups = norm.num_groups if width % norm.num_groups == 0 else 1
        new = nn.GroupNorm(groups, width, eps=norm.eps, affine=norm.affine)
    return _like(new, module)


def _passes_width(module: nn.Module) -> bool:
    if _plain(module, nn.Identity):
        return True
    tags = tags_of(module)
    if "dropout" in tags and _plain_for_tag(module, "dropout"):
        return True
    return "nonlinearity" in tags and _plain_for_tag(module, "nonlinearity") and (
        _elementwise(module) and not (isinstance(module, nn.PReLU)
                                      and module.num_parameters != 1))


def _plain_for_tag(module: nn.Module, name: str) -> bool:
    """True if `module`'s class adds no behaviour to the class that declares tag `name`."""
    origin = tag_origin(type(module), name)
    return origin is not None and not extra_behaviour(type(module), origin)


def _following_layers(tree: Any, path: KeyPath, node: nn.Linear
                      ) -> tuple[list[KeyPath], tuple[KeyPath, nn.Linear] | None]:
    """Norms to resize and the next Linear after the Linear at `path` in its Sequential."""
    if not path:
        return [], None
    parent = get(tree, path.parent)
    if not isinstance(parent, nn.Sequential):
        return [], None
    # The tree's own keys for the submodules, so `path.key` is found among them as it is.
    siblings = [(key, m) for key, m in children_of(parent) if isinstance(m, nn.Module)]
    position = [key for key, _ in siblings].index(path.key)
    between: list[KeyPath] = []
    for key, module in siblings[position + 1:]:
        child_path = path.parent.child(key)
        if isinstance(module, nn.Linear):
            return (between, (child_path, module)) if _plain(module, nn.Linear) else ([], None)
        width = _norm_width(module)
        if width is not None or (isinstance(module, nn.PReLU) and module.num_parameters > 1):
            if width is not None and width != node.out_features:
                return [], None
            between.append(child_path)
        elif not _passes_width(module):
            return [], None
    return [], None


# Shape signature: (input width, output width, keeps other dims, has weights); a width
# of None means "any" (elementwise layers).
_Signature = tuple[Any, Any, bool, bool]


def _shape_signature(module: Any) -> _Signature | None:
    if isinstance(module, Residual):
        return _shape_signature(module.block)
    if _plain(module, nn.Sequential):
        return _sequence_signature(list(module))
    if _plain(module, nn.modules.conv._ConvNd) and not module.transposed:
        same = module.padding == "same" or (
            not isinstance(module.padding, str) and all(s == 1 for s in module.stride) and all(
                2 * p == d * (k - 1) for p, d, k in
                zip(module.padding, module.dilation, module.kernel_size)))
        return (module.in_channels, module.out_channels, same, True)
    if _plain(module, nn.Linear):
        return (module.in_features, module.out_features, True, True)
    width = _norm_width(module)
    if width is not None:
        return (width, width, True, False)
    if _plain(module, nn.LayerNorm) or (isinstance(module, nn.Module)
                                        and _passes_width(module)):
        return (None, None, True, False)
    return None


def _sequence_signature(modules: list[Any]) -> _Signature | None:
    first: Any = None
    width: Any = None
    keeps = True
    weighted = False
    for module in modules:
        signature = _shape_signature(module)
        if signature is None:
            return None
        given, produced, same, has_weights = signature
        if given is not None:
            if width is not None and given != width:
                return None
            if first is None and width is None:
                first = given
        if produced is not None:
            width = produced
        keeps = keeps and same
        weighted = weighted or has_weights
    return (first, width, keeps, weighted)
