"""The year loop of the public-finance model (see :mod:`fiscalsim.finance.model`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fiscalsim.arrays import at, col, rows
from fiscalsim.demography.projector import PopulationResult
from fiscalsim.demography.retirement import RetirementSchedule
from fiscalsim.economy import EconomyPath
from fiscalsim.finance.debt import Ladder, debt_year, issue
from fiscalsim.finance.inputs import BaseAccounts, FinanceParams, PolicyLevers
from fiscalsim.finance.ledger import (
    FUND_EXPENDITURE,
    GENERAL_EXPENDITURE,
    FinanceResult,
)
from fiscalsim.finance.model import (
    CalibrationError,
    _drivers,
    _staff_retire_shares,
    calibrate,
    initial_staff,
)
from fiscalsim.finance.pension import pension_year
from fiscalsim.finance.staffing import staffing_year
from fiscalsim.finance.transfers import equalisation_transfer
from fiscalsim.triggers.rules import Rule


@dataclass(frozen=True)
class FinanceInputs:
    base: BaseAccounts
    params: FinanceParams
    retirement: RetirementSchedule
    base_population: np.ndarray  # (n_units, 2, 101) at the base year's 1 January
    restructuring_rule: Rule | None = None  # the trigger of the automatic response
    triggers_from: int | None = None


@dataclass(frozen=True)
class FinanceShocks:
    market_rate: np.ndarray  # (n_paths, n_years) standard normal


def settle(resources: np.ndarray, items: list[tuple[str, np.ndarray]]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Pay ``items`` in order of priority out of ``resources`` (all ``(n_paths,)`` yuan).

    Returns what was paid of each item and what is left over (never negative).
    """
    remaining = resources.copy()
    paid = {}
    for name, amount in items:
        p = np.minimum(amount, remaining)
        paid[name] = p
        remaining -= p
    return paid, remaining


def _even_profile(n_buckets: int, first: float, years: int) -> np.ndarray:
    """Share ``first`` in bucket 0, the rest spread evenly over buckets 1 … years−1."""
    prof = np.zeros(n_buckets)
    prof[0] = first
    prof[1:years] = (1.0 - first) / (years - 1)
    return prof


