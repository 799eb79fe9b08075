"""Japan's books, the 2007 law's ratios and the Yubari scenario."""

import numpy as np
import pytest

from fiscalsim.demography.groups import disjoint_groups, nested_totals, spread_groups
from fiscalsim.demography.lifetable import default_ax, life_table
from fiscalsim.demography.schedules import wpp_mx_single
from fiscalsim.finance.books import book_set
from fiscalsim.finance.japan.ratios import early_deficit_threshold
from fiscalsim.finance.japan.settle import settle_general
from fiscalsim.scenario import load_scenario
from fiscalsim.simulate.engine import run_model
from fiscalsim.simulate.montecarlo import evaluate_rules, rule_lines
from fiscalsim.triggers import load_pack
from fiscalsim.units import UnitError, to_model_units

from .conftest import REPO

YUBARI = REPO / "scenarios" / "yubari" / "baseline.yaml"
OKU = 1e8  # 億円


def _rule(rid):
    return next(r for r in load_pack("japan_2007_statutory") if r.id == rid)


def _accounts(**kw):
    """A hand-worked set of accounts: one path, three years, yen."""
    base = {"real_deficit": [2.0, 4.0, 9.0], "consolidated_real_deficit": [3.0, 6.0, 12.0],
            "standard_fiscal_scale": [40.0, 40.0, 30.0], "debt_service_local": [8.0, 10.0, 12.0],
            "quasi_debt_service": [1.0, 2.0, 3.0], "debt_service_in_need": [2.0, 2.0, 3.0],
            "future_burden": [150.0, 160.0, 170.0], "future_burden_offsets": [10.0, 10.0, 20.0],
            "shortfall_enterprises": [1.0, 2.0, 5.0], "enterprise_scale": [10.0, 10.0, 10.0],
            "early_deficit_threshold": [0.15] * 3, "early_consolidated_threshold": [0.20] * 3}
    base.update(kw)
    return {k: np.array([v], dtype=float) * OKU if "threshold" not in k else np.array([v]) for k, v in base.items()}


def test_real_and_consolidated_deficit_ratios():
    lines = _accounts()
    assert _rule("jp_real_deficit_rehabilitation").indicator.evaluate(lines)[0] == pytest.approx([0.05, 0.10, 0.30])
    assert _rule("jp_consolidated_deficit_rehabilitation").indicator.evaluate(lines)[0] == pytest.approx(
        [0.075, 0.15, 0.40])


def test_real_debt_service_ratio_is_a_three_year_mean_of_a_minus_b_over_c_minus_b():
    lines = _accounts()
    yearly = [(8 + 1 - 2) / (40 - 2), (10 + 2 - 2) / (40 - 2), (12 + 3 - 3) / (30 - 3)]
    expected = [yearly[0], sum(yearly[:2]) / 2, sum(yearly) / 3]
    assert _rule("jp_debt_service_rehabilitation").indicator.evaluate(lines)[0] == pytest.approx(expected)


def test_future_burden_and_fund_shortfall_ratios():
    lines = _accounts()
    assert _rule("jp_future_burden_warning").indicator.evaluate(lines)[0] == pytest.approx(
        [140 / 38, 150 / 38, 150 / 27])
    assert _rule("jp_fund_shortfall_warning").indicator.evaluate(lines)[0] == pytest.approx([0.1, 0.2, 0.5])


def test_rehabilitation_lines_and_the_consolidated_transition():
    lines = _accounts()
    years = np.array([2007, 2010, 2012])
    held = _rule("jp_consolidated_deficit_rehabilitation").condition(years, lines)[0]
    assert held.tolist() == [False, False, True]  # 7.5 % < 40 %; 15 % < 35 %; 40 % ≥ 30 %
    assert _rule("jp_real_deficit_rehabilitation").condition(years, lines)[0].tolist() == [False, False, True]


def test_early_warning_threshold_scaling_tobishima_and_takasago():
    # 飛島村 (a small scale, under 50億円): 15.00 / 20.00 [official]
    small = early_deficit_threshold(np.array([30 * OKU]))
    assert round(float(small[0]) * 100, 2) == 15.00
    assert round(float(small[0] + 0.05) * 100, 2) == 20.00
    # 高砂市: 12.46 / 17.46 [official]; the formula's scale for 12.46 % is 2.5億 / 0.0246 = 101.63億
    takasago = early_deficit_threshold(np.array([2.5 / 0.0246 * OKU]))
    assert round(float(takasago[0]) * 100, 2) == 12.46
    assert round(float(takasago[0] + 0.05) * 100, 2) == 17.46
    assert early_deficit_threshold(np.array([50 * OKU, 200 * OKU, 500 * OKU])) == pytest.approx([0.15, 0.1125, 0.1125])


