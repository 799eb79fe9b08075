"""The memo lines of a year that the 2007 soundness law's ratios read (see
``triggers/packs/japan_2007_statutory.yaml``), and the feedback lines every book set records.

* real deficit (実質赤字額) = temporary borrowing carried out of the year + unpaid arrears − the
  surplus carried forward (negative: a surplus); consolidated (連結) adds the enterprises' 資金不足;
* 元利償還金 = principal and interest of local bonds and of the rehabilitation bond; 準元利償還金 =
  interest on temporary borrowing + the general account's transfer that pays enterprise debt service;
* future burden (将来負担額) = local and rehabilitation bonds + the enterprise debt the general
  account services (its share of that service this year) + the third sector's guaranteed debt the
  city is called on (its call share) + the retirement allowances owed + a consolidated deficit;
  offsets = debt expected to be counted in future standard needs + the surplus;
* the early-warning threshold of the real deficit ratio by standard fiscal scale S (see the pack):
  15 % up to S = 50億円, 11.25 % from 200億円, ``0.10 + 2.5億円 / S`` between; consolidated + 5 points.
"""

from __future__ import annotations

import numpy as np

from fiscalsim.finance.japan.state import JapanSetup, JapanState
from fiscalsim.finance.steps import YearInputs


def early_deficit_threshold(scale: np.ndarray) -> np.ndarray:
    """Early-warning real-deficit ratio of a municipality with standard fiscal scale ``scale`` yen."""
    scale = np.asarray(scale, dtype=float)
    between = 0.10 + 2.5e8 / np.maximum(scale, 1.0)
    return np.clip(between, 0.1125, 0.15)


def ratio_lines(su: JapanSetup, st: JapanState, x: YearInputs, y) -> dict[str, np.ndarray]:
    """Memo lines of the year; ``st`` is the state after the year (its end stocks)."""
    p, rev, ent, gs, due = su.p, y.rev, y.ent, y.gs, y.due
    real = gs.borrowing_end + st.arrears - gs.carry_forward
    consolidated = real + ent.shortfall_end
    ent_service = ent.interest + ent.principal
    general_share = np.divide(ent.transfer, ent_service, out=np.zeros_like(ent_service), where=ent_service > 0)
    general_share = np.minimum(general_share, 1.0)
    allowance = st.staff * y.sp.pay_per_staff * p.retirement_allowance_months / 12.0
    burden = (st.local_debt + st.rehabilitation_debt + general_share * st.enterprise_debt
              + p.third_sector_call_share * st.third_sector_debt + allowance + np.maximum(consolidated, 0.0))
    mandatory = due["exp_personnel"] + due["exp_services"]
    early = early_deficit_threshold(rev.standard_fiscal_scale)
    expenditure = sum(gs.paid.values())
    return {
        "population": x.residents, "job_gap": x.job_gap, "staff": y.sp.staff, "price_index": x.price_index, "wage_index": x.wage_index,
        "employment": x.employment, "services_paid": gs.paid["exp_services"], "sanbao_due": mandatory,
        "sanbao_unpaid": gs.mandatory_unpaid, "personnel_due": due["exp_personnel"], "services_due": due["exp_services"],
        "general_expenditure": expenditure, "standard_need": rev.standard_need,
        "standard_revenue": rev.standard_revenue, "standard_fiscal_scale": rev.standard_fiscal_scale,
        "debt_service_in_need": rev.debt_service_in_need, "local_debt": st.local_debt,
        "enterprise_debt": st.enterprise_debt, "rehabilitation_debt": st.rehabilitation_debt,
        "third_sector_debt": st.third_sector_debt, "arrears_mandatory": st.arrears, "deficit_general": st.deficit,
        "shortfall_enterprises": st.shortfall, "real_deficit": real, "consolidated_real_deficit": consolidated,
        "debt_service_local": due["exp_debt_interest"] + due["exp_debt_principal"]
        + due["exp_rehabilitation_interest"] + due["exp_rehabilitation_principal"],
        "quasi_debt_service": due["exp_temporary_interest"] + np.minimum(ent.transfer, ent_service),
        "future_burden": burden, "future_burden_offsets": p.debt_in_need_share * st.local_debt + gs.carry_forward,
        "retirement_allowance": allowance, "enterprise_scale": p.enterprise_scale_share * ent.revenue,
        "early_deficit_threshold": early, "early_consolidated_threshold": early + 0.05,
        "plan_active": ((st.plan_start >= 0) & (st.plan_start <= x.t)).astype(float),
        "plan_repayment_target": np.where(st.plan_start >= 0, st.deficit_at_plan / _repayment_years(su), 0.0),
    }


def _repayment_years(su: JapanSetup) -> float:
    return su.p.plan.repayment_years if su.p.plan is not None else 1.0
