"""Scenario sections ``accounts``, ``economy``, ``finance``, ``pension``, ``staffing`` and ``debt``."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np

from fiscalsim.demography.projector import AR1
from fiscalsim.economy import EconomyInputs
from fiscalsim.finance.inputs import BaseAccounts, FinanceParams
from fiscalsim.scenario.errors import Problems
from fiscalsim.scenario.feedbacks import establishment_adjustment
from fiscalsim.scenario.maturities import parse_maturity_tables
from fiscalsim.scenario.schema import Param, ParamValue, Raw, Section
from fiscalsim.scenario.yamlio import ScenarioError

_ACCOUNT_DOCS = {
    "own_revenue": "general budget: own revenue (tax and non-tax)",
    "tax_revenue": "general budget: tax revenue (part of own revenue)",
    "carry_over_in": "general budget: carry-over from the previous year",
    "bond_revenue": "general budget: general-bond revenue (refinancing and new)",
    "stabilisation_drawn": "general budget: drawn from the budget stabilisation fund",
    "transfer_in_from_fund": "general budget: transferred in from other books",
    "transfers_from_upper": "general budget: transfers from upper levels (all kinds)",
    "expenditure": "general budget: expenditure",
    "remittance_up": "general budget: remittance to upper levels (上解)",
    "bond_principal_repaid": "general budget: general-bond principal repaid",
    "stabilisation_paid_in": "general budget: paid into the stabilisation fund",
    "carry_forward": "general budget: carried forward to the next year",
    "social_security_expenditure": "general budget: social security and employment expenditure (function)",
    "land_revenue": "fund budget: land-sale and other fund revenue",
    "fund_subsidy": "fund budget: subsidy from upper levels",
    "fund_carry_over_in": "fund budget: carry-over from the previous year",
    "fund_bond_proceeds": "fund budget: special-bond proceeds",
    "fund_expenditure": "fund budget: expenditure",
    "fund_transfer_out": "fund budget: transferred out to the general budget",
    "fund_carry_forward": "fund budget: carried forward",
    "si_premiums": "social-insurance fund: premiums",
    "si_fiscal_subsidy": "social-insurance fund: local fiscal subsidy",
    "si_upper_subsidy": "social-insurance fund: upper-level subsidy",
    "si_other_revenue": "social-insurance fund: other revenue",
    "si_balance_start": "social-insurance fund: balance at the start of the year",
    "si_benefits": "social-insurance fund: benefits",
    "si_remitted_up": "social-insurance fund: remitted to upper levels",
    "si_other_expenditure": "social-insurance fund: other expenditure",
    "si_balance_end": "social-insurance fund: balance at the end of the year",
    "debt_end": "government debt balance (general and special) at the end of the year",
    "debt_change": "change of the government debt balance during the year",
    "debt_arrears_end": "debt service (principal and interest) the city stated it could not pay in the base year; "
                        "compared with what the waterfall finds, never imposed",
}

ACCOUNTS = Section(
    "The base year's published accounts (the model reproduces them line by line).",
    {k: Param("yuan", doc, 0.0 if not k.startswith("debt_change") else -1e13, 1e13, allow_path=False)
     for k, doc in _ACCOUNT_DOCS.items()},
)


def _ratio(doc: str, lo: float = 0.0, hi: float = 1.0, path: bool = False) -> Param:
    return Param("ratio", doc, lo, hi, allow_path=path)


ECONOMY = Section("The thin local economy.", {
    "participation_rate": _ratio("labour-force participation of the working-age population"),
    "unemployment_rate": _ratio("unemployment rate", 0.0, 0.5),
    "wage_growth": Param("rate_per_year", "nominal average wage growth", -0.1, 0.3),
    "wage_ar1_phi": _ratio("persistence of wage-growth deviations", -0.99, 0.99),
    "wage_ar1_sigma": Param("rate_per_year", "innovation s.d. of wage growth", 0.0, 0.2, allow_path=False),
    "inflation": Param("rate_per_year", "consumer price inflation", -0.1, 0.3),
    "coal_depletion": Param("rate_per_year", "annual decline of coal output", 0.0, 0.5, allow_path=False),
    "coal_ar1_phi": _ratio("persistence of coal-output deviations", -0.99, 0.99),
    "coal_ar1_sigma": _ratio("innovation s.d. of log coal output", 0.0, 1.0),
    "resource_employment_share": _ratio("share of employment in mining"),
    "household_size": Param("persons", "persons per household", 1.0, 6.0, allow_path=False),
    "housing_replacement_rate": Param("rate_per_year", "share of the housing stock rebuilt each year", 0.0, 0.2,
                                      allow_path=False),
    "land_price_population_elasticity": _ratio("elasticity of land prices to population", 0.0, 10.0),
    "land_ar1_phi": _ratio("persistence of land-price deviations", -0.99, 0.99),
    "land_ar1_sigma": _ratio("innovation s.d. of log land prices", 0.0, 1.0),
})

FINANCE = Section("General and fund budget behaviour.", {
    "resource_tax_share": _ratio("share of tax revenue driven by the resource (coal) sector"),
    "transfer_share_equalisation": _ratio("share of base-year transfers that are general/equalisation transfers"),
    "transfer_share_special": _ratio("share of base-year transfers that are special transfers"),
    "transfer_share_tax_returns": _ratio("share of base-year transfers that are tax returns"),
    "need_weight_residents": _ratio("weight of residents in the standard expenditure need"),
    "need_weight_pupils": _ratio("weight of pupils (6-17) in the standard expenditure need"),
    "need_weight_elderly": _ratio("weight of the elderly (65+) in the standard expenditure need"),
    "personnel_share": _ratio("personnel (wages and employer contributions) share of base-year expenditure"),
    "education_services_share": _ratio("non-personnel education services share of base-year expenditure"),
    "resident_services_share": _ratio("non-personnel services to all residents, share of base-year expenditure"),
    "capital_share": _ratio("capital spending share of base-year expenditure"),
    "overhead_per_unit": Param("yuan", "administrative overhead of one district or county per year", 0, 1e11,
                               allow_path=False),
    "stabilisation_balance_end": Param("yuan", "stabilisation fund balance at the end of the base year", 0, 1e12,
                                       allow_path=False),
    "land_cost_share": _ratio("land costs (compensation, preparation) as a share of land revenue"),
    "provincial_substitute_share": _ratio("share of unpaid government-debt service the province pays on the "
                                          "city's behalf", path=True),
    "carry_forward_free_share": _ratio("share of the carry-forward that is free (结余); the rest is earmarked (结转) "
                                       "for its purpose"),
    "capital_floor_share": _ratio("committed share of capital spending that cannot stop within a year"),
    "other_floor_share": _ratio("committed share of other spending that cannot stop within a year"),
    "service_population_elasticity": _ratio("elasticity of service spending to the population it serves "
                                            "(pupils, elderly, residents)", 0.0, 1.5),
    "service_wage_elasticity": _ratio("elasticity of service unit costs to the average wage", 0.0, 1.5),
    "staff_pension_share": Param("ratio", "share of social-security spending (net of the fiscal subsidy to social "
                                 "insurance) that pays government retirees' pensions", 0.0, 1.0, allow_path=False,
                                 required=False),
    "dibao_share": Param("ratio", "share of social-security spending (net of the subsidy) that is the minimum "
                         "living allowance (低保)", 0.0, 1.0, allow_path=False, required=False),
    "retired_staff_per_staff": Param("ratio", "government retirees per active staff member in the base year",
                                     0.0, 5.0, allow_path=False, required=False),
    "retired_staff_exit_rate": Param("rate_per_year", "government retirees leaving the pension rolls per year "
                                     "(deaths)", 0.0, 0.3, allow_path=False, required=False),
    "upper_revenue_growth": Param("rate_per_year", "growth of the upper level's equalisation pool (its revenue); "
                                  "standard unit costs grow with it (absent: with local wages)", -0.2, 0.3,
                                  required=False),
    "basic_capacity_floor": Param("ratio", "basic capacity (own revenue + equalisation + tax returns) guaranteed "
                                  "by the upper level, as a share of the base year's in real terms "
                                  "(县级基本财力保障; 0: no floor)", 0.0, 1.0, allow_path=False, required=False),
    "tax_returns_growth": Param("rate_per_year", "indexation of tax returns (absent: fixed amounts)", -0.2, 0.3,
                                required=False),
})

PENSION = Section("Urban employee pension fund.", {
    "contributors_per_retiree": _ratio("contributors per retiree in the base year", 0.1, 10.0),
    "retiree_coverage": _ratio("share of the retirement-age population drawing this pension"),
    "benefit_indexation": Param("rate_per_year", "annual adjustment of the average benefit", -0.1, 0.2),
})

STAFFING = Section("Fiscally supported staff (财政供养人员).", {
    "staff_per_1000": Param("per_thousand", "staff per 1,000 residents in the base year", 1, 200, allow_path=False),
    "share_civil_servants": _ratio("share of civil servants in the headcount"),
    "share_institutions": _ratio("share of public-institution staff"),
    "share_off_quota": _ratio("share of off-quota staff"),
    "entry_age": Param("years", "age at which new staff are hired", 18, 40, allow_path=False),
    "hires_per_retirement": Param("ratio", "hires per retirement (1 keeps the headcount)", 0.0, 5.0),
})

DEBT = Section("Debt register.", {
    "general_share": _ratio("general bonds' share of the government debt balance"),
    "lgfv_debt": Param("yuan", "off-budget (LGFV) debt at the start of the base year", 0, 1e13, allow_path=False),
    "general_years": Param("years", "general bonds: years over which the base-year ladder matures", 1, 40, allow_path=False),
    "special_years": Param("years", "special bonds: years over which the base-year ladder matures", 1, 40, allow_path=False),
    "lgfv_years": Param("years", "LGFV debt: average years to maturity (fractional allowed)", 1, 40,
                        allow_path=False),
    "refinancing_maturity": Param("years", "maturity of refinancing bonds, years (a step path extends it)", 1, 40),
    "new_bond_maturity": Param("years", "maturity of new bonds, years (a step path extends it)", 1, 40),
    "coupon_bonds": Param("rate_per_year", "average coupon of outstanding bonds", 0, 0.2, allow_path=False),
    "lgfv_spread": Param("rate_per_year", "LGFV rate above the bond rate", 0, 0.2, allow_path=False),
    "refinancing_share_bonds": _ratio("share of maturing bond principal refinanced", path=True),
    "refinancing_share_lgfv": _ratio("share of maturing LGFV principal refinanced", path=True),
    "new_general_bonds": Param("yuan", "new general-bond issuance per year", 0, 1e12),
    "new_special_bonds": Param("yuan", "new special-bond issuance per year", 0, 1e12),
    "market_rate": Param("rate_per_year", "rate on new issuance", 0, 0.3),
    "market_rate_ar1_phi": _ratio("persistence of market-rate deviations", -0.99, 0.99),
    "market_rate_ar1_sigma": Param("rate_per_year", "innovation s.d. of the market rate", 0, 0.05, allow_path=False),
    "lgfv_own_cash_share": _ratio("share of LGFV interest covered by the LGFV's own cash flow"),
    "maturity_tables": Raw("maturity profiles by instrument (general, special, lgfv): {table: FILE.csv, unit: "
                           "money unit, source: ...}; CSV columns year, principal_due, coupon (percent per year); "
                           "the table gives the ladder's shape at the base year (see docs/finance.md)",
                           required=False),
    "debt_ratio_warning_line": _ratio("debt ratio (government debt / comprehensive capacity) above which new bond "
                                      "quota is cut", 0.0, 10.0),
    "new_bond_quota_over_warning": _ratio("share of planned new bonds issued the year after the debt ratio "
                                          "exceeds its warning line"),
    "new_bond_quota_in_restructuring": _ratio("share of planned new bonds issued while restructuring"),
})

SECTIONS = {"accounts": ACCOUNTS, "economy": ECONOMY, "finance": FINANCE, "pension": PENSION,
            "staffing": STAFFING, "debt": DEBT}


def _sum_to_one(values: list[float], keys: list[str], section: str) -> None:
    if abs(sum(values) - 1.0) > 1e-9:
        raise ScenarioError(f"{', '.join(keys)} must sum to one (they sum to {sum(values):g})", key=section)


def _whole(p: ParamValue, key: str) -> int:
    v = p.scalar()
    if v != int(v):
        raise ScenarioError(f"expected a whole number of years, got {v:g}", key=key)
    return int(v)


def _whole_path(p: ParamValue, years: np.ndarray, key: str) -> np.ndarray:
    """A year path of whole numbers of years (a value gives a constant path)."""
    v = p.series(years)
    if np.any(v != np.round(v)):
        raise ScenarioError("expected whole numbers of years (use interpolation: step)", key=key)
    return v.astype(int)


def build_accounts(a: dict[str, Any]) -> BaseAccounts:
    acc = BaseAccounts(**{f.name: a[f.name].scalar() for f in dataclasses.fields(BaseAccounts)})
    problems = acc.check()
    if problems:
        raise ScenarioError("base-year accounts do not balance: " + "; ".join(problems), key="accounts")
    return acc


def build_economy(e: dict[str, Any], years: np.ndarray) -> EconomyInputs:
    return EconomyInputs(
        participation_rate=e["participation_rate"].scalar(),
        unemployment_rate=e["unemployment_rate"].scalar(),
        wage_growth=e["wage_growth"].series(years),
        wage_process=AR1(e["wage_ar1_phi"].scalar(), e["wage_ar1_sigma"].scalar()),
        inflation=e["inflation"].series(years),
        coal_depletion=e["coal_depletion"].scalar(),
        coal_process=AR1(e["coal_ar1_phi"].scalar(), e["coal_ar1_sigma"].scalar()),
        resource_employment_share=e["resource_employment_share"].scalar(),
        household_size=e["household_size"].scalar(),
        housing_replacement_rate=e["housing_replacement_rate"].scalar(),
        land_price_population_elasticity=e["land_price_population_elasticity"].scalar(),
        land_price_process=AR1(e["land_ar1_phi"].scalar(), e["land_ar1_sigma"].scalar()),
    )


def _optional(f: dict[str, Any], key: str, default: Any, years: np.ndarray | None = None) -> Any:
    """An optional parameter's value (its year path when ``years`` is given), or ``default``."""
    if f.get(key) is None:
        return default
    return f[key].scalar() if years is None else f[key].series(years)


