"""Policy levers, each checked path by path against the baseline with common random numbers."""

import textwrap

import numpy as np
import pytest

from fiscalsim.scenario import ScenarioError, bundled_scenario, load_scenario
from fiscalsim.simulate.engine import run_model
from fiscalsim.simulate.montecarlo import run_scenario
from fiscalsim.triggers import NEVER

from .test_finance_model import check_identities

BASE = bundled_scenario().resolve()
SEED, N = 17, 40
# A lever's own effect, everything else equal: the feedbacks (tested in test_coupled.py) are off,
# so that the people are the same on every path of the baseline and the option.
NO_FEEDBACKS = [f'feedbacks.{name}.enabled="off"' for name in ("jobs_migration", "austerity_migration",
                                                               "establishment")]


def variant(tmp_path, body, name="v.yaml"):
    path = tmp_path / name
    path.write_text(f"extends: {BASE}\npolicies:\n" + textwrap.indent(textwrap.dedent(body), "  "), encoding="utf-8")
    return load_scenario(path, NO_FEEDBACKS)


@pytest.fixture(scope="module")
def hegang_fixed():
    return load_scenario(BASE, NO_FEEDBACKS)


@pytest.fixture(scope="module")
def base_run(hegang_fixed):
    return run_model(hegang_fixed, N, SEED).finance


def years_from(f, year):
    return np.asarray(f.years) >= year


def test_hiring_freeze_lowers_personnel_cost_on_every_path(tmp_path, base_run):
    sc = variant(tmp_path, """
        hiring: {from: 2026, hires_per_retirement: {value: 0, unit: ratio, source: "option: hiring freeze"}}
        """)
    f = run_model(sc, N, SEED).finance
    after = years_from(f, 2027)
    before = ~years_from(f, 2026)
    np.testing.assert_array_equal(f["exp_personnel"][:, before], base_run["exp_personnel"][:, before])
    assert np.all(f["staff"][:, after] < base_run["staff"][:, after])
    # personnel cost is headcount × cost per head × wages: lower on every path once staff retire
    assert np.all(f["exp_personnel"][:, after] <= base_run["exp_personnel"][:, after] + 1e-6)
    assert np.all(f["exp_personnel"][:, -1] < base_run["exp_personnel"][:, -1])
    check_identities(f)


def test_one_for_three_hiring_by_hand(tmp_path, base_run):
    sc = variant(tmp_path, """
        hiring: {from: 2026, hires_per_retirement: {value: 0.3333333333333333, unit: ratio, source: "option: 1 for 3"}}
        """)
    f = run_model(sc, N, SEED).finance
    t = list(f.years).index(2030)
    np.testing.assert_allclose(f["staff_hires"][:, t], f["staff_retirements"][:, t] / 3, rtol=1e-12)


def test_merge_removes_merged_units_overhead_on_its_ramp(tmp_path, base_run, hegang_fixed):
    names = list(hegang_fixed.demography.unit_names)
    sc = variant(tmp_path, f"""
        merge_units:
          from: 2026
          groups: [[{names[0]}, {names[1]}, {names[2]}], [{names[3]}, {names[4]}, {names[5]}]]
          ramp_years: 4
          transition_cost: {{value: 2, unit: 亿元, source: "assumption: one-off merger cost"}}
        """)
    res = run_model(sc, N, SEED)
    f, years = res.finance, list(res.finance.years)
    base_units = run_model(hegang_fixed, N, SEED).finance.units["unit_overhead"]
    units = f.units["unit_overhead"]
    for year, kept in ((2025, 1.0), (2026, 0.75), (2027, 0.5), (2028, 0.25), (2029, 0.0), (2040, 0.0)):
        t = years.index(year)
        for i in (1, 2, 4, 5):  # merged into units 0 and 3
            np.testing.assert_allclose(units[:, t, i], kept * base_units[:, t, i], rtol=1e-12)
        for i in (0, 3, 6, 7):
            np.testing.assert_allclose(units[:, t, i], base_units[:, t, i], rtol=1e-12)
    # four units' overhead saved in full after the ramp (in what is due: paths short of money pay
    # less than is due in both runs); the transition cost is spent over the ramp
    t = years.index(2035)
    saved = base_run["sanbao_due"][:, t] - f["sanbao_due"][:, t]
    np.testing.assert_allclose(saved, 4 * base_units[:, t, 1], rtol=1e-12)
    for k, y in enumerate(range(2026, 2030)):  # due: 0.5亿 of transition cost a year, less the saving so far
        t = years.index(y)
        saving = 4 * (k + 1) / 4 * base_units[:, t, 1]
        np.testing.assert_allclose(f["sanbao_due"][:, t] - base_run["sanbao_due"][:, t], 0.5e8 - saving, rtol=1e-9)
    check_identities(f)


def test_deeper_transfer_cut_never_makes_a_trigger_later(tmp_path):
    def cut(share, name):
        return variant(tmp_path, f"""
            transfer_cut: {{from: 2022, share: {{value: {share}, unit: percent, source: "option"}}}}
            """, name)

    mild = run_scenario(cut(10, "a.yaml"), 200, SEED)
    deep = run_scenario(cut(20, "b.yaml"), 200, SEED)
    assert np.all(deep.first_passage <= mild.first_passage)
    liquidity = mild.rule_ids.index("china_sanbao_unfunded")
    assert np.mean(deep.first_passage[:, liquidity]) < np.mean(mild.first_passage[:, liquidity])


