"""Generated documentation pages match the code that generates them."""

import importlib.util

from .conftest import REPO


def _pages():
    spec = importlib.util.spec_from_file_location("make_docs", REPO / "scripts" / "make_docs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.pages()


def test_generated_pages_are_current():
    for name, text in _pages().items():
        assert (REPO / "docs" / name).read_text(encoding="utf-8") == text, f"docs/{name} is stale: run scripts/make_docs.py"


def test_backtest_states_the_errors_it_measures():
    from fiscalsim.demography.backtest import run_backtest

    table, setup = run_backtest()
    assert set(table.variant) == {"none", "province", "in_sample"}
    # Independent check of the comparison column against the published census totals.
    census_total = table[table.age_group == "total"].census_2020.unique()
    assert census_total.tolist() == [891_271]
    # The TFR implied by the 2010 birth rate (7.78 per mille) lies near the national level.
    assert 1.0 < setup.tfr_2010 < 1.4


def test_site_builds_strict(tmp_path):
    """The docs site (mkdocs-material, API reference from docstrings, notebooks with their charts)
    builds with --strict: no broken link, no missing reference."""
    import subprocess
    import sys

    import pytest

    pytest.importorskip("mkdocs", reason='pip install -e ".[docs]" (.ci/run installs it)')
    pytest.importorskip("mkdocstrings_handlers.python")
    pytest.importorskip("mkdocs_jupyter")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                          cwd=REPO, capture_output=True, text=True, timeout=300, env=_env())
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    api = (tmp_path / "site" / "api" / "index.html").read_text(encoding="utf-8")
    assert 'id="fiscalsim.run"' in api and "Run a scenario" in api
    notebook = (tmp_path / "site" / "notebooks" / "quick_start" / "index.html").read_text(encoding="utf-8")
    assert notebook.count("data:image/png") >= 2  # the stored charts


def _env():
    import os

    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(REPO)}
