"""Summaries and files of a Monte Carlo run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from fiscalsim.report.headline import year_quantile
from fiscalsim.scenario.report_settings import default_key_years
from fiscalsim.simulate.montecarlo import RunResult
from fiscalsim.triggers.rules import (
    NEVER,
    SEVERITIES,
    first_fired,
)


def summary_table(result: RunResult, key_years: list[int] | None = None) -> pd.DataFrame:
    """One row per rule: P(triggered by key years), median and 10-90 % first-passage years (NEVER
    when not by the horizon), and the share of paths on which the rule fires first.

    ``key_years``: the scenario's (``Scenario.key_years``); default: base year + 5, + 10, + 15 and
    the horizon."""
    years = result.years
    fp = result.first_passage
    first = first_fired(fp, result.rule_ids)
    n = fp.shape[0]
    rows = []
    for j, rule in enumerate(result.rules):
        col = fp[:, j]
        row = {"rule": rule.id, "name": rule.name, "pack": rule.pack, "severity": rule.severity}
        for y in key_years or default_key_years(int(years[0]), int(years[-1])):
            row[f"p_by_{y}"] = float(np.mean(col <= y))
        row["median_year"] = year_quantile(col, 0.5)
        row["q10_year"] = year_quantile(col, 0.1)
        row["q90_year"] = year_quantile(col, 0.9)
        row["share_first"] = float(np.mean(first == rule.id))
        row["reference"] = rule.reference
        rows.append(row)
    table = pd.DataFrame(rows)
    table.attrs["paths"] = n
    table.attrs["share_none"] = float(np.mean(first == "none"))
    table.attrs["base_year_rules"] = [r.id for r, b in zip(result.rules, result.base_condition, strict=True) if b]
    table.insert(4, "holds_in_base_year", result.base_condition)
    return table


def write_tables(folder: Path, tables: dict[str, pd.DataFrame]) -> list[str]:
    """CSV always; Parquet too when pyarrow is installed. Returns the file names written."""
    try:
        import pyarrow  # noqa: F401

        parquet = True
    except ImportError:
        parquet = False
    written = []
    for name, table in tables.items():
        table.to_csv(folder / f"{name}.csv", index=False, float_format="%.10g")
        written.append(f"{name}.csv")
        if parquet:
            table.to_parquet(folder / f"{name}.parquet", index=False)
            written.append(f"{name}.parquet")
    return written


def format_summary(table: pd.DataFrame, horizon: int) -> str:
    """A readable terminal table of the rules grouped by class (the headline is printed before it)."""
    def year(v: int) -> str:
        return f"not by {horizon}" if v == NEVER else str(v)

    p_cols = [c for c in table.columns if c.startswith("p_by_")]
    head = f"{'rule':44s} " + " ".join(f"{'P≤' + c[5:]:>7s}" for c in p_cols) + f" {'median':>11s} {'10-90 % years':>23s} {'first':>6s}"
    lines = []
    for severity in reversed(SEVERITIES):
        group = table[table.severity == severity]
        if group.empty:
            continue
        lines += [f"{severity}-class rules", head, "-" * len(head)]
        for r in group.itertuples():
            probs = " ".join(f"{getattr(r, c):7.0%}" for c in p_cols)
            span = year(r.q10_year) if r.q10_year == r.q90_year else f"{year(r.q10_year)} to {year(r.q90_year)}"
            lines.append(f"{r.rule[:44]:44s} {probs} {year(r.median_year):>11s} {span:>23s} {r.share_first:6.0%}")
        lines.append("")
    lines.append(f"paths on which no rule fires by {horizon}: {table.attrs['share_none']:.0%}")
    base = table.attrs.get("base_year_rules")
    if base:
        lines.append(f"already holding in the base year (data, not evaluated): {', '.join(base)}")
    return "\n".join(lines)
