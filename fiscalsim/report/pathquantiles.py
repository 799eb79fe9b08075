"""Quantiles over paths, computed by sorting: the same numbers as ``np.quantile``, faster.

``np.quantile(values, levels, axis=0)`` partitions along the paths axis once per column with a
dozen order statistics; for the quantile table of a run (about 60 series × 41 years × 10,000
paths) that took ~0.6 s. Sorting each column's paths as one contiguous row (NumPy's vectorised
sort) and reading the order statistics is several times faster and gives bit-for-bit the same
result: the same two order statistics per level, interpolated by NumPy's own formula (its
``linear`` method, the default). ``tests/test_pathquantiles.py`` holds the two to equality.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def path_quantiles(values: np.ndarray, levels: Sequence[float]) -> np.ndarray:
    """``np.quantile(values, levels, axis=0)`` for finite ``values``.

    Parameters
    ----------
    values : ndarray (n_paths, ...), finite (no NaN: use ``np.nanquantile`` for those).
    levels : quantile levels in [0, 1].

    Returns
    -------
    ndarray (n_levels, ...), the linearly interpolated quantiles over the paths axis.
    """
    levels = np.asarray(levels, dtype=float)
    n_paths = values.shape[0]
    ordered = np.ascontiguousarray(np.reshape(values, (n_paths, -1)).T)  # one row per column
    ordered.sort(axis=-1)
    previous, following, weight = _neighbours(n_paths, levels)
    low, high = ordered[:, previous].T, ordered[:, following].T  # (n_levels, n_columns)
    out = _lerp(low, high, weight[:, None])
    return out.reshape(levels.shape + values.shape[1:])


def _neighbours(n_paths: int, levels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The order statistics below and above each level and the interpolation weight, as NumPy's
    ``linear`` method computes them (an index past the end means the largest value)."""
    virtual = (n_paths - 1) * levels
    previous = np.floor(virtual)
    following = previous + 1
    above = virtual >= n_paths - 1
    previous[above] = -1
    following[above] = -1
    below = virtual < 0
    previous[below] = 0
    following[below] = 0
    previous, following = previous.astype(np.intp), following.astype(np.intp)
    return previous, following, virtual - previous


def _lerp(low: np.ndarray, high: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """NumPy's interpolation: from the lower value below a weight of 0.5, from the upper above."""
    step = high - low
    out = np.add(low, step * weight)
    np.subtract(high, step * (1 - weight), out=out, where=weight >= 0.5)
    return out
