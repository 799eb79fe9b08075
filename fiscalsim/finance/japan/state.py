"""The set-up of a Japanese municipality's books: calibration to the base fiscal year's settled
accounts and the state (stocks) at that year's start.

Unknown splits are derived, never plugged silently: the stocks at the base year's start are the
year-end stocks less the year's own flows; debt service splits into interest (rate × debt) and
principal; what the listed expenditure lines leave of the total is services and other spending.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fiscalsim.finance.japan.inputs import JapanAccounts, JapanParams
from fiscalsim.finance.model import CalibrationError
from fiscalsim.finance.steps import YearInputs


class JapanCalibrationError(CalibrationError):
    """Base-year accounts that imply a negative stock or line (a calibration failure like China's,
    reported by ``validate`` with the scenario keys of :data:`~fiscalsim.finance.japan.outline.CALIBRATION_KEYS`)."""


@dataclass(frozen=True)
class JapanSetup:
    a: JapanAccounts
    p: JapanParams
    years: np.ndarray
    drivers0: dict  # residents, elderly, pupils, employment at the base year, (n_paths,)
    services0: float  # services and other spending of the base year (the residual line)
    need_base: float  # standard need of the base year less the debt service counted in it
    grant_ratio: float  # grants per yen of services
    bond_ratio: float  # new local bonds per yen of capital
    pay_per_staff0: float
    principal_share: float  # local-debt principal a year per yen outstanding
    enterprise_principal_share: float
    temporary_rate: float  # interest per yen of carried temporary borrowing
    unit_shares: np.ndarray  # (n_units,) residents' shares at the base year
    rule: object = None  # the rehabilitation plan's trigger
    triggers_from: int | None = None


@dataclass
class JapanState:
    """Stocks at the start of a fiscal year, (n_paths,) each."""

    staff: np.ndarray
    local_debt: np.ndarray
    enterprise_debt: np.ndarray
    rehabilitation_debt: np.ndarray
    rehabilitation_principal: np.ndarray  # yearly principal fixed at issuance
    third_sector_debt: np.ndarray
    deficit: np.ndarray  # general account's temporary borrowing carried into the year
    shortfall: np.ndarray  # enterprises' 資金不足
    arrears: np.ndarray  # mandatory spending unpaid
    surplus: np.ndarray  # carried forward
    plan_active: np.ndarray  # bool
    plan_start: np.ndarray  # int year index, −1 before
    fired_run: np.ndarray  # int
    staff_at_plan: np.ndarray  # headcount when the plan started
    deficit_at_plan: np.ndarray  # consolidated deficit when the plan started


def _start(end: float, flow: float, what: str) -> float:
    start = end - flow
    if start < -1e-6:
        raise JapanCalibrationError(f"{what}: the base year's own flow ({flow:,.0f} yen) exceeds the year-end "
                                    f"stock ({end:,.0f} yen), so the stock at the year's start would be negative")
    return max(start, 0.0)


def _debt_start(end: float, issued: float, service: float, rate: float) -> float:
    """Debt at the start of the year given its end, issuance and service (interest = rate × start)."""
    return (end - issued + service) / (1.0 + rate)


def japan_setup(fi, x0: YearInputs, shocks, years: np.ndarray, n_units: int) -> tuple[JapanSetup, JapanState]:
    """Calibrate to the base year and build the state at its start (see module docstring)."""
    a, p = fi.base, fi.params
    n_paths = x0.residents.shape[0]
    rate = p.debt_rate
    debt0 = _debt_start(a.local_debt_end, a.local_bond_proceeds, a.debt_service, rate)
    ent0 = _debt_start(a.enterprise_debt_end, 0.0, a.enterprise_debt_service, rate)
    ts0 = p.third_sector_debt / (1.0 - 1.0 / p.third_sector_years)
    third0 = p.third_sector_call_share * ts0 * (1.0 / p.third_sector_years + rate)
    services0 = a.expenditure - (a.personnel + a.debt_service + a.temporary_interest + a.transfer_to_enterprises
                                 + a.capital + third0)
    revenue0 = (a.local_tax + a.shared_taxes + a.allocation_tax_ordinary + a.allocation_tax_special + a.grants
                + a.other_revenue + a.local_bond_proceeds)
    deficit0 = _start(a.deficit_general_end, a.expenditure - revenue0, "general-account deficit")
    ent_gap = a.enterprise_cost + a.enterprise_debt_service - a.enterprise_revenue - a.transfer_to_enterprises
    shortfall0 = _start(a.shortfall_enterprises_end, ent_gap, "enterprise shortfall")
    checks = {"services and other spending (expenditure less its listed lines)": services0,
              "local debt at the base year's start": debt0, "enterprise debt at the base year's start": ent0,
              "local-debt principal of the base year": a.debt_service - rate * debt0,
              "enterprise-debt principal of the base year": a.enterprise_debt_service - rate * ent0}
    for what, value in checks.items():
        if np.any(np.asarray(value) < 0):
            raise JapanCalibrationError(f"{what} is negative ({float(np.min(value)):,.0f} yen); check the accounts")
    carried = deficit0 + shortfall0
    b0 = p.debt_service_in_need_share * a.debt_service
    standard_revenue0 = p.standard_revenue_share * a.local_tax + a.shared_taxes
    su = JapanSetup(
        a, p, np.asarray(years),
        {"residents": x0.residents, "elderly": x0.elderly, "pupils": x0.pupils, "employment": x0.employment},
        services0, a.allocation_tax_ordinary + standard_revenue0 - b0, a.grants / services0,
        a.local_bond_proceeds / a.capital if a.capital > 0 else 0.0, a.personnel / a.staff,
        (a.debt_service - rate * debt0) / debt0 if debt0 > 0 else 0.0,
        (a.enterprise_debt_service - rate * ent0) / ent0 if ent0 > 0 else 0.0,
        a.temporary_interest / carried if carried > 0 else 0.0,
        np.full(n_units, 1.0 / n_units), fi.restructuring_rule, fi.triggers_from)
    z = np.zeros(n_paths)

    def paths(v) -> np.ndarray:
        return np.broadcast_to(np.asarray(v, dtype=float), (n_paths,)).copy()

    st = JapanState(paths(a.staff), paths(debt0), paths(ent0), z.copy(), z.copy(), paths(ts0), paths(deficit0),
                    paths(shortfall0), z.copy(), z.copy(), np.zeros(n_paths, dtype=bool), np.full(n_paths, -1),
                    np.zeros(n_paths, dtype=int), paths(a.staff), z.copy())
    return su, st
