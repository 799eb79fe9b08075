"""Per-path series of a run (``run --series``, ``Results.path_series``): every path's values,
in the units of the quantile table, checked against the raw arrays by hand."""

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from fiscalsim.api import run
from fiscalsim.cli import main

YI = 1e8  # yuan per 亿元


@pytest.fixture(scope="module")
def res(hegang):
    return run(hegang, paths=24, seed=5)


def test_values_are_the_raw_arrays_in_the_quantile_units(res):
    table = res.path_series(["debt_government", "china_debt_ratio_warning", "population"])
    assert list(table.columns) == ["path", "year", "kind", "name", "unit", "value"]
    assert len(table) == 24 * len(res.years) * 3
    debt = table[table.name == "debt_government"]
    assert set(debt.unit) == {"亿元"} and set(debt.kind) == {"series"}
    by_hand = res.raw.series["debt_government"] / YI  # yuan → 亿元
    np.testing.assert_allclose(debt.value.to_numpy().reshape(24, -1), by_hand, rtol=1e-15)
    ratio = table[table.name == "china_debt_ratio_warning"]
    assert set(ratio.unit) == {"percent"} and set(ratio.kind) == {"indicator"}
    np.testing.assert_allclose(ratio.value.to_numpy().reshape(24, -1),
                               res.raw.indicators["china_debt_ratio_warning"] * 100, rtol=1e-15)
    people = table[table.name == "population"]
    np.testing.assert_array_equal(people.value.to_numpy().reshape(24, -1), res.raw.series["population"])
    # the rows of one path run through the years in order, path by path
    first = debt[debt.path == 3]
    assert list(first.year) == list(res.years)


def test_a_series_in_persons_is_not_scaled_as_money(res):
    """job_gap is a count of persons (the book set's non-money lines), not money in 亿元."""
    table = res.path_series(["job_gap"])
    assert set(table.unit) == {"persons"}
    np.testing.assert_array_equal(table.value.to_numpy().reshape(24, -1), res.raw.series["job_gap"])
    assert set(res.quantiles.query("name == 'job_gap'").unit) == {"persons"}


def test_the_median_of_the_paths_is_the_quantile_tables(res):
    table = res.path_series(["debt_government"])
    medians = table.groupby("year").value.median()
    q = res.quantiles.set_index(["name", "year"]).loc["debt_government", "q50"]
    np.testing.assert_allclose(medians.to_numpy(), q.to_numpy(), rtol=1e-12)


def test_an_unknown_name_is_refused_with_the_names_there_are(res):
    with pytest.raises(ValueError, match="no series or rule named debt.*debt_government"):
        res.path_series(["debt"])


def test_run_series_writes_the_table_and_refuses_unknown_names_before_running(tmp_path):
    out = tmp_path / "run"
    ok = CliRunner().invoke(main, ["run", "--paths", "12", "--seed", "2", "--no-charts", "--out", str(out),
                                   "--series", "staff, debt_government"])
    assert ok.exit_code == 0, ok.output
    table = pd.read_csv(out / "series.csv")
    assert set(table.name) == {"staff", "debt_government"} and len(table) == 12 * 41 * 2
    assert "series.csv" in (out / "manifest.json").read_text()
    bad = CliRunner().invoke(main, ["run", "--paths", "12", "--out", str(tmp_path / "bad"), "--series", "debts"])
    assert bad.exit_code == 2
    assert "no series or rule named debts" in bad.output and "Traceback" not in bad.output
    assert not (tmp_path / "bad").exists()
    plain = CliRunner().invoke(main, ["run", "--paths", "12", "--seed", "2", "--no-charts", "--out",
                                      str(tmp_path / "plain")])
    assert plain.exit_code == 0 and not (tmp_path / "plain" / "series.csv").exists()


def test_all_series_of_a_japanese_run_are_in_yen(tmp_path):
    out = tmp_path / "yubari"
    ok = CliRunner().invoke(main, ["run", "yubari/baseline", "--paths", "8", "--seed", "2", "--no-charts",
                                   "--out", str(out), "--series", "all"])
    assert ok.exit_code == 0, ok.output
    table = pd.read_csv(out / "series.csv")
    money = table[table.name == "local_debt"]
    assert len(money) and set(money.unit) <= {"億円", "万円", "百万円", "yen"}
    assert table.groupby("name").size().eq(8 * table.year.nunique()).all()
