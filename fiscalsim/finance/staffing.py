"""Fiscally supported staff (财政供养人员) by category and single year of age.

``staff : (n_paths, n_categories, n_ages)`` persons at 1 January, ages ``0 … n_ages−1`` (only
working ages are populated). One year: everyone ages one year; those reaching retirement age
retire (share given by the retirement schedule); hires replace ``k`` per ``n`` retirements (or
another rule) entering at a fixed age. Wages and employer contributions give the personnel cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class StaffYear:
    """One year, per path and category ``(n_paths, n_categories)`` persons."""

    headcount_start: np.ndarray
    retirements: np.ndarray
    hires: np.ndarray
    layoffs: np.ndarray
    headcount_end: np.ndarray


def staffing_year(staff: np.ndarray, retire_share: np.ndarray, hires_per_retirement: np.ndarray,
                  entry_age: int, layoffs: np.ndarray | None = None,
                  headcount_cap: np.ndarray | None = None, engine: str = "numpy") -> tuple[np.ndarray, StaffYear]:
    """Age staff one year, retire and hire.

    staff : (n_paths, n_cat, n_ages) at 1 January.
    retire_share : (n_cat, n_ages) share of each age (at 1 January) that retires during the year
        (the cohort crosses retirement age).
    hires_per_retirement : (n_paths, n_cat), e.g. 1/3 for "one hire per three retirements".
    layoffs : (n_paths, n_cat) persons laid off (taken proportionally across ages), optional.
    headcount_cap : (n_paths,) the establishment: hires stop where they would lift the headcount
        above it (scaled down in every category alike); nobody is dismissed to meet it.
    engine : ``numba`` runs the compiled one-pass kernel (:mod:`fiscalsim.finance.numba_staffing`),
        ``numpy`` the array code below; they agree to rounding.
    Returns the staff at the next 1 January and the year's flows.
    """
    if engine == "numba":
        return _compiled_year(staff, retire_share, hires_per_retirement, entry_age, layoffs, headcount_cap)
    start = staff.sum(axis=-1)
    retiring = staff * retire_share
    stay = staff - retiring
    if layoffs is None:
        laid = np.zeros_like(start)
    else:
        laid = np.minimum(layoffs, stay.sum(axis=-1))
        remaining = stay.sum(axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            keep = np.where(remaining > 0, 1.0 - laid / np.where(remaining > 0, remaining, 1.0), 1.0)
        stay = stay * keep[..., None]
    retirements = retiring.sum(axis=-1)
    hires = hires_per_retirement * retirements
    if headcount_cap is not None:
        wanted = hires.sum(axis=-1)
        room = np.clip(headcount_cap - stay.sum(axis=(-2, -1)), 0.0, None)
        scale = np.where(wanted > room, room / np.where(wanted > 0, wanted, 1.0), 1.0)
        hires = hires * scale[:, None]
    nxt = np.zeros_like(staff)
    nxt[..., 1:] = stay[..., :-1]
    nxt[..., entry_age] += hires
    return nxt, StaffYear(start, retirements, hires, laid, nxt.sum(axis=-1))


def _compiled_year(staff, retire_share, hires_per_retirement, entry_age, layoffs, cap) -> tuple[np.ndarray, StaffYear]:
    from fiscalsim.finance.numba_staffing import staff_year

    n, n_cat, _ = staff.shape
    out = [np.empty((n, n_cat)) for _ in range(5)]
    nxt = np.empty_like(staff)
    staff_year(np.ascontiguousarray(staff), np.ascontiguousarray(retire_share, dtype=float),
               np.ascontiguousarray(np.broadcast_to(hires_per_retirement, (n, n_cat)), dtype=float), int(entry_age),
               np.zeros((0, n_cat)) if layoffs is None else np.ascontiguousarray(layoffs, dtype=float),
               np.zeros(0) if cap is None else np.ascontiguousarray(np.broadcast_to(cap, (n,)), dtype=float),
               nxt, *out)
    start, retirements, hires, laid, end = out
    return nxt, StaffYear(start, retirements, hires, laid, end)
