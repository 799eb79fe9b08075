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
