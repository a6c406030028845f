"""`%glove` never overwrites a reassigned variable, never shows a raw error (items 2 and 6)."""

from __future__ import annotations

import pytest
from IPython.core.error import UsageError

from glove_lab.notebook import sessions_of
from tests.notebook.models import small_net
from tests.notebook.test_magics import glove
from tests.notebook.test_widget import front_end_event
from tests.safety import test_widget_faults  # noqa: F401 - registers safety.exits


def test_apply_after_the_variable_was_reassigned_starts_a_new_session_and_keeps_it(shell, capsys):
    glove(shell, "show net")
    other = small_net(2)
    shell.run_cell("net = other")  # the user's cell; `other` is what net holds now
    assert shell.user_ns["net"] is shell.user_ns["other"]
    other = shell.user_ns["other"]
    glove(shell, "apply nbtest.widen --at blocks[0].conv")
    out = capsys.readouterr().out
    assert "net was reassigned in a cell: started a new session on its new value" in out
    # the new session started from `other`, and rebound net to other's patched tree
    assert sessions_of(shell)["net"].base is other
    assert shell.user_ns["net"].blocks[0].conv.channels == 16
    assert len(shell.user_ns["net"].blocks) == 2


def test_a_click_in_the_old_widget_never_overwrites_the_reassigned_variable(shell):
    widget = glove(shell, "show net")
    widget.send = lambda content, buffers=None: None
    shell.run_cell("net = other")
    other = shell.user_ns["other"]
    assert "net was reassigned in a cell; this view no longer writes to it" in widget.status
    assert widget.title.endswith("(detached)")
    front_end_event(widget, event="apply", rule="nbtest.widen", scope="everywhere")
    assert widget.session.can_undo  # the view still works on its own tree...
    assert shell.user_ns["net"] is other  # ...and `other` is not lost
    assert "no longer writes" in widget.status


def test_a_deleted_variable_is_not_recreated_by_the_widget(shell):
    widget = glove(shell, "show net")
    shell.run_cell("del net")
    front_end_event(widget, event="apply", rule="nbtest.widen", scope="everywhere")
    assert "net" not in shell.user_ns


def test_writes_continue_while_the_variable_still_holds_the_sessions_tree(shell):
    widget = glove(shell, "show net")
    widget.send = lambda content, buffers=None: None
    shell.run_cell("x = 1")
    front_end_event(widget, event="apply", rule="nbtest.widen", scope="everywhere")
    front_end_event(widget, event="apply", rule="nbtest.widen", scope="everywhere")
    assert shell.user_ns["net"] is widget.session.tree
    glove(shell, "undo")
    assert shell.user_ns["net"] is widget.session.tree and widget.session.can_redo


def test_a_rule_raising_system_exit_in_apply_is_one_paragraph(shell):
    glove(shell, "show net")
    before = shell.user_ns["net"]
    with pytest.raises(UsageError, match=r"safety.exits.*SystemExit\(2\)"):
        glove(shell, "apply safety.exits")
    assert shell.user_ns["net"] is before


def test_export_into_a_missing_folder_is_a_usage_error(shell, tmp_path):
    glove(shell, "show net")
    with pytest.raises(UsageError, match="does not exist"):
        glove(shell, f"export --file {tmp_path}/nowhere/patch.py")
    with pytest.raises(UsageError, match="does not exist"):
        glove(shell, f"export --notebook {tmp_path}/nowhere/patch.ipynb")


@pytest.mark.parametrize("budget", ["0", "-3", "many"])
def test_a_bad_budget_is_a_usage_error_not_a_graphviz_hint(shell, budget):
    with pytest.raises(UsageError, match=r"budget|whole number") as raised:
        glove(shell, f"show net --budget {budget}")
    assert "graphviz" not in str(raised.value)
