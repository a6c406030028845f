"""`%glove` magics through a real IPython InteractiveShell."""

from __future__ import annotations

import json

import nbformat
import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell

import glove_lab as gl
from glove_lab.notebook import GloveWidget, PlainGloveWidget, sessions_of
from tests.notebook.models import small_net


@pytest.fixture
def shell():
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "glove_lab")
    shell.user_ns["net"] = small_net()
    shell.user_ns["other"] = small_net(2)
    yield shell
    shell.user_ns.pop("net", None)
    shell.user_ns.pop("other", None)
    sessions_of(shell).clear()
    shell._glove_state["current"] = None


def glove(shell, line):
    return shell.run_line_magic("glove", line)


def test_show_opens_a_widget_on_the_variable(shell):
    widget = glove(shell, "show net")
    assert isinstance(widget, GloveWidget | PlainGloveWidget)
    assert widget.session.tree is shell.user_ns["net"]


def test_show_plain_opens_the_fallback_widget(shell):
    assert isinstance(glove(shell, "show net --plain"), PlainGloveWidget)


def test_apply_rebinds_the_variable_to_the_new_tree(shell):
    original = shell.user_ns["net"]
    glove(shell, "show net")
    glove(shell, "apply nbtest.widen?factor=4 --at blocks[0].conv")
    assert shell.user_ns["net"].blocks[0].conv.channels == 32
    assert shell.user_ns["net"].blocks[1] is original.blocks[1]


def test_undo_and_redo_rebind_the_variable(shell):
    original = shell.user_ns["net"]
    glove(shell, "show net")
    glove(shell, "apply nbtest.widen")
    patched = shell.user_ns["net"]
    glove(shell, "undo")
    assert shell.user_ns["net"] is original
    glove(shell, "redo")
    assert shell.user_ns["net"] is patched


def test_history_and_diff_print_the_steps_and_changes(shell, capsys):
    glove(shell, "show net")
    glove(shell, "apply nbtest.swap_act?to=silu --at blocks[1].act")
    capsys.readouterr()
    glove(shell, "history")
    glove(shell, "diff")
    out = capsys.readouterr().out
    assert "1. nbtest.swap_act(to='silu') at blocks[1].act" in out
    assert "~ blocks[1].act.kind: 'relu' -> 'silu'" in out


def test_rules_for_a_path_lists_matching_rules(shell, capsys):
    glove(shell, "show net")
    capsys.readouterr()
    glove(shell, "rules --for blocks[0].conv")
    out = capsys.readouterr().out
    assert "nbtest.widen(factor=2)" in out and "nbtest.swap_act" not in out


def test_export_to_a_file_reproduces_the_tree(shell, tmp_path):
    glove(shell, "show net")
    glove(shell, "apply nbtest.widen")
    target = tmp_path / "patch.py"
    glove(shell, f"export --file {target}")
    namespace = {"net": small_net()}
    exec(target.read_text(), namespace)
    assert gl.eq(namespace["net"], shell.user_ns["net"])


def test_export_to_a_notebook_writes_a_valid_notebook(shell, tmp_path):
    glove(shell, "show net")
    glove(shell, "apply nbtest.widen")
    target = tmp_path / "patch.ipynb"
    glove(shell, f"export --notebook {target}")
    notebook = nbformat.read(target, as_version=4)
    nbformat.validate(notebook)
    assert "nbtest.widen" in notebook.cells[1].source


def test_export_cell_queues_a_new_cell_below(shell):
    # A kernel turns set_next_input into a "new cell below" payload; the plain
    # shell keeps it as the next input. The browser test checks the real cell.
    glove(shell, "show net")
    glove(shell, "apply nbtest.widen")
    glove(shell, "export --cell")
    assert "net = gl.apply(net, 'nbtest.widen')" in shell.rl_next_input


def test_on_acts_on_another_variables_session(shell):
    glove(shell, "show net")
    glove(shell, "show other")
    glove(shell, "apply nbtest.widen --on net")
    assert shell.user_ns["net"].blocks[0].conv.channels == 16
    assert shell.user_ns["other"].blocks[0].conv.channels == 8


