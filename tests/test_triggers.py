"""First-passage detection and rules on hand-made series; pack and user-rule validation."""

import numpy as np
import pytest

from fiscalsim.scenario import ScenarioError
from fiscalsim.scenario.yamlio import load_yaml_text
from fiscalsim.triggers import NEVER, PACKS, first_fired, first_passage, load_pack, parse_rules
from fiscalsim.triggers.rules import Indicator, Rule, Threshold, trailing_mean

YEARS = np.arange(2020, 2030)


def test_first_passage_with_persistence_and_never():
    cond = np.array([
        [0, 1, 1, 0, 1, 1, 1, 0, 0, 0],  # first pair at 2021-2022; three in a row at 2024-2026
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 1],  # only the last year
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],  # never
    ], dtype=bool)
    assert first_passage(cond, YEARS, 1).tolist() == [2021, 2029, NEVER]
    assert first_passage(cond, YEARS, 2).tolist() == [2022, NEVER, NEVER]
    assert first_passage(cond, YEARS, 3).tolist() == [2026, NEVER, NEVER]
    with pytest.raises(ValueError):
        first_passage(cond, YEARS, 0)


def test_first_fired_ties_and_none():
    fp = np.array([[2030, 2025], [2025, 2025], [NEVER, NEVER]])
    assert first_fired(fp, ["a", "b"]).tolist() == ["b", "a", "none"]


def lines():
    interest = np.array([[5, 8, 11, 12, 9, 20, 20, 20, 20, 20.0]])
    expenditure = np.full((1, 10), 100.0)
    return {"general_interest_due": interest, "general_expenditure": expenditure,
            "standard_fiscal_scale": np.array([[10, 20, 30, 40, 50, 60, 70, 80, 90, 100.0]]),
            "carry_forward": np.full((1, 10), 3.0)}


def rule(threshold, comparator=">", persistence=1, indicator=None):
    ind = indicator or Indicator(("general_interest_due",), ("general_expenditure",))
    return Rule("r", "r", ind, comparator, threshold, persistence, "s", "ref")


def test_ratio_rule_fixed_threshold():
    r = rule(Threshold(value=0.10))
    cond = r.condition(YEARS, lines())
    assert cond[0].tolist() == [False, False, True, True, False] + [True] * 5
    assert first_passage(cond, YEARS, 2)[0] == 2023


def test_time_dependent_threshold():
    # 0.25 until 2024, falling linearly to 0.15 in 2026: 20 % breaches it from 2026 (0.15 < 0.20 > ...).
    r = rule(Threshold(path=((2024, 0.25), (2026, 0.15))))
    cond = r.condition(YEARS, lines())
    assert cond[0].tolist() == [False] * 5 + [False, True, True, True, True]  # 2025: 0.20 > 0.20 is False


def test_size_dependent_threshold():
    # Threshold 15 % at size 20 or less, 10 % at 60 or more, linear in between.
    by = Indicator(("standard_fiscal_scale",))
    r = rule(Threshold(by=by, points=((20.0, 0.15), (60.0, 0.10))))
    limit = r.threshold.evaluate(YEARS, lines(), (1, 10))
    np.testing.assert_allclose(limit[0, :6], [0.15, 0.15, 0.1375, 0.125, 0.1125, 0.10])
    cond = r.condition(YEARS, lines())
    assert cond[0, :4].tolist() == [False, False, False, False]  # 11 % < 13.75 %, 12 % < 12.5 %
    assert cond[0, 5]


def test_mean3_and_subtract():
    np.testing.assert_allclose(trailing_mean(np.array([[3.0, 6.0, 9.0, 12.0]]), 3), [[3.0, 4.5, 6.0, 9.0]])
    ind = Indicator(("general_interest_due",), (), "none", ("carry_forward",))
    np.testing.assert_allclose(ind.evaluate(lines())[0, :3], [2.0, 5.0, 8.0])


def test_zero_denominator_is_unbounded_only_for_positive_numerators():
    ind = Indicator(("a",), ("b",))
    value = ind.evaluate({"a": np.array([[1.0, 0.0]]), "b": np.array([[0.0, 0.0]])})
    assert value[0, 0] == np.inf and value[0, 1] == 0.0


@pytest.mark.parametrize("name", PACKS)
def test_packs_load_with_references(name):
    rules = load_pack(name)
    assert rules and all(r.reference and r.severity for r in rules)


def test_china_88_rules_use_ten_percent():
    rules = {r.id: r for r in load_pack("china_88")}
    assert rules["china88_general_interest"].threshold.value == 0.10
    assert rules["china88_general_interest"].comparator == ">"


USER_RULE = """
- id: x
  name: x
  indicator: {numerator: [carry_forwrd]}
  comparator: "<="
  threshold: {value: 0}
  persistence: 2
  severity: warning
  reference: r
"""


def test_user_rule_with_unknown_series_is_a_clear_error():
    items = load_yaml_text(USER_RULE, "rules.yaml")
    with pytest.raises(ScenarioError) as info:
        parse_rules(items, "triggers.rules")
    msg = str(info.value)
    assert "rules.yaml:4" in msg and "unknown series 'carry_forwrd'" in msg and "did you mean 'carry_forward'" in msg


@pytest.mark.parametrize("edit,fragment", [
    ('comparator: "<="', 'comparator: "=<"'),
    ("persistence: 2", "persistence: 0"),
    ("threshold: {value: 0}", "threshold: {value: 0, path: {2020: 1}}"),
    ("severity: warning", "severty: warning"),
])
def test_user_rule_errors(edit, fragment):
    items = load_yaml_text(USER_RULE.replace("carry_forwrd", "carry_forward").replace(edit, fragment), "r.yaml")
    with pytest.raises(ScenarioError):
        parse_rules(items, "triggers.rules")


def test_unknown_pack():
    with pytest.raises(ScenarioError, match="did you mean 'china_88'"):
        load_pack("china_89")
