"""Declarative schema of scenario files and the strict validator that walks it.

A schema is a tree of :class:`Section` nodes whose leaves are :class:`Param` (a number with a
unit and a source: a value or a year-indexed path), :class:`Integer`, :class:`Choice` and
:class:`Text`. The walker rejects unknown keys (suggesting the closest known one), missing
required keys, wrong units, out-of-range values and missing sources, each with file, line and
key path. The same tree generates the scenario reference in ``docs/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fiscalsim.scenario.yamlio import Node, ScenarioError, suggest
from fiscalsim.units import UNITS, UnitError, model_unit, to_model_units


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


PARAM_KEYS = ("value", "path", "distribution", "table", "interpolation", "process", "clip", "unit", "source")
DISTRIBUTIONS = {
    "fixed": ("value",),
    "normal": ("mean", "sd"),
    "lognormal": ("median", "sigma"),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "beta": ("alpha", "beta", "low", "high"),
}
PROCESSES = {"ar1": ("phi", "sigma"), "random_walk": ("drift", "sigma")}
#: distribution parameters stated in the parameter's unit (the others are shape parameters)
_IN_UNITS = {"value", "mean", "sd", "median", "low", "high", "mode", "drift"}


@dataclass(frozen=True)
class Distribution:
    """A distribution in model units: ``kind`` and its parameters (see ``DISTRIBUTIONS``)."""

    kind: str
    params: tuple[tuple[str, float], ...]

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF at uniforms ``u`` in (0, 1)."""
        from scipy import stats

        p = dict(self.params)
        if self.kind == "fixed":
            return np.full(np.shape(u), p["value"])
        if self.kind == "normal":
            return stats.norm.ppf(u, loc=p["mean"], scale=p["sd"])
        if self.kind == "lognormal":
            return p["median"] * np.exp(p["sigma"] * stats.norm.ppf(u))
        if self.kind == "uniform":
            return p["low"] + (p["high"] - p["low"]) * u
        if self.kind == "triangular":
            width = p["high"] - p["low"]
            c = (p["mode"] - p["low"]) / width if width > 0 else 0.5
            return stats.triang.ppf(u, c, loc=p["low"], scale=width)
        if self.kind == "beta":
            return p["low"] + (p["high"] - p["low"]) * stats.beta.ppf(u, p["alpha"], p["beta"])
        raise ValueError(self.kind)

    def central(self) -> float:
        """The median: the value used where a single value is needed (e.g. the base population)."""
        return float(self.ppf(np.array(0.5)))


@dataclass(frozen=True)
class Process:
    """A stochastic deviation added to a time path: AR(1) or a random walk with drift (model units)."""

    kind: str
    params: tuple[tuple[str, float], ...]

    def deviations(self, innovations: np.ndarray) -> np.ndarray:
        """innovations (n_paths, n_years) standard normal → deviations, zero in the base year."""
        from scipy.signal import lfilter

        p = dict(self.params)
        eps = innovations.copy()
        eps[:, 0] = 0.0
        if self.kind == "ar1":
            return p["sigma"] * lfilter([1.0], [1.0, -p["phi"]], eps, axis=-1)
        steps = np.arange(innovations.shape[1])
        return p["drift"] * steps[None, :] + p["sigma"] * np.cumsum(eps, axis=-1)


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

    def scalar(self) -> float:
        """The value (the median of a distribution)."""
        if self.path is not None:
            raise ValueError("a path parameter has no single value")
        if self.distribution is not None:
            return self.distribution.central()
        return float(self.value)

    def draw(self, normal: np.ndarray, innovations: np.ndarray, years: np.ndarray) -> np.ndarray:
        """Per-path values ``(n_paths, n_years)`` in model units.

        normal : (n_paths,) standard normals for the distribution (correlated by the copula);
        innovations : (n_paths, n_years) standard normals for the process.
        """
        from scipy import stats

        base = self.series(years)[None, :]
        if self.distribution is not None:
            u = np.clip(stats.norm.cdf(normal), 1e-12, 1 - 1e-12)
            base = np.broadcast_to(self.distribution.ppf(u)[:, None], (len(normal), len(years)))
        out = np.array(np.broadcast_to(base, (len(normal), len(years))), dtype=float)
        if self.process is not None:
            out = out + self.process.deviations(innovations)
        if self.clip is not None:
            out = np.clip(out, *self.clip)
        return out


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


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and np.isfinite(x)


