"""The public-finance model: the city's four books and debt register, year by year.

**Base year (accounts mode).** Every line of the base year is produced by the same driver
formulas as later years, with coefficients calibrated so that the published accounts are
reproduced exactly; what the sources do not split is a named residual line
(``exp_other_residual``, ``fund_projects_residual``). See :func:`calibrate`.

**Later years (rules).** Revenue follows the economy and the population; transfers follow the
equalisation formula; expenditure follows its drivers. Each book then settles its obligations
from **free** money in a fixed order, while **earmarked** money (refinancing and new-bond
proceeds, special transfers, 结转) pays only for its purpose: see
:mod:`fiscalsim.finance.liquidity` for the waterfall, the committed floors and the arrears by kind,
and :mod:`fiscalsim.finance.year` for the order of the year's steps. Nothing is dropped:
``due = paid + new arrears`` for every obligation, and each book's sources equal its uses.

**The base year's LGFV support** is not imposed: it is paid as far as the published expenditure
leaves room after 三保, interest and capital (the waterfall's answer); the rest is LGFV arrears.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fiscalsim.demography.projector import STOCK_BANDS, PopulationResult
from fiscalsim.demography.retirement import RetirementSchedule, retired_share
from fiscalsim.finance.inputs import BaseAccounts, FinanceParams

N_STAFF_AGES = 81
STAFF_GROUPS = ("civil_servant_m", "civil_servant_f", "institution_m", "institution_f", "off_quota_m",
                "off_quota_f")


class CalibrationError(ValueError):
    """The assumptions cannot reproduce the base-year accounts (e.g. a negative residual)."""


@dataclass(frozen=True)
class Calibration:
    """Coefficients derived from the base year; money in yuan."""

    nontax: float
    need_unit_costs: np.ndarray  # (3,) yuan per resident, pupil, elderly person
    equalisation_coefficient: float
    special_transfer: float
    special_share: np.ndarray  # special transfers' share of the base-year transfers (per path)
    tax_returns: float
    personnel: float
    cost_per_staff: float
    education_per_pupil: float
    residents_per_person: float
    elderly_per_person: float
    staff_pension_per_retiree: np.ndarray  # government retirees' pension, yuan a year (per path)
    dibao_per_resident: np.ndarray  # 低保 spending per resident (recipients follow residents)
    retired_staff0: np.ndarray  # government retirees at the base year's 1 January
    basic_capacity0: np.ndarray  # own revenue + equalisation + tax returns in the base year
    standard_need0: float  # the standard expenditure need of the base year
    capital: float
    other: float
    lgfv_paid0: np.ndarray  # LGFV support paid in the base year (per path)
    lgfv_unpaid0: np.ndarray  # LGFV support due but unpaid in the base year: the waterfall's answer
    remittance_share: float
    carry_forward_ratio: float
    land_costs_share: float
    fund_transfer_out_share: float
    fund_carry_forward_ratio: float
    fund_projects_base: float
    premium_per_contributor: float
    contributor_coverage: float
    benefit: float
    upper_share: float
    remitted_share: float


_BAND = {name: i for i, name in enumerate(STOCK_BANDS)}
_DRIVER_BANDS = {"residents": ("total",), "pupils": ("age_6_14", "age_15_17"), "elderly": ("age_65_plus",),
                 "retirement_age": ("retirement_age_male", "retirement_age_female"),
                 "working_age": ("working_age_male", "working_age_female")}


def _drivers(bands: np.ndarray) -> dict[str, np.ndarray]:
    out = {}
    for name, parts in _DRIVER_BANDS.items():
        value = bands[..., _BAND[parts[0]]]
        out[name] = value + bands[..., _BAND[parts[1]]] if len(parts) == 2 else value
    return out


def drivers_from_bands(stocks: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
    """The budget's populations from stock bands ``(..., n_units, len(STOCK_BANDS))`` (one year,
    or every year): unit series ``(..., n_units)`` and city series ``(...)`` (unit bands summed
    once, then combined)."""
    return {"unit": _drivers(stocks), "city": _drivers(stocks.sum(axis=-2))}


def city_drivers(pop: PopulationResult) -> dict[str, dict[str, np.ndarray]]:
    """City and unit populations used by the budget, (n_paths, n_years[, n_units])."""
    return drivers_from_bands(pop.stocks)


def staff_retire_shares(schedule: RetirementSchedule, years: np.ndarray) -> np.ndarray:
    """Share of active staff of each group and age (1 January) retiring during each year:
    ``(n_years, 6, N_STAFF_AGES)``. Women civil servants and institution staff follow the cadre
    rule, women off-quota staff the worker rule."""
    rules = schedule.rules
    out = np.zeros((len(years), len(STAFF_GROUPS), N_STAFF_AGES))
    yrs = np.append(years, years[-1] + 1)
    for g, name in enumerate(STAFF_GROUPS):
        if name.endswith("_m"):
            rule = rules["male"]
        else:
            rule = rules["female_worker"] if name.startswith("off_quota") else rules["female_cadre"]
        share = retired_share(RetirementSchedule({"male": rule, "female_cadre": rule, "female_worker": rule}, 1.0),
                              yrs, N_STAFF_AGES)[:, 0]
        now, nxt = share[:-1], share[1:]
        crossed = np.zeros_like(now)
        crossed[:, :-1] = nxt[:, 1:] - now[:, :-1]
        active = 1.0 - now
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, g] = np.where(active > 0, np.clip(crossed / np.where(active > 0, active, 1.0), 0, 1), 1.0)
    return out


def check_earmarked_spent(base: BaseAccounts, p: FinanceParams, special0, capital, services, new_general0) -> None:
    """The base year's earmarked money (special transfers, new bonds, 结转 brought in) must fit
    its uses and the 结转 carried out, or the published accounts contradict the earmarking."""
    earmarked = special0 + new_general0 + (1 - p.carry_forward_free_share) * base.carry_over_in
    carried = (1 - p.carry_forward_free_share) * base.carry_forward
    if np.any(earmarked - carried > capital + services + 1.0):
        raise CalibrationError("earmarked resources (special transfers, new general bonds and 结转) exceed capital "
                               "and service spending in the base year; lower finance.transfer_share_special or "
                               "raise finance.carry_forward_free_share")


def initial_staff(p: FinanceParams, base_population: np.ndarray, schedule: RetirementSchedule,
                  base_year: int) -> np.ndarray:
    """Staff by group and age at the base year's 1 January, ``(1|n_paths, 6, N_STAFF_AGES)``.

    Headcount = staff per 1,000 residents (fixed or per path) × population, split by category
    shares. Within a category the age-sex structure mirrors the city's population aged 22 and
    over not yet past the category's retirement age (women: cadre rule, off-quota: worker rule).
    """
    city = base_population.sum(axis=0)[:, :N_STAFF_AGES]  # (2, ages)
    year = np.array([base_year])
    retired_cadre = retired_share(RetirementSchedule(schedule.rules, 1.0), year, N_STAFF_AGES)[0]
    retired_worker = retired_share(RetirementSchedule(schedule.rules, 0.0), year, N_STAFF_AGES)[0]
    per_head = np.zeros((len(STAFF_GROUPS), N_STAFF_AGES))
    for c, share in enumerate(p.staff_category_shares):
        retired = retired_worker if STAFF_GROUPS[2 * c].startswith("off_quota") else retired_cadre
        structure = city * (1.0 - retired)
        structure[:, :22] = 0.0
        per_head[2 * c : 2 * c + 2] = share * structure / structure.sum()
    total = np.asarray(p.staff_per_1000, dtype=float) * base_population.sum() / 1000.0
    return np.reshape(total, (-1, 1, 1)) * per_head


def split_social_security(p: FinanceParams, social: float) -> tuple:
    """The social-security function net of the fiscal subsidy to social insurance, split into
    government retirees' pensions, 低保 and welfare for the elderly by the scenario's shares."""
    sp, db = np.asarray(p.staff_pension_share, dtype=float), np.asarray(p.dibao_share, dtype=float)
    if np.any(sp + db > 1.0):
        raise CalibrationError("finance.staff_pension_share and finance.dibao_share sum to more than one")
    return sp * social, db * social, (1.0 - sp - db) * social


def calibrate(base: BaseAccounts, p: FinanceParams, drivers0: dict[str, float], n_units: int,
              interest0: float, lgfv_support_due0: np.ndarray, special_due0: float, special_interest0: float,
              staff0: float, new_special0: float, employment0: float, new_general0: np.ndarray) -> Calibration:
    """Coefficients that make the base year reproduce ``base`` (see module docstring)."""
    E = base.expenditure
    T = base.transfers_from_upper
    _, _, s_ret = p.transfer_shares
    s_sp = np.asarray(p.transfer_share_special, dtype=float)
    s_eq = 1.0 - s_sp - s_ret
    if np.any(s_eq <= 0):
        raise CalibrationError("the special-transfer and tax-return shares leave no equalisation transfer")
    eq0 = s_eq * T
    w = np.asarray(p.need_weights)
    pops = np.array([drivers0["residents"], drivers0["pupils"], drivers0["elderly"]])
    unit_costs = w * E / pops
    need0 = float((unit_costs * pops).sum())
    if need0 <= base.own_revenue:
        raise CalibrationError("standard need must exceed own revenue in the base year")
    personnel = p.personnel_share * E
    social = base.social_security_expenditure - base.si_fiscal_subsidy
    if social < 0:
        raise CalibrationError("social-security expenditure is smaller than the fiscal subsidy to social insurance")
    pensions0, dibao0, welfare0 = split_social_security(p, social)
    elderly = pensions0 + dibao0 + welfare0  # the function's spending net of the subsidy
    education = p.education_services_share * E
    residents = p.resident_services_share * E
    capital = p.capital_share * E
    overhead = p.overhead_per_unit * n_units
    explained = personnel + base.si_fiscal_subsidy + elderly + education + residents + overhead + interest0 + capital
    if np.any(explained > E):
        raise CalibrationError(
            f"the expenditure assumptions explain {np.max(explained) / 1e4:,.0f} 万元, more than the base "
            f"year's {E / 1e4:,.0f} 万元; lower the expenditure shares or the unit overhead"
        )
    # LGFV support ranks after 三保, interest and committed capital: the base year paid what the
    # published expenditure leaves room for (the waterfall's answer); the rest was unpaid.
    lgfv_paid0 = np.minimum(lgfv_support_due0, E - explained)
    other = E - explained - lgfv_paid0
    check_earmarked_spent(base, p, s_sp * T, capital, education + residents + welfare0 + dibao0, new_general0)
    land_costs = p.land_cost_share * base.land_revenue
    projects = base.fund_expenditure - land_costs - special_interest0 - special_due0
    if np.any(projects < 0):
        raise CalibrationError("fund expenditure is smaller than land costs and special-debt service")
    retirees0 = p.retiree_coverage * drivers0["retirement_age"]
    contributors0 = p.contributors_per_retiree * retirees0
    return Calibration(
        nontax=base.own_revenue - base.tax_revenue,
        need_unit_costs=unit_costs,
        equalisation_coefficient=eq0 / (need0 - base.own_revenue),
        special_transfer=s_sp * T,
        special_share=s_sp,
        tax_returns=s_ret * T,
        personnel=personnel,
        cost_per_staff=personnel / staff0,
        education_per_pupil=education / drivers0["pupils"],
        residents_per_person=residents / drivers0["residents"],
        elderly_per_person=welfare0 / drivers0["elderly"],
        staff_pension_per_retiree=pensions0 / (np.asarray(p.retired_staff_per_staff) * staff0),
        dibao_per_resident=dibao0 / drivers0["residents"],
        retired_staff0=np.asarray(p.retired_staff_per_staff) * staff0,
        basic_capacity0=base.own_revenue + eq0 + s_ret * T,
        standard_need0=need0,
        capital=capital,
        other=other,
        lgfv_paid0=lgfv_paid0,
        lgfv_unpaid0=lgfv_support_due0 - lgfv_paid0,
        remittance_share=base.remittance_up / base.own_revenue,
        carry_forward_ratio=base.carry_forward / E,
        land_costs_share=p.land_cost_share,
        fund_transfer_out_share=base.fund_transfer_out / base.land_revenue,
        fund_carry_forward_ratio=base.fund_carry_forward / base.fund_expenditure,
        fund_projects_base=projects - new_special0,
        premium_per_contributor=base.si_premiums / contributors0,
        contributor_coverage=contributors0 / employment0,
        benefit=base.si_benefits / retirees0,
        upper_share=base.si_upper_subsidy / (base.si_upper_subsidy + base.si_fiscal_subsidy),
        remitted_share=base.si_remitted_up / base.si_premiums,
    )
