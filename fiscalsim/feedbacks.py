"""Feedbacks from the budget and the local economy to people: the shrinking-city loop.

Fewer people → less revenue → cuts and arrears → more people leave. Each feedback is scenario
data (section ``feedbacks``) and can be switched off; with all of them off the coupled year loop
computes exactly what the stages computed one after another.

Every feedback acts with a one-year lag: the net migration of year ``t`` responds to what the
books and the economy showed in year ``t−1`` (people react to last year's job market, services
and wage arrears), so that no year's demography depends on its own budget. The base year is data:
no feedback acts in it.

* **Jobs → migration.** A share ``jobs_leave_share`` of the job gap (labour supply minus local
  labour demand, zero in the base year by construction; see :mod:`fiscalsim.economy`) leaves in
  the year. Only a positive gap pushes: a labour shortage in a shrinking city does not, by this
  rule, pull migrants in.
* **Austerity → migration.** The net migration rate falls by ``services_semi_elasticity`` × the
  relative shortfall of real service spending per resident below the base year, and by
  ``arrears_semi_elasticity`` × the 三保 arrears (unpaid wages, benefits and services) as a share of
  the year's 三保 obligations (capped at one: a year or more of arrears counts as one year).
* **Population → staffing** is a finance parameter (the establishment rule, see
  :func:`fiscalsim.finance.steps.staffing_step`), switched on in the same section.

The extra migration is spread by the scenario's migration age profile, like the rest of net
migration.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FeedbackInputs:
    """The switches and response parameters (floats, or drawn per path ``(n_paths,)``)."""

    jobs: bool = False
    jobs_leave_share: float | np.ndarray = 0.0
    austerity: bool = False
    services_semi_elasticity: float | np.ndarray = 0.0
    arrears_semi_elasticity: float | np.ndarray = 0.0

    @property
    def moves_people(self) -> bool:
        return self.jobs or self.austerity


@dataclass(frozen=True)
class FeedbackSignals:
    """What the previous year showed, each ``(n_paths,)``."""

    job_gap: np.ndarray  # persons
    population: np.ndarray  # persons at 1 January of that year
    service_shortfall: np.ndarray  # 1 − real services per resident / base year, floored at 0
    arrears_share: np.ndarray  # 三保 arrears / that year's 三保 obligations, at most one

    @classmethod
    def quiet(cls, n_paths: int) -> FeedbackSignals:
        z = np.zeros(n_paths)
        return cls(z, np.ones(n_paths), z, z)


def migration_response(fb: FeedbackInputs, sig: FeedbackSignals) -> np.ndarray:
    """The change of the crude net migration rate (per person-year, negative = more leave)."""
    delta = np.zeros_like(sig.job_gap)
    if fb.jobs:
        per_person = np.maximum(sig.job_gap, 0.0) / np.where(sig.population > 0, sig.population, 1.0)
        delta = delta - np.asarray(fb.jobs_leave_share) * per_person
    if fb.austerity:
        delta = delta - (np.asarray(fb.services_semi_elasticity) * sig.service_shortfall
                         + np.asarray(fb.arrears_semi_elasticity) * sig.arrears_share)
    return delta


def real_services_per_resident(lines: dict[str, np.ndarray], t: int) -> np.ndarray:
    """Service spending actually paid in year ``t``, at base-year prices, per resident."""
    return lines["services_paid"][:, t] / lines["price_index"][:, t] / lines["population"][:, t]


def signals_of_year(lines: dict[str, np.ndarray], t: int, services0: np.ndarray | None = None) -> FeedbackSignals:
    """The signals year ``t`` of the books (lines written up to ``t``) sends to year ``t+1``;
    ``services0``: the base year's real services per resident (computed when not given)."""
    base = real_services_per_resident(lines, 0) if services0 is None else services0
    shortfall = 1.0 - real_services_per_resident(lines, t) / base
    due = lines["sanbao_due"][:, t]
    arrears = np.where(due > 0, lines["sanbao_unpaid"][:, t] / np.where(due > 0, due, 1.0), 0.0)
    arrears = np.minimum(arrears, 1.0)  # a year or more of arrears counts as a full year
    return FeedbackSignals(lines["job_gap"][:, t], lines["population"][:, t], np.maximum(shortfall, 0.0), arrears)
