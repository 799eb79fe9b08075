"""The year loop of the public-finance model (see :mod:`fiscalsim.finance.model`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fiscalsim.arrays import at, rows
from fiscalsim.demography.retirement import RetirementSchedule
from fiscalsim.demography.step import resolve_engine
from fiscalsim.economy import EconomyPath
from fiscalsim.finance.debt import Ladder
from fiscalsim.finance.inputs import BaseAccounts, FinanceParams, PolicyLevers
from fiscalsim.finance.liquidity import GeneralArrears
from fiscalsim.finance.model import (
    CalibrationError,
    calibrate,
    initial_staff,
    staff_retire_shares,
)
from fiscalsim.finance.steps import FinanceSetup, FinanceState, YearInputs
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


def setup_finance(fi: FinanceInputs, x0: YearInputs, shocks: FinanceShocks, years: np.ndarray,
                  n_units: int) -> tuple[FinanceSetup, FinanceState]:
    """The debt register and staff at the base year's 1 January, and the calibration that makes
    the base year reproduce the published accounts (see :mod:`fiscalsim.finance.model`)."""
    base, p = fi.base, fi.params
    n_paths = x0.residents.shape[0]
    table_years = [int(np.flatnonzero(t.principal).max()) + 1 for t in p.maturity_tables.values()]
    n_buckets = max(p.general_years, p.special_years, int(np.ceil(np.max(p.lgfv_years))),
                    int(np.max(p.refinancing_maturity)), int(np.max(p.new_bond_maturity)), *table_years) + 1
    g_end = base.debt_end * p.general_share_of_debt
    g_start = g_end - base.bond_revenue + base.bond_principal_repaid
    s_change = base.debt_change - (g_end - g_start)
    s_start = base.debt_end - g_end - s_change
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
    g_new0 = np.asarray(base.bond_revenue - at(p.refinancing_share_bonds, 0) * base.bond_principal_repaid, dtype=float)
    s_new0 = np.asarray(base.fund_bond_proceeds - at(p.refinancing_share_bonds, 0) * s_due0, dtype=float)
    if np.any(g_new0 < 0) or np.any(s_new0 < 0):
        raise CalibrationError("base-year bond revenue is smaller than the refinancing it implies")
    lg_support0 = ((1 - p.lgfv_own_cash_share) * LG.interest_due()
                   + (1 - at(p.refinancing_share_lgfv, 0)) * LG.balance[:, 0])
    staff = np.broadcast_to(initial_staff(p, fi.base_population, fi.retirement, int(years[0])),
                            (n_paths, 6, 81)).copy()
    d0 = {"residents": float(x0.residents[0]), "pupils": float(x0.pupils[0]), "elderly": float(x0.elderly[0]),
          "retirement_age": float(x0.retirement_age[0])}
    cal = calibrate(base, p, d0, n_units, interest0=float(G.interest_due()[0]), lgfv_support_due0=lg_support0,
                    special_due0=s_due0, special_interest0=float(S.interest_due()[0]),
                    staff0=staff.sum(axis=(1, 2)), new_special0=s_new0, employment0=x0.employment,
                    new_general0=g_new0)
    indexation = rows(p.benefit_indexation).copy()
    indexation[:, 0] = 0.0
    staff0 = staff.sum(axis=(1, 2))
    su = FinanceSetup(base, p, cal, p.levers if p.levers is not None else PolicyLevers.neutral(len(years), n_units),
                      np.asarray(years), staff_retire_shares(fi.retirement, years),
                      np.cumprod(1.0 + indexation, axis=-1), rows(p.market_rate) + rate_dev, g_new0, s_new0,
                      fi.base_population.sum(axis=(1, 2)) / fi.base_population.sum(), x0.residents, x0.pupils,
                      x0.elderly, x0.employment, staff0,
                      None if p.upper_revenue_growth is None else growth_index(p.upper_revenue_growth),
                      np.ones((1, len(years))) if p.tax_returns_growth is None else growth_index(p.tax_returns_growth),
                      fi.restructuring_rule, fi.triggers_from, resolve_engine())
    free = np.asarray(p.carry_forward_free_share, dtype=float)
    zero = np.zeros(n_paths)
    st = FinanceState(G, S, LG, staff, np.ones(n_paths), staff0.copy(), cal.retired_staff0 * np.ones(n_paths),
                      np.full(n_paths, base.si_balance_start),
                      np.full(n_paths, p.stabilisation_balance_end + base.stabilisation_drawn
                              - base.stabilisation_paid_in),
                      free * base.carry_over_in * np.ones(n_paths), (1 - free) * base.carry_over_in * np.ones(n_paths),
                      np.full(n_paths, base.fund_carry_over_in), GeneralArrears(zero, zero, zero, zero), zero, zero,
                      zero, zero, np.zeros(n_paths, dtype=bool), np.zeros(n_paths, dtype=int), np.full(n_paths, -1))
    return su, st


def growth_index(rates: np.ndarray) -> np.ndarray:
    """``(1|n_paths, n_years)`` index, one in the base year, growing at ``rates`` into each later year."""
    g = rows(rates).copy()
    g[:, 0] = 0.0
    return np.cumprod(1.0 + g, axis=-1)


def year_inputs(drivers: dict, econ: EconomyPath, t: int) -> YearInputs:
    """Year ``t``'s inputs from whole-horizon drivers (:func:`~fiscalsim.finance.model.city_drivers`)
    and economy."""
    year = {level: {name: v[:, t] for name, v in series.items()} for level, series in drivers.items()}
    return inputs_of_year(year, econ.year(t), t)


def inputs_of_year(drivers: dict, econ, t: int) -> YearInputs:
    """Year ``t``'s inputs from one year's drivers (:func:`~fiscalsim.finance.model.drivers_from_bands`)
    and economy (:data:`~fiscalsim.economy.EconomyYear`)."""
    city, unit = drivers["city"], drivers["unit"]
    return YearInputs(t, city["residents"], city["pupils"], city["elderly"], city["retirement_age"],
                      unit["residents"], unit["pupils"], unit["elderly"], econ.employment, econ.job_gap,
                      econ.wage_index, econ.wage_growth, econ.price_index, econ.coal_index,
                      econ.construction_index, econ.land_price_index)
