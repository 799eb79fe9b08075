"""Which census rows make a city, and the checks that keep a city's census honest.

A city is named by its administrative code (GB/T 2260): six digits, the first two the province,
the next two the prefecture, the last two the unit within it. Codes ending in ``00`` are
prefectures (the row is the city total; its units are the rows sharing the first four digits);
``01``-``20`` are urban districts (市辖区); ``21``-``80`` counties and other county-level areas;
``81``-``99`` county-level cities. A unit named ``…市`` is a county-level city whatever its code
(漠河市, 232701, kept a district-like code when the county became a city).

The checks, each an error with the table, its rows and what was expected:

* the code must be a prefecture or a county-level unit; a district given as a city is refused,
  naming the city it belongs to (its rows would otherwise count the city-total row as a unit);
* a prefecture's unit rows must sum to its total row within :data:`SUM_TOLERANCE`, in every
  census used (otherwise the units are not the city, or a census counted part of it only in the
  total);
* the units of the two censuses must be the same codes, or every difference must be covered by a
  documented mapping (``demography.census.boundary_changes``): groups of first-census units that
  cover the same area as groups of base-census units. ``rest`` in a group's ``first`` list stands
  for persons the first census counted only in the city total (then the first census's units may
  fall short of the total; the base census's may not, since its units are projected).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # a run's worker processes load scenarios without pandas
    import pandas as pd

from fiscalsim.scenario.errors import shown
from fiscalsim.scenario.yamlio import ScenarioError

#: Largest relative gap allowed between the sum of a city's unit rows and its total row.
SUM_TOLERANCE = 0.001
#: Stands, in a mapping group, for persons a census counted only in the city total.
REST = "rest"
CODE_KEY = "demography.census.city_code"
MAPPING_KEY = "demography.census.boundary_changes"


@dataclass(frozen=True)
class CityRows:
    """The rows of one census that make a city.

    code, name : the city; kind : ``prefecture`` or ``county-level``;
    unit_codes, unit_names : its units (a county-level city is its own single unit);
    total_rows : the table's row numbers (header = row 1) of the city-total row, for messages.
    """

    code: int
    name: str
    kind: str
    unit_codes: tuple[int, ...]
    unit_names: tuple[str, ...]
    total_rows: tuple[int, ...]


def code_kind(code: int, name: str) -> str:
    """``province``, ``prefecture``, ``district`` or ``county-level`` for a six-digit code."""
    if not 100000 <= code <= 999999:
        return "invalid"
    last, middle = code % 100, (code // 100) % 100
    if last == 0:
        return "province" if middle == 0 else "prefecture"
    if name.endswith("市"):
        return "county-level"
    return "district" if last <= 20 else "county-level"


def _names(df: pd.DataFrame) -> dict[int, str]:
    pairs = df[["unit_code", "unit_name"]].drop_duplicates("unit_code")
    return dict(zip(pairs["unit_code"].astype(int), pairs["unit_name"].astype(str), strict=True))


def _rows_of(df: pd.DataFrame, code: int) -> tuple[int, ...]:
    idx = np.flatnonzero(df["unit_code"].to_numpy() == code)
    return tuple(int(i) + 2 for i in idx)


def _span(rows: tuple[int, ...]) -> str:
    return f"row {rows[0]}" if len(rows) == 1 else f"rows {rows[0]}-{rows[-1]}"


def city_kind(df: pd.DataFrame, code: int, table: str) -> tuple[str, str]:
    """The name and kind (``prefecture`` or ``county-level``) of city ``code`` in ``df`` (read from
    ``table``); an error when the table has no rows for the code or it is not a city."""
    names = _names(df)
    if code not in names:
        raise ScenarioError(f"table {table} has no rows for code {code}; it covers codes such as "
                            f"{sorted(names)[:6]}", key=CODE_KEY)
    name = names[code]
    kind = code_kind(code, name)
    if kind == "district":
        parent = code // 100 * 100
        whose = f"{names[parent]} ({parent})" if parent in names else f"the city with code {parent}"
        raise ScenarioError(f"{code} ({name}) is a district of {whose}, not a city: give the city's code "
                            f"{parent}, or a county-level city or county", key=CODE_KEY)
    if kind in ("province", "invalid"):
        raise ScenarioError(f"{code} ({name}) is not a prefecture (code ending in 00) or a county-level city or "
                            "county", key=CODE_KEY)
    return name, kind


def city_rows(df: pd.DataFrame, year: int, code: int, table: str) -> CityRows:
    """The units of city ``code`` in census ``year`` of ``df`` (read from ``table``)."""
    in_year = df[df["census_year"] == year]
    names = _names(df)
    name, kind = city_kind(df, code, table)
    if in_year[in_year["unit_code"] == code].empty:
        raise ScenarioError(f"table {table}: census {year} has no rows for {code} ({name})", key=CODE_KEY)
    if kind == "county-level":
        return CityRows(code, name, kind, (code,), (name,), _rows_of(in_year_index(df, year), code))
    units = sorted(c for c in set(in_year["unit_code"].astype(int)) if c // 100 == code // 100 and c != code)
    if not units:
        raise ScenarioError(f"table {table}: census {year} has a total row for {code} ({name}) but no unit rows "
                            f"(codes {code + 1}-{code + 99})", key=CODE_KEY)
    return CityRows(code, name, kind, tuple(units), tuple(names[c] for c in units),
                    _rows_of(in_year_index(df, year), code))


def in_year_index(df: pd.DataFrame, year: int) -> pd.DataFrame:
    """``df`` with the rows of other census years blanked out, row numbers kept (for messages)."""
    return df.assign(unit_code=df["unit_code"].where(df["census_year"] == year, -1))


def check_unit_sum(df: pd.DataFrame, year: int, city: CityRows, table: str, rest_allowed: bool = False,
                   first: bool = False) -> None:
    """A prefecture's unit rows sum to its total row within :data:`SUM_TOLERANCE` (or fall short of
    it, when ``rest_allowed``: persons counted only in the total, declared by a mapping)."""
    if city.kind != "prefecture":
        return
    in_year = df[df["census_year"] == year]
    total = float(in_year.loc[in_year["unit_code"] == city.code, "persons"].sum())
    units = float(in_year.loc[in_year["unit_code"].isin(city.unit_codes), "persons"].sum())
    gap = units / total - 1.0 if total > 0 else np.inf
    if abs(gap) <= SUM_TOLERANCE or (rest_allowed and units < total):
        return
    hint = (f"; if that census counted part of the city only in its total, say so with '{REST}' in a group of "
            f"{MAPPING_KEY}" if first and not rest_allowed else "")
    raise ScenarioError(
        f"table {table}: census {year}: the {len(city.unit_codes)} unit rows of {city.name} ({city.code}) sum to "
        f"{units:,.0f} persons, but its total row ({_span(city.total_rows)}) says {total:,.0f} ({100 * gap:+.1f} %; "
        f"at most ±{100 * SUM_TOLERANCE:g} % is accepted): the units are not the whole city{hint}", key=CODE_KEY)


def parse_mapping(raw: Any) -> list[tuple[tuple[int | str, ...], tuple[int, ...]]]:
    """``boundary_changes`` → [(first-census codes, base-census codes)], shapes checked."""
    if raw is None:
        return []
    if not isinstance(raw, dict) or set(raw) != {"source", "groups"}:
        raise ScenarioError("expected a mapping with source (why the units changed) and groups (a list of "
                            "{first: [codes], second: [codes]})", key=MAPPING_KEY)
    if not isinstance(raw["source"], str) or not raw["source"].strip():
        raise ScenarioError("the boundary changes need a source: a reference, or how the groups were made",
                            key=f"{MAPPING_KEY}.source")
    groups = raw["groups"]
    if not isinstance(groups, list) or not groups:
        raise ScenarioError(f"groups must be a non-empty list, got {shown(groups)}", key=f"{MAPPING_KEY}.groups")
    out = []
    for i, g in enumerate(groups):
        where = f"{MAPPING_KEY}.groups[{i}]"
        if not isinstance(g, dict) or set(g) != {"first", "second"}:
            raise ScenarioError(f"expected {{first: [codes], second: [codes]}}, got {shown(g)}", key=where)
        first, second = g["first"], g["second"]
        if not (isinstance(first, list) and first and all(_is_code(c) or c == REST for c in first)):
            raise ScenarioError(f"first must list codes (or '{REST}'), got {shown(first)}", key=f"{where}.first")
        if not (isinstance(second, list) and second and all(_is_code(c) for c in second)):
            raise ScenarioError(f"second must list codes, got {shown(second)}", key=f"{where}.second")
        out.append((tuple(first), tuple(second)))
    return out


def _is_code(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_same_units(first: CityRows, second: CityRows, first_year: int, second_year: int,
                     groups: list[tuple[tuple[int | str, ...], tuple[int, ...]]]) -> bool:
    """The two censuses' units are the same codes, or the mapping covers every difference.

    Returns whether the mapping declares persons counted only in the first census's total
    (``rest``)."""
    for codes, census, year, side in ((first.unit_codes, 0, first_year, "first"),
                                      (second.unit_codes, 1, second_year, "second")):
        listed = [c for g in groups for c in g[census] if c != REST]
        twice = sorted({c for c in listed if listed.count(c) > 1})
        if twice:
            raise ScenarioError(f"units {twice} appear in more than one group's {side} list", key=MAPPING_KEY)
        unknown = sorted(set(listed) - set(codes))
        if unknown:
            raise ScenarioError(f"{side} lists {unknown}, which are not units of {first.name} ({first.code}) in "
                                f"census {year} (its units: {list(codes)})", key=MAPPING_KEY)
    mapped_first = {c for g in groups for c in g[0]}
    mapped_second = {c for g in groups for c in g[1]}
    only_first = sorted(set(first.unit_codes) - set(second.unit_codes) - mapped_first)
    only_second = sorted(set(second.unit_codes) - set(first.unit_codes) - mapped_second)
    if only_first or only_second:
        def show(codes: list[int], city: CityRows) -> str:
            names = dict(zip(city.unit_codes, city.unit_names, strict=True))
            return ", ".join(f"{c} {names[c]}" for c in codes[:8]) or "none"

        raise ScenarioError(
            f"the units of {second.name} ({second.code}) changed between the censuses: only in {first_year}: "
            f"{show(only_first, first)}; only in {second_year}: {show(only_second, second)}. Give "
            f"{MAPPING_KEY} (groups of {first_year} units that cover the same area as groups of {second_year} "
            "units, with a source); fiscalsim new-city writes one", key=MAPPING_KEY)
    return REST in mapped_first