def _retired_staff(f: dict[str, Any]) -> dict[str, Any]:
    """The government-retiree stock's parameters: required when retirees' pensions are split out
    of social security (``staff_pension_share``), unused otherwise."""
    keys = ("retired_staff_per_staff", "retired_staff_exit_rate")
    if f.get("staff_pension_share") is None:
        return {}
    missing = [k for k in keys if f.get(k) is None]
    if missing:
        raise ScenarioError(f"staff_pension_share needs {' and '.join(missing)} (the retirees it pays)",
                            key="finance.staff_pension_share")
    return {k: f[k].scalar() for k in keys}


def build_finance(s: dict[str, Any], years: np.ndarray, scenario_dir: Path, debt_node: Any = None) -> FinanceParams:
    f, pe, st, d = s["finance"], s["pension"], s["staffing"], s["debt"]
    transfer = [f[k].scalar() for k in ("transfer_share_equalisation", "transfer_share_special",
                                        "transfer_share_tax_returns")]
    need = [f[k].scalar() for k in ("need_weight_residents", "need_weight_pupils", "need_weight_elderly")]
    cats = [st[k].scalar() for k in ("share_civil_servants", "share_institutions", "share_off_quota")]
    problems = Problems()
    for values, what, section in ((transfer, "transfer shares", "finance"), (need, "need weights", "finance"),
                                  (cats, "staff category shares", "staffing")):
        with problems.collect():
            _sum_to_one(values, [what], section)
    problems.raise_if_any()
    return FinanceParams(
        resource_tax_share=f["resource_tax_share"].scalar(),
        transfer_shares=tuple(transfer), need_weights=tuple(need),
        personnel_share=f["personnel_share"].scalar(),
        education_services_share=f["education_services_share"].scalar(),
        resident_services_share=f["resident_services_share"].scalar(),
        capital_share=f["capital_share"].scalar(),
        overhead_per_unit=f["overhead_per_unit"].scalar(),
        stabilisation_balance_end=f["stabilisation_balance_end"].scalar(),
        land_cost_share=f["land_cost_share"].scalar(),
        carry_forward_free_share=f["carry_forward_free_share"].scalar(),
        capital_floor_share=f["capital_floor_share"].scalar(),
        other_floor_share=f["other_floor_share"].scalar(),
        service_population_elasticity=f["service_population_elasticity"].scalar(),
        service_wage_elasticity=f["service_wage_elasticity"].scalar(),
        transfer_share_special=f["transfer_share_special"].scalar(),
        contributors_per_retiree=pe["contributors_per_retiree"].scalar(),
        retiree_coverage=pe["retiree_coverage"].scalar(),
        benefit_indexation=pe["benefit_indexation"].series(years),
        staff_per_1000=st["staff_per_1000"].scalar(),
        staff_category_shares=tuple(cats),
        staff_entry_age=_whole(st["entry_age"], "staffing.entry_age"),
        hires_per_retirement=st["hires_per_retirement"].series(years),
        general_share_of_debt=d["general_share"].scalar(),
        lgfv_debt=d["lgfv_debt"].scalar(),
        general_years=_whole(d["general_years"], "debt.general_years"),
        special_years=_whole(d["special_years"], "debt.special_years"),
        lgfv_years=d["lgfv_years"].scalar(),
        coupon_bonds=d["coupon_bonds"].scalar(), coupon_lgfv=d["coupon_bonds"].scalar() + d["lgfv_spread"].scalar(),
        refinancing_share_bonds=d["refinancing_share_bonds"].series(years),
        refinancing_share_lgfv=d["refinancing_share_lgfv"].series(years),
        refinancing_maturity=_whole_path(d["refinancing_maturity"], years, "debt.refinancing_maturity"), new_general_bonds=d["new_general_bonds"].series(years),
        new_special_bonds=d["new_special_bonds"].series(years), new_bond_maturity=_whole_path(d["new_bond_maturity"], years, "debt.new_bond_maturity"),
        market_rate=d["market_rate"].series(years),
        market_rate_process=AR1(d["market_rate_ar1_phi"].scalar(), d["market_rate_ar1_sigma"].scalar()),
        lgfv_spread=d["lgfv_spread"].scalar(), lgfv_own_cash_share=d["lgfv_own_cash_share"].scalar(),
        provincial_substitute_share=(f["provincial_substitute_share"].scalar() if f["provincial_substitute_share"].path
                                     is None else f["provincial_substitute_share"].series(years)),
        debt_ratio_warning_line=d["debt_ratio_warning_line"].scalar(),
        maturity_tables=parse_maturity_tables(
            debt_node["maturity_tables"] if debt_node is not None and "maturity_tables" in debt_node
            else d.get("maturity_tables"), scenario_dir, int(years[0])),
        new_bond_quota_over_warning=d["new_bond_quota_over_warning"].scalar(),
        new_bond_quota_in_restructuring=d["new_bond_quota_in_restructuring"].scalar(),
        staff_pension_share=_optional(f, "staff_pension_share", 0.0),
        dibao_share=_optional(f, "dibao_share", 0.0),
        **_retired_staff(f),
        upper_revenue_growth=_optional(f, "upper_revenue_growth", None, years),
        basic_capacity_floor=_optional(f, "basic_capacity_floor", 0.0),
        tax_returns_growth=_optional(f, "tax_returns_growth", None, years),
        establishment_adjustment=establishment_adjustment(s.get("feedbacks")),
    )
