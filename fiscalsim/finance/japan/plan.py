"""The rehabilitation plan (財政再生計画) as a response: once its trigger rule has held for its
persistence, the plan runs from the next fiscal year — the third sector's guaranteed debt is
taken over, the enterprises' shortfall absorbed by the general account, and from the year the
law allows it the general account's deficit is converted into the rehabilitation bond
(再生振替特例債), repaid in equal principal over what is left of the plan."""

from __future__ import annotations

import numpy as np

from fiscalsim.finance.japan.state import JapanSetup, JapanState
from fiscalsim.triggers.rules import holds_in_year


def plan_step(su: JapanSetup, st: JapanState, lines: dict[str, np.ndarray], t: int) -> None:
    """Evaluate the plan's trigger on the lines up to year ``t``; paths where it has held for its
    persistence start the plan in year ``t + 1``."""
    rule = su.rule
    if su.p.plan is None or rule is None:
        return
    cond = holds_in_year(rule, su.years, lines, t, su.triggers_from)
    st.fired_run = np.where(cond, st.fired_run + 1, 0)
    newly = (st.fired_run >= rule.persistence) & ~st.plan_active
    st.plan_start = np.where(newly, t + 1, st.plan_start)
    st.staff_at_plan = np.where(newly, st.staff, st.staff_at_plan)
    st.deficit_at_plan = np.where(newly, st.deficit + st.shortfall + st.arrears, st.deficit_at_plan)
    st.plan_active = st.plan_active | newly


def rehabilitation_bond(su: JapanSetup, st: JapanState, t: int) -> tuple[np.ndarray, np.ndarray]:
    """(proceeds, yearly principal) of the rehabilitation bond issued in year ``t``: the deficit
    carried into the year, once the plan runs and the law allows it; zero otherwise."""
    plan = su.p.plan
    zero = np.zeros_like(st.deficit)
    if plan is None:
        return zero, zero
    issue = st.plan_active & (su.years[t] >= plan.bond_from_year) & (st.rehabilitation_principal == 0)
    proceeds = np.where(issue, st.deficit, 0.0)
    years_left = np.maximum(plan.repayment_years - (t - st.plan_start), 1.0)
    return proceeds, np.where(issue, proceeds / years_left, 0.0)


def third_sector_takeover(su: JapanSetup, st: JapanState, t: int) -> np.ndarray:
    """The guaranteed third-sector debt the city takes over in the plan's first year."""
    plan = su.p.plan
    if plan is None:
        return np.zeros_like(st.deficit)
    return np.where(st.plan_active & (st.plan_start == t), su.p.third_sector_takeover_on_plan * st.third_sector_debt,
                    0.0)
