"""The ``demography`` section of a scenario: its schema and the builder of projection inputs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from fiscalsim import refdata
from fiscalsim.demography import schedules
from fiscalsim.demography.base import graduate_census, move_back
from fiscalsim.demography.groups import spread_groups
from fiscalsim.demography.lifetable import default_ax, life_table, survival_ratios
from fiscalsim.demography.migration import (
    RogersCastro,
    estimate_residual_migration,
    rogers_castro_intensity,
)
from fiscalsim.demography.projector import AR1, DemographyInputs, normalise_intensity
from fiscalsim.demography.retirement import (
    CHINA_2025_REFORM,
    CHINA_PRE_2025,
    RetirementRule,
    RetirementSchedule,
)
from fiscalsim.scenario.census import (
    CODE_KEY,
    CityRows,
    check_same_units,
    check_unit_sum,
    city_rows,
    parse_mapping,
)
from fiscalsim.scenario.errors import shown
from fiscalsim.scenario.schema import Choice, Integer, Param, Raw, Section, Text
from fiscalsim.scenario.tables import age_group_bounds, check_age_groups, read_group_table
from fiscalsim.scenario.tables import read_census_table as read_checked_census
from fiscalsim.scenario.yamlio import ScenarioError

if TYPE_CHECKING:
    import pandas as pd

N_AGES = schedules.N_AGES
RETIREMENT_SCHEDULES = {"china_2025_reform": CHINA_2025_REFORM, "china_pre_2025": CHINA_PRE_2025}

DEMOGRAPHY = Section(
    "Population: base census (or broad age groups), fertility, mortality, migration and retirement ages.",
    {
        "country": Choice("whose UN WPP 2024 schedules (mortality, fertility pattern) the city uses",
                          refdata.WPP_COUNTRIES, default="china"),
        "population": Section(
            "Minimal-data mode, instead of census: one unit's persons in broad age groups (e.g. 0-14, "
            "15-64, 65+ and a nested 75+), spread within groups by the country's stationary population "
            "(see fiscalsim.demography.groups)",
            {
                "table": Text("CSV with columns age_group (a-b or a+; open groups may nest), persons; a path "
                              "relative to the scenario file"),
                "unit_name": Text("name of the place"),
                "year": Integer("year of the count; must be the base year", 1950, 2100),
                "month": Integer("reference month of the count (1 October in Japan's census)", 1, 12),
                "source": Text("where the counts come from, or 'assumption: why'"),
            },
            required=False,
        ),
        "census": Section(
            "Base population from a census table (persons by unit, sex and age group).",
            {
                "table": Text(
                    "CSV with columns census_year, unit_code, unit_name, sex, age_group, persons; "
                    "'package:NAME' for a table shipped with fiscalsim, else a path relative to the "
                    "scenario file",
                    default="package:census_heilongjiang_2010_2020.csv",
                ),
                "city_code": Integer("code of the city: a prefecture (code ending in 00; its units are the rows "
                                     "sharing its first four digits, its total row excluded and checked against "
                                     "their sum) or a county-level city or county (one unit); give this or "
                                     "prefecture_code", 100000, 999999, required=False),
                "prefecture_code": Integer("older name of city_code (the same meaning); give one of the two",
                                           100000, 999999, required=False),
                "boundary_changes": Raw("when the units of the first census (migration.first_census) differ "
                                        "from the base census's: {source, groups: [{first: [codes], second: "
                                        "[codes]}]}, groups of units covering the same area; 'rest' in first "
                                        "stands for persons that census counted only in the city total "
                                        "(docs/model_your_city.md)", required=False),
                "year": Integer("census year of the base population", 1950, 2100),
                "month": Integer("census reference month (1 November in China)", 1, 12, default=11),
            },
            required=False,
        ),
        "mortality": Section(
            "The country's WPP schedule scaled to a local level, improving Lee-Carter style.",
            {
                "level_multiplier": Param("ratio", "multiplier of the country's WPP death rates", 0.2, 5.0,
                                          allow_path=False),
                "lee_carter_fit_from": Integer("first year of the WPP decline that defines bₓ", 1950, 2100),
                "lee_carter_fit_to": Integer("last year of the WPP decline that defines bₓ", 1950, 2100),
                "drift_multiplier": Param("ratio", "multiplier of the WPP-implied drift of kₜ", 0.0, 5.0,
                                          allow_path=False),
                "kt_sigma": Param("ratio", "standard deviation of the annual innovation of kₜ", 0.0, 0.5,
                                  allow_path=False),
            },
        ),
        "fertility": Section(
            "TFR path with an AR(1) deviation on the log scale, times the WPP age pattern.",
            {
                "tfr": Param("children_per_woman", "target TFR path", 0.1, 8.0),
                "ar1_phi": Param("ratio", "persistence of the log-TFR deviation", -0.99, 0.99, allow_path=False),
                "ar1_sigma": Param("ratio", "innovation s.d. of the log-TFR deviation", 0.0, 1.0, allow_path=False),
                "pattern_year": Integer("WPP year of the age pattern of fertility", 1950, 2100),
                "srb": Param("males_per_female", "sex ratio at birth", 0.9, 1.3),
            },
        ),
        "migration": Section(
            "Net migration = rate × age-sex intensity × population at risk.",
            {
                "rate": Param("rate_per_year", "crude net migration rate on the base population", -0.2, 0.2),
                "ar1_phi": Param("ratio", "persistence of the rate deviation", -0.99, 0.99, allow_path=False),
                "ar1_sigma": Param("rate_per_year", "innovation s.d. of the rate deviation", 0.0, 0.1,
                                   allow_path=False),
                "profile": Choice("age-sex intensity: estimated from two censuses by the residual "
                                  "method, or a standard Rogers-Castro schedule",
                                  ("residual", "rogers_castro")),
                "first_census": Integer("earlier census year for the residual method", 1950, 2100,
                                        required=False),
                "child_parent_ratio": Param("ratio", "children's rate relative to ages 25-44 "
                                            "(residual method)", 0.0, 3.0, allow_path=False, required=False),
            },
        ),
        "retirement": Section(
            "Statutory retirement ages by sex and birth cohort.",
            {
                "schedule": Choice("legislated schedule, or custom (then give custom)",
                                   (*RETIREMENT_SCHEDULES, "custom")),
                "custom": Section("A phased schedule: one rule per category.", {
                    cat: Section(f"rule for {cat.replace('_', ' ')}s", {
                        "base_age": Param("years", "retirement age before the change", 40, 75, allow_path=False),
                        "first_birth_year": Integer("first birth cohort affected (from its January)", 1900, 2100),
                        "months_per_step": Integer("one more month of retirement age per this many months of birth",
                                                   1, 24),
                        "max_delay_months": Integer("the delay stops growing here", 0, 240),
                    }) for cat in ("male", "female_cadre", "female_worker")}, required=False),
                "female_cadre_share": Param("ratio", "share of women under the 55 (cadre) rule", 0.0, 1.0,
                                            allow_path=False),
                "working_age_min": Param("years", "lowest working age", 14, 25, allow_path=False),
            },
        ),
    },
)


def _retirement_rules(ret: dict[str, Any]) -> dict[str, RetirementRule]:
    if ret["schedule"] != "custom":
        if ret["custom"] is not None:
            raise ScenarioError("custom rules are given but schedule is not 'custom'", key="demography.retirement.custom")
        return RETIREMENT_SCHEDULES[ret["schedule"]]
    if ret["custom"] is None:
        raise ScenarioError("schedule 'custom' needs the custom rules", key="demography.retirement")
    rules = {}
    for cat, r in ret["custom"].items():
        base = r["base_age"].scalar()
        if base * 12 != int(base * 12):
            raise ScenarioError("base_age must be a whole number of months", key=f"demography.retirement.custom.{cat}")
        rules[cat] = RetirementRule(int(round(base * 12)), r["first_birth_year"], r["months_per_step"],
                                    r["max_delay_months"])
    return rules


CENSUS_KEY = "demography.census.table"


#: census tables shipped with fiscalsim, named ``package:NAME`` in a scenario
PACKAGED_CENSUS = ("census_heilongjiang_2010_2020.csv", "census_hegang_2010_2020.csv")


def read_census_table(spec: str, scenario_dir: Path) -> pd.DataFrame:
    """The census table named by ``demography.census.table`` (every cell checked)."""
    if spec.startswith("package:"):
        name = spec.removeprefix("package:")
        if name not in PACKAGED_CENSUS:
            raise ScenarioError(f"no packaged census table {shown(name)}; fiscalsim ships {list(PACKAGED_CENSUS)}",
                                key=CENSUS_KEY)
        return refdata.census_table(name)
    return read_checked_census(scenario_dir / spec, CENSUS_KEY)


def census_label(spec: str, scenario_dir: Path) -> str:
    """How messages name the census table."""
    return spec if spec.startswith("package:") else str(scenario_dir / spec)


def city_code(census: dict[str, Any]) -> int:
    """The city's code from ``city_code`` or its older name ``prefecture_code`` (exactly one)."""
    given = [census[k] for k in ("city_code", "prefecture_code") if census.get(k) is not None]
    if len(given) != 1:
        raise ScenarioError("give the city's code as city_code (or its older name prefecture_code), once",
                            key="demography.census")
    return int(given[0])


