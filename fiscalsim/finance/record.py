"""Writing one year of the books into the result lines (see :mod:`fiscalsim.finance.ledger`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fiscalsim.arrays import col
from fiscalsim.finance.ledger import (
    FUND_EXPENDITURE,
    FUND_EXPENDITURE_88,
    GENERAL_EXPENDITURE,
    GENERAL_EXPENDITURE_88,
    FinanceResult,
)
from fiscalsim.finance.liquidity import FundYear, GeneralYear
from fiscalsim.finance.pension import PensionYear
from fiscalsim.finance.staffing import StaffYear
from fiscalsim.finance.steps import DebtFlows, FinanceSetup, FinanceState, Revenue, YearInputs


@dataclass(frozen=True)
class YearRecord:
    """Everything a year produced, gathered for :func:`record_year`."""

    su: FinanceSetup
    st: FinanceState  # after the year (carry_state applied)
    x: YearInputs
    rev: Revenue
    personnel: np.ndarray
    headcount: np.ndarray
    staff_year: StaffYear
    pe: PensionYear
    retirees: np.ndarray
    contributors: np.ndarray
    services: dict
    debt: DebtFlows
    flows: dict
    fy: FundYear
    dues: tuple  # sanbao, remittance, capital target, other target
    gen: GeneralYear
    sales: np.ndarray
    aid: np.ndarray


def _general_lines(r: YearRecord, previous_carry) -> dict[str, np.ndarray]:
    paid, gy, rev = r.gen.paid, r.debt.general, r.rev
    return {
        "own_tax_revenue": rev.tax, "own_nontax_revenue": rev.nontax, "transfer_equalisation": rev.equalisation,
        "transfer_special": rev.special, "transfer_tax_returns": rev.returns, "carry_over_in": previous_carry,
        "bond_proceeds_refinancing": gy.refinanced, "bond_proceeds_new": gy.new_issuance,
        "stabilisation_drawn": r.gen.drawn, "transfer_in_from_fund": r.fy.paid["transfer_out"],
        "provincial_substitute_general": r.gen.provincial, "asset_sales": r.sales, "provincial_aid": r.aid,
        "exp_policy_costs": paid["policy"], "exp_personnel": paid["personnel"],
        "exp_social_insurance_subsidy": paid["si_subsidy"], "exp_services_education": paid["education"],
        "exp_services_elderly": paid["elderly"], "exp_services_residents": paid["residents"],
        "exp_dibao": paid["dibao"], "exp_staff_pensions": paid["staff_pensions"],
        "exp_overhead": paid["overhead"], "exp_general_interest": paid["interest"], "exp_lgfv_support": paid["lgfv"],
        "exp_arrears_repaid": paid["sanbao_arrears"] + paid["debt_arrears"] + paid["lgfv_arrears"]
        + paid["supplier_arrears"], "exp_capital": paid["capital"], "exp_other_residual": paid["other"],
        "remittance_up": paid["remit"], "bond_principal_repaid": paid["principal"],
        "stabilisation_paid_in": r.gen.paid_in, "carry_forward": r.gen.carry_free + r.gen.carry_earmarked,
        "carry_forward_free": r.gen.carry_free, "carry_forward_earmarked": r.gen.carry_earmarked,
        "arrears_repaid_sanbao": paid["sanbao_arrears"], "arrears_repaid_debt": paid["debt_arrears"],
        "arrears_repaid_lgfv": paid["lgfv_arrears"], "arrears_repaid_suppliers": paid["supplier_arrears"],
    }


def _fund_lines(r: YearRecord, previous_carry) -> dict[str, np.ndarray]:
    fy, sp = r.fy, r.debt.special
    return {
        "land_revenue": r.flows["land"], "project_revenue": r.flows["project_revenue"],
        "fund_subsidy": r.flows["subsidy"], "fund_carry_over_in": previous_carry,
        "special_bond_proceeds_refinancing": sp.refinanced, "special_bond_proceeds_new": sp.new_issuance,
        "provincial_substitute_fund": fy.provincial, "land_costs": fy.paid["land_costs"],
        "fund_projects_residual": fy.paid["projects"], "special_interest": fy.paid["interest"],
        "special_principal_repaid": fy.paid["principal"],
        "fund_arrears_repaid": fy.paid["debt_arrears"] + fy.paid["land_arrears"],
        "transfer_out_to_general": fy.paid["transfer_out"], "fund_carry_forward": fy.carry_forward,
    }


def _debt_and_arrears_lines(r: YearRecord) -> dict[str, np.ndarray]:
    d, st, fy = r.debt, r.st, r.fy
    gy, sy, ly = d.general, d.special, d.lgfv
    a = st.arrears
    return {
        "debt_general": gy.balance_end, "debt_special": sy.balance_end, "debt_lgfv": ly.balance_end,
        "debt_government": gy.balance_end + sy.balance_end, "general_interest_due": gy.interest_due,
        "general_principal_due": gy.principal_due, "special_interest_due": sy.interest_due,
        "special_principal_due": sy.principal_due, "lgfv_interest_due": ly.interest_due,
        "lgfv_principal_due": ly.principal_due, "lgfv_refinanced": ly.refinanced, "lgfv_support_due": d.lgfv_support,
        "general_bond_issuance": gy.refinanced + gy.new_issuance + d.swap,
        "special_bond_issuance": sy.refinanced + sy.new_issuance, "new_bond_quota": d.quota,
        "debt_swap": d.swap * np.ones_like(d.quota),
        "arrears_debt": a.debt, "arrears_sanbao": a.sanbao, "arrears_lgfv": a.lgfv, "arrears_suppliers": a.suppliers,
        "arrears_fund_debt": fy.arrears_debt, "arrears_fund_land": fy.arrears_land,
        "arrears_fund": fy.arrears_debt + fy.arrears_land, "government_debt_arrears": a.debt + fy.arrears_debt,
        "provincial_advances": st.advances, "stabilisation_balance": st.stabilisation,
        "debt_service_due": gy.interest_due + gy.principal_due + sy.interest_due + sy.principal_due + d.lgfv_support,
        "debt_service_unpaid": a.debt + a.lgfv + fy.arrears_debt,
        "debt_service_net_of_refinancing": gy.interest_due + gy.principal_due - gy.refinanced + d.lgfv_support,
        "debt_service_in_standard_need": np.zeros_like(d.quota),
    }


def _memo_lines(r: YearRecord) -> dict[str, np.ndarray]:
    sanbao, remit, capital, other = r.dues
    pe, x, rev, s = r.pe, r.x, r.rev, r.services
    return {
        "si_premiums": pe.premiums, "si_fiscal_subsidy": pe.fiscal_subsidy, "si_upper_subsidy": pe.upper_subsidy,
        "si_other_revenue": pe.other_revenue, "si_balance_start": pe.balance_start, "si_benefits": pe.benefits,
        "si_remitted_up": pe.remitted_up, "si_other_expenditure": pe.other_expenditure,
        "si_balance_end": pe.balance_end, "restructured": r.st.restructured.astype(float),
        "staff_wage_index": r.st.staff_wage_index, "remittance_due": remit, "capital_due": capital,
        "other_due": other, "sanbao_due": sum(sanbao.values()), "sanbao_unpaid": r.st.arrears.sanbao,
        "free_resources": r.gen.free_resources, "sanbao_debt_gap": r.gen.crowding_gap,
        "personnel_due": r.personnel, "services_due": s["education"] + s["elderly"] + s["residents"] + s["dibao"],
        "services_paid": r.gen.paid["education"] + r.gen.paid["elderly"] + r.gen.paid["residents"]
        + r.gen.paid["dibao"],
        "si_subsidy_due": pe.fiscal_subsidy, "operations_due": s["overhead"] + sanbao["policy"],
        "own_revenue": rev.own, "transfers_total": rev.equalisation + rev.special + rev.returns,
        "comprehensive_capacity": rev.own + rev.equalisation + rev.special + rev.returns + r.flows["land"]
        + r.flows["subsidy"],
        "standard_fiscal_scale": rev.tax + rev.equalisation + rev.returns,
        "staff": r.headcount, "staff_retirements": r.staff_year.retirements.sum(-1),
        "staff_hires": r.staff_year.hires.sum(-1), "establishment": r.st.establishment,
        "retired_staff": r.st.retired_staff, "pension_contributors": r.contributors,
        "pension_retirees": r.retirees, "population": x.residents, "employment": x.employment,
        "job_gap": x.job_gap, "wage_index": x.wage_index, "price_index": x.price_index,
    }


def record_year(out: FinanceResult, r: YearRecord) -> None:
    """Write year ``r.x.t`` of every line, the aggregates and the unit series."""
    L, U, t = out.lines, out.units, r.x.t
    base = r.su.base
    previous = (L["carry_forward"][:, t - 1], L["fund_carry_forward"][:, t - 1]) if t else (
        np.full_like(r.x.residents, base.carry_over_in), np.full_like(r.x.residents, base.fund_carry_over_in))
    for part in (_general_lines(r, previous[0]), _fund_lines(r, previous[1]), _debt_and_arrears_lines(r),
                 _memo_lines(r)):
        for name, value in part.items():
            L[name][:, t] = value
    L["general_expenditure"][:, t] = sum(L[n][:, t] for n in GENERAL_EXPENDITURE)
    L["fund_expenditure"][:, t] = sum(L[n][:, t] for n in FUND_EXPENDITURE)
    L["general_expenditure_88"][:, t] = sum(L[n][:, t] for n in GENERAL_EXPENDITURE_88)
    L["fund_expenditure_88"][:, t] = sum(L[n][:, t] for n in FUND_EXPENDITURE_88)
    rev = r.rev
    L["general_balance_before_financing"][:, t] = (rev.own + rev.equalisation + rev.special + rev.returns
                                                   + r.fy.paid["transfer_out"] - L["general_expenditure"][:, t]
                                                   - r.gen.paid["remit"])
    r.st.debt_ratio_prev = L["debt_government"][:, t] / np.maximum(L["comprehensive_capacity"][:, t], 1.0)
    su, x = r.su, r.x
    cal = su.cal
    U["unit_overhead"][:, t] = col(su.p.overhead_per_unit * x.price_index) * su.lv.overhead_factor[t][None, :]
    weights = (col(cal.education_per_pupil) * x.unit_pupils + col(cal.residents_per_person + cal.dibao_per_resident)
               * x.unit_residents + col(cal.elderly_per_person) * x.unit_elderly)  # each unit's share of the services it is served
    services = r.services["education"] + r.services["elderly"] + r.services["residents"] + r.services["dibao"]
    U["unit_services"][:, t] = services[:, None] * weights / weights.sum(axis=1, keepdims=True)
    U["unit_staff"][:, t] = r.headcount[:, None] * su.unit_share[None, :]
    U["unit_personnel"][:, t] = r.personnel[:, None] * su.unit_share[None, :]
