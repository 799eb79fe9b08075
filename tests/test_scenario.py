"""Strict scenario validation: one broken fixture per error class, each with its message."""

from pathlib import Path

import numpy as np
import pytest

from fiscalsim.scenario import ScenarioError, bundled_scenario, load_scenario
from fiscalsim.scenario.schema import ParamValue

BROKEN = Path(__file__).parent / "fixtures" / "broken"

CASES = {
    "unknown_key": (14, "simulation.horizn", "unknown key", "did you mean 'horizon'"),
    "misplaced_key": (78, "demography.migration.srb", "unknown key", "expected one of ['ar1_phi'"),
    "wrong_unit": (44, "demography.fertility.tfr.unit", "'births per woman' is not a unit of children_per_woman",
                   "did you mean 'children per woman'"),
    "out_of_range": (64, "demography.migration.rate", "-143 percent per year (= -1.43 per year)",
                     "outside the allowed range [-0.2, 0.2]"),
    "missing_source": (49, "demography.fertility.ar1_phi", "missing source", "assumption: <why>"),
    "missing_required": (42, "demography.fertility", "missing required key 'pattern_year'", "WPP year"),
    "bad_choice": (77, "demography.migration.profile", "expected one of ['residual', 'rogers_castro']",
                   "did you mean 'residual'"),
    "not_a_number": (43, "demography.fertility.tfr", "expected a number, got 'low'", ""),
    "value_and_path": (42, "demography.fertility.tfr", "exactly one of value, path, distribution or table", ""),
    "bad_path_year": (59, "demography.fertility.srb.path", "path years must be integers", "'late'"),
    "malformed": (18, None, "malformed YAML", ""),
    "wrong_type": (11, "simulation.paths", "expected an integer, got 'many'", ""),
    "missing_census_file": (17, "demography.census.table", "census table not found", "no_such_census.csv"),
    "unit_not_text": (44, "demography.fertility.tfr.unit", "unit must be text", ""),
    "accounts_unbalanced": (97, "accounts", "base-year accounts do not balance",
                            "general budget: sources 1,778,893 ≠ uses 1,778,104 万元"),
    "shares_not_one": (148, "finance", "transfer shares must sum to one", "1.05"),
    "distribution_without_clip": (133, "economy.unemployment_rate", "draws could leave the allowed range",
                                  "add clip"),
    "bad_distribution": (172, "pension.retiree_coverage.distribution.hi",
                         "a uniform distribution takes ['low', 'high']", "did you mean 'high'"),
    "uncertain_accounts": (105, "accounts.expenditure", "cannot be uncertain", "accounts are data"),
    "unknown_lever": (206, "policies.hirring", "unknown key", "did you mean 'hiring'"),
    # tables: the census table's file and row are named
    "census_empty": (17, "demography.census.table", "census_empty.csv is empty", ""),
    "census_not_a_number": (17, "demography.census.table", "census_not_a_number.csv, row 43, column persons",
                            "expected a number of persons ≥ 0, got 'many'"),
    "census_gbk": (17, "demography.census.table", "census_gbk.csv, row 2", "not UTF-8 text"),
    "census_no_female": (17, "demography.census.table", "census 2020: unit 230402 (向阳区) has no female rows", ""),
    "census_blank": (17, "demography.census.table", "census_blank.csv, row 42, column persons", "a blank cell"),
    "table_text_year": (43, "demography.fertility.tfr.table", "tfr_text_year.csv, row 3, column year",
                        "expected a year from 1950 to 2200, got 'late'"),
    # settings that contradict each other
    "base_year_not_census": (19, "demography.census.year", "census year 2020 must equal the base year 2010", ""),
    "first_census_not_before": (78, "demography.migration.first_census",
                                "first_census 2010 must be before the census year 2010", ""),
    "lever_before_base_year": (206, "policies.hiring.from", "2019 is outside the simulation",
                               "a lever acts from 2021"),
    "lever_after_horizon": (206, "policies.transfer_cut.from", "2070 is outside the simulation", "horizon 2060"),
    "debt_swap_too_large": (206, "policies.debt_swap.amount", "swaps 5,000 亿元, more than the LGFV debt",
                            "debt.lgfv_debt is at most 168.871 亿元"),
    "path_outside_simulation": (58, "demography.fertility.srb", "all lie outside the simulation 2020-2060", ""),
    "path_year_impossible": (59, "demography.fertility.srb.path", "path year 20500 is not a year", ""),
    "unit_contradicts_source": (99, "accounts.tax_revenue.unit", "unit '万元' contradicts the source",
                                "in 亿元"),
    "rule_threshold_nan": (213, "triggers.rules[0].threshold.value", "expected a finite number, got 'nan'", ""),
    "rule_id_path": (209, "triggers.rules[0].id", "letters, digits", "names files"),
    "correlation_between_list": (207, "uncertainty.correlations[0].between", "between must name two parameters",
                                 "got [['debt.lgfv_debt'"),
    "correlation_duplicate": (208, "uncertainty.correlations[1].between", "already correlated by correlations[0]", ""),
    "extends_absolute": (3, "extends", "'/etc/passwd' is outside this scenario's folder", "package:hegang/baseline"),
    "extends_parent": (3, "extends", "'../outside.yaml' is outside this scenario's folder", "no '..'"),
    # hostile YAML
    "nul_byte": (3, None, "malformed YAML: the control character U+0000", ""),
    "alias_bomb": (17, None, "expands to more than 100,000 nodes", "aliases counted in full"),
    # the first of several errors (all are reported: tests/test_bad_input.py)
    "several_errors": (78, "demography.migration.srb", "unknown key", ""),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_fixture_reports_file_line_key_and_expectation(name):
    line, key, *fragments = CASES[name]
    path = BROKEN / f"{name}.yaml"
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    err = info.value
    assert err.file == str(path)
    assert err.line == line
    assert err.key == key
    text = str(err)
    assert text.startswith(f"{path}:{line}: ")
    for fragment in fragments:
        assert fragment in text


def test_every_error_class_has_a_fixture():
    from .fixtures.make_broken import CALIBRATION_CASES

    stems = sorted(p.stem for p in BROKEN.glob("*.yaml"))
    assert stems == sorted([*CASES, *(Path(n).stem for n in CALIBRATION_CASES)])


def test_missing_file():
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenario(BROKEN / "does_not_exist.yaml")


def test_bundled_baseline_validates_with_converted_units(hegang):
    assert hegang.name == "hegang-baseline"
    assert hegang.demography.n_units == 8
    # percent per year converted on load
    assert hegang.demography.migration_rate_target[0, 0] == pytest.approx(-0.0143)
    assert Path(bundled_scenario()).is_file()


def test_bundled_base_population_matches_census_total(hegang):
    # 891,271 at 1 Nov 2020 moved back ten months, during which the city shrank.
    total = hegang.demography.base_population.sum()
    assert 891_271 < total < 891_271 * 1.03


def test_param_paths_interpolate():
    linear = ParamValue(None, ((2020, 1.0), (2030, 2.0)), "linear", "ratio", "x")
    np.testing.assert_allclose(linear.series(np.array([2015, 2020, 2025, 2040])), [1.0, 1.0, 1.5, 2.0])
    step = ParamValue(None, ((2020, 1.0), (2030, 2.0)), "step", "ratio", "x")
    np.testing.assert_allclose(step.series(np.array([2020, 2029, 2030, 2031])), [1.0, 1.0, 2.0, 2.0])
