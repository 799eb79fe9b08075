"""The public API: fiscalsim.run and its tidy tables (columns, units, one missing-value convention)."""

import dataclasses

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import fiscalsim
from fiscalsim.cli import main
from fiscalsim.report.headline import first_event_years, severity_class
from fiscalsim.triggers import NEVER


@pytest.fixture(scope="module")
def res():
    return fiscalsim.run("transfer_cut", paths=40)


def _no_sentinel(df: pd.DataFrame) -> None:
    for col in df.select_dtypes("number").columns:
        assert not (df[col] == NEVER).any(), f"{col} holds the 9999 sentinel"


def test_run_uses_the_scenarios_own_paths_seed_and_a_bundled_name(res):
    sc = fiscalsim.load_scenario(fiscalsim.bundled_scenario("hegang/transfer_cut"))
    assert res.scenario.name == sc.name == "hegang-transfer-cut-20"
    assert res.seed == sc.seed and res.paths == 40 and res.money_unit == "亿元"
    assert "hegang-transfer-cut-20" in repr(res)
    again = fiscalsim.run(sc, paths=40)
    np.testing.assert_array_equal(again.raw.first_passage, res.raw.first_passage)


def test_summary_is_tidy_with_units_and_missing_years(res):
    s = res.summary
    assert list(s.columns) == ["rule", "severity_class", "measure", "year", "value", "unit"]
    assert set(s.unit) == {"percent", "year"}
    assert set(s.measure) == {"p_by", "q10_year", "median_year", "q90_year", "p_first"}
    assert str(s.year.dtype) == "Int64" and str(s.value.dtype) == "Float64"
    never = s[(s.rule == "china88_general_interest") & (s.measure == "median_year")]
    assert never.value.isna().all()  # does not fire by 2060: missing, not 9999
    p = s[(s.rule == "china_debt_ratio_warning") & (s.measure == "p_by") & (s.year == 2060)].value.item()
    assert p == pytest.approx(100.0)
    _no_sentinel(s.astype({"value": float}))
    wide = res.summary_wide
    assert wide.set_index("rule").median_year.isna()["china88_general_interest"]


def test_quantiles_in_one_money_unit_and_ratios_in_percent(res):
    q = res.quantiles
    assert list(q.columns[:5]) == ["year", "kind", "name", "unit", "mean"]
    units = q.groupby("name").unit.first()
    assert units["china88_special_interest"] == "percent"  # a ratio rule's indicator
    assert units["china_government_default"] == "亿元"  # a money rule's indicator
    assert units["debt_service_due"] == "亿元" and units["population"] == "persons"
    row = q[(q.name == "debt_service_due") & (q.year == 2030)]
    raw = res.raw.series["debt_service_due"][:, list(res.years).index(2030)]
    assert row.q50.item() == pytest.approx(np.quantile(raw, 0.5) / 1e8)
    ratio = q[(q.name == "china88_special_interest") & (q.year == 2030)].q50.item()
    assert ratio == pytest.approx(100 * np.quantile(res.raw.indicators["china88_special_interest"][:, 10], 0.5))
    wan = fiscalsim.run("transfer_cut", paths=40, money_unit="万元").quantiles
    assert wan[(wan.name == "debt_service_due") & (wan.year == 2030)].q50.item() == pytest.approx(row.q50.item() * 1e4)


def test_first_passage_and_headline_use_missing_values(res):
    fp = res.first_passage
    assert list(fp.columns) == ["path", "rule", "severity_class", "year"]
    assert len(fp) == 40 * len(res.raw.rules) and str(fp.year.dtype) == "Int64"
    never = res.raw.first_passage.ravel() == 9999  # paths × rules, in the table's order (path-major)
    assert never.any() and (~never).any()
    np.testing.assert_array_equal(fp.sort_values(["path", "rule"], kind="stable").year.isna().to_numpy(),
                                  never[np.lexsort((np.tile([r.id for r in res.raw.rules], 40),
                                                    np.repeat(np.arange(40), len(res.raw.rules))))])
    _no_sentinel(fp)
    h = res.headline
    assert list(h.columns) == ["measure", "year", "value", "unit"]
    # the headline year per path is the earliest of the headline rules' years (independently here)
    raw = res.raw
    cols = [j for j, r in enumerate(raw.rules) if r.severity in ("restructuring", "default") and r.headline]
    expected = raw.first_passage[:, cols].min(axis=1)
    median = h[h.measure == "median_year"].value.item()
    assert median == int(np.quantile(expected, 0.5, method="inverted_cdf"))
    assert h[h.measure == "p_not_by_horizon"].value.item() == pytest.approx(100 * np.mean(expected == 9999))
    assert "first restructuring- or default-class event" in res.headline_text


