"""The one-year CCMPP step: a hand-worked case, a Leslie-matrix check and property tests."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from fiscalsim.demography.ccmpp import YearRates, ccmpp_step


def hand_case():
    # Three ages (0, 1, 2+), one path, one unit.
    pop = np.array([[[[100.0, 80.0, 50.0], [90.0, 70.0, 60.0]]]])
    S = np.array([[[[0.9, 0.7, 0.7], [0.95, 0.8, 0.8]]]])
    Sb = np.array([[[0.97, 0.98]]])
    asfr = np.array([[[0.0, 0.5, 0.2]]])
    g = np.array([[1.0, 2.0, 0.5], [1.0, 1.0, 0.0]])
    rates = YearRates(S, Sb, asfr, 1.05, np.array([[-0.1]]), g)
    return pop, rates


def test_hand_worked_step():
    pop, rates = hand_case()
    new, fl = ccmpp_step(pop, rates, slice(0, 3))
    # Survival-migration factors F = S + r·g·(1+S)/2, worked by hand:
    # men   [0.9 − 0.095, 0.7 − 0.17, 0.7 − 0.0425] = [0.805, 0.53, 0.6575]
    # women [0.95 − 0.0975, 0.8 − 0.09, 0.8 − 0]     = [0.8525, 0.71, 0.8]
    assert new[0, 0, 0, 1] == pytest.approx(80.5)
    assert new[0, 0, 0, 2] == pytest.approx(80 * 0.53 + 50 * 0.6575)  # 75.275
    assert new[0, 0, 1, 1] == pytest.approx(76.725)
    assert new[0, 0, 1, 2] == pytest.approx(97.7)
    # Births: 0.5·(70 + 76.725)/2 + 0.2·(60 + 97.7)/2 = 36.68125 + 15.77
    births = 52.45125
    assert fl.births.sum() == pytest.approx(births)
    assert fl.births[0, 0, 0] == pytest.approx(births * 1.05 / 2.05)
    assert new[0, 0, 0, 0] == pytest.approx(births * 1.05 / 2.05 * 0.97)
    assert new[0, 0, 1, 0] == pytest.approx(births / 2.05 * 0.98)
    # Net migrants r·Σ g·P: men −0.1·(100 + 160 + 25), women −0.1·(90 + 70)
    assert fl.migrants[0, 0, 0] == pytest.approx(-28.5)
    assert fl.migrants[0, 0, 1] == pytest.approx(-16.0)
    # Male deaths: cohorts 230 − 181, infants 0.03·boys, migrants M − M·h = −28.5 + 25.225
    assert fl.deaths[0, 0, 0] == pytest.approx(49 + 0.03 * births * 1.05 / 2.05 - 3.275)
    assert fl.emigration_capped.sum() == 0


def leslie_female(S, Sb, f, srb):
    """Female Leslie matrix of the same step (no migration), built independently."""
    n = len(S)
    L = np.zeros((n, n))
    girls = Sb / (1 + srb)
    for y in range(n):
        nxt = min(y + 1, n - 1)
        L[0, y] = girls * 0.5 * (f[y] + f[nxt] * S[y])
    for x in range(n - 1):
        L[x + 1, x] = S[x]
    L[n - 1, n - 1] = S[n - 1]
    return L


def test_long_run_growth_equals_leslie_dominant_eigenvalue():
    n = 60
    ages = np.arange(n)
    S_f = np.clip(0.999 - 0.0004 * ages - 1e-5 * ages**2, 0.2, 1)
    S_f[-2:] = 0.6
    f = np.where((ages >= 15) & (ages < 45), 0.075, 0.0)
    srb, Sb = 1.06, 0.99
    S = np.stack([S_f, S_f])[None, None]
    pop = np.ones((1, 1, 2, n)) * 100.0
    rates = YearRates(S, np.array([[[Sb, Sb]]]), f[None, None], srb, np.zeros((1, 1)), np.ones((2, n)))
    for _ in range(600):
        pop, _ = ccmpp_step(pop, rates, slice(0, n))
        pop /= pop.sum()  # keep the scale finite
    before = pop[0, 0, 1].sum()
    pop, _ = ccmpp_step(pop, rates, slice(0, n))
    growth = pop[0, 0, 1].sum() / before
    lam = np.max(np.abs(np.linalg.eigvals(leslie_female(S_f, Sb, f, srb))))
    assert growth == pytest.approx(lam, rel=1e-9)


@st.composite
def step_inputs(draw):
    P, U, A = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(3, 8))
    pop = draw(arrays(np.float64, (P, U, 2, A), elements=st.floats(0, 1e4)))
    S = draw(arrays(np.float64, (P, 1, 2, A), elements=st.floats(0.3, 1.0)))
    S[..., -1] = S[..., -2]
    Sb = draw(arrays(np.float64, (P, 1, 2), elements=st.floats(0.9, 1.0)))
    asfr = draw(arrays(np.float64, (P, 1, A), elements=st.floats(0, 0.3)))
    rate = draw(arrays(np.float64, (P, draw(st.sampled_from([1, U]))), elements=st.floats(-0.9, 0.5)))
    g = draw(arrays(np.float64, (2, A), elements=st.floats(-1.0, 3.0)))
    srb = draw(st.floats(0.95, 1.2))
    return pop, YearRates(S, Sb, asfr, srb, rate, g)


@settings(max_examples=200, deadline=None)
@given(step_inputs())
def test_identity_and_non_negativity(args):
    pop, rates = args
    new, fl = ccmpp_step(pop, rates, slice(0, pop.shape[-1]))
    lhs = new.sum(axis=-1)
    rhs = pop.sum(axis=-1) + fl.births - fl.deaths + fl.migrants
    np.testing.assert_allclose(lhs, rhs, rtol=1e-10, atol=1e-7)
    assert new.min() >= 0.0
    assert fl.emigration_capped.min() >= 0.0
    assert fl.births.min() >= 0.0