def census_counts(df: pd.DataFrame, year: int, codes: tuple[int, ...], names: tuple[str, ...]) -> tuple[list[str], np.ndarray]:
    """Age-group labels and counts ``(n_codes, 2, n_groups)`` of the rows ``codes`` in census ``year``.

    Every unit must have a row for each sex and each of the census's age groups, and people."""
    sub = df[(df["census_year"] == year) & df["unit_code"].isin(codes)]
    labels = sorted(dict.fromkeys(sub["age_group"].astype(str)), key=lambda lab: age_group_bounds(lab)[0])
    check_age_groups(labels, f"census {year}", CENSUS_KEY)
    wide = sub.pivot_table(index=["unit_code", "sex"], columns="age_group", values="persons", aggfunc="sum")
    counts = np.zeros((len(codes), 2, len(labels)))
    for i, (code, name) in enumerate(zip(codes, names, strict=True)):
        for s, sex in enumerate(("male", "female")):
            if (code, sex) not in wide.index:
                raise ScenarioError(f"census {year}: unit {code} ({name}) has no {sex} rows", key=CENSUS_KEY)
            row = wide.loc[(code, sex), labels]
            if row.isna().any():
                lacking = [lab for lab in labels if np.isnan(row[lab])]
                raise ScenarioError(f"census {year}: unit {code} ({name}) has no {sex} row for age groups "
                                    f"{lacking[:6]}", key=CENSUS_KEY)
            counts[i, s] = row.to_numpy(dtype=float)
        if counts[i].sum() <= 0:
            raise ScenarioError(f"census {year}: unit {code} ({name}) has no persons", key=CENSUS_KEY)
    return labels, counts


