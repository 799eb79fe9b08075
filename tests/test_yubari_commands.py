"""Every command on a Japanese municipality (Yubari): what each book set tells the commands (its
outline) is consistent with its lines and schema, and each command runs, writes its files and
reads Japan's books, not China's."""

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from fiscalsim.cli import main
from fiscalsim.finance.books import book_set, book_set_names
from fiscalsim.scenario import SCHEMAS, load_scenario
from fiscalsim.scenario.schema import Section
from fiscalsim.simulate.montecarlo import run_scenario
from fiscalsim.simulate.sampling import zero_variance

from .conftest import REPO

YUBARI = REPO / "scenarios" / "yubari" / "baseline.yaml"
AID = REPO / "scenarios" / "yubari" / "special_aid.yaml"
#: China's social-insurance chart is of flows: its balances are the only book lines not stacked.
NOT_STACKED = {"china": {"si_balance_start", "si_balance_end"}, "japan": set()}
#: books.csv keeps 10 significant digits: lines up to ~10³ 億円 are exact to ~10⁻⁷ 億円.
CSV_ROUNDING = 1e-6


def _is_key(schema: Section, key: str) -> bool:
    node = schema
    for part in key.split("."):
        if not isinstance(node, Section) or part not in node.fields:
            return False
        node = node.fields[part]
    return True


@pytest.mark.parametrize("name", book_set_names())
def test_outline_names_only_lines_and_keys_of_its_book_set(name):
    bs = book_set(name)
    o = bs.outline
    lines = set(bs.line_names)
    assert set(o.key_series) <= lines | {"services_per_capita"}
    for item in o.balance + o.waterfall:
        assert set(item.lines) <= set(o.key_series), item  # a run keeps what compare reads
        assert item.sign in (1, -1)
    for stack, (book, (sources, uses)) in zip(o.stacks, bs.books.items(), strict=True):
        for groups, side in ((stack.sources, sources), (stack.uses, uses)):
            stacked = [n for names in groups.values() for n in names]
            assert len(stacked) == len(set(stacked)), (book, stacked)  # no line drawn twice
            assert set(stacked) == set(side) - NOT_STACKED[name], (book, set(side) ^ set(stacked))
    assert set(o.stack_overlay) | {n for _, n in o.watch} | set(o.non_money) <= lines
    schema = SCHEMAS[name]
    for keys in (*o.calibration_keys.values(), o.calibration_sections):
        assert all(_is_key(schema, k) for k in keys), keys


def test_zero_variance_yubari_equals_its_deterministic_run():
    sc = zero_variance(load_scenario(YUBARI))
    assert {u.key for u in sc.uncertain} >= {"japan.third_sector_debt", "japan.debt_service_in_need_share"}
    stochastic = run_scenario(sc, 3, 17)
    deterministic = run_scenario(sc, 3, 0, deterministic=True)
    np.testing.assert_array_equal(stochastic.first_passage, deterministic.first_passage)
    assert stochastic.series.keys() == deterministic.series.keys()
    for k, v in deterministic.series.items():
        np.testing.assert_array_equal(stochastic.series[k], v, err_msg=k)
    # and the uncertainty is real: without zero variance the paths differ
    drawn = run_scenario(load_scenario(YUBARI), 3, 17)
    assert not np.array_equal(drawn.series["real_deficit"], deterministic.series["real_deficit"])


def _invoke(*args):
    res = CliRunner().invoke(main, [str(a) for a in args])
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output
    return res.output


def test_books_of_yubari_are_japans_books_and_balance(tmp_path):
    out = tmp_path / "books"
    text = _invoke("books", YUBARI, "--out", out)
    assert "first year with a rehabilitation plan running: 2007" in text
    tidy = pd.read_csv(out / "books.csv")
    assert set(tidy.book) == {"general", "enterprises", "memo"}
    assert set(tidy[tidy.book != "memo"].unit) == {"億円"}
    units = tidy[tidy.book == "memo"].groupby("line").unit.first()
    assert units["early_deficit_threshold"] == "ratio" and units["staff"] == "persons"
    books = tidy[tidy.book != "memo"].groupby(["book", "year", "side"]).value.sum().unstack("side")
    assert (books["source"] - books["use"]).abs().max() < CSV_ROUNDING
    wide = pd.read_csv(out / "books_wide.csv")
    assert wide.loc[wide.year == 2005, "local_tax"].item() == pytest.approx(9.4)  # the FY2005 accounts
    svg = (out / "budget_stack.svg").read_text()
    assert "general account (一般会計等): uses" in svg and "enterprises and special accounts: sources" in svg
    assert "arrears outstanding" in svg


