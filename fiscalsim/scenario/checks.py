"""Checks that relate several keys of a scenario: simulated years, levers, debt swap, rules and
correlations. Each records its errors in a :class:`~fiscalsim.scenario.errors.Problems`
collector (or raises one :class:`ScenarioError`), located by key path in the scenario tree.

The rules for years (see ``docs/input_rules.md``):

* a lever's ``from`` (or ``year``) lies after the base year, whose accounts are data, and no
  later than the horizon;
* a year path (``path:`` or ``table:``) names years from 1950 to 2200 and at least one inside
  the simulation; points outside it only shape the interpolation (a path is evaluated at the
  simulated years — the documented clamp).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from fiscalsim.scenario.errors import Problems, ScenarioError, shown
from fiscalsim.scenario.schema import ParamValue, location_of
from fiscalsim.scenario.yamlio import Node, suggest
from fiscalsim.units import UNITS

RULE_ID = re.compile(r"^[\w-]{1,64}$")


def located(node: Any, key: str, message: str, suggestion: str | None = None) -> ScenarioError:
    """An error at the file and line of ``key`` in the scenario tree ``node``."""
    file, line = location_of(node, key)
    return ScenarioError(message, file, line, key, suggestion)


def simulation_years(sim: dict[str, Any], node: Node, problems: Problems) -> np.ndarray | None:
    """The simulated years, or None (with the errors recorded) when the settings conflict."""
    base, horizon = sim.get("base_year"), sim.get("horizon")
    if base is None or horizon is None:
        return None
    if horizon <= base:
        problems.add(located(node, "simulation.horizon", "horizon must be after base_year"))
        return None
    y = sim.get("triggers_from")
    if y is not None and not base <= y <= horizon:
        problems.add(located(node, "simulation.triggers_from", "triggers_from must lie between base_year and horizon"))
    y = sim.get("report_year")  # compared with the base year: a later year
    if y is not None and not base < y <= horizon:
        problems.add(located(node, "simulation.report_year", f"report_year must lie after base_year ({base}) and "
                                                             f"up to the horizon ({horizon})"))
    return np.arange(base, horizon + 1)


def _params(settings: Any, prefix: str = ""):
    """``(key path, ParamValue)`` of every parameter in validated settings."""
    if isinstance(settings, ParamValue):
        yield prefix, settings
    elif isinstance(settings, dict):
        for k, v in settings.items():
            yield from _params(v, f"{prefix}.{k}" if prefix else str(k))


def check_paths(settings: dict[str, Any], node: Node, years: np.ndarray, problems: Problems) -> None:
    """Every year path has a point inside the simulation (points outside only shape it)."""
    first, last = int(years[0]), int(years[-1])
    for key, param in _params(settings):
        if param.path is None:
            continue
        path_years = [y for y, _ in param.path]
        if not any(first <= y <= last for y in path_years):
            problems.add(located(node, key, f"the path's years ({path_years[0]}-{path_years[-1]}) all lie outside "
                                            f"the simulation {first}-{last}; give at least one year inside it"))


def check_lever_years(policies: dict[str, Any] | None, node: Node, years: np.ndarray, problems: Problems) -> None:
    """Each lever starts after the base year (its accounts are data) and by the horizon."""
    first, last = int(years[0]), int(years[-1])
    for lever, section in (policies or {}).items():
        if not isinstance(section, dict):
            continue
        for field in ("from", "year"):
            y = section.get(field)
            if isinstance(y, int) and not first < y <= last:
                problems.add(located(node, f"policies.{lever}.{field}",
                                     f"{y} is outside the simulation: a lever acts from {first + 1} (the base year "
                                     f"{first} reproduces published accounts) to the horizon {last}"))


def check_debt_swap(settings: dict[str, Any], node: Node, problems: Problems) -> None:
    """A debt swap cannot exceed the largest LGFV debt the scenario allows."""
    swap = (settings.get("policies") or {}).get("debt_swap")
    lgfv = (settings.get("debt") or {}).get("lgfv_debt")
    if not swap or "amount" not in swap or lgfv is None:
        return
    amount, bound = swap["amount"], lgfv.upper_bound()
    if amount.scalar() > bound:
        factor = UNITS["yuan"][amount.unit]
        problems.add(located(node, "policies.debt_swap.amount",
                             f"swaps {amount.scalar() / factor:,.6g} {amount.unit}, more than the LGFV debt it "
                             f"swaps: debt.lgfv_debt is at most {bound / factor:,.6g} {amount.unit}"))


def check_rules(rules_node: Any, node: Node) -> None:
    """What the rule parser takes for granted: comparators are text (run before parsing)."""
    if not isinstance(rules_node, list):
        return
    for i, item in enumerate(rules_node):
        if isinstance(item, dict) and "comparator" in item and not isinstance(item["comparator"], str):
            file, line = item.where("comparator") if isinstance(item, Node) else (None, None)
            raise ScenarioError(f"expected one of ['>', '>=', '<', '<='], got {shown(item['comparator'])}",
                                file, line, f"triggers.rules[{i}].comparator")


def check_user_rules(rules: list, rules_node: list) -> None:
    """User rules: ids usable as file names, finite thresholds (``.nan`` never compares true)."""
    for i, (rule, item) in enumerate(zip(rules, rules_node, strict=True)):
        key = f"triggers.rules[{i}]"
        if not RULE_ID.fullmatch(rule.id):
            raise ScenarioError("an id is 1 to 64 letters, digits, '_' or '-' (it names files)",
                                *item.where("id"), f"{key}.id")
        t = rule.threshold
        numbers = [t.value] if t.value is not None else []
        numbers += [v for _, v in t.path or ()] + [x for p in t.points or () for x in p]
        if not all(np.isfinite(numbers)):
            raise ScenarioError("thresholds must be finite numbers (.nan would never fire, .inf always)",
                                *item.where("threshold"), f"{key}.threshold")


def build_copula(section: dict[str, Any] | None, node: Node, uncertain: tuple) -> tuple | None:
    """``(keys, Cholesky factor)`` of ``uncertainty.correlations``; None without correlations."""
    from fiscalsim.scenario.targets import correlation_cholesky

    if not section or section.get("correlations") is None:
        return None
    items = section["correlations"]
    file, line = node["uncertainty"].where("correlations")
    drawn = {u.key for u in uncertain if u.param.distribution is not None}
    if not isinstance(items, list) or not items:
        raise ScenarioError("expected a list of correlations", file, line, "uncertainty.correlations")
    pairs: dict[frozenset, tuple[int, tuple[str, str, float]]] = {}
    keys: list[str] = []
    problems = Problems()
    for i, item in enumerate(items):
        item_line = getattr(item, "line", line)
        with problems.collect():
            a, b, rho = _correlation(item, i, file, item_line, drawn)
            pair = frozenset((a, b))
            if pair in pairs:
                raise ScenarioError(f"the pair {a}, {b} is already correlated by correlations[{pairs[pair][0]}]",
                                    file, item_line, f"uncertainty.correlations[{i}].between")
            pairs[pair] = (i, (a, b, rho))
            keys += [k for k in (a, b) if k not in keys]
    problems.raise_if_any()
    return keys, correlation_cholesky(keys, [triple for _, triple in pairs.values()])


def _correlation(item: Any, i: int, file: str, line: int | None, drawn: set[str]) -> tuple[str, str, float]:
    key = f"uncertainty.correlations[{i}]"
    if not isinstance(item, dict) or set(item) != {"between", "rho", "source"}:
        raise ScenarioError("each correlation takes between, rho and source", file, line, key)
    between, rho = item["between"], item["rho"]
    if not (isinstance(between, list) and len(between) == 2 and all(isinstance(k, str) for k in between)):
        raise ScenarioError(f"between must name two parameters, like [debt.lgfv_debt, staffing.staff_per_1000]; "
                            f"got {shown(between)}", file, line, f"{key}.between")
    if between[0] == between[1]:
        raise ScenarioError("between must name two different parameters", file, line, f"{key}.between")
    for k in between:
        if k not in drawn:
            raise ScenarioError(f"{shown(k)} is not a parameter with a distribution", file, line, f"{key}.between",
                                suggest(k, sorted(drawn)))
    if isinstance(rho, bool) or not isinstance(rho, int | float) or not -1 < rho < 1:
        raise ScenarioError(f"rho must be a number strictly between -1 and 1, got {shown(rho)}", file, line,
                            f"{key}.rho")
    if not isinstance(item["source"], str) or not item["source"].strip():
        raise ScenarioError('missing source: give a reference, or "assumption: <why>"', file, line, key)
    return between[0], between[1], float(rho)
