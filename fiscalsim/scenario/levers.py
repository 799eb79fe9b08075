"""The ``policies`` section: levers with a start year, combinable, turned into year-indexed
settings of the model (:class:`fiscalsim.finance.inputs.PolicyLevers`) and parameter changes.

Levers that are simply different parameter values — refinancing shares, maturities, rates,
pension indexation, the provincial substitute share, the retirement-age schedule — are set in
the scenario's own sections (a variant ``extends:`` the baseline and restates them); the levers
here are those that act from a year or need their own mechanics.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from fiscalsim.finance.inputs import FinanceParams, PolicyLevers, RestructuringResponse
from fiscalsim.scenario.errors import shown
from fiscalsim.scenario.schema import Choice, Integer, Param, Raw, Section
from fiscalsim.scenario.yamlio import ScenarioError, suggest


def _start(doc: str = "first year the lever applies") -> Integer:
    return Integer(doc, 1950, 2200)


POLICIES = Section("Policy levers, each from a start year; combinable.", {
    "transfer_cut": Section("Cut equalisation and special transfers by a share from a year.", {
        "from": _start(), "share": Param("ratio", "share of transfers cut", 0.0, 1.0, allow_path=False)},
        required=False),
    "transfer_path": Section("Multiply equalisation and special transfers by a path (growth or decline).", {
        "multiplier": Param("ratio", "multiplier of the formula's transfers, by year (1 = unchanged)", 0.0, 5.0)},
        required=False),
    "equalisation_formula": Section("Change the equalisation formula's coverage from a year.", {
        "from": _start(), "coefficient_multiplier": Param("ratio", "multiplier of the coverage coefficient",
                                                          0.0, 5.0, allow_path=False)}, required=False),
    "pension_subsidy": Section("Upper level's share of the pension fund deficit from a year.", {
        "from": _start(), "upper_share": Param("ratio", "upper-level share of the deficit", 0.0, 1.0,
                                               allow_path=False)}, required=False),
    "hiring": Section("Hires per retirement from a year (0: hiring freeze; 1/3: one for three).", {
        "from": _start(), "hires_per_retirement": Param("ratio", "hires per retirement", 0.0, 5.0,
                                                        allow_path=False)}, required=False),
    "wage_freeze": Section("Staff wages do not grow (cap 0) or grow at most a cap, for some years.", {
        "from": _start(), "years": Integer("number of years", 1, 100),
        "cap": Param("rate_per_year", "maximum staff wage growth", -0.5, 0.5, allow_path=False)},
        required=False),
    "off_quota_layoffs": Section("Lay off a share of off-quota staff each year for some years.", {
        "from": _start(), "years": Integer("number of years", 1, 100),
        "share": Param("ratio", "share of off-quota staff laid off per year", 0.0, 1.0, allow_path=False)},
        required=False),
    "merge_units": Section("Merge named administrative units: each group keeps one unit's overhead; the "
                           "merger may also save staff (through attrition) and services by function.", {
        "from": _start(), "groups": Raw("lists of unit names merged together"),
        "ramp_years": Integer("years over which the overhead saving phases in", 1, 30),
        "transition_cost": Param("yuan", "one-off cost, spread over the ramp", 0, 1e12, allow_path=False),
        "staff_saving": Param("ratio", "share of the absorbed units' establishment the merger removes (through "
                              "attrition: hiring stops until the headcount fits)", 0.0, 1.0, allow_path=False,
                              required=False),
        "education_saving": Param("ratio", "share of the absorbed units' education spending saved by "
                                  "consolidating schools", 0.0, 1.0, allow_path=False, required=False),
        "elderly_saving": Param("ratio", "share of the absorbed units' elderly-welfare spending saved", 0.0, 1.0,
                                allow_path=False, required=False),
        "residents_saving": Param("ratio", "share of the absorbed units' spending on services to all residents "
                                  "saved by consolidating offices and clinics", 0.0, 1.0, allow_path=False,
                                  required=False)},
        required=False),
    "debt_swap": Section("Swap off-budget (LGFV) debt into general bonds on 1 January of a year.", {
        "year": _start("year of the swap"),
        "amount": Param("yuan", "principal swapped (at most the LGFV balance)", 0, 1e13, allow_path=False)},
        required=False),
    "capital_project": Section("A capital project in the fund budget (e.g. a reservoir).", {
        "cost": Param("yuan", "cost per year (a path)", 0, 1e12),
        "bond_share": Param("ratio", "share financed by special bonds", 0.0, 1.0, allow_path=False),
        "revenue": Param("yuan", "project revenue per year (a path)", 0, 1e12)}, required=False),
    "revenue_enforcement": Section("Collect more of the tax due from a year.", {
        "from": _start(), "uplift": Param("ratio", "increase of tax revenue", 0.0, 1.0, allow_path=False)},
        required=False),
    "asset_sales": Section("Sell government assets.", {
        "amount": Param("yuan", "sales per year (a path; zero outside it)", 0, 1e12)}, required=False),
    "restructuring": Section("Automatic restructuring response once a rule fires (国办函〔2016〕88号 measures).", {
        "trigger": Raw("id of the rule whose firing starts the response"),
        "hiring_freeze": Choice("freeze hiring", ("yes", "no")),
        "capital_stop": Choice("stop new capital spending", ("yes", "no")),
        "other_cut": Param("ratio", "share of other discretionary spending cut", 0.0, 1.0, allow_path=False),
        "land_to_debt": Choice("transfer all land income after costs to the general budget", ("yes", "no")),
        "asset_sales": Param("yuan", "asset sales per year once restructuring", 0, 1e12, allow_path=False),
        "provincial_aid": Param("yuan", "temporary provincial aid per year", 0, 1e12, allow_path=False),
        "aid_years": Integer("years of provincial aid", 0, 50)}, required=False),
}, required=False)


def _years_from(years: np.ndarray, start: int, n: int | None = None) -> np.ndarray:
    on = years >= start
    if n is not None:
        on &= years < start + n
    return on


def build_levers(p: dict[str, Any] | None, years: np.ndarray, unit_names: tuple[str, ...], rule_ids: list[str],
                 finance: FinanceParams) -> tuple[FinanceParams, str | None]:
    """Apply the validated ``policies`` section to the finance parameters.

    Returns the parameters with their levers and the id of the restructuring trigger (if any).
    """
    n_years, n_units = len(years), len(unit_names)
    lv = PolicyLevers.neutral(n_years, n_units)
    if not p:
        return finance, None
    changes: dict[str, Any] = {}
    fin = finance
    if p.get("transfer_cut"):
        c = p["transfer_cut"]
        lv = dataclasses.replace(lv, transfer_multiplier=np.where(_years_from(years, c["from"]),
                                                                  1.0 - c["share"].scalar(), 1.0))
    if p.get("transfer_path"):
        lv = dataclasses.replace(lv, transfer_multiplier=lv.transfer_multiplier
                                 * p["transfer_path"]["multiplier"].series(years))
    if p.get("equalisation_formula"):
        e = p["equalisation_formula"]
        lv = dataclasses.replace(lv, equalisation_multiplier=np.where(
            _years_from(years, e["from"]), e["coefficient_multiplier"].scalar(), 1.0))
    if p.get("pension_subsidy"):
        ps = p["pension_subsidy"]
        lv = dataclasses.replace(lv, pension_upper_share=np.where(
            _years_from(years, ps["from"]), ps["upper_share"].scalar(), np.nan))
    if p.get("hiring"):
        h = p["hiring"]
        hires = np.array(np.broadcast_to(fin.hires_per_retirement, (n_years,)), dtype=float)
        hires[_years_from(years, h["from"])] = h["hires_per_retirement"].scalar()
        changes["hires_per_retirement"] = hires
    if p.get("wage_freeze"):
        w = p["wage_freeze"]
        cap = np.full(n_years, np.nan)
        cap[_years_from(years, w["from"], w["years"])] = w["cap"].scalar()
        lv = dataclasses.replace(lv, staff_wage_cap=cap)
    if p.get("off_quota_layoffs"):
        o = p["off_quota_layoffs"]
        lv = dataclasses.replace(lv, offquota_layoff_share=np.where(
            _years_from(years, o["from"], o["years"]), o["share"].scalar(), 0.0))
    if p.get("merge_units"):
        lv = _merge(p["merge_units"], years, unit_names, lv)
    if p.get("debt_swap"):
        d = p["debt_swap"]
        lv = dataclasses.replace(lv, debt_swap=np.where(years == d["year"], d["amount"].scalar(), 0.0))
    if p.get("capital_project"):
        c = p["capital_project"]
        lv = dataclasses.replace(lv, project_cost=_path(c["cost"], years), project_revenue=_path(c["revenue"], years),
                                 project_bond_share=c["bond_share"].scalar())
    if p.get("revenue_enforcement"):
        r = p["revenue_enforcement"]
        lv = dataclasses.replace(lv, tax_multiplier=np.where(_years_from(years, r["from"]),
                                                             1.0 + r["uplift"].scalar(), 1.0))
    if p.get("asset_sales"):
        lv = dataclasses.replace(lv, asset_sales=_path(p["asset_sales"]["amount"], years))
    trigger = None
    if p.get("restructuring"):
        r = p["restructuring"]
        trigger = r["trigger"]
        if not isinstance(trigger, str) or trigger not in rule_ids:
            raise ScenarioError(f"unknown rule {shown(trigger)}; the scenario's rules are {rule_ids}",
                                key="policies.restructuring.trigger", suggestion=suggest(str(trigger), rule_ids))
        lv = dataclasses.replace(lv, restructuring=RestructuringResponse(
            trigger=trigger, hiring_freeze=r["hiring_freeze"] == "yes", capital_stop=r["capital_stop"] == "yes",
            other_cut=r["other_cut"].scalar(), land_to_debt=r["land_to_debt"] == "yes",
            asset_sales=r["asset_sales"].scalar(), provincial_aid=r["provincial_aid"].scalar(),
            aid_years=r["aid_years"]))
    return dataclasses.replace(fin, levers=lv, **changes), trigger


def _path(param, years: np.ndarray) -> np.ndarray:
    """A money path that is zero outside its stated years (a value applies to every year)."""
    if param.path is None:
        return param.series(years)
    first, last = param.path[0][0], param.path[-1][0]
    inside = (years >= first) & (years <= last)
    return np.where(inside, param.series(years), 0.0)


def _merge(m: dict[str, Any], years: np.ndarray, unit_names: tuple[str, ...], lv: PolicyLevers) -> PolicyLevers:
    groups = m["groups"]
    names = list(unit_names)
    if not (isinstance(groups, list) and groups
            and all(isinstance(g, list) and len(g) >= 2 and all(isinstance(n, str) for n in g) for g in groups)):
        raise ScenarioError("groups must be a list of lists of two or more unit names", key="policies.merge_units.groups")
    seen: set[str] = set()
    factor = np.ones((len(years), len(names)))
    ramp = np.clip((years - m["from"] + 1) / m["ramp_years"], 0.0, 1.0)  # share of the saving achieved
    for group in groups:
        for name in group:
            if name not in names:
                raise ScenarioError(f"unknown unit {shown(name)}; the units are {names}", key="policies.merge_units.groups",
                                    suggestion=suggest(str(name), names))
            if name in seen:
                raise ScenarioError(f"unit {name!r} appears in two groups", key="policies.merge_units.groups")
            seen.add(name)
        for name in group[1:]:  # the first unit of a group keeps its overhead
            factor[:, names.index(name)] = 1.0 - ramp
    costs = np.where((years >= m["from"]) & (years < m["from"] + m["ramp_years"]),
                     m["transition_cost"].scalar() / m["ramp_years"], 0.0)
    def share(key: str) -> float:
        return 0.0 if m.get(key) is None else m[key].scalar()

    return dataclasses.replace(lv, overhead_factor=factor, policy_costs=lv.policy_costs + costs,
                               merger_staff_saving=share("staff_saving"),
                               merger_service_saving=tuple(share(f"{k}_saving")
                                                           for k in ("education", "elderly", "residents")))
