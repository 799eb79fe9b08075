"""Quantiles over paths by sorting equal NumPy's ``np.quantile`` bit for bit."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fiscalsim.report.pathquantiles import path_quantiles
from fiscalsim.report.population import QUANTILES


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


@settings(max_examples=60)
@given(n_paths=st.integers(1, 40), n_years=st.integers(1, 6), ties=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_equals_numpy_quantile(n_paths, n_years, ties, seed):
    rng = np.random.default_rng(seed)
    values = rng.integers(-3, 4, (n_paths, n_years)).astype(float) if ties else rng.lognormal(0, 3, (n_paths, n_years))
    assert _same_bits(path_quantiles(values, QUANTILES), np.quantile(values, QUANTILES, axis=0))


def test_equals_numpy_quantile_at_run_size_and_levels():
    """The size of a run's table (10,000 paths) and levels at 0 and 1 too, over more than two axes."""
    rng = np.random.default_rng(7)
    values = rng.standard_normal((10_000, 3, 41)) * 1e9
    levels = (0.0, *QUANTILES, 1.0)
    assert _same_bits(path_quantiles(values, levels), np.quantile(values, levels, axis=0))