def validate(node: Any, schema: Section, keypath: str = "", parent: Any = None) -> dict[str, Any]:
    """Validate a mapping against ``schema``; returns nested dicts of validated values."""
    if not isinstance(node, dict):
        file, line = _where(parent, keypath.rsplit(".", 1)[-1] if keypath else None)
        raise ScenarioError("expected a mapping", file, line, keypath or None)
    out: dict[str, Any] = {}
    for key in node:
        if key not in schema.fields:
            file, line = _where(node, key)
            raise ScenarioError(
                f"unknown key; expected one of {sorted(schema.fields)}",
                file, line, _join(keypath, key), suggest(key, list(schema.fields)),
            )
    for key, spec in schema.fields.items():
        path = _join(keypath, key)
        if key not in node:
            default = getattr(spec, "default", None)
            if default is not None:
                out[key] = default
                continue
            if getattr(spec, "required", True):
                file, line = _where(node, None)
                raise ScenarioError(f"missing required key {key!r} ({_describe(spec)})", file, line, keypath or None)
            out[key] = None
            continue
        out[key] = _validate_field(node, key, spec, path)
    return out


def _join(keypath: str, key: Any) -> str:
    return f"{keypath}.{key}" if keypath else str(key)


def _describe(spec: Any) -> str:
    if isinstance(spec, Param):
        return f"a parameter in {spec.dimension} with unit and source"
    if isinstance(spec, Section):
        return "a section"
    return spec.doc


