"""The next city in one command: new-city derives a sourced scenario from a census, the census is
checked at load, templates fail validate with what to fill, stand-ins are flagged everywhere."""

import json

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from fiscalsim.cli import main
from fiscalsim.scenario import ScenarioError, load_scenario

from .conftest import REPO, SHARED_DATA
from .test_bad_input import assert_clear_error

PACKAGE_CENSUS = REPO / "fiscalsim" / "data" / "census_heilongjiang_2010_2020.csv"


def new_city(tmp_path, code, *args):
    out = tmp_path / f"c{code}"
    res = CliRunner().invoke(main, ["new-city", str(code), "--out", str(out), *map(str, args)])
    return res, out


def census_total(code, year):
    """The city-total row of the census (from the full extract when it is beside the checkout)."""
    path = SHARED_DATA / "census" / "heilongjiang_census_age_sex_2010_2020.csv"
    df = pd.read_csv(path if path.is_file() else PACKAGE_CENSUS)
    return int(df[(df.unit_code == code) & (df.census_year == year)].persons.sum())


@pytest.fixture(scope="module")
def stand_ins(tmp_path_factory):
    """Qitaihe (4 units), Yichun (10 units, boundary changes) and Tieli (a county-level city), as
    labelled stand-ins on Hegang's accounts."""
    tmp = tmp_path_factory.mktemp("cities")
    out = {}
    for code, name in ((230900, "qitaihe"), (230700, "yichun"), (230781, "tieli")):
        res, folder = new_city(tmp, code, "--name", name, "--accounts-like", "hegang")
        assert res.exit_code == 0, res.output
        out[name] = folder / f"{name}.yaml"
    return out


@pytest.mark.parametrize("name, code, n_units", [("qitaihe", 230900, 4), ("yichun", 230700, 10), ("tieli", 230781, 1)])
def test_new_city_reproduces_the_census_total(stand_ins, name, code, n_units):
    from fiscalsim.scenario.demography import read_city_census

    sc = load_scenario(stand_ins[name])
    census = read_city_census(sc.settings["demography"]["census"], 2010, sc.path.parent)
    assert sc.demography.n_units == n_units == len(census.city.unit_codes)
    assert census.counts.sum() == census_total(code, 2020)
    assert census.first_total.sum() == census_total(code, 2010)
    # the 1 January base population is the November census moved back: births of ten months out,
    # so it lies within a few per cent of the census (the cities shrink by 1-4 % a year)
    assert 0.97 < sc.demography.base_population.sum() / census_total(code, 2020) < 1.06


def test_derived_figures_match_the_hegang_baseline_derivation():
    """Hegang's baseline states its TFR (0.735), migration (−1.43 %/yr) and participation (0.5652),
    derived by hand (docs/demography.md); new-city derives the same from the census."""
    from fiscalsim import refdata
    from fiscalsim.report.newcity import draft_city

    draft = draft_city(230400)
    f = draft.figures
    assert f.tfr == pytest.approx(0.735, abs=0.001)
    assert 100 * f.migration_rate == pytest.approx(-1.43, abs=0.01)
    row = refdata.census_summary().set_index("unit_code").loc[230400]
    assert row.employed_long_form == 28_404  # the baseline's source
    assert "participation_rate: {value: 0.5652," in draft.text
    assert "household_size: {value: 2.06," in draft.text


def test_yichun_boundary_changes_are_a_documented_mapping(stand_ins, tmp_path):
    tree = yaml.safe_load(stand_ins["yichun"].read_text(encoding="utf-8"))
    changes = tree["demography"]["census"]["boundary_changes"]
    first = {c for g in changes["groups"] for c in g["first"]}
    assert {230702, 230716} <= first and 230722 not in first  # 嘉荫县 kept its code
    assert "new-city" in changes["source"]
    # without the mapping, the changed units are an error naming them
    res = CliRunner().invoke(main, ["validate", str(stand_ins["yichun"]), "--set",
                                    "demography.census.boundary_changes=null"])
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert "changed between the censuses" in res.output and "230717 伊美区" in res.output


def test_daxinganling_first_census_counted_part_of_the_city_only_in_its_total(tmp_path):
    from fiscalsim.report.newcity import draft_city

    draft = draft_city(232700, name="daxinganling")
    groups = yaml.safe_load(draft.text)["demography"]["census"]["boundary_changes"]["groups"]
    assert {"first": [232723], "second": [232701]} in groups  # 漠河县 → 漠河市
    assert {"first": ["rest"], "second": [232761, 232762, 232763, 232764]} in groups
    # the residual uses the city totals: a loss, not the +3.9 %/yr the unit rows would give
    expected = (census_total(232700, 2020) / census_total(232700, 2010)) ** 0.1 - 1
    assert draft.figures.migration_rate < 0 and abs(draft.figures.migration_rate - expected) < 0.01


def test_a_district_code_names_its_city(tmp_path):
    res, out = new_city(tmp_path, 230902)
    assert res.exit_code == 2 and "Traceback" not in res.output and not out.exists()
    assert "230902 (新兴区) is a district of 七台河市 (230900)" in res.output
    res = CliRunner().invoke(main, ["validate", "--set", "demography.census.prefecture_code=230402"])
    assert_clear_error(res, "<--set demography.census.prefecture_code=230402>", None,
                       "demography.census.prefecture_code", ["is a district of 鹤岗市 (230400)"])


