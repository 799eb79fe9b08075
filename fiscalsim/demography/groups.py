"""A base population from broad age groups: the minimal-data population mode.

Many places publish no single-year (or five-year) census table by sex, only a few broad groups,
often nested — e.g. 0-14, 15-64, 65+ and, inside 65+, 75+. The mode turns such groups into
single years by sex in two steps:

1. **Disjoint groups.** Closed groups (``a-b``) must not overlap; open groups (``a+``) nest: a
   later open group is carved out of an earlier one (65+ and 75+ become 65-74 and 75+). The
   groups must then cover every age from 0 without gaps.
2. **Spread by a national pattern.** Within each group, persons are shared among single ages and
   the two sexes in proportion to the stationary population ``Lₓ`` of the country's life table
   of that year (the open group 100+ takes ``T₁₀₀``). So every group total is kept exactly, and
   the age and sex shape inside a group is the national mortality pattern's.

The shape inside a group ignores past births and migration (a stationary, not an observed,
population), which matters most in a wide group like 15-64; five-year groups shrink that error.
"""

from __future__ import annotations

import numpy as np

from fiscalsim.demography.lifetable import LifeTable

MAX_AGE = 100


def disjoint_groups(bounds: list[tuple[int, int | None]]) -> list[tuple[int, int]]:
    """Closed age ranges ``(lo, hi)`` (``hi`` = 100 for an open group) of each group once nested
    open groups are carved out of each other; raises ValueError when they overlap or leave gaps.

    bounds : list of (lower bound, upper bound or None for an open group), in any order.
    """
    opens = sorted(lo for lo, hi in bounds if hi is None)
    out = []
    for lo, hi in bounds:
        if hi is None:
            later = [o for o in opens if o > lo]
            hi = later[0] - 1 if later else MAX_AGE
        if not 0 <= lo <= hi <= MAX_AGE:
            raise ValueError(f"age group {lo}-{hi} lies outside 0-{MAX_AGE}")
        out.append((lo, hi))
    covered = np.zeros(MAX_AGE + 1, dtype=int)
    for lo, hi in out:
        covered[lo:hi + 1] += 1
    if np.any(covered > 1):
        raise ValueError(f"closed age groups overlap at age {int(np.argmax(covered > 1))}")
    if np.any(covered == 0):
        raise ValueError(f"the age groups leave age {int(np.argmax(covered == 0))} uncovered")
    return out


def nested_totals(bounds: list[tuple[int, int | None]], persons: np.ndarray) -> np.ndarray:
    """Persons of each disjoint group: an open group less the later open groups inside it."""
    persons = np.asarray(persons, dtype=float)
    out = persons.copy()
    opens = sorted((lo, i) for i, (lo, hi) in enumerate(bounds) if hi is None)
    for (_, i), nxt in zip(opens, opens[1:], strict=False):
        out[i] = persons[i] - persons[nxt[1]]
    if np.any(out < 0):
        raise ValueError("an open age group has fewer persons than an open group nested inside it")
    return out


def stationary_weights(lt: LifeTable) -> np.ndarray:
    """Person-years by sex and single age, ``(2, 101)``: ``Lₓ`` and, for the open group, ``T₁₀₀``."""
    w = np.array(lt.Lx, dtype=float)
    w[..., -1] = lt.Tx[..., -1]
    return w


def spread_groups(bounds: list[tuple[int, int | None]], persons: np.ndarray, lt: LifeTable) -> np.ndarray:
    """Single-year population by sex ``(2, 101)`` from broad groups (see module docstring).

    bounds : group bounds as in :func:`disjoint_groups`; persons : (n_groups,) persons per group
    as published (nested open groups included); lt : the country's life table of the year.
    """
    ranges = disjoint_groups(bounds)
    totals = nested_totals(bounds, persons)
    w = stationary_weights(lt)
    pop = np.zeros((2, MAX_AGE + 1))
    for (lo, hi), total in zip(ranges, totals, strict=True):
        block = w[:, lo:hi + 1]
        pop[:, lo:hi + 1] = total * block / block.sum()
    return pop