def test_headline_is_the_first_restructuring_or_default_class_event(res):
    classes = {"china88_special_interest": "restructuring", "china_sanbao_unfunded": "default"}
    rules = tuple(dataclasses.replace(r, severity=classes.get(r.id, "warning")) for r in res.raw.rules)
    fp = res.raw.first_passage
    ids = [r.id for r in rules]
    expected = np.minimum(fp[:, ids.index("china88_special_interest")], fp[:, ids.index("china_sanbao_unfunded")])
    np.testing.assert_array_equal(first_event_years(fp, rules), expected)
    raw = dataclasses.replace(res.raw, rules=rules)
    sub = fiscalsim.Results(res.scenario, raw, res.seed, "亿元")
    h = sub.headline.set_index(["measure", "year"])
    assert h.loc[("p_by", 2030), "value"] == pytest.approx(100 * np.mean(expected <= 2030))
    assert severity_class("Default") == "default" and severity_class("early warning") == "warning"


def test_assumptions_carry_value_unit_and_source(res):
    a = res.assumptions
    assert list(a.columns) == ["key", "value", "unit", "uncertain", "source"]
    row = a.set_index("key").loc["policies.transfer_cut.share"]
    assert row.value == "20" and row.unit == "percent" and "what-if" in row.source
    tfr = a.set_index("key").loc["demography.fertility.tfr"]
    assert tfr.unit == "children per woman" and tfr.value == "0.735"
    assert a.uncertain.any() and (a.source.str.len() > 0).all()
    # a figure as its file states it: 1046508 万元, not rounded to 1.04651e+06
    assert a.set_index("key").loc["accounts.transfers_from_upper"].value == "1046508"


def test_lower_level_runs_take_a_scenario_or_name():
    sc = fiscalsim.load_scenario(fiscalsim.bundled_scenario())
    pop = fiscalsim.run_population(sc, 8)
    assert pop.stocks.shape[0] == 8
    raw = fiscalsim.run_scenario("baseline", 8)
    assert raw.first_passage.shape == (8, len(sc.rules))
    with pytest.raises(fiscalsim.ScenarioError, match="transfer_cut"):
        fiscalsim.run("no_such_option")


def test_list_names_and_python_m(tmp_path):
    out = CliRunner().invoke(main, ["list"])
    assert out.exit_code == 0, out.output
    assert "transfer_cut" in out.output and "cut by 20 % from 2026" in out.output
    assert "china_88" in out.output and "china88_general_interest" in out.output
    res = CliRunner().invoke(main, ["run", "transfer_cut", "--paths", "8", "--no-charts", "--out", str(tmp_path / "r")])
    assert res.exit_code == 0, res.output
    assert "not by 2060" in res.output and "> 2060" not in res.output
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "fiscalsim", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "Usage: fiscalsim" in proc.stdout


def test_verbose_logs_fiscalsim_only(tmp_path):
    import logging

    log = logging.getLogger("fiscalsim")
    try:
        res = CliRunner().invoke(main, ["-v", "run", "--paths", "4", "--no-charts", "--out", str(tmp_path / "r")])
        assert res.exit_code == 0, res.output
        assert "DEBUG fiscalsim" in res.output or "INFO fiscalsim" in res.output
        assert "matplotlib" not in res.output
        assert logging.getLogger("matplotlib").getEffectiveLevel() >= logging.WARNING
    finally:
        log.handlers, log.propagate = [], True
        log.setLevel(logging.NOTSET)


