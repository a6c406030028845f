"""torch.nn.Module as a node kind: children, persistent rebuild, code and JSON.

A module's children are its reconstructed constructor arguments (for layers
with a `LayerSpec`), then its named submodules. Rebuilding a module with new
submodules makes a shallow copy with its own `_modules`, `_parameters` and
`_buffers` dicts, so the original is untouched and every tensor is shared;
rebuilding it with new hyperparameters constructs a new layer, which keeps
the old parameters and buffers whose shapes still fit.
"""

from __future__ import annotations

import inspect
import warnings
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from glove_lab.errors import GloveError
from glove_lab.torch._layers import REQUIRED, LayerSpec, layer_spec
from glove_lab.tree import (
    NodeKind,
    eq,
    register_kind,
    register_resolver,
    register_type,
    registered_kind,
    signature_hints,
)

__all__ = ["module_kind", "shallow_copy"]

_INDEXED = (nn.Sequential, nn.ModuleList)
_CONTAINERS = (nn.Sequential, nn.ModuleList, nn.ModuleDict)


def module_kind(cls: type) -> NodeKind:
    """The node kind of instances of the module class `cls` (not symbolized)."""
    spec = layer_spec(cls)
    container = next((c for c in _CONTAINERS if issubclass(cls, c)), None)
    if spec is not None:
        return _layer_kind(cls, spec)
    if container is not None:
        return _container_kind(cls, container)
    return NodeKind(
        cls,
        _submodule_children,
        _rebuild_fields,
        # A class that takes no arguments has none to be unknown.
        label=None if _takes_no_arguments(cls)
        else (lambda node: f"{type(node).__name__} (args unknown)"),
        subclasses=False,
        identity=True,
    )


def _takes_no_arguments(cls: type) -> bool:
    base: type[Any]  # a class, whose `__init__` is read unbound
    for base in cls.__mro__:
        if base is nn.Module:
            return True  # nn.Module's own __init__(*args, **kwargs) takes nothing real
        if "__init__" in base.__dict__:
            try:
                parameters = list(inspect.signature(base.__init__).parameters)
            except (TypeError, ValueError):
                return False
            return parameters == ["self"]
    return False


def shallow_copy(module: nn.Module) -> nn.Module:
    """A new module sharing every tensor and submodule with `module`, but none of its dicts.

    The copy's `_modules`, `_parameters`, `_buffers`, hook dicts and any other
    dict, list or set attribute are copies, so setting a submodule, a
    parameter or a hook on the copy never touches the original.
    """
    cls = type(module)
    new = object.__new__(cls) if cls.__new__ is object.__new__ else cls.__new__(cls)
    state = vars(new)
    for key, value in vars(module).items():
        copy = _CONTAINER_COPY.get(type(value))
        state[key] = value if copy is None else copy(value)
    return new


# -- the three flavours of module kinds ------------------------------------------------------


