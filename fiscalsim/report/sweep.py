"""The results folder and the terminal table of ``fiscalsim sweep``: the table of every grid
point and rule, two heat maps of the studied rule and the manifest."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from fiscalsim import __version__
from fiscalsim.report.charts import heat_map
from fiscalsim.report.files import atomic_directory, write_json
from fiscalsim.report.run import write_tables
from fiscalsim.report.tables import key_label, with_missing_years, years_as_text


@dataclass(frozen=True)
class Sweep:
    """What a sweep ran: its base scenario (file and loaded), grid, overrides, paths, seed, the
    studied rule and how the points were computed."""

    base: str
    scenario: object
    grid: dict[str, list[str]]
    overrides: tuple[str, ...]
    paths: int
    entropy: int
    rule: str
    engine: str

    @property
    def by_year(self) -> int:
        """The year of the P(rule by year) heat map: the last key year before the horizon."""
        years = self.scenario.key_years
        return years[-2] if len(years) > 1 else years[-1]


def write_sweep(folder: str | Path, overwrite: bool, sweep: Sweep, table: pd.DataFrame, seconds: float) -> None:
    """``sweep.csv`` (and Parquet), the heat maps of the median year and of P(rule by a key year)
    with the swept values' units on their axes, and ``manifest.json``, written atomically."""
    sc, rule, by_year = sweep.scenario, sweep.rule, sweep.by_year
    horizon = sc.key_years[-1]
    maps = {"median_year": f"median first year of {rule}", f"p_by_{by_year}": f"P({rule} by {by_year})"}
    with atomic_directory(folder, overwrite) as tmp:
        files = write_tables(tmp, {"sweep": with_missing_years(table, ("median_year",))})
        src = f"fiscalsim {__version__}; {sc.name}; {sweep.paths:,} paths per point; seed {sweep.entropy}"
        labels = {key: key_label(sc.settings, key) for key in sweep.grid}
        for column, title in maps.items():
            heat_map(table, sweep.grid, rule, column, [tmp / f"heatmap_{column}.png"], title, src, horizon, labels)
        write_json(tmp / "manifest.json", {
            "command": "sweep", "fiscalsim_version": __version__, "base": sweep.base, "grid": sweep.grid,
            "overrides": list(sweep.overrides), "paths": sweep.paths, "seed_entropy": sweep.entropy, "rule": rule,
            "engine": sweep.engine, "files": files + [f"heatmap_{c}.png" for c in maps] + ["manifest.json"],
            "seconds": round(seconds, 3),
        })


def sweep_text(sweep: Sweep, table: pd.DataFrame) -> str:
    """The studied rule's rows, years as text and P as percent (as run and compare show them)."""
    years = sweep.scenario.key_years
    sub = years_as_text(table[table.rule == sweep.rule], ("median_year",), years[-1])
    for col in (f"p_by_{y}" for y in years):  # shares of paths
        sub[col] = [f"{v:.0%}" for v in sub[col]]
    return sub.drop(columns="rule").to_string(index=False)
