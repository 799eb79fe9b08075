"""Write the notebooks in notebooks/ (their source lives here, so they stay reviewable as code).

Run from the repository root: ``python scripts/make_notebooks.py``. The tests execute them with
FISCALSIM_NOTEBOOK_PATHS set to a small number.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

OUT = Path(__file__).resolve().parents[1] / "notebooks"

SETUP = """import os
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import fiscalsim
PATHS = int(os.environ.get("FISCALSIM_NOTEBOOK_PATHS", "500"))"""

QUICK_START = [
    new_markdown_cell("# fiscalsim quick start: Hegang's baseline\n\n"
                      "Run the bundled, calibrated Hegang 2020 baseline and read its results: when each "
                      "fiscal-stress rule fires, how sure we are, and what drives it."),
    new_code_cell(SETUP),
    new_markdown_cell("## Load and run\nThe scenario file states every assumption with its unit and source."),
    new_code_cell("sc = fiscalsim.load_scenario(fiscalsim.bundled_scenario())\n"
                  "print(sc.name, sc.years[0], '-', sc.years[-1], '| uncertain inputs:', len(sc.uncertain))\n"
                  "result = fiscalsim.run_scenario(sc, PATHS, sc.seed)"),
    new_markdown_cell("## Which rules fire, and when\nP(fired by a year), median and 10-90 % first-passage "
                      "years; 9999 means not by the horizon."),
    new_code_cell("from fiscalsim.report.run import summary_table\n"
                  "summary = summary_table(result)\n"
                  "summary[['rule', 'p_by_2025', 'p_by_2030', 'p_by_2035', 'median_year', 'q10_year', 'q90_year']]"),
    new_markdown_cell("## A fan chart by hand: general-budget debt service due"),
    new_code_cell("years = result.years\n"
                  "due = result.series['debt_service_due'] / 1e8\n"
                  "q = np.quantile(due, [0.1, 0.5, 0.9], axis=0)\n"
                  "fig, ax = plt.subplots(figsize=(8, 4))\n"
                  "ax.fill_between(years, q[0], q[2], alpha=0.3, label='10-90 %')\n"
                  "ax.plot(years, q[1], label='median')\n"
                  "ax.set_ylabel('100 million yuan'); ax.set_title('debt service due'); ax.legend()\n"
                  "assert q[1][0] > 0"),
    new_markdown_cell("## The four books of the deterministic projection"),
    new_code_cell("books = fiscalsim.run_model(sc, 1, 0, deterministic=True).finance\n"
                  "pd.DataFrame({'year': books.years, 'own revenue (亿)': books['own_revenue'][0] / 1e8,\n"
                  "              'transfers (亿)': books['transfers_total'][0] / 1e8,\n"
                  "              'expenditure (亿)': books['general_expenditure'][0] / 1e8,\n"
                  "              'debt arrears (亿)': books['arrears_debt'][0] / 1e8}).iloc[::5]"),
]

CONSOLIDATION = [
    new_markdown_cell("# Consolidation options for Hegang\n\n"
                      "Compare the baseline with merging the six districts into two, with and without a "
                      "one-for-three hiring rule, using common random numbers: every option sees the same "
                      "shocks, so differences are paired path by path."),
    new_code_cell(SETUP),
    new_code_cell("folder = fiscalsim.bundled_scenario().parent\n"
                  "options = {\n"
                  "    'baseline': fiscalsim.load_scenario(folder / 'baseline.yaml'),\n"
                  "    'districts merged': fiscalsim.load_scenario(folder / 'districts_merged.yaml'),\n"
                  "    'merged + one for three': fiscalsim.load_scenario(folder / 'districts_merged.yaml', [\n"
                  "        'policies.hiring={from: 2026, hires_per_retirement: {value: 0.3333333333333333, '\n"
                  "        'unit: ratio, source: \"option: one for three\"}}']),\n"
                  "}\n"
                  "seed = options['baseline'].seed\n"
                  "runs = [(name, fiscalsim.run_scenario(sc, PATHS, seed)) for name, sc in options.items()]"),
    new_markdown_cell("## Paired comparison on the 三保 shortfall rule"),
    new_code_cell("from fiscalsim.report.compare import comparison_table, waterfall_table\n"
                  "table = comparison_table(runs, 'china_sanbao_unfunded', [2025, 2030, 2035, 2060])\n"
                  "table[['option', 'p_by_2035', 'median_year', 'paired_diff_median_years', 'paired_diff_q10',\n"
                  "       'paired_diff_q90', 'cumulative_fiscal_effect_median_yi', 'staff_2060']]"),
    new_markdown_cell("## Survival curves"),
    new_code_cell("fig, ax = plt.subplots(figsize=(8, 4))\n"
                  "for name, res in runs:\n"
                  "    fp = res.first_passage[:, res.rule_ids.index('china_sanbao_unfunded')]\n"
                  "    ax.step(res.years, [(fp > y).mean() for y in res.years], where='post', label=name)\n"
                  "ax.set_ylabel('P(no 三保 shortfall yet)'); ax.legend()"),
    new_markdown_cell("## Where the merger's money comes from in 2035"),
    new_code_cell("waterfall_table(runs[0][1], runs[1][1], 2035)"),
]


def main() -> None:
    for name, cells in (("quick_start", QUICK_START), ("consolidation_options", CONSOLIDATION)):
        nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                "language": "python"}})
        nbformat.write(nb, OUT / f"{name}.ipynb")


if __name__ == "__main__":
    main()
