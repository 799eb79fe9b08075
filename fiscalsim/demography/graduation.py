"""Graduation of grouped (abridged or five-year) inputs to single years of age.

One method serves counts, rates and fertility patterns: a monotone piecewise-cubic Hermite
(PCHIP, Fritsch & Carlson 1980) interpolant of the **cumulative** quantity through the group
boundaries, differenced at integer ages. Because the cumulative curve passes through every
boundary, each group's single-year values add back to the group total exactly; because PCHIP
preserves monotonicity, non-negative group totals give non-negative single-year values.

* counts (census persons by age group): cumulative persons;
* rates (``mₓ``): cumulative hazard ``Σ n·ₙmₓ``, so the mean single-year rate in a group equals
  the group rate;
* fertility pattern (percent of TFR by group): cumulative share.
"""

from __future__ import annotations

import numpy as np


def parse_age_groups(labels: list[str]) -> tuple[np.ndarray, bool]:
    """Group lower bounds and the closing upper bound from labels like ``0, 1-4, 5-9, 85+``.

    Returns
    -------
    edges : ndarray (n_groups + 1,), lower bounds followed by the upper bound of the last closed
        group (for an open last group, its lower bound appears once, as the final edge).
    open_last : whether the last label is an open group (``85+``).
    """
    edges: list[int] = []
    open_last = False
    for i, lab in enumerate(labels):
        lab = str(lab).strip()
        if lab.endswith("+"):
            if i != len(labels) - 1:
                raise ValueError(f"open age group {lab!r} must be last")
            edges.append(int(lab[:-1]))
            open_last = True
        elif "-" in lab:
            lo, hi = (int(v) for v in lab.split("-"))
            edges.append(lo)
            if i == len(labels) - 1:
                edges.append(hi + 1)
        else:
            edges.append(int(lab))
            if i == len(labels) - 1:
                edges.append(int(lab) + 1)
    arr = np.asarray(edges, dtype=float)
    if np.any(np.diff(arr) <= 0):
        raise ValueError(f"age groups are not contiguous and increasing: {labels}")
    return arr, open_last


def graduate_cumulative(edges: np.ndarray, group_totals: np.ndarray) -> np.ndarray:
    """Split closed groups into single years preserving each group's total.

    Parameters
    ----------
    edges : ndarray (n_groups + 1,), integer group boundaries, ``edges[0]`` the first age.
    group_totals : ndarray (..., n_groups), additive group quantities.

    Returns
    -------
    ndarray (..., edges[-1] - edges[0]), one value per single year of age.
    """
    # imported here: scipy.interpolate takes ~0.3 s to import and only graduation needs it
    from scipy.interpolate import PchipInterpolator

    group_totals = np.asarray(group_totals, dtype=float)
    cum = np.concatenate(
        [np.zeros(group_totals.shape[:-1] + (1,)), np.cumsum(group_totals, axis=-1)], axis=-1
    )
    ages = np.arange(edges[0], edges[-1] + 1)
    # PCHIP's harmonic-mean slopes overflow harmlessly for subnormal group totals (the slope
    # then becomes zero, as it should); keep that warning local to this call.
    with np.errstate(over="ignore", divide="ignore"):
        spline = PchipInterpolator(edges, cum, axis=-1)
        return np.diff(spline(ages), axis=-1)


def graduate_counts(
    labels: list[str], counts: np.ndarray, open_shares: np.ndarray | None, max_age: int = 100
) -> np.ndarray:
    """Census counts by age group → persons by single year ``0 … max_age`` (last open).

    Parameters
    ----------
    labels : age-group labels, e.g. ``["0", "1-4", …, "80-84", "85+"]``.
    counts : ndarray (..., n_groups), persons.
    open_shares : ndarray (..., max_age - open_start + 1) summing to one: how the open group is
        split (see :func:`fiscalsim.demography.lifetable.stationary_tail_shares`). Required when
        the last group is open below ``max_age``.
    """
    edges, open_last = parse_age_groups(labels)
    counts = np.asarray(counts, dtype=float)
    n_closed = len(edges) - 1
    closed = graduate_cumulative(edges, counts[..., :n_closed])
    out = np.zeros(counts.shape[:-1] + (max_age + 1,))
    first = int(edges[0])
    out[..., first : first + closed.shape[-1]] = closed
    if open_last:
        start = int(edges[-1])
        if open_shares is None:
            raise ValueError("an open age group needs shares to split it")
        out[..., start:] = counts[..., -1:] * open_shares
    return out


def graduate_rates(labels: list[str], rates: np.ndarray, max_age: int = 100) -> np.ndarray:
    """Abridged central rates (e.g. WPP ``mₓ`` at 0, 1, 5, …, 95, 100+) → single years.

    The cumulative hazard is interpolated, so each group's mean single-year rate equals the
    group's rate; the open group's rate is kept for ages ``open … max_age``.
    """
    edges, open_last = parse_age_groups(labels)
    rates = np.asarray(rates, dtype=float)
    n_closed = len(edges) - 1
    widths = np.diff(edges)
    single = graduate_cumulative(edges, rates[..., :n_closed] * widths)
    out = np.empty(rates.shape[:-1] + (max_age + 1,))
    first = int(edges[0])
    out[..., first : first + single.shape[-1]] = single
    if open_last:
        out[..., int(edges[-1]) :] = rates[..., -1:]
    return out


def graduate_shares(labels: list[str], percent: np.ndarray, max_age: int = 100) -> np.ndarray:
    """Percent of a total by age group (e.g. WPP percent ASFR) → single-year shares summing to 1.

    Ages outside the groups get zero. Returns ndarray (..., max_age + 1).
    """
    edges, open_last = parse_age_groups(labels)
    if open_last:
        raise ValueError("a share pattern cannot have an open age group")
    percent = np.asarray(percent, dtype=float)
    single = graduate_cumulative(edges, percent / percent.sum(axis=-1, keepdims=True))
    out = np.zeros(percent.shape[:-1] + (max_age + 1,))
    first = int(edges[0])
    out[..., first : first + single.shape[-1]] = single
    return out
