"""Inputs of the public-finance model: base-year accounts and behavioural parameters (yuan)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fiscalsim.demography.projector import AR1


@dataclass(frozen=True)
class BaseAccounts:
    """The base year's published accounts, yuan (converted from 万元 on load)."""

    # general public budget
    own_revenue: float
    tax_revenue: float
    carry_over_in: float
    bond_revenue: float
    stabilisation_drawn: float
    transfer_in_from_fund: float
    transfers_from_upper: float
    expenditure: float
    remittance_up: float
    bond_principal_repaid: float
    stabilisation_paid_in: float
    carry_forward: float
    social_security_expenditure: float
    # government fund budget
    land_revenue: float
    fund_subsidy: float
    fund_carry_over_in: float
    fund_bond_proceeds: float
    fund_expenditure: float
    fund_transfer_out: float
    fund_carry_forward: float
    # social-insurance fund
    si_premiums: float
    si_fiscal_subsidy: float
    si_upper_subsidy: float
    si_other_revenue: float
    si_balance_start: float
    si_benefits: float
    si_remitted_up: float
    si_other_expenditure: float
    si_balance_end: float
    # debt
    debt_end: float
    debt_change: float
    debt_arrears_end: float

    def check(self) -> list[str]:
        """Accounting identities the published figures must satisfy; returns the violations."""
        problems = []
        g_src = (self.own_revenue + self.carry_over_in + self.bond_revenue + self.stabilisation_drawn
                 + self.transfer_in_from_fund + self.transfers_from_upper)
        g_use = (self.expenditure + self.remittance_up + self.bond_principal_repaid + self.stabilisation_paid_in
                 + self.carry_forward)
        f_src = self.land_revenue + self.fund_subsidy + self.fund_carry_over_in + self.fund_bond_proceeds
        f_use = self.fund_expenditure + self.fund_transfer_out + self.fund_carry_forward
        s_src = (self.si_premiums + self.si_fiscal_subsidy + self.si_upper_subsidy + self.si_other_revenue
                 + self.si_balance_start)
        s_use = self.si_benefits + self.si_remitted_up + self.si_other_expenditure + self.si_balance_end
        for name, a, b in (("general budget", g_src, g_use), ("fund budget", f_src, f_use),
                           ("social-insurance fund", s_src, s_use)):
            if abs(a - b) > 0.5e4:  # half a 万元
                problems.append(f"{name}: sources {a / 1e4:,.0f} ≠ uses {b / 1e4:,.0f} 万元")
        if abs(self.fund_transfer_out - self.transfer_in_from_fund) > 0.5e4:
            problems.append("the fund budget's transfer out must equal the general budget's transfer in")
        return problems


@dataclass(frozen=True)
class FinanceParams:
    """Behavioural parameters; shares are fractions, rates per year, money in yuan."""

    resource_tax_share: float
    transfer_shares: tuple[float, float, float]  # central equalisation, special, tax-return shares
    transfer_share_special: float | np.ndarray  # special transfers (may be per path); equalisation is the rest
    need_weights: tuple[float, float, float]  # residents, pupils (6-17), elderly (65+)
    personnel_share: float
    education_services_share: float
    resident_services_share: float
    capital_share: float
    overhead_per_unit: float
    stabilisation_balance_end: float
    land_cost_share: float
    carry_forward_free_share: float | np.ndarray  # 结余 share of the carry-forward (the rest is 结转)
    capital_floor_share: float | np.ndarray  # committed share of the capital target
    other_floor_share: float | np.ndarray  # committed share of other spending
    service_population_elasticity: float | np.ndarray  # of service spending to the population served
    service_wage_elasticity: float | np.ndarray  # of service unit costs to the average wage
    # pension
    contributors_per_retiree: float
    retiree_coverage: float
    benefit_indexation: np.ndarray  # (n_years,)
    # staffing
    staff_per_1000: float
    staff_category_shares: tuple[float, float, float]  # civil servants, institutions, off-quota
    staff_entry_age: int
    hires_per_retirement: np.ndarray  # (n_years,)
    # debt
    general_share_of_debt: float
    lgfv_debt: float
    general_years: int
    special_years: int
    lgfv_years: float | np.ndarray  # average years to maturity of the base-year LGFV debt (may be per path)
    coupon_bonds: float
    coupon_lgfv: float
    refinancing_share_bonds: np.ndarray  # (n_years,)
    refinancing_share_lgfv: np.ndarray  # (n_years,)
    refinancing_maturity: np.ndarray  # (n_years,) whole years
    new_general_bonds: np.ndarray  # (n_years,) yuan
    new_special_bonds: np.ndarray  # (n_years,) yuan
    new_bond_maturity: np.ndarray  # (n_years,) whole years
    market_rate: np.ndarray  # (n_years,)
    market_rate_process: AR1
    lgfv_spread: float
    lgfv_own_cash_share: float
    provincial_substitute_share: float | np.ndarray  # or (n_years,), or per path
    new_bond_quota_over_warning: float  # share of new issuance allowed above the debt-ratio warning line
    new_bond_quota_in_restructuring: float  # share allowed while restructuring
    debt_ratio_warning_line: float
    # policy levers (fiscalsim.policies); neutral defaults leave the baseline unchanged
    levers: PolicyLevers | None = None
    maturity_tables: dict = field(default_factory=dict)  # instrument → MaturityTable (shape of the ladder)
    # social security by function: shares of the function's spending net of the fiscal subsidy to
    # social insurance (the rest is welfare for the elderly, per person 65+)
    staff_pension_share: float | np.ndarray = 0.0  # pensions of government retirees (机关事业单位养老)
    dibao_share: float | np.ndarray = 0.0  # minimum living allowance (低保)
    retired_staff_per_staff: float | np.ndarray = 0.5  # government retirees per active staff, base year
    retired_staff_exit_rate: float | np.ndarray = 0.04  # retirees leaving the rolls per year (deaths)
    # transfers
    upper_revenue_growth: np.ndarray | None = None  # (n_years,) growth of the upper level's pool; None: wages
    basic_capacity_floor: float | np.ndarray = 0.0  # guaranteed share of base-year real basic capacity
    tax_returns_growth: np.ndarray | None = None  # (n_years,) indexation of tax returns; None: fixed
    # staffing: the establishment (编制) follows residents when set (share of the gap closed a year)
    establishment_adjustment: float | np.ndarray | None = None