def test_compare_yubari_with_special_aid(tmp_path):
    out = tmp_path / "cmp"
    text = _invoke("compare", YUBARI, AID, "--paths", 20, "--seed", 3, "--out", out, "--report")
    assert "allocation and shared taxes" in text  # Japan's structural balance in words
    table = pd.read_csv(out / "comparison.csv").set_index("option")
    assert table.loc["yubari-special-aid", "cumulative_fiscal_effect_median"] > 0
    wf = pd.read_csv(out / "waterfall_1.csv").set_index("component")
    assert set(wf.unit) == {"億円"} and set(wf.year) == {2010}
    assert wf.loc["allocation and shared taxes", "effect"] == pytest.approx(1.19)  # the aid, every path in the plan
    assert wf.loc["personnel", "effect"] == 0
    assert wf.loc["structural balance", "effect"] == pytest.approx(wf.effect.iloc[:-1].sum())
    assert (out / "report.html").stat().st_size > 10_000


def test_validate_names_japanese_keys_and_run_refuses_without_traceback(tmp_path):
    small = "accounts.expenditure={value: 60, unit: 億円, source: test}"
    res = CliRunner().invoke(main, ["validate", str(YUBARI), "--set", small])
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert "services and other spending" in res.output
    assert "accounts.expenditure = 60 億円" in res.output and "japan.third_sector_debt" in res.output
    res = CliRunner().invoke(main, ["run", str(YUBARI), "--set", small, "--paths", "4", "--out", str(tmp_path / "r")])
    assert res.exit_code == 2 and "Traceback" not in res.output and "cannot reproduce" in res.output
    deficit = "accounts.deficit_general_end={value: 1, unit: 億円, source: test}"
    res = CliRunner().invoke(main, ["validate", str(YUBARI), "--set", deficit])
    assert res.exit_code == 2 and "general-account deficit" in res.output
    assert "accounts.deficit_general_end = 1 億円" in res.output


def test_every_other_command_runs_on_yubari(tmp_path):
    assert "ok:" in _invoke("validate", YUBARI, AID)
    assert "yubari/special_aid" in _invoke("list")
    run = tmp_path / "run"
    _invoke("run", YUBARI, "--paths", 20, "--seed", 1, "--out", run)
    for kind in ("headline", "survival", "fans", "pyramid"):
        _invoke("chart", run, "--kind", kind, "--format", "svg")
        assert (run / f"{kind}.svg").stat().st_size > 5_000
    text = _invoke("chart", run, "--kind", "fan", "--rule", "jp_real_deficit_rehabilitation", "--format", "png")
    written = [line.removeprefix("wrote ") for line in text.splitlines() if line.startswith("wrote ")]
    assert len(written) == 1 and written[0].endswith(".png") and (run / written[0]).stat().st_size > 5_000
    _invoke("report", run, "--html")
    assert "jp_real_deficit_rehabilitation" in (run / "report.html").read_text(encoding="utf-8")
    q = pd.read_csv(run / "quantiles.csv")
    assert {"real_deficit", "grants", "debt_service_local"} <= set(q.name)
    sens = tmp_path / "sens"
    text = _invoke("sensitivity", YUBARI, "--method", "oat", "--out", sens)
    table = pd.read_csv(sens / "sensitivity.csv")
    assert "japan.third_sector_debt" in set(table.factor) and "process: market rate" not in set(table.factor)
    assert "no input moves it" in text  # every rule fires in FY2006, whatever the inputs
    assert json.loads((sens / "manifest.json").read_text())["constant"] is True
    sweep = tmp_path / "sweep"
    _invoke("sweep", YUBARI, "--grid", "japan.plan.special_allocation_aid.value=0,1.19", "--paths", 8, "--out", sweep)
    points = pd.read_csv(sweep / "sweep.csv")
    assert len(points) == 2 * 8 and set(points.rule) == {r.id for r in load_scenario(YUBARI).rules}
    assert (sweep / "heatmap_median_year.png").exists()
    _invoke("population", YUBARI, "--paths", 8, "--out", tmp_path / "pop")
    assert (tmp_path / "pop" / "population_quantiles.csv").exists()
    _invoke("screen", YUBARI, AID, "--paths", 8, "--out", tmp_path / "screen")
    assert "yubari-special-aid" in (tmp_path / "screen" / "screen.csv").read_text(encoding="utf-8")


def test_python_api_on_yubari(tmp_path):
    import fiscalsim

    res = fiscalsim.run("yubari/baseline", paths=10)
    assert res.money_unit == "億円"
    for fig in (res.plot_headline(), res.plot_survival(), res.plot_fans(), res.plot_pyramid(),
                res.plot_fan("jp_real_deficit_rehabilitation")):
        assert fig.axes
    assert "yubari-baseline" in res.to_html()
    res.save(tmp_path / "api", report=True)
    assert (tmp_path / "api" / "report.html").exists()
