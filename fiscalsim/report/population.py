"""Population tables and the pyramid chart."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from fiscalsim.demography.projector import FLOW_BANDS, STOCK_BANDS, PopulationResult  # noqa: E402

QUANTILES = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)
CITY = "city"


def quantile_table(result: PopulationResult) -> pd.DataFrame:
    """Tidy quantiles by year, unit (and the city) and indicator, persons (TFR, e0 and rates too).

    Columns: year, unit, indicator, mean, q05 … q95.
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
        "unit": np.tile(units, n_years),
        "indicator": name,
        "mean": arr.mean(axis=0).ravel(),
    }
    for k, level in enumerate(QUANTILES):
        data[f"q{round(level * 100):02d}"] = q[k].ravel()
    return pd.DataFrame(data)


def pyramid_chart(base: np.ndarray, target: np.ndarray, base_year: int, target_year: int,
                  title: str, path: Path, source: str) -> None:
    """Population pyramid from arrays: base : (2, n_ages) persons; target : (n_paths, 2, n_ages)."""
    _draw_pyramid(base, np.quantile(target, [0.1, 0.5, 0.9], axis=0), base_year, target_year, title, [path],
                  source)


def pyramid_chart_quantiles(table: pd.DataFrame, title: str, paths: list[Path], source: str) -> None:
    """Pyramid from a run's quantile table (year, sex, age, q10, q50, q90): base-year medians as
    the outline, the later year's quantiles as bars and band."""
    base_year, target_year = sorted(table.year.unique())[:2]

    def arrays(year: int, column: str) -> np.ndarray:
        return np.stack([table[(table.year == year) & (table.sex == sex)].sort_values("age")[column].to_numpy()
                         for sex in ("male", "female")])

    target = np.stack([arrays(target_year, c) for c in ("q10", "q50", "q90")])
    _draw_pyramid(arrays(base_year, "q50"), target, base_year, target_year, title, paths, source)


def _draw_pyramid(base: np.ndarray, target_q: np.ndarray, base_year: int, target_year: int, title: str,
                  paths: list[Path], source: str) -> None:
    """base : (2, n_ages); target_q : (3, 2, n_ages) — the 10 %, 50 % and 90 % quantiles."""
    ages = np.arange(base.shape[-1])
    q10, q50, q90 = target_q
    fig, ax = plt.subplots(figsize=(8, 7))
    for s, sign, colour, label in ((0, -1, "#3b6ea5", "men"), (1, 1, "#c0504d", "women")):
        ax.barh(ages, sign * q50[s], height=1.0, color=colour, alpha=0.55, label=f"{label} {target_year} (median)")
        ax.fill_betweenx(ages, sign * q10[s], sign * q90[s], step="mid", color=colour, alpha=0.25,
                         label=f"{label} {target_year} (10-90 %)")
        ax.step(sign * base[s], ages, where="mid", color="black", linewidth=0.9,
                label=f"{base_year}" if s == 0 else None)
    lim = max(base.max(), q90.max()) * 1.05
    ax.set_xlim(-lim, lim)
    ax.set_xticks(ax.get_xticks())
    ax.set_xticklabels([f"{abs(x):,.0f}" for x in ax.get_xticks()])
    ax.set_xlabel("persons by single year of age (men left, women right)")
    ax.set_ylabel("age (100 = 100+)")
    ax.set_ylim(-0.5, ages[-1] + 0.5)
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize=8)
    fig.text(0.01, 0.01, source, fontsize=7, color="0.3")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    for p in paths:
        fig.savefig(p, dpi=110)
    plt.close(fig)
