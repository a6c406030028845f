"""Every demo notebook runs top to bottom in a real kernel (nbclient); its cells assert."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

DEMOS = Path(__file__).resolve().parents[2] / "demos"
NOTEBOOKS = sorted(DEMOS.glob("*.ipynb"))


def test_the_demos_folder_has_the_quick_start():
    assert (DEMOS / "01_quickstart.ipynb") in NOTEBOOKS


def test_the_transformers_exchange_study_is_among_the_demos():
    assert (DEMOS / "05_transformers_exchange.ipynb") in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_demo_runs_top_to_bottom(path, tmp_path):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(DEMOS)}})
    client.execute()
    errors = [out for cell in notebook.cells if cell.cell_type == "code"
              for out in cell.get("outputs", []) if out.get("output_type") == "error"]
    assert errors == []
    if path.stem == "05_transformers_exchange":
        printed = "".join(out.get("text", "") for cell in notebook.cells
                          if cell.cell_type == "code" for out in cell.get("outputs", []))
        assert len(re.findall(r"^headline reduction: -?\d+%$", printed, re.M)) == 1
    # Widgets were created and their state saved, as in a real front end.
    if "%glove show" in "".join(c.source for c in notebook.cells):
        assert "application/vnd.jupyter.widget-state+json" in notebook.metadata.get("widgets", {})
    # A variant run in a kernel shows a progress bar, saved full (every row arrived).
    if "gl.run_variants(" in "".join(c.source for c in notebook.cells):
        state = notebook.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]
        bars = [model["state"] for model in state["state"].values()
                if model["model_name"] == "IntProgressModel"]
        assert bars and all(bar["value"] == bar["max"] > 0 for bar in bars)
    nbformat.write(notebook, tmp_path / path.name)