def test_series_threshold_reads_the_scaled_line():
    lines = _accounts(real_deficit=[5.5, 5.5, 5.5], early_deficit_threshold=[0.15, 0.125, 0.19])
    held = _rule("jp_real_deficit_warning").condition(np.array([2006, 2007, 2008]), lines)[0]
    assert held.tolist() == [False, True, False]  # 13.75 % vs 15 %, 13.75 % vs 12.5 %, 18.3 % vs 19 %


def test_settlement_balances_and_records_arrears():
    due = {"exp_personnel": np.array([10.0]), "exp_services": np.array([10.0]), "exp_capital": np.array([5.0]),
           "exp_arrears_repaid": np.array([2.0]), "exp_debt_interest": np.array([3.0])}
    gs = settle_general(due, resources=np.array([20.0]), deficit_start=np.array([4.0]), limit=np.array([6.0]))
    # gap = 30 + 4 − 20 = 14: 6 borrowed, 8 unpaid: capital 5, arrears 2, then 1 of 20 mandatory
    assert gs.borrowing_end[0] == 6.0 and gs.paid["exp_capital"][0] == 0.0
    assert gs.mandatory_unpaid[0] == pytest.approx(1.0)
    assert sum(v[0] for v in gs.paid.values()) + 4.0 == pytest.approx(20.0 + gs.borrowing_end[0])


def test_broad_groups_are_kept_and_nest():
    bounds = [(0, 14), (15, 64), (65, None), (75, None)]
    assert disjoint_groups(bounds) == [(0, 14), (15, 64), (65, 74), (75, 100)]
    assert nested_totals(bounds, np.array([1.0, 5.0, 4.0, 3.0])).tolist() == [1.0, 5.0, 1.0, 3.0]
    mx = wpp_mx_single(2005, "japan")
    pop = spread_groups(bounds, np.array([719, 5417, 4786, 2611]), life_table(mx, default_ax(mx)))
    assert pop[:, :15].sum() == pytest.approx(719) and pop[:, 65:].sum() == pytest.approx(4786)
    assert pop[:, 75:].sum() == pytest.approx(2611)
    with pytest.raises(ValueError):
        disjoint_groups([(0, 14), (10, 64), (65, None)])


def test_yen_is_its_own_currency():
    assert to_model_units(353, "億円", "yen") == 353e8
    with pytest.raises(UnitError):
        to_model_units(353, "亿元", "yen")


@pytest.fixture(scope="module")
def yubari():
    sc = load_scenario(YUBARI)
    return sc, run_model(sc, 3, 1, deterministic=True).finance


def test_yubari_books_balance_every_year(yubari):
    _, f = yubari
    for sources, uses in book_set("japan").books.values():
        gap = sum(f.lines[n] for n in sources) - sum(f.lines[n] for n in uses)
        assert np.abs(gap).max() < 1e-3  # yen


def test_yubari_base_year_reproduces_its_accounts(yubari):
    sc, f = yubari
    a = sc.accounts
    assert f["general_expenditure"][0, 0] == pytest.approx(a.expenditure)
    assert f["allocation_tax_ordinary"][0, 0] == pytest.approx(a.allocation_tax_ordinary)
    assert f["real_deficit"][0, 0] == pytest.approx(a.deficit_general_end)
    assert f["consolidated_real_deficit"][0, 0] == pytest.approx(a.deficit_general_end + a.shortfall_enterprises_end)


def test_yubari_is_in_distress_in_fy2007(yubari):
    """FY2007: above the rehabilitation lines of the deficit ratios and the early-warning line of
    the future burden (the national FY2007 results, FACTS_yubari §1)."""
    sc, f = yubari
    years = np.asarray(sc.years)
    lines = rule_lines(f.lines)
    ind, conditions, _ = evaluate_rules(sc, years, lines)
    t = int(np.flatnonzero(years == 2007)[0])
    held = {r.id: bool(c[0, t]) for r, c in zip(sc.rules, conditions, strict=True)}
    assert held["jp_real_deficit_rehabilitation"] and held["jp_consolidated_deficit_rehabilitation"]
    assert held["jp_future_burden_warning"]
    assert f["plan_active"][0, t] == 1.0  # the plan runs from FY2007
