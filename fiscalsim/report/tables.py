"""Tidy tables of a run, in one money unit, with a ``unit`` column.

Conventions (the same in every table, file and chart):

* money in one unit per output, chosen by the user: 亿元 (10⁸ yuan) by default for Chinese
  scenarios (see :func:`default_money_unit`), also 万元, yuan, million yuan or billion yuan;
* ratios as percent, with unit ``percent``; persons, years and indices as they are;
* a first-passage year that does not happen by the horizon is a missing value (``pd.NA``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from fiscalsim.finance.books import book_set
from fiscalsim.report.headline import first_event_years, severity_class, year_or_na
from fiscalsim.report.kinds import MONEY_UNIT_CURRENCY, MONEY_UNITS
from fiscalsim.report.pathquantiles import path_quantiles
from fiscalsim.report.population import QUANTILES
from fiscalsim.scenario.schema import ParamValue
from fiscalsim.triggers.rules import NEVER, first_fired
from fiscalsim.units import UNITS

#: Key series that are not money, with their units.
#: Distribution and process parameters stated in the parameter's own unit (the rest are shapes).
IN_UNIT_PARAMS = {"value", "mean", "sd", "median", "low", "high", "mode", "drift", "sigma"}
YEAR_COLUMNS = ("median_year", "q10_year", "q90_year")


def key_label(settings: dict[str, Any], key: str) -> str:
    """``key`` (e.g. a sweep's ``policies.transfer_cut.share.value``) with its parameter's unit when
    it names a value stated in that unit: ``policies.transfer_cut.share.value (percent)``."""
    head, _, field = key.rpartition(".")
    if field in IN_UNIT_PARAMS:
        param = dict(scenario_parameters(settings)).get(head)
        if param is not None and param.unit:
            return f"{key} ({param.unit})"
    return key


def check_money_unit(unit: str) -> str:
    if unit not in MONEY_UNITS:
        raise ValueError(f"money unit {unit!r} is not one of {list(MONEY_UNITS)}")
    return unit


def scenario_parameters(settings: dict[str, Any], prefix: str = "") -> list[tuple[str, ParamValue]]:
    """Every parameter of a scenario's settings as (key path, value), in file order."""
    out = []
    for key, value in settings.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, ParamValue):
            out.append((path, value))
        elif isinstance(value, dict):
            out += scenario_parameters(value, path)
    return out


def check_money_currency(unit: str, sc) -> str:
    """``unit`` when it is money of the scenario's currency; a ValueError otherwise (no conversion
    between currencies)."""
    check_money_unit(unit)
    currency = getattr(sc, "currency", "yuan")
    if MONEY_UNIT_CURRENCY[unit] != currency:
        choices = [u for u, c in MONEY_UNIT_CURRENCY.items() if c == currency]
        raise ValueError(f"money unit {unit!r} is not {currency}, the money of scenario {sc.name!r}; "
                         f"expected one of {choices}")
    return unit


def default_money_unit(sc) -> str:
    """The scenario's ``report.money_unit``; else 億円 for a scenario whose money is yen; 亿元 for a
    scenario with Chinese rules or money stated in 万元/亿元; yuan otherwise."""
    if sc.report is not None and sc.report.money_unit is not None:
        return sc.report.money_unit
    if getattr(sc, "currency", "yuan") == "yen":
        return "億円"
    chinese = any(r.pack.startswith("china") for r in sc.rules)
    chinese |= any(p.unit.startswith(("万元", "亿元")) for _, p in scenario_parameters(sc.settings))
    return "亿元" if chinese else "yuan"


def indicator_kind(rule) -> str:
    """``ratio`` for a rule whose indicator has a denominator, ``money`` otherwise."""
    return "ratio" if rule.indicator.denominator else "money"


