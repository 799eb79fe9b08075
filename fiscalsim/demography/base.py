"""Base population: census age groups → single years at 1 January.

Chinese censuses count the population at 1 November (0:00). The model holds stocks at
1 January, so the census is moved **back** by ``f = 10/12`` year to 1 January of the census year
(the fiscal base year):

1. remove the net migrants of the elapsed ``f`` of the year (``f · M``, by age at census);
2. undo ageing: of those aged ``x`` at the census, the share ``f`` whose birthday fell in the
   interval were aged ``x − 1`` on 1 January (births uniform over the year), so
   ``P_jan[x] = (1 − f)·P_nov[x] + f·P_nov[x + 1]``; those born in the interval (a share ``f`` of
   age 0) did not yet exist; of the open group only those aged exactly ω (share ``L_ω/T_ω``) are
   moved down;
3. undo deaths: divide by the cohort's survival over the interval, ``Sₓ^f``.

It is a linear approximation within the year, consistent with the projection's own conventions.
"""

from __future__ import annotations

import numpy as np

from fiscalsim.demography.graduation import graduate_counts
from fiscalsim.demography.lifetable import LifeTable, stationary_tail_shares


def graduate_census(labels: list[str], counts: np.ndarray, lt: LifeTable, max_age: int = 100) -> np.ndarray:
    """Census counts ``(..., 2, n_groups)`` → single years ``(..., 2, max_age + 1)``.

    The open group (85+) is split by the stationary population of ``lt`` (``(2, n_ages)``) above its
    lower bound: a survival-based tail up to ``max_age``+.
    """
    open_start = int(labels[-1].rstrip("+"))
    shares = stationary_tail_shares(lt, open_start)  # (2, max_age - open_start + 1)
    return graduate_counts(labels, counts, shares, max_age)


def move_back(pop: np.ndarray, fraction: float, cohort_survival: np.ndarray, lt: LifeTable,
              net_migrants: np.ndarray) -> np.ndarray:
    """Move a single-year population back by ``fraction`` of a year (see module docstring).

    pop : (..., 2, n_ages) persons at the later date; cohort_survival : (2, n_ages) annual ``Sₓ``;
    lt : life table of the year, (2, n_ages); net_migrants : (..., 2, n_ages) annual net migrants
    by age at the later date. Returns the population at the earlier date, same shape.
    """
    if not 0.0 <= fraction < 1.0:
        raise ValueError("fraction must lie in [0, 1)")
    f = fraction
    p = pop - f * net_migrants
    out = np.empty_like(p)
    out[..., :-2] = (1.0 - f) * p[..., :-2] + f * p[..., 1:-1]
    exact_omega = lt.Lx[..., -1] / lt.Tx[..., -1]
    out[..., -2] = (1.0 - f) * p[..., -2] + f * exact_omega * p[..., -1]
    out[..., -1] = p[..., -1] * (1.0 - f * exact_omega)
    out = out / cohort_survival**f
    if np.any(out < 0):
        raise ValueError("moving the census back produced negative cells; check migration inputs")
    return out