def _layer_kind(cls: type, spec: LayerSpec) -> NodeKind:
    readers = spec.readers
    shown = tuple(name for name in spec.params if name not in spec.derived)
    name_of_class = cls.__name__

    def arguments(node: nn.Module) -> list[tuple[Any, Any]] | None:
        """The shown arguments, or None when a patched submodule hides one (args unknown)."""
        modules = node._modules
        try:
            return [(name, readers[name](node)) for name in shown if name not in modules]
        except Exception:  # e.g. `linear1` replaced by a module without `out_features`
            return None

    def children(node: nn.Module) -> list[tuple[Any, Any]]:
        items = arguments(node) or []
        items.extend((name, m) for name, m in node._modules.items() if m is not None)
        return items

    def rebuild(node: nn.Module, kids: dict) -> nn.Module:
        read = arguments(node)
        if read is None:
            return _rebuild_fields(node, kids)
        if any(name in kids and not _same(kids[name], value) for name, value in read):
            return _recreate(node, spec, kids)
        old = {name for name, _ in read}
        return _rebuild_fields(node, {k: v for k, v in kids.items() if k not in old})

    def create(cls: type, kids: dict) -> nn.Module:
        args = _arguments(spec, cls, kids)
        new = cls(**args)
        # Submodules the constructor built are replaced by the given ones (patches kept).
        for key, value in kids.items():
            name = str(key)
            if _built(spec, args, name, value):
                if name not in new._modules:
                    raise GloveError(f"{cls.__name__} has no submodule {name!r} to set")
                new._modules[name] = value
        return new

    def call_args(cls: type, kids: dict) -> tuple[tuple, dict]:
        args = _arguments(spec, cls, kids)
        _verify_built(spec, cls, kids, args)
        return (), {name: _short_form(spec, name, value) for name, value in args.items()
                    if not spec.is_default(name, value)}

    found: list[dict[str, Any]] = []

    def hints(node: nn.Module) -> dict[str, Any]:
        # The constructor's hints of the recorded arguments (evaluated on first use); a
        # torch alias the checker does not understand, or a value stored in another form
        # than its hint says (LayerNorm's tuple `normalized_shape`), takes any value.
        if not found:
            every = signature_hints(cls)
            found.append({name: every[name] for name in shown if name in every})
        modules = node._modules  # a name held by a submodule is that child, not the argument
        return {name: hint for name, hint in found[0].items() if name not in modules}

    return NodeKind(cls, children, rebuild, create=create, call_args=call_args,
                    subclasses=False, identity=True, hints=hints,
                    label=lambda node: name_of_class if arguments(node) is not None
                    else f"{name_of_class} (args unknown)",
                    hyper=lambda node: tuple(n for n in shown if n not in node._modules))


def _arguments(spec: LayerSpec, cls: type, kids: dict) -> dict[str, Any]:
    """The constructor arguments from a layer's children; a clear error if some are missing."""
    try:
        args = spec.arguments(kids)
    except Exception as exc:
        raise GloveError(f"cannot read the arguments of {cls.__name__} back from its children "
                         f"({type(exc).__name__}: {exc}): a submodule they are read from was "
                         "replaced") from exc
    missing = [name for name in spec.params
               if name not in args and spec.defaults.get(name) is REQUIRED]
    if missing:
        raise GloveError(f"cannot write {cls.__name__} with its arguments: "
                         f"{', '.join(missing)} cannot be read back (a submodule they are read "
                         "from was replaced)")
    return args


def _built(spec: LayerSpec, args: dict[str, Any], name: str, value: Any) -> bool:
    """True for a submodule child the constructor builds itself (not one passed to it)."""
    return isinstance(value, nn.Module) and (name not in args or name in spec.derived)


def _verify_built(spec: LayerSpec, cls: type, kids: dict, args: dict[str, Any]) -> None:
    """Refuse code for a layer whose built submodules differ from what its arguments build.

    Code writes only the constructor call, so a patched submodule of a composite
    layer (`TransformerEncoderLayer.norm1` made an RMSNorm) would be lost without
    a word. The constructor runs on the meta device: no memory, no weights.
    """
    built = [str(k) for k, v in kids.items() if _built(spec, args, str(k), v)]
    if not built:
        return
    try:
        with warnings.catch_warnings(), torch.device("meta"):
            warnings.simplefilter("ignore")
            fresh = cls(**args)
    except Exception as exc:
        raise GloveError(f"cannot write {cls.__name__} as code: its constructor fails on the "
                         f"arguments read back ({type(exc).__name__}: {exc})") from exc
    for name in built:
        if not eq(fresh._modules.get(name), kids[name]):
            raise GloveError(
                f"cannot write {cls.__name__} as code: its submodule {name!r} "
                f"({type(kids[name]).__name__}) differs from what {cls.__name__}(...) builds "
                "from its arguments (it was patched), and code holds only the constructor call; "
                "export the session instead (its steps replay the patch)")