def display_scale(kind: str, money_unit: str) -> tuple[float, str]:
    """Multiplier from model units and the unit shown, for a ratio or money quantity."""
    if kind == "ratio":
        return 100.0, "percent"
    if kind == "money":
        return 1.0 / MONEY_UNITS[money_unit], money_unit
    return 1.0, kind


def rule_records(rules, money_unit: str = "亿元") -> list[dict]:
    """The rules as the run's manifest records them; the charts read them back. ``scale`` turns
    a threshold from model units into the unit shown (percent for ratios, ``money_unit`` for money)."""
    out = []
    for r in rules:
        t = r.threshold
        spec = ({"value": t.value} if t.value is not None else {"path": [list(p) for p in t.path]} if t.path
                else {"series": t.series} if t.series is not None else {"points": [list(p) for p in t.points]})
        scale, unit = display_scale(indicator_kind(r), money_unit)
        out.append({"id": r.id, "pack": r.pack, "name": r.name, "comparator": r.comparator,
                    "severity": r.level or r.severity, "severity_class": severity_class(r.severity),
                    "headline": bool(r.headline), "reference": r.reference, "threshold": spec,
                    "indicator_key": repr(r.indicator), "unit": unit, "scale": scale})
    return out


def series_scale(name: str, money_unit: str, non_money: dict[str, str]) -> tuple[float, str]:
    """Multiplier and unit of a key series; ``non_money``: the book set's lines that are not money
    (persons, indices, flags: ``BookOutline.non_money``, as the books' own tables state them)."""
    if name == "services_per_capita":  # in the currency's base unit
        return 1.0, f"{MONEY_UNIT_CURRENCY[money_unit]} per person"
    if name in non_money:
        return 1.0, non_money[name]
    return display_scale("money", money_unit)


def quantile_frame(arr: np.ndarray, years: np.ndarray, kind: str, name: str, unit: str) -> pd.DataFrame:
    """Per-year mean and quantiles over paths of one series ``(n_paths, n_years)``."""
    mean, q = path_summary(arr)
    frame = pd.DataFrame({"year": years, "kind": kind, "name": name, "unit": unit, "mean": mean})
    for k, level in enumerate(QUANTILES):
        frame[f"q{round(level * 100):02d}"] = q[k]
    return frame


