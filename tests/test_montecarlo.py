"""Monte Carlo runs: invariance to chunking and workers, common random numbers, summaries."""

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fiscalsim.demography.step import ENGINE_ENV
from fiscalsim.report.run import summary_table
from fiscalsim.simulate import montecarlo, population
from fiscalsim.simulate.montecarlo import run_scenario
from fiscalsim.simulate.sampling import zero_variance
from fiscalsim.triggers import NEVER

N = 600  # with small_blocks: three computation blocks, the last partial


@pytest.fixture
def small_blocks(monkeypatch):
    """Computation blocks of 256 paths, so that a few hundred paths make several chunks (a path's
    results do not depend on the block size: test_a_path_does_not_depend_on_the_computation_block)."""
    monkeypatch.setattr(population, "COMPUTE_PATHS", 256)


def assert_same(a, b):
    np.testing.assert_array_equal(a.first_passage, b.first_passage)
    for k in a.series:
        np.testing.assert_array_equal(a.series[k], b.series[k])
    for k in a.indicators:
        np.testing.assert_array_equal(a.indicators[k], b.indicators[k])
    np.testing.assert_array_equal(a.pyramid, b.pyramid)


# small_blocks sets one constant for every example, so sharing it between examples is intended
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(1, 600))
def test_results_identical_for_any_chunk_size(hegang, small_blocks, chunk):
    assert_same(run_scenario(hegang, N, 5, chunk_paths=N), run_scenario(hegang, N, 5, chunk_paths=chunk))


@pytest.mark.parametrize("engine", ["numba", "numpy"])
def test_results_identical_for_any_number_of_workers(hegang, engine, small_blocks, monkeypatch):
    if engine == "numba":
        pytest.importorskip("numba")
    monkeypatch.setenv(ENGINE_ENV, engine)  # the workers inherit it
    one = run_scenario(hegang, 600, 9, jobs=1, chunk_paths=256)
    two = run_scenario(hegang, 600, 9, jobs=2, chunk_paths=256)
    assert_same(one, two)


