"""Revenue of a fiscal year: local tax (and the plan's rates above the standard), the local
allocation tax (地方交付税) from the standard need / standard revenue formula, and the standard
fiscal scale (標準財政規模) that the statutory ratios divide by.

* 基準財政収入額 (standard revenue) = ``standard_revenue_share`` (0.75 by law) × tax at standard
  rates + shared taxes (譲与税・交付金) in full;
* 基準財政需要額 (standard need) = need of the base year × the weighted index of residents, the
  elderly and pupils × prices × the national allocation adjustment, + B, the debt service counted
  in the need (a share of the year's local-debt service);
* 普通交付税 = max(0, need − standard revenue); 標準財政規模 = tax at standard rates + shared taxes
  + 普通交付税 (the standard tax revenue counted in full).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fiscalsim.arrays import at
from fiscalsim.finance.japan.state import JapanSetup, JapanState
from fiscalsim.finance.steps import YearInputs


@dataclass(frozen=True)
class JapanRevenue:
    tax: np.ndarray
    surcharge: np.ndarray
    shared: np.ndarray
    ordinary: np.ndarray
    special: np.ndarray
    other: np.ndarray
    standard_need: np.ndarray
    standard_revenue: np.ndarray
    standard_fiscal_scale: np.ndarray
    debt_service_in_need: np.ndarray


def population_index(su: JapanSetup, x: YearInputs) -> np.ndarray:
    """Residents, the elderly and pupils, weighted as in the standard need, relative to the base year."""
    p, d = su.p, su.drivers0
    return (p.need_weight_residents * x.residents / d["residents"] + p.need_weight_elderly * x.elderly / d["elderly"]
            + p.need_weight_pupils * x.pupils / d["pupils"])


def japan_revenue(su: JapanSetup, st: JapanState, x: YearInputs, local_debt_service: np.ndarray) -> JapanRevenue:
    """The year's revenue lines (see module docstring)."""
    a, p, plan = su.a, su.p, su.p.plan
    active = st.plan_active
    tax = a.local_tax * (x.employment / su.drivers0["employment"] * x.wage_index) ** p.tax_wage_elasticity
    surcharge = np.where(active, plan.tax_surcharge * tax, 0.0) if plan else np.zeros_like(tax)
    shared = a.shared_taxes * x.residents / su.drivers0["residents"] * x.price_index
    b = p.debt_service_in_need_share * local_debt_service
    need = su.need_base * population_index(su, x) * x.price_index * at(p.allocation_adjustment, x.t) + b
    standard_revenue = p.standard_revenue_share * tax + shared
    ordinary = np.maximum(need - standard_revenue, 0.0)
    special = a.allocation_tax_special * x.price_index
    other = a.other_revenue * x.price_index
    if plan:
        special = special + np.where(active, plan.special_allocation_aid, 0.0)
        other = other * np.where(active, 1.0 + plan.fee_rise, 1.0)
    return JapanRevenue(tax, surcharge, shared, ordinary, special, other, need, standard_revenue,
                        tax + shared + ordinary, b)
