"""Debt maturity profiles from CSV tables (``debt.maturity_tables``).

A table per instrument (``general``, ``special``, ``lgfv``) lists, by calendar year, the principal
falling due and its coupon::

    year,principal_due,coupon
    2020,12.5,6.5
    2021,30.0,6.8

The principal column is in the table's stated money ``unit`` and the coupon in ``percent per
year``. The table gives the **shape** of the ladder at the base year's 1 January: its total is
scaled to the instrument's balance (for government bonds, the balance the base-year accounts
imply, with the base year's own principal due taken from the accounts; for LGFV debt,
``debt.lgfv_debt``, whose uncertainty is kept). Years must run from the base year, each once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from fiscalsim.scenario.yamlio import Node, ScenarioError
from fiscalsim.units import UnitError, to_model_units

INSTRUMENTS = ("general", "special", "lgfv")
SPEC_KEYS = ("table", "unit", "source")
COLUMNS = ("year", "principal_due", "coupon")
MAX_YEARS = 40


@dataclass(frozen=True)
class MaturityTable:
    """Principal due (yuan) and coupon (rate per year) by years after the base year, bucket 0 first."""

    principal: np.ndarray
    coupon: np.ndarray


def _where(node: Any, key: str | None = None):
    return node.where(key) if isinstance(node, Node) else (None, None)


def parse_maturity_tables(spec: Any, scenario_dir: Path, base_year: int) -> dict[str, MaturityTable]:
    """Read and check every table named under ``debt.maturity_tables``."""
    key = "debt.maturity_tables"
    if spec is None:
        return {}
    if not isinstance(spec, dict):
        raise ScenarioError(f"expected a mapping of instruments {list(INSTRUMENTS)} to tables", *_where(spec), key)
    out = {}
    for name, item in spec.items():
        f, line = _where(spec, name)
        if name not in INSTRUMENTS:
            raise ScenarioError(f"unknown instrument; expected one of {list(INSTRUMENTS)}", f, line, f"{key}.{name}")
        if not isinstance(item, dict) or set(item) != set(SPEC_KEYS):
            raise ScenarioError(f"expected exactly the keys {list(SPEC_KEYS)}", f, line, f"{key}.{name}")
        for k in SPEC_KEYS:
            if not isinstance(item[k], str) or not item[k].strip():
                raise ScenarioError("expected a non-empty text", *_where(item, k), f"{key}.{name}.{k}")
        out[name] = read_maturity_table(scenario_dir / item["table"], item["unit"], base_year, f"{key}.{name}",
                                        *_where(item, "table"))
    return out


def read_maturity_table(path: Path, unit: str, base_year: int, key: str, file=None, line=None) -> MaturityTable:
    import pandas as pd  # imported on use: the simulation never needs it

    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise ScenarioError(f"maturity table not found: {path}", file, line, key) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"maturity table {path} cannot be read as UTF-8 CSV: {str(exc)[:200]}", file, line,
                            key) from None
    if tuple(df.columns) != COLUMNS:
        raise ScenarioError(f"maturity table {path} must have the columns {list(COLUMNS)}, has {list(df.columns)[:6]}",
                            file, line, key)
    values = {}
    for col in COLUMNS:
        num = pd.to_numeric(df[col], errors="coerce")
        bad = np.flatnonzero(~np.isfinite(num.to_numpy(dtype=float)))
        if bad.size:
            row = int(bad[0])
            raise ScenarioError(f"maturity table {path}, row {row + 2}, column {col}: expected a number, got "
                                f"{df[col].iloc[row][:40]!r}", file, line, key)
        values[col] = num.to_numpy(dtype=float)
    years = values["year"]
    if np.any(years != np.round(years)) or len(set(years)) != len(years) or years.min() < base_year \
            or years.max() >= base_year + MAX_YEARS:
        raise ScenarioError(f"maturity table {path}: years must be whole, unique and within {base_year}-"
                            f"{base_year + MAX_YEARS - 1}", file, line, key)
    if np.any(values["principal_due"] < 0) or values["principal_due"].sum() <= 0:
        raise ScenarioError(f"maturity table {path}: principal_due must be non-negative with a positive total",
                            file, line, key)
    coupon = np.array([to_model_units(c, "percent per year", "rate_per_year") for c in values["coupon"]])
    if np.any(coupon < 0) or np.any(coupon > 0.3):
        raise ScenarioError(f"maturity table {path}: coupons must lie within 0-30 percent per year", file, line, key)
    try:
        principal = np.array([to_model_units(v, unit, "yuan") for v in values["principal_due"]])
    except UnitError as exc:
        raise ScenarioError(f"{exc}", file, line, key) from None
    buckets = (years - base_year).astype(int)
    full_p, full_c = np.zeros(MAX_YEARS), np.zeros(MAX_YEARS)
    full_p[buckets], full_c[buckets] = principal, coupon
    return MaturityTable(full_p, full_c)
