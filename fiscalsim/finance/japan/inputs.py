"""Inputs of a Japanese municipality's books: the base fiscal year's settled accounts and the
parameters of later years, in yen. Scalars may be drawn per path (``(n_paths,)``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class JapanAccounts:
    """The base fiscal year (April-March) as settled, yen; stocks at the year's end."""

    local_tax: float  # 地方税 at standard rates
    shared_taxes: float  # 地方譲与税・交付金
    allocation_tax_ordinary: float  # 普通交付税
    allocation_tax_special: float  # 特別交付税
    grants: float  # 国庫・都道府県支出金
    other_revenue: float  # fees, charges, property income
    local_bond_proceeds: float  # 地方債 issued
    expenditure: float  # general-account expenditure, all lines
    personnel: float  # 人件費
    debt_service: float  # 公債費 (principal and interest of local bonds)
    temporary_interest: float  # 一時借入金利子
    transfer_to_enterprises: float  # 繰出金 to public enterprises and special accounts
    capital: float  # 普通建設事業費
    deficit_general_end: float  # real deficit of the general account at the year's end (一時借入金 carried)
    shortfall_enterprises_end: float  # 資金不足 of enterprises and special accounts at the year's end
    enterprise_revenue: float  # charges of the enterprises (hospital, sewer, tourism, …)
    enterprise_cost: float  # their operating cost (before debt service)
    enterprise_debt_service: float  # 企業債 principal and interest
    local_debt_end: float  # 地方債残高, general account
    enterprise_debt_end: float  # 企業債残高
    staff: float  # persons at the year's start


@dataclass(frozen=True)
class RehabilitationPlan:
    """The response once the plan's trigger has fired (from the next fiscal year)."""

    tax_surcharge: float  # revenue above standard rates, share of standard-rate tax
    fee_rise: float  # rise of fees and charges, share
    staff_cut: float  # share of staff gone at the end of the ramp
    staff_cut_years: float  # years over which the cut happens
    pay_cut: float  # cut of pay per head, share
    service_cut: float  # services consolidated (schools, branches, city-only welfare), share
    capital_cut: float  # capital spending stopped, share
    repayment_years: float  # years over which the plan repays the deficit
    bond_from_year: int  # first fiscal year the rehabilitation bond (再生振替特例債) may be issued
    bond_rate: float  # its interest rate
    special_allocation_aid: float  # extra 特別交付税 a year while the plan runs, yen


@dataclass(frozen=True)
class JapanParams:
    """Behaviour of later years (rates per year, shares, yen)."""

    tax_wage_elasticity: float  # local tax follows employment × wage index to this power
    standard_revenue_share: float  # share of standard-rate tax in 基準財政収入額 (0.75 by law)
    need_weight_residents: float
    need_weight_elderly: float
    need_weight_pupils: float
    allocation_adjustment: np.ndarray  # (n_years,) national cut or rise of the allocation, ratio
    debt_service_in_need_share: float  # share of debt service counted in the standard need (B)
    debt_in_need_share: float  # share of outstanding debt expected to be counted in future needs
    cost_per_staff_growth_with_wage: float  # elasticity of pay to the wage index
    staff_attrition: float  # retirements and quits a year, share
    hires_per_leaver: float
    service_population_elasticity: float
    debt_rate: float  # interest on local and enterprise debt
    enterprise_cost_population_elasticity: float
    enterprise_revenue_population_elasticity: float
    third_sector_debt: float  # guaranteed (損失補償) debt of third-sector companies at the base year's end
    third_sector_call_share: float  # share of its yearly service the city pays under its guarantee
    third_sector_years: float  # years over which it amortises
    third_sector_takeover_on_plan: float  # share of what is left taken over when the plan starts
    borrowing_limit: float  # temporary borrowing lenders roll over, ratio to the standard fiscal scale
    retirement_allowance_months: float  # months of pay owed per staff member at retirement
    enterprise_scale_share: float  # enterprise business scale (事業の規模) as a share of its revenue
    plan: RehabilitationPlan | None
