"""Screening many cities: common random numbers, a ranked table independent of the job count, and
key years, money unit and default rule from the scenario's report section."""

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from fiscalsim.cli import main
from fiscalsim.scenario import ScenarioError, bundled_scenario, load_scenario

from .conftest import REPO

N, SEED = 24, 7


@pytest.fixture(scope="module")
def cities(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("screen")
    paths = []
    for code, name in ((230900, "qitaihe"), (230781, "tieli"), (232700, "daxinganling")):
        out = tmp / name
        res = CliRunner().invoke(main, ["new-city", str(code), "--name", name, "--accounts-like", "hegang",
                                        "--out", str(out)])
        assert res.exit_code == 0, res.output
        paths.append(out / f"{name}.yaml")
    return paths


def screen(paths, out, *args):
    return CliRunner().invoke(main, ["screen", *map(str, paths), "--paths", str(N), "--seed", str(SEED),
                                     "--out", str(out), *map(str, args)])


def test_a_screen_is_bitwise_identical_for_any_job_count(cities, tmp_path):
    written = []
    for jobs in (1, 2, 3):
        res = screen(cities, tmp_path / f"j{jobs}", "--jobs", jobs)
        assert res.exit_code == 0, res.output
        written.append((tmp_path / f"j{jobs}" / "screen.csv").read_bytes())
    assert written[0] == written[1] == written[2]
    assert "[stand-in accounts]" in res.output


def test_a_city_row_is_its_own_run_with_the_shared_seed(cities, tmp_path):
    from fiscalsim.cityscreen import load_cities, run_screen
    from fiscalsim.simulate.montecarlo import run_scenario

    scs = load_cities(cities, [])
    table = run_screen(scs, N, SEED, scs[0].key_years).set_index("city")
    alone = run_screen(scs[1:2], N, SEED, scs[0].key_years).set_index("city")  # order and company do not matter
    pd.testing.assert_series_equal(table.loc["tieli"].drop("rank"), alone.loc["tieli"].drop("rank"))
    for sc in scs:
        raw = run_scenario(sc, N, SEED)
        cols = [j for j, r in enumerate(raw.rules) if r.severity in ("restructuring", "default") and r.headline]
        event = raw.first_passage[:, cols].min(axis=1)
        row = table.loc[sc.name]
        for y in sc.key_years:
            assert row[f"p_by_{y}"] == np.count_nonzero(event <= y) / N
        assert row.median_year == np.sort(event)[int(np.ceil(0.5 * N)) - 1]
        assert row.mean_year == pytest.approx(np.mean(np.minimum(event, 2061)))
        firsts = [raw.rules[cols[int(np.argmin(p))]].id for p in raw.first_passage[:, cols] if p.min() < 9999]
        ids, counts = np.unique(firsts, return_counts=True)
        assert row.main_driver == ids[np.argmax(counts)] and row.driver_share == counts.max() / N


def test_the_table_is_ranked_and_the_folder_complete(cities, tmp_path):
    out = tmp_path / "s"
    res = screen(cities, out)
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out / "screen.csv")
    assert table["rank"].tolist() == [1, 2, 3] and set(table.accounts) == {"stand-in"}
    order = list(zip(table.median_year.fillna(9999), -table.p_by_2035, table.mean_year, strict=True))
    assert order == sorted(order)
    import json

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["command"] == "screen" and len(manifest["stand_in"]) == 3
    assert all((out / f).is_file() for f in manifest["files"])


def test_a_folder_of_templates_lists_what_to_fill(tmp_path):
    res = CliRunner().invoke(main, ["screen", "--dir", str(REPO / "scenarios" / "heilongjiang"), "--paths", "4",
                                    "--out", str(tmp_path / "x")])
    assert res.exit_code == 2 and "Traceback" not in res.output and not (tmp_path / "x").exists()
    lines = res.output.splitlines()
    assert len(lines) == 12  # one per template; Hegang's accounts are known
    qitaihe = next(line for line in lines if "qitaihe.yaml" in line)
    assert "a template with 38 values TO FILL" in qitaihe and "fiscalsim validate" in qitaihe


def test_key_years_money_unit_and_rule_come_from_the_scenario(tmp_path):
    from fiscalsim.api import run

    sc = load_scenario(bundled_scenario())
    assert sc.key_years == [2025, 2030, 2035, 2060] and sc.default_rule == "china_sanbao_unfunded"
    sets = ["report={key_years: [2024, 2031], money_unit: 万元, rule: china_government_default}"]
    res = run(None, paths=4, overrides=sets)
    assert [c for c in res.summary_wide.columns if c.startswith("p_by_")] == ["p_by_2024", "p_by_2031", "p_by_2060"]
    assert res.money_unit == "万元" and res.scenario.default_rule == "china_government_default"
    assert "by 2024" in res.headline_text
    with pytest.raises(ScenarioError, match=r"key years \[2061\] are outside 2021-2060"):
        load_scenario(bundled_scenario(), ["report={key_years: [2030, 2061]}"])
    with pytest.raises(ScenarioError, match="report.rule"):
        load_scenario(bundled_scenario(), ["report={rule: no_such_rule}"])
    base = load_scenario(bundled_scenario(), ["simulation.horizon=2032", "simulation.report_year=2030"])
    assert base.key_years == [2025, 2030, 2032]


def test_dask_engine_gives_the_same_screen(cities):
    distributed = pytest.importorskip("distributed")
    from fiscalsim.cityscreen import load_cities, run_screen

    scs = load_cities(cities[:2], [])
    local = run_screen(scs, 12, SEED, scs[0].key_years)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        remote = run_screen(scs, 12, SEED, scs[0].key_years, scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(local, remote)


def test_a_screen_takes_bundled_names_beside_files(cities, tmp_path):
    res = screen([cities[0], "baseline", "heilongjiang/hegang"], tmp_path / "named")
    assert res.exit_code == 0, res.output
    table = pd.read_csv(tmp_path / "named" / "screen.csv")
    assert {"qitaihe", "hegang-baseline", "hegang"} == set(table.city)
    bad = screen(["no_such_city"], tmp_path / "bad")
    assert bad.exit_code == 2 and "no bundled scenario named 'no_such_city'" in bad.output
