"""One year of the cohort-component projection for a block of paths: the per-year step.

``year_step(state, rates, weights)`` takes the population at 1 January of year ``t``
(:class:`CohortState`), that year's per-path rates (:class:`StepRates`: survival, fertility,
migration) and the year's band weights (:class:`BandWeights`), moves the state in place to
1 January of ``t+1`` and returns the year's :class:`StepOutput`: the stock bands at 1 January of
``t`` and the flows during ``t`` (births, deaths, net migrants, ``emigration_capped``, new
retirees), per path and unit. A year loop calls it once per year — :func:`project
<fiscalsim.demography.projector.project>` does, and so can a coupled demography → economy →
books step.

The arithmetic is that of :func:`fiscalsim.demography.ccmpp.ccmpp_step`. The population is held by
**cohort** in a ring buffer: slot ``j`` holds age ``(j + offset) mod 101``, so ageing is a change of
``offset`` and the step reads and writes each cell once, in place.

Two engines compute the step with the same results (to rounding: see ``docs/performance.md``):

* ``numba`` — one compiled pass per block (:mod:`fiscalsim.demography.numba_kernels`); the
  default when numba is importable (``pip install -e ".[fast]"``);
* ``numpy`` — the pure-NumPy fallback: one in-place multiply per year plus batched products for
  the sums.

The environment variable ``FISCALSIM_ENGINE`` (``numpy`` or ``numba``) chooses one; functions
that take ``engine=`` use it when given. Within one engine results are bitwise identical for any
chunking of paths.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

import numpy as np

log = logging.getLogger(__name__)

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

ENGINE_ENV = "FISCALSIM_ENGINE"
ENGINES = ("numba", "numpy")


@lru_cache(maxsize=1)
def numba_kernels() -> ModuleType | None:
    """The compiled kernels, or None where numba cannot be imported (imported once per process)."""
    try:
        from fiscalsim.demography import numba_kernels as kernels
    except ImportError as exc:  # numba missing or incompatible with this NumPy
        log.debug("numba engine unavailable: %s", exc)
        return None
    return kernels


def resolve_engine(engine: str | None = None) -> str:
    """The engine to use: ``engine`` if given, else ``$FISCALSIM_ENGINE``, else ``numba`` when it
    can be imported and ``numpy`` otherwise. Asking for ``numba`` without it is an error."""
    chosen = engine or os.environ.get(ENGINE_ENV) or None
    if chosen is None:
        return "numba" if numba_kernels() is not None else "numpy"
    chosen = chosen.strip().lower()
    if chosen not in ENGINES:
        raise ValueError(f"unknown engine {chosen!r} (from {ENGINE_ENV} or engine=): expected one of {ENGINES}")
    if chosen == "numba" and numba_kernels() is None:
        raise ValueError('engine "numba" asked for, but numba cannot be imported: pip install -e ".[fast]"')
    return chosen


@dataclass
class CohortState:
    """Population of a block of paths at 1 January, held by cohort.

    cohorts : ndarray (n_paths, n_units, 2, n_ages) persons, C-contiguous float64; slot ``j``
        holds age ``(j + offset) mod n_ages``.
    offset : int, advanced by one each year.
    """

    cohorts: np.ndarray
    offset: int = 0

    @classmethod
    def from_population(cls, population: np.ndarray, n_paths: int | None = None) -> CohortState:
        """A state holding ``population`` (by age; ``(n_units, 2, n_ages)`` is broadcast to
        ``n_paths`` paths)."""
        pop = np.asarray(population, dtype=float)
        if n_paths is not None:
            pop = np.broadcast_to(pop, (n_paths,) + pop.shape[-3:])
        return cls(np.array(pop, dtype=float, order="C"), 0)

    def by_age(self, out: np.ndarray | None = None) -> np.ndarray:
        """(n_paths, n_units, 2, n_ages) persons by single age: a new array, or written into
        ``out``; an ``out`` with one unit receives the sum of the units (the city)."""
        cohorts = self.cohorts
        if out is not None and out.shape[1] == 1 < cohorts.shape[1]:
            cohorts = cohorts.sum(axis=1, keepdims=True)
        if out is None:
            out = np.empty_like(cohorts)
        n_ages = cohorts.shape[-1]
        k = self.offset % n_ages  # age a sits in slot (a − offset) mod n_ages
        out[..., k:] = cohorts[..., :n_ages - k]
        out[..., :k] = cohorts[..., n_ages - k:]
        return out

    def to_slots(self, by_age: np.ndarray, axis: int = -1) -> np.ndarray:
        """An array indexed by age along ``axis`` re-indexed by slot."""
        return np.roll(by_age, -self.offset, axis=axis)


@dataclass(frozen=True)
class StepRates:
    """One year's demographic rates for a block of paths.

    survival : (n_paths, 2, n_ages) cohort survival ``Sₓ`` by age at 1 January.
    birth_survival : (n_paths, 2) survival of the year's births to 1 January, ``L₀/l₀``.
    asfr : (n_paths, n_ages) births per woman-year by age of mother; zero at age 0 and at the
        open age.
    male_birth_share : (n_paths,) (or a float for all paths) ``srb / (1 + srb)``.
    migration_rate : (n_paths, n_units|1) net migrants per person-year at intensity one.
    migration_intensity : (2, n_ages) ``g`` by age at 1 January.
    """

    survival: np.ndarray
    birth_survival: np.ndarray
    asfr: np.ndarray
    male_birth_share: np.ndarray
    migration_rate: np.ndarray
    migration_intensity: np.ndarray


@dataclass(frozen=True)
class BandWeights:
    """Weights of one year's bands, by age.

    stock : (2, n_ages, len(STOCK_BANDS)) applied to the 1 January population of the year.
    new_retirees : (2, n_ages) applied to the survivors and migrants of each cohort by its age at
        the start: the share of the cohort that crosses retirement age during the year.
    """

    stock: np.ndarray
    new_retirees: np.ndarray


@dataclass
class StepOutput:
    """stocks : (n_paths, n_units, len(STOCK_BANDS)) persons at 1 January of the year;
    flows : (n_paths, n_units, len(FLOW_BANDS)) persons during it."""

    stocks: np.ndarray
    flows: np.ndarray


def band_weights(retired: np.ndarray, working_age_min: int) -> np.ndarray:
    """Stock-band weights ``(..., 2, n_ages, len(STOCK_BANDS))``.

    retired : (..., 2, n_ages) share of each cohort past retirement age at 1 January.
    """
    W = np.zeros(retired.shape + (len(STOCK_BANDS),))
    col = {name: i for i, name in enumerate(STOCK_BANDS)}
    W[..., col["total"]] = 1.0
    W[..., 0, :, col["male"]] = 1.0
    W[..., 1, :, col["female"]] = 1.0
    for name, lo, hi in (("age_0_2", 0, 3), ("age_3_5", 3, 6), ("age_6_14", 6, 15), ("age_15_17", 15, 18)):
        W[..., lo:hi, col[name]] = 1.0
    for s, sex in enumerate(("male", "female")):
        W[..., s, working_age_min:, col[f"working_age_{sex}"]] = 1.0 - retired[..., s, working_age_min:]
        W[..., s, :, col[f"retirement_age_{sex}"]] = retired[..., s, :]
    W[..., 65:, col["age_65_plus"]] = 1.0
    W[..., 80:, col["age_80_plus"]] = 1.0
    W[..., 1, 15:50, col["women_15_49"]] = 1.0
    return W


def new_retiree_weights(retired_now: np.ndarray, retired_next: np.ndarray) -> np.ndarray:
    """Weights ``(..., 2, n_ages)`` by age at the start of the year: of the cohort aged ``x``, the
    share ``max(share_{t+1}[x+1] − share_t[x], 0)`` crosses retirement age during the year (the
    two oldest cohorts both end in the open group, whose share they take)."""
    crossed = np.zeros(retired_now.shape)
    crossed[..., 1:] = np.maximum(retired_next[..., 1:] - retired_now[..., :-1], 0.0)
    by_start_age = np.empty_like(crossed)
    by_start_age[..., :-1] = crossed[..., 1:]
    by_start_age[..., -1] = crossed[..., -1]
    return by_start_age


def year_step(state: CohortState, rates: StepRates, weights: BandWeights, engine: str | None = None,
              out: StepOutput | None = None) -> StepOutput:
    """Advance ``state`` (in place) from 1 January of year ``t`` to ``t+1``; return the year's bands.

    With ``out`` (arrays of the shapes of :class:`StepOutput`, e.g. views of a larger result) the
    bands are written there.
    """
    n_paths, n_units, _, _ = state.cohorts.shape
    if out is None:
        out = StepOutput(np.empty((n_paths, n_units, len(STOCK_BANDS))), np.empty((n_paths, n_units, len(FLOW_BANDS))))
    if resolve_engine(engine) == "numba":
        _compiled_step(state, rates, weights, out)
    else:
        _numpy_step(state, rates, weights, out)
    state.offset = (state.offset + 1) % state.cohorts.shape[-1]
    return out


def _f64(x: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(x, dtype=np.float64)


def _per_path(x: np.ndarray | float, n_paths: int) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return np.full(n_paths, float(x)) if x.ndim == 0 else np.ascontiguousarray(x)


def _compiled_step(state: CohortState, rates: StepRates, weights: BandWeights, out: StepOutput) -> None:
    # The kernel writes the bands straight into ``out`` (views of a larger result are fine: numba
    # compiles one version per memory layout and caches it).
    n_paths = state.cohorts.shape[0]
    numba_kernels().cohort_year(
        state.cohorts, state.offset, _f64(rates.survival), _f64(rates.birth_survival), _f64(rates.asfr),
        _per_path(rates.male_birth_share, n_paths), _f64(rates.migration_rate),
        _f64(rates.migration_intensity), _f64(weights.stock), _f64(weights.new_retirees), out.stocks, out.flows)


#: Rows of :func:`cohort_sum_columns` per sex: [1, S, g, g·h, S·c, g·h·c] (``c``: new retirees).
SEX_ROWS = ((0, 1, 2, 3, 10, 11), (0, 4, 5, 6, 12, 13))
BIRTH_ROWS = (7, 8, 9)


def cohort_sum_columns(S: np.ndarray, g: np.ndarray, asfr: np.ndarray, crossed: np.ndarray) -> np.ndarray:
    """Per-path weights whose product with a start-of-year population gives a step's sums.

    S : (P, 2, A) cohort survival; g : (2, A) migration intensity; asfr : (P, A); crossed : (2, A)
    new-retiree weights; all indexed alike along their last axis (ages, or ring slots). ``asfr``
    of the next age is taken cyclically, so it must be zero at age 0 (and slots must follow ages
    in order). Returns X : (P, 14, A), rows ``1``; ``S, g, g·h`` for men; the same for women; the
    births weights ``fₓ/2``, ``fₓ₊₁·Sₓ/2``, ``fₓ₊₁·gₓhₓ/2`` (women only: the end-of-year women aged
    ``x+1`` are the cohort aged ``x`` at the start times ``S + r·g·h``); ``S·c, g·h·c`` for men and
    for women (new retirees). See :data:`SEX_ROWS` and :data:`BIRTH_ROWS`.
    """
    X = np.empty((S.shape[0], 14, S.shape[-1]))
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
    np.multiply(X[:, 1], crossed[0], out=X[:, 10])
    np.multiply(X[:, 3], crossed[0], out=X[:, 11])
    np.multiply(X[:, 4], crossed[1], out=X[:, 12])
    np.multiply(X[:, 6], crossed[1], out=X[:, 13])
    return X


def _numpy_step(state: CohortState, rates: StepRates, weights: BandWeights, out: StepOutput) -> None:
    """The step in NumPy: bands by one product, sums by a batched product, one in-place multiply."""
    ring = state.cohorts
    n_paths, n_units, _, A = ring.shape
    W = state.to_slots(weights.stock, 1).reshape(2 * A, -1)
    out.stocks[...] = (ring.reshape(n_paths * n_units, 2 * A) @ W).reshape(n_paths, n_units, -1)

    S_slots = state.to_slots(rates.survival)
    crossed = state.to_slots(weights.new_retirees)
    X = cohort_sum_columns(S_slots, state.to_slots(rates.migration_intensity), state.to_slots(rates.asfr), crossed)
    sums = np.matmul(ring.reshape(n_paths, n_units * 2, A), X.transpose(0, 2, 1))
    sums = sums.reshape(n_paths, n_units, 2, -1)
    by_sex = np.stack([sums[:, :, s, list(SEX_ROWS[s])] for s in range(2)], axis=2)
    start, survivors, at_risk, kept, retire_surv, retire_mig = (by_sex[..., i] for i in range(6))
    births_start, births_surv, births_mig = (sums[:, :, 1, c] for c in BIRTH_ROWS)
    rate = rates.migration_rate  # (P, U|1): a rate common to all units keeps F at (P, 1, 2, A)
    # Survival and migration factor of every cohort, in slot order: F = S + r·g·h.
    F = rate[:, :, None, None] * X[:, None, (3, 6), :]
    F += S_slots[:, None]
    capped = np.zeros((n_paths, n_units, 2))
    rr = rate[:, :, None]
    migrants = rr * at_risk
    migrants_kept = rr * kept
    retirees = retire_surv + rr * retire_mig
    negative = bool(F.min() < 0.0)
    if negative:
        F_capped = np.maximum(F, 0.0)
        delta = ring * (F_capped - F)
        capped = (delta / (0.5 * (1.0 + S_slots))[:, None]).sum(axis=-1)
        migrants = migrants + capped
        migrants_kept = migrants_kept + delta.sum(axis=-1)
        retirees = retirees + (delta * crossed).sum(axis=-1)
        F = F_capped
    ring *= F
    births_total = births_start + births_surv + rr[..., 0] * births_mig
    if negative:  # end-of-year women from the capped state
        end = np.roll(ring, state.offset + 1, axis=-1)[..., 1, :]
        births_total = births_start + 0.5 * (end[..., 1:] * rates.asfr[:, None, 1:]).sum(-1)
    male_share = _per_path(rates.male_birth_share, n_paths)[:, None]
    births = np.stack([births_total * male_share, births_total * (1.0 - male_share)], axis=-1)
    Sb = rates.birth_survival[:, None, :]
    # Rotate: the open group absorbs the cohort turning ω; its old slot takes the newborns.
    s_open = (A - 1 - state.offset) % A
    s_prev = (s_open - 1) % A
    ring[..., s_prev] += ring[..., s_open]
    ring[..., s_open] = births * Sb
    deaths = start - survivors + births * (1.0 - Sb) + (migrants - migrants_kept)
    flows = out.flows
    flows[..., 0] = births.sum(-1)
    flows[..., 1] = deaths.sum(-1)
    flows[..., 2] = migrants.sum(-1)
    flows[..., 3] = capped.sum(-1)
    flows[..., 4:6] = retirees