def test_unit_rows_that_do_not_sum_to_the_total_are_refused(tmp_path):
    df = pd.read_csv(PACKAGE_CENSUS)
    qitaihe = df[df.unit_code // 100 == 2309]
    broken = qitaihe[~((qitaihe.unit_code == 230921) & (qitaihe.census_year == 2020))]  # 勃利县 lost in 2020
    path = tmp_path / "qitaihe.csv"
    broken.to_csv(path, index=False)
    res, out = new_city(tmp_path, 230900, "--census", path)
    assert res.exit_code == 2 and "Traceback" not in res.output and not out.exists()
    units = int(broken[(broken.census_year == 2020) & (broken.unit_code != 230900)].persons.sum())
    total = census_total(230900, 2020)
    assert f"sum to {units:,} persons, but its total row" in res.output and f"says {total:,}" in res.output
    assert "at most ±0.1 %" in res.output
    # the first census of a prefecture whose units miss part of it: an error unless 'rest' says so
    with pytest.raises(ScenarioError, match=r"census 2010: the 3 unit rows of 大兴安岭地区 \(232700\) sum to 227,748"):
        from fiscalsim.scenario.census import check_unit_sum, city_rows

        check_unit_sum(df, 2010, city_rows(df, 2010, 232700, "t"), "t", first=True)


def test_a_user_census_table_gives_the_same_city(tmp_path, stand_ins):
    df = pd.read_csv(PACKAGE_CENSUS)
    path = tmp_path / "mine.csv"
    df[df.unit_code // 100 == 2309].to_csv(path, index=False)
    res, out = new_city(tmp_path, 230900, "--census", path, "--name", "qitaihe", "--accounts-like", "hegang")
    assert res.exit_code == 0, res.output
    mine, packaged = load_scenario(out / "qitaihe.yaml"), load_scenario(stand_ins["qitaihe"])
    np.testing.assert_array_equal(mine.demography.base_population, packaged.demography.base_population)
    # without a summary, participation and household size are carried-over assumptions, saying so
    text = (out / "qitaihe.yaml").read_text(encoding="utf-8")
    assert "participation_rate: {value: 0.5652, unit: ratio, source: 'assumption carried over" in text


def test_a_template_fails_validate_listing_what_to_fill(tmp_path):
    res, out = new_city(tmp_path, 230900, "--name", "qitaihe")
    assert res.exit_code == 0 and "38 values TO FILL" in res.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    res = CliRunner().invoke(main, ["validate", str(out / "qitaihe.yaml")])
    assert res.exit_code == 2 and "Traceback" not in res.output
    listed = [line for line in res.output.splitlines() if line.startswith("error:") and "TO FILL" in line]
    assert len(listed) == len(manifest["to_fill"]) == 38
    assert any("accounts.own_revenue: TO FILL: general budget: own revenue" in line for line in listed)
    assert any("debt.lgfv_debt: TO FILL" in line for line in listed)
    assert "a template with 38 values TO FILL" in res.output


def test_new_city_follows_the_results_folder_rules(tmp_path):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    res = CliRunner().invoke(main, ["new-city", "230900", "--out", str(foreign)])
    assert res.exit_code == 2 and "not a fiscalsim results folder" in res.output
    res, out = new_city(tmp_path, 230900, "--name", "q")
    assert res.exit_code == 0
    res, _ = new_city(tmp_path, 230900, "--name", "q")
    assert res.exit_code == 2 and "--overwrite" in res.output
    res, _ = new_city(tmp_path, 230900, "--name", "q", "--overwrite")
    assert res.exit_code == 0, res.output
    scenario = out / "q.yaml"
    scenario.write_text(scenario.read_text(encoding="utf-8").replace("value: TO FILL", "value: 1", 1), encoding="utf-8")
    res, _ = new_city(tmp_path, 230900, "--name", "q", "--overwrite")
    assert res.exit_code == 2 and "q.yaml was edited after fiscalsim wrote it" in res.output
    assert "value: 1," in scenario.read_text(encoding="utf-8")


def test_stand_in_accounts_are_flagged_in_every_output(stand_ins, tmp_path):
    from fiscalsim.api import run

    out = tmp_path / "run"
    res = CliRunner().invoke(main, ["run", str(stand_ins["qitaihe"]), "--paths", "6", "--report", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "STAND-IN ACCOUNTS" in res.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "hegang-baseline" in manifest["stand_in"] and manifest["headline"].startswith("STAND-IN ACCOUNTS")
    summary = pd.read_csv(out / "summary.csv")
    assert summary.stand_in_accounts.str.contains("not the city's own").all()
    assert "stand-in accounts" in (out / "report.html").read_text(encoding="utf-8")
    results = run(stand_ins["qitaihe"], paths=4)
    for fig in (results.plot_headline(), results.plot_survival(), results.plot_pyramid()):
        assert any(t.get_text().startswith("STAND-IN ACCOUNTS") for t in fig.texts)
    from fiscalsim.report.charts import chart_source

    assert chart_source(manifest).startswith("STAND-IN ACCOUNTS")


def test_an_overhead_larger_than_the_budget_fails_validate(stand_ins):
    overhead = "finance.overhead_per_unit={value: 80, unit: 亿元, source: 'what-if'}"
    res = CliRunner().invoke(main, ["validate", str(stand_ins["tieli"]), "--set", overhead])
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert "the base year cannot reproduce" in res.output and "finance.overhead_per_unit = 80 亿元" in res.output


def test_shipped_heilongjiang_scenarios_are_current():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_city_scenarios", REPO / "scripts" / "make_city_scenarios.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    texts = mod.scenarios()
    assert len(texts) == 13
    for file, text in texts.items():
        path = REPO / "scenarios" / "heilongjiang" / file
        assert path.read_text(encoding="utf-8") == text, f"{file} is stale: run scripts/make_city_scenarios.py"
    load_scenario(REPO / "scenarios" / "heilongjiang" / "hegang.yaml")
