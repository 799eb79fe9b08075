"""One finance year: the books in order — revenue, services, staffing, social insurance, debt,
fund budget, general budget — then the record and the restructuring response. Each step is a
named function over the explicit state (:mod:`fiscalsim.finance.steps`); the base year is data
and has its own function (:func:`finance_base_year`), so no book branches on the year.
"""

from __future__ import annotations

import numpy as np

from fiscalsim.arrays import at
from fiscalsim.finance.debt import DebtYear
from fiscalsim.finance.inputs import BaseAccounts
from fiscalsim.finance.ledger import FinanceResult
from fiscalsim.finance.liquidity import (
    FundYear,
    GeneralArrears,
    GeneralDue,
    GeneralYear,
    fund_year,
    general_year,
)
from fiscalsim.finance.model import Calibration
from fiscalsim.finance.record import YearRecord, record_year
from fiscalsim.finance.steps import (
    DebtFlows,
    FinanceSetup,
    FinanceState,
    Revenue,
    YearInputs,
    debt_step,
    pension_step,
    planned_debt_step,
    response_step,
    revenue_step,
    services_step,
    staffing_step,
)


def fund_flows(su: FinanceSetup, st: FinanceState, x: YearInputs) -> dict[str, np.ndarray]:
    """Land revenue (construction × land prices), project revenue, the upper-level subsidy, land
    costs and the legal transfer to the general budget (all land income after costs while a
    restructuring response sends land income to debt)."""
    base, cal, lv, t = su.base, su.cal, su.lv, x.t
    land = base.land_revenue * x.construction_index * x.land_price_index
    land_costs = cal.land_costs_share * land
    transfer_out = cal.fund_transfer_out_share * land
    if su.response is not None and su.response.land_to_debt:
        transfer_out = np.where(st.restructured, np.maximum(land - land_costs, transfer_out), transfer_out)
    return {"land": land, "project_revenue": np.full_like(land, lv.project_revenue[t]),
            "subsidy": base.fund_subsidy * x.price_index, "land_costs": land_costs, "transfer_out": transfer_out}


def fund_step(su: FinanceSetup, st: FinanceState, x: YearInputs, debt: DebtFlows, flows: dict) -> FundYear:
    """The fund budget of a later year (:func:`fiscalsim.finance.liquidity.fund_year`)."""
    cal, t, sp = su.cal, x.t, debt.special
    projects = debt.quota * at(su.p.new_special_bonds, t) + cal.fund_projects_base * x.price_index \
        + su.lv.project_cost[t]
    carry = cal.fund_carry_forward_ratio * (flows["land_costs"] + sp.interest_due + sp.principal_due + projects)
    free = flows["land"] + flows["project_revenue"] + flows["subsidy"] + st.fund_carry
    return fund_year(free, sp, flows["land_costs"], flows["transfer_out"], projects, carry, st.fund_arrears_debt,
                     st.fund_arrears_land, at(su.p.provincial_substitute_share, t))


def general_dues(su: FinanceSetup, st: FinanceState, x: YearInputs, own: np.ndarray, personnel: np.ndarray,
                 si_subsidy: np.ndarray, services: dict) -> tuple[dict, np.ndarray, np.ndarray, np.ndarray]:
    """三保 items, the remittance, and the capital and other targets (after the response's cuts)."""
    cal, lv, t = su.cal, su.lv, x.t
    capital = cal.capital * x.price_index
    other = cal.other * x.price_index
    if su.response is not None:
        capital = np.where(st.restructured & su.response.capital_stop, 0.0, capital)
        other = np.where(st.restructured, other * (1.0 - su.response.other_cut), other)
    sanbao = {"personnel": personnel, "si_subsidy": si_subsidy, **services,
              "policy": np.full_like(own, lv.policy_costs[t])}  # one-off reform costs are operations
    return sanbao, cal.remittance_share * own, capital, other


def extra_resources(su: FinanceSetup, st: FinanceState, t: int) -> tuple[np.ndarray, np.ndarray]:
    """Asset sales and provincial aid of the year (levers and the restructuring response)."""
    n_paths = st.restructured.shape[0]
    sales = np.full(n_paths, su.lv.asset_sales[t])
    aid = np.zeros(n_paths)
    r = su.response
    if r is not None:
        sales = sales + np.where(st.restructured, r.asset_sales, 0.0)
        aid = np.where(st.restructured & (t - st.fired_year <= r.aid_years), r.provincial_aid, 0.0)
    return sales, aid


def general_step(su: FinanceSetup, st: FinanceState, t: int, rev: Revenue, dues: tuple, debt: DebtFlows,
                 transfer_in: np.ndarray, sales: np.ndarray, aid: np.ndarray) -> GeneralYear:
    """The general budget of a later year (:func:`fiscalsim.finance.liquidity.general_year`)."""
    p, cal = su.p, su.cal
    sanbao, remit, capital, other = dues
    gy = debt.general
    spending = sum(sanbao.values()) + gy.interest_due + capital + other
    free_share = p.carry_forward_free_share
    due = GeneralDue(remit, sanbao, capital, other, p.capital_floor_share * capital, p.other_floor_share * other,
                     gy.interest_due, gy.principal_due, debt.lgfv_support,
                     free_share * cal.carry_forward_ratio * spending,
                     (1 - free_share) * cal.carry_forward_ratio * spending)
    free = rev.own + rev.equalisation + rev.returns + st.carry_free + transfer_in + sales + aid
    return general_year(free, st.stabilisation, rev.special + gy.new_issuance + st.carry_tied, gy.refinanced, due,
                        st.arrears, at(p.provincial_substitute_share, t))