@dataclass(frozen=True)
class RestructuringResponse:
    """Measures applied on a path from the year after ``trigger`` fires there (国办函〔2016〕88号).

    hiring_freeze: no hires; capital_stop: no new capital spending; other_cut: share of
    discretionary "other" spending cut; land_to_debt: fund transfers to the general budget
    earmarked for debt (all land income after costs is transferred); asset_sales: yuan a year;
    provincial_aid: yuan a year for ``aid_years`` years.
    """

    trigger: str
    hiring_freeze: bool
    capital_stop: bool
    other_cut: float
    land_to_debt: bool
    asset_sales: float
    provincial_aid: float
    aid_years: int


@dataclass(frozen=True)
class PolicyLevers:
    """Year-indexed policy settings, each ``(n_years,)`` unless stated; neutral = no policy.

    transfer_multiplier: on equalisation and special transfers (cuts and growth paths);
    equalisation_multiplier: on the equalisation formula's coefficient; pension_upper_share: the
    upper level's share of the pension deficit (NaN: calibrated); tax_multiplier: on own tax
    (enforcement); staff_wage_cap: maximum staff wage growth (NaN: none); offquota_layoff_share:
    share of off-quota staff laid off in the year; overhead_factor (n_years, n_units): share of
    each unit's overhead still paid (mergers); policy_costs: one-off costs (yuan); asset_sales
    (yuan); debt_swap: LGFV debt swapped into general bonds (yuan); project_cost, project_revenue
    (yuan) and project_bond_share: a capital project in the fund budget. A merger absorbs the
    units whose ``overhead_factor`` falls below one; ``merger_staff_saving`` and
    ``merger_service_saving`` are the shares of those units' establishment and of their service
    spending (by function) the merger saves, phased in like the overhead.
    """

    transfer_multiplier: np.ndarray
    tax_multiplier: np.ndarray
    staff_wage_cap: np.ndarray
    offquota_layoff_share: np.ndarray
    overhead_factor: np.ndarray
    policy_costs: np.ndarray
    asset_sales: np.ndarray
    debt_swap: np.ndarray
    project_cost: np.ndarray
    project_revenue: np.ndarray
    project_bond_share: float
    restructuring: RestructuringResponse | None = None
    equalisation_multiplier: np.ndarray | None = None  # on the formula's coefficient
    pension_upper_share: np.ndarray | None = None  # replaces the calibrated share where not NaN
    merger_staff_saving: float = 0.0  # share of absorbed units' establishment removed (through attrition)
    merger_service_saving: tuple[float, float, float] = (0.0, 0.0, 0.0)  # education, elderly, residents

    @classmethod
    def neutral(cls, n_years: int, n_units: int) -> PolicyLevers:
        z = np.zeros(n_years)
        return cls(np.ones(n_years), np.ones(n_years), np.full(n_years, np.nan), z, np.ones((n_years, n_units)),
                   z, z, z, z, z, 0.0, None, np.ones(n_years), np.full(n_years, np.nan))
