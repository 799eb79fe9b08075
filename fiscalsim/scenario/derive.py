"""A city's demography and labour figures derived from its censuses (``fiscalsim new-city``).

Every figure is computed by the model's own functions, so a scenario written from them loads to
the same numbers:

* **base TFR** from the infants (age 0) of the base census: births = Σ_sex infants ÷ L₀ (the
  life table's person-years in the first year per birth), over the women by single age times the
  WPP age pattern of the base year (:func:`fiscalsim.demography.schedules.implied_tfr`);
* **net migration**: the residual method between the two censuses
  (:func:`fiscalsim.scenario.demography.residual_estimate`), its crude rate held constant;
* **participation**: employed persons of the census long form, scaled by its sampling share,
  over the working-age population at 1 January of the base year (16 to the statutory retirement
  age), divided by (1 − the unemployment rate the scenario assumes);
* **household size** and the **resource (mining) share** of employment from the census summary.

Unit changes between the censuses become a documented mapping (:func:`derive_mapping`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fiscalsim.demography import schedules
from fiscalsim.demography.base import graduate_census, move_back
from fiscalsim.demography.lifetable import default_ax, life_table, survival_ratios
from fiscalsim.demography.projector import normalise_intensity
from fiscalsim.demography.retirement import CHINA_2025_REFORM, RetirementSchedule, retired_share
from fiscalsim.scenario.census import (
    REST,
    SUM_TOLERANCE,
    CityRows,
    check_same_units,
    check_unit_sum,
    city_kind,
    city_rows,
)
from fiscalsim.scenario.demography import CityCensus, census_counts, residual_estimate
from fiscalsim.scenario.yamlio import ScenarioError

#: Census reference month of Chinese censuses (1 November).
CENSUS_MONTH = 11
#: Lowest working age (Labour Law of the PRC, art. 15) and the share of women under the cadre rule.
WORKING_AGE_MIN = 16
FEMALE_CADRE_SHARE = 0.5
#: Name endings of a unit's status (a county that became a city keeps its name's stem).
STATUS_SUFFIXES = ("县", "市", "区")


@dataclass(frozen=True)
class CityFigures:
    """What ``new-city`` derives for one city.

    census_population : persons at the base census (the sum of the units = the city total);
    working_age : persons aged 16 to retirement at 1 January of the base year;
    mapping : (source, groups) for ``boundary_changes``, or None when the units are the same;
    summary : the city's census-summary row (a dict) or None when none was given.
    """

    city: CityRows
    base_year: int
    first_year: int
    census_population: float
    first_population: float
    infants: float
    tfr: float
    migration_rate: float
    working_age: float
    mapping: tuple[str, list[dict]] | None
    summary: dict | None


def census_years(df: pd.DataFrame, code: int) -> list[int]:
    """The census years in which ``code`` has rows, ascending."""
    return sorted(int(y) for y in df.loc[df["unit_code"] == code, "census_year"].unique())


def _stem(name: str) -> tuple[str, str]:
    return (name[:-1], name[-1]) if name.endswith(STATUS_SUFFIXES) else (name, "")


def _status_changes(first: CityRows, second: CityRows, only_first: list[int], only_second: list[int]) -> list[tuple[int, int]]:
    """Pairs (first code, second code) whose names differ only in their status ending (县 → 市 …)."""
    names1 = dict(zip(first.unit_codes, first.unit_names, strict=True))
    names2 = dict(zip(second.unit_codes, second.unit_names, strict=True))
    pairs = []
    for a in only_first:
        stem, suffix = _stem(names1[a])
        match = [b for b in only_second if _stem(names2[b])[0] == stem and _stem(names2[b])[1] != suffix]
        if len(match) == 1 and sum(_stem(names1[x])[0] == stem for x in only_first) == 1:
            pairs.append((a, match[0]))
    return pairs


def derive_mapping(df: pd.DataFrame, first: CityRows, second: CityRows, first_year: int,
                   second_year: int) -> tuple[str, list[dict]] | None:
    """A documented ``boundary_changes`` mapping from the tables' codes and names, or None.

    Units whose names differ only in their status ending (嫩江县 → 嫩江市) map one to one, unless
    other units changed on both sides (a reorganisation: then all changed units form one group, as a
    unit that kept its name's stem may have gained or lost area); the other changed units form one group (the tables do not say how their areas were redrawn); when the
    first census's units fall short of its total, ``rest`` joins the group of new units. When only
    one side has changed units, the whole city is one group."""
    only_first = sorted(set(first.unit_codes) - set(second.unit_codes))
    only_second = sorted(set(second.unit_codes) - set(first.unit_codes))
    in_first = df[df["census_year"] == first_year]
    total = float(in_first.loc[in_first["unit_code"] == first.code, "persons"].sum())
    units = float(in_first.loc[in_first["unit_code"].isin(first.unit_codes), "persons"].sum())
    short = first.kind == "prefecture" and units < total * (1 - SUM_TOLERANCE)
    if not (only_first or only_second or short):
        return None
    pairs = _status_changes(first, second, only_first, only_second)
    if set(only_first) - {a for a, _ in pairs} and set(only_second) - {b for _, b in pairs}:
        pairs = []  # a reorganisation: a same-stem unit may have gained or lost area too
    groups = [{"first": [a], "second": [b]} for a, b in pairs]
    left1 = [c for c in only_first if c not in {a for a, _ in pairs}]
    left2 = [c for c in only_second if c not in {b for _, b in pairs}]
    notes = [f"status changes matched by name: {', '.join(_pair_text(first, second, a, b) for a, b in pairs)}"] if pairs else []
    if left2 and (left1 or short):
        groups.append({"first": left1 + ([REST] if short else []), "second": left2})
        notes.append(f"{'the other' if pairs else 'the'} changed units are one group: the census tables do not say "
                     "how their areas were redrawn")
    elif left1 or left2:
        groups = [{"first": list(first.unit_codes) + ([REST] if short else []), "second": list(second.unit_codes)}]
        notes = ["units appear or disappear without a counterpart, so the whole city is one group"]
    if short:
        notes.append(f"'{REST}': the {first_year} census counted {total - units:,.0f} persons only in the city "
                     f"total (its units sum to {units:,.0f} of {total:,.0f})")
    source = (f"fiscalsim new-city, from the codes and names of the {first_year} and {second_year} census tables: "
              + "; ".join(notes) + ". The model compares only city totals between the censuses; check the groups "
              "against the official boundary changes")
    return source, groups


def _pair_text(first: CityRows, second: CityRows, a: int, b: int) -> str:
    names1 = dict(zip(first.unit_codes, first.unit_names, strict=True))
    names2 = dict(zip(second.unit_codes, second.unit_names, strict=True))
    return f"{a} {names1[a]} → {b} {names2[b]}"


def _infant_births(labels: list[str], counts: np.ndarray, lt) -> tuple[float, float]:
    """Infants counted (all units) and the births they imply (Σ_sex infants ÷ L₀)."""
    if labels[0] != "0":
        raise ScenarioError(f"the census's first age group is {labels[0]!r}; deriving the TFR needs the infants "
                            "(age group 0)", key="demography.census.table")
    infants = counts[:, :, 0].sum(axis=0)  # (2,) by sex
    return float(infants.sum()), float((infants / lt.Lx[:, 0]).sum())


def _working_age(base: np.ndarray, base_year: int) -> float:
    """Persons aged 16 to the statutory retirement age at 1 January (base (n_units, 2, 101))."""
    retired = retired_share(RetirementSchedule(CHINA_2025_REFORM, FEMALE_CADRE_SHARE), np.array([base_year]),
                            schedules.N_AGES)[0]
    pop = base.sum(axis=0)
    return float((pop[:, WORKING_AGE_MIN:] * (1.0 - retired[:, WORKING_AGE_MIN:])).sum())


def summary_row(summary: pd.DataFrame | None, code: int, year: int) -> dict | None:
    """The city's row of a census summary table, or None when the table has none."""
    if summary is None:
        return None
    rows = summary[(summary["unit_code"] == code) & (summary["census_year"] == year)]
    return None if rows.empty else rows.iloc[0].to_dict()


def derive_city(df: pd.DataFrame, code: int, base_year: int | None, table: str,
                summary: pd.DataFrame | None = None) -> CityFigures:
    """Derive a city's figures from a checked census table ``df`` (named ``table`` in messages)."""
    city_kind(df, code, table)  # a code the table lacks, or a district, is refused before its years are read
    years = census_years(df, code)
    base_year = years[-1] if base_year is None else base_year
    earlier = [y for y in years if y < base_year]
    if base_year not in years or not earlier:
        raise ScenarioError(f"{code}: new-city needs the base year's census and an earlier one in {table}; it "
                            f"has censuses {years}", key="--base-year")
    first_year = earlier[-1]
    city = city_rows(df, base_year, code, table)
    labels, counts = census_counts(df, base_year, city.unit_codes, city.unit_names)
    check_unit_sum(df, base_year, city, table)
    first = city_rows(df, first_year, code, table)
    mapping = derive_mapping(df, first, city, first_year, base_year)
    groups = [(tuple(g["first"]), tuple(g["second"])) for g in mapping[1]] if mapping else []
    rest = check_same_units(first, city, first_year, base_year, groups)
    check_unit_sum(df, first_year, first, table, rest_allowed=rest, first=True)
    first_labels, first_total = census_counts(df, first_year, (code,), (city.name,))
    cc = CityCensus(city, labels, counts, first_labels, first_total[0])

    mx = schedules.wpp_mx_single(base_year)
    lt = life_table(mx, default_ax(mx))
    pop_census = graduate_census(labels, counts, lt)
    estimate = residual_estimate(cc, first_year, base_year, 1.0, pop_census, 1.0)
    infants, births = _infant_births(labels, counts, lt)
    tfr = schedules.implied_tfr(births, pop_census.sum(axis=0)[1], schedules.wpp_fertility_pattern(base_year))
    g = normalise_intensity(estimate.rates, pop_census)
    S, _ = survival_ratios(lt.Lx, lt.Tx)
    base = move_back(pop_census, (CENSUS_MONTH - 1) / 12.0, S, lt, estimate.crude_rate * g * pop_census)
    return CityFigures(city=city, base_year=base_year, first_year=first_year, census_population=float(counts.sum()),
                       first_population=float(first_total.sum()), infants=infants, tfr=float(tfr),
                       migration_rate=float(estimate.crude_rate), working_age=_working_age(base, base_year),
                       mapping=mapping, summary=summary_row(summary, code, base_year))
