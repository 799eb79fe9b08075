"""Each rule computes what its legal text says: hand-worked books on which it must fire and must not.

Amounts are in yuan, one path per column of a hand-worked case; the waterfall is
``fiscalsim.finance.liquidity`` and the rules are the shipped packs.
"""

import numpy as np
import pytest

from fiscalsim.finance.debt import DebtYear
from fiscalsim.finance.ledger import FUND_EXPENDITURE, FUND_EXPENDITURE_88
from fiscalsim.finance.liquidity import GeneralArrears, GeneralDue, fund_year, general_year
from fiscalsim.scenario import ScenarioError
from fiscalsim.triggers.packs import load_pack, parse_rules
from fiscalsim.triggers.rules import NEVER, Indicator, headline_passage

RULES = {r.id: r for pack in ("china_88", "china_liquidity", "japan_2007") for r in load_pack(pack)}
YEARS = np.array([2021])


def a(*values):
    return np.array(values, dtype=float)


def due(n, sanbao=90.0, interest=3.0, principal=10.0, lgfv=0.0, capital=0.0, other=0.0, floors=0.0):
    z = np.zeros(n)
    return GeneralDue(remit=z, sanbao={"personnel": np.full(n, sanbao), "education": z, "elderly": z,
                                       "residents": z, "dibao": z, "staff_pensions": z},
                      capital=np.full(n, capital), other=np.full(n, other), capital_floor=floors * np.full(n, capital),
                      other_floor=floors * np.full(n, other), interest=np.full(n, interest),
                      principal=np.full(n, principal), lgfv=np.full(n, lgfv), carry_free=z, carry_earmarked=z)


def no_arrears(n):
    z = np.zeros(n)
    return GeneralArrears(z, z, z, z)


def lines_of(gen, expenditure):
    """The series the rules read, for one year (n_paths, 1)."""
    col = {"government_debt_arrears": gen.arrears.debt, "arrears_lgfv": gen.arrears.lgfv,
           "sanbao_unpaid": gen.arrears.sanbao, "sanbao_debt_gap": gen.crowding_gap,
           "general_expenditure": expenditure}
    return {k: np.reshape(v, (-1, 1)) for k, v in col.items()}


def fires(rule_id, lines):
    return RULES[rule_id].condition(YEARS, lines)[:, 0]


def test_free_cash_covering_debt_service_never_registers_government_default():
    # 三保 90, interest 3, principal 10 of which 8 refinanced; free money 93 … 200 covers it all.
    free = a(95, 120, 200)
    gen = general_year(free, np.zeros(3), np.zeros(3), np.full(3, 8.0), due(3), no_arrears(3), 0.0)
    np.testing.assert_array_equal(gen.arrears.debt, 0.0)
    assert not fires("china_government_default", lines_of(gen, np.full(3, 100.0))).any()


def test_refinancing_proceeds_repay_principal_only_and_the_rest_is_a_default():
    # Free 91: 三保 90 paid, then interest 3 gets 1; principal 10 is repaid by refinancing 8 (tied)
    # and 2 is unpaid. Unpaid 2 + 2 = 4 ≥ 1 % of 100: default.
    gen = general_year(a(91), np.zeros(1), np.zeros(1), a(8), due(1), no_arrears(1), 0.0)
    assert gen.paid["principal"][0] == pytest.approx(8.0)
    assert gen.arrears.debt[0] == pytest.approx(4.0)
    assert fires("china_government_default", lines_of(gen, a(100)))[0]


def test_provincial_substitution_and_the_stabilisation_fund_come_before_default():
    gen = general_year(a(91), a(2), np.zeros(1), a(8), due(1), no_arrears(1), 0.5)
    # free 91 + fund 2 = 93: interest paid 3, principal short 2 (of 2 net); the province pays half.
    assert gen.drawn[0] == pytest.approx(2.0)
    assert gen.provincial[0] == pytest.approx(1.0)
    assert gen.arrears.debt[0] == pytest.approx(1.0)
    # 1 is exactly 1 % of 100: not material (the rule needs more than the floor).
    assert not fires("china_government_default", lines_of(gen, a(100)))[0]


def test_lgfv_shortfall_alone_never_fires_government_default():
    gen = general_year(a(103, 110), np.zeros(2), np.zeros(2), a(10, 10), due(2, lgfv=30.0), no_arrears(2), 1.0)
    np.testing.assert_array_equal(gen.arrears.debt, 0.0)
    np.testing.assert_allclose(gen.arrears.lgfv, [20.0, 13.0])  # 103 − 93 = 10 and 110 − 93 = 17 paid of 30
    lines = lines_of(gen, np.full(2, 100.0))
    assert not fires("china_government_default", lines).any()
    assert fires("china_lgfv_support_shortfall", lines).all()
    assert RULES["china_lgfv_support_shortfall"].severity == "warning"
    assert RULES["china_government_default"].severity == "default"


def test_sanbao_crowded_out_sees_what_sanbao_alone_cannot():
    # Free 95 pays 三保 90 in full, but 三保 + interest 3 + net principal 10 = 103 > 95.
    gen = general_year(a(95), np.zeros(1), np.zeros(1), np.zeros(1), due(1), no_arrears(1), 0.0)
    lines = lines_of(gen, a(100))
    assert gen.arrears.sanbao[0] == 0 and gen.crowding_gap[0] == pytest.approx(8.0)
    assert fires("china_sanbao_crowded_out", lines)[0]
    assert not fires("china_sanbao_unfunded", lines)[0]
    # Free 80 cannot pay 三保 itself: both fire.
    gen = general_year(a(80), np.zeros(1), np.zeros(1), np.zeros(1), due(1), no_arrears(1), 0.0)
    lines = lines_of(gen, a(100))
    assert gen.arrears.sanbao[0] == pytest.approx(10.0)
    assert fires("china_sanbao_crowded_out", lines)[0] and fires("china_sanbao_unfunded", lines)[0]


