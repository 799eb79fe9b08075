"""Single-year demographic schedules built from the WPP 2024 tables of a country (China by
default; see :data:`fiscalsim.refdata.WPP_COUNTRIES`).

* Mortality: abridged ``mₓ`` of the five-year periods, graduated to single years (cumulative-hazard
  PCHIP) and interpolated log-linearly between period midpoints (period ``2020-2025`` is centred on
  2022.5; calendar year ``t`` on ``t + 0.5``).
* Lee-Carter improvement: ``log mₓ(t) = log mₓ(t₀) − bₓ·kₜ`` with ``bₓ`` the WPP medium variant's
  decline of ``log mₓ`` between two years, normalised so that its mean over ages and sexes is one
  (``kₜ`` is then the mean decline of log mortality), and the drift of ``kₜ`` that decline per year.
* Fertility: WPP percent-ASFR pattern graduated to single ages 10 … 54 (shares summing to one).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fiscalsim import refdata
from fiscalsim.demography.graduation import graduate_rates, graduate_shares

N_AGES = 101  # 0 … 99 and the open group 100+


def _period_midpoints(country: str) -> tuple[list[str], np.ndarray]:
    periods = refdata.wpp_mx_periods(country)
    mids = np.array([int(p[:4]) + 2.5 for p in periods])
    return periods, mids


def wpp_mx_single(year: float, country: str = "china") -> np.ndarray:
    """WPP single-year ``mₓ`` of ``country`` for calendar year ``year``: ``(2, 101)``."""
    periods, mids = _period_midpoints(country)
    t = float(year) + 0.5
    if t <= mids[0]:
        lo = hi = 0
        w = 0.0
    elif t >= mids[-1]:
        lo = hi = len(mids) - 1
        w = 0.0
    else:
        hi = int(np.searchsorted(mids, t))
        lo = hi - 1
        w = (t - mids[lo]) / (mids[hi] - mids[lo])
    m_lo = graduate_rates(refdata.WPP_MX_AGES, refdata.wpp_mx_abridged(periods[lo], country), N_AGES - 1)
    m_hi = graduate_rates(refdata.WPP_MX_AGES, refdata.wpp_mx_abridged(periods[hi], country), N_AGES - 1)
    return np.exp((1.0 - w) * np.log(m_lo) + w * np.log(m_hi))


@dataclass(frozen=True)
class LeeCarter:
    """Mortality improvement ``log mₓ(t) = log mₓ(t₀) − bₓ·kₜ``.

    bx : ndarray (2, 101), mean one over ages and sexes.
    drift : float, expected annual increase of ``kₜ`` (mean decline of log ``mₓ`` per year).
    """

    bx: np.ndarray
    drift: float


def lee_carter_from_wpp(from_year: int, to_year: int, country: str = "china") -> LeeCarter:
    """``bₓ`` and drift from the WPP decline of ``log mₓ`` (``country``) between two calendar years."""
    if to_year <= from_year:
        raise ValueError("to_year must be after from_year")
    decline = np.log(wpp_mx_single(from_year, country)) - np.log(wpp_mx_single(to_year, country))
    mean = decline.mean()
    if mean <= 0:
        raise ValueError("WPP mortality does not decline between those years")
    return LeeCarter(bx=decline / mean, drift=float(mean / (to_year - from_year)))


def wpp_fertility_pattern(year: int, country: str = "china") -> np.ndarray:
    """Single-year share of TFR by age of mother (101,), summing to one, WPP ``country`` ``year``."""
    return graduate_shares(refdata.WPP_ASFR_AGES, refdata.wpp_percent_asfr(year, country), N_AGES - 1)


def implied_tfr(births: float, women: np.ndarray, pattern: np.ndarray) -> float:
    """TFR that makes ``Σ TFR·patternₓ·Wₓ`` equal ``births`` (women ``(101,)`` by single age)."""
    exposure = float(np.dot(women, pattern))
    return births / exposure
