"""Scenario sections of a Japanese municipality (``books: japan``): the base fiscal year's settled
``accounts`` and the ``japan`` parameters of later years, with the rehabilitation plan. Money in
yen (円, 千円, 万円, 百万円, 億円); the same strict-input rules as every section (docs/input_rules.md)."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from fiscalsim.finance.japan.inputs import JapanAccounts, JapanParams, RehabilitationPlan
from fiscalsim.scenario.schema import Integer, Param, Section, Text
from fiscalsim.scenario.yamlio import ScenarioError

_ACCOUNT_DOCS = {
    "local_tax": "地方税 at standard rates",
    "shared_taxes": "地方譲与税 and 交付金 (shared taxes)",
    "allocation_tax_ordinary": "普通交付税 (ordinary local allocation tax)",
    "allocation_tax_special": "特別交付税 (special local allocation tax)",
    "grants": "国庫支出金 and 都道府県支出金 (earmarked grants)",
    "other_revenue": "fees, charges, property and other revenue",
    "local_bond_proceeds": "地方債 issued in the year",
    "expenditure": "general-account expenditure, all lines",
    "personnel": "人件費 (personnel)",
    "debt_service": "公債費: principal and interest of local bonds",
    "temporary_interest": "一時借入金利子: interest on temporary borrowing",
    "transfer_to_enterprises": "繰出金 to public enterprises and special accounts",
    "capital": "普通建設事業費 (capital spending)",
    "deficit_general_end": "real deficit of the general account at the year's end (temporary borrowing carried)",
    "shortfall_enterprises_end": "資金不足 of enterprises and special accounts at the year's end",
    "enterprise_revenue": "charges earned by the enterprises and special accounts",
    "enterprise_cost": "their operating cost before debt service",
    "enterprise_debt_service": "企業債 principal and interest",
    "local_debt_end": "地方債残高 of the general account at the year's end",
    "enterprise_debt_end": "企業債残高 at the year's end",
}

JAPAN_ACCOUNTS = Section(
    "The base fiscal year's settled accounts of a Japanese municipality (stocks at its end).",
    {**{k: Param("yen", doc, 0.0, 1e13, allow_path=False) for k, doc in _ACCOUNT_DOCS.items()},
     "staff": Param("persons", "municipal staff at the year's start", 1, 1e6, allow_path=False)},
)


def _ratio(doc: str, lo: float = 0.0, hi: float = 1.0, path: bool = False) -> Param:
    return Param("ratio", doc, lo, hi, allow_path=path)


PLAN = Section("The rehabilitation plan (財政再生計画) run once its trigger fires.", {
    "trigger": Text("id of the rule whose first passage starts the plan (from the next fiscal year)"),
    "tax_surcharge": _ratio("tax revenue above standard rates, share of standard-rate tax", 0.0, 1.0),
    "fee_rise": _ratio("rise of fees and charges (also the enterprises')", 0.0, 3.0),
    "staff_cut": _ratio("share of the staff at the plan's start gone by the end of the ramp"),
    "staff_cut_years": Param("years", "years of the staff cut's ramp", 1, 20, allow_path=False),
    "pay_cut": _ratio("cut of pay per head"),
    "service_cut": _ratio("services consolidated (schools, branch offices, city-only welfare), share"),
    "capital_cut": _ratio("capital spending stopped, share"),
    "repayment_years": Param("years", "years over which the plan repays the deficit", 1, 40, allow_path=False),
    "bond_from_year": Integer("first fiscal year in which the rehabilitation bond may be issued", 1950, 2200),
    "bond_rate": Param("rate_per_year", "interest rate of the rehabilitation bond", 0.0, 0.2, allow_path=False),
    "special_allocation_aid": Param("yen", "extra 特別交付税 a year while the plan runs", 0.0, 1e12,
                                    allow_path=False),
}, required=False)

JAPAN = Section("Behaviour of later fiscal years of a Japanese municipality.", {
    "tax_wage_elasticity": _ratio("local tax follows employment × the wage index to this power", 0.0, 3.0),
    "standard_revenue_share": _ratio("share of standard-rate tax counted in 基準財政収入額 (75 % for municipalities)"),
    "need_weight_residents": _ratio("weight of residents in the standard need (基準財政需要額)"),
    "need_weight_elderly": _ratio("weight of the elderly (65+) in the standard need"),
    "need_weight_pupils": _ratio("weight of pupils (6-17) in the standard need"),
    "allocation_adjustment": _ratio("national cut or rise of the standard need, relative to the base year",
                                    0.0, 3.0, path=True),
    "debt_service_in_need_share": _ratio("share of local-debt service counted in the standard need (B)"),
    "debt_in_need_share": _ratio("share of outstanding local debt expected to be counted in future standard needs"),
    "pay_wage_elasticity": _ratio("elasticity of pay per head to the wage index", 0.0, 2.0),
    "staff_attrition": _ratio("retirements and quits a year, share of staff", 0.0, 0.5),
    "hires_per_leaver": _ratio("hires per leaver (1 keeps the headcount)", 0.0, 3.0),
    "service_population_elasticity": _ratio("elasticity of services to the population they serve", 0.0, 1.5),
    "debt_rate": Param("rate_per_year", "interest on local, enterprise and third-sector debt", 0.0, 0.2,
                       allow_path=False),
    "enterprise_cost_population_elasticity": _ratio("elasticity of enterprise cost to residents", 0.0, 1.5),
    "enterprise_revenue_population_elasticity": _ratio("elasticity of enterprise charges to residents", 0.0, 1.5),
    "third_sector_debt": Param("yen", "third-sector debt the city guarantees (損失補償) at the base year's end",
                               0.0, 1e13, allow_path=False),
    "third_sector_call_share": _ratio("share of that debt's yearly service the city pays under its guarantee"),
    "third_sector_years": Param("years", "years over which the third-sector debt amortises", 2, 60,
                                allow_path=False),
    "third_sector_takeover_on_plan": _ratio("share of the guaranteed debt left that the city takes over when "
                                            "the plan starts"),
    "borrowing_limit": _ratio("temporary borrowing lenders roll over, ratio to the standard fiscal scale",
                              0.0, 50.0),
    "retirement_allowance_months": Param("years", "retirement allowance owed per staff member, in months of "
                                         "pay (unit: months)", 0.0, 10.0, allow_path=False),
    "enterprise_scale_share": _ratio("enterprise business scale (事業の規模) as a share of its charges", 0.0, 2.0),
    "plan": PLAN,
})

JAPAN_SECTIONS = {"accounts": JAPAN_ACCOUNTS, "japan": JAPAN}


def build_japan_accounts(a: dict[str, Any]) -> JapanAccounts:
    return JapanAccounts(**{f.name: a[f.name].scalar() for f in dataclasses.fields(JapanAccounts)})


def _plan(pl: dict[str, Any] | None) -> RehabilitationPlan | None:
    if pl is None:
        return None
    values = {k: (v if k in ("bond_from_year",) else v.scalar()) for k, v in pl.items() if k != "trigger"}
    return RehabilitationPlan(**values)


def build_japan_params(j: dict[str, Any], years: np.ndarray) -> JapanParams:
    weights = [j[k].scalar() for k in ("need_weight_residents", "need_weight_elderly", "need_weight_pupils")]
    if abs(sum(weights) - 1.0) > 1e-9:
        raise ScenarioError(f"the need weights must sum to one (they sum to {sum(weights):g})", key="japan")
    series = {"allocation_adjustment": j["allocation_adjustment"].series(years)}
    renamed = {"pay_wage_elasticity": "cost_per_staff_growth_with_wage",
               "retirement_allowance_months": "retirement_allowance_months"}
    scalars = {renamed.get(k, k): v.scalar() for k, v in j.items() if k not in ("plan", *series)}
    scalars["retirement_allowance_months"] = scalars["retirement_allowance_months"] * 12.0
    return JapanParams(**scalars, **series, plan=_plan(j["plan"]))


def plan_trigger(j: dict[str, Any]) -> str | None:
    return j["plan"]["trigger"] if j.get("plan") is not None else None