@dataclass(frozen=True)
class CityCensus:
    """A city's base census by unit, checked, and (for the residual profile) its first census's total.

    counts : (n_units, 2, n_groups) persons; first_total : (2, n_groups1) persons, or None."""

    city: CityRows
    labels: list[str]
    counts: np.ndarray
    first_labels: list[str] | None = None
    first_total: np.ndarray | None = None


def read_city_census(census: dict[str, Any], first_year: int | None, scenario_dir: Path) -> CityCensus:
    """The checked census rows of the scenario's city (see :mod:`fiscalsim.scenario.census`)."""
    try:
        return _read_city_census(census, first_year, scenario_dir)
    except ScenarioError as exc:
        if exc.key == CODE_KEY and census.get("city_code") is None:  # the file names it prefecture_code
            raise ScenarioError(exc.message, key="demography.census.prefecture_code") from None
        raise


def _read_city_census(census: dict[str, Any], first_year: int | None, scenario_dir: Path) -> CityCensus:
    df = read_census_table(census["table"], scenario_dir)
    label = census_label(census["table"], scenario_dir)
    code, year = city_code(census), census["year"]
    city = city_rows(df, year, code, label)
    labels, counts = census_counts(df, year, city.unit_codes, city.unit_names)
    check_unit_sum(df, year, city, label)
    if first_year is None:
        if census.get("boundary_changes") is not None:
            raise ScenarioError("boundary_changes relate two censuses, but no first census is used",
                                key="demography.census.boundary_changes")
        return CityCensus(city, labels, counts)
    first = city_rows(df, first_year, code, label)
    rest = check_same_units(first, city, first_year, year, parse_mapping(census.get("boundary_changes")))
    census_counts(df, first_year, first.unit_codes, first.unit_names)
    check_unit_sum(df, first_year, first, label, rest_allowed=rest, first=True)
    first_labels, first_total = census_counts(df, first_year, (code,), (city.name,))
    return CityCensus(city, labels, counts, first_labels, first_total[0])