def simulate_finance(fi: FinanceInputs, pop: PopulationResult, econ: EconomyPath, shocks: FinanceShocks,
                     out: FinanceResult | None = None) -> FinanceResult:
    """Run the four books and the debt register over ``pop.years`` for every path.

    With ``out`` (arrays for exactly these paths, e.g. views of a larger run's arrays) the lines
    are written there.
    """
    base, p = fi.base, fi.params
    n_paths, n_years, n_units = pop.stocks.shape[0], len(pop.years), len(pop.unit_names)
    if out is None:
        out = FinanceResult.empty(n_paths, pop.years, pop.unit_names)
    L, U = out.lines, out.units
    drv = _drivers(pop)
    city, unit = drv["city"], drv["unit"]

    # --- debt register at the base year's 1 January (derived from end-of-year figures) ---
    n_buckets = max(p.general_years, p.special_years, p.lgfv_years, int(np.max(p.refinancing_maturity)),
                    int(np.max(p.new_bond_maturity))) + 1
    g_end = base.debt_end * p.general_share_of_debt
    g_start = g_end - base.bond_revenue + base.bond_principal_repaid
    s_change = base.debt_change - (g_end - g_start)
    s_end = base.debt_end - g_end
    s_start = s_end - s_change
    s_due0 = base.fund_bond_proceeds - s_change
    if min(g_start, s_start) <= 0 or not 0 <= s_due0 <= s_start:
        raise CalibrationError("the debt figures and the general share imply a negative or inconsistent register")
    G = Ladder.from_profile(n_paths, g_start, _even_profile(n_buckets, base.bond_principal_repaid / g_start,
                                                            p.general_years), p.coupon_bonds)
    S = Ladder.from_profile(n_paths, s_start, _even_profile(n_buckets, s_due0 / s_start, p.special_years),
                            p.coupon_bonds)
    lg_prof = np.zeros(n_buckets)
    lg_prof[: p.lgfv_years] = 1.0 / p.lgfv_years
    LG = Ladder.from_profile(n_paths, p.lgfv_debt, lg_prof, p.coupon_bonds + p.lgfv_spread)

    rate_dev = p.market_rate_process.path(shocks.market_rate)
    rate_dev[:, 0] = 0.0
    rate = rows(p.market_rate) + rate_dev

    g_refi0 = at(p.refinancing_share_bonds, 0) * base.bond_principal_repaid
    g_new0 = base.bond_revenue - g_refi0
    s_refi0 = at(p.refinancing_share_bonds, 0) * s_due0
    s_new0 = base.fund_bond_proceeds - s_refi0
    if np.any(g_new0 < 0) or np.any(s_new0 < 0):
        raise CalibrationError("base-year bond revenue is smaller than the refinancing it implies")
    lg_support0 = ((1 - p.lgfv_own_cash_share) * LG.interest_due()
                   + (1 - at(p.refinancing_share_lgfv, 0)) * LG.balance[:, 0])
    if np.any(lg_support0 < base.debt_arrears_end):
        raise CalibrationError("base-year debt arrears exceed the off-budget debt service the assumptions imply")

    # --- staffing and calibration ---
    staff = np.broadcast_to(initial_staff(p, fi.base_population, fi.retirement, int(pop.years[0])),
                            (n_paths, 6, 81)).copy()
    g_new0 = np.asarray(g_new0, dtype=float)
    s_new0 = np.asarray(s_new0, dtype=float)
    retire = _staff_retire_shares(fi.retirement, pop.years)
    d0 = {k: float(v[0, 0]) for k, v in city.items()}
    cal = calibrate(base, p, d0, n_units, interest0=float(G.interest_due()[0]),
                    lgfv_support_paid0=lg_support0 - base.debt_arrears_end, special_due0=s_due0,
                    special_interest0=float(S.interest_due()[0]), staff0=staff.sum(axis=(1, 2)),
                    new_special0=s_new0, employment0=econ.employment[:, 0])
    unit_share = fi.base_population.sum(axis=(1, 2)) / fi.base_population.sum()
    lv = p.levers if p.levers is not None else PolicyLevers.neutral(n_years, n_units)
    response = lv.restructuring
    restructured = np.zeros(n_paths, dtype=bool)
    fired_run = np.zeros(n_paths, dtype=int)
    fired_year = np.full(n_paths, -1)
    staff_wi = np.ones(n_paths)
    indexation = rows(p.benefit_indexation).copy()
    indexation[:, 0] = 0.0
    benefit_index = np.cumprod(1.0 + indexation, axis=-1)  # (1|n_paths, n_years)

    stab = np.full(n_paths, p.stabilisation_balance_end + base.stabilisation_drawn - base.stabilisation_paid_in)
    si_balance = np.full(n_paths, base.si_balance_start)
    carry_in = np.full(n_paths, base.carry_over_in)
    fund_carry_in = np.full(n_paths, base.fund_carry_over_in)
    arrears_debt = np.zeros(n_paths)
    arrears_sanbao = np.zeros(n_paths)
    arrears_fund = np.zeros(n_paths)
    advances = np.zeros(n_paths)
    emp0 = econ.employment[:, 0]

    for t in range(n_years):
        wi, pi = econ.wage_index[:, t], econ.price_index[:, t]
        res, pupils, elderly = city["residents"][:, t], city["pupils"][:, t], city["elderly"][:, t]
        first = t == 0

        # revenue and transfers
        wage_bill = econ.employment[:, t] / emp0 * wi
        tax = base.tax_revenue * ((1 - p.resource_tax_share) * wage_bill + p.resource_tax_share * econ.coal_index[:, t] * pi)
        tax = tax * lv.tax_multiplier[t]
        nontax = cal.nontax * pi * res / city["residents"][:, 0]
        own = tax + nontax
        drivers_t = np.stack([res, pupils, elderly], axis=-1)
        need = (cal.need_unit_costs * drivers_t).sum(axis=-1) * wi
        eq = (equalisation_transfer(need, own, cal.equalisation_coefficient * lv.equalisation_multiplier[t])
              * lv.transfer_multiplier[t])
        special_tr = cal.special_transfer * pi * lv.transfer_multiplier[t]
        returns = np.full(n_paths, cal.tax_returns)

        # staffing
        headcount = staff.sum(axis=(1, 2))
        if t > 0:  # staff wages follow the average wage unless capped (wage freeze or cap)
            growth = econ.wage_index[:, t] / econ.wage_index[:, t - 1] - 1.0
            cap = lv.staff_wage_cap[t]
            staff_wi = staff_wi * (1.0 + (growth if np.isnan(cap) else np.minimum(growth, cap)))
        personnel = headcount * cal.cost_per_staff * staff_wi
        hires = np.array(np.broadcast_to(col(at(p.hires_per_retirement, t)), (n_paths, 6)))
        if response is not None and response.hiring_freeze:
            hires[restructured] = 0.0
        layoffs = np.zeros((n_paths, 6))
        layoffs[:, 4:6] = lv.offquota_layoff_share[t] * staff[:, 4:6].sum(axis=-1)
        staff, sy = staffing_year(staff, retire[t], hires, p.staff_entry_age, layoffs if lv.offquota_layoff_share[t] else None)

        # social insurance
        retirees = p.retiree_coverage * city["retirement_age"][:, t]
        contributors = cal.contributor_coverage * econ.employment[:, t]
        pe = pension_year(contributors, cal.premium_per_contributor * wi, retirees, cal.benefit * benefit_index[:, t],
                          cal.remitted_share, base.si_other_revenue * pi, base.si_other_expenditure * pi,
                          cal.upper_share if np.isnan(lv.pension_upper_share[t]) else lv.pension_upper_share[t],
                          si_balance,
                          np.full(n_paths, base.si_balance_end - base.si_balance_start if first else 0.0))
        si_balance = pe.balance_end

        # services and overheads
        edu = cal.education_per_pupil * pupils * wi
        resid = cal.residents_per_person * res * wi
        eld = cal.elderly_per_person * elderly * wi
        overhead = p.overhead_per_unit * lv.overhead_factor[t].sum() * pi

        # debt register: a swap of LGFV debt into general bonds happens on 1 January
        swap = np.minimum(lv.debt_swap[t], LG.total)
        if lv.debt_swap[t] > 0:
            keep = np.where(LG.total > 0, 1.0 - swap / np.where(LG.total > 0, LG.total, 1.0), 1.0)
            LG.balance *= keep[:, None]
            LG.coupon_balance *= keep[:, None]
            issue(G, swap, int(p.new_bond_maturity[t]), rate[:, t])
        refi = at(p.refinancing_share_bonds, t)
        ref_mat, new_mat = int(p.refinancing_maturity[t]), int(p.new_bond_maturity[t])
        gy = debt_year(G, refi, g_new0 if first else at(p.new_general_bonds, t), rate[:, t], ref_mat, new_mat)
        project_bonds = p.levers.project_bond_share * lv.project_cost[t] if p.levers is not None else 0.0
        sy_ = debt_year(S, refi, s_new0 if first else at(p.new_special_bonds, t) + project_bonds, rate[:, t],
                        ref_mat, new_mat)
        ly = debt_year(LG, at(p.refinancing_share_lgfv, t), 0.0, rate[:, t] + p.lgfv_spread, ref_mat, new_mat)
        lg_support = (1 - p.lgfv_own_cash_share) * ly.interest_due + ly.principal_due - ly.refinanced

        # --- government fund budget ---
        land = base.land_revenue * econ.construction_index[:, t] * econ.land_price_index[:, t]
        project_rev = np.full(n_paths, lv.project_revenue[t])
        fund_sub = base.fund_subsidy * pi
        land_costs = cal.land_costs_share * land
        transfer_out = cal.fund_transfer_out_share * land
        if response is not None and response.land_to_debt:
            transfer_out = np.where(restructured, np.maximum(land - land_costs, transfer_out), transfer_out)
        if first:
            fund_paid = {"land_costs": land_costs, "arrears": np.zeros(n_paths), "interest": sy_.interest_due,
                         "principal": sy_.principal_due, "transfer_out": np.full(n_paths, base.fund_transfer_out),
                         "projects": base.fund_expenditure - land_costs - sy_.interest_due - sy_.principal_due,
                         "carry_forward": np.full(n_paths, base.fund_carry_forward)}
            fund_left = np.zeros(n_paths)
            prov_f = np.zeros(n_paths)
            unpaid_f_debt = np.zeros(n_paths)
            unpaid_f_other = np.zeros(n_paths)
        else:
            projects_target = at(p.new_special_bonds, t) + cal.fund_projects_base * pi + lv.project_cost[t]
            cf_target = cal.fund_carry_forward_ratio * (land_costs + sy_.interest_due + sy_.principal_due + projects_target)
            rf = land + project_rev + fund_sub + fund_carry_in + sy_.refinanced + sy_.new_issuance
            fund_paid, fund_left = settle(rf, [
                ("land_costs", land_costs), ("interest", sy_.interest_due), ("principal", sy_.principal_due),
                ("arrears", arrears_fund), ("transfer_out", transfer_out), ("projects", projects_target),
                ("carry_forward", cf_target)])
            unpaid_f_debt = (arrears_fund - fund_paid["arrears"]) + (sy_.interest_due - fund_paid["interest"]) + (
                sy_.principal_due - fund_paid["principal"])
            unpaid_f_other = land_costs - fund_paid["land_costs"]
            prov_f = at(p.provincial_substitute_share, t) * unpaid_f_debt
            # the province pays part of the unpaid special-debt service, interest first
            extra_i = np.minimum(prov_f, sy_.interest_due - fund_paid["interest"])
            fund_paid["interest"] = fund_paid["interest"] + extra_i
            extra_p = np.minimum(prov_f - extra_i, sy_.principal_due - fund_paid["principal"])
            fund_paid["principal"] = fund_paid["principal"] + extra_p
            fund_paid["arrears"] = fund_paid["arrears"] + (prov_f - extra_i - extra_p)
            fund_paid["carry_forward"] = fund_paid["carry_forward"] + fund_left
        arrears_fund = unpaid_f_debt - prov_f + unpaid_f_other
        L["arrears_new_fund"][:, t] = arrears_fund
        fund_carry_in = fund_paid["carry_forward"]
        transfer_in = fund_paid["transfer_out"]

        # --- general public budget ---
        remit = cal.remittance_share * own
        capital_target = cal.capital * pi
        other_target = cal.other * pi
        policy_costs = np.full(n_paths, lv.policy_costs[t])
        sales = np.full(n_paths, lv.asset_sales[t])
        aid = np.zeros(n_paths)
        if response is not None:
            capital_target = np.where(restructured & response.capital_stop, 0.0, capital_target)
            other_target = np.where(restructured, other_target * (1.0 - response.other_cut), other_target)
            sales = sales + np.where(restructured, response.asset_sales, 0.0)
            in_aid = restructured & (t - fired_year <= response.aid_years)
            aid = np.where(in_aid, response.provincial_aid, 0.0)
        sanbao = {"personnel": personnel, "si_subsidy": pe.fiscal_subsidy, "education": edu,
                  "elderly": eld, "residents": resid, "overhead": overhead,
                  "policy": policy_costs}  # one-off costs of reforms are operations, not optional
        if first:
            paid = dict(sanbao)
            paid.update({"remit": remit, "sanbao_arrears": np.zeros(n_paths), "debt_arrears": np.zeros(n_paths),
                         "interest": gy.interest_due, "principal": gy.principal_due,
                         "lgfv": lg_support - base.debt_arrears_end, "capital": np.full(n_paths, cal.capital),
                         "other": np.full(n_paths, cal.other),
                         "carry_forward": np.full(n_paths, base.carry_forward)})
            drawn = np.full(n_paths, base.stabilisation_drawn)
            paid_in = np.full(n_paths, base.stabilisation_paid_in)
            prov_g = np.zeros(n_paths)
            unpaid_debt = np.full(n_paths, base.debt_arrears_end)
            unpaid_sanbao = np.zeros(n_paths)
        else:
            resources = (own + eq + special_tr + returns + carry_in + gy.refinanced + gy.new_issuance + transfer_in
                         + sales + aid)
            cf_target = cal.carry_forward_ratio * (sum(sanbao.values()) + gy.interest_due + capital_target + other_target)
            items = [("remit", remit)] + list(sanbao.items()) + [
                ("interest", gy.interest_due), ("principal", gy.principal_due), ("lgfv", lg_support),
                ("sanbao_arrears", arrears_sanbao), ("debt_arrears", arrears_debt),
                ("capital", capital_target), ("other", other_target), ("carry_forward", cf_target)]
            paid, left = settle(resources + stab, items)
            drawn = np.clip(stab - left, 0.0, stab)
            paid_in = np.maximum(left - stab, 0.0)
            debt_due = {"debt_arrears": arrears_debt, "interest": gy.interest_due, "principal": gy.principal_due,
                        "lgfv": lg_support}
            unpaid_service = sum(debt_due[k] - paid[k] for k in debt_due)
            prov_g = at(p.provincial_substitute_share, t) * unpaid_service
            # an unpaid remittance (never seen in practice) is owed upward like a debt
            unpaid_debt = unpaid_service + (remit - paid["remit"])
            budget = prov_g.copy()
            for k in ("interest", "principal", "lgfv", "debt_arrears"):
                extra = np.minimum(budget, debt_due[k] - paid[k])
                paid[k] = paid[k] + extra
                budget -= extra
            unpaid_sanbao = (arrears_sanbao - paid["sanbao_arrears"]) + sum(sanbao[k] - paid[k] for k in sanbao)
        arrears_debt = unpaid_debt - prov_g
        arrears_sanbao = unpaid_sanbao
        advances = advances + prov_g + prov_f
        stab = stab - drawn + paid_in
        carry_in = paid["carry_forward"]

        # --- record ---
        rec = {
            "own_tax_revenue": tax, "own_nontax_revenue": nontax, "transfer_equalisation": eq,
            "transfer_special": special_tr, "transfer_tax_returns": returns, "carry_over_in": L["carry_forward"][:, t - 1]
            if t else np.full(n_paths, base.carry_over_in), "bond_proceeds_refinancing": gy.refinanced,
            "bond_proceeds_new": gy.new_issuance, "stabilisation_drawn": drawn, "transfer_in_from_fund": transfer_in,
            "provincial_substitute_general": prov_g, "asset_sales": sales if not first else np.zeros(n_paths),
            "provincial_aid": aid if not first else np.zeros(n_paths), "exp_policy_costs": paid["policy"],
            "project_revenue": project_rev, "debt_swap": swap * np.ones(n_paths),
            "restructured": restructured.astype(float), "staff_wage_index": staff_wi,
            "exp_personnel": paid["personnel"], "exp_social_insurance_subsidy": paid["si_subsidy"],
            "exp_services_education": paid["education"], "exp_services_elderly": paid["elderly"],
            "exp_services_residents": paid["residents"], "exp_overhead": paid["overhead"],
            "exp_general_interest": paid["interest"], "exp_lgfv_support": paid["lgfv"],
            "exp_arrears_repaid": paid["sanbao_arrears"] + paid["debt_arrears"], "exp_capital": paid["capital"],
            "exp_other_residual": paid["other"], "remittance_up": paid["remit"],
            "bond_principal_repaid": paid["principal"], "stabilisation_paid_in": paid_in,
            "carry_forward": paid["carry_forward"],
            "land_revenue": land, "fund_subsidy": fund_sub,
            "fund_carry_over_in": L["fund_carry_forward"][:, t - 1] if t else np.full(n_paths, base.fund_carry_over_in),
            "special_bond_proceeds_refinancing": sy_.refinanced, "special_bond_proceeds_new": sy_.new_issuance,
            "provincial_substitute_fund": prov_f, "land_costs": fund_paid["land_costs"],
            "fund_projects_residual": fund_paid["projects"], "special_interest": fund_paid["interest"],
            "special_principal_repaid": fund_paid["principal"], "fund_arrears_repaid": fund_paid["arrears"],
            "transfer_out_to_general": fund_paid["transfer_out"], "fund_carry_forward": fund_paid["carry_forward"],
            "si_premiums": pe.premiums, "si_fiscal_subsidy": pe.fiscal_subsidy, "si_upper_subsidy": pe.upper_subsidy,
            "si_other_revenue": pe.other_revenue, "si_balance_start": pe.balance_start,
            "si_benefits": pe.benefits, "si_remitted_up": pe.remitted_up, "si_other_expenditure": pe.other_expenditure,
            "si_balance_end": pe.balance_end,
            "debt_general": gy.balance_end, "debt_special": sy_.balance_end, "debt_lgfv": ly.balance_end,
            "debt_government": gy.balance_end + sy_.balance_end, "general_interest_due": gy.interest_due,
            "general_principal_due": gy.principal_due, "special_interest_due": sy_.interest_due,
            "special_principal_due": sy_.principal_due, "lgfv_interest_due": ly.interest_due,
            "lgfv_principal_due": ly.principal_due, "lgfv_refinanced": ly.refinanced, "lgfv_support_due": lg_support,
            "general_bond_issuance": gy.refinanced + gy.new_issuance + swap,
            "special_bond_issuance": sy_.refinanced + sy_.new_issuance,
            "arrears_debt": arrears_debt, "arrears_sanbao": arrears_sanbao, "arrears_fund": arrears_fund,
            "arrears_new_debt": unpaid_debt - prov_g, "arrears_new_sanbao": unpaid_sanbao,
            "provincial_advances": advances, "stabilisation_balance": stab,
            "arrears_repaid_sanbao": paid["sanbao_arrears"], "arrears_repaid_debt": paid["debt_arrears"],
            "remittance_due": remit,
            "sanbao_due": sum(sanbao.values()), "sanbao_unpaid": unpaid_sanbao,
            "personnel_due": personnel, "services_due": edu + eld + resid, "si_subsidy_due": pe.fiscal_subsidy,
            "operations_due": overhead + policy_costs,
            "debt_service_due": gy.interest_due + gy.principal_due + sy_.interest_due + sy_.principal_due + lg_support,
            "debt_service_unpaid": (unpaid_debt - prov_g) + (unpaid_f_debt - prov_f),
            "own_revenue": own, "transfers_total": eq + special_tr + returns,
            "comprehensive_capacity": own + eq + special_tr + returns + land + fund_sub,
            "standard_fiscal_scale": own + eq + returns,
            "staff": headcount, "staff_retirements": sy.retirements.sum(-1), "staff_hires": sy.hires.sum(-1),
            "pension_contributors": contributors, "pension_retirees": retirees, "population": res,
            "employment": econ.employment[:, t], "job_gap": econ.job_gap[:, t], "wage_index": wi, "price_index": pi,
        }
        for name, value in rec.items():
            L[name][:, t] = value
        L["general_expenditure"][:, t] = sum(L[n][:, t] for n in GENERAL_EXPENDITURE)
        L["fund_expenditure"][:, t] = sum(L[n][:, t] for n in FUND_EXPENDITURE)
        L["general_balance_before_financing"][:, t] = (own + eq + special_tr + returns + transfer_in
                                                       - L["general_expenditure"][:, t] - paid["remit"])
        # per unit
        U["unit_overhead"][:, t] = col(p.overhead_per_unit * pi) * lv.overhead_factor[t][None, :]
        U["unit_services"][:, t] = wi[:, None] * (cal.education_per_pupil * unit["pupils"][:, t]
                                                  + cal.residents_per_person * unit["residents"][:, t]
                                                  + cal.elderly_per_person * unit["elderly"][:, t])
        U["unit_staff"][:, t] = headcount[:, None] * unit_share[None, :]
        U["unit_personnel"][:, t] = personnel[:, None] * unit_share[None, :]
        # automatic restructuring response: evaluate its trigger on this year's lines
        if response is not None and fi.restructuring_rule is not None:
            rule = fi.restructuring_rule
            names = rule.indicator.series_names() | (rule.threshold.by.series_names() if rule.threshold.by else set())
            window = {k: L[k][:, : t + 1] for k in names}
            cond = rule.condition(np.asarray(pop.years[: t + 1]), window)[:, -1]
            if fi.triggers_from is not None and pop.years[t] < fi.triggers_from:
                cond = np.zeros_like(cond)
            fired_run = np.where(cond, fired_run + 1, 0)
            newly = (fired_run >= rule.persistence) & ~restructured
            fired_year = np.where(newly, t, fired_year)
            restructured = restructured | newly
    return out
