"""CSV tables named in scenario files: the census table and year-indexed parameter tables.

Both are read strictly: UTF-8 text (GBK is refused with the line of the first bad byte), at most
:data:`MAX_TABLE_BYTES`, every cell checked. A bad cell is an error that names the table, the
row (numbered as lines of the file: the header is row 1) and the column; blank cells are errors,
never NaN.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from fiscalsim.scenario.errors import Problems, ScenarioError, shown
from fiscalsim.scenario.yamlio import decode_utf8

if TYPE_CHECKING:
    import pandas as pd

MAX_TABLE_BYTES = 50_000_000
CENSUS_COLUMNS = ("census_year", "unit_code", "unit_name", "sex", "age_group", "persons")
SEXES = ("male", "female")
YEARS = (1950, 2200)  #: the years a path or table may name (those of simulation.base_year/horizon)
_AGE_GROUP = re.compile(r"^(\d{1,3})(?:-(\d{1,3})|(\+))?$")
_INTEGER = re.compile(r"^[+-]?\d{1,18}$")


def read_csv(path: Path, key: str, what: str = "table") -> pd.DataFrame:
    """Every cell of a CSV file as text (spaces stripped); errors name ``key`` and the file as ``what``."""
    import pandas as pd  # imported on use: the simulation never needs it

    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_TABLE_BYTES + 1)
    except FileNotFoundError:
        raise ScenarioError(f"{what} not found: {path}", key=key) from None
    except (OSError, ValueError) as exc:
        raise ScenarioError(f"cannot read table {path}: {getattr(exc, 'strerror', None) or exc}", key=key) from None
    if len(data) > MAX_TABLE_BYTES:
        raise ScenarioError(f"table {path} is larger than {MAX_TABLE_BYTES:,} bytes", key=key)
    try:
        text = decode_utf8(data, path)
    except ScenarioError as exc:
        raise ScenarioError(f"table {path}, row {exc.line}: {exc.message}", key=key) from None
    if not text.strip():
        raise ScenarioError(f"table {path} is empty: expected a header row and data rows", key=key)
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise ScenarioError(f"table {path} is not a valid CSV file: {str(exc).strip()}", key=key) from None
    df.columns = [str(c).strip() for c in df.columns]
    if len(set(df.columns)) != len(df.columns):
        raise ScenarioError(f"table {path} repeats a column name: {list(df.columns)}", key=key)
    return df.apply(lambda col: col.str.strip())


def _rows(mask: np.ndarray) -> list[int]:
    """Row numbers (header = row 1) where ``mask`` holds."""
    return [int(i) + 2 for i in np.flatnonzero(mask)]


def _bad_cells(df: pd.DataFrame, column: str, bad: np.ndarray, path: Path, expected: str, key: str) -> ScenarioError:
    rows = _rows(bad)
    first = df[column].iloc[rows[0] - 2]
    more = f" (and {len(rows) - 1:,} more rows)" if len(rows) > 1 else ""
    got = "a blank cell" if first == "" else shown(first)
    return ScenarioError(f"table {path}, row {rows[0]}, column {column}: expected {expected}, got {got}{more}",
                         key=key)


def _numbers(cells: pd.Series) -> np.ndarray:
    """Cells as floats; NaN where a cell is not a finite number (blank included)."""
    import pandas as pd  # imported on use: the simulation never needs it

    values = pd.to_numeric(cells.where(cells != ""), errors="coerce").to_numpy(dtype=float)
    return np.where(np.isfinite(values), values, np.nan)


def _integers(cells: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Cells as integers (−1 where a cell is not one) and where they are."""
    ok = cells.str.fullmatch(_INTEGER).to_numpy(dtype=bool)
    out = np.array([int(c) if good else -1 for c, good in zip(cells, ok, strict=True)], dtype=np.int64)
    return out, ok


def read_census_table(path: Path, key: str) -> pd.DataFrame:
    """The census table, each cell checked: integer years and unit codes, sex ``male`` or
    ``female``, age groups like ``0``, ``1-4``, ``85+``, persons a number ≥ 0, no repeated
    (census_year, unit_code, sex, age_group) row."""
    import pandas as pd  # imported on use: the simulation never needs it

    df = read_csv(path, key, "census table")
    missing = [c for c in CENSUS_COLUMNS if c not in df.columns]
    if missing:
        raise ScenarioError(f"table {path} lacks columns {missing}; it has {list(df.columns)[:12]}", key=key)
    if df.empty:
        raise ScenarioError(f"table {path} has a header but no rows", key=key)
    problems = Problems()
    out = pd.DataFrame({"unit_name": df["unit_name"], "sex": df["sex"], "age_group": df["age_group"]})
    for column in ("census_year", "unit_code"):
        values, ok = _integers(df[column])
        if not ok.all():
            problems.add(_bad_cells(df, column, ~ok, path, "an integer", key))
        out[column] = values
    bad_sex = ~df["sex"].isin(SEXES).to_numpy()
    if bad_sex.any():
        problems.add(_bad_cells(df, "sex", bad_sex, path, "male or female", key))
    out["persons"] = _ages_and_persons(df, path, key, problems, "0, 1-4 or 85+")
    problems.raise_if_any()
    ident = ["census_year", "unit_code", "sex", "age_group"]
    dup = out.duplicated(ident, keep=False).to_numpy()
    if dup.any():
        rows = _rows(dup)
        raise ScenarioError(f"table {path}, rows {rows[0]} and {rows[1]}: the same census year, unit, sex and "
                            "age group appear twice", key=key)
    return out[list(CENSUS_COLUMNS)]