def _container_kind(cls: type, container: type) -> NodeKind:
    indexed = container in _INDEXED
    children = _indexed_children if indexed else _submodule_children
    constructible = not any(
        "__init__" in base.__dict__ for base in cls.__mro__[: cls.__mro__.index(container)])
    create: Callable[[type, dict], Any] | None = None
    call_args: Callable[[type, dict], tuple[tuple, dict]] | None = None
    if constructible:
        call_args = _CONTAINER_CALL_ARGS[container]

        def create(cls: type, kids: dict) -> nn.Module:
            args, kwargs = call_args(cls, kids)
            return cls(*args, **kwargs)

    return NodeKind(cls, children, _rebuild_container, create=create, call_args=call_args,
                    subclasses=False, identity=True,
                    label=None if constructible
                    else (lambda node: f"{type(node).__name__} (args unknown)"))


def _sequential_args(cls: type, kids: dict) -> tuple[tuple, dict]:
    if all(type(k) is int for k in kids):
        return tuple(kids.values()), {}
    return (OrderedDict((str(k), v) for k, v in kids.items()),), {}


_CONTAINER_CALL_ARGS: dict[type, Callable[[type, dict], tuple[tuple, dict]]] = {
    nn.Sequential: _sequential_args,
    nn.ModuleList: lambda cls, kids: ((list(kids.values()),), {}),
    nn.ModuleDict: lambda cls, kids: ((dict(kids),), {}),
}


# -- children ------------------------------------------------------------------------------


def _submodule_children(node: nn.Module) -> list[tuple[Any, Any]]:
    return [(name, m) for name, m in node._modules.items() if m is not None]


def _indexed_children(node: nn.Module) -> list[tuple[Any, Any]]:
    return [(_index_key(name), m) for name, m in node._modules.items() if m is not None]


def _index_key(name: str) -> Any:
    return int(name) if name.isdigit() and str(int(name)) == name else name


# -- rebuilding ------------------------------------------------------------------------------


def _rebuild_fields(node: nn.Module, kids: dict) -> nn.Module:
    """A shallow copy of a module with attribute-named submodules set from `kids`."""
    new = shallow_copy(node)
    modules = new._modules
    for key, value in kids.items():
        name = str(key)
        if modules.get(name) is not value:
            modules[name] = _checked(node, key, value)
    removed = [name for name, m in node._modules.items() if m is not None and name not in kids]
    if removed:
        raise GloveError(
            f"cannot remove the submodule {removed[0]!r} of {type(node).__name__}: its forward "
            "may still use it. Replace it with torch.nn.Identity() instead."
        )
    return new


def _rebuild_container(node: nn.Module, kids: dict) -> nn.Module:
    """A shallow copy of a Sequential, ModuleList or ModuleDict holding `kids`, in their order.

    Integer keys are renumbered by position, so a removed or inserted
    element gives a container of the new length.
    """
    new = shallow_copy(node)
    renumber = all(type(k) is int for k in kids)
    modules = new._modules
    modules.clear()
    for i, (key, value) in enumerate(kids.items()):
        modules[str(i) if renumber else str(key)] = _checked(node, key, value)
    return new


def _recreate(node: nn.Module, spec: LayerSpec, kids: dict) -> nn.Module:
    """A new layer built from changed hyperparameters, keeping what still fits.

    Its own parameters and buffers are kept where their shapes fit. A submodule
    it builds itself (MultiheadAttention's `out_proj`, a transformer layer's
    `linear1`) stays the same object, weights and all, when the new arguments
    build an equal one, and keeps an earlier patch when they do not touch it;
    a patched submodule the new arguments would rebuild is refused, not lost.
    """
    cls = type(node)
    kwargs = _arguments(spec, cls, kids)
    new = cls(**kwargs)
    reference = next((t for t in _tensors(node) if t.is_floating_point()), None)
    if reference is not None and (reference.device, reference.dtype) != (
            torch.device("cpu"), torch.get_default_dtype()):
        new.to(device=reference.device, dtype=reference.dtype)
    new.train(node.training)  # before the kept submodules go in: they keep their own flags
    built_before: list[nn.Module | None] = []  # what the old arguments build, made on demand
    for key, value in kids.items():
        name = str(key)
        if name not in node._modules or (name in kwargs and name not in spec.derived):
            continue  # not a submodule, or one passed to the constructor
        old = node._modules[name]
        if value is not old or name not in new._modules:
            new._modules[name] = _checked(node, key, value)  # changed by this very edit
            continue
        fresh = new._modules[name]
        if old is None or fresh is None or eq(fresh, old):
            new._modules[name] = old  # the same module: same object, weights kept
            continue
        if not built_before:
            built_before.append(_build_on_meta(cls, _arguments(
                spec, cls, {**node._modules, **spec.read(node)})))
        before = built_before[0]._modules.get(name) if built_before[0] is not None else None
        if before is None or eq(fresh, before):
            new._modules[name] = old  # the new arguments do not touch it: its patch stays
        elif not eq(old, before):
            raise GloveError(
                f"cannot change the arguments of {cls.__name__}: its submodule {name!r} was "
                f"patched ({type(old).__name__}) and the new arguments would build it anew. "
                "Change the arguments first, then patch the submodule")
    # setattr, not the dicts: RNNs keep a list of their flat weights in sync.
    for store in ("_parameters", "_buffers"):
        old_store = getattr(node, store)
        for name, tensor in list(getattr(new, store).items()):
            old_tensor = old_store.get(name)
            if old_tensor is not None and tensor is not None and _fits(old_tensor, tensor):
                setattr(new, name, old_tensor)
    return new


