"""The results folder of ``fiscalsim screen``: the ranked table, its chart and the manifest."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from fiscalsim import __version__
from fiscalsim.report.files import atomic_directory, write_json
from fiscalsim.report.headline import HEADLINE_LABEL
from fiscalsim.report.run import write_tables
from fiscalsim.report.style import CLASS_COLOURS, chart_style, footer, new_figure, save
from fiscalsim.report.tables import with_missing_years
from fiscalsim.triggers.rules import NEVER

YEAR_COLUMNS = ("q10_year", "median_year", "q90_year")


def screen_chart(table: pd.DataFrame, horizon: int, base_year: int, out: list[Path], source: str) -> None:
    """One bar per city, most at risk on top: the 10-90 % range of the first event's year, the
    median marked; a year not by the horizon is drawn at the horizon + 1."""
    def shown(y: int) -> int:
        return horizon + 1 if y == NEVER else y

    with chart_style():
        fig = new_figure(9, 1.6 + 0.42 * max(len(table), 1))
        ax = fig.add_subplot()
        for i, r in enumerate(table.itertuples()):
            lo, mid, hi = shown(r.q10_year), shown(r.median_year), shown(r.q90_year)
            ax.barh(i, hi - lo + 1, left=lo - 0.5, color=CLASS_COLOURS["restructuring"], alpha=0.45,
                    label="10-90 % of paths" if i == 0 else None)
            ax.plot([mid], [i], "o", color="black", markersize=5, label="median" if i == 0 else None)
        labels = [f"{r.city}{' (stand-in accounts)' if r.accounts == 'stand-in' else ''}" for r in table.itertuples()]
        ax.set_yticks(range(len(table)), labels)
        ax.invert_yaxis()
        ax.set_xlim(base_year - 0.5, horizon + 1.5)
        ax.set_xlabel(f"year of the {HEADLINE_LABEL} ({horizon + 1} = not by {horizon})")
        ax.set_title(f"Cities ranked by the {HEADLINE_LABEL}")
        ax.legend(loc="lower right")
        footer(fig, source)
        save(fig, out)


def write_screen_folder(out_dir: str | Path, overwrite: bool, table: pd.DataFrame, cities, n_paths: int,
                        entropy: int, key_years: list[int], engine: str, seconds: float) -> list[str]:
    """Write screen.csv (and .parquet), screen.png/.svg and manifest.json atomically."""
    horizon, base_year = key_years[-1], int(cities[0].years[0])
    stand_ins = [sc.name for sc in cities if sc.stand_in]
    source = f"fiscalsim {__version__}; {len(cities)} cities; {n_paths:,} paths each; seed {entropy} (common random numbers)"
    if stand_ins:
        source = f"STAND-IN ACCOUNTS for {', '.join(stand_ins)} — {source}"
    with atomic_directory(out_dir, overwrite) as tmp:
        files = write_tables(tmp, {"screen": with_missing_years(table, YEAR_COLUMNS)})
        screen_chart(table, horizon, base_year, [tmp / "screen.png", tmp / "screen.svg"], source)
        files += ["screen.png", "screen.svg", "manifest.json"]
        write_json(tmp / "manifest.json", {
            "command": "screen", "fiscalsim_version": __version__, "paths": n_paths, "seed_entropy": entropy,
            "key_years": key_years, "engine": engine,
            "cities": [{"name": sc.name, "scenario": str(sc.path), "scenario_sha256": sc.sha256,
                        "stand_in": sc.stand_in} for sc in cities],
            "stand_in": stand_ins, "files": files, "seconds": round(seconds, 3)})
    return files


def screen_cities(files: list[str], folder: str | None, n_paths: int | None, seed: int | None, jobs: int,
                  scheduler: str | None, out_dir: str | Path, overwrite: bool, overrides: list[str],
                  stage=None) -> str:
    """The ``screen`` command: load every city, run them with one seed, write the folder; returns
    the text to print. ``stage(total)`` gives a progress callback."""
    import time

    from fiscalsim.api import seed_entropy
    from fiscalsim.cityscreen import (
        common_key_years,
        format_screen,
        load_cities,
        run_screen,
        scenario_files,
    )

    t0 = time.perf_counter()
    cities = load_cities(scenario_files(files, folder), overrides)
    years = common_key_years(cities)
    n = n_paths or cities[0].default_paths
    entropy = seed_entropy(cities[0], seed)
    table = run_screen(cities, n, entropy, years, jobs, scheduler, stage(len(cities)) if stage else None)
    engine = "dask" if scheduler else ("processes" if jobs > 1 else "in-process")
    write_screen_folder(out_dir, overwrite, table, cities, n, entropy, years, engine, time.perf_counter() - t0)
    return "\n".join([f"{len(cities)} cities, {n:,} paths each, seed {entropy} (common random numbers), "
                      f"{time.perf_counter() - t0:.1f} s", format_screen(table, years, years[-1]),
                      f"results: {out_dir}"])
