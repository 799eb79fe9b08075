"""Reading rule packs (``fiscalsim/triggers/packs/*.yaml``) and user rules, strictly."""

from __future__ import annotations

import math
from importlib import resources
from typing import Any

from fiscalsim.finance.books import all_known_lines
from fiscalsim.scenario.yamlio import Node, ScenarioError, load_yaml_text, suggest
from fiscalsim.triggers.rules import (
    COMPARATORS,
    SEVERITIES,
    TRANSFORMS,
    Indicator,
    Materiality,
    Rule,
    Threshold,
)

PACKS = ("china_88", "china_liquidity", "china_debt_ratio", "japan_2007", "japan_2007_statutory")
RULE_KEYS = ("id", "name", "indicator", "comparator", "threshold", "persistence", "severity", "reference")
OPTIONAL_RULE_KEYS = ("level", "materiality")
INDICATOR_KEYS = ("numerator", "denominator", "subtract", "denominator_subtract", "transform")
MATERIALITY_KEYS = ("amount", "share", "of")
THRESHOLD_KEYS = ("value", "path", "by", "points", "series")


def load_pack(name: str) -> list[Rule]:
    if name not in PACKS:
        raise ScenarioError(f"unknown rule pack {name!r}; expected one of {list(PACKS)}", suggestion=suggest(name, list(PACKS)))
    text = resources.files("fiscalsim.triggers").joinpath("packs", f"{name}.yaml").read_text(encoding="utf-8")
    node = load_yaml_text(text, f"<pack {name}>")
    return parse_rules(node["rules"], f"triggers.packs.{name}", pack=name)


def _where(node: Any, key: str | None = None) -> tuple[str | None, int | None]:
    if isinstance(node, Node):
        return node.where(key)
    return None, None


def _check_keys(node: Any, allowed: tuple[str, ...], path: str) -> None:
    if not isinstance(node, dict):
        f, line = _where(node)
        raise ScenarioError(f"expected a mapping with keys {list(allowed)}", f, line, path)
    for k in node:
        if k not in allowed:
            f, line = _where(node, k)
            raise ScenarioError(f"unknown key; expected one of {list(allowed)}", f, line, f"{path}.{k}",
                                suggest(str(k), list(allowed)))


def _series(node: Node, key: str, path: str, required: bool) -> tuple[str, ...]:
    f, line = _where(node, key)
    if key not in node:
        if required:
            raise ScenarioError(f"missing {key}", *_where(node), path)
        return ()
    names = node[key]
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise ScenarioError("expected a non-empty list of series names", f, line, f"{path}.{key}")
    known = all_known_lines()
    for n in names:
        if n not in known:
            raise ScenarioError(f"unknown series {n!r}", f, line, f"{path}.{key}", suggest(n, list(known)))
    return tuple(names)


def _indicator(node: Any, path: str) -> Indicator:
    _check_keys(node, INDICATOR_KEYS, path)
    transform = node.get("transform", "none")
    if transform not in TRANSFORMS:
        raise ScenarioError(f"expected one of {list(TRANSFORMS)}", *_where(node, "transform"), f"{path}.transform")
    denominator = _series(node, "denominator", path, False)
    den_subtract = _series(node, "denominator_subtract", path, False)
    if den_subtract and not denominator:
        raise ScenarioError("denominator_subtract needs a denominator", *_where(node, "denominator_subtract"),
                            f"{path}.denominator_subtract")
    return Indicator(_series(node, "numerator", path, True), denominator, transform,
                     _series(node, "subtract", path, False), den_subtract)


def _materiality(node: Any, path: str) -> Materiality:
    """``{amount: yuan, share: ratio, of: [series]}``: the indicator must exceed the larger of the
    amount and the share of the series' sum."""
    _check_keys(node, MATERIALITY_KEYS, path)
    f, line = _where(node)
    amount = _number(node.get("amount", 0.0), *_where(node, "amount"), f"{path}.amount")
    share = _number(node.get("share", 0.0), *_where(node, "share"), f"{path}.share")
    if amount < 0 or not 0 <= share <= 1:
        raise ScenarioError("materiality needs amount ≥ 0 (yuan) and 0 ≤ share ≤ 1", f, line, path)
    of = _series(node, "of", path, share > 0)
    return Materiality(amount, share, of)


