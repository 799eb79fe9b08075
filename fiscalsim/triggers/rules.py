"""Fiscal-stress rules as data, and their first-passage years.

A rule compares an **indicator** with a **threshold**:

* indicator = (Σ numerator − Σ subtract) / (Σ denominator − Σ denominator_subtract) (no
  denominator: the plain difference), over named model series (see ``fiscalsim.finance.ledger``),
  optionally as a trailing 3-year mean (``mean3``) — a closed grammar, never ``eval``. The
  Japanese real debt-service ratio (A − B)/(C − B) is written with ``subtract`` and
  ``denominator_subtract`` both B;
* threshold: a constant, a year path (linear between points, flat outside), **size-dependent**:
  piecewise linear in another indicator (e.g. the standard fiscal scale), flat outside its points,
  or a model **series** (a line the book set records, e.g. Japan's early-warning threshold scaled
  by the standard fiscal scale as its enforcement order sets it);
* comparator ``>``, ``>=``, ``<`` or ``<=``; ``persistence`` consecutive years before it fires;
* an optional **materiality** floor for amounts: the condition also needs the indicator to exceed
  ``max(amount, share × Σ of-series)`` (e.g. 1 % of general-budget expenditure), so that a tiny
  shortfall is not reported as a default unless the user asks;
* a **severity class**, one of :data:`SEVERITIES`: ``warning``, ``restructuring`` (a mandatory or
  discretionary restructuring trigger) or ``default`` (obligations not paid). The headline of a
  run is the first restructuring- or default-class event.

The **first-passage year** of a rule on a path is the year in which its condition has held for
``persistence`` consecutive years for the first time; :data:`NEVER` when that does not happen by
the horizon.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NEVER = 9999  # first-passage sentinel: not triggered by the horizon
SEVERITIES = ("warning", "restructuring", "default")
#: Classes that make the headline event of a run.
HEADLINE_CLASSES = ("restructuring", "default")
COMPARATORS = {">": np.greater, ">=": np.greater_equal, "<": np.less, "<=": np.less_equal}
TRANSFORMS = ("none", "mean3")


@dataclass(frozen=True)
class Indicator:
    """(Σ numerator − Σ subtract) / (Σ denominator − Σ denominator_subtract), optionally as a
    trailing 3-year mean."""

    numerator: tuple[str, ...]
    denominator: tuple[str, ...] = ()
    transform: str = "none"
    subtract: tuple[str, ...] = ()
    denominator_subtract: tuple[str, ...] = ()

    def series_names(self) -> set[str]:
        return set(self.numerator) | set(self.denominator) | set(self.subtract) | set(self.denominator_subtract)

    @property
    def line(self) -> str | None:
        """The model line this indicator is, when it is one line as it stands (no sum, ratio or
        transform); else None."""
        if len(self.numerator) == 1 and not (self.denominator or self.subtract or self.transform != "none"):
            return self.numerator[0]
        return None

    def evaluate(self, lines: dict[str, np.ndarray]) -> np.ndarray:
        """(n_paths, n_years) values; a zero or negative denominator gives +inf for a positive
        numerator (the ratio is unbounded) and 0 otherwise."""
        num = sum(lines[n] for n in self.numerator)
        if self.subtract:
            num = num - sum(lines[n] for n in self.subtract)
        if self.denominator:
            den = sum(lines[n] for n in self.denominator)
            if self.denominator_subtract:
                den = den - sum(lines[n] for n in self.denominator_subtract)
            with np.errstate(divide="ignore", invalid="ignore"):
                value = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.where(num > 0, np.inf, 0.0))
        else:
            value = np.asarray(num, dtype=float)
        if self.transform == "mean3":
            value = trailing_mean(value, 3)
        return value


def trailing_mean(x: np.ndarray, window: int) -> np.ndarray:
    """Mean of the last ``window`` years (fewer at the start), along the last axis."""
    c = np.cumsum(x, axis=-1)
    out = c.copy()
    out[..., window:] = c[..., window:] - c[..., :-window]
    counts = np.minimum(np.arange(1, x.shape[-1] + 1), window)
    return out / counts


@dataclass(frozen=True)
class Threshold:
    """A constant (``value``), a year path (``path``), size-dependent (``by`` + ``points``) or a
    model line (``series``)."""

    value: float | None = None
    path: tuple[tuple[int, float], ...] | None = None
    by: Indicator | None = None
    points: tuple[tuple[float, float], ...] | None = None
    series: str | None = None

    def evaluate(self, years: np.ndarray, lines: dict[str, np.ndarray], shape: tuple[int, int]) -> np.ndarray:
        if self.value is not None:
            return np.full(shape, self.value)
        if self.series is not None:
            return np.broadcast_to(lines[self.series], shape)
        if self.path is not None:
            xs, ys = zip(*self.path, strict=True)
            return np.broadcast_to(np.interp(years, xs, ys), shape)
        size = self.by.evaluate(lines)
        xs, ys = zip(*self.points, strict=True)
        return np.interp(size, xs, ys)


@dataclass(frozen=True)
class Materiality:
    """An amount floor: ``max(amount, share × Σ of)`` in the indicator's unit (yuan)."""

    amount: float = 0.0
    share: float = 0.0
    of: tuple[str, ...] = ()

    def series_names(self) -> set[str]:
        return set(self.of)

    def floor(self, lines: dict[str, np.ndarray], shape: tuple[int, int]) -> np.ndarray:
        base = sum(lines[n] for n in self.of) if self.of else np.zeros(shape)
        return np.maximum(self.amount, self.share * base)


