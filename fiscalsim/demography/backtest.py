"""Back-test of the projector: Hegang from the 2010 census to the 2020 census.

The projection uses only what was known from the 2010 census and national schedules:

* base: the 2010 census (1 November) for the city, moved back to 1 January 2010;
* fertility: the TFR implied by the 2010 census crude birth rate (7.78‰) on the census women
  and the WPP 2010 age pattern, held constant — **not** tuned to the 2020 census;
* mortality: WPP 2024 China for 2010, improving at the WPP-estimated 2010→2020 decline;
* migration, three variants: ``none`` (natural change only); ``province`` — Heilongjiang's
  net outflow of about 100,000 a year after 2010 (−0.26 % of 38.3 million), the only pre-2020
  figure at hand, with a Rogers-Castro age profile; and ``in_sample`` — the rate and profile
  estimated by the residual method **from the 2020 census itself**, which is not a forecast
  but isolates the error due to fertility and mortality.

The projection is compared with the 2020 census at its reference date, 1 November 2020,
interpolating each broad age group between the projected 1 January 2020 and 2021 stocks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fiscalsim import refdata
from fiscalsim.demography import schedules
from fiscalsim.demography.base import graduate_census, move_back
from fiscalsim.demography.lifetable import default_ax, life_table, survival_ratios
from fiscalsim.demography.migration import (
    RogersCastro,
    estimate_residual_migration,
    rogers_castro_intensity,
)
from fiscalsim.demography.projector import (
    AR1,
    DemographyInputs,
    DemographyShocks,
    normalise_intensity,
    project,
)
from fiscalsim.demography.retirement import CHINA_PRE_2025, RetirementSchedule

CITY = 230400
CBR_2010 = 7.78 / 1000  # Hegang, 2010 census (per person)
PROVINCE_RATE = -100_000 / 38_313_991  # Heilongjiang net outflow after 2010 / 2010 population
AGE_GROUPS = {"0-14": (0, 15), "15-59": (15, 60), "60+": (60, 101), "65+": (65, 101), "total": (0, 101)}
VARIANTS = ("none", "province", "in_sample")


@dataclass(frozen=True)
class BacktestSetup:
    tfr_2010: float
    migration_rate: dict[str, float]


def _census_single(year: int, lt) -> np.ndarray:
    counts = refdata.census_counts(year, (CITY,))[0]
    return graduate_census(refdata.CENSUS_AGE_GROUPS, counts, lt)


def _survival(year: int) -> tuple[np.ndarray, object]:
    mx = schedules.wpp_mx_single(year)
    lt = life_table(mx, default_ax(mx))
    return survival_ratios(lt.Lx, lt.Tx)[0], lt


def run_backtest() -> tuple[pd.DataFrame, BacktestSetup]:
    """Projected vs census population by broad age group on 1 November 2020, per variant."""
    years = np.arange(2010, 2021)
    mx2010 = schedules.wpp_mx_single(2010)
    lt2010 = life_table(mx2010, default_ax(mx2010))
    S2010 = survival_ratios(lt2010.Lx, lt2010.Tx)[0]
    census2010 = _census_single(2010, lt2010)
    _, lt2020 = _survival(2020)
    census2020 = _census_single(2020, lt2020)

    pattern = schedules.wpp_fertility_pattern(2010)
    tfr = schedules.implied_tfr(CBR_2010 * census2010.sum(), census2010[1], pattern)
    decline = np.log(schedules.wpp_mx_single(2010)) - np.log(schedules.wpp_mx_single(2020))
    mean = decline.mean()

    surv = np.stack([_survival(2010 + i)[0] for i in range(10)])
    resid = estimate_residual_migration(census2010, census2020, surv)
    shapes = {
        "none": (0.0, np.ones((2, 101))),
        "province": (PROVINCE_RATE, rogers_castro_intensity(RogersCastro(), 101)),
        "in_sample": (resid.crude_rate, resid.rates),
    }
    rows = []
    for variant, (rate, shape) in shapes.items():
        g = normalise_intensity(shape, census2010)
        base = move_back(census2010[None], 10 / 12, S2010, lt2010, rate * g * census2010[None])
        inputs = DemographyInputs(
            unit_names=("鹤岗市",), years=years, base_population=base, mx_base=mx2010[None],
            lc_bx=decline / mean, lc_drift=float(mean / 10), lc_sigma=0.0,
            tfr_target=np.full(len(years), tfr), tfr_process=AR1(),
            fertility_pattern=np.tile(pattern, (len(years), 1)),
            srb=refdata.wpp_indicator("srb", years), migration_rate_target=np.full((1, len(years)), rate),
            migration_process=AR1(), migration_intensity=g,
            retirement=RetirementSchedule(CHINA_PRE_2025, 0.5),
        )
        res = project(inputs, DemographyShocks.zeros(1, len(years)), full_years=(2020, 2021))
        jan2020, jan2021 = res.full[0, 0, 0], res.full[0, 1, 0]
        for name, (lo, hi) in AGE_GROUPS.items():
            projected = (2 / 12) * jan2020[:, lo:hi].sum() + (10 / 12) * jan2021[:, lo:hi].sum()
            observed = census2020[:, lo:hi].sum()
            rows.append({
                "variant": variant, "age_group": name, "census_2020": observed, "projected": projected,
                "error": projected - observed, "error_percent": 100 * (projected - observed) / observed,
            })
    setup = BacktestSetup(tfr_2010=tfr, migration_rate={k: v[0] for k, v in shapes.items()})
    return pd.DataFrame(rows), setup


def backtest_markdown() -> str:
    """The back-test table and its setting, as Markdown (docs/backtest_2010_2020.md)."""
    table, setup = run_backtest()
    lines = [
        "# Back-test: Hegang 2010 → 2020",
        "",
        "Generated by `python scripts/make_docs.py` from `fiscalsim.demography.backtest` (a test",
        "checks that this page matches the code). Method and assumptions: see the module docstring.",
        "",
        f"- TFR implied by the 2010 census birth rate, held constant: **{setup.tfr_2010:.3f}**",
        f"- migration rates (per person-year): none 0; province {setup.migration_rate['province']:.4%};"
        f" in-sample (residual, uses the 2020 census) {setup.migration_rate['in_sample']:.4%}",
        "",
        "| variant | age group | census 2020 | projected | error | error % |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in table.itertuples():
        lines.append(f"| {r.variant} | {r.age_group} | {r.census_2020:,.0f} | {r.projected:,.0f} | "
                     f"{r.error:+,.0f} | {r.error_percent:+.1f} |")
    return "\n".join(lines) + "\n"
