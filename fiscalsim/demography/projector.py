"""Stochastic multi-unit cohort-component projection.

All randomness arrives as standard-normal innovations (:class:`DemographyShocks`) drawn in the
sampling stage; this module is deterministic given them. Three processes:

* fertility: ``log TFRₜ = log TFR*ₜ + zₜ``, ``zₜ = φ zₜ₋₁ + σ εₜ``, ``z`` zero before the base year;
* mortality: ``kₜ = drift·(t − t₀) + σ Σ εₛ`` (random walk with drift), ``mₓ(t) = mₓ(t₀)·exp(−bₓ kₜ)``;
* migration: crude rate ``rₜ = r*ₜ + uₜ``, ``uₜ = φ uₜ₋₁ + σ εₜ`` (common to all units).

Setting every σ to zero gives the deterministic projection exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fiscalsim.arrays import ar1_filter, at, col, rows
from fiscalsim.demography.lifetable import cohort_survival_fast, default_ax
from fiscalsim.demography.retirement import RetirementSchedule, retired_share
from fiscalsim.demography.schedules import N_AGES
from fiscalsim.demography.step import (
    FLOW_BANDS,
    STOCK_BANDS,
    BandWeights,
    CohortState,
    StepOutput,
    StepRates,
    band_weights,
    new_retiree_weights,
    numba_kernels,
    resolve_engine,
    year_step,
)

__all__ = ["AR1", "FERTILE", "FLOW_BANDS", "STOCK_BANDS", "DemographyInputs", "DemographyPlan", "DemographyShocks",
           "PopulationResult", "normalise_intensity", "project", "realised_processes"]

FERTILE = slice(10, 55)


@dataclass(frozen=True)
class AR1:
    """``xₜ = φ xₜ₋₁ + σ εₜ`` with ``x`` zero before the first year."""

    phi: float = 0.0
    sigma: float = 0.0

    def path(self, innovations: np.ndarray) -> np.ndarray:
        """innovations (n_paths, n_years) standard normal → process values, same shape.

        The base year (column 0) is data: its innovation is ignored, so the process is zero there
        on every path. ``sigma`` may be drawn per path (``(n_paths,)``); ``phi`` is fixed.
        """
        sigma = np.asarray(self.sigma, dtype=float)
        if not np.any(sigma):
            return np.zeros_like(innovations)
        eps = innovations.copy()
        eps[:, 0] = 0.0
        return col(sigma) * ar1_filter(eps, self.phi)


@dataclass(frozen=True)
class DemographyInputs:
    """Everything the projection needs apart from the random innovations.

    base_population : (n_units, 2, 101) persons at 1 January of ``years[0]``.
    mx_base : (n_units|1, 2, 101) local death rates of the base year.
    lc_bx : (2, 101); lc_drift, lc_sigma : per year, on the ``kₜ`` scale.
    tfr_target : (n_years,) children per woman; tfr_process on the log scale.
    fertility_pattern : (n_years, 101) shares of TFR by age of mother, each row sums to one.
    srb : (n_years,) males per female at birth.
    migration_rate_target : (n_units, n_years) net migrants per person-year at the base-year age
        structure (the crude rate the intensity reproduces on the base population).
    migration_intensity : (2, 101) relative age-sex intensity ``g`` by age at the start of the
        year, normalised so that ``Σ g·P_base = Σ P_base`` over all units (see
        :func:`normalise_intensity`).
    """

    unit_names: tuple[str, ...]
    years: np.ndarray
    base_population: np.ndarray
    mx_base: np.ndarray
    lc_bx: np.ndarray
    lc_drift: float
    lc_sigma: float
    tfr_target: np.ndarray
    tfr_process: AR1
    fertility_pattern: np.ndarray
    srb: np.ndarray
    migration_rate_target: np.ndarray
    migration_process: AR1
    migration_intensity: np.ndarray
    retirement: RetirementSchedule
    working_age_min: int = 16

    @property
    def n_units(self) -> int:
        return len(self.unit_names)

    @property
    def n_years(self) -> int:
        return len(self.years)


@dataclass(frozen=True)
class DemographyShocks:
    """Standard-normal innovations, each ``(n_paths, n_years)``."""

    tfr: np.ndarray
    mortality: np.ndarray
    migration: np.ndarray

    @property
    def n_paths(self) -> int:
        return self.tfr.shape[0]

    @classmethod
    def zeros(cls, n_paths: int, n_years: int) -> DemographyShocks:
        z = np.zeros((n_paths, n_years))
        return cls(z, z, z)


@dataclass
class PopulationResult:
    """Projection output.

    stocks : (n_paths, n_years, n_units, len(STOCK_BANDS)) persons at 1 January of each year.
    flows : (n_paths, n_years, n_units, len(FLOW_BANDS)) persons during each year.
    tfr, mortality_k, migration_rate : (n_paths, n_years) realised processes
        (migration_rate per unit: (n_paths, n_years, n_units)).
    e0 : (n_paths, n_years, 2) period life expectancy at birth.
    full : (n_paths, len(full_years), n_units, 2, 101) population by single age at 1 January of
        the years asked for (``full_years``), else None; with one unit (``city_full``) the sum of
        the units, the city (what a Monte Carlo run keeps for its pyramid).
    """

    years: np.ndarray
    unit_names: tuple[str, ...]
    stocks: np.ndarray
    flows: np.ndarray
    tfr: np.ndarray
    mortality_k: np.ndarray
    migration_rate: np.ndarray
    e0: np.ndarray
    full: np.ndarray | None = field(default=None)
    full_years: tuple[int, ...] = ()

    PATH_ARRAYS = ("stocks", "flows", "tfr", "mortality_k", "migration_rate", "e0", "full")

    @classmethod
    def empty(cls, n_paths: int, years: np.ndarray, unit_names: tuple[str, ...],
              full_years: tuple[int, ...] = (), city_full: bool = False) -> PopulationResult:
        """An unfilled result for ``n_paths`` paths (kernels write into its :meth:`rows`); the
        population by age at ``full_years`` by unit, or for the city alone (``city_full``)."""
        n_years, n_units = len(years), len(unit_names)
        return cls(
            years=np.asarray(years), unit_names=tuple(unit_names),
            stocks=np.empty((n_paths, n_years, n_units, len(STOCK_BANDS))),
            flows=np.empty((n_paths, n_years, n_units, len(FLOW_BANDS))),
            tfr=np.empty((n_paths, n_years)), mortality_k=np.empty((n_paths, n_years)),
            migration_rate=np.empty((n_paths, n_years, n_units)), e0=np.empty((n_paths, n_years, 2)),
            full=np.empty((n_paths, len(full_years), 1 if city_full else n_units, 2, N_AGES)) if full_years else None,
            full_years=tuple(int(y) for y in full_years),
        )

    def rows(self, start: int, stop: int) -> PopulationResult:
        """Views of paths ``start … stop−1``."""
        views = {n: (None if getattr(self, n) is None else getattr(self, n)[start:stop]) for n in self.PATH_ARRAYS}
        return PopulationResult(years=self.years, unit_names=self.unit_names, full_years=self.full_years, **views)

    def stock(self, name: str) -> np.ndarray:
        """(n_paths, n_years, n_units) persons."""
        return self.stocks[..., STOCK_BANDS.index(name)]

    def flow(self, name: str) -> np.ndarray:
        """(n_paths, n_years, n_units) persons."""
        return self.flows[..., FLOW_BANDS.index(name)]


def normalise_intensity(shape: np.ndarray, base_population: np.ndarray) -> np.ndarray:
    """Scale an age-sex intensity ``(2, 101)`` so that ``Σ g·P = Σ P`` on ``base_population``
    ``(..., 2, 101)``: then a rate ``r`` yields ``r·N`` net migrants on the base structure."""
    pop = base_population.reshape(-1, 2, N_AGES).sum(axis=0)
    weighted = float((shape * pop).sum())
    if weighted == 0.0 or not np.isfinite(weighted):
        raise ValueError("migration intensity has zero weight on the base population")
    return shape * (pop.sum() / weighted)


def realised_processes(inputs: DemographyInputs, shocks: DemographyShocks) -> tuple[np.ndarray, ...]:
    """TFR (n_paths, n_years), Lee-Carter k (n_paths, n_years), migration rate (n_paths, n_years, n_units)."""
    tfr = rows(inputs.tfr_target) * np.exp(inputs.tfr_process.path(shocks.tfr))
    steps = np.arange(inputs.n_years, dtype=float)
    sigma = col(inputs.lc_sigma)
    k = col(inputs.lc_drift) * steps[None, :] + sigma * np.cumsum(shocks.mortality, axis=1)
    # k is zero in the base year: the base schedule is the base year's.
    k = k - (sigma * shocks.mortality[:, :1])
    target = np.asarray(inputs.migration_rate_target)  # (n_units, n_years) or (n_paths, n_units, n_years)
    target = target.T[None] if target.ndim == 2 else target.transpose(0, 2, 1)
    mig = target + inputs.migration_process.path(shocks.migration)[:, :, None]
    return tfr, k, mig




@dataclass(frozen=True)
class DemographyPlan:
    """The year-independent part of a projection for a block of paths, prepared once; its
    :meth:`rates` and :meth:`step` are called once per year by a year loop (:func:`project`, or a
    coupled demography → economy → books step, which may change a year's rates before stepping).

    tfr, mortality_k : (n_paths, n_years); migration_rate : (n_paths, n_years, n_units).
    stock_weights : (n_years, 2, 101, len(STOCK_BANDS)); retiree_weights : (n_years, 2, 101).
    """

    inputs: DemographyInputs
    engine: str
    tfr: np.ndarray
    mortality_k: np.ndarray
    migration_rate: np.ndarray
    stock_weights: np.ndarray
    retiree_weights: np.ndarray
    log_mx_base: np.ndarray  # (2, 101)
    a0: np.ndarray  # (2,): a₀ of the base schedule, by sex
    common_rate: bool  # one migration rate for all units: the step's factor stays (n_paths, 1, 2, 101)

    @classmethod
    def prepare(cls, inputs: DemographyInputs, shocks: DemographyShocks, engine: str | None = None) -> DemographyPlan:
        if np.shape(inputs.mx_base)[0] != 1:
            raise NotImplementedError("unit-specific mortality levels are not supported yet")
        tfr, k, mig_rate = realised_processes(inputs, shocks)
        years = np.asarray(inputs.years)
        retired = retired_share(inputs.retirement, np.append(years, years[-1] + 1), N_AGES)
        target = np.asarray(inputs.migration_rate_target)
        return cls(
            inputs=inputs, engine=resolve_engine(engine), tfr=tfr, mortality_k=k, migration_rate=mig_rate,
            stock_weights=band_weights(retired[:-1], inputs.working_age_min),
            retiree_weights=new_retiree_weights(retired[:-1], retired[1:]),
            log_mx_base=np.log(inputs.mx_base[0]), a0=default_ax(inputs.mx_base[0])[:, 0],
            common_rate=bool(np.all(target == target[..., :1, :])),
        )

    @property
    def n_paths(self) -> int:
        return self.tfr.shape[0]

    def start(self) -> CohortState:
        """The base population at 1 January of ``years[0]`` on every path."""
        return CohortState.from_population(self.inputs.base_population, self.n_paths)

    def rates(self, t: int) -> tuple[StepRates, np.ndarray]:
        """Year ``t``'s rates and the period life expectancy at birth e₀ (n_paths, 2)."""
        inputs = self.inputs
        if self.engine == "numba":
            n = self.n_paths
            kernels = numba_kernels()
            mx = np.empty((n, 2, N_AGES))  # deaths per person-year
            kernels.death_rates(np.ascontiguousarray(self.mortality_k[:, t]), inputs.lc_bx, self.log_mx_base, mx)
            S, Sb, e0 = np.empty((n, 2, N_AGES)), np.empty((n, 2)), np.empty((n, 2))
            kernels.cohort_survival(mx, self.a0, S, Sb, e0)
        else:
            mx = np.multiply(inputs.lc_bx, -self.mortality_k[:, t, None, None])  # log mₓ(t) − log mₓ(t₀)
            mx += self.log_mx_base
            np.exp(mx, out=mx)  # (n_paths, 2, 101) deaths per person-year
            S, Sb, e0 = cohort_survival_fast(mx, self.a0)
        srb = np.asarray(at(inputs.srb, t), dtype=float)
        male_share = srb / (1.0 + srb)
        rates = StepRates(
            survival=S, birth_survival=Sb, asfr=self.tfr[:, t, None] * inputs.fertility_pattern[t],
            male_birth_share=np.full(self.n_paths, float(male_share)) if male_share.ndim == 0 else male_share,
            migration_rate=self.migration_rate[:, t, :1] if self.common_rate else self.migration_rate[:, t, :],
            migration_intensity=inputs.migration_intensity,
        )
        return rates, e0

    def weights(self, t: int) -> BandWeights:
        return BandWeights(self.stock_weights[t], self.retiree_weights[t])

    def step(self, state: CohortState, t: int, rates: StepRates | None = None,
             out: StepOutput | None = None) -> StepOutput:
        """Advance ``state`` from 1 January of year ``t`` to ``t+1`` (in place) with ``rates``
        (default: :meth:`rates`); return the year's stock and flow bands."""
        if rates is None:
            rates, _ = self.rates(t)
        return year_step(state, rates, self.weights(t), self.engine, out)


def project(inputs: DemographyInputs, shocks: DemographyShocks, full_years: tuple[int, ...] = (),
            out: PopulationResult | None = None, engine: str | None = None) -> PopulationResult:
    """Project the population over ``inputs.years``; vectorised over paths and units.

    The driver of the per-year step (:func:`fiscalsim.demography.step.year_step`): the loop over
    years is the only Python loop. Stocks are reported at 1 January of each year, flows during it.
    Population by single age is kept only for ``full_years`` (1 January of each; ``years[-1] + 1``
    gives the end of the projection). With ``out`` (a result whose arrays have this block's paths,
    e.g. views of a larger run's arrays) the result is written there and returned. ``engine``:
    ``numba`` or ``numpy`` (default: see :func:`fiscalsim.demography.step.resolve_engine`).
    """
    n_years = inputs.n_years
    keep = {int(y) - int(inputs.years[0]): i for i, y in enumerate(full_years)}
    if any(not 0 <= t <= n_years for t in keep):
        raise ValueError(f"full_years must lie in {inputs.years[0]}…{inputs.years[-1] + 1}")
    plan = DemographyPlan.prepare(inputs, shocks, engine)
    res = out if out is not None else PopulationResult.empty(plan.n_paths, inputs.years, inputs.unit_names,
                                                             full_years)
    state = plan.start()
    for t in range(n_years + 1):
        if t in keep:
            state.by_age(out=res.full[:, keep[t]])
        if t == n_years:
            break
        rates, res.e0[:, t] = plan.rates(t)
        plan.step(state, t, rates, out=StepOutput(res.stocks[:, t], res.flows[:, t]))
    res.tfr[...], res.mortality_k[...], res.migration_rate[...] = plan.tfr, plan.mortality_k, plan.migration_rate
    return res
