"""Hand-worked cases for each finance component."""

import numpy as np
import pytest

from fiscalsim.finance.debt import Ladder, debt_year
from fiscalsim.finance.liquidity import settle
from fiscalsim.finance.pension import pension_year
from fiscalsim.finance.staffing import staffing_year
from fiscalsim.finance.transfers import equalisation_transfer, standard_need


def test_bond_amortisation_by_hand():
    # 300 yuan outstanding: 100 due in each of the next three years, coupon 4 %.
    ladder = Ladder.from_profile(1, 300.0, np.array([1 / 3, 1 / 3, 1 / 3, 0, 0, 0]), 0.04)
    y1 = debt_year(ladder, refinancing_share=np.array(0.5), new_issuance=np.array(20.0),
                   market_rate=np.array([0.06]), refinancing_maturity=3, new_maturity=5)
    assert y1.interest_due[0] == pytest.approx(12.0)  # 4 % of 300
    assert y1.principal_due[0] == pytest.approx(100.0)
    assert y1.refinanced[0] == pytest.approx(50.0)
    assert y1.balance_end[0] == pytest.approx(300 - 100 + 50 + 20)
    # Year 2: 200 old debt at 4 % plus 50 + 20 new at 6 %.
    y2 = debt_year(ladder, np.array(0.0), np.array(0.0), np.array([0.06]), 3, 5)
    assert y2.interest_due[0] == pytest.approx(0.04 * 200 + 0.06 * 70)
    assert y2.principal_due[0] == pytest.approx(100.0)
    # The refinancing bond (3 years) falls due in year 4, the new bond (5 years) in year 6.
    dues = [debt_year(ladder, np.array(0.0), np.array(0.0), np.array([0.06]), 3, 5).principal_due[0]
            for _ in range(4)]
    assert dues == pytest.approx([100.0, 50.0, 0.0, 20.0])
    assert ladder.total[0] == pytest.approx(0.0)


def test_pension_year_by_hand():
    pe = pension_year(
        contributors=np.array([1000.0]), premium_per_contributor=np.array([2400.0]), retirees=np.array([800.0]),
        benefit_per_retiree=np.array([30000.0]), remitted_share_of_premiums=0.5, other_revenue=np.array([100.0]),
        other_expenditure=np.array([50.0]), upper_share=np.array(0.8), balance_start=np.array([5000.0]),
        balance_change=np.array([0.0]),
    )
    # premiums 2.4 m, benefits 24 m, remitted 1.2 m; deficit 24 + 1.2 + 0.00005 − 2.4 − 0.0001 m
    deficit = 24_000_000 + 1_200_000 + 50 - 2_400_000 - 100
    assert pe.premiums[0] == 2_400_000
    assert pe.upper_subsidy[0] == pytest.approx(0.8 * deficit)
    assert pe.fiscal_subsidy[0] == pytest.approx(0.2 * deficit)
    assert pe.balance_end[0] == pytest.approx(5000.0)
    assert pe.revenue[0] + 5000 == pytest.approx(pe.expenditure[0] + pe.balance_end[0])


def test_equalisation_transfer_formula_by_hand():
    costs = np.array([5000.0, 12000.0, 3000.0])  # per resident, pupil, elderly person
    pops = np.array([100_000.0, 10_000.0, 20_000.0])
    need = standard_need(costs, pops)
    assert need == 5e8 + 1.2e8 + 0.6e8
    assert equalisation_transfer(need, np.array(3e8), np.array(0.9)) == pytest.approx(0.9 * 3.8e8)
    assert equalisation_transfer(need, np.array(9e8), np.array(0.9)) == 0.0  # capacity above need


def test_staffing_year_with_retirements_and_one_for_three_hiring():
    staff = np.zeros((1, 1, 70))
    staff[0, 0, 30] = 100.0
    staff[0, 0, 59] = 60.0
    retire = np.zeros((1, 70))
    retire[0, 59] = 1.0  # everyone aged 59 on 1 January retires during the year
    nxt, flows = staffing_year(staff, retire, np.array([[1 / 3]]), entry_age=25)
    assert flows.retirements[0, 0] == 60.0
    assert flows.hires[0, 0] == pytest.approx(20.0)
    assert nxt[0, 0, 31] == 100.0 and nxt[0, 0, 25] == pytest.approx(20.0)
    assert nxt.sum() == pytest.approx(160 - 60 + 20)
    laid_nxt, laid = staffing_year(staff, retire, np.array([[0.0]]), 25, layoffs=np.array([[10.0]]))
    assert laid.layoffs[0, 0] == 10.0 and laid_nxt.sum() == pytest.approx(90.0)


def test_settle_pays_in_priority_order():
    paid, left = settle(np.array([100.0]), [("a", np.array([60.0])), ("b", np.array([30.0])),
                                           ("c", np.array([50.0]))])
    assert (paid["a"][0], paid["b"][0], paid["c"][0], left[0]) == (60.0, 30.0, 10.0, 0.0)
    paid, left = settle(np.array([100.0]), [("a", np.array([20.0]))])
    assert left[0] == 80.0


def test_service_elasticities_zero_freeze_services_and_never_move_the_base_year():
    from fiscalsim.scenario import bundled_scenario, load_scenario
    from fiscalsim.simulate.engine import run_model

    def books(pop_e, wage_e):
        sc = load_scenario(bundled_scenario(), [
            f"finance.service_population_elasticity={{value: {pop_e}, unit: ratio, source: test}}",
            f"finance.service_wage_elasticity={{value: {wage_e}, unit: ratio, source: test}}",
            "finance.dibao_share={value: 0, unit: ratio, source: test}"])  # 低保 is a transfer per resident
        return run_model(sc, 1, 0, deterministic=True).finance

    fixed = books(0, 0)["services_due"][0]
    np.testing.assert_allclose(fixed, fixed[0], rtol=1e-12)  # all cost fixed: spending never moves
    linear, damped = books(1, 1), books(0.5, 0.8)
    assert linear["services_due"][0, 0] == pytest.approx(fixed[0], rel=1e-12)
    assert damped["services_due"][0, 0] == pytest.approx(fixed[0], rel=1e-12)
    # hand-worked: services to all residents = base × (residents / base)^0.5 × wage index^0.8
    f = damped
    expected = (f["exp_services_residents"][0, 0] * (f["population"][0, 1:4] / f["population"][0, 0]) ** 0.5
                * f["wage_index"][0, 1:4] ** 0.8)
    np.testing.assert_allclose(f["exp_services_residents"][0, 1:4], expected, rtol=1e-12)
