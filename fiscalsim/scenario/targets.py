"""Which scenario parameters may be uncertain, and where each drawn value goes in the model's
inputs: the explicit :data:`REGISTRY` (a distribution on any other parameter is a scenario error
that says why). Drawing the values is the simulation's business (:mod:`fiscalsim.simulate.sampling`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from fiscalsim.scenario.errors import Problems
from fiscalsim.scenario.schema import ParamValue
from fiscalsim.scenario.yamlio import ScenarioError


@dataclass(frozen=True)
class Target:
    """Where a drawn parameter goes: ``inputs`` (demography, economy or finance), a field (a
    dotted name reaches into a nested dataclass, e.g. ``tfr_process.sigma``), its shape
    (``scalar``: (n_paths,); ``series``: (n_paths, n_years); ``units_series``: the same for every
    unit, (n_paths, n_units, n_years)) and a factor applied to the draw."""

    inputs: str
    field: str
    shape: str = "scalar"
    factor: str | None = None  # name of a base-value attribute to multiply by


REGISTRY: dict[str, Target] = {
    "demography.fertility.tfr": Target("demography", "tfr_target", "series"),
    "demography.fertility.srb": Target("demography", "srb", "series"),
    "demography.fertility.ar1_sigma": Target("demography", "tfr_process.sigma"),
    "demography.mortality.drift_multiplier": Target("demography", "lc_drift", factor="lc_drift"),
    "demography.mortality.kt_sigma": Target("demography", "lc_sigma"),
    "demography.migration.rate": Target("demography", "migration_rate_target", "units_series"),
    "demography.migration.ar1_sigma": Target("demography", "migration_process.sigma"),
    "economy.participation_rate": Target("economy", "participation_rate"),
    "economy.unemployment_rate": Target("economy", "unemployment_rate"),
    "economy.wage_growth": Target("economy", "wage_growth", "series"),
    "economy.wage_ar1_sigma": Target("economy", "wage_process.sigma"),
    "economy.inflation": Target("economy", "inflation", "series"),
    "economy.coal_depletion": Target("economy", "coal_depletion"),
    "economy.coal_ar1_sigma": Target("economy", "coal_process.sigma"),
    "economy.resource_employment_share": Target("economy", "resource_employment_share"),
    "economy.household_size": Target("economy", "household_size"),
    "economy.housing_replacement_rate": Target("economy", "housing_replacement_rate"),
    "economy.land_price_population_elasticity": Target("economy", "land_price_population_elasticity"),
    "economy.land_ar1_sigma": Target("economy", "land_price_process.sigma"),
    "finance.resource_tax_share": Target("finance", "resource_tax_share"),
    "finance.personnel_share": Target("finance", "personnel_share"),
    "finance.education_services_share": Target("finance", "education_services_share"),
    "finance.resident_services_share": Target("finance", "resident_services_share"),
    "finance.capital_share": Target("finance", "capital_share"),
    "finance.overhead_per_unit": Target("finance", "overhead_per_unit"),
    "finance.land_cost_share": Target("finance", "land_cost_share"),
    "finance.provincial_substitute_share": Target("finance", "provincial_substitute_share", "series"),
    "finance.carry_forward_free_share": Target("finance", "carry_forward_free_share"),
    "finance.capital_floor_share": Target("finance", "capital_floor_share"),
    "finance.other_floor_share": Target("finance", "other_floor_share"),
    "finance.service_population_elasticity": Target("finance", "service_population_elasticity"),
    "finance.service_wage_elasticity": Target("finance", "service_wage_elasticity"),
    "finance.transfer_share_special": Target("finance", "transfer_share_special"),
    "debt.lgfv_years": Target("finance", "lgfv_years"),
    "debt.new_bond_quota_over_warning": Target("finance", "new_bond_quota_over_warning"),
    "pension.contributors_per_retiree": Target("finance", "contributors_per_retiree"),
    "pension.retiree_coverage": Target("finance", "retiree_coverage"),
    "pension.benefit_indexation": Target("finance", "benefit_indexation", "series"),
    "staffing.staff_per_1000": Target("finance", "staff_per_1000"),
    "staffing.hires_per_retirement": Target("finance", "hires_per_retirement", "series"),
    "debt.lgfv_debt": Target("finance", "lgfv_debt"),
    "debt.lgfv_spread": Target("finance", "lgfv_spread"),
    "debt.refinancing_share_bonds": Target("finance", "refinancing_share_bonds", "series"),
    "debt.refinancing_share_lgfv": Target("finance", "refinancing_share_lgfv", "series"),
    "debt.new_general_bonds": Target("finance", "new_general_bonds", "series"),
    "debt.new_special_bonds": Target("finance", "new_special_bonds", "series"),
    "debt.market_rate": Target("finance", "market_rate", "series"),
    "debt.market_rate_ar1_sigma": Target("finance", "market_rate_process.sigma"),
    "debt.lgfv_own_cash_share": Target("finance", "lgfv_own_cash_share"),
    "finance.staff_pension_share": Target("finance", "staff_pension_share"),
    "finance.dibao_share": Target("finance", "dibao_share"),
    "finance.retired_staff_per_staff": Target("finance", "retired_staff_per_staff"),
    "finance.retired_staff_exit_rate": Target("finance", "retired_staff_exit_rate"),
    "finance.upper_revenue_growth": Target("finance", "upper_revenue_growth", "series"),
    "finance.basic_capacity_floor": Target("finance", "basic_capacity_floor"),
    "finance.tax_returns_growth": Target("finance", "tax_returns_growth", "series"),
    "feedbacks.jobs_migration.leave_share": Target("feedbacks", "jobs_leave_share"),
    "feedbacks.austerity_migration.services_semi_elasticity": Target("feedbacks", "services_semi_elasticity"),
    "feedbacks.austerity_migration.arrears_semi_elasticity": Target("feedbacks", "arrears_semi_elasticity"),
    "feedbacks.establishment.adjustment": Target("finance", "establishment_adjustment"),
    # Japan's book set (books: japan): its parameters live where China's finance parameters do
    **{f"japan.{k}": Target("finance", k) for k in (
        "tax_wage_elasticity", "debt_service_in_need_share", "debt_in_need_share", "staff_attrition",
        "service_population_elasticity", "third_sector_debt", "third_sector_call_share",
        "third_sector_takeover_on_plan", "borrowing_limit", "enterprise_cost_population_elasticity",
        "enterprise_revenue_population_elasticity")},
    "japan.allocation_adjustment": Target("finance", "allocation_adjustment", "series"),
    **{f"japan.plan.{k}": Target("finance", f"plan.{k}") for k in (
        "tax_surcharge", "fee_rise", "staff_cut", "pay_cut", "service_cut", "capital_cut")},
}

#: Why the others cannot be drawn per path.
FIXED_REASONS = {
    "accounts": "base-year accounts are data",
    "demography.mortality.level_multiplier": "it shapes the base population and the migration estimate",
    "demography.migration.child_parent_ratio": "it shapes the migration age profile estimated once",
    "demography.retirement": "retirement ages are legislated schedules (compare alternatives as scenarios)",
    "demography.fertility.ar1_phi": "persistence parameters are fixed; make the innovation s.d. uncertain",
    "economy.wage_ar1_phi": "persistence parameters are fixed",
    "finance.transfer_share": "the transfer split must sum to one (the special share may be uncertain: "
                              "equalisation takes the rest)",
    "finance.need_weight": "the need weights must sum to one",
    "finance.stabilisation_balance_end": "it is a base-year balance",
    "staffing.share": "the staff category shares must sum to one",
}


@dataclass(frozen=True)
class Uncertain:
    key: str
    param: ParamValue
    target: Target


def collect_uncertain(settings: dict[str, Any], prefix: str = "") -> list[tuple[str, ParamValue]]:
    """Every uncertain parameter in validated settings, with its key path."""
    out = []
    for key, value in settings.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, ParamValue) and value.uncertain:
            out.append((path, value))
        elif isinstance(value, dict):
            out += collect_uncertain(value, path)
    return out


def resolve_uncertain(settings: dict[str, Any]) -> list[Uncertain]:
    """Check each uncertain parameter against the registry; raise every ScenarioError found."""
    result, problems = [], Problems()
    for key, param in collect_uncertain(settings):
        if key not in REGISTRY:
            reason = next((why for prefix, why in FIXED_REASONS.items() if key.startswith(prefix)),
                          "it enters the model only through its base-year value")
            problems.add(ScenarioError(f"this parameter cannot be uncertain: {reason}", key=key))
            continue
        result.append(Uncertain(key, param, REGISTRY[key]))
    problems.raise_if_any()
    return result


def correlation_cholesky(keys: list[str], pairs: list[tuple[str, str, float]]) -> np.ndarray:
    """Cholesky factor of the correlation matrix of ``keys`` given pairwise ``rho``."""
    idx = {k: i for i, k in enumerate(keys)}
    corr = np.eye(len(keys))
    for a, b, rho in pairs:
        corr[idx[a], idx[b]] = corr[idx[b], idx[a]] = rho
    try:
        return np.linalg.cholesky(corr)
    except np.linalg.LinAlgError:
        raise ScenarioError("the correlations do not form a valid (positive definite) correlation matrix",
                            key="uncertainty.correlations") from None
