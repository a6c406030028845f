"""A marimo notebook showing a glove_lab widget (run by tests/e2e/test_marimo.py)."""

import marimo

app = marimo.App(width="full")


@app.cell
def _():
    import marimo as mo
    from e2e_models import small_net

    import glove_lab as gl
    from glove_lab.notebook import GloveAnyWidget

    session = gl.Session(small_net(), name="net")
    view = mo.ui.anywidget(GloveAnyWidget(session))
    read = mo.ui.button(label="read the patched model")
    mo.vstack([view, read])
    return mo, read, session, view


@app.cell
def _(mo, read, session):
    read.value  # noqa: B018 - marimo re-runs this cell when the button is clicked
    mo.md(f"CHANNELS {session.tree.blocks[1].conv.channels} STEPS {len(session.history)}")
    return


if __name__ == "__main__":
    app.run()
