import numpy as np
import pytest

from fiscalsim.demography import schedules
from fiscalsim.demography.lifetable import default_ax, life_table, survival_ratios
from fiscalsim.demography.migration import (
    RogersCastro,
    estimate_residual_migration,
    rogers_castro_intensity,
    survive_cohorts,
)
from fiscalsim.demography.projector import normalise_intensity


def test_rogers_castro_peaks_in_early_adulthood():
    shape = RogersCastro().schedule(np.arange(101))
    assert 18 <= int(np.argmax(shape[15:])) + 15 <= 26
    assert shape[0] > shape[12]  # child component falls with age
    np.testing.assert_allclose(shape[-1], RogersCastro().c, rtol=0.05)


def test_normalised_intensity_reproduces_crude_rate_on_base_population():
    rng = np.random.default_rng(1)
    base = rng.uniform(0, 100, (3, 2, 101))
    g = normalise_intensity(rogers_castro_intensity(RogersCastro(), 101), base)
    assert (g * base.sum(0)).sum() == pytest.approx(base.sum())


def test_residual_method_recovers_known_migration():
    """Survive a population ten years, remove known migrants, and estimate them back."""
    mx = schedules.wpp_mx_single(2010)
    lt = life_table(mx, default_ax(mx))
    S, _ = survival_ratios(lt.Lx, lt.Tx)
    surv = np.repeat(S[None], 10, axis=0)
    first = np.full((2, 101), 1000.0)
    expected = survive_cohorts(first, surv)
    # Known net migrants at the second census: −20 % at ages 20-34, none elsewhere.
    known = np.zeros((2, 101))
    known[:, 20:35] = -0.2 * expected[:, 20:35]
    second = expected + known
    second[:, :10] = 500.0  # cohorts born in the interval
    est = estimate_residual_migration(first, second, surv, child_parent_ratio=0.0)
    groups = est.net_migrants_by_group
    edges = est.group_edges.astype(int)
    for k in range(len(edges) - 1):
        lo, hi = edges[k], edges[k + 1]
        if lo >= 10:
            np.testing.assert_allclose(groups[:, k], known[:, lo:hi].sum(-1), rtol=1e-9, atol=1e-6)
    assert np.all(groups[:, :2] == 0)  # children get the parents' rate × 0
    # Rates are negative exactly where migration happened (moved back five years to 15-29).
    assert np.all(est.rates[:, 17:27] < 0)
    assert np.allclose(est.rates[:, 40:75], 0, atol=1e-12)
    person_years = 0.5 * (first.sum() + second.sum()) * 10
    assert est.crude_rate == pytest.approx(known.sum() / person_years)
