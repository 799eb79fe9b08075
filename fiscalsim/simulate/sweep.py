"""Parameter sweeps: a grid of scenario overrides, each point a full Monte Carlo run.

Every grid point is the base scenario with ``--set``-style overrides, run with the same seed
(common random numbers across points). Points run in local worker processes, or on a Dask
cluster when a scheduler address is given (``pip install -e ".[distributed]"``). A point's result
depends only on its scenario and the seed, so every engine gives identical numbers.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from fiscalsim.scenario import ScenarioError, load_scenario
from fiscalsim.simulate.workers import map_in_workers
from fiscalsim.triggers.rules import NEVER


def parse_grid(specs: list[str]) -> dict[str, list[str]]:
    """``["key.path=v1,v2", …]`` → ordered {key: [values]} (values as YAML text)."""
    grid: dict[str, list[str]] = {}
    for spec in specs:
        if "=" not in spec:
            raise ScenarioError(f"--grid {spec!r} must look like key.path=v1,v2,…", "<command line>")
        key, values = spec.split("=", 1)
        items = [v.strip() for v in values.split(",") if v.strip()]
        if not key.strip() or not items:
            raise ScenarioError(f"--grid {spec!r} needs a key and at least one value", "<command line>")
        if key in grid:
            raise ScenarioError(f"--grid names {key!r} twice", "<command line>")
        grid[key.strip()] = items
    return grid


def grid_points(grid: dict[str, list[str]]) -> list[dict[str, str]]:
    keys = list(grid)
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*(grid[k] for k in keys))]


def run_point(sc, point: dict[str, str], n_paths: int, entropy: int, key_years: list[int]) -> dict:
    """One grid point: run its (loaded) scenario and summarise every rule in a plain dict."""
    from fiscalsim.simulate.montecarlo import run_scenario

    res = run_scenario(sc, n_paths, entropy)
    out = {"point": point, "rules": {}}
    for j, rid in enumerate(res.rule_ids):
        fp = res.first_passage[:, j]
        out["rules"][rid] = {
            "median_year": int(np.quantile(fp, 0.5, method="inverted_cdf")),
            **{f"p_by_{y}": float(np.mean(fp <= y)) for y in key_years},
        }
    return out


def run_sweep(base: str, grid: dict[str, list[str]], overrides: list[str], n_paths: int, entropy: int,
              key_years: list[int], jobs: int = 1, scheduler: str | None = None,
              progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """All grid points; one row per point and rule."""
    points = grid_points(grid)
    # Load (and so validate) every point before any compute is spent; the loaded scenarios are
    # what the engines run, so workers need neither the files nor a second load.
    scenarios = [load_scenario(Path(base), [*overrides, *(f"{k}={v}" for k, v in p.items())]) for p in points]
    args = [(sc, p, n_paths, entropy, key_years) for sc, p in zip(scenarios, points, strict=True)]
    if scheduler is not None:
        try:
            from distributed import Client
        except ImportError:
            raise ScenarioError("--scheduler needs dask.distributed: pip install -e \".[distributed]\"") from None
        with Client(scheduler) as client:
            futures = [client.submit(run_point, *a, pure=False) for a in args]
            results = []
            for fut in futures:
                results.append(fut.result())
                if progress:
                    progress(1)
    elif jobs > 1:
        results = map_in_workers(jobs, run_point, list(args), None if progress is None else lambda i: progress(1))
    else:
        results = []
        for a in args:
            results.append(run_point(*a))
            if progress:
                progress(1)
    rows = []
    for r in results:
        for rid, stats in r["rules"].items():
            rows.append({**r["point"], "rule": rid, **stats})
    return pd.DataFrame(rows)


def heat_map(table: pd.DataFrame, grid: dict[str, list[str]], rule: str, value: str, path: list[Path],
             title: str, source: str) -> None:
    """A heat map of ``value`` (median year or a probability) over a one- or two-key grid."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = list(grid)
    sub = table[table.rule == rule]
    rows_key = keys[0]
    cols_key = keys[1] if len(keys) > 1 else None
    row_vals = grid[rows_key]
    col_vals = grid[cols_key] if cols_key else ["-"]
    data = np.full((len(row_vals), len(col_vals)), np.nan)
    for i, rv in enumerate(row_vals):
        for j, cv in enumerate(col_vals):
            mask = sub[rows_key].astype(str) == rv
            if cols_key:
                mask &= sub[cols_key].astype(str) == cv
            data[i, j] = sub.loc[mask, value].iloc[0]
    horizon_never = value == "median_year"
    if horizon_never:  # "never" is the best outcome: colour it one year past the latest year seen
        finite = data[data != NEVER]
        shown = np.where(data == NEVER, (finite.max() if finite.size else 0) + 1, data)
    else:
        shown = data
    fig, ax = plt.subplots(figsize=(1.6 + 1.3 * len(col_vals), 1.4 + 0.6 * len(row_vals)))
    im = ax.imshow(shown, cmap="RdYlGn" if horizon_never else "RdYlGn_r", aspect="auto")
    for i in range(len(row_vals)):
        for j in range(len(col_vals)):
            v = data[i, j]
            label = ("never" if v == NEVER else f"{v:.0f}") if horizon_never else f"{v:.0%}"
            ax.text(j, i, label, ha="center", va="center", fontsize=9)
    ax.set_yticks(range(len(row_vals)), row_vals)
    ax.set_xticks(range(len(col_vals)), col_vals)
    ax.set_ylabel(rows_key)
    ax.set_xlabel(cols_key or "")
    ax.set_title(title, fontsize=10)
    fig.colorbar(im, ax=ax, label=value.replace("_", " "))
    fig.text(0.01, 0.01, source, fontsize=6.5, color="0.3")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    for p in path:
        fig.savefig(p, dpi=110)
    plt.close(fig)
