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
from scipy.signal import lfilter

from fiscalsim.arrays import at, col, rows
from fiscalsim.demography.lifetable import cohort_survival_fast, default_ax
from fiscalsim.demography.retirement import RetirementSchedule, retired_share
from fiscalsim.demography.schedules import N_AGES

#: Population bands reported per path, year and unit (stocks at 1 January).
STOCK_BANDS = (
    "total",
    "male",
    "female",
    "age_0_2",
    "age_3_5",
    "age_6_14",
    "age_15_17",
    "working_age_male",
    "working_age_female",
    "retirement_age_male",
    "retirement_age_female",
    "age_65_plus",
    "age_80_plus",
    "women_15_49",
)
#: Flow bands per path, year and unit (during the year).
FLOW_BANDS = (
    "births",
    "deaths",
    "net_migrants",
    "emigration_capped",
    "new_retirees_male",
    "new_retirees_female",
)
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
        return col(sigma) * lfilter([1.0], [1.0, -self.phi], eps, axis=-1)


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
        the years asked for (``full_years``), else None.
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
              full_years: tuple[int, ...] = ()) -> PopulationResult:
        """An unfilled result for ``n_paths`` paths (kernels write into its :meth:`rows`)."""
        n_years, n_units = len(years), len(unit_names)
        return cls(
            years=np.asarray(years), unit_names=tuple(unit_names),
            stocks=np.empty((n_paths, n_years, n_units, len(STOCK_BANDS))),
            flows=np.empty((n_paths, n_years, n_units, len(FLOW_BANDS))),
            tfr=np.empty((n_paths, n_years)), mortality_k=np.empty((n_paths, n_years)),
            migration_rate=np.empty((n_paths, n_years, n_units)), e0=np.empty((n_paths, n_years, 2)),
            full=np.empty((n_paths, len(full_years), n_units, 2, N_AGES)) if full_years else None,
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


def band_weights(retired: np.ndarray, working_age_min: int) -> np.ndarray:
    """Weights ``(2·101, len(STOCK_BANDS))`` so that ``pop.reshape(-1, 202) @ W`` gives the bands.

    retired : (2, 101) share of each cohort past retirement age at 1 January.
    """
    W = np.zeros((2, N_AGES, len(STOCK_BANDS)))
    col = {name: i for i, name in enumerate(STOCK_BANDS)}
    W[:, :, col["total"]] = 1.0
    W[0, :, col["male"]] = 1.0
    W[1, :, col["female"]] = 1.0
    for name, lo, hi in (("age_0_2", 0, 3), ("age_3_5", 3, 6), ("age_6_14", 6, 15), ("age_15_17", 15, 18)):
        W[:, lo:hi, col[name]] = 1.0
    for s, sex in enumerate(("male", "female")):
        W[s, working_age_min:, col[f"working_age_{sex}"]] = 1.0 - retired[s, working_age_min:]
        W[s, :, col[f"retirement_age_{sex}"]] = retired[s]
    W[:, 65:, col["age_65_plus"]] = 1.0
    W[:, 80:, col["age_80_plus"]] = 1.0
    W[1, 15:50, col["women_15_49"]] = 1.0
    return W.reshape(2 * N_AGES, len(STOCK_BANDS))


def new_retiree_weights(retired_now: np.ndarray, retired_next: np.ndarray) -> np.ndarray:
    """Weights ``(2·101, 2)`` applied to the next 1 January population: the share of each cohort
    that crossed retirement age during the year, ``max(share_{t+1}[a] − share_t[a−1], 0)``."""
    W = np.zeros((2, N_AGES, 2))
    for s in range(2):
        crossed = np.zeros(N_AGES)
        crossed[1:] = np.maximum(retired_next[s, 1:] - retired_now[s, :-1], 0.0)
        W[s, :, s] = crossed
    return W.reshape(2 * N_AGES, 2)


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


#: Columns of :func:`cohort_sum_columns` used for each sex: [Σ P, Σ P·S, Σ P·g, Σ P·g·h].
SEX_COLUMNS = ((0, 1, 2, 3), (0, 4, 5, 6))
BIRTH_COLUMNS = (7, 8, 9)


def cohort_sum_columns(S: np.ndarray, g: np.ndarray, asfr: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Per-path weights whose product with a start-of-year population gives a step's sums.

    S : (P, 2, A) cohort survival; g : (2, A) migration intensity; asfr : (P, A); all indexed
    alike along their last axis (ages, or ring slots). ``asfr`` of the next age is taken
    cyclically, so it must be zero at the last age (and slots must follow ages in order).
    Returns X : (P, 10, A), rows ``1``; ``S, g, g·h`` for men; the same for women; and the births
    weights ``fₓ/2``, ``fₓ₊₁·Sₓ/2``, ``fₓ₊₁·gₓhₓ/2`` (women only: the end-of-year women aged ``x+1``
    are the cohort aged ``x`` at the start times ``S + r·g·h``). Rows of men use
    ``SEX_COLUMNS[0]``, rows of women ``SEX_COLUMNS[1]`` and ``BIRTH_COLUMNS``.
    """
    X = np.empty((S.shape[0], 10, S.shape[-1])) if out is None else out
    X[:, 0] = 1.0
    X[:, 1] = S[:, 0]
    X[:, 2] = g[0]
    np.multiply(g[0], 0.5 * (1.0 + S[:, 0]), out=X[:, 3])
    X[:, 4] = S[:, 1]
    X[:, 5] = g[1]
    np.multiply(g[1], 0.5 * (1.0 + S[:, 1]), out=X[:, 6])
    np.multiply(asfr, 0.5, out=X[:, 7])
    f_next = np.roll(X[:, 7], -1, axis=-1)
    np.multiply(f_next, S[:, 1], out=X[:, 8])
    np.multiply(f_next, X[:, 6], out=X[:, 9])
    return X


def project(inputs: DemographyInputs, shocks: DemographyShocks, full_years: tuple[int, ...] = (),
            out: PopulationResult | None = None) -> PopulationResult:
    """Project the population over ``inputs.years``; vectorised over paths and units.

    The arithmetic is that of :func:`fiscalsim.demography.ccmpp.ccmpp_step`. For speed the
    population is held by **cohort** in a ring buffer: slot ``j`` holds age ``(j + t) mod 101`` in
    step ``t``, so ageing is a rotation of the (small) per-age factors rather than a shifted copy
    of the (large) population, and one in-place multiply per year survives and migrates every
    cohort. Stocks are reported at 1 January of each year, flows during it; the loop over years
    is the only Python loop. Population by single age is kept only for ``full_years`` (1 January
    of each; ``years[-1] + 1`` gives the end of the projection). With ``out`` (a result whose
    arrays have this block's paths, e.g. views of a larger run's arrays) the result is written
    there and returned.
    """
    n_paths, n_years, n_units = shocks.n_paths, inputs.n_years, inputs.n_units
    A = N_AGES
    tfr, k, mig_rate = realised_processes(inputs, shocks)
    retired = retired_share(inputs.retirement, np.append(inputs.years, inputs.years[-1] + 1), A)

    # Year-major while filling (contiguous writes), paths-first on return.
    stocks = np.empty((n_years, n_paths, n_units, len(STOCK_BANDS)))
    flows = np.empty((n_years, n_paths, n_units, len(FLOW_BANDS)))
    e0 = np.empty((n_years, n_paths, 2))
    keep = {int(y) - int(inputs.years[0]): i for i, y in enumerate(full_years)}
    if any(not 0 <= t <= n_years for t in keep):
        raise ValueError(f"full_years must lie in {inputs.years[0]}…{inputs.years[-1] + 1}")
    full = np.empty((n_paths, len(keep), n_units, 2, A)) if keep else None

    ring = np.broadcast_to(inputs.base_population, (n_paths, n_units, 2, A)).copy()
    log_mx_base = np.log(inputs.mx_base)
    if log_mx_base.shape[0] != 1:
        raise NotImplementedError("unit-specific mortality levels are not supported yet")
    log_mx_base = log_mx_base[0]  # (2, A)
    a0 = default_ax(inputs.mx_base[0])[:, 0]  # (2,): a₀ of the base schedule, by sex
    g = inputs.migration_intensity
    # A rate common to all units keeps the survival-migration factor at (n_paths, 1, 2, A).
    target = np.asarray(inputs.migration_rate_target)
    common_rate = bool(np.all(target == target[..., :1, :]))
    X = np.empty((n_paths, 10, A))
    n_stock = len(STOCK_BANDS)
    W_retire = np.zeros((2, A, 2))  # new retirees of the previous year, weights by age
    for t in range(n_years + 1):
        shift = t % A  # slot j holds age (j + shift) mod A

        def to_slots(by_age: np.ndarray, axis: int) -> np.ndarray:
            return np.roll(by_age, -shift, axis=axis)  # noqa: B023 - used within this iteration

        # One product gives this year's stock bands and last year's new retirees.
        if t < n_years:
            W_stock = band_weights(retired[t], inputs.working_age_min).reshape(2, A, -1)
        else:
            W_stock = np.zeros((2, A, 0))
        W = to_slots(np.concatenate([W_stock, W_retire], axis=-1), 1).reshape(2 * A, -1)
        bands = (ring.reshape(n_paths * n_units, 2 * A) @ W).reshape(n_paths, n_units, -1)
        if t > 0:
            flows[t - 1, ..., 4:6] = bands[..., -2:]
        if t in keep:
            full[:, keep[t]] = np.roll(ring, shift, axis=-1)
        if t == n_years:
            break
        stocks[t] = bands[..., :n_stock]

        mx = np.exp(log_mx_base - inputs.lc_bx * k[:, t, None, None])  # (P, 2, A)
        S, Sb, e0[t] = cohort_survival_fast(mx, a0)
        asfr = tfr[:, t, None] * inputs.fertility_pattern[t]  # (P, A)
        rate = mig_rate[:, t, :1] if common_rate else mig_rate[:, t, :]  # (P, U|1)

        S_slots = to_slots(S, 2)
        cohort_sum_columns(S_slots, to_slots(g, 1), to_slots(asfr, 1), out=X)
        sums = np.matmul(ring.reshape(n_paths, n_units * 2, A), X.transpose(0, 2, 1))
        sums = sums.reshape(n_paths, n_units, 2, -1)
        by_sex = np.stack([sums[:, :, s, list(SEX_COLUMNS[s])] for s in range(2)], axis=2)
        start, survivors, at_risk, kept = (by_sex[..., i] for i in range(4))
        births_start, births_surv, births_mig = (sums[:, :, 1, c] for c in BIRTH_COLUMNS)
        # Survival and migration factor of every cohort, in slot order: F = S + r·g·h.
        F = rate[:, :, None, None] * X[:, None, (3, 6), :]
        F += S_slots[:, None]
        capped = np.zeros((n_paths, n_units, 2))
        rr = rate[:, :, None]
        migrants = rr * at_risk
        migrants_kept = rr * kept
        negative = bool(F.min() < 0.0)
        if negative:
            F_capped = np.maximum(F, 0.0)
            delta = ring * (F_capped - F)
            capped = (delta / (0.5 * (1.0 + S_slots))[:, None]).sum(axis=-1)
            migrants = migrants + capped
            migrants_kept = migrants_kept + delta.sum(axis=-1)
            F = F_capped
        ring *= F
        births_total = births_start + births_surv + rr[..., 0] * births_mig
        if negative:  # end-of-year women from the capped state
            end = np.roll(ring, shift + 1, axis=-1)[..., 1, :]
            births_total = births_start + 0.5 * (end[..., 1:] * asfr[:, None, 1:]).sum(-1)
        srb_t = col(at(inputs.srb, t))
        male_share = srb_t / (1.0 + srb_t)
        births = np.stack([births_total * male_share, births_total * (1.0 - male_share)], axis=-1)
        # Rotate: the open group absorbs the cohort turning ω; its old slot takes the newborns.
        s_open = (A - 1 - shift) % A
        s_prev = (s_open - 1) % A
        ring[..., s_prev] += ring[..., s_open]
        ring[..., s_open] = births * Sb[:, None, :]
        deaths = start - survivors + births * (1.0 - Sb[:, None, :]) + (migrants - migrants_kept)
        flows[t, ..., 0] = births.sum(-1)
        flows[t, ..., 1] = deaths.sum(-1)
        flows[t, ..., 2] = migrants.sum(-1)
        flows[t, ..., 3] = capped.sum(-1)
        # Next 1 January holds ages shifted by one more year: weights by age for it.
        W_retire = new_retiree_weights(retired[t], retired[t + 1]).reshape(2, A, 2)
    if out is not None:
        out.stocks[...] = stocks.transpose(1, 0, 2, 3)
        out.flows[...] = flows.transpose(1, 0, 2, 3)
        out.e0[...] = e0.transpose(1, 0, 2)
        out.tfr[...], out.mortality_k[...], out.migration_rate[...] = tfr, k, mig_rate
        if full is not None:
            out.full[...] = full
        return out
    return PopulationResult(
        years=np.asarray(inputs.years),
        unit_names=inputs.unit_names,
        stocks=np.ascontiguousarray(stocks.transpose(1, 0, 2, 3)),
        flows=np.ascontiguousarray(flows.transpose(1, 0, 2, 3)),
        tfr=tfr,
        mortality_k=k,
        migration_rate=mig_rate,
        e0=np.ascontiguousarray(e0.transpose(1, 0, 2)),
        full=full,
        full_years=tuple(int(y) for y in full_years),
    )
