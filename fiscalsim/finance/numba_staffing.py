"""The compiled staffing year of the ``numba`` engine (imported only when that engine is used):
one pass per path computing what :func:`fiscalsim.finance.staffing.staffing_year` computes with
NumPy, in float64, sums in age order (agreeing with NumPy to rounding; tested)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def staff_year(staff, share, hires_per_retirement, entry_age, layoffs, cap, nxt, start, retirements, hires, laid,
               end):  # pragma: no cover - compiled
    """staff (n, C, A) at 1 January → ``nxt`` (n, C, A) at the next; flows (n, C). ``layoffs``
    (n, C) and ``cap`` (n,) are ignored when their first dimension is zero."""
    n, n_cat, n_ages = staff.shape
    stay = np.empty(n_ages)
    kept = np.empty((n_cat, n_ages))
    for i in range(n):
        stay_total = 0.0
        for c in range(n_cat):
            s0 = 0.0
            ret = 0.0
            left = 0.0
            for a in range(n_ages):
                x = staff[i, c, a]
                r = x * share[c, a]
                s0 += x
                ret += r
                stay[a] = x - r
                left += stay[a]
            laid_c = 0.0
            if layoffs.shape[0] > 0:
                laid_c = min(layoffs[i, c], left)
                keep = 1.0 - laid_c / left if left > 0 else 1.0
                left = 0.0
                for a in range(n_ages):
                    stay[a] = stay[a] * keep
                    left += stay[a]
            for a in range(n_ages):
                kept[c, a] = stay[a]
            start[i, c] = s0
            retirements[i, c] = ret
            laid[i, c] = laid_c
            hires[i, c] = hires_per_retirement[i, c] * ret
            stay_total += left
        if cap.shape[0] > 0:
            wanted = 0.0
            for c in range(n_cat):
                wanted += hires[i, c]
            room = max(cap[i] - stay_total, 0.0)
            if wanted > room:
                scale = room / wanted if wanted > 0 else 1.0
                for c in range(n_cat):
                    hires[i, c] = hires[i, c] * scale
        for c in range(n_cat):
            nxt[i, c, 0] = 0.0
            for a in range(1, n_ages):
                nxt[i, c, a] = kept[c, a - 1]
            nxt[i, c, entry_age] += hires[i, c]
            total = 0.0
            for a in range(n_ages):
                total += nxt[i, c, a]
            end[i, c] = total
