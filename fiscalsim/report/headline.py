"""The headline of a run: the year of the first restructuring- or default-class event per path.

Every rule carries a severity class among ``warning``, ``restructuring`` and ``default``
(``severity_class``; any other severity text counts as ``warning``). The headline is, per path,
the first year in which any rule of the ``restructuring`` or ``default`` class fires; its
distribution over paths (P by key years, median, 10-90 %) leads the run's report.

"Not by the horizon" is one thing everywhere: a missing value (``pd.NA``) in tables and the
words "not by 2060" (the horizon) in text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fiscalsim.triggers.rules import HEADLINE_CLASSES, NEVER, headline_passage
from fiscalsim.triggers.rules import SEVERITIES as SEVERITY_CLASSES

HEADLINE_LABEL = "first restructuring- or default-class event"


def stand_in_label(note: str) -> str:
    """The flag every output of a scenario with stand-in accounts carries."""
    return f"STAND-IN ACCOUNTS: {note}"


def severity_class(severity: str) -> str:
    """``warning``, ``restructuring`` or ``default``; any other severity text is ``warning``."""
    text = str(severity).strip().lower()
    return text if text in SEVERITY_CLASSES else "warning"


def headline_rules(rules) -> list[int]:
    """Column indices of the rules that make the headline (a headline class, in a headline pack)."""
    return [j for j, r in enumerate(rules)
            if severity_class(r.severity) in HEADLINE_CLASSES and getattr(r, "headline", True)]


#: Per path, the first year of a headline rule (``NEVER`` if none): see
#: :func:`fiscalsim.triggers.rules.headline_passage`.
first_event_years = headline_passage


def year_or_na(value: float | int):
    """A first-passage year as a table value: ``pd.NA`` when not by the horizon."""
    return pd.NA if value is None or int(value) == NEVER else int(value)


def year_text(value, horizon: int) -> str:
    """A first-passage year as text: "not by 2060" when missing or ``NEVER``."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) or int(value) == NEVER:
        return f"not by {horizon}"
    return str(int(value))


def year_quantile(years: np.ndarray, q: float) -> int:
    """A quantile of first-passage years (an observed year, or ``NEVER``)."""
    return int(np.quantile(years, q, method="inverted_cdf"))


def headline_table(years: np.ndarray, key_years: list[int], horizon: int) -> pd.DataFrame:
    """Tidy distribution of headline years: measure, year, value, unit.

    ``p_by`` rows give P(event by ``year``) in percent; ``median_year``, ``q10_year`` and
    ``q90_year`` give years (missing when not by the horizon); ``p_not_by_horizon`` the percent of
    paths on which no such event happens by the horizon.
    """
    rows = [{"measure": "p_by", "year": y, "value": 100.0 * float(np.mean(years <= y)), "unit": "percent"}
            for y in key_years]
    for name, q in (("q10_year", 0.1), ("median_year", 0.5), ("q90_year", 0.9)):
        rows.append({"measure": name, "year": pd.NA, "value": year_or_na(year_quantile(years, q)), "unit": "year"})
    rows.append({"measure": "p_not_by_horizon", "year": horizon,
                 "value": 100.0 * float(np.mean(years == NEVER)), "unit": "percent"})
    table = pd.DataFrame(rows)
    table["year"] = table["year"].astype("Int64")
    table["value"] = table["value"].astype("Float64")
    return table


def headline_text(years: np.ndarray, key_years: list[int], horizon: int, n_rules: int) -> str:
    """One paragraph a report can quote."""
    if n_rules == 0:
        return (f"No rule of the restructuring or default class is evaluated in this run, so there is no "
                f"{HEADLINE_LABEL} to report.")
    probs = ", ".join(f"{100 * np.mean(years <= y):.0f} % by {y}" for y in key_years)
    q10, q50, q90 = (year_text(year_quantile(years, q), horizon) for q in (0.1, 0.5, 0.9))
    return (f"The {HEADLINE_LABEL} ({n_rules} rules): {probs}; median {q50}, 10-90 % of paths "
            f"{q10} to {q90}.")
