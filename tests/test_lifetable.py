import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fiscalsim.demography.lifetable import (
    cohort_survival_fast,
    default_ax,
    infant_ax,
    life_table,
    survival_ratios,
)


@given(st.floats(min_value=1e-4, max_value=0.5))
def test_constant_hazard_life_expectancy_is_inverse_hazard(mu):
    # With a_x = 1/2 and an open group L = l/m, e0 = 1/mu exactly (geometric sum of p^x).
    mx = np.full(101, mu)
    lt = life_table(mx, np.full(101, 0.5))
    assert lt.e0 == pytest.approx(1.0 / mu, rel=1e-10)


def test_radix_and_open_group():
    mx = np.linspace(0.001, 0.6, 101)
    lt = life_table(mx, np.full(101, 0.5))
    assert lt.lx[0] == 1.0
    assert lt.qx[-1] == 1.0
    assert lt.Lx[-1] == pytest.approx(lt.lx[-1] / mx[-1])
    # deaths add up to the radix
    assert lt.dx.sum() == pytest.approx(1.0)


def test_infant_ax_andreev_kingkade_segments():
    # Table values of Andreev & Kingkade (2015) at the segment boundaries.
    assert infant_ax(np.array(0.0), 0) == pytest.approx(0.14929)
    assert infant_ax(np.array(0.1), 0) == pytest.approx(0.29915)
    assert infant_ax(np.array(0.05), 1) == pytest.approx(0.04667 + 3.88089 * 0.05)


@settings(max_examples=50)
@given(st.floats(min_value=-1.0, max_value=1.0), st.floats(min_value=0.0005, max_value=0.05))
def test_closed_form_survival_equals_life_table(shift, m0):
    ages = np.arange(101)
    mx = np.exp(-9 + 0.085 * ages + shift)
    mx[0] = m0
    mx = np.minimum(np.stack([mx, 0.8 * mx]), 1.5)
    ax = default_ax(mx)
    lt = life_table(mx, ax)
    S_ref, Sb_ref = survival_ratios(lt.Lx, lt.Tx)
    S, Sb, e0 = cohort_survival_fast(mx, ax[..., 0])
    np.testing.assert_allclose(S, S_ref, rtol=1e-12)
    np.testing.assert_allclose(Sb, Sb_ref, rtol=1e-12)
    np.testing.assert_allclose(e0, lt.e0, rtol=1e-12)
