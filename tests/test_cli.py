import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from fiscalsim.cli import main
from fiscalsim.scenario import bundled_scenario


def test_population_writes_tidy_quantiles_pyramid_and_manifest(tmp_path):
    out = tmp_path / "res"
    result = CliRunner().invoke(main, ["population", "--paths", "40", "--seed", "3", "--out", str(out),
                                       "--year", "2035"])
    assert result.exit_code == 0, result.output
    assert "population 2035: median" in result.output
    table = pd.read_csv(out / "population_quantiles.csv")
    assert {"year", "area", "indicator", "unit", "mean", "q10", "q50", "q90"} <= set(table.columns)
    assert set(table[table.indicator == "total"].unit) == {"persons"}
    assert set(table[table.indicator == "tfr"].unit) == {"children per woman"}
    city = table[(table.area == "city") & (table.indicator == "total")].set_index("year")
    units = table[(table.area != "city") & (table.indicator == "total") & (table.year == 2020)]
    assert city.loc[2020, "q50"] == pytest.approx(units["q50"].sum(), rel=1e-9)  # base year: no spread
    assert city.loc[2060, "q90"] < city.loc[2020, "q50"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed_entropy"] == 3 and manifest["paths"] == 40
    png = (out / "pyramid_2020_2035.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


def test_population_is_reproducible_from_the_seed(tmp_path):
    runs = []
    for name in ("a", "b"):
        res = CliRunner().invoke(main, ["population", "--paths", "12", "--seed", "9", "--out", str(tmp_path / name)])
        assert res.exit_code == 0, res.output
        runs.append(pd.read_csv(tmp_path / name / "population_quantiles.csv"))
    pd.testing.assert_frame_equal(runs[0], runs[1])


def test_validate_ok_and_broken_exit_codes(tmp_path):
    ok = CliRunner().invoke(main, ["validate", str(bundled_scenario())])
    assert ok.exit_code == 0 and "ok:" in ok.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nsimulation: [\n")
    res = CliRunner().invoke(main, ["validate", str(bad)])
    assert res.exit_code == 2
    assert "malformed YAML" in res.output and "Traceback" not in res.output


def test_validate_takes_bundled_names_as_run_does():
    res = CliRunner().invoke(main, ["validate", "yubari/baseline", "transfer_cut"])
    assert res.exit_code == 0, res.output
    assert "(yubari-baseline, 2005-2030, 1 unit)" in res.output and "(hegang-transfer-cut-20, " in res.output
    bad = CliRunner().invoke(main, ["validate", "no_such_city"])
    assert bad.exit_code == 2 and "no bundled scenario named 'no_such_city'" in bad.output


def test_bad_year_option_is_a_clear_error_and_writes_nothing(tmp_path):
    out = tmp_path / "res"
    res = CliRunner().invoke(main, ["population", "--paths", "5", "--year", "1990", "--out", str(out)])
    assert res.exit_code == 2
    assert "outside 2021-2060" in res.output
    assert not out.exists()


def test_books_writes_four_books_and_stacked_chart(tmp_path):
    out = tmp_path / "books"
    res = CliRunner().invoke(main, ["books", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "first year with government-bond arrears" in res.output
    tidy = pd.read_csv(out / "books.csv")
    assert set(tidy.book) == {"general", "fund", "social_insurance", "memo"}
    assert tidy.year.min() == 2020 and tidy.year.max() == 2060
    # Each book balances every year in the file (money in one unit, 亿元 for a Chinese scenario).
    assert set(tidy[tidy.book != "memo"].unit) == {"亿元"}
    books = tidy[tidy.book != "memo"].groupby(["book", "year", "side"]).value.sum().unstack("side")
    assert (books["source"] - books["use"]).abs().max() < 1e-7
    wide = pd.read_csv(out / "books_wide.csv")
    assert set(wide.money_unit) == {"亿元"}
    assert wide.loc[wide.year == 2020, "carry_forward"].item() == pytest.approx(26.1789)
    for ext in ("png", "svg"):
        assert (out / f"budget_stack.{ext}").stat().st_size > 10_000
    svg = (out / "budget_stack.svg").read_text()
    assert "general public budget: sources" in svg and "arrears outstanding" in svg
    assert "government fund budget: uses" in svg and "social-insurance fund (flows): sources" in svg


def test_run_prints_summary_and_writes_results(tmp_path):
    out = tmp_path / "run"
    res = CliRunner().invoke(main, ["run", "--paths", "60", "--seed", "4", "--no-charts", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "china_government_default" in res.output and "P≤2030" in res.output
    summary = pd.read_csv(out / "summary.csv")
    assert {"rule", "p_by_2025", "p_by_2030", "p_by_2035", "p_by_2060", "median_year", "q10_year", "q90_year",
            "share_first", "reference"} <= set(summary.columns)
    fp = pd.read_csv(out / "first_passage.csv")
    assert len(fp) == 60 and "first_rule" in fp.columns
    q = pd.read_csv(out / "quantiles.csv")
    assert set(q.kind) == {"indicator", "series"} and q.year.max() == 2060
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed_entropy"] == 4 and manifest["paths"] == 60
    assert len(manifest["scenario_sha256"]) == 64 and "simulate" in manifest["timings_seconds"]
    for name in manifest["files"]:
        assert (out / name).exists()
    pytest.importorskip("pyarrow")
    pd.testing.assert_frame_equal(pd.read_parquet(out / "summary.parquet"), summary, check_dtype=False)


def test_bundled_scenarios_validate_and_run(tmp_path):
    from fiscalsim.scenario import bundled_scenario

    folder = bundled_scenario().parent
    for path in sorted(folder.glob("*.yaml")):
        res = CliRunner().invoke(main, ["run", str(path), "--paths", "8", "--seed", "1", "--no-charts", "--out",
                                        str(tmp_path / path.stem)])
        assert res.exit_code == 0, (path, res.output)


def test_compare_reports_paired_differences(tmp_path):
    from fiscalsim.scenario import bundled_scenario

    folder = bundled_scenario().parent
    out = tmp_path / "cmp"
    # the options' own effects, everything else equal: feedbacks off (people the same on every path)
    off = [f'feedbacks.{f}.enabled="off"' for f in ("jobs_migration", "austerity_migration", "establishment")]
    res = CliRunner().invoke(main, ["compare", str(folder / "baseline.yaml"), str(folder / "hiring_freeze.yaml"),
                                    str(folder / "transfer_cut.yaml"), "--paths", "60", "--seed", "2",
                                    "--rule", "china_sanbao_unfunded", "--out", str(out),
                                    *[a for o in off for a in ("--set", o)]])
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out / "comparison.csv").set_index("option")
    assert table.loc["hegang-baseline", "paired_diff_median_years"] == 0
    # Independent check of the paired difference from the per-option runs with the same seed.
    from fiscalsim.scenario import load_scenario
    from fiscalsim.simulate.montecarlo import run_scenario
    from fiscalsim.triggers import NEVER

    def years(name):
        r = run_scenario(load_scenario(folder / name, off), 60, 2)
        fp = r.first_passage[:, r.rule_ids.index("china_sanbao_unfunded")]
        return np.where(fp == NEVER, 2061, fp)

    diff = years("transfer_cut.yaml") - years("baseline.yaml")
    assert table.loc["hegang-transfer-cut-20", "paired_diff_median_years"] == np.median(diff)
    assert table.loc["hegang-transfer-cut-20", "cumulative_fiscal_effect_median"] < 0
    assert table.loc["hegang-hiring-freeze", "cumulative_fiscal_effect_median"] > 0
    assert set(table.money_unit) == {"亿元"}
    assert table.loc["hegang-hiring-freeze", "staff_2060"] < table.loc["hegang-baseline", "staff_2060"]
    svg = (out / "survival.svg").read_text()
    assert "hegang-hiring-freeze" in svg and "china_sanbao_unfunded" in svg
    wf = pd.read_csv(out / "waterfall_1.csv")  # hiring freeze vs baseline, in the report year
    assert set(wf.unit) == {"亿元"} and set(wf.year) == {2040}
    parts, total = wf.effect[:-1], wf.effect.iloc[-1]
    assert total == pytest.approx(parts.sum())
    assert wf.set_index("component").loc["personnel", "effect"] > 0
    assert wf.set_index("component").loc["transfers", "effect"] == 0
    assert (out / "waterfall_2.svg").exists()


def test_compare_rejects_unknown_rule(tmp_path):
    res = CliRunner().invoke(main, ["compare", str(bundled_scenario()), "--rule", "nope", "--paths", "2",
                                    "--out", str(tmp_path / "x")])
    assert res.exit_code == 2 and "not a rule of every option" in res.output


def test_chart_command_draws_from_a_results_folder(tmp_path):
    out = tmp_path / "run"
    res = CliRunner().invoke(main, ["run", "--paths", "20", "--seed", "1", "--out", str(out)])
    assert res.exit_code == 0, res.output
    for name in ("headline", "survival", "fans", "pyramid"):
        assert (out / f"{name}.png").stat().st_size > 10_000
    res = CliRunner().invoke(main, ["chart", str(out), "--kind", "fan", "--rule", "china_debt_ratio_warning",
                                    "--format", "svg"])
    assert res.exit_code == 0, res.output
    svg = (out / "fan_china_debt_ratio_warning.svg").read_text()
    assert "Government debt above 100 % of comprehensive fiscal capacity" in svg  # title
    assert "warning (national warning line): &gt; 100%" in svg and "year" in svg  # threshold in percent, and axis
    bad = CliRunner().invoke(main, ["chart", str(out), "--rule", "nope"])
    assert bad.exit_code == 2 and "unknown rules" in bad.output
    bad = CliRunner().invoke(main, ["chart", str(out), "--rule", "china_debt_ratio_warning,china_sanbao_unfunded"])
    assert bad.exit_code == 2 and "name several as --rule A --rule B" in bad.output
    bad = CliRunner().invoke(main, ["chart", str(tmp_path)])
    assert bad.exit_code == 2 and "not a results folder" in bad.output