@pytest.mark.parametrize("engine", ["numba", "numpy"])
def test_a_path_does_not_depend_on_the_computation_block(hegang, engine, monkeypatch):
    # The computation block is a speed setting: every kernel works path by path, so blocks of 100
    # paths (not even aligned with the seed tree's 256) give the default's results bit for bit.
    if engine == "numba":
        pytest.importorskip("numba")
    monkeypatch.setenv(ENGINE_ENV, engine)
    n = population.COMPUTE_PATHS + 76  # two default blocks, the second partial
    default = run_scenario(hegang, n, 6)
    monkeypatch.setattr(population, "COMPUTE_PATHS", 100)
    assert len(population.path_blocks(n)) == -(-n // 100)
    assert_same(default, run_scenario(hegang, n, 6))


def test_pyramid_kept_for_the_first_paths_whatever_the_chunking(hegang, small_blocks, monkeypatch):
    monkeypatch.setattr(montecarlo, "PYRAMID_PATHS", 550)  # inside the second block
    whole = run_scenario(hegang, 600, 4, chunk_paths=600)
    assert whole.pyramid.shape == (550, 2, 2, 101)
    for chunk in (1, 256, 512):
        assert_same(whole, run_scenario(hegang, 600, 4, chunk_paths=chunk))
    # the kept pyramids are those of the first paths of an unbounded run
    monkeypatch.setattr(montecarlo, "PYRAMID_PATHS", 10**9)
    np.testing.assert_array_equal(run_scenario(hegang, 600, 4).pyramid[:550], whole.pyramid)


def test_rules_with_one_indicator_share_its_array(hegang):
    res = run_scenario(hegang, 20, 2)
    by_indicator = {}
    for r in hegang.rules:
        first = by_indicator.setdefault(r.indicator, r.id)
        assert res.indicators[r.id] is res.indicators[first]


def test_an_indicator_that_is_a_key_series_is_its_array(hegang, small_blocks):
    res = run_scenario(hegang, 600, 2)  # three blocks: the sharing holds in the gathered result
    bare = [r for r in hegang.rules if r.indicator.line in res.series]
    assert {r.indicator.line for r in bare} >= {"government_debt_arrears", "sanbao_unpaid", "arrears_lgfv"}
    for r in bare:
        assert res.indicators[r.id] is res.series[r.indicator.line]
    # and it is what the rule evaluates: unpaid service above 1 % of general expenditure (its
    # materiality), from the first evaluated year
    j = res.rule_ids.index("china_government_default")
    s = res.series
    crossed = (s["government_debt_arrears"] > 0.01 * s["general_expenditure"])[:, res.years >= res.evaluated_from]
    assert ((res.first_passage[:, j] != NEVER) == crossed.any(axis=1)).all()
    assert 0 < crossed.any(axis=1).mean() < 1


def test_common_random_numbers_pair_scenarios(hegang):
    # Two scenarios differing only in a finance assumption see the same demographic shocks: with
    # the feedbacks off (budgets cannot reach people) their populations are identical; with them on
    # they are identical until the finance difference has had a year to act.
    from .test_coupled import feedbacks_off

    for sc, same_years in ((feedbacks_off(hegang), len(hegang.years)), (hegang, 2)):
        fin = dataclasses.replace(sc.finance, new_general_bonds=sc.finance.new_general_bonds * 2)
        other = dataclasses.replace(sc, finance=fin)
        a = run_scenario(sc, 50, 77)
        b = run_scenario(other, 50, 77)
        np.testing.assert_array_equal(a.series["population"][:, :same_years], b.series["population"][:, :same_years])
        assert not np.array_equal(a.series["debt_government"], b.series["debt_government"])


def test_zero_variance_run_equals_deterministic_projection(hegang):
    sc = zero_variance(hegang)
    assert sc.uncertain  # the baseline's stated uncertainties are there, made degenerate
    stochastic = run_scenario(sc, 4, 31)
    deterministic = run_scenario(sc, 4, 0, deterministic=True)
    assert_same(stochastic, deterministic)


def test_summary_probabilities_and_medians_match_first_passage(hegang):
    res = run_scenario(hegang, 200, 3)
    table = summary_table(res).set_index("rule")
    for j, rid in enumerate(res.rule_ids):
        col = res.first_passage[:, j]
        assert table.loc[rid, "p_by_2030"] == pytest.approx(np.mean(col <= 2030))
        expected_median = np.sort(col)[int(np.ceil(0.5 * len(col))) - 1]
        assert table.loc[rid, "median_year"] == expected_median
    assert table["share_first"].sum() + table.attrs["share_none"] == pytest.approx(1.0)
    # Rules are evaluated from the first projected year: nothing fires in the base year.
    assert (res.first_passage[res.first_passage != NEVER] > 2020).all()


def test_share_with_workers_consumes_every_task_once():
    from fiscalsim.simulate.workers import share_with_workers

    got = {}
    share_with_workers(2, pow, [(i, 2) for i in range(7)], lambda i, r: got.__setitem__(i, got.get(i, []) + [r]))
    assert got == {i: [i * i] for i in range(7)}


def test_share_with_workers_leaves_the_caller_a_task():
    # two tasks and one worker: the worker is handed the first, this process does the second
    # itself instead of waiting a second for the worker to start and do both
    import os

    from fiscalsim.simulate.workers import share_with_workers

    got = {}
    share_with_workers(2, os.getpid, [(), ()], got.__setitem__)
    assert got[1] == os.getpid() != got[0]


def test_share_with_workers_raises_a_worker_failure():
    import math

    from fiscalsim.simulate.workers import share_with_workers

    with pytest.raises(ValueError, match="math domain error"):
        share_with_workers(2, math.sqrt, [(-1.0,), (4.0,), (9.0,)], lambda i, r: None)
