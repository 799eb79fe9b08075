"""Readers for the reference tables shipped in ``fiscalsim/data`` (see its PROVENANCE.md).

Each reader returns plain arrays with the age axis last; results are cached because the files are
immutable package data.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

SEX_ORDER = ("male", "female")
CENSUS_AGE_GROUPS = ["0", "1-4"] + [f"{a}-{a + 4}" for a in range(5, 85, 5)] + ["85+"]
WPP_MX_AGES = ["0", "1-4"] + [f"{a}-{a + 4}" for a in range(5, 100, 5)] + ["100+"]
WPP_ASFR_AGES = [f"{a}-{a + 4}" for a in range(10, 55, 5)]
#: Countries whose UN WPP 2024 schedules ship with the package (a scenario names its own).
WPP_COUNTRIES = ("china", "japan", "usa")


def _check_country(country: str) -> str:
    if country not in WPP_COUNTRIES:
        raise KeyError(f"no WPP schedules for {country!r}; fiscalsim ships {', '.join(WPP_COUNTRIES)}")
    return country


def _read(name: str) -> pd.DataFrame:
    with resources.files("fiscalsim.data").joinpath(name).open("rb") as fh:
        return pd.read_csv(fh)


@cache
def census_table(name: str = "census_hegang_2010_2020.csv") -> pd.DataFrame:
    """A packaged census table (Hegang's by default; ``census_heilongjiang_2010_2020.csv`` holds every
    prefecture of Heilongjiang and its units): columns census_year, unit_code, unit_name, sex,
    age_group, persons."""
    return _read(name)


@cache
def census_summary() -> pd.DataFrame:
    """2020 census summary per Heilongjiang unit: persons, households, household_size,
    employed_long_form and mining_long_form (counts in the long-form sample), long_form_share."""
    return _read("census_heilongjiang_2020_summary.csv")


def census_counts(census_year: int, unit_codes: tuple[int, ...]) -> np.ndarray:
    """Persons by unit, sex and census age group: ``(n_units, 2, 19)``."""
    df = census_table()
    df = df[df["census_year"] == census_year]
    out = np.zeros((len(unit_codes), 2, len(CENSUS_AGE_GROUPS)))
    for i, code in enumerate(unit_codes):
        sub = df[df["unit_code"] == code]
        if sub.empty:
            raise KeyError(f"no census {census_year} rows for unit {code}")
        table = sub.pivot(index="sex", columns="age_group", values="persons")
        out[i] = table.loc[list(SEX_ORDER), CENSUS_AGE_GROUPS].to_numpy(dtype=float)
    return out


def census_units(census_year: int, prefecture_code: int) -> list[tuple[int, str]]:
    """(code, name) of the units of a prefecture in a census, prefecture total excluded."""
    df = census_table()
    df = df[(df["census_year"] == census_year) & (df["unit_code"] // 100 == prefecture_code // 100)]
    pairs = df[["unit_code", "unit_name"]].drop_duplicates()
    pairs = pairs[pairs["unit_code"] != prefecture_code]
    return [(int(c), str(n)) for c, n in pairs.itertuples(index=False)]


@cache
def wpp_mx_table(country: str = "china") -> pd.DataFrame:
    return _read(f"wpp2024_{_check_country(country)}_mx.csv")


def wpp_mx_abridged(period: str, country: str = "china") -> np.ndarray:
    """WPP 2024 ``mₓ`` of ``country`` for a five-year period (e.g. ``"2020-2025"``): ``(2, 22)``."""
    df = wpp_mx_table(country)
    df = df[df["period"] == period]
    if df.empty:
        raise KeyError(f"no WPP mortality for period {period!r}")
    wide = df.pivot(index="sex", columns="age", values="mx")
    cols = ["0", "1"] + [str(a) for a in range(5, 100, 5)] + ["100+"]
    return wide.loc[list(SEX_ORDER), cols].to_numpy(dtype=float)


def wpp_mx_periods(country: str = "china") -> list[str]:
    return sorted(wpp_mx_table(country)["period"].unique())


@cache
def wpp_asfr_table(country: str = "china") -> pd.DataFrame:
    return _read(f"wpp2024_{_check_country(country)}_percent_asfr.csv")


def wpp_percent_asfr(year: int, country: str = "china") -> np.ndarray:
    """Percent of TFR by age group 10-14 … 50-54 in ``year`` (``country``): ``(9,)``."""
    df = wpp_asfr_table(country)
    df = df[df["year"] == year].set_index("age")
    if df.empty:
        raise KeyError(f"no WPP fertility pattern for {year}")
    return df.loc[WPP_ASFR_AGES, "percent_asfr"].to_numpy(dtype=float)


@cache
def wpp_indicators(country: str = "china") -> pd.DataFrame:
    return _read(f"wpp2024_{_check_country(country)}_indicators.csv")


def wpp_indicator(name: str, years: np.ndarray, country: str = "china") -> np.ndarray:
    """An annual WPP indicator (``tfr``, ``srb``, ``e0_male``, ``e0_female``) of ``country`` for ``years``."""
    df = wpp_indicators(country)
    df = df[df["indicator"] == name].drop_duplicates("year", keep="first").set_index("year")
    missing = set(np.asarray(years).tolist()) - set(df.index)
    if missing:
        raise KeyError(f"WPP {name} has no value for {sorted(missing)[:5]}")
    return df.loc[np.asarray(years), "value"].to_numpy(dtype=float)
