"""The one-year cohort-component step (CCMPP), vectorised over paths and units.

Population is held at 1 January as ``pop : ndarray (n_paths, n_units, 2, n_ages)`` persons, sex 0
male, 1 female, ages ``0 … ω`` with ``ω`` open. One step moves it to the next 1 January:

* survivors: ``P'[x+1] = P[x] · Sₓ`` (``Sₓ = Lₓ₊₁/Lₓ``); the open group receives
  ``(P[ω−1] + P[ω]) · T_ω / T_{ω−1}``;
* net migrants of the cohort aged ``x`` at the start are ``Mₓ = r · gₓ · P[x]``: a net migration
  rate ``r`` (per path and unit) times an age-sex intensity ``g`` (mean one at the base-year age
  structure) times the population at risk. They move evenly over the year, so they are exposed
  to half of the cohort's mortality: ``Mₓ · hₓ`` with ``hₓ = (1 + Sₓ)/2`` of them are alive at the
  end. Births of the year do not migrate before their first 1 January;
* births from average female exposure over the year:
  ``B = Σₓ fₓ · (W_start[x] + W_end[x]) / 2`` with ``W_end`` the end-of-year women aged ``x``
  (survivors plus migrants), split by the sex ratio at birth ``srb`` (males per female) and
  survived to 1 January by ``L₀/l₀``;
* deaths are what leaves the cohorts through mortality — ``Σ P(1 − S) + B(1 − L₀) + Σ M(1 − h)`` —
  so that per unit, sex and path ``P(t+1) = P(t) + B − D + M`` (up to floating-point rounding).

Survival and migration combine into one factor per cell, ``F = S + r·g·h``. If net
out-migration would take more than a cell's survivors (``F < 0``), the cell is emptied, the
migrants actually leaving are reduced to what it held, and the shortfall is reported as
``emigration_capped`` (persons): never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class YearRates:
    """One year's demographic rates.

    cohort_survival : ndarray (n_paths|1, 1, 2, n_ages), ``Sₓ`` by age at start.
    birth_survival : ndarray (n_paths|1, 1, 2), ``L₀/l₀``.
    asfr : ndarray (n_paths|1, 1, n_ages), births per woman-year by age of mother.
    srb : float, males per female born.
    migration_rate : ndarray (n_paths, n_units|1), net migrants per person-year at intensity one.
    migration_intensity : ndarray (2, n_ages), ``g``, by age at the start of the year.
    """

    cohort_survival: np.ndarray
    birth_survival: np.ndarray
    asfr: np.ndarray
    srb: float
    migration_rate: np.ndarray
    migration_intensity: np.ndarray


@dataclass(frozen=True)
class StepFlows:
    """Flows of one year per path, unit and sex, ``(n_paths, n_units, 2)`` persons."""

    births: np.ndarray
    deaths: np.ndarray
    migrants: np.ndarray
    emigration_capped: np.ndarray


def ccmpp_step(pop: np.ndarray, rates: YearRates, fertile: slice) -> tuple[np.ndarray, StepFlows]:
    """Advance ``pop`` (n_paths, n_units, 2, n_ages) one year.

    Returns the next 1 January population (a new array) and the year's flows. ``fertile`` bounds
    the ages where ``asfr`` may be non-zero.
    """
    n_paths, n_units, _, n_ages = pop.shape
    S = rates.cohort_survival
    g = rates.migration_intensity
    gh = g * (0.5 * (1.0 + S))  # (P|1, 1, 2, A)
    r = rates.migration_rate[:, :, None, None]  # (P, U|1, 1, 1)
    F = r * gh
    F += S  # (P, U|1, 2, A): survival and migration of each cohort
    capped = np.zeros((n_paths, n_units, 2))
    negative = _factor_negative(S, gh, rates.migration_rate)
    if negative:
        np.maximum(F, 0.0, out=F)

    new = np.empty_like(pop)
    new[..., 0] = 0.0  # newborns are added once births are known
    np.multiply(pop[..., :-1], F[..., :-1], out=new[..., 1:])
    new[..., -1] += pop[..., -1] * F[..., -1]

    # One batched product gives, per path, unit and sex: Σ P, Σ P·S, Σ P·g and Σ P·g·h.
    n_cols = 4
    X = np.zeros((S.shape[0], 2, n_ages, 2, n_cols))
    for s in range(2):
        X[:, s, :, s, 0] = 1.0
        X[:, s, :, s, 1] = S[:, 0, s]
        X[:, s, :, s, 2] = g[s]
        X[:, s, :, s, 3] = gh[:, 0, s]
    X = X.reshape(S.shape[0], 2 * n_ages, 2 * n_cols)
    sums = np.matmul(pop.reshape(n_paths, n_units, 2 * n_ages), X).reshape(n_paths, n_units, 2, n_cols)
    start, survivors, at_risk, kept = (sums[..., i] for i in range(n_cols))
    rr = rates.migration_rate[:, :, None]
    migrants = rr * at_risk
    migrants_kept = rr * kept
    if negative:
        # Cells emptied by capping: the migrants who could not leave (before exposure), and the
        # extra survivors-and-migrants kept relative to the uncapped factor.
        delta = pop * (F - (S + r * gh))
        capped = (delta / (0.5 * (1.0 + S))).sum(axis=-1)
        migrants = migrants + capped
        migrants_kept = migrants_kept + delta.sum(axis=-1)

    women = 0.5 * (pop[..., 1, fertile] + new[..., 1, fertile])
    births_total = (women * rates.asfr[..., fertile]).sum(axis=-1)
    male_share = rates.srb / (1.0 + rates.srb)
    births = np.stack([births_total * male_share, births_total * (1.0 - male_share)], axis=-1)
    new[..., 0] = births * rates.birth_survival

    deaths = (
        start - survivors + births * (1.0 - rates.birth_survival) + (migrants - migrants_kept)
    )
    return new, StepFlows(births=births, deaths=deaths, migrants=migrants, emigration_capped=capped)


def _factor_negative(S: np.ndarray, gh: np.ndarray, rate: np.ndarray) -> bool:
    """Whether any ``F = S + r·g·h`` is negative, decided on the small per-path arrays.

    For ``g·h > 0``, ``F < 0`` iff ``r < −S/(g·h)``; for ``g·h < 0``, iff ``r > −S/(g·h)``.
    """
    n = S.shape[0]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        bound = -S / gh
    lo = np.where(gh > 0, bound, -np.inf).reshape(n, -1).max(axis=-1).reshape(n, 1)
    hi = np.where(gh < 0, bound, np.inf).reshape(n, -1).min(axis=-1).reshape(n, 1)
    return bool(np.any(rate < lo) or np.any(rate > hi))
