"""The notebooks are stored with their outputs (charts included) and run top to bottom at a small
path count; they draw with the notebook's own (inline) backend."""

import os

import pytest

from .conftest import REPO

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
NAMES = ["quick_start", "consolidation_options"]


def _images(nb) -> int:
    return sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_stored_with_outputs_and_charts(name):
    nb = nbformat.read(REPO / "notebooks" / f"{name}.ipynb", as_version=4)
    assert all(c.execution_count for c in nb.cells if c.cell_type == "code"), "run scripts/make_notebooks.py"
    assert _images(nb) >= 2
    assert not any("matplotlib.use" in c.source for c in nb.cells)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_executes(name, monkeypatch):
    monkeypatch.setenv("FISCALSIM_NOTEBOOK_PATHS", "30")
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the notebook chooses its inline backend
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    nb = nbformat.read(REPO / "notebooks" / f"{name}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(REPO / "notebooks")}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    assert _images(nb) >= 2, "figures must show in the notebook"
    text = "".join(str(o.get("data", {}).get("text/plain", "")) + str(o.get("text", ""))
                   for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    expected = "restructuring- or default-class" if name == "quick_start" else "paired_diff_median_years"
    assert expected in text
