"""Which front end draws the widget, and the ES-module flavour of it (anywidget's contract)."""

from __future__ import annotations

import sys
import types

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell

import glove_lab as gl
from glove_lab.notebook import GloveAnyWidget, GloveWidget, PlainGloveWidget, sessions_of
from glove_lab.notebook._anywidget import BUNDLE
from glove_lab.notebook._hosts import choose_front_end, host_name
from tests.notebook.models import small_net


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("GLOVE_LAB_PLAIN", "GLOVE_LAB_FRONTEND", "VSCODE_PID", "VSCODE_CWD"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_bundle_is_one_es_module_with_a_default_export_and_its_css():
    code = (BUNDLE / "glove.js").read_text(encoding="utf-8")
    assert "export" in code and "default" in code
    assert "import " not in code.split("\n", 1)[0]  # bundled: no imports left to resolve
    assert ".glove-widget" in (BUNDLE / "glove.css").read_text(encoding="utf-8")


def test_the_anywidget_flavour_syncs_the_bundle_and_the_same_state():
    widget = GloveAnyWidget(gl.Session(small_net(), name="net"))
    try:
        state = widget.get_state()
        assert state["_model_module"] == "anywidget"
        assert state["_esm"] == (BUNDLE / "glove.js").read_text(encoding="utf-8")
        assert "<svg" in state["svg"] and state["palette"]
        assert isinstance(widget, GloveWidget)  # same traits, messages and controller
        widget._handle_message(widget, {"event": "apply", "rule": "nbtest.widen",
                                        "params": {}, "scope": "everywhere"}, [])
        assert [step.rule for step in widget.session.history] == ["nbtest.widen"]
        assert widget.can_undo and widget.error == ""
    finally:
        widget.close()


def test_jupyter_with_the_extension_gets_the_extension(clean_env):
    assert host_name() == "jupyter"
    assert choose_front_end() == "lab"


@pytest.mark.parametrize("variable", ["VSCODE_PID", "VSCODE_CWD"])
def test_vscode_gets_the_es_module(clean_env, variable):
    clean_env.setenv(variable, "4242")
    assert host_name() == "vscode"
    assert choose_front_end() == "anywidget"


def test_colab_gets_the_es_module(clean_env):
    google = types.ModuleType("google")
    colab = types.ModuleType("google.colab")
    clean_env.setitem(sys.modules, "google", google)
    clean_env.setitem(sys.modules, "google.colab", colab)
    assert host_name() == "colab"
    assert choose_front_end() == "anywidget"


def test_the_environment_and_an_explicit_choice_win(clean_env):
    clean_env.setenv("GLOVE_LAB_FRONTEND", "plain")
    assert choose_front_end() == "plain"
    assert choose_front_end("anywidget") == "anywidget"
    clean_env.setenv("GLOVE_LAB_FRONTEND", "nonsense")
    with pytest.raises(ValueError, match="unknown front end 'nonsense'"):
        choose_front_end()


@pytest.fixture
def shell():
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "glove_lab")
    shell.user_ns["net"] = small_net()
    yield shell
    shell.user_ns.pop("net", None)
    sessions_of(shell).clear()


@pytest.mark.parametrize("choice, kind", [("anywidget", GloveAnyWidget), ("lab", GloveWidget),
                                          ("plain", PlainGloveWidget)])
def test_show_frontend_picks_the_widget(shell, clean_env, choice, kind):
    widget = shell.run_line_magic("glove", f"show net --frontend {choice}")
    try:
        assert isinstance(widget, kind)
        assert choice != "lab" or not isinstance(widget, GloveAnyWidget)
    finally:
        widget.close()


def test_show_with_an_unknown_frontend_is_a_usage_error(shell, clean_env):
    with pytest.raises(UsageError, match="invalid choice: 'vscode'"):
        shell.run_line_magic("glove", "show net --frontend vscode")
    assert not sessions_of(shell)


def test_the_es_module_widget_output_carries_the_static_picture_and_anywidgets_metadata():
    widget = GloveAnyWidget(gl.Session(small_net(), name="net"))
    try:
        data, metadata = widget._repr_mimebundle_()
        assert "application/vnd.jupyter.widget-view+json" in data
        assert data["image/svg+xml"] == widget.svg and "<svg" in widget.svg
        assert data["text/plain"] == "glove_lab widget: net"
        assert isinstance(metadata, dict)
    finally:
        widget.close()
