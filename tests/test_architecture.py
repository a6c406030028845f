"""The package's shape: layer arrows point down, and no package reaches into another's privates."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "glove_lab"

# What each layer (or adapter) may import from glove_lab, besides itself and the
# top-level modules every layer shares (errors, _version). DESIGN.md's arrows.
SHARED = {"errors", "_version"}
ALLOWED = {
    "tree": set(),
    "patching": {"tree"},
    "drawing": {"tree"},
    "session": {"patching", "tree"},
    "notebook": {"scale", "session", "patching", "drawing", "tree"},
    # Variants at scale (gl.variants / gl.run_variants). Named `scale`, not `variants`:
    # importing a subpackage binds its name on glove_lab, which would shadow gl.variants.
    "scale": {"session", "patching", "tree"},
    # Adapters register kinds, tags and rules through the public API.
    "torch": {"tree", "patching"},
    "hf": {"tree", "patching", "torch"},
    "pyglove": {"tree", "patching"},
    "fiddle": {"tree", "patching"},
}


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if "_labextension" in relative.parts:
            continue
        owner = relative.parts[0] if len(relative.parts) > 1 else relative.stem
        yield owner, path


def _imports(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Each glove_lab import in the file as (line, dotted parts after `glove_lab`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "glove_lab":
                    yield node.lineno, parts[1:]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            parts = node.module.split(".")
            if parts[0] != "glove_lab":
                continue
            for alias in node.names:
                # `from glove_lab.tree import _kinds` imports the module `glove_lab.tree._kinds`.
                yield node.lineno, [*parts[1:], alias.name]


def _violations() -> Iterator[str]:
    for owner, path in _modules():
        where = path.relative_to(PACKAGE.parent)
        for line, parts in _imports(path):
            if not parts or parts[0] == owner:
                continue
            target = parts[0]
            if any(part.startswith("_") and not part.startswith("__") for part in parts[1:]):
                yield f"{where}:{line} reaches into a private name glove_lab.{'.'.join(parts)}"
            if owner in ALLOWED and target not in ALLOWED[owner] | SHARED:
                yield f"{where}:{line} imports glove_lab.{target} against the layer arrows"


def test_no_package_imports_another_packages_private_modules_or_breaks_the_layers():
    assert list(_violations()) == []


@pytest.mark.parametrize("owner", sorted({owner for owner, _ in _modules()} - SHARED
                                         - {"__init__", "errors"}))
def test_every_subpackage_has_a_place_in_the_layer_table(owner):
    assert owner in ALLOWED, f"add glove_lab.{owner} to ALLOWED with the layers it may import"


def test_the_checker_sees_a_private_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from glove_lab.tree import _kinds\nimport glove_lab.patching._apply\n")
    found = [parts for _, parts in _imports(sample)]
    assert found == [["tree", "_kinds"], ["patching", "_apply"]]


def test_no_module_shares_a_name_with_a_function_of_the_api():
    """`gl.rules` and `gl.render` are functions; the layers are patching and drawing."""
    import importlib

    import glove_lab as gl

    for name in gl.__all__:
        value = getattr(gl, name)
        assert not (PACKAGE / name).is_dir() or not callable(value) or isinstance(value, type), (
            f"glove_lab/{name}/ is a package and gl.{name} a function")
    assert callable(gl.rules) and callable(gl.render)
    # The old import paths still reach the packages, and never rebind the functions.
    assert importlib.import_module("glove_lab.rules") is importlib.import_module(
        "glove_lab.patching")
    assert importlib.import_module("glove_lab.render") is importlib.import_module(
        "glove_lab.drawing")
    from glove_lab.rules import Match  # noqa: F401 - the old spelling works

    assert callable(gl.rules) and callable(gl.render) and not hasattr(gl.rules, "__path__")
