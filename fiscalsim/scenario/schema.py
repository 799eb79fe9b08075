"""Declarative schema of scenario files and the strict validator that walks it.

A schema is a tree of :class:`Section` nodes whose leaves are :class:`Param` (a number with a
unit and a source: a value or a year-indexed path), :class:`Integer`, :class:`Choice` and
:class:`Text`. The walker rejects unknown keys (suggesting the closest known one), missing
required keys, wrong units, out-of-range values and missing sources, each with file, line and
key path. The same tree generates the scenario reference in ``docs/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from fiscalsim.scenario.errors import Problems, shown
from fiscalsim.scenario.tables import YEARS, read_param_table
from fiscalsim.scenario.uncertainty import (
    Distribution,
    Process,
    check_support,
    is_number,
    parse_clip,
    parse_distribution,
    parse_process,
)
from fiscalsim.scenario.yamlio import Node, ScenarioError, suggest
from fiscalsim.units import UNITS, model_unit, source_unit_conflict, to_model_units


@dataclass(frozen=True)
class Param:
    """A number with a unit and a source: ``{value: …}`` or ``{path: {year: value, …}}``."""

    dimension: str
    doc: str
    lo: float | None = None
    hi: float | None = None
    allow_path: bool = True
    required: bool = True


@dataclass(frozen=True)
class Integer:
    doc: str
    lo: int | None = None
    hi: int | None = None
    default: int | None = None
    required: bool = True


@dataclass(frozen=True)
class Choice:
    doc: str
    options: tuple[str, ...]
    default: str | None = None
    required: bool = True


@dataclass(frozen=True)
class Text:
    doc: str
    default: str | None = None
    required: bool = True


@dataclass(frozen=True)
class Raw:
    """A value validated by its own parser after the schema walk (e.g. a list of rules)."""

    doc: str
    required: bool = True


@dataclass(frozen=True)
class Section:
    doc: str
    fields: dict[str, Any] = field(default_factory=dict)
    required: bool = True


#: The value of a parameter a template leaves for the user to fill (``fiscalsim new-city``).
TO_FILL = "TO FILL"

PARAM_KEYS = ("value", "path", "distribution", "table", "interpolation", "process", "clip", "unit", "source")
@dataclass(frozen=True)
class ParamValue:
    """A validated parameter in model units.

    Either ``value`` (constant) or ``path`` (year → value, at least one point) with
    ``interpolation`` ``linear`` (flat beyond the first and last points) or ``step`` (each value
    holds from its year until the next).
    """

    value: float | None
    path: tuple[tuple[int, float], ...] | None
    interpolation: str
    unit: str
    source: str
    distribution: Distribution | None = None
    process: Process | None = None
    clip: tuple[float, float] | None = None

    @property
    def uncertain(self) -> bool:
        return self.distribution is not None or self.process is not None

    def series(self, years: np.ndarray) -> np.ndarray:
        """The parameter for each of ``years``: ndarray (n_years,) in model units."""
        years = np.asarray(years, dtype=float)
        if self.path is None:
            value = self.distribution.central() if self.distribution is not None else self.value
            return np.full(years.shape, float(value))
        xs = np.array([p[0] for p in self.path], dtype=float)
        ys = np.array([p[1] for p in self.path], dtype=float)
        if self.interpolation == "linear":
            return np.interp(years, xs, ys)
        idx = np.searchsorted(xs, years, side="right") - 1
        return ys[np.clip(idx, 0, len(xs) - 1)]

    def upper_bound(self) -> float:
        """The largest value the parameter takes on any path and year, model units (``inf`` if unbounded)."""
        if self.path is not None:
            hi = max(v for _, v in self.path)
        elif self.distribution is not None:
            hi = self.distribution.upper()
        else:
            hi = float(self.value)
        if self.process is not None:
            hi = np.inf
        return min(hi, self.clip[1]) if self.clip is not None else hi

    def scalar(self) -> float:
        """The value (the median of a distribution)."""
        if self.path is not None:
            raise ValueError("a path parameter has no single value")
        if self.distribution is not None:
            return self.distribution.central()
        return float(self.value)


def location_of(root: Any, keypath: str) -> tuple[str | None, int | None]:
    """File and line of the deepest key of a dotted ``keypath`` found in a :class:`Node` tree."""
    node = root
    file, line = (root.file, root.line) if isinstance(root, Node) else (None, None)
    for part in keypath.split("."):
        if not isinstance(node, Node) or part not in node:
            break
        file, line = node.where(part)
        node = node[part]
    return file, line


def _where(node: Any, key: str | None) -> tuple[str | None, int | None]:
    if isinstance(node, Node):
        return node.where(key)
    return None, None


def validate(node: Any, schema: Section, keypath: str = "", parent: Any = None,
             problems: Problems | None = None) -> dict[str, Any]:
    """Validate a mapping against ``schema``; returns nested dicts of validated values.

    Every error is recorded in ``problems`` and the walk goes on (a field with an error is left
    out of the result). Without ``problems``, all errors found are raised together at the end.
    """
    own = problems is None
    problems = Problems() if problems is None else problems
    out = _validate_section(node, schema, keypath, parent, problems)
    if own:
        problems.raise_if_any()
    return out


def _validate_section(node: Any, schema: Section, keypath: str, parent: Any, problems: Problems) -> dict[str, Any]:
    if not isinstance(node, dict):
        file, line = _where(parent, keypath.rsplit(".", 1)[-1] if keypath else None)
        problems.add(ScenarioError(f"expected a mapping, got {shown(node)}", file, line, keypath or None))
        return {}
    out: dict[str, Any] = {}
    for key in node:
        if key not in schema.fields:
            file, line = _where(node, key)
            problems.add(ScenarioError(f"unknown key; expected one of {sorted(schema.fields)}",
                                       file, line, _join(keypath, key), suggest(str(key), list(schema.fields))))
    for key, spec in schema.fields.items():
        path = _join(keypath, key)
        if key in node:
            if isinstance(spec, Section):
                out[key] = _validate_section(node[key], spec, path, node, problems)
            else:
                with problems.collect():
                    out[key] = _validate_field(node, key, spec, path)
        elif getattr(spec, "default", None) is not None:
            out[key] = spec.default
        elif getattr(spec, "required", True):
            file, line = _where(node, None)
            problems.add(ScenarioError(f"missing required key {key!r} ({_describe(spec)})", file, line,
                                       keypath or None))
        else:
            out[key] = None
    return out


def _join(keypath: str, key: Any) -> str:
    return f"{keypath}.{key}" if keypath else str(key)


def _describe(spec: Any) -> str:
    if isinstance(spec, Param):
        return f"a parameter in {spec.dimension} with unit and source"
    if isinstance(spec, Section):
        return "a section"
    return spec.doc


def validate_field(node: Node, key: str, spec: Any, path: str) -> Any:
    """The validated value of one key of ``node`` (a :class:`Param`, :class:`Integer`,
    :class:`Choice`, :class:`Text` or :class:`Raw`); a :class:`ScenarioError` when it is wrong."""
    return _validate_field(node, key, spec, path)


def _validate_field(node: Node, key: str, spec: Any, path: str) -> Any:
    value = node[key]
    file, line = _where(node, key)
    if isinstance(spec, Param):
        return _validate_param(value, spec, path, file, line)
    if isinstance(spec, Integer):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ScenarioError(f"expected an integer, got {shown(value)}", file, line, path)
        _check_range(value, spec.lo, spec.hi, file, line, path)
        return value
    if isinstance(spec, Choice):
        if isinstance(value, bool):
            raise ScenarioError(f"expected one of {list(spec.options)} in quotes; YAML reads an unquoted "
                                f"yes/no/on/off as {value}", file, line, path)
        if not isinstance(value, str) or value not in spec.options:
            raise ScenarioError(
                f"expected one of {list(spec.options)}, got {shown(value)}", file, line, path,
                suggest(str(value), list(spec.options)) if isinstance(value, str) else None,
            )
        return value
    if isinstance(spec, Raw):
        return value
    if isinstance(spec, Text):
        if not isinstance(value, str) or not value.strip():
            raise ScenarioError("expected a non-empty text", file, line, path)
        return value
    raise TypeError(f"unknown schema node {spec!r}")


def _check_range(v: float, lo: float | None, hi: float | None, file, line, path) -> None:
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise ScenarioError(f"{shown(v)} is outside the allowed range [{lo}, {hi}]", file, line, path)


def _check_param_keys(value: Any, spec: Param, path: str, file, line) -> str:
    """The keys, unit and source of a parameter mapping; returns its unit."""
    if not isinstance(value, dict):
        raise ScenarioError(
            f"expected a mapping with value (or path), unit and source; got {shown(value)}", file, line, path
        )
    for k in value:
        if k not in PARAM_KEYS:
            f2, l2 = _where(value, k)
            raise ScenarioError(
                f"unknown key; a parameter takes {list(PARAM_KEYS)}", f2, l2, _join(path, k),
                suggest(str(k), list(PARAM_KEYS)),
            )
    if "unit" not in value:
        raise ScenarioError(f"missing unit; expected one of {list(UNITS[spec.dimension])}", file, line, path)
    if "source" not in value or not isinstance(value["source"], str) or not value["source"].strip():
        raise ScenarioError('missing source: give a reference, or "assumption: <why>"', file, line, path)
    unit = value["unit"]
    f_unit, l_unit = _where(value, "unit")
    if not isinstance(unit, str):
        raise ScenarioError(f"unit must be text, got {shown(unit)}", f_unit, l_unit, _join(path, "unit"))
    if unit not in UNITS[spec.dimension]:
        raise ScenarioError(f"unit {shown(unit)} is not a unit of {spec.dimension}; expected one of "
                            f"{list(UNITS[spec.dimension])}", f_unit, l_unit, _join(path, "unit"),
                            suggest(unit, list(UNITS[spec.dimension])))
    conflict = source_unit_conflict(value["source"], unit)
    if conflict:
        raise ScenarioError(conflict, f_unit, l_unit, _join(path, "unit"))
    return unit


def _validate_param(value: Any, spec: Param, path: str, file, line) -> ParamValue:
    unit = _check_param_keys(value, spec, path, file, line)

    def convert(x: Any, where_line: int | None, check_range: bool = True) -> float:
        if not is_number(x):
            raise ScenarioError(f"expected a number, got {shown(x)}", file, where_line, path)
        v = to_model_units(float(x), unit, spec.dimension)
        if check_range and ((spec.lo is not None and v < spec.lo) or (spec.hi is not None and v > spec.hi)):
            mu = model_unit(spec.dimension)
            raise ScenarioError(
                f"{x} {unit} (= {v:g} {mu}) is outside the allowed range [{spec.lo}, {spec.hi}] {mu}",
                file, where_line, path,
            )
        return v

    if value.get("value") == TO_FILL:
        _, lv = _where(value, "value")
        where = " ".join(value["source"].split()).removeprefix(f"{TO_FILL}:").strip()
        raise ScenarioError(f"{TO_FILL}: {spec.doc}, in {unit} ({where})", file, lv, path)
    kinds = [k for k in ("value", "path", "distribution", "table") if k in value]
    if len(kinds) != 1:
        raise ScenarioError("give exactly one of value, path, distribution or table", file, line, path)
    kind = kinds[0]
    interpolation = value.get("interpolation", "linear")
    if not isinstance(interpolation, str) or interpolation not in ("linear", "step"):
        f2, l2 = _where(value, "interpolation")
        raise ScenarioError(f"expected linear or step, got {shown(interpolation)}", f2, l2,
                            _join(path, "interpolation"))
    process = parse_process(value, path, unit, spec, convert) if "process" in value else None
    clip = parse_clip(value, path, convert) if "clip" in value else None
    extra = {"process": process, "clip": clip}
    if process is not None and not spec.allow_path:
        raise ScenarioError("this parameter takes a single value; it cannot follow a process", file, line, path)
    distribution = parse_distribution(value, path, convert) if kind == "distribution" else None
    if process is not None or kind == "distribution":
        check_support(value, kind, process, clip, spec, path, file, line)
    if kind == "value":
        _, lv = _where(value, "value")
        return ParamValue(convert(value["value"], lv), None, interpolation, unit, value["source"], **extra)
    if kind == "distribution":
        return ParamValue(None, None, interpolation, unit, value["source"], distribution=distribution, **extra)
    if not spec.allow_path:
        raise ScenarioError(f"this parameter takes a single value, not a {kind}", file, line, path)
    points = _table_points(value, path, convert) if kind == "table" else _path_points(value, path, convert)
    return ParamValue(None, tuple(points), interpolation, unit, value["source"], **extra)


def _path_points(value: Node, path: str, convert) -> list[tuple[int, float]]:
    pts = value["path"]
    f2, lp = _where(value, "path")
    if not isinstance(pts, dict) or not pts:
        raise ScenarioError("path must map years to values", f2, lp, _join(path, "path"))
    points = []
    for year in pts:
        ly = pts.key_lines.get(year, lp) if isinstance(pts, Node) else lp
        if not isinstance(year, int) or isinstance(year, bool):
            raise ScenarioError(f"path years must be integers, got {shown(year)}", f2, ly, _join(path, "path"))
        if not YEARS[0] <= year <= YEARS[1]:
            raise ScenarioError(f"path year {year} is not a year from {YEARS[0]} to {YEARS[1]}", f2, ly,
                                _join(path, "path"))
        points.append((year, convert(pts[year], ly)))
    return sorted(points)


def _table_points(value: Node, path: str, convert) -> list[tuple[int, float]]:
    """``table: {file: x.csv, column: name}``: a CSV with a ``year`` column, relative to the file."""
    node = value["table"]
    f, line = _where(value, "table")
    key = _join(path, "table")
    if not isinstance(node, dict) or set(node) != {"file", "column"}:
        raise ScenarioError("table takes file and column", f, line, key)
    if not isinstance(node["file"], str) or not isinstance(node["column"], str):
        raise ScenarioError("table file and column must be text", f, line, key)
    csv = Path(f).parent / node["file"] if f else Path(node["file"])
    return [(year, convert(v, line)) for year, v in read_param_table(csv, node["column"], key, f, line)]
