"""Sweeps: grids of overrides; identical results from in-process, local-process and Dask engines."""

import pandas as pd
import pytest
from click.testing import CliRunner

from fiscalsim.cli import main
from fiscalsim.report.tables import key_label
from fiscalsim.scenario import ScenarioError, bundled_scenario, load_scenario
from fiscalsim.simulate.sweep import grid_points, parse_grid, run_sweep

BASE = str(bundled_scenario().parent / "sweep_levers.yaml")
GRID = {"policies.transfer_cut.share.value": ["0", "20"], "policies.hiring.hires_per_retirement.value": ["1", "0"]}
YEARS = [2025, 2030, 2035, 2060]


def test_parse_grid_and_points():
    grid = parse_grid(["a.b=1,2", "c=x"])
    assert grid == {"a.b": ["1", "2"], "c": ["x"]}
    assert grid_points(grid) == [{"a.b": "1", "c": "x"}, {"a.b": "2", "c": "x"}]
    with pytest.raises(ScenarioError):
        parse_grid(["nonsense"])


def test_sweep_is_monotone_in_the_levers():
    table = run_sweep(BASE, GRID, [], 40, 5, YEARS)
    sanbao = table[table.rule == "china_sanbao_unfunded"].set_index(list(GRID))
    cut, hires = "policies.transfer_cut.share.value", "policies.hiring.hires_per_retirement.value"
    assert sanbao.loc[("20", "1"), "median_year"] <= sanbao.loc[("0", "1"), "median_year"]
    assert sanbao.loc[("0", "0"), "median_year"] >= sanbao.loc[("0", "1"), "median_year"]
    assert set(table.rule) >= {"china_government_default", "china_sanbao_unfunded"}
    assert {cut, hires} <= set(table.columns)


def test_dask_engine_gives_identical_results():
    distributed = pytest.importorskip("distributed")
    local = run_sweep(BASE, GRID, [], 30, 9, YEARS)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        remote = run_sweep(BASE, GRID, [], 30, 9, YEARS, scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(local, remote)


def test_sweep_cli_writes_table_and_heat_maps(tmp_path):
    out = tmp_path / "sw"
    res = CliRunner().invoke(main, ["sweep", BASE, "--grid", "policies.transfer_cut.share.value=0,20",
                                    "--paths", "10", "--seed", "1", "--jobs", "2", "--out", str(out)])
    assert res.exit_code == 0, res.output
    n_rules = len(load_scenario(BASE).rules)
    assert len(pd.read_csv(out / "sweep.csv")) == 2 * n_rules
    assert (out / "heatmap_median_year.png").stat().st_size > 5_000
    # the terminal names the rule and shows P as percent, as run and compare do
    assert "rule china_sanbao_unfunded" in res.output and "10 paths each" in res.output
    row = next(line for line in res.output.splitlines() if line.split()[:1] == ["20"])
    assert row.split()[-1].endswith("%")
    bad = CliRunner().invoke(main, ["sweep", BASE, "--grid", "policies.transfer_cut.share.value=0,200",
                                    "--paths", "2", "--out", str(tmp_path / "bad")])
    assert bad.exit_code == 2 and "outside the allowed range" in bad.output


def test_heat_map_axes_name_the_swept_values_unit():
    sc = load_scenario(BASE)
    assert key_label(sc.settings, "policies.transfer_cut.share.value") == "policies.transfer_cut.share.value (percent)"
    assert key_label(sc.settings, "policies.hiring.hires_per_retirement.value").endswith("(ratio)")
    assert key_label(sc.settings, "report.rule") == "report.rule"  # not a parameter: the key alone
