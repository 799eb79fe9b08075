"""Debt maturity profiles from CSV tables: the wall as entered, accounts still reproduced, clear errors."""

import numpy as np
import pytest

from fiscalsim.scenario import ScenarioError, bundled_scenario, load_scenario
from fiscalsim.simulate.engine import run_model

from .conftest import REPO
from .test_finance_model import check_identities

WALL = REPO / "tests" / "fixtures" / "maturity" / "lgfv_wall.csv"


def with_table(instrument, path, unit="亿元"):
    return load_scenario(bundled_scenario(), [
        f"debt.maturity_tables={{{instrument}: {{table: '{path}', unit: {unit}, source: test}}}}"])


def test_lgfv_wall_enters_as_its_shape_at_the_drawn_balance():
    sc = with_table("lgfv", WALL)
    f = run_model(sc, 1, 0, deterministic=True).finance
    total = sc.finance.lgfv_debt
    # table: 40, 60, 20, 10, 10, 10 (亿元) of 150 at 7 % then 6.5 %
    share = np.array([40, 60, 20, 10, 10, 10]) / 150
    np.testing.assert_allclose(f["lgfv_principal_due"][0, 0], total * share[0], rtol=1e-12)
    expected_interest = total * (share[:2].sum() * 0.07 + share[2:].sum() * 0.065)
    np.testing.assert_allclose(f["lgfv_interest_due"][0, 0], expected_interest, rtol=1e-12)
    check_identities(run_model(sc, 4, 3).finance)


def test_general_bond_table_keeps_the_base_year_accounts(tmp_path):
    table = tmp_path / "general.csv"
    table.write_text("year,principal_due,coupon\n2020,8,3.5\n2021,30,3.5\n2022,30,3.8\n2025,20,4.0\n")
    f = run_model(with_table("general", table), 1, 0, deterministic=True).finance
    assert round(f["bond_principal_repaid"][0, 0] / 1e4) == 84_535  # published 2020 repayment
    due = f["general_principal_due"][0, 1:6]
    np.testing.assert_allclose(due[0], due[1], rtol=1e-12)  # 2021 and 2022 equal (30 and 30)
    assert due[2] == 0 and due[3] == 0 and due[4] > 0  # nothing in 2023-2024, the rest in 2025


@pytest.mark.parametrize("body, message", [
    ("year,principal_due,coupon\n2020,lots,7\n", "row 2, column principal_due: expected a number"),
    ("year,principal_due,coupon\n2019,10,7\n", "years must be whole, unique and within 2020-2059"),
    ("year,principal,coupon\n2020,10,7\n", "must have the columns"),
    ("year,principal_due,coupon\n2020,10,70\n", "coupons must lie within 0-30 percent"),
])
def test_bad_tables_are_clear_errors(tmp_path, body, message):
    table = tmp_path / "t.csv"
    table.write_text(body)
    with pytest.raises(ScenarioError, match=message) as err:
        with_table("lgfv", table)
    assert "debt.maturity_tables.lgfv" in str(err.value)


def test_unknown_instrument_and_wrong_unit():
    with pytest.raises(ScenarioError, match="unknown instrument"):
        with_table("lgvf", WALL)
    with pytest.raises(ScenarioError, match="not a unit of yuan"):
        with_table("lgfv", WALL, unit="percent")