def _number(x: Any, f, line, path) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
        raise ScenarioError(f"expected a finite number, got {str(x)[:80]!r}", f, line, path)
    return float(x)


def _threshold(node: Any, path: str) -> Threshold:
    _check_keys(node, THRESHOLD_KEYS, path)
    f, line = _where(node)
    if "value" in node:
        if len(node) != 1:
            raise ScenarioError("give value alone, or path, or by with points", f, line, path)
        return Threshold(value=_number(node["value"], f, line, f"{path}.value"))
    if "path" in node:
        pts = node["path"]
        if not isinstance(pts, dict) or not pts or not all(isinstance(y, int) for y in pts):
            raise ScenarioError("path must map years to thresholds", *_where(node, "path"), f"{path}.path")
        return Threshold(path=tuple(sorted((y, _number(v, f, line, f"{path}.path")) for y, v in pts.items())))
    if "by" in node and "points" in node:
        pts = node["points"]
        ok = isinstance(pts, list) and len(pts) >= 2 and all(isinstance(p, list) and len(p) == 2 for p in pts)
        if not ok:
            raise ScenarioError("points must be a list of [size, threshold] pairs", *_where(node, "points"),
                                f"{path}.points")
        points = tuple((_number(a, f, line, path), _number(b, f, line, path)) for a, b in pts)
        if any(b[0] <= a[0] for a, b in zip(points, points[1:], strict=False)):
            raise ScenarioError("sizes in points must increase", *_where(node, "points"), f"{path}.points")
        return Threshold(by=_indicator(node["by"], f"{path}.by"), points=points)
    if "series" in node:
        if len(node) != 1 or not isinstance(node["series"], str):
            raise ScenarioError("give series alone: the name of one model line", f, line, f"{path}.series")
        return Threshold(series=_series({"series": [node["series"]]}, "series", path, True)[0])
    raise ScenarioError("give value, path, by with points, or series", f, line, path)


def parse_rules(items: Any, path: str, pack: str = "user") -> list[Rule]:
    if not isinstance(items, list):
        raise ScenarioError("expected a list of rules", None, None, path)
    rules = []
    for i, node in enumerate(items):
        rp = f"{path}[{i}]"
        _check_keys(node, RULE_KEYS + OPTIONAL_RULE_KEYS, rp)
        for key in RULE_KEYS:
            if key not in node:
                raise ScenarioError(f"missing {key}", *_where(node), rp)
        f, line = _where(node, "comparator")
        if node["comparator"] not in COMPARATORS:
            raise ScenarioError(f"expected one of {list(COMPARATORS)}", f, line, f"{rp}.comparator")
        persistence = node["persistence"]
        if not isinstance(persistence, int) or isinstance(persistence, bool) or persistence < 1:
            raise ScenarioError("persistence must be a whole number of years ≥ 1", *_where(node, "persistence"),
                                f"{rp}.persistence")
        for key in ("id", "name", "severity", "reference"):
            if not isinstance(node[key], str) or not node[key].strip():
                raise ScenarioError("expected a non-empty text", *_where(node, key), f"{rp}.{key}")
        if node["severity"] not in SEVERITIES:
            raise ScenarioError(f"expected a severity class, one of {list(SEVERITIES)} (put the legal level "
                                f"in words under 'level'), got {str(node['severity'])[:80]!r}",
                                *_where(node, "severity"), f"{rp}.severity", suggest(str(node["severity"]),
                                                                                      list(SEVERITIES)))
        level = node.get("level", "")
        if not isinstance(level, str):
            raise ScenarioError("expected a text", *_where(node, "level"), f"{rp}.level")
        materiality = _materiality(node["materiality"], f"{rp}.materiality") if "materiality" in node else None
        rules.append(Rule(node["id"], node["name"], _indicator(node["indicator"], f"{rp}.indicator"),
                          node["comparator"], _threshold(node["threshold"], f"{rp}.threshold"), persistence,
                          node["severity"], node["reference"], pack, level, materiality))
    ids = [r.id for r in rules]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise ScenarioError(f"duplicate rule ids {sorted(dup)}", None, None, path)
    return rules
