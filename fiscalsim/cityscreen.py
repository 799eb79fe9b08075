"""``fiscalsim screen``: many cities, one seed tree, a ranked table of their first fiscal-stress event.

Every city runs with the same root entropy, so all see the same standard-normal shocks (common
random numbers): differences between cities come from their data, not from luck of the draw.
Per city: P(first restructuring- or default-class event by each key year), the median, mean and
10-90 % years, and the **main driver** — the headline rule that fires first on most paths (the
event's cause), with its share. Cities are ranked by the median year, then by P at the last key
year before the horizon, then by the mean year. Cities run in local worker processes or on a Dask
cluster, like ``sweep``; a city's row depends only on its scenario and the seed, so every engine
and job count gives identical results.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from fiscalsim.scenario import Scenario, ScenarioError, load_scenario
from fiscalsim.simulate.workers import map_on_dask
from fiscalsim.triggers.rules import NEVER, headline_passage
from fiscalsim.triggers.rules import first_fired as first_rule


def scenario_files(files: list[str], folder: str | None) -> list[Path]:
    """The cities' scenario files: those given, and every ``*.yaml`` of ``folder``."""
    paths = [Path(f) for f in files]
    if folder is not None:
        found = sorted(Path(folder).glob("*.yaml"))
        skipped = sorted(f.name for f in Path(folder).iterdir() if f.suffix.lower() in (".yml", ".yaml")
                         and f.suffix != ".yaml")
        if skipped:
            raise ScenarioError(f"--dir {folder} holds {skipped[:5]}, which screen would skip: it reads the *.yaml "
                                "files of the folder; rename them to .yaml (or move them out)")
        if not found:
            raise ScenarioError(f"--dir {folder} holds no scenario files (*.yaml)")
        paths += found
    if not paths:
        raise ScenarioError("name scenario files, or a folder of them with --dir")
    return paths


def load_cities(paths: list[Path], overrides: list[str]) -> list[Scenario]:
    """Every city loaded (and so validated) before any compute; all errors of all files together."""
    from fiscalsim.scenario.errors import Problems

    problems, out = Problems(), []
    for path in paths:
        try:
            out.append(load_scenario(path, overrides))
        except ScenarioError as exc:
            problems.add(_template_or_errors(exc, path))
    problems.raise_if_any()
    names = [sc.name for sc in out]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ScenarioError(f"cities must have different names; repeated: {twice}")
    return out


def _template_or_errors(exc: ScenarioError, path: Path) -> ScenarioError:
    """A template's errors as one line (its values TO FILL, counted); other errors as they are."""
    from fiscalsim.scenario.schema import TO_FILL

    errors = exc.errors
    if all(e.message.startswith(TO_FILL) for e in errors):
        return ScenarioError(f"a template with {len(errors)} values TO FILL: fill them (fiscalsim validate {path} "
                             "lists them) or make a labelled stand-in (fiscalsim new-city CODE --accounts-like "
                             "SCENARIO)", str(path))
    return exc


def common_key_years(cities: list[Scenario]) -> list[int]:
    """The first city's key years; every city must simulate them."""
    years = cities[0].key_years
    for sc in cities:
        if not set(years) <= {int(y) for y in sc.years}:
            raise ScenarioError(f"{sc.name} ({sc.path}) does not simulate the key years {years} of {cities[0].name}; "
                                "screen cities over the same years")
    return years


def city_row(sc: Scenario, n_paths: int, entropy: int, key_years: list[int]) -> dict:
    """One city's line of the screen (a plain dict, cheap to send between processes)."""
    from fiscalsim.simulate.montecarlo import run_scenario

    res = run_scenario(sc, n_paths, entropy)
    fp = res.first_passage
    event = headline_passage(fp, res.rules)
    cols = [j for j, r in enumerate(res.rules) if r.severity in ("restructuring", "default") and r.headline]
    row = {"city": sc.name, "scenario": str(sc.path), "units": sc.demography.n_units,
           "accounts": "stand-in" if sc.stand_in else "own",
           **{f"p_by_{y}": float(np.mean(event <= y)) for y in key_years}}
    for name, q in (("q10_year", 0.1), ("median_year", 0.5), ("q90_year", 0.9)):
        row[name] = int(np.quantile(event, q, method="inverted_cdf"))
    horizon = int(sc.years[-1])
    row["mean_year"] = float(np.mean(np.where(event == NEVER, horizon + 1, event)))  # not by the horizon: + 1
    driver, share = _main_driver(fp[:, cols], [res.rules[j].id for j in cols])
    row.update({"main_driver": driver, "driver_share": share})
    return row


def _main_driver(passage: np.ndarray, ids: list[str]) -> tuple[str, float]:
    """The headline rule that fires first on most paths, and the share of paths it does so."""
    if not ids:
        return "none", 0.0
    first = first_rule(passage, ids)
    fired = first[first != "none"]
    if fired.size == 0:
        return "none", 0.0
    names, counts = np.unique(fired, return_counts=True)
    best = int(np.argmax(counts))  # ties: the first id in sorted order
    return str(names[best]), float(counts[best] / passage.shape[0])


def run_screen(cities: list[Scenario], n_paths: int, entropy: int, key_years: list[int], jobs: int = 1,
               scheduler: str | None = None, progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """Every city's row, ranked (rank 1: the earliest median event)."""
    from fiscalsim.simulate.workers import map_sharing

    args = [(sc, n_paths, entropy, key_years) for sc in cities]
    if scheduler is not None:
        rows = _on_dask(scheduler, args, progress)
    else:
        rows = map_sharing(jobs, city_row, args, progress)
    return rank(pd.DataFrame(rows), key_years)


def _on_dask(scheduler: str, args: list[tuple], progress) -> list[dict]:
    return map_on_dask(scheduler, city_row, args, progress)


def rank(table: pd.DataFrame, key_years: list[int]) -> pd.DataFrame:
    """Sorted by median year (not by the horizon last), then by P at the last key year before the
    horizon (higher first), then by the mean year (a path without the event counts as the horizon
    + 1), then by name; ``rank`` 1 is the city most at risk."""
    by = f"p_by_{key_years[-2] if len(key_years) > 1 else key_years[-1]}"
    out = table.sort_values(["median_year", by, "mean_year", "city"], ascending=[True, False, True, True],
                            kind="mergesort")
    out = out.reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out


def format_screen(table: pd.DataFrame, key_years: list[int], horizon: int) -> str:
    """The ranked table as text."""
    def year(v: int) -> str:
        return f"not by {horizon}" if v == NEVER else str(v)

    head = (f"{'rank':>4s} {'city':24s} " + " ".join(f"{'P≤' + str(y):>7s}" for y in key_years)
            + f" {'median':>11s} {'10-90 % years':>23s}  main driver")
    lines = [head, "-" * len(head)]
    for r in table.itertuples():
        probs = " ".join(f"{getattr(r, f'p_by_{y}'):7.0%}" for y in key_years)
        span = f"{year(r.q10_year)} to {year(r.q90_year)}"
        flag = " [stand-in accounts]" if r.accounts == "stand-in" else ""
        lines.append(f"{r.rank:4d} {r.city[:24]:24s} {probs} {year(r.median_year):>11s} {span:>23s}  "
                     f"{r.main_driver} ({r.driver_share:.0%}){flag}")
    return "\n".join(lines)
