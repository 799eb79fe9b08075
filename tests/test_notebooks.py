"""The notebooks run top to bottom at a small path count."""

import pytest

from .conftest import REPO

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")


@pytest.mark.parametrize("name", ["quick_start", "consolidation_options"])
def test_notebook_executes(name, monkeypatch):
    monkeypatch.setenv("FISCALSIM_NOTEBOOK_PATHS", "30")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(REPO / "notebooks" / f"{name}.ipynb", as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(REPO / "notebooks")}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    text = "".join(str(o.get("data", {}).get("text/plain", "")) + str(o.get("text", ""))
                   for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    expected = "china_government_default" if name == "quick_start" else "paired_diff_median_years"
    assert expected in text
