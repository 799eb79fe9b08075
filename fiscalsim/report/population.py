"""Population tables and the pyramid chart."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from fiscalsim.demography.projector import FLOW_BANDS, STOCK_BANDS, PopulationResult

QUANTILES = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)
CITY = "city"
#: Units of the population indicators that are not counts of persons.
INDICATOR_UNITS = {"tfr": "children per woman", "e0_male": "years", "e0_female": "years",
                   "migration_rate": "per year", "mortality_k": "index"}


def quantile_table(result: PopulationResult) -> pd.DataFrame:
    """Tidy quantiles by year, unit (and the city) and indicator, persons (TFR, e0 and rates too).

    Columns: year, area (the administrative unit, or ``city``), indicator, unit (persons, or the
    indicator's unit), mean, q05 … q95.
    """
    frames = []
    series: dict[str, np.ndarray] = {}
    for i, name in enumerate(STOCK_BANDS):
        series[name] = result.stocks[..., i]
    for i, name in enumerate(FLOW_BANDS):
        series[name] = result.flows[..., i]
    units = list(result.unit_names) + [CITY]
    for name, arr in series.items():  # (n_paths, n_years, n_units)
        full = np.concatenate([arr, arr.sum(axis=-1, keepdims=True)], axis=-1)
        frames.append(_summarise(full, result.years, units, name))
    city_only = {
        "tfr": result.tfr,
        "e0_male": result.e0[..., 0],
        "e0_female": result.e0[..., 1],
        "migration_rate": result.migration_rate.mean(axis=-1),
        "mortality_k": result.mortality_k,
    }
    for name, arr in city_only.items():
        frames.append(_summarise(arr[..., None], result.years, [CITY], name))
    return pd.concat(frames, ignore_index=True)


def _summarise(arr: np.ndarray, years: np.ndarray, units: list[str], name: str) -> pd.DataFrame:
    q = np.quantile(arr, QUANTILES, axis=0)  # (n_q, n_years, n_units)
    n_years, n_units = arr.shape[1:]
    data = {
        "year": np.repeat(years, n_units),
        "area": np.tile(units, n_years),
        "indicator": name,
        "unit": INDICATOR_UNITS.get(name, "persons"),
        "mean": arr.mean(axis=0).ravel(),
    }
    for k, level in enumerate(QUANTILES):
        data[f"q{round(level * 100):02d}"] = q[k].ravel()
    return pd.DataFrame(data)


def pyramid_chart(base: np.ndarray, target: np.ndarray, base_year: int, target_year: int,
                  title: str, path: Path, source: str) -> None:
    """Population pyramid from arrays: base : (2, n_ages) persons; target : (n_paths, 2, n_ages)."""
    from fiscalsim.report.style import chart_style, save

    fig = _draw_pyramid(base, np.quantile(target, [0.1, 0.5, 0.9], axis=0), base_year, target_year, title, source)
    with chart_style():
        save(fig, [path])


def pyramid_figure_quantiles(table: pd.DataFrame, title: str, source: str):
    """Pyramid from a run's quantile table (year, sex, age, q10, q50, q90): base-year medians as
    the outline, the later year's quantiles as bars and band. Returns the figure."""
    base_year, target_year = sorted(table.year.unique())[:2]

    def arrays(year: int, column: str) -> np.ndarray:
        return np.stack([table[(table.year == year) & (table.sex == sex)].sort_values("age")[column].to_numpy()
                         for sex in ("male", "female")])

    target = np.stack([arrays(target_year, c) for c in ("q10", "q50", "q90")])
    return _draw_pyramid(arrays(base_year, "q50"), target, base_year, target_year, title, source)


def _draw_pyramid(base: np.ndarray, target_q: np.ndarray, base_year: int, target_year: int, title: str,
                  source: str):
    """base : (2, n_ages); target_q : (3, 2, n_ages) — the 10 %, 50 % and 90 % quantiles."""
    from fiscalsim.report.style import chart_style, footer, margins, new_figure

    ages = np.arange(base.shape[-1])
    q10, q50, q90 = target_q
    with chart_style():
        fig = new_figure(8, 7, layout=None)
        ax = fig.add_subplot()
        for s, sign, colour, label in ((0, -1, "#3b6ea5", "men"), (1, 1, "#c0504d", "women")):
            ax.fill_betweenx(ages, 0, sign * q50[s], step="mid", color=colour, alpha=0.55, linewidth=0,
                             label=f"{label} {target_year} (median)")
            ax.fill_betweenx(ages, sign * q10[s], sign * q90[s], step="mid", color=colour, alpha=0.25,
                             label=f"{label} {target_year} (10-90 % of paths)")
        ax.step(-base[0], ages, where="mid", color="black", linewidth=0.9, label=f"{base_year}")
        ax.step(base[1], ages, where="mid", color="black", linewidth=0.9)
        lim = max(base.max(), q90.max()) * 1.05
        ax.set_xlim(-lim, lim)
        ax.xaxis.set_major_formatter(lambda x, _: f"{abs(x):,.0f}")
        ax.set_xlabel("persons by single year of age (men left, women right)")
        ax.set_ylabel("age (100 = 100 and over)")
        ax.set_ylim(-0.5, ages[-1] + 0.5)
        ax.set_title(title)
        ax.grid(axis="y", alpha=0)
        ax.legend(loc="upper right")
        margins(fig, left=0.7, right=0.25, top=0.4, bottom=0.8)
        footer(fig, source)
    return fig


def write_population_folder(out_dir, overwrite: bool, sc, result: PopulationResult, year: int,
                            run_facts: dict) -> pd.DataFrame:
    """The results folder of ``fiscalsim population``: tidy quantiles, the pyramid of ``year``
    against the base year, and the manifest (with ``run_facts``: seed, paths, timings). Returns
    the quantile table."""
    import platform

    from fiscalsim import __version__
    from fiscalsim.report.files import atomic_directory, write_json

    base_year = int(sc.years[0])
    table = quantile_table(result)
    pyramid = f"pyramid_{base_year}_{year}.png"
    with atomic_directory(out_dir, overwrite) as tmp:
        table.to_csv(tmp / "population_quantiles.csv", index=False, float_format="%.10g")
        city = result.full.sum(axis=2)  # (n_paths, 2 years, 2, 101)
        pyramid_chart(city[0, 0], city[:, 1], base_year, year,
                      f"{sc.name}: population {base_year} and {year} ({run_facts['paths']:,} paths)", tmp / pyramid,
                      f"fiscalsim {__version__}; base: census {base_year} moved to 1 January; "
                      f"seed {run_facts['seed_entropy']}")
        write_json(tmp / "manifest.json", {
            "command": "population", "fiscalsim_version": __version__,
            "files": ["population_quantiles.csv", pyramid, "manifest.json"], "scenario": str(sc.path),
            "scenario_sha256": sc.sha256, "scenario_text": sc.text, **run_facts,
            "years": [base_year, int(sc.years[-1])], "python": platform.python_version(), "numpy": np.__version__,
        })
    return table