@dataclass(frozen=True)
class Rule:
    """One fiscal-stress rule; see the module docstring."""

    id: str
    name: str
    indicator: Indicator
    comparator: str
    threshold: Threshold
    persistence: int
    severity: str
    reference: str
    pack: str = "user"
    level: str = ""  # the legal level in words, e.g. "mandatory", "early warning", "rehabilitation"
    materiality: Materiality | None = None
    headline: bool = True  # may make the headline event (restructuring and default classes only)

    def series_names(self) -> set[str]:
        names = self.indicator.series_names()
        if self.threshold.by is not None:
            names |= self.threshold.by.series_names()
        if self.threshold.series is not None:
            names.add(self.threshold.series)
        if self.materiality is not None:
            names |= self.materiality.series_names()
        return names

    def condition(self, years: np.ndarray, lines: dict[str, np.ndarray],
                  value: np.ndarray | None = None) -> np.ndarray:
        """Where the rule's comparison (and its materiality floor) holds, (n_paths, n_years);
        ``value`` is the indicator if already evaluated."""
        value = self.indicator.evaluate(lines) if value is None else value
        limit = self.threshold.evaluate(years, lines, value.shape)
        held = COMPARATORS[self.comparator](value, limit)
        if self.materiality is not None:
            held &= value > self.materiality.floor(lines, value.shape)
        return held


def first_passage(condition: np.ndarray, years: np.ndarray, persistence: int) -> np.ndarray:
    """Year in which ``condition`` (n_paths, n_years) first holds ``persistence`` years in a row.

    Returns (n_paths,) int years, :data:`NEVER` where it never does by the last year.
    """
    if persistence < 1:
        raise ValueError("persistence must be at least one year")
    run = np.zeros(condition.shape[0], dtype=int)
    out = np.full(condition.shape[0], NEVER, dtype=int)
    for t in range(condition.shape[1]):
        run = np.where(condition[:, t], run + 1, 0)
        newly = (run >= persistence) & (out == NEVER)
        out[newly] = years[t]
    return out


def headline_passage(passage: np.ndarray, rules: tuple[Rule, ...] | list[Rule]) -> np.ndarray:
    """First year of any restructuring- or default-class rule per path, (n_paths,) (``NEVER`` if none).

    passage : (n_paths, n_rules) first-passage years, columns in the order of ``rules``.
    """
    cols = [j for j, r in enumerate(rules) if r.severity in HEADLINE_CLASSES and r.headline]
    if not cols:
        return np.full(passage.shape[0], NEVER, dtype=int)
    return passage[:, cols].min(axis=1)


def first_fired(passage: np.ndarray, rule_ids: list[str]) -> np.ndarray:
    """Which rule fires first on each path (ties: the earlier rule in the list; none: "none").

    passage : (n_paths, n_rules) first-passage years.
    """
    first = np.argmin(passage, axis=1)
    ids = np.asarray(rule_ids, dtype=object)[first]
    ids[passage.min(axis=1) == NEVER] = "none"
    return ids


def holds_in_year(rule: Rule, years: np.ndarray, lines: dict[str, np.ndarray], t: int,
                  evaluated_from: int | None = None) -> np.ndarray:
    """Whether ``rule``'s condition holds in year index ``t`` on each path, from the lines written up
    to ``t`` (the year loop's automatic responses ask this); never before ``evaluated_from``."""
    window = {k: lines[k][:, : t + 1] for k in rule.series_names()}
    cond = rule.condition(np.asarray(years[: t + 1]), window)[:, -1]
    if evaluated_from is not None and years[t] < evaluated_from:
        return np.zeros_like(cond)
    return cond
