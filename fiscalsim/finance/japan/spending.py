"""Spending of a fiscal year before it is settled: staff and pay, services, capital, the
enterprises' accounts and the third sector's call on the city's guarantee (損失補償).

The plan's measures act here: staff fall to ``(1 − staff_cut)`` of their number at the plan's
start over ``staff_cut_years`` (no hires meanwhile), pay per head is cut, services consolidated
and capital spending stopped by the plan's shares; fees and charges rise (also the enterprises').
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fiscalsim.finance.japan.revenue import population_index
from fiscalsim.finance.japan.state import JapanSetup, JapanState
from fiscalsim.finance.steps import YearInputs


@dataclass(frozen=True)
class JapanSpending:
    staff: np.ndarray
    pay_per_staff: np.ndarray
    personnel: np.ndarray
    services: np.ndarray
    capital: np.ndarray
    bonds: np.ndarray
    third_sector: np.ndarray
    third_sector_principal: np.ndarray


def _plan_factor(st: JapanState, share: float | None) -> np.ndarray | float:
    return np.where(st.plan_active, 1.0 - share, 1.0) if share is not None else 1.0


def year_staff(su: JapanSetup, st: JapanState, x: YearInputs) -> np.ndarray:
    """Staff serving during the year (the headcount at its start under the plan's ramp)."""
    plan = su.p.plan
    if plan is None:
        return st.staff
    elapsed = np.clip(x.t - st.plan_start + 1, 0, None)
    ramp = np.minimum(elapsed / plan.staff_cut_years, 1.0)
    return np.where(st.plan_active, np.minimum(st.staff, st.staff_at_plan * (1.0 - plan.staff_cut * ramp)),
                    st.staff)


def japan_spending(su: JapanSetup, st: JapanState, x: YearInputs) -> JapanSpending:
    a, p, plan = su.a, su.p, su.p.plan
    staff = year_staff(su, st, x)
    pay = su.pay_per_staff0 * x.wage_index ** p.cost_per_staff_growth_with_wage
    pay = pay * _plan_factor(st, plan.pay_cut if plan else None)
    services = su.services0 * population_index(su, x) ** p.service_population_elasticity * x.price_index
    services = services * _plan_factor(st, plan.service_cut if plan else None)
    capital = a.capital * x.price_index * _plan_factor(st, plan.capital_cut if plan else None)
    ts_principal = st.third_sector_debt / p.third_sector_years
    third = p.third_sector_call_share * (ts_principal + p.debt_rate * st.third_sector_debt)
    return JapanSpending(staff, pay, staff * pay, services, capital, su.bond_ratio * capital, third, ts_principal)


@dataclass(frozen=True)
class EnterpriseYear:
    revenue: np.ndarray
    cost: np.ndarray
    interest: np.ndarray
    principal: np.ndarray
    transfer: np.ndarray  # from the general account
    shortfall_end: np.ndarray
    retained: np.ndarray


def enterprise_year(su: JapanSetup, st: JapanState, x: YearInputs, transfer_target: np.ndarray) -> EnterpriseYear:
    """The enterprises' account: charges and costs follow residents and prices; the general account
    transfers up to its target and what is still missing is the year-end 資金不足."""
    a, p, plan = su.a, su.p, su.p.plan
    r = x.residents / su.drivers0["residents"]
    revenue = a.enterprise_revenue * r ** p.enterprise_revenue_population_elasticity * x.price_index
    revenue = revenue * (np.where(st.plan_active, 1.0 + plan.fee_rise, 1.0) if plan else 1.0)
    cost = a.enterprise_cost * r ** p.enterprise_cost_population_elasticity * x.price_index
    interest = p.debt_rate * st.enterprise_debt
    principal = su.enterprise_principal_share * st.enterprise_debt
    need = cost + interest + principal + st.shortfall - revenue
    transfer = np.clip(need, 0.0, transfer_target)
    return EnterpriseYear(revenue, cost, interest, principal, transfer, np.maximum(need - transfer, 0.0),
                          np.maximum(-need, 0.0))