def _validate_field(node: Node, key: str, spec: Any, path: str) -> Any:
    value = node[key]
    file, line = _where(node, key)
    if isinstance(spec, Section):
        return validate(value, spec, path, node)
    if isinstance(spec, Param):
        return _validate_param(value, spec, path, file, line)
    if isinstance(spec, Integer):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ScenarioError(f"expected an integer, got {value!r}", file, line, path)
        _check_range(value, spec.lo, spec.hi, file, line, path)
        return value
    if isinstance(spec, Choice):
        if value not in spec.options:
            raise ScenarioError(
                f"expected one of {list(spec.options)}, got {value!r}", file, line, path,
                suggest(str(value), list(spec.options)),
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
        raise ScenarioError(f"{v!r} is outside the allowed range [{lo}, {hi}]", file, line, path)


def _validate_param(value: Any, spec: Param, path: str, file, line) -> ParamValue:
    if not isinstance(value, dict):
        raise ScenarioError(
            f"expected a mapping with value (or path), unit and source; got {value!r}", file, line, path
        )
    for k in value:
        if k not in PARAM_KEYS:
            f2, l2 = _where(value, k)
            raise ScenarioError(
                f"unknown key; a parameter takes {list(PARAM_KEYS)}", f2, l2, _join(path, k),
                suggest(k, list(PARAM_KEYS)),
            )
    if "unit" not in value:
        raise ScenarioError(f"missing unit; expected one of {list(UNITS[spec.dimension])}", file, line, path)
    if "source" not in value or not isinstance(value["source"], str) or not value["source"].strip():
        raise ScenarioError('missing source: give a reference, or "assumption: <why>"', file, line, path)
    unit = value["unit"]
    f_unit, l_unit = _where(value, "unit")
    if not isinstance(unit, str):
        raise ScenarioError(f"unit must be text, got {unit!r}", f_unit, l_unit, _join(path, "unit"))

    def convert(x: Any, where_line: int | None, check_range: bool = True) -> float:
        if not _is_number(x):
            raise ScenarioError(f"expected a number, got {x!r}", file, where_line, path)
        try:
            v = to_model_units(float(x), unit, spec.dimension)
        except UnitError as exc:
            raise ScenarioError(str(exc), f_unit, l_unit, _join(path, "unit"),
                                suggest(unit, list(UNITS[spec.dimension]))) from None
        if check_range and ((spec.lo is not None and v < spec.lo) or (spec.hi is not None and v > spec.hi)):
            mu = model_unit(spec.dimension)
            raise ScenarioError(
                f"{x} {unit} (= {v:g} {mu}) is outside the allowed range [{spec.lo}, {spec.hi}] {mu}",
                file, where_line, path,
            )
        return v

    kinds = [k for k in ("value", "path", "distribution", "table") if k in value]
    if len(kinds) != 1:
        raise ScenarioError("give exactly one of value, path, distribution or table", file, line, path)
    kind = kinds[0]
    interpolation = value.get("interpolation", "linear")
    if interpolation not in ("linear", "step"):
        f2, l2 = _where(value, "interpolation")
        raise ScenarioError(f"expected linear or step, got {interpolation!r}", f2, l2, _join(path, "interpolation"))
    process = _parse_process(value, path, unit, spec, convert) if "process" in value else None
    clip = _parse_clip(value, path, convert) if "clip" in value else None
    extra = {"process": process, "clip": clip}
    if process is not None and not spec.allow_path:
        raise ScenarioError("this parameter takes a single value; it cannot follow a process", file, line, path)
    if process is not None or kind == "distribution":
        _check_support(value, kind, process, clip, spec, path, file, line)
    if kind == "value":
        _, lv = _where(value, "value")
        return ParamValue(convert(value["value"], lv), None, interpolation, unit, value["source"], **extra)
    if kind == "distribution":
        return ParamValue(None, None, interpolation, unit, value["source"],
                          distribution=_parse_distribution(value, path, convert), **extra)
    if not spec.allow_path:
        raise ScenarioError(f"this parameter takes a single value, not a {kind}", file, line, path)
    if kind == "table":
        points = _read_table(value, path, convert)
        return ParamValue(None, tuple(points), interpolation, unit, value["source"], **extra)
    pts = value["path"]
    f2, lp = _where(value, "path")
    if not isinstance(pts, dict) or not pts:
        raise ScenarioError("path must map years to values", f2, lp, _join(path, "path"))
    points = []
    for year in pts:
        if not isinstance(year, int) or isinstance(year, bool):
            raise ScenarioError(f"path years must be integers, got {year!r}", f2, lp, _join(path, "path"))
        ly = pts.key_lines.get(year, lp) if isinstance(pts, Node) else lp
        points.append((year, convert(pts[year], ly)))
    points.sort()
    return ParamValue(None, tuple(points), interpolation, unit, value["source"], **extra)


def _parse_distribution(value: Node, path: str, convert) -> Distribution:
    node = value["distribution"]
    f, line = _where(value, "distribution")
    key = _join(path, "distribution")
    if not isinstance(node, dict) or "kind" not in node:
        raise ScenarioError(f"expected a mapping with kind (one of {list(DISTRIBUTIONS)})", f, line, key)
    kind = node["kind"]
    if kind not in DISTRIBUTIONS:
        raise ScenarioError(f"expected one of {list(DISTRIBUTIONS)}, got {kind!r}", f, line, _join(key, "kind"),
                            suggest(str(kind), list(DISTRIBUTIONS)))
    wanted = DISTRIBUTIONS[kind]
    for k in node:
        if k != "kind" and k not in wanted:
            f2, l2 = _where(node, k)
            raise ScenarioError(f"unknown key; a {kind} distribution takes {list(wanted)}", f2, l2, _join(key, k),
                                suggest(str(k), list(wanted)))
    params = []
    for k in wanted:
        if k not in node:
            raise ScenarioError(f"missing {k} (a {kind} distribution takes {list(wanted)})", f, line, key)
        f2, l2 = _where(node, k)
        raw = node[k]
        if not _is_number(raw):
            raise ScenarioError(f"expected a number, got {raw!r}", f2, l2, _join(key, k))
        v = convert(raw, l2, check_range=False) if k in _IN_UNITS else float(raw)
        params.append((k, v))
    p = dict(params)
    problems = {
        "normal": p.get("sd", 1) <= 0, "lognormal": p.get("sigma", 1) <= 0 or p.get("median", 1) <= 0,
        "uniform": p.get("high", 1) <= p.get("low", 0),
        "triangular": not p.get("low", 0) <= p.get("mode", 0) <= p.get("high", 0) or p.get("high", 1) <= p.get("low", 0),
        "beta": p.get("alpha", 1) <= 0 or p.get("beta", 1) <= 0 or p.get("high", 1) <= p.get("low", 0),
    }
    if problems.get(kind, False):
        raise ScenarioError(f"invalid {kind} distribution parameters {p}", f, line, key)
    for k in ("low", "high", "value"):
        if k in p:
            convert(node[k], _where(node, k)[1])  # bounded supports must lie inside the range
    return Distribution(kind, tuple(params))


def _parse_process(value: Node, path: str, unit: str, spec: Param, convert) -> Process:
    node = value["process"]
    f, line = _where(value, "process")
    key = _join(path, "process")
    if not isinstance(node, dict) or node.get("kind") not in PROCESSES:
        raise ScenarioError(f"expected a mapping with kind one of {list(PROCESSES)}", f, line, key)
    wanted = PROCESSES[node["kind"]]
    for k in node:
        if k != "kind" and k not in wanted:
            f2, l2 = _where(node, k)
            raise ScenarioError(f"unknown key; {node['kind']} takes {list(wanted)}", f2, l2, _join(key, k),
                                suggest(str(k), list(wanted)))
    params = []
    for k in wanted:
        if k not in node or not _is_number(node[k]):
            raise ScenarioError(f"{k} must be a number", f, line, key)
        _, l2 = _where(node, k)
        params.append((k, convert(node[k], l2, check_range=False) if k in _IN_UNITS or k == "sigma" else float(node[k])))
    p = dict(params)
    if p["sigma"] < 0 or ("phi" in p and not -1 < p["phi"] < 1):
        raise ScenarioError("sigma must be ≥ 0 and phi inside (-1, 1)", f, line, key)
    return Process(node["kind"], tuple(params))


def _check_support(value: Node, kind: str, process, clip, spec: Param, path: str, file, line) -> None:
    """Draws must stay inside the parameter's range: bounded distributions must lie inside it;
    unbounded ones and processes need an explicit clip inside it."""
    lo = -np.inf if spec.lo is None else spec.lo
    hi = np.inf if spec.hi is None else spec.hi
    if clip is not None:
        if clip[0] < lo or clip[1] > hi:
            raise ScenarioError(f"clip {list(clip)} must lie inside the allowed range [{spec.lo}, {spec.hi}] "
                                f"{model_unit(spec.dimension)}", file, line, path)
        return
    bounded = False
    if kind == "distribution" and process is None:
        d = value["distribution"]
        if d["kind"] in ("uniform", "triangular", "beta"):
            bounded = True
        elif d["kind"] == "fixed":
            bounded = True
    if not bounded and (np.isfinite(lo) or np.isfinite(hi)):
        raise ScenarioError(f"draws could leave the allowed range [{spec.lo}, {spec.hi}] "
                            f"{model_unit(spec.dimension)}: add clip: [low, high] inside it", file, line, path)


def _parse_clip(value: Node, path: str, convert) -> tuple[float, float]:
    node = value["clip"]
    f, line = _where(value, "clip")
    if not (isinstance(node, list) and len(node) == 2 and all(_is_number(x) for x in node)):
        raise ScenarioError("clip must be [low, high]", f, line, _join(path, "clip"))
    lo, hi = (convert(x, line, check_range=False) for x in node)
    if hi < lo:
        raise ScenarioError("clip must be [low, high] with low ≤ high", f, line, _join(path, "clip"))
    return lo, hi


def _read_table(value: Node, path: str, convert) -> list[tuple[int, float]]:
    """``table: {file: x.csv, column: name}``: a CSV with a ``year`` column, relative to the file."""
    from pathlib import Path

    import pandas as pd

    node = value["table"]
    f, line = _where(value, "table")
    key = _join(path, "table")
    if not isinstance(node, dict) or set(node) != {"file", "column"}:
        raise ScenarioError("table takes file and column", f, line, key)
    csv = Path(f).parent / str(node["file"]) if f else Path(str(node["file"]))
    try:
        df = pd.read_csv(csv)
    except FileNotFoundError:
        raise ScenarioError(f"table file not found: {csv}", f, line, key) from None
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise ScenarioError(f"cannot read table {csv}: {exc}", f, line, key) from None
    if "year" not in df.columns or node["column"] not in df.columns:
        raise ScenarioError(f"table {csv} needs columns year and {node['column']!r}; it has {list(df.columns)}",
                            f, line, key)
    points = []
    for i, (year, v) in enumerate(zip(df["year"], df[node["column"]], strict=True)):
        if not float(year).is_integer() or not _is_number(v):
            raise ScenarioError(f"{csv}: row {i + 2}: expected an integer year and a number", f, line, key)
        points.append((int(year), convert(float(v), line)))
    if not points or len({p[0] for p in points}) != len(points):
        raise ScenarioError(f"{csv}: years must be present and unique", f, line, key)
    return sorted(points)
