"""Single-year period life tables and the survival ratios of the cohort-component method.

Conventions (UN Population Division, *Methods of the World Population Prospects*):

* ages ``0 … ω`` with ``ω`` the open group (``ω = 100`` by default, i.e. 100+);
* ``qₓ = mₓ / (1 + (1 − aₓ) mₓ)`` for closed ages, ``q_ω = 1``;
* ``Lₓ = lₓ₊₁ + aₓ dₓ`` for closed ages and ``L_ω = l_ω / m_ω`` for the open group;
* ``a₀`` from Andreev & Kingkade (2015), ``aₓ = 0.5`` at ages 1 … ω−1.

All functions broadcast over leading axes; the last axis is age.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MALE, FEMALE = 0, 1
SEXES = ("male", "female")


def infant_ax(m0: np.ndarray, sex: int) -> np.ndarray:
    """Average years lived in the first year by infants who die, ``a₀``.

    Andreev & Kingkade (2015), "Average age at death in infancy and infant mortality level:
    reconsidering the Coale-Demeny formulas", Demographic Research 33(13), table 3 (single-year
    life tables, segmented on ``m₀``).

    Parameters
    ----------
    m0 : ndarray, deaths per person-year at age 0
    sex : 0 (male) or 1 (female)
    """
    m0 = np.asarray(m0, dtype=float)
    if sex == MALE:
        return np.where(
            m0 < 0.02300, 0.14929 - 1.99545 * m0, np.where(m0 < 0.08307, 0.02832 + 3.26201 * m0, 0.29915)
        )
    return np.where(
        m0 < 0.01724, 0.14903 - 2.05527 * m0, np.where(m0 < 0.06891, 0.04667 + 3.88089 * m0, 0.31411)
    )


def default_ax(mx: np.ndarray) -> np.ndarray:
    """``aₓ`` for a ``(..., 2, n_ages)`` array of single-year rates: ``a₀`` by sex, 0.5 above."""
    ax = np.full(mx.shape, 0.5)
    ax[..., MALE, 0] = infant_ax(mx[..., MALE, 0], MALE)
    ax[..., FEMALE, 0] = infant_ax(mx[..., FEMALE, 0], FEMALE)
    return ax


@dataclass(frozen=True)
class LifeTable:
    """A period life table; every array has the shape of ``mx`` (last axis = age 0 … ω).

    ``lx`` has radix 1; ``Lx`` and ``Tx`` are person-years per birth; ``ex`` years.
    """

    mx: np.ndarray
    ax: np.ndarray
    qx: np.ndarray
    lx: np.ndarray
    dx: np.ndarray
    Lx: np.ndarray
    Tx: np.ndarray

    @property
    def ex(self) -> np.ndarray:
        return self.Tx / self.lx

    @property
    def e0(self) -> np.ndarray:
        return self.Tx[..., 0]


def life_table(mx: np.ndarray, ax: np.ndarray) -> LifeTable:
    """Build a single-year life table from central death rates.

    Parameters
    ----------
    mx : ndarray (..., n_ages), deaths per person-year; the last age is open.
    ax : ndarray (..., n_ages), years lived in the interval by those who die in it (closed ages;
        the open group's value is ignored because ``L_ω = l_ω / m_ω``).
    """
    mx = np.asarray(mx, dtype=float)
    if np.any(mx <= 0) or not np.all(np.isfinite(mx)):
        raise ValueError("death rates must be positive and finite")
    qx = mx / (1.0 + (1.0 - ax) * mx)
    qx = np.minimum(qx, 1.0)
    qx[..., -1] = 1.0
    px = 1.0 - qx
    lx = np.empty_like(mx)
    lx[..., 0] = 1.0
    np.cumprod(px[..., :-1], axis=-1, out=lx[..., 1:])
    dx = lx * qx
    Lx = np.empty_like(mx)
    Lx[..., :-1] = lx[..., 1:] + ax[..., :-1] * dx[..., :-1]
    Lx[..., -1] = lx[..., -1] / mx[..., -1]
    Tx = np.cumsum(Lx[..., ::-1], axis=-1)[..., ::-1]
    return LifeTable(mx=mx, ax=ax, qx=qx, lx=lx, dx=dx, Lx=Lx, Tx=Tx)


def survival_ratios(Lx: np.ndarray, Tx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cohort survival ratios of the one-year cohort-component step.

    Returns
    -------
    cohort : ndarray (..., n_ages), the share of those aged ``x`` at 1 January still alive (aged
        ``x+1``) a year later: ``Lₓ₊₁ / Lₓ`` for ``x < ω−1`` and ``T_ω / T_{ω−1}`` for the two
        oldest cohorts, which both end in the open group.
    birth : ndarray (...), survival of the year's births to 1 January: ``L₀ / l₀``.
    """
    cohort = np.empty_like(Lx)
    cohort[..., :-2] = Lx[..., 1:-1] / Lx[..., :-2]
    open_ratio = Tx[..., -1] / Tx[..., -2]
    cohort[..., -2] = open_ratio
    cohort[..., -1] = open_ratio
    return cohort, Lx[..., 0]


def stationary_tail_shares(lt: LifeTable, start_age: int) -> np.ndarray:
    """Shares of a stationary population aged ``start_age``+ by single age (open group last).

    Used to split the census open group (85+) into single years up to 100+: the shares are
    ``Lₓ / T_start`` for ``x = start … ω−1`` and ``T_ω / T_start`` for the open group.
    """
    L = lt.Lx[..., start_age:].copy()
    return L / lt.Tx[..., start_age : start_age + 1]


def cohort_survival_fast(mx: np.ndarray, a0: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Survival ratios and e₀ of :func:`life_table` + :func:`survival_ratios`, in closed form.

    With ``aₓ = ½`` above age 0, ``Lₓ = lₓ/(1 + mₓ/2)`` and ``pₓ = (1 − mₓ/2)/(1 + mₓ/2)``, so
    ``Sₓ = Lₓ₊₁/Lₓ = (1 − mₓ/2)/(1 + mₓ₊₁/2)`` for ``1 ≤ x ≤ ω−2`` — no cumulative products.
    Age 0 uses ``a₀``; the two oldest cohorts ``T_ω/T_{ω−1}`` with ``L_ω = l_ω/m_ω``. Identical to
    the general route (a test checks) while every ``mₓ < 2``, and several times faster.

    mx : (..., n_ages); a0 : (...,). Returns cohort survival (..., n_ages), birth survival
    ``L₀`` (...,) and e₀ (...,).
    """
    half = 0.5 * mx
    one_plus = 1.0 + half
    q0 = mx[..., 0] / (1.0 + (1.0 - a0) * mx[..., 0])
    L0 = 1.0 - (1.0 - a0) * q0
    p = (1.0 - half) / one_plus  # pₓ for x ≥ 1 (closed ages)
    S = np.empty_like(mx)
    S[..., 1:-2] = (1.0 - half[..., 1:-2]) / one_plus[..., 2:-1]
    L1 = (1.0 - q0) / one_plus[..., 1]
    S[..., 0] = L1 / L0
    # Open group: L_{ω−1} = l_{ω−1}/(1 + m/2), L_ω = l_{ω−1}·p_{ω−1}/m_ω.
    L_last_closed = 1.0 / one_plus[..., -2]
    L_open = p[..., -2] / mx[..., -1]
    S[..., -2] = L_open / (L_last_closed + L_open)
    S[..., -1] = S[..., -2]
    # e₀ = Σ Lₓ with lₓ = (1 − q₀)·Π p.
    lx = np.empty_like(mx)
    lx[..., 0] = 1.0
    lx[..., 1] = 1.0 - q0
    np.cumprod(p[..., 1:-1], axis=-1, out=lx[..., 2:])
    lx[..., 2:] *= lx[..., 1:2]
    e0 = L0 + (lx[..., 1:-1] / one_plus[..., 1:-1]).sum(axis=-1) + lx[..., -1] / mx[..., -1]
    return S, L0, e0