def path_summary(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean ``(n_years,)`` and quantiles ``(n_quantiles, n_years)`` over paths; non-finite values
    (a ratio over a zero denominator) are left out."""
    ok = np.isfinite(arr)
    if ok.all():  # the common case: quantiles by sorting (bitwise np.quantile, faster)
        return arr.mean(axis=0), path_quantiles(arr, QUANTILES)
    finite = np.where(ok, arr, np.nan)
    return np.nanmean(finite, axis=0), np.nanquantile(finite, QUANTILES, axis=0)


def quantile_table(result, money_unit: str) -> pd.DataFrame:
    """Per-year quantiles over paths of each rule's indicator and each key series.

    Columns: year, kind (indicator or series), name, unit, mean, q05 … q95. Indicators that are
    ratios are in percent; money in ``money_unit``; non-finite values (a ratio over a zero
    denominator) are left out of the quantiles. Built as columns of NumPy arrays and made into
    one DataFrame at the end.
    """
    labels, means, quantiles = [], [], []
    for kind, name, unit, arr in scaled_series(result, money_unit):  # one series in memory at a time
        mean, q = path_summary(arr)
        labels.append((kind, name, unit))
        means.append(mean)
        quantiles.append(q)
    years = np.asarray(result.years)
    columns = {"year": np.tile(years, len(labels))}
    for i, column in enumerate(("kind", "name", "unit")):
        columns[column] = np.repeat(np.array([label[i] for label in labels], dtype=object), len(years))
    columns["mean"] = np.concatenate(means)
    stacked = np.concatenate(quantiles, axis=1)  # (n_quantiles, n_series × n_years)
    for k, level in enumerate(QUANTILES):
        columns[f"q{round(level * 100):02d}"] = stacked[k]
    return pd.DataFrame(columns)


def scaled_series(result, money_unit: str, names=None) -> Iterator[tuple[str, str, str, np.ndarray]]:
    """(kind, name, unit, values ``(n_paths, n_years)`` in that unit) of each rule's indicator
    (percent for ratios) and each key series, in table order (only ``names`` when given)."""
    for rule in result.rules:
        if names is None or rule.id in names:
            factor, unit = display_scale(indicator_kind(rule), money_unit)
            yield "indicator", rule.id, unit, result.indicators[rule.id] * factor
    non_money = book_set(result.books).outline.non_money
    for name, arr in result.series.items():
        if names is None or name in names:
            factor, unit = series_scale(name, money_unit, non_money)
            yield "series", name, unit, arr * factor


def path_series_table(result, money_unit: str, names) -> pd.DataFrame:
    """Every path's values of the named rule indicators and key series, in the units of the
    quantile table: path, year, kind, name, unit, value (paths × years rows per name)."""
    years = np.asarray(result.years)
    n_paths = result.first_passage.shape[0]
    parts = list(scaled_series(result, money_unit, set(names)))
    rows = n_paths * len(years)
    return pd.DataFrame({
        "path": np.tile(np.repeat(np.arange(n_paths), len(years)), len(parts)),
        "year": np.tile(years, n_paths * len(parts)),
        "kind": np.repeat(np.array([p[0] for p in parts], dtype=object), rows),
        "name": np.repeat(np.array([p[1] for p in parts], dtype=object), rows),
        "unit": np.repeat(np.array([p[2] for p in parts], dtype=object), rows),
        "value": np.concatenate([p[3].ravel() for p in parts]) if parts else np.empty(0),
    })


def _years_column(values: np.ndarray) -> pd.Series:
    return pd.Series(np.where(values == NEVER, 0, values), dtype="Int64").mask(values == NEVER)


def first_passage_wide(result) -> pd.DataFrame:
    """One row per path: the first year of each rule (missing: not by the horizon), the rule that
    fires first, and the first restructuring- or default-class event."""
    fp = result.first_passage
    df = pd.DataFrame({"path": np.arange(fp.shape[0])})
    for j, rid in enumerate(result.rule_ids):
        df[rid] = _years_column(fp[:, j])
    first = first_fired(fp, result.rule_ids)
    df["first_rule"] = pd.Series(first, dtype="string").mask(first == "none")
    df["first_restructuring_or_default"] = _years_column(first_event_years(fp, result.rules))
    return df


def first_passage_long(result) -> pd.DataFrame:
    """Tidy first-passage years: path, rule, severity_class, year (missing: not by the horizon)."""
    fp = result.first_passage
    n_paths, n_rules = fp.shape
    return pd.DataFrame({
        "path": np.repeat(np.arange(n_paths), n_rules),
        "rule": np.tile(result.rule_ids, n_paths),
        "severity_class": np.tile([severity_class(r.severity) for r in result.rules], n_paths),
        "year": _years_column(fp.ravel()),
    })


def summary_with_na(summary: pd.DataFrame) -> pd.DataFrame:
    """A run summary (``report.run.summary_table``) with missing years for "not by the horizon"
    and each rule's severity class."""
    out = summary.copy()
    for col in YEAR_COLUMNS:
        if col in out.columns:
            out[col] = pd.array([year_or_na(v) for v in out[col]], dtype="Int64")
    if "severity" in out.columns and "severity_class" not in out.columns:
        out.insert(out.columns.get_loc("severity") + 1, "severity_class", [severity_class(s) for s in out.severity])
    return out


def summary_long(summary: pd.DataFrame) -> pd.DataFrame:
    """Tidy summary: rule, severity_class, measure, year, value, unit (percent or year)."""
    table = summary_with_na(summary)
    rows = []
    for r in table.to_dict("records"):
        for col, value in r.items():
            if col.startswith("p_by_"):
                rows.append((r["rule"], r["severity_class"], "p_by", int(col[5:]), 100.0 * value, "percent"))
            elif col in YEAR_COLUMNS:
                rows.append((r["rule"], r["severity_class"], col, pd.NA, value, "year"))
            elif col == "share_first":
                rows.append((r["rule"], r["severity_class"], "p_first", pd.NA, 100.0 * value, "percent"))
    out = pd.DataFrame(rows, columns=["rule", "severity_class", "measure", "year", "value", "unit"])
    out["year"] = out["year"].astype("Int64")
    out["value"] = out["value"].astype("Float64")
    return out


def pyramid_table(result) -> pd.DataFrame:
    """City population by year (base and report year), sex and single age: quantiles over paths."""
    q = path_quantiles(result.pyramid, [0.1, 0.5, 0.9])  # (3, 2 years, 2 sexes, n_ages)
    _, n_years, n_sexes, n_ages = q.shape
    n_rows = n_years * n_sexes * n_ages
    return pd.DataFrame({
        "year": np.repeat(np.asarray(result.pyramid_years), n_sexes * n_ages),
        "sex": np.tile(np.repeat(np.array(["male", "female"], dtype=object), n_ages), n_years),
        "age": np.tile(np.arange(n_ages), n_years * n_sexes), "unit": "persons",
        "q10": q[0].reshape(n_rows), "q50": q[1].reshape(n_rows), "q90": q[2].reshape(n_rows),
    })


def _unit_factor(unit: str) -> float:
    return next((table[unit] for table in UNITS.values() if unit in table), 1.0)


def describe_parameter(p: ParamValue) -> str:
    """A parameter's value, path or distribution in the unit the scenario states."""
    f = _unit_factor(p.unit)

    def num(x: float) -> str:  # as many digits as a file states (1046508 万元, not 1.04651e+06)
        return f"{x / f:.10g}"

    if p.distribution is not None:
        args = ", ".join(f"{k}={num(v) if k in IN_UNIT_PARAMS else f'{v:.6g}'}" for k, v in p.distribution.params)
        text = f"{p.distribution.kind}({args})"
    elif p.path is not None:
        text = ", ".join(f"{y}: {num(v)}" for y, v in p.path)
        text = f"path {{{text}}}" + (" (steps)" if p.interpolation == "step" else "")
    else:
        text = num(p.value)
    if p.process is not None:
        args = ", ".join(f"{k}={num(v) if k in IN_UNIT_PARAMS else f'{v:.6g}'}" for k, v in p.process.params)
        text += f" + {p.process.kind}({args})"
    if p.clip is not None:
        text += f", clipped to [{num(p.clip[0])}, {num(p.clip[1])}]"
    return text


def assumptions_table(sc) -> pd.DataFrame:
    """Every parameter of a scenario: key, value (or path or distribution, in its stated unit),
    unit, uncertain (drawn per path) and source."""
    rows = [{"key": key, "value": describe_parameter(p), "unit": p.unit, "uncertain": p.uncertain,
             "source": " ".join(p.source.split())} for key, p in scenario_parameters(sc.settings)]
    return pd.DataFrame(rows, columns=["key", "value", "unit", "uncertain", "source"])


def with_missing_years(table: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """A copy of ``table`` whose year ``columns`` hold ``pd.NA`` instead of the 9999 sentinel."""
    out = table.copy()
    for col in columns:
        out[col] = pd.array([year_or_na(v) for v in out[col]], dtype="Int64")
    return out


def years_as_text(table: pd.DataFrame, columns: tuple[str, ...], horizon: int) -> pd.DataFrame:
    """A copy for printing: year ``columns`` as text, "not by HORIZON" where missing or 9999."""
    out = with_missing_years(table, columns)
    for col in columns:
        out[col] = [f"not by {horizon}" if pd.isna(v) else str(v) for v in out[col]]
    return out