def _lee_carter(fit_from: int, fit_to: int, country: str = "china") -> schedules.LeeCarter:
    if fit_to <= fit_from:
        raise ScenarioError("lee_carter_fit_to must be after lee_carter_fit_from", key="demography.mortality")
    try:
        return schedules.lee_carter_from_wpp(fit_from, fit_to, country)
    except ValueError as exc:
        raise ScenarioError(f"no Lee-Carter decline between {fit_from} and {fit_to}: {exc}",
                            key="demography.mortality.lee_carter_fit_to") from None


def _fertility_pattern(year: int, country: str = "china") -> np.ndarray:
    years = refdata.wpp_asfr_years(country)
    if year not in set(years):
        raise ScenarioError(f"WPP has no fertility pattern for {year}; it covers {min(years)}-{max(years)}",
                            key="demography.fertility.pattern_year")
    return schedules.wpp_fertility_pattern(year, country)


def local_mx(year: int, multiplier: float, country: str = "china") -> np.ndarray:
    return schedules.wpp_mx_single(year, country) * multiplier


def survival_between(first_year: int, n_years: int, multiplier: float, country: str = "china") -> np.ndarray:
    """Cohort survival of each year from ``first_year``: ``(n_years, 2, 101)``."""
    out = np.empty((n_years, 2, N_AGES))
    for i in range(n_years):
        mx = local_mx(first_year + i, multiplier, country)
        lt = life_table(mx, default_ax(mx))
        out[i] = survival_ratios(lt.Lx, lt.Tx)[0]
    return out


POPULATION_KEY = "demography.population.table"


def _group_population(spec: dict[str, Any], base_year: int, lt, scenario_dir: Path):
    """(unit names, month, population (1, 2, 101)) in the minimal-data mode."""
    if spec["year"] != base_year:
        raise ScenarioError(f"population year {spec['year']} must equal the base year {base_year}",
                            key="demography.population.year")
    bounds, persons = read_group_table(scenario_dir / spec["table"], POPULATION_KEY)
    try:
        pop = spread_groups(bounds, persons, lt)
    except ValueError as exc:
        raise ScenarioError(f"{spec['table']}: {exc}", key=POPULATION_KEY) from None
    return (spec["unit_name"],), spec["month"], pop[None]


def _first_census(mig: dict[str, Any], census: dict[str, Any] | None) -> int | None:
    """The earlier census year of the residual profile (None for a model profile)."""
    if mig["profile"] != "residual":
        return None
    if census is None:
        raise ScenarioError("the residual profile needs two censuses; with population groups use "
                            "rogers_castro", key="demography.migration.profile")
    first = mig["first_census"]
    if first is None:
        raise ScenarioError("the residual profile needs first_census", key="demography.migration")
    if first >= census["year"]:
        raise ScenarioError(f"first_census {first} must be before the census year {census['year']}",
                            key="demography.migration.first_census")
    return first


def residual_estimate(cc: CityCensus, first: int, year: int, multiplier: float, pop_census: np.ndarray,
                      child_parent_ratio: float, country: str = "china"):
    """The residual-method estimate between the city's first census (its total) and the base census
    (the sum of its units, graduated: ``pop_census`` (n_units, 2, 101))."""
    surv = survival_between(first, year - first, multiplier, country)
    mx_first = local_mx(first, multiplier, country)
    p1 = graduate_census(cc.first_labels, cc.first_total, life_table(mx_first, default_ax(mx_first)))
    return estimate_residual_migration(p1, pop_census.sum(0), surv, child_parent_ratio)


