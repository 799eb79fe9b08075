"""One fiscal year of a Japanese municipality's books: debt service, revenue, spending, the
enterprises, the general account's settlement, then the record (books and the statutory
ratios' lines) and the rehabilitation plan's trigger. The base year runs the same step from the
calibrated start (:mod:`fiscalsim.finance.japan.state`), so it reproduces the settled accounts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fiscalsim.finance.japan.plan import plan_step, rehabilitation_bond, third_sector_takeover
from fiscalsim.finance.japan.ratios import ratio_lines
from fiscalsim.finance.japan.revenue import JapanRevenue, japan_revenue
from fiscalsim.finance.japan.settle import GeneralSettlement, settle_general
from fiscalsim.finance.japan.spending import (
    EnterpriseYear,
    JapanSpending,
    enterprise_year,
    japan_spending,
)
from fiscalsim.finance.japan.state import JapanSetup, JapanState
from fiscalsim.finance.ledger import FinanceResult
from fiscalsim.finance.steps import YearInputs


@dataclass(frozen=True)
class JapanYear:
    """Everything one year produced, for the record."""

    rev: JapanRevenue
    sp: JapanSpending
    ent: EnterpriseYear
    gs: GeneralSettlement
    due: dict
    grants: np.ndarray
    rehab_proceeds: np.ndarray
    carry_in: np.ndarray


def _debt_service(su: JapanSetup, st: JapanState) -> dict[str, np.ndarray]:
    p = su.p
    rehab_rate = p.plan.bond_rate if p.plan is not None else 0.0
    return {"exp_debt_interest": p.debt_rate * st.local_debt,
            "exp_debt_principal": su.principal_share * st.local_debt,
            "exp_rehabilitation_interest": rehab_rate * st.rehabilitation_debt,
            "exp_rehabilitation_principal": np.minimum(st.rehabilitation_principal, st.rehabilitation_debt)}


def year_flows(su: JapanSetup, st: JapanState, x: YearInputs) -> JapanYear:
    """The flows of year ``x.t`` from the state at its start."""
    t = x.t
    takeover = third_sector_takeover(su, st, t)
    st.third_sector_debt = st.third_sector_debt - takeover
    proceeds, principal = rehabilitation_bond(su, st, t)
    st.rehabilitation_debt = st.rehabilitation_debt + proceeds
    st.rehabilitation_principal = st.rehabilitation_principal + principal
    service = _debt_service(su, st)
    rev = japan_revenue(su, st, x, service["exp_debt_interest"] + service["exp_debt_principal"])
    sp = japan_spending(su, st, x)
    target = su.a.transfer_to_enterprises * x.price_index
    ent = enterprise_year(su, st, x, np.where(st.plan_active, np.inf, target))
    due = {"exp_personnel": sp.personnel, "exp_services": sp.services, "exp_transfer_to_enterprises": ent.transfer,
           "exp_third_sector": sp.third_sector + takeover, "exp_capital": sp.capital, **service,
           "exp_temporary_interest": su.temporary_rate * (st.deficit + st.shortfall),
           "exp_arrears_repaid": st.arrears}
    grants = su.grant_ratio * sp.services
    resources = (rev.tax + rev.surcharge + rev.shared + rev.ordinary + rev.special + grants + rev.other + sp.bonds
                 + proceeds + st.surplus)
    open_credit = (t == 0) | st.plan_active
    limit = np.where(open_credit, np.inf, su.p.borrowing_limit * rev.standard_fiscal_scale)
    gs = settle_general(due, resources, st.deficit, limit)
    return JapanYear(rev, sp, ent, gs, due, grants, proceeds, st.surplus)


def book_lines(su: JapanSetup, st: JapanState, y: JapanYear) -> dict[str, np.ndarray]:
    """The two books' lines of the year."""
    rev, sp, ent, gs = y.rev, y.sp, y.ent, y.gs
    return {
        "local_tax": rev.tax, "local_tax_surcharge": rev.surcharge, "shared_taxes": rev.shared,
        "allocation_tax_ordinary": rev.ordinary, "allocation_tax_special": rev.special, "grants": y.grants,
        "other_revenue": rev.other, "local_bond_proceeds": sp.bonds, "rehabilitation_bond_proceeds": y.rehab_proceeds,
        "temporary_borrowing_end": gs.borrowing_end, "carry_over_in": y.carry_in, **gs.paid,
        "temporary_borrowing_start": st.deficit, "carry_forward": gs.carry_forward,
        "enterprise_revenue": ent.revenue, "enterprise_transfer_in": ent.transfer,
        "enterprise_shortfall_end": ent.shortfall_end, "enterprise_cost": ent.cost,
        "enterprise_debt_interest": ent.interest, "enterprise_debt_principal": ent.principal,
        "enterprise_shortfall_start": st.shortfall, "enterprise_retained": ent.retained,
    }


def advance(su: JapanSetup, st: JapanState, y: JapanYear) -> None:
    """The state at the next year's start."""
    p, sp = su.p, y.sp
    hires = np.where(st.plan_active, 0.0, p.hires_per_leaver * p.staff_attrition * sp.staff)
    st.staff = sp.staff * (1.0 - p.staff_attrition) + hires
    st.local_debt = st.local_debt - y.due["exp_debt_principal"] + sp.bonds
    st.rehabilitation_debt = st.rehabilitation_debt - y.due["exp_rehabilitation_principal"]
    st.enterprise_debt = st.enterprise_debt - y.ent.principal
    st.third_sector_debt = st.third_sector_debt - sp.third_sector_principal
    st.arrears = st.arrears - y.gs.paid["exp_arrears_repaid"] + y.gs.mandatory_unpaid
    st.deficit, st.shortfall, st.surplus = y.gs.borrowing_end, y.ent.shortfall_end, y.gs.carry_forward


def japan_year(su: JapanSetup, st: JapanState, x: YearInputs, out: FinanceResult) -> None:
    """Book year ``x.t`` into ``out`` and advance ``st``."""
    y = year_flows(su, st, x)
    lines = book_lines(su, st, y)
    advance(su, st, y)
    lines.update(ratio_lines(su, st, x, y))
    for name, value in lines.items():
        out.lines[name][:, x.t] = value
    out.units["unit_staff"][:, x.t, :] = y.sp.staff[:, None] * su.unit_shares[None, :]
    out.units["unit_personnel"][:, x.t, :] = y.gs.paid["exp_personnel"][:, None] * su.unit_shares[None, :]
    plan_step(su, st, out.lines, x.t)
