"""The named steps of one finance year, each a short function of the explicit state
(:class:`FinanceState`), the block's constants (:class:`FinanceSetup`) and the year's inputs
(:class:`YearInputs`). The books' settlement is in :mod:`fiscalsim.finance.liquidity`; the
order of the steps is in :func:`fiscalsim.finance.run.finance_year`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fiscalsim.arrays import at, col
from fiscalsim.finance.debt import DebtYear, Ladder, debt_year, issue
from fiscalsim.finance.inputs import (
    BaseAccounts,
    FinanceParams,
    PolicyLevers,
    RestructuringResponse,
)
from fiscalsim.finance.liquidity import GeneralArrears
from fiscalsim.finance.model import Calibration
from fiscalsim.finance.pension import PensionYear, pension_year
from fiscalsim.finance.staffing import StaffYear, staffing_year
from fiscalsim.finance.transfers import equalisation_transfer
from fiscalsim.triggers.rules import holds_in_year


@dataclass(frozen=True)
class YearInputs:
    """What demography and the economy hand the books for year ``t`` (each ``(n_paths,)``,
    unit series ``(n_paths, n_units)``)."""

    t: int
    residents: np.ndarray
    pupils: np.ndarray
    elderly: np.ndarray
    retirement_age: np.ndarray
    unit_residents: np.ndarray
    unit_pupils: np.ndarray
    unit_elderly: np.ndarray
    employment: np.ndarray
    job_gap: np.ndarray
    wage_index: np.ndarray
    wage_growth: np.ndarray  # growth of the wage index into this year (zero in the base year)
    price_index: np.ndarray
    coal_index: np.ndarray
    construction_index: np.ndarray
    land_price_index: np.ndarray


@dataclass(frozen=True)
class FinanceSetup:
    """Constants of a block of paths: accounts, parameters, calibration, levers, paths of rates."""

    base: BaseAccounts
    p: FinanceParams
    cal: Calibration
    lv: PolicyLevers
    years: np.ndarray
    retire: np.ndarray  # (n_years, 6, ages) staff retirement shares
    benefit_index: np.ndarray  # (1|n_paths, n_years)
    rate: np.ndarray  # (n_paths, n_years) market rate
    g_new0: np.ndarray  # base-year new general bonds
    s_new0: np.ndarray  # base-year new special bonds
    unit_share: np.ndarray  # (n_units,) base-year population shares
    residents0: np.ndarray
    pupils0: np.ndarray
    elderly0: np.ndarray
    employment0: np.ndarray
    staff0: np.ndarray  # headcount at the base year's 1 January
    pool_index: np.ndarray | None  # (1|n_paths, n_years) the upper level's transfer pool; None: local wages
    returns_index: np.ndarray  # (1|n_paths, n_years) indexation of tax returns
    restructuring_rule: object = None
    triggers_from: int | None = None
    engine: str = "numpy"  # of the staffing kernel (see fiscalsim.demography.step.resolve_engine)

    def absorbed_share(self, t: int) -> float:
        """Share of the base-year population living in units a merger has absorbed by year ``t``
        (phased in as the merger's overhead saving)."""
        return float(((1.0 - self.lv.overhead_factor[t]) * self.unit_share).sum())

    @property
    def response(self) -> RestructuringResponse | None:
        return self.lv.restructuring


@dataclass
class FinanceState:
    """Everything that carries from one year to the next, per path."""

    G: Ladder
    S: Ladder
    LG: Ladder
    staff: np.ndarray  # (n_paths, 6, ages)
    staff_wage_index: np.ndarray
    establishment: np.ndarray  # (n_paths,) posts (编制) the headcount may fill
    retired_staff: np.ndarray  # (n_paths,) government retirees drawing a pension from the budget
    si_balance: np.ndarray
    stabilisation: np.ndarray
    carry_free: np.ndarray
    carry_tied: np.ndarray
    fund_carry: np.ndarray
    arrears: GeneralArrears
    fund_arrears_debt: np.ndarray
    fund_arrears_land: np.ndarray
    advances: np.ndarray
    debt_ratio_prev: np.ndarray
    restructured: np.ndarray  # bool
    fired_run: np.ndarray  # consecutive years the response's trigger has held
    fired_year: np.ndarray  # year index the response started (−1: not yet)


@dataclass(frozen=True)
class Revenue:
    tax: np.ndarray
    nontax: np.ndarray
    equalisation: np.ndarray
    special: np.ndarray
    returns: np.ndarray

    @property
    def own(self) -> np.ndarray:
        return self.tax + self.nontax


def revenue_step(su: FinanceSetup, x: YearInputs) -> Revenue:
    """Own revenue (tax elastic to the wage bill and coal, non-tax to prices and residents) and
    transfers: equalisation = coverage × (standard need − standard capacity), the need priced at
    unit costs that grow with the upper level's pool (or local wages when no pool is given), never
    less than what lifts basic capacity (own revenue + equalisation + tax returns) to its
    guaranteed floor (县级基本财力保障: a share of the base year's capacity, moving with the
    standard need — the populations served at standard costs); special
    transfers with prices; tax returns indexed as the scenario says (fixed by default)."""
    base, p, cal, lv, t = su.base, su.p, su.cal, su.lv, x.t
    wage_bill = x.employment / su.employment0 * x.wage_index
    tax = base.tax_revenue * ((1 - p.resource_tax_share) * wage_bill
                              + p.resource_tax_share * x.coal_index * x.price_index) * lv.tax_multiplier[t]
    nontax = cal.nontax * x.price_index * x.residents / su.residents0
    drivers = np.stack([x.residents, x.pupils, x.elderly], axis=-1)
    pool = x.wage_index if su.pool_index is None else su.pool_index[:, t]
    need = (cal.need_unit_costs * drivers).sum(axis=-1) * pool
    returns = cal.tax_returns * su.returns_index[:, t] * np.ones_like(tax)
    formula = equalisation_transfer(need, tax + nontax, cal.equalisation_coefficient * lv.equalisation_multiplier[t])
    floor = p.basic_capacity_floor * cal.basic_capacity0 * need / cal.standard_need0 - (tax + nontax) - returns
    eq = np.maximum(formula, floor) * lv.transfer_multiplier[t]
    special = cal.special_transfer * x.price_index * lv.transfer_multiplier[t]
    return Revenue(tax, nontax, eq, special, returns)


def staffing_step(su: FinanceSetup, st: FinanceState, x: YearInputs) -> tuple[np.ndarray, np.ndarray, StaffYear]:
    """Personnel cost at the start-of-year headcount, then a year of retirements, hires and
    layoffs. Staff wages follow the average wage unless capped (wage freeze or cap)."""
    p, lv, t = su.p, su.lv, x.t
    cap = lv.staff_wage_cap[t]
    growth = x.wage_growth if np.isnan(cap) else np.minimum(x.wage_growth, cap)
    st.staff_wage_index = st.staff_wage_index * (1.0 + growth)
    headcount = st.staff.sum(axis=(1, 2))
    personnel = headcount * su.cal.cost_per_staff * st.staff_wage_index
    n_paths = headcount.shape[0]
    hires = np.array(np.broadcast_to(col(at(p.hires_per_retirement, t)), (n_paths, 6)))
    if su.response is not None and su.response.hiring_freeze:
        hires[st.restructured] = 0.0
    layoffs = None
    if lv.offquota_layoff_share[t]:
        layoffs = np.zeros((n_paths, 6))
        layoffs[:, 4:6] = lv.offquota_layoff_share[t] * st.staff[:, 4:6].sum(axis=-1)
    st.staff, sy = staffing_year(st.staff, su.retire[t], hires, p.staff_entry_age, layoffs,
                                 establishment_step(su, st, x), su.engine)
    st.retired_staff = st.retired_staff * (1.0 - np.asarray(p.retired_staff_exit_rate)) + sy.retirements.sum(-1)
    return personnel, headcount, sy


def establishment_step(su: FinanceSetup, st: FinanceState, x: YearInputs) -> np.ndarray | None:
    """The year's establishment (编制), the cap on hiring, or None when hiring is by rule alone.

    With the establishment rule on, the target is the base year's staff per resident × this
    year's residents, less what a merger saves; the establishment closes a share
    ``establishment_adjustment`` of its gap to the target each year (posts are sticky). Without
    it, only a merger caps hiring (at the base-year headcount less the merger's saving)."""
    p, t = su.p, x.t
    factor = 1.0 - su.lv.merger_staff_saving * su.absorbed_share(t)
    if p.establishment_adjustment is not None:
        target = su.staff0 / su.residents0 * x.residents * factor
        st.establishment = st.establishment + np.asarray(p.establishment_adjustment) * (target - st.establishment)
        return st.establishment
    if factor < 1.0:
        st.establishment = su.staff0 * factor
        return st.establishment
    return None


def pension_step(su: FinanceSetup, st: FinanceState, x: YearInputs,
                 balance_change: float = 0.0) -> tuple[PensionYear, np.ndarray, np.ndarray]:
    """The social-insurance fund: contributors from employment, retirees from the retirement-age
    population; the deficit shared between the upper level and the local budget."""
    base, p, cal, lv, t = su.base, su.p, su.cal, su.lv, x.t
    retirees = p.retiree_coverage * x.retirement_age
    contributors = cal.contributor_coverage * x.employment
    upper = cal.upper_share if np.isnan(lv.pension_upper_share[t]) else lv.pension_upper_share[t]
    pe = pension_year(contributors, cal.premium_per_contributor * x.wage_index, retirees,
                      cal.benefit * su.benefit_index[:, t], cal.remitted_share, base.si_other_revenue * x.price_index,
                      base.si_other_expenditure * x.price_index, upper, st.si_balance,
                      np.full(contributors.shape, balance_change))
    st.si_balance = pe.balance_end
    return pe, retirees, contributors


def services_step(su: FinanceSetup, st: FinanceState, x: YearInputs) -> dict[str, np.ndarray]:
    """Spending by function. Services (education per pupil, welfare per person 65+, services to
    all residents): base-year spending × (population served / base)^ε_pop × wage index^ε_wage
    (ε_pop < 1: part of the cost is fixed), less what a merger's consolidation saves. 低保 per
    resident (recipients follow residents) × wage index. Government retirees' pensions: retirees
    at 1 January × base pension × benefit indexation. Overheads per unit at prices."""
    cal, p, lv, t = su.cal, su.p, su.lv, x.t
    wages = x.wage_index ** p.service_wage_elasticity
    absorbed = su.absorbed_share(t)
    saved = [1.0 - s * absorbed for s in lv.merger_service_saving]

    def cost(per_head: float, served: np.ndarray, served0: np.ndarray) -> np.ndarray:
        return per_head * served0 * (served / served0) ** p.service_population_elasticity * wages

    return {"education": cost(cal.education_per_pupil, x.pupils, su.pupils0) * saved[0],
            "elderly": cost(cal.elderly_per_person, x.elderly, su.elderly0) * saved[1],
            "residents": cost(cal.residents_per_person, x.residents, su.residents0) * saved[2],
            "dibao": cal.dibao_per_resident * x.residents * x.wage_index,
            "staff_pensions": cal.staff_pension_per_retiree * st.retired_staff * su.benefit_index[:, t],
            "overhead": p.overhead_per_unit * lv.overhead_factor[t].sum() * x.price_index}


@dataclass(frozen=True)
class DebtFlows:
    swap: np.ndarray
    general: DebtYear
    special: DebtYear
    lgfv: DebtYear
    lgfv_support: np.ndarray  # what LGFV debt needs from the budget
    quota: np.ndarray  # share of planned new bonds issued


def new_bond_quota(p: FinanceParams, debt_ratio_prev: np.ndarray, restructured: np.ndarray) -> np.ndarray:
    """Share of the planned new-bond issuance the city may issue, by its risk status last year:
    1 normally, ``new_bond_quota_over_warning`` above the debt-ratio warning line and
    ``new_bond_quota_in_restructuring`` while restructuring (debt-limit rules as data)."""
    quota = np.where(debt_ratio_prev > p.debt_ratio_warning_line, p.new_bond_quota_over_warning, 1.0)
    return np.where(restructured, np.minimum(quota, p.new_bond_quota_in_restructuring), quota)


def swap_lgfv_debt(su: FinanceSetup, st: FinanceState, t: int) -> np.ndarray:
    """A swap of LGFV debt into general bonds on 1 January (never more than is outstanding)."""
    swap = np.minimum(su.lv.debt_swap[t], st.LG.total)
    if su.lv.debt_swap[t] > 0:
        total = st.LG.total
        keep = np.where(total > 0, 1.0 - swap / np.where(total > 0, total, 1.0), 1.0)
        st.LG.balance *= keep[:, None]
        st.LG.coupon_balance *= keep[:, None]
        issue(st.G, swap, int(su.p.new_bond_maturity[t]), su.rate[:, t])
    return swap


def debt_step(su: FinanceSetup, st: FinanceState, t: int, new_general, new_special, quota) -> DebtFlows:
    """One year of each instrument: interest and principal due, refinancing, new issuance."""
    p = su.p
    swap = swap_lgfv_debt(su, st, t)
    refi = at(p.refinancing_share_bonds, t)
    ref_mat, new_mat = int(p.refinancing_maturity[t]), int(p.new_bond_maturity[t])
    gy = debt_year(st.G, refi, new_general, su.rate[:, t], ref_mat, new_mat)
    sy = debt_year(st.S, refi, new_special, su.rate[:, t], ref_mat, new_mat)
    ly = debt_year(st.LG, at(p.refinancing_share_lgfv, t), 0.0, su.rate[:, t] + p.lgfv_spread, ref_mat, new_mat)
    support = (1 - p.lgfv_own_cash_share) * ly.interest_due + ly.principal_due - ly.refinanced
    return DebtFlows(swap, gy, sy, ly, support, quota * np.ones_like(support))


def planned_debt_step(su: FinanceSetup, st: FinanceState, t: int) -> DebtFlows:
    """A later year's debt: planned new bonds (and project bonds) within the year's quota."""
    p, lv = su.p, su.lv
    quota = new_bond_quota(p, st.debt_ratio_prev, st.restructured)
    project_bonds = lv.project_bond_share * lv.project_cost[t]
    return debt_step(su, st, t, quota * at(p.new_general_bonds, t),
                     quota * (at(p.new_special_bonds, t) + project_bonds), quota)


def response_step(su: FinanceSetup, st: FinanceState, lines: dict[str, np.ndarray], t: int) -> None:
    """The automatic restructuring response: evaluate its trigger on this year's lines; paths on
    which it has held for its persistence start restructuring (from next year's decisions)."""
    rule = su.restructuring_rule
    if su.response is None or rule is None:
        return
    cond = holds_in_year(rule, su.years, lines, t, su.triggers_from)
    st.fired_run = np.where(cond, st.fired_run + 1, 0)
    newly = (st.fired_run >= rule.persistence) & ~st.restructured
    st.fired_year = np.where(newly, t, st.fired_year)
    st.restructured = st.restructured | newly
