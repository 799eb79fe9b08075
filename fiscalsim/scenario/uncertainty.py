"""The uncertainty grammar of scenario parameters: distributions, processes, clipping, tables.

Parsed here, attached to :class:`fiscalsim.scenario.schema.ParamValue`; drawn per path by
:mod:`fiscalsim.simulate.sampling`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from fiscalsim.arrays import ar1_filter
from fiscalsim.scenario.errors import shown
from fiscalsim.scenario.inverse_cdf import normal_ppf, triangular_ppf
from fiscalsim.scenario.yamlio import Node, ScenarioError, suggest
from fiscalsim.units import model_unit


def _join(keypath: str, key) -> str:
    return f"{keypath}.{key}" if keypath else str(key)


def _where(node, key):
    if isinstance(node, Node):
        return node.where(key)
    return None, None


def is_number(x) -> bool:
    """A finite int or float (not a bool); ints too large for a float are not numbers here."""
    if isinstance(x, bool) or not isinstance(x, int | float):
        return False
    try:
        return math.isfinite(float(x))
    except OverflowError:
        return False


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
        p = dict(self.params)
        if self.kind == "fixed":
            return np.full(np.shape(u), p["value"])
        if self.kind == "normal":
            return normal_ppf(u, loc=p["mean"], scale=p["sd"])
        if self.kind == "lognormal":
            return p["median"] * np.exp(p["sigma"] * normal_ppf(u))
        if self.kind == "uniform":
            return p["low"] + (p["high"] - p["low"]) * u
        if self.kind == "triangular":
            width = p["high"] - p["low"]
            c = (p["mode"] - p["low"]) / width if width > 0 else 0.5
            return triangular_ppf(u, c, loc=p["low"], scale=width)
        if self.kind == "beta":
            from scipy import stats  # only here: importing scipy.stats takes ~0.6 s

            return p["low"] + (p["high"] - p["low"]) * stats.beta.ppf(u, p["alpha"], p["beta"])
        raise ValueError(self.kind)

    def central(self) -> float:
        """The median: the value used where a single value is needed (e.g. the base population)."""
        return float(self.ppf(np.array(0.5)))

    def upper(self) -> float:
        """The largest value a draw can take (``inf`` for normal and lognormal)."""
        p = dict(self.params)
        return float(p.get("value", p.get("high", np.inf)))


@dataclass(frozen=True)
class Process:
    """A stochastic deviation added to a time path: AR(1) or a random walk with drift (model units)."""

    kind: str
    params: tuple[tuple[str, float], ...]

    def deviations(self, innovations: np.ndarray) -> np.ndarray:
        """innovations (n_paths, n_years) standard normal → deviations, zero in the base year."""
        p = dict(self.params)
        eps = innovations.copy()
        eps[:, 0] = 0.0
        if self.kind == "ar1":
            return p["sigma"] * ar1_filter(eps, p["phi"])
        steps = np.arange(innovations.shape[1])
        return p["drift"] * steps[None, :] + p["sigma"] * np.cumsum(eps, axis=-1)


def parse_distribution(value: Node, path: str, convert) -> Distribution:
    node = value["distribution"]
    f, line = _where(value, "distribution")
    key = _join(path, "distribution")
    if not isinstance(node, dict) or "kind" not in node:
        raise ScenarioError(f"expected a mapping with kind (one of {list(DISTRIBUTIONS)})", f, line, key)
    kind = node["kind"]
    if not isinstance(kind, str) or kind not in DISTRIBUTIONS:
        raise ScenarioError(f"expected one of {list(DISTRIBUTIONS)}, got {shown(kind)}", f, line, _join(key, "kind"),
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
        if not is_number(raw):
            raise ScenarioError(f"expected a number, got {shown(raw)}", f2, l2, _join(key, k))
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


def parse_process(value: Node, path: str, unit: str, spec, convert) -> Process:
    node = value["process"]
    f, line = _where(value, "process")
    key = _join(path, "process")
    if not isinstance(node, dict) or not isinstance(node.get("kind"), str) or node["kind"] not in PROCESSES:
        raise ScenarioError(f"expected a mapping with kind one of {list(PROCESSES)}", f, line, key)
    wanted = PROCESSES[node["kind"]]
    for k in node:
        if k != "kind" and k not in wanted:
            f2, l2 = _where(node, k)
            raise ScenarioError(f"unknown key; {node['kind']} takes {list(wanted)}", f2, l2, _join(key, k),
                                suggest(str(k), list(wanted)))
    params = []
    for k in wanted:
        if k not in node or not is_number(node[k]):
            raise ScenarioError(f"{k} must be a number", f, line, key)
        _, l2 = _where(node, k)
        params.append((k, convert(node[k], l2, check_range=False) if k in _IN_UNITS or k == "sigma" else float(node[k])))
    p = dict(params)
    if p["sigma"] < 0 or ("phi" in p and not -1 < p["phi"] < 1):
        raise ScenarioError("sigma must be ≥ 0 and phi inside (-1, 1)", f, line, key)
    return Process(node["kind"], tuple(params))


def check_support(value: Node, kind: str, process, clip, spec, path: str, file, line) -> None:
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


def parse_clip(value: Node, path: str, convert) -> tuple[float, float]:
    node = value["clip"]
    f, line = _where(value, "clip")
    if not (isinstance(node, list) and len(node) == 2 and all(is_number(x) for x in node)):
        raise ScenarioError("clip must be [low, high]", f, line, _join(path, "clip"))
    lo, hi = (convert(x, line, check_range=False) for x in node)
    if hi < lo:
        raise ScenarioError("clip must be [low, high] with low ≤ high", f, line, _join(path, "clip"))
    return lo, hi