def read_group_table(path: Path, key: str) -> tuple[list[tuple[int, int | None]], np.ndarray]:
    """Bounds and persons of a broad-age-group table (columns ``age_group``, ``persons``), each cell
    checked: age groups like ``0-14`` or ``65+``, persons a number ≥ 0, some of them positive."""
    df = read_csv(path, key, "population table")
    if list(df.columns) != ["age_group", "persons"]:
        raise ScenarioError(f"table {path}: expected columns ['age_group', 'persons'], got {list(df.columns)[:12]}",
                            key=key)
    if df.empty:
        raise ScenarioError(f"table {path} has a header but no rows", key=key)
    problems = Problems()
    persons = _ages_and_persons(df, path, key, problems, "0-14 or 65+")
    problems.raise_if_any()
    if persons.sum() <= 0:
        raise ScenarioError(f"table {path} has no persons", key=key)
    return [age_group_bounds(label) for label in df["age_group"]], persons


def _ages_and_persons(df: pd.DataFrame, path: Path, key: str, problems: Problems, examples: str) -> np.ndarray:
    """The ``persons`` column as numbers; every cell of it and of ``age_group`` that is not what a
    population table holds (an age group like ``examples``, a number ≥ 0) added to ``problems``."""
    bad_age = ~df["age_group"].str.fullmatch(_AGE_GROUP).to_numpy(dtype=bool)
    if bad_age.any():
        problems.add(_bad_cells(df, "age_group", bad_age, path, f"an age group like {examples}", key))
    persons = _numbers(df["persons"])
    bad_persons = ~(persons >= 0)
    if bad_persons.any():
        problems.add(_bad_cells(df, "persons", bad_persons, path, "a number of persons ≥ 0", key))
    return persons


def age_group_bounds(label: str) -> tuple[int, int | None]:
    """Lower bound and (closed groups) upper bound of an age-group label; ``(85, None)`` for 85+."""
    m = _AGE_GROUP.fullmatch(label)
    if m is None:
        raise ValueError(f"not an age group: {label!r}")
    lo = int(m.group(1))
    if m.group(3):
        return lo, None
    return lo, int(m.group(2)) if m.group(2) else lo


def check_age_groups(labels: list[str], where: str, key: str) -> None:
    """Census age groups must run from 0 without gaps and end with an open group ``N+`` (N ≤ 100)."""
    bounds = [age_group_bounds(lab) for lab in labels]
    expected_lo = 0
    for lab, (lo, hi) in zip(labels, bounds, strict=True):
        if lo != expected_lo or (hi is not None and hi < lo):
            raise ScenarioError(f"{where}: age groups must run from 0 without gaps or overlaps; "
                                f"{lab!r} should start at {expected_lo}", key=key)
        if hi is None and lab != labels[-1]:
            raise ScenarioError(f"{where}: the open age group {lab!r} must be the last", key=key)
        expected_lo = (hi or lo) + 1
    if bounds[-1][1] is not None or not 1 <= bounds[-1][0] <= 100:
        raise ScenarioError(f"{where}: the last age group must be open, like 85+ (at most 100+)", key=key)


def read_param_table(path: Path, column: str, key: str, file: str | None, line: int | None) -> list[tuple[int, float]]:
    """``(year, value)`` points of a parameter table: a ``year`` column of integers within
    :data:`YEARS`, each once, and ``column`` of numbers (in the parameter's unit, unconverted)."""
    import pandas as pd  # imported on use: the simulation never needs it

    try:
        df = read_csv(path, key)
    except ScenarioError as exc:
        raise ScenarioError(exc.message, file, line, key) from None
    if "year" not in df.columns or column not in df.columns:
        raise ScenarioError(f"table {path} needs columns year and {shown(column)}; it has {list(df.columns)[:12]}",
                            file, line, key)
    if df.empty:
        raise ScenarioError(f"table {path} has a header but no rows", file, line, key)
    years, ok = _integers(df["year"])
    ok = ok & (years >= YEARS[0]) & (years <= YEARS[1])
    if not ok.all():
        raise ScenarioError(_bad_cells(df, "year", ~ok, path, f"a year from {YEARS[0]} to {YEARS[1]}", key).message,
                            file, line, key)
    values = _numbers(df[column])
    if np.isnan(values).any():
        raise ScenarioError(_bad_cells(df, column, np.isnan(values), path, "a number", key).message, file, line, key)
    dup = pd.Series(years).duplicated(keep=False).to_numpy()
    if dup.any():
        rows = _rows(dup)
        raise ScenarioError(f"table {path}, rows {rows[0]} and {rows[1]}: year {years[rows[0] - 2]} appears twice",
                            file, line, key)
    return sorted(zip(years.tolist(), values.tolist(), strict=True))