def test_written_tables_use_one_missing_value_convention(tmp_path):
    out = tmp_path / "r"
    res = CliRunner().invoke(main, ["run", "--paths", "12", "--no-charts", "--out", str(out)])
    assert res.exit_code == 0, res.output
    for name in ("summary", "first_passage", "headline", "quantiles"):
        table = pd.read_csv(out / f"{name}.csv")
        _no_sentinel(table)
    fp = pd.read_csv(out / "first_passage.csv")
    assert fp.china88_general_interest.isna().any()  # "never by the horizon" is a missing value
    years = fp.drop(columns=["path", "first_rule"]).to_numpy(dtype=float)
    assert np.all(np.isnan(years) | ((years >= 2021) & (years <= 2060)))
    q = pd.read_csv(out / "quantiles.csv")
    assert {"unit"} <= set(q.columns) and set(q.unit) == {"percent", "亿元", "persons", "yuan per person"}


def test_shared_options_mean_the_same_in_every_command():
    from fiscalsim.api import DEFAULT_CHUNK_PATHS

    defaults: dict[str, set] = {}
    for name, cmd in main.commands.items():
        for p in cmd.params:
            if p.name in ("jobs", "chunk_paths", "rule", "target_year"):
                if (name, p.name) == ("sensitivity", "rule"):  # studies the headline event by default
                    assert p.default == "headline"
                    continue
                defaults.setdefault(p.name, set()).add((p.default, p.opts[0]))
                assert p.name != "target_year" or "Report year" in p.help, (name, p.help)
    assert defaults["jobs"] == {(1, "--jobs")}
    assert defaults["chunk_paths"] == {(DEFAULT_CHUNK_PATHS, "--chunk-paths")}
    assert defaults["rule"] == {(None, "--rule")}  # the scenario's report.rule
    assert len(defaults["target_year"]) == 1 and next(iter(defaults["target_year"]))[1] == "--year"


def test_run_year_is_the_report_year(tmp_path):
    out = tmp_path / "r"
    res = CliRunner().invoke(main, ["run", "--paths", "4", "--year", "2035", "--no-charts", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert sorted(pd.read_csv(out / "pyramid.csv").year.unique()) == [2020, 2035]


def test_money_unit_option_sets_every_table(tmp_path):
    out = tmp_path / "b"
    res = CliRunner().invoke(main, ["--money-unit", "万元", "books", "--out", str(out)])
    assert res.exit_code == 0, res.output
    wide = pd.read_csv(out / "books_wide.csv")
    assert set(wide.money_unit) == {"万元"}
    assert wide.loc[wide.year == 2020, "carry_forward"].item() == pytest.approx(261_789)  # Hegang 2020, 万元
    out = tmp_path / "r"
    res = CliRunner().invoke(main, ["--money-unit", "yuan", "run", "--paths", "4", "--no-charts", "--out", str(out)])
    assert res.exit_code == 0, res.output
    q = pd.read_csv(out / "quantiles.csv")
    assert "yuan" in set(q.unit) and "亿元" not in set(q.unit)


def test_quantiles_of_finite_and_non_finite_series_agree_with_nanquantile():
    from fiscalsim.report.tables import QUANTILES, quantile_frame

    rng = np.random.default_rng(1)
    arr = rng.normal(size=(300, 5))
    frame = quantile_frame(arr, np.arange(5), "series", "x", "ratio")
    np.testing.assert_array_equal(frame.q50, np.nanquantile(arr, 0.5, axis=0))
    arr[3, 2], arr[7, 4] = np.inf, np.nan  # left out of the quantiles
    frame = quantile_frame(arr, np.arange(5), "series", "x", "ratio")
    clean = np.where(np.isfinite(arr), arr, np.nan)
    np.testing.assert_array_equal(frame[[f"q{round(q * 100):02d}" for q in QUANTILES]].to_numpy().T,
                                  np.nanquantile(clean, QUANTILES, axis=0))
    np.testing.assert_array_equal(frame["mean"], np.nanmean(clean, axis=0))
