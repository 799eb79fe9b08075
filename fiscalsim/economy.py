"""The local economy, thin on purpose: employment, wages, the resource sector, housing and land.

All series are ``(n_paths, n_years)``, indices equal to one in the base year:

* employment = working-age population × participation × (1 − unemployment);
* nominal wage index grows at ``wage_growth + wage shock`` (AR(1) deviation);
* resource (coal) output declines on a depletion path ``(1 − depletion)ᵗ`` times a log-AR(1) shock;
* labour demand = base employment × [resource share × coal index + (1 − share) × population index];
  the **job gap** is labour supply (employment) minus demand: positive means workers without
  local jobs (a push for out-migration in later stages);
* housing: households = population / household size; new construction = replacement × stock +
  household growth (never negative); land price index = prices × population index^elasticity ×
  a log-AR(1) shock; land-sale revenue follows construction × land price (it collapses when the
  city shrinks).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from fiscalsim.arrays import col, rows
from fiscalsim.demography.projector import AR1


@dataclass(frozen=True)
class EconomyInputs:
    """Parameters (rates per year) and their shock processes."""

    participation_rate: float
    unemployment_rate: float
    wage_growth: np.ndarray  # (n_years,) nominal
    wage_process: AR1
    inflation: np.ndarray  # (n_years,)
    coal_depletion: float
    coal_process: AR1  # on the log level
    resource_employment_share: float
    household_size: float
    housing_replacement_rate: float
    land_price_population_elasticity: float
    land_price_process: AR1  # on the log level


@dataclass(frozen=True)
class EconomyShocks:
    wage: np.ndarray
    coal: np.ndarray
    land_price: np.ndarray


@dataclass(frozen=True)
class EconomyPath:
    """The economy's series, each ``(n_paths, n_years)`` over a horizon, or ``(n_paths,)`` for one
    year (:data:`EconomyYear`); indices are one in the base year."""

    employment: np.ndarray
    labour_demand: np.ndarray
    job_gap: np.ndarray
    wage_index: np.ndarray
    wage_growth: np.ndarray  # growth of the wage index into the year (zero in the base year)
    price_index: np.ndarray
    coal_index: np.ndarray
    population_index: np.ndarray
    households: np.ndarray
    construction_index: np.ndarray
    land_price_index: np.ndarray

    def year(self, t: int) -> EconomyPath:
        """Year ``t`` of a horizon's series."""
        return EconomyPath(**{f.name: getattr(self, f.name)[:, t] for f in fields(self)})


#: One year of the economy: the same series, each ``(n_paths,)``.
EconomyYear = EconomyPath


def _growth_index(rates: np.ndarray) -> np.ndarray:
    """Index with value one in the first year, growing at ``rates[..., t]`` into year t (t ≥ 1)."""
    g = np.zeros_like(rates)
    g[..., 1:] = rates[..., 1:]
    return np.cumprod(1.0 + g, axis=-1)


@dataclass(frozen=True)
class EconomyPlan:
    """The exogenous part of the economy for a block of paths, prepared once: wage, price and
    coal indices and the land-price shock (each ``(n_paths, n_years)``). The parts that depend on
    the population are computed year by year by :func:`economy_year`, so that a coupled loop can
    hand them this year's people."""

    inputs: EconomyInputs
    wage_index: np.ndarray
    price_index: np.ndarray
    coal_index: np.ndarray
    land_shock: np.ndarray  # exp of the log-AR(1) deviation

    @classmethod
    def prepare(cls, e: EconomyInputs, shocks: EconomyShocks) -> EconomyPlan:
        n_paths, n_years = shocks.wage.shape
        steps = np.arange(n_years)
        wage_dev = _after_base(e.wage_process.path(shocks.wage))
        price = np.broadcast_to(_growth_index(rows(e.inflation)), (n_paths, n_years))
        coal = (1.0 - col(e.coal_depletion)) ** steps[None, :] * np.exp(_after_base(e.coal_process.path(shocks.coal)))
        return cls(e, _growth_index(rows(e.wage_growth) + wage_dev), np.array(price), coal,
                   np.exp(_after_base(e.land_price_process.path(shocks.land_price))))


@dataclass
class EconomyState:
    """What the economy carries between years: base-year levels and last year's households."""

    employment0: np.ndarray
    population0: np.ndarray
    construction0: np.ndarray
    households: np.ndarray


def economy_base_year(plan: EconomyPlan, working_age: np.ndarray, population: np.ndarray) -> tuple[EconomyYear,
                                                                                                    EconomyState]:
    """The base year (indices one, no job gap) and the state it leaves."""
    e = plan.inputs
    employment = working_age * _v(e.participation_rate) * (1.0 - _v(e.unemployment_rate))
    households = population / _v(e.household_size)
    construction = _v(e.housing_replacement_rate) * households
    state = EconomyState(employment, population, construction, households)
    return economy_year(plan, state, 0, working_age, population), state


def economy_year(plan: EconomyPlan, state: EconomyState, t: int, working_age: np.ndarray,
                 population: np.ndarray) -> EconomyYear:
    """Year ``t`` of the economy from its people at 1 January (city working age and residents,
    ``(n_paths,)``): employment, labour demand and the job gap, housing and land prices. The same
    arithmetic as :func:`project_economy`, one year at a time; updates ``state``."""
    e = plan.inputs
    employment = working_age * _v(e.participation_rate) * (1.0 - _v(e.unemployment_rate))
    population_index = population / state.population0
    s = _v(e.resource_employment_share)
    labour_demand = state.employment0 * (s * plan.coal_index[:, t] + (1.0 - s) * population_index)
    households = population / _v(e.household_size)
    growth = np.maximum(households - state.households, 0.0) if t else np.zeros_like(households)
    construction = _v(e.housing_replacement_rate) * households + growth
    state.households = households
    land_price = (plan.price_index[:, t] * population_index ** _v(e.land_price_population_elasticity)
                  * plan.land_shock[:, t])
    wage = plan.wage_index[:, t]
    wage_growth = wage / plan.wage_index[:, t - 1] - 1.0 if t else np.zeros_like(wage)
    return EconomyYear(employment, labour_demand, employment - labour_demand, wage, wage_growth,
                       plan.price_index[:, t], plan.coal_index[:, t], population_index, households,
                       construction / state.construction0, land_price)


def _v(x) -> np.ndarray | float:
    """A parameter (a float, or drawn per path ``(n_paths,)``) against ``(n_paths,)`` series."""
    return np.asarray(x, dtype=float)


def _after_base(x: np.ndarray) -> np.ndarray:
    """Shocks start after the base year, which is calibrated to the accounts."""
    out = x.copy()
    out[:, 0] = 0.0
    return out


def project_economy(e: EconomyInputs, working_age: np.ndarray, population: np.ndarray,
                    shocks: EconomyShocks) -> EconomyPath:
    """The whole horizon at once (the stages-in-sequence reference of the coupled loop):
    :func:`economy_year` for each year of ``working_age`` and ``population`` ``(n_paths, n_years)``,
    persons (city) at 1 January."""
    plan = EconomyPlan.prepare(e, shocks)
    first, state = economy_base_year(plan, working_age[:, 0], population[:, 0])
    years = [first] + [economy_year(plan, state, t, working_age[:, t], population[:, t])
                       for t in range(1, population.shape[1])]
    return EconomyPath(**{f.name: np.stack([getattr(y, f.name) for y in years], axis=1) for f in fields(EconomyPath)})
