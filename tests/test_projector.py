"""The vectorised projector against the reference step, and its stochastic invariances."""

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fiscalsim.demography import schedules
from fiscalsim.demography.ccmpp import YearRates, ccmpp_step
from fiscalsim.demography.lifetable import cohort_survival_fast, default_ax
from fiscalsim.demography.projector import (
    AR1,
    FERTILE,
    STOCK_BANDS,
    DemographyInputs,
    DemographyShocks,
    normalise_intensity,
    project,
    realised_processes,
)
from fiscalsim.demography.retirement import CHINA_2025_REFORM, RetirementSchedule
from fiscalsim.simulate.population import draw_demography_shocks, run_population

N_YEARS = 12


def synthetic_inputs(rate=-0.02, per_unit=False, peaked=False, sigma=True):
    rng = np.random.default_rng(7)
    years = np.arange(2020, 2020 + N_YEARS)
    base = rng.uniform(50, 500, (2, 2, 101))
    mx = schedules.wpp_mx_single(2020)
    lc = schedules.lee_carter_from_wpp(2022, 2047)
    shape = np.ones((2, 101))
    if peaked:  # all migration concentrated on a few ages: out-migration empties cells
        shape[:, 20:23] = 200.0
    targets = np.full((2, N_YEARS), rate)
    if per_unit:
        targets[1] *= 0.3
    return DemographyInputs(
        unit_names=("a", "b"), years=years, base_population=base, mx_base=mx[None],
        lc_bx=lc.bx, lc_drift=lc.drift, lc_sigma=0.02 if sigma else 0.0,
        tfr_target=np.full(N_YEARS, 1.1), tfr_process=AR1(0.8, 0.1 if sigma else 0.0),
        fertility_pattern=np.tile(schedules.wpp_fertility_pattern(2020), (N_YEARS, 1)),
        srb=np.full(N_YEARS, 1.1), migration_rate_target=targets,
        migration_process=AR1(0.5, 0.01 if sigma else 0.0),
        migration_intensity=normalise_intensity(shape, base),
        retirement=RetirementSchedule(CHINA_2025_REFORM, 0.5),
    )


def reference_projection(inputs, shocks):
    """The projection written plainly with the age-indexed reference step."""
    tfr, k, mig = realised_processes(inputs, shocks)
    a0 = default_ax(inputs.mx_base[0])[:, 0]
    pop = np.broadcast_to(inputs.base_population, (shocks.n_paths,) + inputs.base_population.shape).copy()
    totals, births, deaths, migrants, capped, pops = [], [], [], [], [], [pop]
    for t in range(inputs.n_years):
        totals.append(pop.sum(axis=(-1, -2)))
        mx = np.exp(np.log(inputs.mx_base[0]) - inputs.lc_bx * k[:, t, None, None])
        S, Sb, _ = cohort_survival_fast(mx, a0)
        rates = YearRates(S[:, None], Sb[:, None], (tfr[:, t, None] * inputs.fertility_pattern[t])[:, None],
                          float(inputs.srb[t]), mig[:, t, :], inputs.migration_intensity)
        pop, fl = ccmpp_step(pop, rates, FERTILE)
        pops.append(pop)
        births.append(fl.births.sum(-1))
        deaths.append(fl.deaths.sum(-1))
        migrants.append(fl.migrants.sum(-1))
        capped.append(fl.emigration_capped.sum(-1))
    stack = lambda xs: np.stack(xs, axis=1)  # noqa: E731
    return stack(totals), stack(births), stack(deaths), stack(migrants), stack(capped), pops


