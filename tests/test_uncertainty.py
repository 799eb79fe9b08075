"""Scenario composition (extends, overrides, tables) and uncertain parameters."""

import textwrap

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from fiscalsim.scenario import ScenarioError, bundled_scenario, load_scenario
from fiscalsim.scenario.uncertainty import Distribution, Process
from fiscalsim.simulate.montecarlo import run_scenario
from fiscalsim.simulate.sampling import draw_normals, materialise

BASE = bundled_scenario().resolve()


def variant(tmp_path, body, name="variant.yaml"):
    path = tmp_path / name
    path.write_text(f"extends: {BASE}\n" + textwrap.dedent(body), encoding="utf-8")
    return path


U = np.array([0.1, 0.5, 0.9])


@pytest.mark.parametrize("dist,expected", [
    (Distribution("normal", (("mean", 2.0), ("sd", 0.5))), stats.norm.ppf(U, 2.0, 0.5)),
    (Distribution("lognormal", (("median", 3.0), ("sigma", 0.2))), 3.0 * np.exp(0.2 * stats.norm.ppf(U))),
    (Distribution("uniform", (("low", 1.0), ("high", 3.0))), [1.2, 2.0, 2.8]),
    (Distribution("triangular", (("low", 0.0), ("mode", 1.0), ("high", 2.0))),
     [np.sqrt(0.2), 1.0, 2 - np.sqrt(0.2)]),  # symmetric triangle, by hand
    (Distribution("beta", (("alpha", 1.0), ("beta", 1.0), ("low", 0.0), ("high", 4.0))), [0.4, 2.0, 3.6]),
    (Distribution("fixed", (("value", 7.0),)), [7.0, 7.0, 7.0]),
])
def test_distribution_quantiles(dist, expected):
    np.testing.assert_allclose(dist.ppf(U), expected, rtol=1e-9)


def test_processes_start_at_zero_and_follow_their_recursions():
    eps = np.array([[5.0, 1.0, 0.0, 2.0]])
    ar = Process("ar1", (("phi", 0.5), ("sigma", 2.0))).deviations(eps)
    np.testing.assert_allclose(ar, [[0.0, 2.0, 1.0, 4.5]])  # 0; 2·1; 0.5·2; 0.5·1 + 2·2
    rw = Process("random_walk", (("drift", 0.1), ("sigma", 1.0))).deviations(eps)
    np.testing.assert_allclose(rw, [[0.0, 1.1, 1.2, 3.3]])


def test_extends_merges_and_reports_the_file_that_set_a_key(tmp_path):
    path = variant(tmp_path, """
        name: cheaper-money
        debt:
          market_rate: {value: 2.5, unit: percent per year, source: "what-if"}
        """)
    sc = load_scenario(path)
    assert sc.name == "cheaper-money"
    assert sc.finance.market_rate[5] == pytest.approx(0.025)
    assert sc.finance.coupon_bonds == pytest.approx(0.035)  # inherited
    assert "# file: baseline.yaml" in sc.text and "# file: variant.yaml" in sc.text
    bad = variant(tmp_path, """
        debt:
          market_rate: {value: 2.5, unit: percent, source: "what-if"}
        """, "bad.yaml")
    with pytest.raises(ScenarioError) as info:
        load_scenario(bad)
    assert info.value.file == str(bad) and info.value.line == 4 and "per year" in str(info.value)
    # errors in keys inherited from the base still point at the base file
    with pytest.raises(ScenarioError) as info:
        load_scenario(BASE, ["demography.fertility.tfr.unit=births"])
    assert "--set" in info.value.file