def test_materiality_keeps_a_tiny_shortfall_from_being_a_default():
    # Unpaid 0.6 % of spending is not a default; 1.5 % is.
    lines = {"government_debt_arrears": a(0.6, 1.5)[:, None], "general_expenditure": a(100, 100)[:, None]}
    np.testing.assert_array_equal(fires("china_government_default", lines), [False, True])


def test_committed_floors_are_paid_before_debt_service():
    # Free 100: 三保 90, then the committed half of capital 10 (5), then interest 3 and net principal
    # 10: 2 of the principal is unpaid; the uncommitted capital (5) and other spending get nothing.
    d = due(1, capital=10.0, floors=0.5)
    gen = general_year(a(100), np.zeros(1), np.zeros(1), np.zeros(1), d, no_arrears(1), 0.0)
    assert gen.paid["capital"][0] == pytest.approx(5.0)
    assert gen.arrears.debt[0] == pytest.approx(8.0)
    assert gen.arrears.suppliers[0] == 0.0


def test_earmarked_money_never_pays_debt():
    # Special transfers of 50 arrive, but only services and capital may use them: with free money 0
    # the debt service is unpaid in full and the unspent earmarked money is carried as 结转.
    d = due(1, sanbao=0.0, capital=10.0)
    gen = general_year(np.zeros(1), np.zeros(1), a(50), np.zeros(1), d, no_arrears(1), 0.0)
    assert gen.paid["capital"][0] == pytest.approx(10.0)
    assert gen.carry_earmarked[0] == pytest.approx(40.0)
    assert gen.arrears.debt[0] == pytest.approx(13.0)


def special(principal, interest=1.0, refinanced=0.0, new=0.0):
    n = np.ones(1)
    return DebtYear(interest * n, principal * n, refinanced * n, new * n, 100 * n, 100 * n)


def test_special_interest_test_ignores_principal_and_arrears():
    # Two fund years identical but for the principal due (10 vs 40, both paid): the 88号
    # denominator does not move, so the special-interest test does not either.
    years = []
    for principal in (10.0, 40.0):
        fy = fund_year(a(200), special(principal), a(5), np.zeros(1), a(8), np.zeros(1), np.zeros(1),
                       np.zeros(1), 0.0)
        lines = {"land_costs": fy.paid["land_costs"], "fund_projects_residual": fy.paid["projects"],
                 "special_interest": fy.paid["interest"], "special_principal_repaid": fy.paid["principal"],
                 "fund_arrears_repaid": fy.paid["debt_arrears"] + fy.paid["land_arrears"]}
        years.append((sum(lines[n] for n in FUND_EXPENDITURE), sum(lines[n] for n in FUND_EXPENDITURE_88)))
    (full_a, law_a), (full_b, law_b) = years
    assert full_b[0] == pytest.approx(full_a[0] + 30.0)
    assert law_a[0] == pytest.approx(law_b[0]) == pytest.approx(5 + 8 + 1)
    lines = {"special_interest_due": a(1.5)[:, None], "fund_expenditure_88": law_a[:, None]}
    assert fires("china88_special_interest", lines)[0]  # 1.5 / 14 > 10 %


def test_unpaid_land_costs_stay_an_operating_arrear_of_the_fund():
    fy = fund_year(a(3), special(0.0, interest=0.0), a(5), np.zeros(1), np.zeros(1), np.zeros(1), np.zeros(1),
                   np.zeros(1), 1.0)
    assert fy.arrears_land[0] == pytest.approx(2.0) and fy.arrears_debt[0] == 0.0
    assert fy.provincial[0] == 0.0  # the province substitutes for debt service only


def test_japan_real_debt_service_ratio_is_the_statutory_formula():
    # (A − B) / (C − B), 3-year average: A = 30, 36, 42; B = 10; C = 110 → 20/100, 26/100, 32/100.
    ind = RULES["japan_debt_service_rehabilitation"].indicator
    lines = {"debt_service_net_of_refinancing": a(30, 36, 42)[None, :],
             "debt_service_in_standard_need": a(10, 10, 10)[None, :], "standard_fiscal_scale": a(110, 110, 110)[None, :]}
    np.testing.assert_allclose(ind.evaluate(lines)[0], [0.20, 0.23, 0.26])
    manual = Indicator(("x",), ("c",), "none", ("b",), ("b",))
    np.testing.assert_allclose(manual.evaluate({"x": a(30)[None], "b": a(10)[None], "c": a(110)[None]}), [[0.2]])


def test_headline_counts_restructuring_and_default_classes_only():
    rules = [RULES["china_lgfv_support_shortfall"], RULES["china88_general_interest"],
             RULES["china_government_default"]]
    passage = np.array([[2021, 2030, 2025], [2021, NEVER, NEVER]])
    np.testing.assert_array_equal(headline_passage(passage, rules), [2025, NEVER])


def test_severity_is_a_closed_class():
    rule = {"id": "x", "name": "x", "indicator": {"numerator": ["carry_forward"]}, "comparator": ">",
            "threshold": {"value": 0}, "persistence": 1, "severity": "early warning", "reference": "r"}
    with pytest.raises(ScenarioError, match="severity class"):
        parse_rules([rule], "triggers.rules")
    with pytest.raises(ScenarioError, match="finite number"):
        parse_rules([{**rule, "severity": "warning", "threshold": {"value": float("nan")}}], "triggers.rules")
