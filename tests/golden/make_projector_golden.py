"""Regenerate ``projector_hegang_300.csv``: the Hegang baseline's population projection, 300 paths,
seed 1, city totals of every stock and flow band in 2030 and 2060, with 17 significant digits.

The committed file was written by the NumPy projector as it was before the fused per-year step
(with the base year pinned in every process), so ``tests/test_engines.py`` checks that both
engines still reproduce it. Run from the
repository root: ``python tests/golden/make_projector_golden.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from fiscalsim.demography.projector import FLOW_BANDS, STOCK_BANDS  # noqa: E402
from fiscalsim.scenario import bundled_scenario, load_scenario  # noqa: E402
from fiscalsim.simulate.population import run_population  # noqa: E402

N_PATHS, SEED, YEARS = 300, 1, (2030, 2060)
GOLDEN = HERE / "projector_hegang_300.csv"


def golden_rows(stocks: np.ndarray, flows: np.ndarray, years: np.ndarray) -> list[list[float]]:
    """stocks, flows : (n_paths, n_years, n_units, bands) → rows [path, year, bands…] (city)."""
    rows = []
    for y in YEARS:
        t = int(np.flatnonzero(years == y)[0])
        city = np.concatenate([stocks[:, t].sum(axis=1), flows[:, t].sum(axis=1)], axis=1)
        rows += [[p, y, *city[p]] for p in range(city.shape[0])]
    return rows


def main() -> None:
    sc = load_scenario(bundled_scenario())
    res = run_population(sc.demography, N_PATHS, SEED)
    with GOLDEN.open("w") as fh:
        fh.write(",".join(["path", "year", *STOCK_BANDS, *FLOW_BANDS]) + "\n")
        for row in golden_rows(res.stocks, res.flows, np.asarray(res.years)):
            fh.write(f"{row[0]},{row[1]}," + ",".join(repr(float(v)) for v in row[2:]) + "\n")


if __name__ == "__main__":
    main()
