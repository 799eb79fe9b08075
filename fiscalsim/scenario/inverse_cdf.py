"""Normal and triangular distribution functions without importing ``scipy.stats``.

``scipy.stats`` takes about 0.6 s to import, and every process of a run (the caller and each
worker) needs these functions at its first draw. For the arguments a scenario gives (a positive
scale, probabilities strictly between 0 and 1, finite normals) these compute what
``scipy.stats.norm`` and ``scipy.stats.triang`` compute, with the same ``scipy.special``
functions and the same arithmetic, so the draws are bit-for-bit the same
(``tests/test_uncertainty.py`` holds them to it); any other argument is passed to
``scipy.stats`` itself.
"""

from __future__ import annotations

import numpy as np


def normal_cdf(x: np.ndarray) -> np.ndarray:
    """``scipy.stats.norm.cdf(x)``."""
    x = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(x)):
        from scipy import stats

        return stats.norm.cdf(x)
    from scipy.special import ndtr

    return ndtr(x)


def normal_ppf(u: np.ndarray, loc: float = 0.0, scale: float = 1.0) -> np.ndarray:
    """``scipy.stats.norm.ppf(u, loc=loc, scale=scale)``."""
    u = np.asarray(u, dtype=float)
    if not _regular(u, loc, scale):
        from scipy import stats

        return stats.norm.ppf(u, loc=loc, scale=scale)
    from scipy.special import ndtri

    return _scalar_if_0d(ndtri(u) * np.asarray(scale) + np.asarray(loc))


def triangular_ppf(u: np.ndarray, c: float, loc: float, scale: float) -> np.ndarray:
    """``scipy.stats.triang.ppf(u, c, loc=loc, scale=scale)``: mode at ``loc + c·scale``."""
    u = np.asarray(u, dtype=float)
    c = np.asarray(c, dtype=float)
    if not (_regular(u, loc, scale) and 0 <= c <= 1):
        from scipy import stats

        return stats.triang.ppf(u, c, loc=loc, scale=scale)
    standard = np.where(u < c, np.sqrt(c * u), 1 - np.sqrt((1 - c) * (1 - u)))
    return _scalar_if_0d(standard * np.asarray(scale) + np.asarray(loc))


def _regular(u: np.ndarray, loc: float, scale: float) -> bool:
    """Probabilities strictly inside (0, 1), a finite location and a positive finite scale."""
    return bool(np.all((u > 0) & (u < 1)) and np.isfinite(loc) and np.isfinite(scale) and scale > 0)


def _scalar_if_0d(values: np.ndarray):
    values = np.asarray(values)
    return values[()] if values.ndim == 0 else values
