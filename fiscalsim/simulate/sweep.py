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
from fiscalsim.simulate.workers import map_on_dask, map_sharing


def parse_grid(specs: list[str]) -> dict[str, list[str]]:
    """``["key.path=v1,v2", …]`` → ordered {key: [values]} (values as YAML text)."""
    grid: dict[str, list[str]] = {}
    for spec in specs:
        if "=" not in spec:
            raise ScenarioError(f"--grid {spec!r} must look like key.path=v1,v2,…", "<command line>")
        key, values = spec.split("=", 1)
        key, items = key.strip(), [v.strip() for v in values.split(",")]
        if not key or not any(items):
            raise ScenarioError(f"--grid {spec!r} needs a key and at least one value", "<command line>")
        if not all(items) or len(set(items)) != len(items):
            raise ScenarioError(f"--grid {spec!r}: each value once, none blank", "<command line>", key=key)
        if key in grid:
            raise ScenarioError(f"--grid names {key!r} twice", "<command line>")
        grid[key] = items
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
    scenarios = [load_scenario(Path(base), overrides, [f"{k}={v}" for k, v in p.items()]) for p in points]
    args = [(sc, p, n_paths, entropy, key_years) for sc, p in zip(scenarios, points, strict=True)]
    if scheduler is not None:
        results = map_on_dask(scheduler, run_point, args, progress)
    else:
        results = map_sharing(jobs, run_point, args, progress)
    rows = []
    for r in results:
        for rid, stats in r["rules"].items():
            rows.append({**r["point"], "rule": rid, **stats})
    return pd.DataFrame(rows)
