"""The result of :func:`fiscalsim.run`: tidy tables, charts and the results folder.

Tables are pandas DataFrames in long form with a ``unit`` column; money is in one unit
(``Results.money_unit``: 亿元 by default for Chinese scenarios), ratios and probabilities in
percent; a year that does not come by the horizon is a missing value (``pd.NA``).
"""

from __future__ import annotations

import platform
import time
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from fiscalsim import __version__
from fiscalsim.report.files import atomic_directory, write_json
from fiscalsim.report.headline import (
    HEADLINE_LABEL,
    first_event_years,
    headline_rules,
    headline_table,
    headline_text,
    stand_in_label,
)
from fiscalsim.report.kinds import RUN_KINDS
from fiscalsim.report.run import summary_table, write_tables
from fiscalsim.report.tables import (
    assumptions_table,
    first_passage_long,
    first_passage_wide,
    path_series_table,
    pyramid_table,
    quantile_table,
    rule_records,
    summary_long,
    summary_with_na,
)


class Results:
    """A Monte Carlo run of a scenario, with its tables and charts.

    Attributes
    ----------
    scenario : Scenario
    raw : RunResult
        The arrays: ``first_passage`` (n_paths, n_rules) years, ``indicators`` and ``series``
        name → (n_paths, n_years) in model units (yuan, ratios).
    seed : int
        The root entropy (give it as ``seed`` to reproduce the run).
    money_unit : str
    """

    def __init__(self, scenario, raw, seed: int, money_unit: str, seed_given: bool = True, seconds: float = 0.0,
                 jobs: int = 1, chunk_paths: int | None = None, overrides: tuple[str, ...] = ()):
        self.scenario = scenario
        self.raw = raw
        self.seed = seed
        self.money_unit = money_unit
        self.seed_given = seed_given
        self.seconds = seconds
        self.jobs = jobs
        self.chunk_paths = chunk_paths
        self.overrides = overrides

    def __repr__(self) -> str:
        return (f"<Results {self.scenario.name}: {self.paths:,} paths, seed {self.seed}, "
                f"{self.years[0]}-{self.horizon}, money in {self.money_unit}>")

    @property
    def paths(self) -> int:
        return int(self.raw.first_passage.shape[0])

    @property
    def years(self) -> np.ndarray:
        return np.asarray(self.raw.years)

    @property
    def horizon(self) -> int:
        return int(self.years[-1])

    @property
    def key_years(self) -> list[int]:
        """The scenario's key years (``report.key_years``), ending with the horizon."""
        return self.scenario.key_years

    @property
    def stand_in(self) -> str | None:
        """The note of stand-in accounts, or None when the scenario states the city's own."""
        return self.scenario.stand_in

    @property
    def rules(self) -> list[dict]:
        """The rules with their severity class, threshold and units (as the manifest records them)."""
        return rule_records(self.raw.rules, self.money_unit)

    @property
    def first_event_years(self) -> np.ndarray:
        """Per path, the year of the first restructuring- or default-class event (9999: none)."""
        return first_event_years(self.raw.first_passage, self.raw.rules)

    @cached_property
    def headline(self) -> pd.DataFrame:
        """Distribution of the first restructuring- or default-class event: measure, year, value, unit."""
        return headline_table(self.first_event_years, self.key_years, self.horizon)

    @property
    def headline_text(self) -> str:
        text = headline_text(self.first_event_years, self.key_years, self.horizon, len(headline_rules(self.raw.rules)))
        return text if self.stand_in is None else f"{stand_in_label(self.stand_in)}\n{text}"

    @cached_property
    def summary_wide(self) -> pd.DataFrame:
        """One row per rule (``p_by_*`` as shares of paths; years missing when not by the horizon)."""
        table = summary_with_na(summary_table(self.raw, self.key_years))
        if self.stand_in is not None:
            table["stand_in_accounts"] = self.stand_in
        return table

    @cached_property
    def summary(self) -> pd.DataFrame:
        """Per rule: rule, severity_class, measure (p_by, q10_year, median_year, q90_year, p_first),
        year, value, unit (percent or year)."""
        return summary_long(summary_table(self.raw, self.key_years))

    @cached_property
    def first_passage(self) -> pd.DataFrame:
        """path, rule, severity_class, year (missing: not by the horizon)."""
        return first_passage_long(self.raw)

    @property
    def series_names(self) -> list[str]:
        """What :meth:`path_series` (and ``run --series``) can give: each rule's id (its indicator)
        and each key series of the run."""
        from fiscalsim.simulate.montecarlo import path_series_names

        return path_series_names(self.scenario)

    def path_series(self, names: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
        """Every path's values, year by year, of the named rule indicators and key series (all when
        ``names`` is None), in the units of :attr:`quantiles`: path, year, kind, name, unit, value."""
        names = self.series_names if names is None else list(names)
        unknown = [n for n in names if n not in self.series_names]
        if unknown:
            raise ValueError(f"no series or rule named {', '.join(unknown)}; this run has: "
                             f"{', '.join(self.series_names)}")
        return path_series_table(self.raw, self.money_unit, names)

    @cached_property
    def quantiles(self) -> pd.DataFrame:
        """Per-year quantiles of each rule's indicator and key series: year, kind, name, unit,
        mean, q05 … q95."""
        return quantile_table(self.raw, self.money_unit)

    @cached_property
    def pyramid(self) -> pd.DataFrame:
        """City population by year, sex and age: quantiles over paths (persons)."""
        return pyramid_table(self.raw)

    @cached_property
    def assumptions(self) -> pd.DataFrame:
        """Every scenario parameter: key, value, unit, uncertain, source."""
        return assumptions_table(self.scenario)

    @property
    def source(self) -> str:
        text = f"fiscalsim {__version__}; {self.scenario.name}; {self.paths:,} paths; seed {self.seed}"
        return text if self.stand_in is None else f"{stand_in_label(self.stand_in)} — {text}"

    def plot_headline(self):
        """When the first restructuring- or default-class event happens (a matplotlib Figure)."""
        from fiscalsim.report.charts import headline_chart

        return headline_chart(self.first_event_years, self.years, self.key_years,
                              len(headline_rules(self.raw.rules)), f"{self.scenario.name}: {HEADLINE_LABEL}",
                              self.source)

    def plot_survival(self):
        """Share of paths on which each rule has not fired yet, by severity class."""
        from fiscalsim.report.charts import run_survival_curves, survival_chart

        return survival_chart(run_survival_curves(first_passage_wide(self.raw), self.rules), self.years,
                              f"{self.scenario.name}: share of paths on which each rule has not fired yet",
                              self.source)

    def plot_fans(self, rules: list[str] | None = None):
        """The indicators (median, 10-90 %) of the headline rules, or of ``rules``, with their
        thresholds, in one figure."""
        from fiscalsim.report.charts import fans_title
        from fiscalsim.report.fans import fans_overview, group_rules, key_groups

        return fans_overview(self.quantiles, key_groups(group_rules(self.rules), rules),
                             fans_title(self.scenario.name, rules), self.source)

    def plot_fan(self, rule: str):
        """The fan chart of one rule's indicator, with the thresholds of every rule that tests it."""
        from fiscalsim.report.fans import fan_chart, group_rules

        for _, records in group_rules(self.rules):
            if any(r["id"] == rule for r in records):
                return fan_chart(self.quantiles, records, self.source)
        raise KeyError(f"unknown rule {rule!r}; the run's rules are {self.raw.rule_ids}")

    def plot_pyramid(self):
        """City population by age and sex: base year and report year (median, 10-90 %)."""
        from fiscalsim.report.population import pyramid_figure_quantiles

        return pyramid_figure_quantiles(self.pyramid, f"{self.scenario.name}: population pyramid", self.source)

    def manifest(self, files: list[str], extra: dict | None = None) -> dict:
        sc = self.scenario
        return {
            "command": "run", "fiscalsim_version": __version__, "scenario": str(sc.path), "scenario_name": sc.name,
            "scenario_sha256": sc.sha256, "scenario_text": sc.text, "overrides": list(self.overrides),
            "uncertain_parameters": [u.key for u in sc.uncertain], "seed_entropy": self.seed,
            "seed_given": self.seed_given, "paths": self.paths, "jobs": self.jobs, "chunk_paths": self.chunk_paths,
            "years": [int(self.years[0]), self.horizon], "key_years": self.key_years,
            "money_unit": self.money_unit, "rules": self.rules, "headline": self.headline_text,
            "stand_in": self.stand_in, "files": files, "python": platform.python_version(), "numpy": np.__version__, **(extra or {}),
        }

    def save(self, folder: str | Path, overwrite: bool = False, charts: tuple[str, ...] = RUN_KINDS,
             formats: tuple[str, ...] = ("png",), report: bool = False,
             progress: Callable[[int], None] | None = None, series: tuple[str, ...] = ()) -> list[str]:
        """Write the results folder (atomically; see ``docs/results_folders.md``): tables as CSV
        (and Parquet with pyarrow), ``manifest.json``, the chosen charts and, with ``report``, the
        self-contained ``report.html``; with ``series``, ``series.csv`` of those names per path
        (:meth:`path_series`). ``progress(1)`` after each chart. Returns the file names."""
        started = time.perf_counter()
        tables = {"summary": self.summary_wide, "headline": self.headline,
                  "first_passage": first_passage_wide(self.raw), "quantiles": self.quantiles,
                  "pyramid": self.pyramid, "assumptions": self.assumptions}
        if series:
            tables["series"] = self.path_series(series)
        with atomic_directory(folder, overwrite) as tmp:
            files = write_tables(tmp, tables) + ["manifest.json"]
            write_json(tmp / "manifest.json", self.manifest(files, {"timings_seconds": {
                "simulate": round(self.seconds, 3), "tables": round(time.perf_counter() - started, 3)}}))
            if report and "svg" not in formats:  # the report embeds the same drawings
                formats = (*formats, "svg")
            written = draw_charts(tmp, charts, formats, progress) if charts else []
            if report:
                from fiscalsim.report.html import write_report

                written.append(write_report(tmp).name)
        return files + written

    def to_html(self) -> str:
        """The self-contained HTML report of the run (charts inline)."""
        import tempfile

        from fiscalsim.report.html import report_html

        with tempfile.TemporaryDirectory() as tmp:
            self.save(Path(tmp) / "run", charts=())
            return report_html(Path(tmp) / "run")


def draw_charts(folder: Path, kinds: tuple[str, ...], formats: tuple[str, ...],
                progress: Callable[[int], None] | None) -> list[str]:
    """The run's charts in ``folder`` (matplotlib is imported only here, when charts are drawn; the
    manifest's ``timings_seconds.charts`` counts the import)."""
    started = time.perf_counter()
    from fiscalsim.report.charts import draw_run_charts

    return draw_run_charts(folder, kinds, None, formats, progress, started)
