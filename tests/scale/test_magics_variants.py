"""`%glove variants` lists variants and result tables through a real IPython shell."""

from __future__ import annotations

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell

import glove_lab as gl
from tests.scale.recipes import fail_on_shouting

RECIPE = "tests.scale.recipes:config"
SPACE = {"double": "fixtures.double_ints", "shout": "fixtures.shout"}


@pytest.fixture
def shell():
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "glove_lab")
    yield shell
    for name in ("made", "rows", "number"):
        shell.user_ns.pop(name, None)


def glove(shell, line):
    return shell.run_line_magic("glove", line)


def test_variants_lists_the_latest_variants_with_their_status(shell, capsys):
    with pytest.warns(UserWarning):
        gl.variants(RECIPE, {**SPACE, "rename": "scale_test.rename"})
    glove(shell, "variants")
    out = capsys.readouterr().out
    assert out.startswith("8 variants of tests.scale.recipes:config, 2 invalid")
    assert "double+shout" in out and "ok, 2 steps" in out
    assert "invalid: step 3 (scale_test.rename) after fixtures.double_ints, fixtures.shout" in out


def test_variants_lists_a_run_table_held_by_a_variable(shell, capsys):
    shell.user_ns["rows"] = gl.run_variants(gl.variants(RECIPE, SPACE), fail_on_shouting,
                                            progress=False)
    gl.variants(RECIPE, {"double": "fixtures.double_ints"})  # later, but VAR is named
    glove(shell, "variants rows")
    out = capsys.readouterr().out
    assert out.startswith("4 variants, 2 errors")
    assert "error: fn raised RuntimeError: cannot evaluate 'base!'" in out


def test_variants_code_prints_the_code_of_one_variant(shell, capsys):
    shell.user_ns["made"] = gl.variants(RECIPE, SPACE)
    glove(shell, "variants made --code double+shout")
    out = capsys.readouterr().out
    assert out.startswith("# variant 'double+shout' of tests.scale.recipes:config\n"
                          "from tests.scale.recipes import config\n\nmodel = config()\n")
    assert "model = gl.apply(model, 'fixtures.shout')" in out


@pytest.mark.parametrize(("line", "message"), [
    ("variants nowhere", "there is no variable 'nowhere'"),
    ("variants number", "holds a int, not variants"),
    ("variants made --code nothing", "no variant named 'nothing'"),
])
def test_variants_mistakes_are_usage_errors(shell, line, message):
    shell.user_ns["made"] = gl.variants(RECIPE, SPACE)
    shell.user_ns["number"] = 3
    with pytest.raises(UsageError, match=message):
        glove(shell, line)


def test_variants_before_any_says_how_to_make_them(shell, monkeypatch):
    from glove_lab.scale import _variants

    monkeypatch.setattr(_variants, "_latest", [None])
    with pytest.raises(UsageError, match=r"no variants yet: make them with gl.variants"):
        glove(shell, "variants")
