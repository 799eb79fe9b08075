"""Compiled kernels of the ``numba`` engine (imported only when that engine is used).

Each kernel is one pass over a block of paths, written plainly with loops; they compute what
:func:`fiscalsim.demography.step.year_step` (NumPy engine) and
:func:`fiscalsim.demography.lifetable.cohort_survival_fast` compute, in float64, with sums taken in
age order. Compiled once per machine (``cache=True`` keeps the machine code beside this file, or in
numba's user cache where that is read-only) and loaded once per process.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: Let LLVM reorder the sums over ages so that they vectorise: results stay deterministic (the
#: order is fixed by the compiled code, and each path is computed alone, so they do not depend on
#: chunking) and agree with the NumPy engine to rounding.
FASTMATH = {"reassoc", "contract"}


@njit(cache=True, fastmath=FASTMATH)
def cohort_year(cohorts, offset, survival, birth_survival, asfr, male_share, rate, intensity,
                stock_weights, retiree_weights, stocks, flows):  # pragma: no cover - compiled
    """Advance ``cohorts`` (n_paths, n_units, 2, A) by one year in place; fill ``stocks``
    (n_paths, n_units, n_stock) and ``flows`` (n_paths, n_units, 6).

    Slot ``j`` of ``cohorts`` holds age ``(j + offset) mod A`` at 1 January; every other array is
    indexed by age (``stock_weights`` (2, A, n_stock), ``retiree_weights`` (2, A)). Per cell:
    ``F = S + r·g·h`` with ``h = (1 + S)/2``; ``F < 0`` is capped at zero and the migrants who
    could not leave (``−P·F/h``) are counted in ``emigration_capped``.
    """
    n_paths, n_units, _, A = cohorts.shape
    n_stock = stock_weights.shape[2]
    per_unit_rate = rate.shape[1] > 1
    s_open = (A - 1 - offset) % A
    s_prev = (s_open - 1) % A
    age = np.empty(A, np.int64)
    for j in range(A):
        age[j] = (j + offset) % A
    # Stock bands: each band's weights in slot order, and the (at most two) runs of slots where
    # they are not zero (unsigned bounds: no negative-index handling in the inner loops).
    weights = np.empty((2, n_stock, A))
    runs = np.zeros((2, n_stock, 4), np.uint64)
    whole = np.zeros((2, n_stock))  # 1 where a band counts every age of the sex: Σ P of the pass
    for s in range(2):
        for b in range(n_stock):
            lo, hi, ones = A, 0, 0
            for a in range(A):
                w = stock_weights[s, a, b]
                weights[s, b, (a - offset) % A] = w
                if w != 0.0:
                    lo = min(lo, a)
                    hi = a + 1
                if w == 1.0:
                    ones += 1
            if ones == A:
                whole[s, b] = 1.0
                continue
            if max(lo, offset) < hi:  # ages offset … hi−1 are slots 0 …
                runs[s, b, 0] = max(lo, offset) - offset
                runs[s, b, 1] = hi - offset
            if lo < min(hi, offset):  # ages below offset are the last slots
                runs[s, b, 2] = lo - offset + A
                runs[s, b, 3] = min(hi, offset) - offset + A
    retire = np.empty((2, A))
    for s in range(2):
        for j in range(A):
            retire[s, j] = retiree_weights[s, age[j]]
    # Per-cell factors of a path and unit, in slot order: the end-of-year share F⁺ = max(F, 0) and
    # the weights of each sum, so that the pass over the population is multiply-adds only.
    keep = np.empty((2, A))  # F⁺
    w_deaths = np.empty((2, A))  # 1 − S + (migrants − migrants kept) per person
    w_migrants = np.empty((2, A))  # r·g, plus −F/h where capped
    w_capped = np.empty((2, A))  # −F/h where F < 0
    fert_start = np.zeros((2, A))  # women only: fₓ/2 on the start population
    fert_end = np.zeros((2, A))  # fₓ₊₁/2 on the end-of-year survivors and migrants
    for p in range(n_paths):
        for j in range(A):
            a = age[j]
            fert_start[1, j] = 0.5 * asfr[p, a]
            fert_end[1, j] = 0.5 * asfr[p, a + 1] if a < A - 1 else 0.0
        for u in range(n_units):
            r = rate[p, u] if per_unit_rate else rate[p, 0]
            if u == 0 or per_unit_rate:
                for s in range(2):
                    for j in range(A):
                        a = age[j]
                        sx = survival[p, s, a]
                        h = 0.5 * (1.0 + sx)
                        gh = intensity[s, a] * h
                        f = sx + r * gh
                        # capped: the cell empties; the migrants who could not leave, −F/h per
                        # person, count as capped emigration and the kept migrants grow by −F.
                        capped = -f / h if f < 0.0 else 0.0
                        kept_extra = -f if f < 0.0 else 0.0
                        keep[s, j] = max(f, 0.0)
                        w_capped[s, j] = capped
                        w_migrants[s, j] = r * intensity[s, a] + capped
                        w_deaths[s, j] = (1.0 - sx) + (w_migrants[s, j] - (r * gh + kept_extra))
            births_total = 0.0
            deaths_total = 0.0
            migrants_total = 0.0
            capped_total = 0.0
            for b in range(n_stock):
                stocks[p, u, b] = 0.0
            for s in range(2):
                row = cohorts[p, u, s]
                for b in range(n_stock):
                    band = 0.0
                    for j in range(runs[s, b, 0], runs[s, b, 1]):
                        band += row[j] * weights[s, b, j]
                    for j in range(runs[s, b, 2], runs[s, b, 3]):
                        band += row[j] * weights[s, b, j]
                    stocks[p, u, b] += band
                start = 0.0
                deaths = 0.0
                migrants = 0.0
                capped = 0.0
                retirees = 0.0
                births = 0.0
                for j in range(A):
                    x = row[j]
                    start += x
                    y = x * keep[s, j]
                    row[j] = y
                    deaths += x * w_deaths[s, j]
                    migrants += x * w_migrants[s, j]
                    capped += x * w_capped[s, j]
                    retirees += y * retire[s, j]
                    births += fert_start[s, j] * x + fert_end[s, j] * y
                for b in range(n_stock):
                    stocks[p, u, b] += whole[s, b] * start
                births_total += births
                deaths_total += deaths
                migrants_total += migrants
                capped_total += capped
                flows[p, u, 4 + s] = retirees
            ms = male_share[p]
            for s in range(2):
                born = births_total * ms if s == 0 else births_total * (1.0 - ms)
                sb = birth_survival[p, s]
                cohorts[p, u, s, s_prev] += cohorts[p, u, s, s_open]
                cohorts[p, u, s, s_open] = born * sb
                deaths_total += born * (1.0 - sb)
            flows[p, u, 0] = births_total
            flows[p, u, 1] = deaths_total
            flows[p, u, 2] = migrants_total
            flows[p, u, 3] = capped_total


@njit(cache=True)
def cohort_survival(mx, a0, survival, birth_survival, e0):  # pragma: no cover - compiled
    """Survival ratios (n_paths, 2, A), birth survival ``L₀`` (n_paths, 2) and e₀ (n_paths, 2) of
    death rates ``mx`` (n_paths, 2, A), as :func:`fiscalsim.demography.lifetable.cohort_survival_fast`
    (``aₓ = ½`` above age 0; ``a0`` (2,) by sex); one division per age."""
    n_paths, _, A = mx.shape
    inv = np.empty(A)  # 1/(1 + mₓ/2)
    px = np.empty(A)  # pₓ = (1 − mₓ/2)/(1 + mₓ/2)
    for p in range(n_paths):
        for s in range(2):
            m = mx[p, s]
            for a in range(A):
                inv[a] = 1.0 / (1.0 + 0.5 * m[a])
                px[a] = (1.0 - 0.5 * m[a]) * inv[a]
            q0 = m[0] / (1.0 + (1.0 - a0[s]) * m[0])
            L0 = 1.0 - (1.0 - a0[s]) * q0
            birth_survival[p, s] = L0
            survival[p, s, 0] = (1.0 - q0) * inv[1] / L0
            for a in range(1, A - 2):
                survival[p, s, a] = (1.0 - 0.5 * m[a]) * inv[a + 1]
            L_last_closed = inv[A - 2]
            L_open = px[A - 2] / m[A - 1]
            open_ratio = L_open / (L_last_closed + L_open)
            survival[p, s, A - 2] = open_ratio
            survival[p, s, A - 1] = open_ratio
            # e₀ = L₀ + Σ lₓ/(1 + mₓ/2) over closed ages ≥ 1 + l_ω/m_ω, with lₓ₊₁ = lₓ·pₓ.
            lx = 1.0 - q0
            total = L0
            for a in range(1, A - 1):
                total += lx * inv[a]
                lx *= px[a]
            e0[p, s] = total + lx / m[A - 1]


@njit(cache=True)
def death_rates(k, bx, log_mx0, mx):  # pragma: no cover - compiled
    """Lee-Carter death rates ``mₓ = exp(log mₓ(t₀) − bₓ·k)`` for each path's ``k`` (n_paths,) into
    ``mx`` (n_paths, 2, A): what :meth:`fiscalsim.demography.projector.DemographyPlan.rates`
    computes with NumPy, in one pass."""
    n_paths, _, A = mx.shape
    for p in range(n_paths):
        minus_k = -k[p]
        for s in range(2):
            for a in range(A):
                mx[p, s, a] = np.exp(bx[s, a] * minus_k + log_mx0[s, a])