def carry_state(st: FinanceState, gen: GeneralYear, fy: FundYear) -> None:
    """What the books hand to next year: arrears, balances, advances and carry-forwards."""
    st.arrears = gen.arrears
    st.fund_arrears_debt, st.fund_arrears_land = fy.arrears_debt, fy.arrears_land
    st.fund_carry = fy.carry_forward
    st.advances = st.advances + gen.provincial + fy.provincial
    st.stabilisation = st.stabilisation - gen.drawn + gen.paid_in
    st.carry_free, st.carry_tied = gen.carry_free, gen.carry_earmarked


def finance_year(su: FinanceSetup, st: FinanceState, x: YearInputs, out: FinanceResult) -> None:
    """One later year of every book, written into ``out`` at year ``x.t``."""
    t = x.t
    rev = revenue_step(su, x)
    services = services_step(su, st, x)
    personnel, headcount, staff_year = staffing_step(su, st, x)
    pe, retirees, contributors = pension_step(su, st, x)
    debt = planned_debt_step(su, st, t)
    flows = fund_flows(su, st, x)
    fy = fund_step(su, st, x, debt, flows)
    dues = general_dues(su, st, x, rev.own, personnel, pe.fiscal_subsidy, services)
    sales, aid = extra_resources(su, st, t)
    gen = general_step(su, st, t, rev, dues, debt, fy.paid["transfer_out"], sales, aid)
    carry_state(st, gen, fy)
    record_year(out, YearRecord(su, st, x, rev, personnel, headcount, staff_year, pe, retirees, contributors,
                                services, debt, flows, fy, dues, gen, sales, aid))
    response_step(su, st, out.lines, t)


def finance_base_year(su: FinanceSetup, st: FinanceState, x: YearInputs, out: FinanceResult) -> None:
    """The base year as published: the same driver formulas, the published payments, the base
    year's own bond issuance, and LGFV arrears as the waterfall finds them."""
    base = su.base
    rev = revenue_step(su, x)
    services = services_step(su, st, x)
    personnel, headcount, staff_year = staffing_step(su, st, x)
    pe, retirees, contributors = pension_step(su, st, x, base.si_balance_end - base.si_balance_start)
    debt = debt_step(su, st, 0, su.g_new0, su.s_new0, np.ones(1))
    flows = fund_flows(su, st, x)
    fy = base_fund_year(base, flows, debt.special)
    dues = general_dues(su, st, x, rev.own, personnel, pe.fiscal_subsidy, services)
    gen = base_general_year(base, su.cal, dues[0], dues[1], debt.general, np.asarray(su.p.carry_forward_free_share),
                            x.residents.shape[0])
    zero = np.zeros_like(x.residents)
    carry_state(st, gen, fy)
    record_year(out, YearRecord(su, st, x, rev, personnel, headcount, staff_year, pe, retirees, contributors,
                                services, debt, flows, fy, dues, gen, zero, zero))
    response_step(su, st, out.lines, 0)


def base_fund_year(base: BaseAccounts, flows: dict, special: DebtYear) -> FundYear:
    """The fund budget of the base year as published; projects are the residual."""
    zero = np.zeros_like(flows["land"])
    paid = {"land_costs": flows["land_costs"], "interest": special.interest_due, "principal": special.principal_due,
            "debt_arrears": zero, "land_arrears": zero, "transfer_out": np.full_like(zero, base.fund_transfer_out),
            "projects": base.fund_expenditure - flows["land_costs"] - special.interest_due - special.principal_due}
    return FundYear(paid, zero, np.full_like(zero, base.fund_carry_forward), zero, zero)


def base_general_year(base: BaseAccounts, cal: Calibration, sanbao: dict[str, np.ndarray], remit: np.ndarray,
                      gy, free_share: np.ndarray, n_paths: int) -> GeneralYear:
    """The base year as published: every line paid; LGFV support unpaid as the waterfall finds it
    (``Calibration.lgfv_unpaid0``); the carry-forward split into 结余 and 结转."""
    zero = np.zeros(n_paths)
    ones = np.ones(n_paths)
    paid = {**sanbao, "remit": remit, "interest": gy.interest_due, "principal": gy.principal_due,
            "lgfv": cal.lgfv_paid0 * ones, "capital": cal.capital * ones, "other": cal.other * ones,
            "sanbao_arrears": zero, "debt_arrears": zero, "lgfv_arrears": zero, "supplier_arrears": zero}
    arrears = GeneralArrears(zero, zero, zero, cal.lgfv_unpaid0 * ones)
    free = (base.own_revenue + base.transfers_from_upper * (1.0 - cal.special_share) + free_share * base.carry_over_in
            + base.stabilisation_drawn + base.transfer_in_from_fund) * ones
    return GeneralYear(paid, base.stabilisation_drawn * ones, base.stabilisation_paid_in * ones, zero, arrears,
                       free_share * base.carry_forward * ones, (1 - free_share) * base.carry_forward * ones, free,
                       zero)
