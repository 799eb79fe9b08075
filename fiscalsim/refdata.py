"""Readers for the reference tables shipped in ``fiscalsim/data`` (see its PROVENANCE.md).

Each reader returns plain arrays with the age axis last. The files are immutable package data, so
each is parsed once per process (with the standard ``csv`` module: pandas is imported only by the
functions that return a DataFrame) and the arrays a scenario reads many times — a period's
``mₓ``, a year's fertility pattern — are cached and returned read-only.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
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
    import pandas as pd

    with resources.files("fiscalsim.data").joinpath(name).open("rb") as fh:
        return pd.read_csv(fh)


@cache
def _columns(name: str) -> dict[str, tuple[str, ...]]:
    """A shipped CSV file as column name → cells (text), parsed once."""
    with resources.files("fiscalsim.data").joinpath(name).open("r", encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh)
        header = next(rows)
        cells = list(zip(*rows, strict=True))
    return dict(zip(header, cells, strict=True))


def _read_only(values: list) -> np.ndarray:
    out = np.array(values, dtype=float)
    out.flags.writeable = False
    return out


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


@cache
def wpp_mx_abridged(period: str, country: str = "china") -> np.ndarray:
    """WPP 2024 ``mₓ`` of ``country`` for a five-year period (e.g. ``"2020-2025"``): ``(2, 22)``,
    read-only (cached)."""
    cols = _columns(f"wpp2024_{_check_country(country)}_mx.csv")
    mx = {(sex, age): float(value) for p, sex, age, value in zip(cols["period"], cols["sex"], cols["age"], cols["mx"],
                                                                  strict=True) if p == period}
    if not mx:
        raise KeyError(f"no WPP mortality for period {period!r}")
    ages = ["0", "1"] + [str(a) for a in range(5, 100, 5)] + ["100+"]
    return _read_only([[mx[(sex, age)] for age in ages] for sex in SEX_ORDER])


def wpp_mx_periods(country: str = "china") -> list[str]:
    return sorted(set(_columns(f"wpp2024_{_check_country(country)}_mx.csv")["period"]))


@cache
def wpp_asfr_table(country: str = "china") -> pd.DataFrame:
    return _read(f"wpp2024_{_check_country(country)}_percent_asfr.csv")


def wpp_asfr_years(country: str = "china") -> list[int]:
    """The years of ``country``'s WPP fertility pattern, in file order (with repeats)."""
    return [int(y) for y in _columns(f"wpp2024_{_check_country(country)}_percent_asfr.csv")["year"]]


@cache
def wpp_percent_asfr(year: int, country: str = "china") -> np.ndarray:
    """Percent of TFR by age group 10-14 … 50-54 in ``year`` (``country``): ``(9,)``, read-only
    (cached)."""
    cols = _columns(f"wpp2024_{_check_country(country)}_percent_asfr.csv")
    percent = {age: float(value) for age, y, value in zip(cols["age"], cols["year"], cols["percent_asfr"],
                                                           strict=True) if int(y) == year}
    if not percent:
        raise KeyError(f"no WPP fertility pattern for {year}")
    return _read_only([percent[age] for age in WPP_ASFR_AGES])


@cache
def wpp_indicators(country: str = "china") -> pd.DataFrame:
    return _read(f"wpp2024_{_check_country(country)}_indicators.csv")


@cache
def _indicator_by_year(name: str, country: str) -> dict[int, float]:
    cols = _columns(f"wpp2024_{_check_country(country)}_indicators.csv")
    out: dict[int, float] = {}
    for indicator, year, value in zip(cols["indicator"], cols["year"], cols["value"], strict=True):
        if indicator == name:
            out.setdefault(int(year), float(value))  # the first row of a year (estimate before projection)
    return out


def wpp_indicator(name: str, years: np.ndarray, country: str = "china") -> np.ndarray:
    """An annual WPP indicator (``tfr``, ``srb``, ``e0_male``, ``e0_female``) of ``country`` for ``years``."""
    by_year = _indicator_by_year(name, country)
    wanted = np.asarray(years).tolist()
    missing = set(wanted) - set(by_year)
    if missing:
        raise KeyError(f"WPP {name} has no value for {sorted(missing)[:5]}")
    return np.array([by_year[y] for y in wanted], dtype=float)