@pytest.mark.parametrize("per_unit,peaked", [(False, False), (True, False), (False, True), (True, True)])
def test_ring_buffer_projection_equals_reference_step(per_unit, peaked, engine):
    inputs = synthetic_inputs(rate=-0.3 if peaked else -0.02, per_unit=per_unit, peaked=peaked)
    shocks = draw_demography_shocks(11, 0, 9, N_YEARS)
    res = project(inputs, shocks, full_years=(2020, 2025, 2020 + N_YEARS), engine=engine)
    totals, births, deaths, migrants, capped, pops = reference_projection(inputs, shocks)
    np.testing.assert_allclose(res.stock("total"), totals, rtol=1e-10)
    np.testing.assert_allclose(res.flow("births"), births, rtol=1e-10)
    np.testing.assert_allclose(res.flow("deaths"), deaths, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(res.flow("net_migrants"), migrants, rtol=1e-10, atol=1e-7)
    np.testing.assert_allclose(res.flow("emigration_capped"), capped, rtol=1e-9, atol=1e-7)
    for i, t in enumerate((0, 5, N_YEARS)):
        np.testing.assert_allclose(res.full[:, i], pops[t], rtol=1e-10, atol=1e-8)
    if peaked:
        assert capped.sum() > 0  # the case exercises capping


def test_accounting_identity_per_unit_and_year(engine):
    inputs = synthetic_inputs(rate=-0.3, peaked=True)
    res = project(inputs, draw_demography_shocks(3, 0, 20, N_YEARS), full_years=(2020 + N_YEARS,), engine=engine)
    total = res.stock("total")
    end = res.full[:, 0].sum(axis=(-1, -2))
    nxt = np.concatenate([total[:, 1:], end[:, None]], axis=1)
    change = res.flow("births") - res.flow("deaths") + res.flow("net_migrants")
    np.testing.assert_allclose(nxt, total + change, rtol=1e-10)
    assert res.full.min() >= 0


@pytest.mark.parametrize("engine", ["numpy", "numba"])
@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**32))
def test_zero_variance_run_equals_deterministic_projection(engine, seed):
    if engine == "numba":
        pytest.importorskip("numba")
    inputs = synthetic_inputs(sigma=False)
    noisy = project(inputs, draw_demography_shocks(seed, 0, 4, N_YEARS), engine=engine)
    deterministic = project(inputs, DemographyShocks.zeros(4, N_YEARS), engine=engine)
    np.testing.assert_array_equal(noisy.stocks, deterministic.stocks)
    np.testing.assert_array_equal(noisy.flows, deterministic.flows)
    # ... and every path is the one deterministic path (numba: exactly, each path is computed
    # alone; numpy: up to BLAS rounding across rows).
    single = project(inputs, DemographyShocks.zeros(1, N_YEARS), engine=engine)
    np.testing.assert_allclose(noisy.stocks, np.repeat(single.stocks, 4, axis=0), rtol=0 if engine == "numba" else 1e-13)


@pytest.mark.parametrize("engine", ["numpy", "numba"])
@settings(max_examples=8, deadline=None)
@given(st.integers(1, 700), st.integers(0, 2**32))
def test_results_do_not_depend_on_chunk_size(engine, chunk, seed):
    if engine == "numba":
        pytest.importorskip("numba")
    inputs = synthetic_inputs()
    whole = run_population(inputs, 600, seed, chunk_paths=600, engine=engine)
    chunked = run_population(inputs, 600, seed, chunk_paths=chunk, engine=engine)
    np.testing.assert_array_equal(whole.stocks, chunked.stocks)
    np.testing.assert_array_equal(whole.flows, chunked.flows)


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**63 - 1))
def test_same_seed_same_result_and_different_seed_differs(seed):
    inputs = synthetic_inputs()
    a = run_population(inputs, 5, seed)
    b = run_population(inputs, 5, seed)
    c = run_population(inputs, 5, seed + 1)
    np.testing.assert_array_equal(a.stocks, b.stocks)
    assert not np.array_equal(a.stocks, c.stocks)


def test_bands_partition_the_population(engine):
    inputs = synthetic_inputs()
    res = project(inputs, draw_demography_shocks(1, 0, 3, N_YEARS), full_years=(2030,), engine=engine)
    col = {n: i for i, n in enumerate(STOCK_BANDS)}
    s = res.stocks
    np.testing.assert_allclose(s[..., col["male"]] + s[..., col["female"]], s[..., col["total"]], rtol=1e-12)
    for sex in ("male", "female"):
        under16 = res.full[:, 0, :, 0 if sex == "male" else 1, :16].sum(-1)
        parts = s[:, 10, :, col[f"working_age_{sex}"]] + s[:, 10, :, col[f"retirement_age_{sex}"]] + under16
        np.testing.assert_allclose(parts, s[:, 10, :, col[sex]], rtol=1e-12)
    kids = res.full[:, 0, :, :, :18].sum(axis=(-1, -2))
    bands = sum(s[:, 10, :, col[b]] for b in ("age_0_2", "age_3_5", "age_6_14", "age_15_17"))
    np.testing.assert_allclose(bands, kids, rtol=1e-12)


def test_unit_specific_mortality_is_refused_clearly(engine):
    inputs = synthetic_inputs()
    bad = dataclasses.replace(inputs, mx_base=np.stack([inputs.mx_base[0]] * 2))
    with pytest.raises(NotImplementedError):
        project(bad, DemographyShocks.zeros(1, N_YEARS), engine=engine)