def test_debt_swap_moves_lgfv_debt_into_general_bonds(tmp_path, base_run):
    sc = variant(tmp_path, """
        debt_swap: {year: 2024, amount: {value: 30, unit: 亿元, source: "option: swap"}}
        """)
    f = run_model(sc, N, SEED).finance
    t = list(f.years).index(2024)
    np.testing.assert_allclose(f["debt_swap"][:, t], 30e8)
    check_identities(f)
    assert np.all(f["debt_lgfv"][:, t] < base_run["debt_lgfv"][:, t])
    assert np.all(f["debt_general"][:, t] > base_run["debt_general"][:, t])


def test_capital_project_is_financed_by_special_bonds(tmp_path, base_run):
    sc = variant(tmp_path, """
        capital_project:
          cost: {path: {2022: 10, 2024: 10}, interpolation: step, unit: 亿元, source: "30多亿 reservoir (seed 004)"}
          bond_share: {value: 0.8, unit: ratio, source: "assumption"}
          revenue: {path: {2025: 0.3, 2060: 0.3}, unit: 亿元, source: "assumption: revenue does not cover cost"}
        """)
    f = run_model(sc, N, SEED).finance
    years = list(f.years)
    extra = f["special_bond_issuance"] - base_run["special_bond_issuance"]
    for y in (2022, 2023, 2024):  # 8亿 of project bonds, within the new-bond quota of the year
        i = years.index(y)
        np.testing.assert_allclose(extra[:, i], 8e8 * f["new_bond_quota"][:, i], rtol=1e-9)
    assert np.all(extra[:, years.index(2025)] == 0)
    np.testing.assert_allclose(f["project_revenue"][:, years.index(2030)], 0.3e8)
    check_identities(f)


def test_restructuring_response_freezes_hiring_after_the_trigger_fires(tmp_path):
    sc = variant(tmp_path, """
        restructuring:
          trigger: china_government_default
          hiring_freeze: "yes"
          capital_stop: "yes"
          other_cut: {value: 0.5, unit: ratio, source: "88号: zero growth of non-essential spending"}
          land_to_debt: "yes"
          asset_sales: {value: 1, unit: 亿元, source: "assumption"}
          provincial_aid: {value: 5, unit: 亿元, source: "assumption: temporary aid"}
          aid_years: 3
        """)
    res = run_scenario(sc, N, SEED)
    f = run_model(sc, N, SEED).finance
    col = res.rule_ids.index("china_government_default")
    years = np.asarray(f.years)
    for p in range(N):
        fired = res.first_passage[p, col]
        if fired == NEVER:
            assert not f["restructured"][p].any()
            continue
        after = years > fired
        assert np.all(f["restructured"][p, after] == 1) and not f["restructured"][p, years <= fired].any()
        assert np.all(f["staff_hires"][p, after] == 0) and np.all(f["exp_capital"][p, after] == 0)
        aid_years = (years > fired) & (years <= fired + 3)
        np.testing.assert_allclose(f["provincial_aid"][p, aid_years], 5e8)
    assert (res.first_passage[:, col] != NEVER).any()
    check_identities(f)


def test_lever_errors_are_clear(tmp_path, hegang):
    with pytest.raises(ScenarioError, match="unknown unit 'Xiangyang'"):
        variant(tmp_path, """
            merge_units:
              from: 2026
              groups: [[Xiangyang, 工农区]]
              ramp_years: 2
              transition_cost: {value: 0, unit: 亿元, source: s}
            """)
    with pytest.raises(ScenarioError, match="did you mean 'china_government_default'"):
        variant(tmp_path, """
            restructuring:
              trigger: china_goverment_default
              hiring_freeze: "yes"
              capital_stop: "no"
              other_cut: {value: 0, unit: ratio, source: s}
              land_to_debt: "no"
              asset_sales: {value: 0, unit: 亿元, source: s}
              provincial_aid: {value: 0, unit: 亿元, source: s}
              aid_years: 0
            """, "r.yaml")


def test_transfer_path_equalisation_and_pension_subsidy_levers(tmp_path, base_run):
    sc = variant(tmp_path, """
        transfer_path: {multiplier: {path: {2025: 1.0, 2035: 1.2}, unit: ratio, source: "option: transfers grow 20 % faster by 2035"}}
        equalisation_formula: {from: 2030, coefficient_multiplier: {value: 0.5, unit: ratio, source: "option"}}
        pension_subsidy: {from: 2028, upper_share: {value: 1.0, unit: ratio, source: "option: centre pays all"}}
        """)
    f = run_model(sc, N, SEED).finance
    years = list(f.years)
    t = years.index(2027)  # transfer path at 1.04, formula unchanged
    np.testing.assert_allclose(f["transfer_special"][:, t], base_run["transfer_special"][:, t] * 1.04, rtol=1e-12)
    t = years.index(2029)
    np.testing.assert_allclose(f["si_fiscal_subsidy"][:, t], 0.0, atol=1e-6)  # the upper level pays it all
    assert np.all(f["si_upper_subsidy"][:, t] > base_run["si_upper_subsidy"][:, t])
    check_identities(f)


def test_maturity_extension_from_a_year(hegang, base_run):
    from fiscalsim.scenario import load_scenario

    sc = load_scenario(bundled_scenario(), [
        "debt.refinancing_maturity={path: {2020: 7, 2025: 12}, interpolation: step, unit: years, "
        "source: 'option: longer refinancing bonds from 2025'}", *NO_FEEDBACKS])
    f = run_model(sc, N, SEED).finance
    years = list(f.years)
    before = [years.index(y) for y in range(2020, 2032)]  # refinancing issued before 2025 still due after 7 years
    np.testing.assert_allclose(f["general_principal_due"][:, before], base_run["general_principal_due"][:, before])
    t = years.index(2033)  # the 2026 refinancing would fall due in 2033 under 7-year bonds
    assert np.all(f["general_principal_due"][:, t] < base_run["general_principal_due"][:, t])
    check_identities(f)