def test_extends_cycle_and_missing_base(tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("extends: b.yaml\n")
    b.write_text("extends: a.yaml\n")
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(a)
    c = tmp_path / "c.yaml"
    c.write_text("extends: nowhere.yaml\n")
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenario(c)


def test_overrides_change_one_value(tmp_path):
    sc = load_scenario(BASE, ["simulation.horizon=2040", "staffing.hires_per_retirement.value=0.5"])
    assert sc.years[-1] == 2040
    assert sc.finance.hires_per_retirement[3] == 0.5
    with pytest.raises(ScenarioError, match="key.path=value"):
        load_scenario(BASE, ["nonsense"])


def test_csv_table_path(tmp_path):
    (tmp_path / "bonds.csv").write_text("year,amount\n2021,4\n2030,2\n")
    path = variant(tmp_path, """
        debt:
          new_general_bonds: {table: {file: bonds.csv, column: amount}, unit: 亿元, source: "plan"}
        """)
    sc = load_scenario(path)
    years = list(sc.years)
    assert sc.finance.new_general_bonds[years.index(2021)] == pytest.approx(4e8)
    assert sc.finance.new_general_bonds[years.index(2025)] == pytest.approx(4e8 - 2e8 * 4 / 9)
    (tmp_path / "bonds.csv").write_text("year,amount\n2021,x\n")
    with pytest.raises(ScenarioError, match="row 2"):
        load_scenario(path)


def test_unbounded_draws_need_a_clip_inside_the_range(tmp_path):
    body = """
        finance:
          provincial_substitute_share: {distribution: {kind: normal, mean: 0.5, sd: 0.2}, unit: ratio, source: s}
        """
    with pytest.raises(ScenarioError, match="add clip"):
        load_scenario(variant(tmp_path, body))
    ok = body.replace("source: s}", "clip: [0, 1], source: s}")
    keys = [u.key for u in load_scenario(variant(tmp_path, ok, "ok.yaml")).uncertain]
    assert "finance.provincial_substitute_share" in keys


def test_a_parameter_outside_the_registry_cannot_be_uncertain(tmp_path):
    path = variant(tmp_path, """
        accounts:
          expenditure: {distribution: {kind: uniform, low: 1300000, high: 1400000}, unit: 万元, source: s}
        """)
    with pytest.raises(ScenarioError, match="accounts are data") as info:
        load_scenario(path)
    assert info.value.file == str(path)


COPULA = """
    economy:
      wage_growth: {distribution: {kind: normal, mean: 4, sd: 1}, clip: [-10, 30], unit: percent per year, source: s}
      inflation: {distribution: {kind: normal, mean: 2, sd: 1}, clip: [-10, 30], unit: percent per year, source: s}
    uncertainty:
      correlations:
        - {between: [economy.wage_growth, economy.inflation], rho: 0.8, source: "assumption: wages follow prices"}
    """


def test_gaussian_copula_correlates_draws(tmp_path):
    sc = load_scenario(variant(tmp_path, COPULA))
    z = draw_normals(list(sc.uncertain), sc.copula, 11, 0, 20_000)
    rho = np.corrcoef(z["economy.wage_growth"], z["economy.inflation"])[0, 1]
    assert rho == pytest.approx(0.8, abs=0.02)
    inputs = materialise({"demography": sc.demography, "economy": sc.economy, "finance": sc.finance,
                          "feedbacks": sc.feedbacks},
                         list(sc.uncertain), sc.copula, 11, 0, 2000, np.asarray(sc.years), 8)
    wages = inputs["economy"].wage_growth
    assert wages.shape == (2000, len(sc.years))
    assert np.mean(wages[:, 0]) == pytest.approx(0.04, abs=0.002)
    assert np.std(wages[:, 0]) == pytest.approx(0.01, abs=0.001)


def test_invalid_correlation_matrix(tmp_path):
    bad = COPULA.replace("rho: 0.8", "rho: 1.5")
    with pytest.raises(ScenarioError, match="strictly between"):
        load_scenario(variant(tmp_path, bad))
    with pytest.raises(ScenarioError, match="did you mean 'economy.inflation'"):
        load_scenario(variant(tmp_path, COPULA.replace("economy.inflation]", "economy.inflaton]"), "c.yaml"))


EVERYTHING = """
    demography:
      fertility:
        tfr: {value: 0.735, process: {kind: ar1, phi: 0.5, sigma: 0.05}, clip: [0.3, 1.5], unit: children per woman, source: s}
        srb: {distribution: {kind: uniform, low: 1.05, high: 1.12}, unit: males per female, source: s}
      migration:
        rate: {distribution: {kind: triangular, low: -2, mode: -1.43, high: -0.8}, unit: percent per year, source: s}
    economy:
      coal_depletion: {distribution: {kind: beta, alpha: 2, beta: 2, low: 1, high: 5}, unit: percent per year, source: s}
    finance:
      personnel_share: {distribution: {kind: triangular, low: 0.22, mode: 0.28, high: 0.34}, unit: ratio, source: s}
    staffing:
      staff_per_1000: {distribution: {kind: lognormal, median: 40, sigma: 0.1}, clip: [25, 60], unit: per 1000 residents, source: s}
      hires_per_retirement: {value: 1.0, process: {kind: random_walk, drift: -0.01, sigma: 0.02}, clip: [0, 2], unit: ratio, source: s}
    debt:
      lgfv_debt: {distribution: {kind: uniform, low: 125.87, high: 168.87}, unit: 亿元, source: s}
      refinancing_share_lgfv: {value: 0.7, process: {kind: ar1, phi: 0.8, sigma: 0.05}, clip: [0, 1], unit: ratio, source: s}
    """


def test_uncertain_inputs_run_with_invariances_and_identities(tmp_path):
    from fiscalsim.simulate.engine import run_model
    from tests.test_finance_model import check_identities

    sc = load_scenario(variant(tmp_path, EVERYTHING))
    keys = {u.key for u in sc.uncertain}
    assert {"demography.fertility.tfr", "demography.migration.rate", "economy.coal_depletion",
            "staffing.hires_per_retirement", "debt.refinancing_share_lgfv"} <= keys
    a = run_scenario(sc, 300, 8, chunk_paths=300)
    b = run_scenario(sc, 300, 8, chunk_paths=100)
    np.testing.assert_array_equal(a.first_passage, b.first_passage)
    check_identities(run_model(sc, 20, 8).finance)
    # Draws really vary by path, and the deterministic run uses the central values.
    assert np.std(a.series["staff"][:, 0]) > 0
    central = run_scenario(sc, 1, 0, deterministic=True)
    assert central.series["staff"][0, 0] == pytest.approx(40 * sc.demography.base_population.sum() / 1000)


def test_adding_an_uncertain_parameter_does_not_shift_the_others(tmp_path):
    head = COPULA.split("uncertainty:")[0].rstrip(" ")
    one = load_scenario(variant(tmp_path, head))
    extra = head + "    finance:\n      land_cost_share: {distribution: {kind: uniform, low: 0.4, high: 0.6}, unit: ratio, source: s}\n"
    two = load_scenario(variant(tmp_path, extra, "two.yaml"))
    za = draw_normals(list(one.uncertain), None, 3, 0, 50)
    zb = draw_normals(list(two.uncertain), None, 3, 0, 50)
    np.testing.assert_array_equal(za["economy.wage_growth"], zb["economy.wage_growth"])


@settings(max_examples=80)
@given(seed=st.integers(0, 2**32 - 1), loc=st.floats(-1e6, 1e6), scale=st.floats(1e-6, 1e6),
       mode=st.floats(0, 1), n=st.integers(1, 50))
def test_distribution_functions_without_scipy_stats_equal_scipy_stats_bitwise(seed, loc, scale, mode, n):
    """The draws' normal CDF and normal and triangular inverse CDFs (fiscalsim.scenario.inverse_cdf)
    give the very numbers scipy.stats gives, edge cases (0, 1, zero scale) included."""
    from fiscalsim.scenario.inverse_cdf import normal_cdf, normal_ppf, triangular_ppf

    rng = np.random.default_rng(seed)
    normals = rng.standard_normal(n) * 4
    u = np.clip(stats.norm.cdf(normals), 1e-12, 1 - 1e-12)
    edges = np.array([0.0, 1e-12, 0.5, 1 - 1e-12, 1.0])

    def same(a, b) -> bool:
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()

    assert same(normal_cdf(normals), stats.norm.cdf(normals))
    assert same(normal_cdf(np.array([-np.inf, np.inf, np.nan])), stats.norm.cdf([-np.inf, np.inf, np.nan]))
    for q in (u, edges, np.array(0.5)):
        assert same(normal_ppf(q), stats.norm.ppf(q))
        assert same(normal_ppf(q, loc, scale), stats.norm.ppf(q, loc=loc, scale=scale))
        assert same(triangular_ppf(q, mode, loc, scale), stats.triang.ppf(q, mode, loc=loc, scale=scale))
        with np.errstate(invalid="ignore"):  # scipy's bounds of a zero-scale normal: ±inf × 0
            assert same(normal_ppf(q, loc, 0.0), stats.norm.ppf(q, loc=loc, scale=0.0))
            assert same(triangular_ppf(q, mode, loc, 0.0), stats.triang.ppf(q, mode, loc=loc, scale=0.0))
