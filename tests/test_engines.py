"""The two projection engines (numba, numpy): same results, the pre-issue-13 projector's results,
and the per-year step API a coupled year loop uses."""

import subprocess
import sys

import numpy as np
import pytest
from scipy.signal import lfilter

from fiscalsim.arrays import ar1_filter
from fiscalsim.demography.projector import (
    FLOW_BANDS,
    STOCK_BANDS,
    DemographyPlan,
    PopulationResult,
    project,
)
from fiscalsim.demography.step import ENGINE_ENV, StepOutput, resolve_engine
from fiscalsim.simulate.population import draw_demography_shocks, run_population

from .conftest import REPO
from .golden.make_projector_golden import GOLDEN, N_PATHS, SEED, golden_rows
from .test_projector import N_YEARS, synthetic_inputs

#: Agreement between the engines and with the golden file: relative to each value, with an
#: absolute floor (persons) for values near zero. They differ only in the order of the sums over
#: ages (BLAS vs. a compiled loop), ~1e-15 relative; deaths, a difference of two sums, ~1e-13.
RTOL = 1e-12
ATOL_PERSONS = 1e-9

ARRAYS = ("stocks", "flows", "e0", "full", "tfr", "mortality_k", "migration_rate")


def assert_results_close(a: PopulationResult, b: PopulationResult) -> None:
    for name in ARRAYS:
        x, y = getattr(a, name), getattr(b, name)
        if x is None:
            assert y is None
            continue
        np.testing.assert_allclose(x, y, rtol=RTOL, atol=ATOL_PERSONS, err_msg=name)


@pytest.fixture(scope="module")
def hegang_demography(hegang):
    return hegang.demography


def test_hegang_baseline_reproduces_the_pre_issue_13_projector(hegang_demography, engine):
    expected = np.loadtxt(GOLDEN, delimiter=",", skiprows=1)
    res = run_population(hegang_demography, N_PATHS, SEED, engine=engine)
    got = np.array(golden_rows(res.stocks, res.flows, np.asarray(res.years)))
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got[:, :2], expected[:, :2])
    bands = STOCK_BANDS + FLOW_BANDS
    for i, band in enumerate(bands):
        np.testing.assert_allclose(got[:, 2 + i], expected[:, 2 + i], rtol=RTOL, atol=ATOL_PERSONS, err_msg=band)


def test_engines_agree_on_the_hegang_baseline(hegang_demography):
    pytest.importorskip("numba")
    full = (2020, 2035, 2061)
    fast = run_population(hegang_demography, N_PATHS, SEED, full_years=full, engine="numba")
    plain = run_population(hegang_demography, N_PATHS, SEED, full_years=full, engine="numpy")
    assert_results_close(fast, plain)


@pytest.mark.parametrize("per_unit,peaked", [(False, False), (True, True)])
def test_engines_agree_with_capped_emigration_and_unit_rates(per_unit, peaked):
    pytest.importorskip("numba")
    inputs = synthetic_inputs(rate=-0.3 if peaked else -0.02, per_unit=per_unit, peaked=peaked)
    shocks = draw_demography_shocks(5, 0, 40, N_YEARS)
    full = (2020, 2026, 2020 + N_YEARS)
    fast = project(inputs, shocks, full_years=full, engine="numba")
    plain = project(inputs, shocks, full_years=full, engine="numpy")
    assert_results_close(fast, plain)
    if peaked:
        assert fast.flow("emigration_capped").sum() > 0


def test_year_loop_over_the_step_equals_project(engine):
    # The API of a coupled year step: prepare once, then rates and step once per year.
    inputs = synthetic_inputs(rate=-0.3, per_unit=True, peaked=True)
    shocks = draw_demography_shocks(2, 0, 7, N_YEARS)
    whole = project(inputs, shocks, engine=engine)
    plan = DemographyPlan.prepare(inputs, shocks, engine)
    state = plan.start()
    for t in range(N_YEARS):
        rates, e0 = plan.rates(t)
        year = plan.step(state, t, rates)
        assert isinstance(year, StepOutput)
        np.testing.assert_array_equal(year.stocks, whole.stocks[:, t])
        np.testing.assert_array_equal(year.flows, whole.flows[:, t])
        np.testing.assert_array_equal(e0, whole.e0[:, t])
    # the state ends at 1 January after the last year: its total is last year's plus the change
    change = whole.flow("births") - whole.flow("deaths") + whole.flow("net_migrants")
    np.testing.assert_allclose(state.by_age().sum(axis=(-1, -2)), whole.stock("total")[:, -1] + change[:, -1],
                               rtol=1e-12)


@pytest.mark.parametrize("phi", [0.0, 0.5, 0.9, -0.4, 1.0])
def test_ar1_filter_is_bitwise_lfilter(phi):
    x = np.random.default_rng(3).standard_normal((50, 41))
    np.testing.assert_array_equal(ar1_filter(x, phi), lfilter([1.0], [1.0, -phi], x, axis=-1))


def test_engine_choice(monkeypatch):
    monkeypatch.delenv(ENGINE_ENV, raising=False)
    try:
        import numba  # noqa: F401

        default = "numba"
    except ImportError:
        default = "numpy"
    assert resolve_engine() == default
    monkeypatch.setenv(ENGINE_ENV, "NumPy")
    assert resolve_engine() == "numpy"
    assert resolve_engine("numpy") == "numpy"
    monkeypatch.setenv(ENGINE_ENV, "fortran")
    with pytest.raises(ValueError, match="unknown engine 'fortran'"):
        resolve_engine()


def test_numpy_engine_when_numba_cannot_be_imported():
    # A fresh interpreter where importing numba fails: the default falls back to NumPy, and
    # asking for numba says how to install it.
    code = (
        "import sys; sys.modules['numba'] = None\n"
        "from fiscalsim.demography.step import resolve_engine\n"
        "assert resolve_engine() == 'numpy'\n"
        "try:\n    resolve_engine('numba')\nexcept ValueError as e:\n    print(e)\n"
    )
    env = {k: v for k, v in __import__("os").environ.items() if k != ENGINE_ENV}
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True)
    assert "[fast]" in out.stdout
