"""Sensitivity designs: one-at-a-time swings equal hand-fixed runs, persistent process deviations
are what they say, and Sobol indices find the only input that varies."""

import dataclasses

import numpy as np
from click.testing import CliRunner

from fiscalsim.cli import main
from fiscalsim.demography.projector import AR1
from fiscalsim.scenario import bundled_scenario, load_scenario
from fiscalsim.simulate.montecarlo import run_scenario
from fiscalsim.simulate.sampling import zero_variance
from fiscalsim.simulate.sensitivity import Sensitivity, factors, persistent_innovations, sensitivity
from fiscalsim.triggers import NEVER

RULE = "china_government_default"


def test_oat_swing_matches_a_hand_fixed_run(hegang):
    result = sensitivity(hegang, RULE, "oat", q_low=0.1, q_high=0.9)
    row = result.table.set_index("factor").loc["finance.personnel_share"]
    # the 10 % quantile of triangular(0.24, 0.28, 0.32): 0.24 + sqrt(0.1 · 0.08 · 0.04)
    low = 0.24 + float(np.sqrt(0.1 * 0.08 * 0.04))
    fixed = load_scenario(bundled_scenario(), [f"finance.personnel_share={{value: {low!r}, unit: ratio, source: test}}"])
    res = run_scenario(zero_variance(fixed), 1, 0)
    year = res.first_passage[0, res.rule_ids.index(RULE)]
    assert (int(res.years[-1]) + 1 if year == NEVER else year) == row.year_at_low  # never: after the horizon
    assert list(result.table.swing_years) == sorted(result.table.swing_years, reverse=True)
    # time processes are factors too
    names = set(result.table.factor)
    assert {"debt.refinancing_share_lgfv (process)", "process: migration rate", "process: market rate"} <= names


def test_persistent_deviation_holds_an_ar1_at_its_stationary_quantile():
    phi, sigma, z = 0.7, 0.3, np.array([1.2816])
    x = AR1(phi, sigma).path(persistent_innovations(z, 12, phi))
    np.testing.assert_allclose(x[0, 0], 0.0)  # the base year is data
    np.testing.assert_allclose(x[0, 1:], z[0] * sigma / np.sqrt(1 - phi**2), rtol=1e-12)
    walk = np.cumsum(persistent_innovations(z, 10, None), axis=1)
    np.testing.assert_allclose(walk[0, -1], z[0] * np.sqrt(9), rtol=1e-12)


def test_sobol_finds_the_only_input_that_varies(hegang):
    quiet = zero_variance(hegang)
    keep = [u for u in hegang.uncertain if u.key == "debt.lgfv_years"]
    others = [u for u in quiet.uncertain if u.key != "debt.lgfv_years"]
    sc = dataclasses.replace(quiet, uncertain=tuple(others + keep))
    result = sensitivity(sc, RULE, "sobol", n=64)
    table = result.table.set_index("factor")
    # The year is a step function of the one input: its estimate is noisy at 64 samples, but it
    # ranks first and every other input's indices are exactly zero.
    assert result.table.factor.iloc[0] == "debt.lgfv_years" and table.loc["debt.lgfv_years", "ST"] > 0
    assert (table.drop(index="debt.lgfv_years")[["S1", "ST"]] == 0).all().all()
    assert all(f.kind != "model" for f in factors(sc))  # no model process varies in a zero-variance scenario


def test_sensitivity_cli(tmp_path):
    out = tmp_path / "s"
    res = CliRunner().invoke(main, ["sensitivity", "--method", "morris", "--samples", "4", "--rule", RULE,
                                    "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert (out / "sensitivity.csv").exists() and (out / "sensitivity.png").stat().st_size > 5_000
    assert f"first year of {RULE}" in (out / "sensitivity.svg").read_text()
    bad = CliRunner().invoke(main, ["sensitivity", "--rule", "no_such_rule", "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "neither 'headline' nor a rule" in bad.output


def test_same_design_seed_same_indices(hegang):
    a = sensitivity(hegang, RULE, "sobol", n=8, seed=0)
    b = sensitivity(hegang, RULE, "sobol", n=8, seed=0)
    assert a.table.equals(b.table)


def test_the_chart_title_says_what_is_studied_and_how_many_inputs_it_draws():
    import pandas as pd

    from fiscalsim.report.sensitivity import sensitivity_title

    table = pd.DataFrame({"factor": [f"x{i}" for i in range(20)], "swing_years": range(20, 0, -1)})
    result = Sensitivity("oat", "headline", table, 2022, 42, False)
    title = sensitivity_title(result, 15)
    assert "first year of the first restructuring- or default-class event" in title and "of headline" not in title
    assert "the 15 of 20 inputs that move it most" in title
    assert max(len(line) for line in title.splitlines()) < 100  # fits above the bars of a 9-inch chart
    assert "inputs" not in sensitivity_title(dataclasses.replace(result, rule=RULE, table=table.head(3)), 15)