@pytest.mark.parametrize("line, message", [
    ("show nothing_here", "no variable 'nothing_here'"),
    ("apply no.such_rule", "'no.such_rule' is not registered"),
    ("apply nbtest.widen --at blocks[7]", "'blocks[7]' does not exist"),
    ("apply nbtest.widen?factor=x", "parameter 'factor' must be an integer"),
    ("frobnicate", "unknown subcommand 'frobnicate'"),
    ("apply", "the following arguments are required: uri"),
])
def test_user_mistakes_print_one_paragraph_not_a_traceback(shell, capsys, line, message):
    glove(shell, "show net")
    before = shell.user_ns["net"]
    capsys.readouterr()
    result = shell.run_cell(f"%glove {line}")  # as a notebook cell runs it
    captured = capsys.readouterr()
    assert message in captured.err
    assert "Traceback" not in captured.err + captured.out
    assert isinstance(result.error_in_exec, UsageError)  # the cell fails: Run All stops
    assert shell.user_ns["net"] is before


def test_commands_without_a_session_say_how_to_start(shell, capsys):
    shell.run_cell("%glove undo")
    assert "run %glove show VAR first" in capsys.readouterr().err


@pytest.mark.parametrize("line", ["--help", "apply --help", "export --help", "show -h"])
def test_help_is_printed_for_every_level(shell, capsys, line):
    glove(shell, line)
    out = capsys.readouterr().out
    assert "usage" in out.lower() or "%glove SUBCOMMAND" in out


def test_session_log_of_a_magic_session_loads_back(shell, tmp_path):
    glove(shell, "show net")
    glove(shell, "apply nbtest.widen?factor=3")
    session = sessions_of(shell)["net"]
    session.save(tmp_path / "log.json")
    assert json.loads((tmp_path / "log.json").read_text())["steps"][0]["rule"] == "nbtest.widen"
    assert gl.eq(gl.Session.load(tmp_path / "log.json", small_net()).tree, session.tree)


def test_glove_is_registered_as_ipython_magics_with_one_parser_per_subcommand(shell):
    from IPython.core.magic_arguments import MagicArgumentParser

    from glove_lab.notebook import GloveMagics

    registered = shell.magics_manager.registry["GloveMagics"]
    assert isinstance(registered, GloveMagics)
    assert shell.magics_manager.magics["line"]["glove"].__self__ is registered
    assert all(isinstance(p, MagicArgumentParser) for p in registered.parsers.values())


@pytest.mark.parametrize("line, needed", [("show", "var"), ("apply", "uri"),
                                          ("apply --at blocks[0]", "uri")])
def test_a_missing_argument_is_a_usage_error_with_the_usage_line(shell, line, needed):
    with pytest.raises(UsageError) as caught:
        glove(shell, line)
    message = str(caught.value)
    assert f"required: {needed}" in message and "usage: %glove" in message
    assert shell.user_ns["net"] is not None and not sessions_of(shell)


def test_running_the_exported_cell_where_it_was_inserted_gives_the_session_tree(shell):
    glove(shell, "show net")
    glove(shell, "apply nbtest.widen")
    glove(shell, "export --cell")
    patched = shell.user_ns["net"]
    for _ in range(2):  # run the inserted cell, then run it again
        result = shell.run_cell(shell.rl_next_input)
        assert result.success
        assert shell.user_ns["net"] is patched
    assert sessions_of(shell)["net"].tree is patched


def test_a_step_that_cannot_be_exported_warns_in_the_widget(shell):
    widget = glove(shell, "show net")

    @gl.symbolize
    class Scaled:  # local: no import can name it
        def __init__(self, inner, factor=2.0):
            pass

    widget.controller.select(["blocks[0].conv"])
    assert widget.controller.apply("glove.replace", {"value": Scaled(1)})
    assert "this step cannot be exported" in widget.controller.status
    assert "'blocks[0].conv'" in widget.controller.status


def test_apply_dry_run_prints_what_would_change_and_changes_nothing(shell, capsys):
    original = shell.user_ns["net"]
    glove(shell, "show net")
    glove(shell, "apply nbtest.widen?factor=4 --dry-run")
    assert capsys.readouterr().out.strip() == (
        "net: would change 3 nodes: blocks[0].conv.channels, blocks[1].conv.channels, "
        "blocks[2].conv.channels")
    assert shell.user_ns["net"] is original
    assert sessions_of(shell)["net"].history == []


def test_apply_dry_run_of_a_failing_rule_is_a_usage_error_and_changes_nothing(shell):
    original = shell.user_ns["net"]
    glove(shell, "show net")
    with pytest.raises(UsageError, match=r"glove: .*does not match the node at 'blocks'"):
        glove(shell, "apply nbtest.widen --at blocks --dry-run")
    assert shell.user_ns["net"] is original
    assert sessions_of(shell)["net"].history == []
