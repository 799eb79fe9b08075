"""Write the notebooks in notebooks/ and execute them, so they are stored with their outputs
(their source lives here, so they stay reviewable as code).

Run from the repository root: ``python scripts/make_notebooks.py`` (the kernel must import this
checkout's fiscalsim: ``pip install -e .``, or set PYTHONPATH). The tests execute them again with
FISCALSIM_NOTEBOOK_PATHS set to a small number; the docs site renders the stored outputs.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

OUT = Path(__file__).resolve().parents[1] / "notebooks"

SETUP = """%matplotlib inline
import os
import fiscalsim
PATHS = int(os.environ.get("FISCALSIM_NOTEBOOK_PATHS", "500"))"""

QUICK_START = [
    new_markdown_cell("# fiscalsim quick start: Hegang's baseline\n\n"
                      "Run the bundled, calibrated Hegang 2020 baseline and read its results: when the city "
                      "first hits a restructuring or default trigger, how sure we are, and what drives it."),
    new_code_cell(SETUP),
    new_markdown_cell("## Run\nA bundled scenario is named (`fiscalsim.bundled_scenarios()` lists them); paths and "
                      "seed default to the scenario's. Money comes in 亿元, ratios in percent."),
    new_code_cell("res = fiscalsim.run('baseline', paths=PATHS)\nres"),
    new_markdown_cell("## The headline\nThe year of the first restructuring- or default-class event, over paths. "
                      "A year that does not come by the horizon is a missing value in tables."),
    new_code_cell("print(res.headline_text)\nres.headline"),
    new_code_cell("res.plot_headline()"),
    new_markdown_cell("## Every rule\nTidy: one row per rule and measure, with its unit."),
    new_code_cell("res.summary[res.summary.measure.isin(['p_by', 'median_year'])].head(12)"),
    new_code_cell("res.plot_survival()"),
    new_markdown_cell("## Indicators against their thresholds"),
    new_code_cell("res.plot_fan('japan_real_deficit_rehabilitation')"),
    new_code_cell("q = res.quantiles\nq[(q.name == 'debt_service_due') & (q.year % 10 == 0)][['year', 'unit', 'q10', 'q50', 'q90']]"),
    new_markdown_cell("## The assumptions and their sources"),
    new_code_cell("res.assumptions.head(8)"),
]

CONSOLIDATION = [
    new_markdown_cell("# Consolidation options for Hegang\n\n"
                      "Compare the baseline with merging the six districts into two, with and without a "
                      "one-for-three hiring rule, using common random numbers: every option sees the same "
                      "shocks, so differences are paired path by path."),
    new_code_cell(SETUP),
    new_code_cell("one_for_three = ('policies.hiring={from: 2026, hires_per_retirement: {value: 0.3333333333333333, '\n"
                  "                 'unit: ratio, source: \"option: one for three\"}}')\n"
                  "runs = {\n"
                  "    'baseline': fiscalsim.run('baseline', paths=PATHS),\n"
                  "    'districts merged': fiscalsim.run('districts_merged', paths=PATHS),\n"
                  "    'merged + one for three': fiscalsim.run('districts_merged', paths=PATHS, overrides=[one_for_three]),\n"
                  "}\n"
                  "seeds = {r.seed for r in runs.values()}\n"
                  "assert len(seeds) == 1  # the scenario's seed: common random numbers"),
    new_markdown_cell("## Paired comparison on the 三保 shortfall rule"),
    new_code_cell("from fiscalsim.report.compare import comparison_table, waterfall_figure, waterfall_table\n"
                  "table = comparison_table([(n, r.raw) for n, r in runs.items()], 'china_sanbao_unfunded',\n"
                  "                         [2025, 2030, 2035, 2060])\n"
                  "table[['option', 'p_by_2035', 'median_year', 'paired_diff_median_years', 'paired_diff_q10',\n"
                  "       'paired_diff_q90', 'cumulative_fiscal_effect_median', 'money_unit', 'staff_2060']]"),
    new_markdown_cell("## Survival curves"),
    new_code_cell("from fiscalsim.report.charts import Curve, survival_chart\n"
                  "curves = [Curve(name, r.raw.first_passage[:, r.raw.rule_ids.index('china_sanbao_unfunded')],\n"
                  "                'china_sanbao_unfunded', name) for name, r in runs.items()]\n"
                  "survival_chart(curves, runs['baseline'].years, 'Paths without a 三保 shortfall yet', 'fiscalsim')"),
    new_markdown_cell("## Where the merger's money comes from in 2040"),
    new_code_cell("wf = waterfall_table(runs['baseline'].raw, runs['districts merged'].raw, 2040)\n"
                  "waterfall_figure(wf, 'districts merged vs baseline: structural balance in 2040', 'fiscalsim')"),
]


def main() -> None:
    """Write each notebook and execute it, so it is stored with its outputs (tables and charts)."""
    from nbclient import NotebookClient

    for name, cells in (("quick_start", QUICK_START), ("consolidation_options", CONSOLIDATION)):
        nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                "language": "python"}})
        for i, cell in enumerate(nb.cells):  # stable ids: regenerating changes only what changed
            cell.id = f"{name}-{i}"
        NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=False,
                       resources={"metadata": {"path": str(OUT)}}).execute()
        nbformat.write(nb, OUT / f"{name}.ipynb")
        print(f"wrote notebooks/{name}.ipynb")


if __name__ == "__main__":
    main()
