"""Broadcasting helpers for parameters that are either fixed or drawn per path.

A fixed scalar parameter is a float; a drawn one is ``(n_paths,)``. A fixed time path is
``(n_years,)``; a drawn one ``(n_paths, n_years)``. Kernels read them through these helpers so
that one code path serves both.
"""

from __future__ import annotations

import numpy as np


def at(x: np.ndarray | float, t: int) -> np.ndarray | float:
    """Year ``t`` of a time path: a float for a fixed path, ``(n_paths,)`` for a drawn one."""
    x = np.asarray(x)
    return x[..., t] if x.ndim else x


def rows(x: np.ndarray) -> np.ndarray:
    """A time path as ``(1|n_paths, n_years)``."""
    x = np.asarray(x, dtype=float)
    return x[None, :] if x.ndim == 1 else x


def col(x: np.ndarray | float) -> np.ndarray | float:
    """A scalar parameter as something that broadcasts against ``(n_paths, …)`` arrays:
    a float stays a float, ``(n_paths,)`` becomes ``(n_paths, 1)``."""
    x = np.asarray(x, dtype=float)
    return x[:, None] if x.ndim == 1 else x


def ar1_filter(innovations: np.ndarray, phi: float) -> np.ndarray:
    """``yₜ = εₜ + φ·yₜ₋₁`` along the last axis (years), ``y`` zero before the first year.

    innovations : (..., n_years). The loop over years is the only Python loop; the result is
    bitwise that of ``scipy.signal.lfilter([1], [1, −φ], innovations, axis=-1)`` (a test checks)
    without importing scipy.signal (half a second at start-up).
    """
    eps = np.asarray(innovations, dtype=float)
    out = np.empty_like(eps)
    if eps.shape[-1] == 0:
        return out
    out[..., 0] = eps[..., 0]
    for t in range(1, eps.shape[-1]):
        np.multiply(out[..., t - 1], phi, out=out[..., t])
        out[..., t] += eps[..., t]
    return out
