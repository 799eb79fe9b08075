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
    FUND_EXPENDITURE_88,
    GENERAL_EXPENDITURE,
    GENERAL_EXPENDITURE_88,
    FinanceResult,
)
from fiscalsim.finance.liquidity import (
    FundYear,
    GeneralArrears,
    GeneralDue,
    GeneralYear,
    fund_year,
    general_year,
)
from fiscalsim.finance.model import (
    Calibration,
    CalibrationError,
    calibrate,
    city_drivers,
    initial_staff,
    staff_retire_shares,
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


def _even_profile(n_buckets: int, first: float, years: int) -> np.ndarray:
    """Share ``first`` in bucket 0, the rest spread evenly over buckets 1 … years−1."""
    prof = np.zeros(n_buckets)
    prof[0] = first
    prof[1:years] = (1.0 - first) / (years - 1)
    return prof


def bond_ladder(n_paths: int, n_buckets: int, start: float, first_share: float, years: int, coupon: float,
                table=None) -> Ladder:
    """A government-bond ladder at the base year's 1 January: ``first_share`` of ``start`` falls due
    in the base year (from the accounts); the rest spreads evenly over ``years`` or, with a
    maturity table, in the table's proportions of later years at the table's coupons."""
    if table is None:
        return Ladder.from_profile(n_paths, start, _even_profile(n_buckets, first_share, years), coupon)
    later = table.principal[1:n_buckets]
    if later.sum() <= 0:
        raise CalibrationError("a government-bond maturity table needs principal due after the base year")
    profile = np.zeros(n_buckets)
    profile[0] = first_share
    profile[1:] = (1.0 - first_share) * later / later.sum()
    return table_ladder(n_paths, start, profile, table.coupon[:n_buckets])


def table_ladder(n_paths: int, total, profile: np.ndarray, coupon_by_bucket: np.ndarray) -> Ladder:
    """A ladder of ``total`` (scalar or per path) in ``profile``'s shares, each bucket at its own coupon."""
    ladder = Ladder.from_profile(n_paths, total, profile, 0.0)
    ladder.coupon_balance = ladder.balance * coupon_by_bucket[None, :]
    return ladder


def spread_profile(n_buckets: int, years: float | np.ndarray) -> np.ndarray:
    """Even maturities over an average of ``years`` (may be fractional, and per path): shares
    ``1/m`` in the first ⌊m⌋ buckets and the remainder in the next; ``(1|n_paths, n_buckets)``."""
    m = np.reshape(np.asarray(years, dtype=float), (-1, 1))
    k = np.arange(n_buckets)[None, :]
    return np.clip(m - k, 0.0, 1.0) / m


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
    drv = city_drivers(pop)
    city, unit = drv["city"], drv["unit"]

    # --- debt register at the base year's 1 January (derived from end-of-year figures) ---
    table_years = [int(np.flatnonzero(t.principal).max()) + 1 for t in p.maturity_tables.values()]
    n_buckets = max(p.general_years, p.special_years, int(np.ceil(np.max(p.lgfv_years))),
                    int(np.max(p.refinancing_maturity)), int(np.max(p.new_bond_maturity)), *table_years) + 1
    g_end = base.debt_end * p.general_share_of_debt
    g_start = g_end - base.bond_revenue + base.bond_principal_repaid
    s_change = base.debt_change - (g_end - g_start)
    s_end = base.debt_end - g_end
    s_start = s_end - s_change
    s_due0 = base.fund_bond_proceeds - s_change
    if min(g_start, s_start) <= 0 or not 0 <= s_due0 <= s_start:
        raise CalibrationError("the debt figures and the general share imply a negative or inconsistent register")
    tables = p.maturity_tables
    G = bond_ladder(n_paths, n_buckets, g_start, base.bond_principal_repaid / g_start, p.general_years,
                    p.coupon_bonds, tables.get("general"))
    S = bond_ladder(n_paths, n_buckets, s_start, s_due0 / s_start, p.special_years, p.coupon_bonds,
                    tables.get("special"))
    if "lgfv" in tables:
        t = tables["lgfv"]
        LG = table_ladder(n_paths, p.lgfv_debt, t.principal[:n_buckets] / t.principal.sum(), t.coupon[:n_buckets])
    else:
        LG = Ladder.from_profile(n_paths, p.lgfv_debt, spread_profile(n_buckets, p.lgfv_years),
                                 p.coupon_bonds + p.lgfv_spread)

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

    # --- staffing and calibration ---
    staff = np.broadcast_to(initial_staff(p, fi.base_population, fi.retirement, int(pop.years[0])),
                            (n_paths, 6, 81)).copy()
    g_new0 = np.asarray(g_new0, dtype=float)
    s_new0 = np.asarray(s_new0, dtype=float)
    retire = staff_retire_shares(fi.retirement, pop.years)
    d0 = {k: float(v[0, 0]) for k, v in city.items()}
    cal = calibrate(base, p, d0, n_units, interest0=float(G.interest_due()[0]), lgfv_support_due0=lg_support0,
                    special_due0=s_due0, special_interest0=float(S.interest_due()[0]),
                    staff0=staff.sum(axis=(1, 2)), new_special0=s_new0, employment0=econ.employment[:, 0],
                    new_general0=g_new0)
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
    free_share = np.asarray(p.carry_forward_free_share, dtype=float)
    carry_free_in = free_share * base.carry_over_in * np.ones(n_paths)
    carry_tied_in = (1 - free_share) * base.carry_over_in * np.ones(n_paths)
    fund_carry_in = np.full(n_paths, base.fund_carry_over_in)
    zero = np.zeros(n_paths)
    arrears = GeneralArrears(zero, zero, zero, zero)
    fund_arrears_debt, fund_arrears_land = zero, zero
    advances = np.zeros(n_paths)
    debt_ratio_prev = np.zeros(n_paths)
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
        quota = new_bond_quota(p, debt_ratio_prev, restructured)
        gy = debt_year(G, refi, g_new0 if first else quota * at(p.new_general_bonds, t), rate[:, t], ref_mat, new_mat)
        project_bonds = p.levers.project_bond_share * lv.project_cost[t] if p.levers is not None else 0.0
        sy_ = debt_year(S, refi, s_new0 if first else quota * (at(p.new_special_bonds, t) + project_bonds),
                        rate[:, t], ref_mat, new_mat)
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
            fy = FundYear({"land_costs": land_costs, "interest": sy_.interest_due, "principal": sy_.principal_due,
                           "debt_arrears": zero, "land_arrears": zero,
                           "transfer_out": np.full(n_paths, base.fund_transfer_out),
                           "projects": base.fund_expenditure - land_costs - sy_.interest_due - sy_.principal_due},
                          zero, np.full(n_paths, base.fund_carry_forward), zero, zero)
        else:
            projects_target = quota * at(p.new_special_bonds, t) + cal.fund_projects_base * pi + lv.project_cost[t]
            cf_target = cal.fund_carry_forward_ratio * (land_costs + sy_.interest_due + sy_.principal_due + projects_target)
            fy = fund_year(land + project_rev + fund_sub + fund_carry_in, sy_, land_costs, transfer_out,
                           projects_target, cf_target, fund_arrears_debt, fund_arrears_land,
                           at(p.provincial_substitute_share, t))
        fund_arrears_debt, fund_arrears_land = fy.arrears_debt, fy.arrears_land
        fund_carry_in = fy.carry_forward
        transfer_in = fy.paid["transfer_out"]

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
            gen = base_general_year(base, cal, sanbao, remit, gy, free_share, n_paths)
        else:
            spending = sum(sanbao.values()) + gy.interest_due + capital_target + other_target
            due = GeneralDue(remit, sanbao, capital_target, other_target, p.capital_floor_share * capital_target,
                             p.other_floor_share * other_target, gy.interest_due, gy.principal_due, lg_support,
                             free_share * cal.carry_forward_ratio * spending,
                             (1 - free_share) * cal.carry_forward_ratio * spending)
            free = own + eq + returns + carry_free_in + transfer_in + sales + aid
            gen = general_year(free, stab, special_tr + gy.new_issuance + carry_tied_in, gy.refinanced, due,
                               arrears, at(p.provincial_substitute_share, t))
        paid = gen.paid
        arrears = gen.arrears
        advances = advances + gen.provincial + fy.provincial
        stab = stab - gen.drawn + gen.paid_in
        carry_free_in, carry_tied_in = gen.carry_free, gen.carry_earmarked

        # --- record ---
        rec = {
            "own_tax_revenue": tax, "own_nontax_revenue": nontax, "transfer_equalisation": eq,
            "transfer_special": special_tr, "transfer_tax_returns": returns, "carry_over_in": L["carry_forward"][:, t - 1]
            if t else np.full(n_paths, base.carry_over_in), "bond_proceeds_refinancing": gy.refinanced,
            "bond_proceeds_new": gy.new_issuance, "stabilisation_drawn": gen.drawn, "transfer_in_from_fund": transfer_in,
            "provincial_substitute_general": gen.provincial, "asset_sales": sales if not first else zero,
            "provincial_aid": aid if not first else zero, "exp_policy_costs": paid["policy"],
            "project_revenue": project_rev, "debt_swap": swap * np.ones(n_paths),
            "restructured": restructured.astype(float), "staff_wage_index": staff_wi,
            "exp_personnel": paid["personnel"], "exp_social_insurance_subsidy": paid["si_subsidy"],
            "exp_services_education": paid["education"], "exp_services_elderly": paid["elderly"],
            "exp_services_residents": paid["residents"], "exp_overhead": paid["overhead"],
            "exp_general_interest": paid["interest"], "exp_lgfv_support": paid["lgfv"],
            "exp_arrears_repaid": paid["sanbao_arrears"] + paid["debt_arrears"] + paid["lgfv_arrears"]
            + paid["supplier_arrears"], "exp_capital": paid["capital"],
            "exp_other_residual": paid["other"], "remittance_up": paid["remit"],
            "bond_principal_repaid": paid["principal"], "stabilisation_paid_in": gen.paid_in,
            "carry_forward": gen.carry_free + gen.carry_earmarked,
            "carry_forward_free": gen.carry_free, "carry_forward_earmarked": gen.carry_earmarked,
            "land_revenue": land, "fund_subsidy": fund_sub,
            "fund_carry_over_in": L["fund_carry_forward"][:, t - 1] if t else np.full(n_paths, base.fund_carry_over_in),
            "special_bond_proceeds_refinancing": sy_.refinanced, "special_bond_proceeds_new": sy_.new_issuance,
            "provincial_substitute_fund": fy.provincial, "land_costs": fy.paid["land_costs"],
            "fund_projects_residual": fy.paid["projects"], "special_interest": fy.paid["interest"],
            "special_principal_repaid": fy.paid["principal"],
            "fund_arrears_repaid": fy.paid["debt_arrears"] + fy.paid["land_arrears"],
            "transfer_out_to_general": fy.paid["transfer_out"], "fund_carry_forward": fy.carry_forward,
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
            "special_bond_issuance": sy_.refinanced + sy_.new_issuance, "new_bond_quota": quota * np.ones(n_paths),
            "arrears_debt": arrears.debt, "arrears_sanbao": arrears.sanbao, "arrears_lgfv": arrears.lgfv,
            "arrears_suppliers": arrears.suppliers, "arrears_fund_debt": fy.arrears_debt,
            "arrears_fund_land": fy.arrears_land, "arrears_fund": fy.arrears_debt + fy.arrears_land,
            "government_debt_arrears": arrears.debt + fy.arrears_debt,
            "provincial_advances": advances, "stabilisation_balance": stab,
            "arrears_repaid_sanbao": paid["sanbao_arrears"], "arrears_repaid_debt": paid["debt_arrears"],
            "arrears_repaid_lgfv": paid["lgfv_arrears"], "arrears_repaid_suppliers": paid["supplier_arrears"],
            "remittance_due": remit, "capital_due": capital_target, "other_due": other_target,
            "sanbao_due": sum(sanbao.values()), "sanbao_unpaid": arrears.sanbao,
            "free_resources": gen.free_resources, "sanbao_debt_gap": gen.crowding_gap,
            "personnel_due": personnel, "services_due": edu + eld + resid, "si_subsidy_due": pe.fiscal_subsidy,
            "operations_due": overhead + policy_costs,
            "debt_service_due": gy.interest_due + gy.principal_due + sy_.interest_due + sy_.principal_due + lg_support,
            "debt_service_unpaid": arrears.debt + arrears.lgfv + fy.arrears_debt,
            "own_revenue": own, "transfers_total": eq + special_tr + returns,
            "comprehensive_capacity": own + eq + special_tr + returns + land + fund_sub,
            "standard_fiscal_scale": tax + eq + returns,
            "debt_service_net_of_refinancing": gy.interest_due + gy.principal_due - gy.refinanced + lg_support,
            "debt_service_in_standard_need": zero,
            "staff": headcount, "staff_retirements": sy.retirements.sum(-1), "staff_hires": sy.hires.sum(-1),
            "pension_contributors": contributors, "pension_retirees": retirees, "population": res,
            "employment": econ.employment[:, t], "job_gap": econ.job_gap[:, t], "wage_index": wi, "price_index": pi,
        }
        for name, value in rec.items():
            L[name][:, t] = value
        L["general_expenditure"][:, t] = sum(L[n][:, t] for n in GENERAL_EXPENDITURE)
        L["fund_expenditure"][:, t] = sum(L[n][:, t] for n in FUND_EXPENDITURE)
        L["general_expenditure_88"][:, t] = sum(L[n][:, t] for n in GENERAL_EXPENDITURE_88)
        L["fund_expenditure_88"][:, t] = sum(L[n][:, t] for n in FUND_EXPENDITURE_88)
        debt_ratio_prev = L["debt_government"][:, t] / np.maximum(L["comprehensive_capacity"][:, t], 1.0)
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
            window = {k: L[k][:, : t + 1] for k in rule.series_names()}
            cond = rule.condition(np.asarray(pop.years[: t + 1]), window)[:, -1]
            if fi.triggers_from is not None and pop.years[t] < fi.triggers_from:
                cond = np.zeros_like(cond)
            fired_run = np.where(cond, fired_run + 1, 0)
            newly = (fired_run >= rule.persistence) & ~restructured
            fired_year = np.where(newly, t, fired_year)
            restructured = restructured | newly
    return out


def new_bond_quota(p: FinanceParams, debt_ratio_prev: np.ndarray, restructured: np.ndarray) -> np.ndarray:
    """Share of the planned new-bond issuance the city may issue, by its risk status last year:
    1 normally, ``new_bond_quota_over_warning`` above the debt-ratio warning line and
    ``new_bond_quota_in_restructuring`` while restructuring (debt-limit rules as data)."""
    quota = np.where(debt_ratio_prev > p.debt_ratio_warning_line, p.new_bond_quota_over_warning, 1.0)
    return np.where(restructured, np.minimum(quota, p.new_bond_quota_in_restructuring), quota)


def base_general_year(base: BaseAccounts, cal: Calibration, sanbao: dict[str, np.ndarray], remit: np.ndarray,
                      gy, free_share: np.ndarray, n_paths: int) -> GeneralYear:
    """The base year as published: every line paid; LGFV support unpaid as the waterfall finds it
    (``Calibration.lgfv_unpaid0``); the carry-forward split into 结余 and 结转."""
    zero = np.zeros(n_paths)
    ones = np.ones(n_paths)
    paid = {**sanbao, "remit": remit, "interest": gy.interest_due, "principal": gy.principal_due,
            "lgfv": cal.lgfv_paid0 * ones, "capital": cal.capital * ones, "other": cal.other * ones,
            "sanbao_arrears": zero, "debt_arrears": zero, "lgfv_arrears": zero, "supplier_arrears": zero}
    arrears = GeneralArrears(zero, zero, zero, cal.lgfv_unpaid0 * ones)
    free = (base.own_revenue + base.transfers_from_upper * (1.0 - cal.special_share) + free_share * base.carry_over_in
            + base.stabilisation_drawn + base.transfer_in_from_fund) * ones
    return GeneralYear(paid, base.stabilisation_drawn * ones, base.stabilisation_paid_in * ones, zero, arrears,
                       free_share * base.carry_forward * ones, (1 - free_share) * base.carry_forward * ones, free,
                       zero)