def _build_on_meta(cls: type, args: dict[str, Any]) -> nn.Module | None:
    """`cls(**args)` on the meta device (no memory), or None if it cannot be built."""
    try:
        with warnings.catch_warnings(), torch.device("meta"):
            warnings.simplefilter("ignore")
            module: nn.Module = cls(**args)
    except Exception:
        return None
    return module


def _checked(node: nn.Module, key: Any, value: Any) -> Any:
    if value is None or isinstance(value, nn.Module):
        return value
    raise GloveError(
        f"cannot set the submodule {key!r} of {type(node).__name__} to a "
        f"{type(value).__name__}: torch modules hold only nn.Module children (or None)"
    )


def _fits(old: torch.Tensor, new: torch.Tensor) -> bool:
    try:
        return old.shape == new.shape and old.dtype == new.dtype
    except Exception:  # uninitialized (lazy) parameters have no shape
        return False


def _tensors(module: nn.Module) -> list[torch.Tensor]:
    return [t for t in (*module._parameters.values(), *module._buffers.values())
            if t is not None]


def _short_form(spec: LayerSpec, name: str, value: Any) -> Any:
    """`3` for `kernel_size=(3, 3)` when the constructor expands `3` to that same tuple."""
    if name in spec.expands and type(value) is tuple and value and all(
            type(v) is type(value[0]) and v == value[0] for v in value):
        return value[0]
    return value


def _same(a: Any, b: Any) -> bool:
    return a is b or (type(a) is type(b) and eq(a, b))


_CONTAINER_COPY: dict[type, Callable[[Any], Any]] = {
    dict: dict, OrderedDict: OrderedDict, list: list, set: set,
}


# -- registration ----------------------------------------------------------------------------


def _resolve_module(cls: type) -> NodeKind | None:
    if not issubclass(cls, nn.Module):
        return None
    # A kind registered for one of the class's bases wins (the MRO walk finds it): the
    # user's own, or another adapter's for a family the class also belongs to (a PyGlove
    # `pg.symbolize(nn.Linear)` lists `pg.Object` after `nn.Module`).
    for base in cls.__mro__[1:-1]:
        registered = registered_kind(base)
        if registered is not None and registered.subclasses:
            return None
    return module_kind(cls)


def _register() -> None:
    register_resolver(_resolve_module, identity=True)
    for cls in _CONTAINERS:
        register_type(cls, f"torch.nn.{cls.__name__}")
    if registered_kind(OrderedDict) is None:
        # Code for a Sequential with named entries needs `OrderedDict([...])`.
        register_kind(
            OrderedDict,
            lambda node: node.items(),
            lambda node, kids: OrderedDict(kids),
            create=lambda cls, kids: OrderedDict(kids),
            call_args=lambda cls, kids: ((list(kids.items()),), {}),
            subclasses=False,
        )
        register_type(OrderedDict, "collections.OrderedDict")


_register()
