"""Every test starts from the same registries: what one test registers never leaks into another.

Rules, node kinds, resolvers, tags and type names are process-wide registries.
A test that registers a rule or tags a class inside its body would otherwise
change what later tests match, list and export (e.g. an export importing a
module that only another test tagged from). Registrations made at import time
(fixture modules, adapters) are part of the snapshot and stay.
"""

from __future__ import annotations

import copy
import importlib
from collections.abc import Iterator
from typing import Any

import pytest

# (module, attribute, how to copy) of every process-wide registry glove_lab keeps.
_REGISTRIES = [
    ("glove_lab.patching._registry", "_RULES", copy.copy),
    ("glove_lab.patching._registry", "_SOURCES", copy.copy),
    ("glove_lab.tree._kinds", "_EXACT", copy.copy),
    ("glove_lab.tree._kinds", "_BY_BASE", copy.copy),
    ("glove_lab.tree._kinds", "_RESOLVERS", copy.copy),
    ("glove_lab.tree._tags", "_TAGS", lambda d: {k: set(v) for k, v in d.items()}),
    ("glove_lab.tree._tags", "_TAGGED_BY", lambda d: {k: set(v) for k, v in d.items()}),
    ("glove_lab.tree._tags", "_ORIGINS", lambda d: {k: set(v) for k, v in d.items()}),
    ("glove_lab.tree._naming", "_BY_NAME", copy.copy),
    ("glove_lab.tree._naming", "_NAME_OF", copy.copy),
    ("glove_lab.torch._layers", "_SPECS", copy.copy),
    ("glove_lab.tree._notes", "_NOTES", copy.copy),
]
# Caches derived from the registries: emptied when a registry is restored.
_CACHES = [("glove_lab.tree._kinds", "_RESOLVED"), ("glove_lab.tree._tags", "_CACHE")]


def _loaded(module_name: str) -> Any:
    import sys

    return sys.modules.get(module_name)


def _snapshot() -> list[tuple[Any, str, Any]]:
    saved = []
    for module_name, attribute, copier in _REGISTRIES:
        module = _loaded(module_name)
        if module is not None and hasattr(module, attribute):
            saved.append((module, attribute, copier(getattr(module, attribute))))
    return saved


def _restore(saved: list[tuple[Any, str, Any]]) -> None:
    for module, attribute, value in saved:
        registry = getattr(module, attribute)
        if registry == value:
            continue
        registry.clear()  # in place: other modules hold a reference to the same object
        if isinstance(registry, list):
            registry.extend(value)
        else:
            registry.update(value)
        for cache_module, cache in _CACHES:
            loaded = _loaded(cache_module)
            if loaded is not None and hasattr(loaded, cache):
                getattr(loaded, cache).clear()


# The adapters register kinds, tags and rules when first imported. Imported inside a test,
# those registrations would be rolled back with the test's own, and lost for good (the
# module stays imported): e.g. `glove_lab.torch`'s "dropout" tag on nn.Dropout, which the
# README relies on, vanished after any test that was first to import the adapter.
_ADAPTERS = ("glove_lab.torch", "glove_lab.torch.rules", "glove_lab.hf", "glove_lab.pyglove",
             "glove_lab.fiddle", "glove_lab.scale")


@pytest.fixture(autouse=True)
def _isolated_registries() -> Iterator[None]:
    # The built-in rules and kinds, the adapters' registrations and the rules installed
    # packages publish (loaded once, lazily), are in every snapshot.
    for name in _ADAPTERS:
        importlib.import_module(name)
    importlib.import_module("glove_lab.patching._registry").load_entry_points()
    saved = _snapshot()
    yield
    _restore(saved)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium through Playwright, one per test run (Playwright's sync
    API allows one at a time): for the browser end-to-end tests and the front end's units."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS,
                                              headless=True)
        try:
            yield chromium
        finally:
            chromium.close()