def _one_population_source(d: dict[str, Any]) -> None:
    if (d["census"] is None) == (d["population"] is None):
        raise ScenarioError("give exactly one of census (a census table) and population (broad age groups)",
                            key="demography")


def _base_population(d: dict[str, Any], base_year: int, lt, scenario_dir: Path):
    """(unit names, census month, graduated population (n_units, 2, 101), the city's census or None)."""
    census = d["census"]
    if census is None:
        names, month, pop = _group_population(d["population"], base_year, lt, scenario_dir)
        return names, month, pop, None
    if census["year"] != base_year:
        raise ScenarioError(
            f"census year {census['year']} must equal the base year {base_year}", key="demography.census.year"
        )
    cc = read_city_census(census, _first_census(d["migration"], census), scenario_dir)
    return tuple(cc.city.unit_names), census["month"], graduate_census(cc.labels, cc.counts, lt), cc


def _migration_shape(d: dict[str, Any], cc, multiplier: float, pop_census: np.ndarray, country: str) -> np.ndarray:
    mig = d["migration"]
    if mig["profile"] != "residual":
        return rogers_castro_intensity(RogersCastro(), N_AGES)
    first = _first_census(mig, d["census"])
    ratio = mig["child_parent_ratio"].scalar() if mig["child_parent_ratio"] is not None else 1.0
    return residual_estimate(cc, first, d["census"]["year"], multiplier, pop_census, ratio, country).rates


def build_demography(d: dict[str, Any], years: np.ndarray, scenario_dir: Path) -> DemographyInputs:
    """Projection inputs from a validated ``demography`` section, for stocks at 1 January of
    ``years[0]`` (the census is moved back from its reference month to 1 January)."""
    _one_population_source(d)
    country = d["country"]
    base_year = int(years[0])
    mort = d["mortality"]
    multiplier = mort["level_multiplier"].scalar()
    mx_base = local_mx(base_year, multiplier, country)
    lt = life_table(mx_base, default_ax(mx_base))
    names, month, pop_census, cc = _base_population(d, base_year, lt, scenario_dir)

    lc = _lee_carter(mort["lee_carter_fit_from"], mort["lee_carter_fit_to"], country)
    fert = d["fertility"]
    pattern = _fertility_pattern(fert["pattern_year"], country)
    mig = d["migration"]
    shape = _migration_shape(d, cc, multiplier, pop_census, country)
    rate = mig["rate"].series(years)
    try:
        g = normalise_intensity(shape, pop_census)
        # Move the census back to 1 January of the census year (see fiscalsim.demography.base).
        S, _ = survival_ratios(lt.Lx, lt.Tx)
        base = move_back(pop_census, (month - 1) / 12.0, S, lt, rate[0] * g * pop_census)
    except ValueError as exc:  # inputs that leave no population to project
        raise ScenarioError(f"the census and migration inputs give no usable base population: {exc}",
                            key="demography.migration") from None

    ret = d["retirement"]
    return DemographyInputs(
        unit_names=tuple(names),
        years=np.asarray(years),
        base_population=base,
        mx_base=mx_base[None],
        lc_bx=lc.bx,
        lc_drift=lc.drift * mort["drift_multiplier"].scalar(),
        lc_sigma=mort["kt_sigma"].scalar(),
        tfr_target=fert["tfr"].series(years),
        tfr_process=AR1(fert["ar1_phi"].scalar(), fert["ar1_sigma"].scalar()),
        fertility_pattern=np.tile(pattern, (len(years), 1)),
        srb=fert["srb"].series(years),
        migration_rate_target=np.tile(rate, (len(names), 1)),
        migration_process=AR1(mig["ar1_phi"].scalar(), mig["ar1_sigma"].scalar()),
        migration_intensity=g,
        retirement=RetirementSchedule(_retirement_rules(ret), ret["female_cadre_share"].scalar()),
        working_age_min=int(ret["working_age_min"].scalar()),
    )
