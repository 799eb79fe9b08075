"""One-at-a-time sensitivity of a rule's first year to each uncertain parameter (tornado).

Around the zero-variance run (every distribution at its median, no shocks), each parameter with a
distribution is set in turn to its low and high quantile (10 % and 90 % by default) and the
rule's first-passage year is recorded. Parameters that vary only through a time process are
not swung (they have no single low or high value); they are listed as such.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from fiscalsim.scenario.uncertainty import Distribution
from fiscalsim.simulate.montecarlo import run_scenario
from fiscalsim.simulate.sampling import zero_variance


@dataclass(frozen=True)
class Tornado:
    rule: str
    central_year: int
    table: pd.DataFrame  # parameter, low_value, high_value, year_at_low, year_at_high, swing_years
    not_swung: tuple[str, ...]


def _first_year(sc, rule: str) -> int:
    res = run_scenario(sc, 1, 0)
    return int(res.first_passage[0, res.rule_ids.index(rule)])


def tornado(sc, rule: str, q_low: float = 0.1, q_high: float = 0.9) -> Tornado:
    if not 0 < q_low < q_high < 1:
        raise ValueError("quantiles must satisfy 0 < low < high < 1")
    quiet = zero_variance(sc)
    central = _first_year(quiet, rule)
    rows, skipped = [], []
    for i, u in enumerate(sc.uncertain):
        if u.param.distribution is None:
            skipped.append(u.key)
            continue
        values, years = [], []
        for q in (q_low, q_high):
            v = float(u.param.distribution.ppf(np.array(q)))
            if u.param.clip is not None:
                v = float(np.clip(v, *u.param.clip))
            fixed = dataclasses.replace(u.param, distribution=Distribution("fixed", (("value", v),)))
            uncertain = list(quiet.uncertain)
            uncertain[i] = dataclasses.replace(uncertain[i], param=fixed)
            years.append(_first_year(dataclasses.replace(quiet, uncertain=tuple(uncertain)), rule))
            values.append(v)
        rows.append({"parameter": u.key, "low_value": values[0], "high_value": values[1],
                     "year_at_low": years[0], "year_at_high": years[1],
                     "swing_years": abs(years[1] - years[0])})
    table = pd.DataFrame(rows, columns=["parameter", "low_value", "high_value", "year_at_low", "year_at_high",
                                        "swing_years"])
    table = table.sort_values("swing_years", ascending=False, kind="stable").reset_index(drop=True)
    return Tornado(rule, central, table, tuple(skipped))
