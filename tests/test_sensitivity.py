"""The tornado: each swing equals a zero-variance run with the parameter fixed by hand."""

import numpy as np
from click.testing import CliRunner

from fiscalsim.cli import main
from fiscalsim.scenario import bundled_scenario, load_scenario
from fiscalsim.simulate.montecarlo import run_scenario
from fiscalsim.simulate.sampling import zero_variance
from fiscalsim.simulate.sensitivity import tornado


def test_tornado_swing_matches_a_hand_fixed_run(hegang):
    result = tornado(hegang, "china_government_default")
    row = result.table.set_index("parameter").loc["finance.personnel_share"]
    # the low quantile of triangular(0.24, 0.28, 0.32) at 10 %: 0.24 + sqrt(0.1 · 0.08 · 0.04)
    assert abs(row.low_value - (0.24 + np.sqrt(0.1 * 0.08 * 0.04))) < 1e-12
    fixed = load_scenario(bundled_scenario(), [
        f"finance.personnel_share={{value: {float(row.low_value)!r}, unit: ratio, source: test}}"])
    res = run_scenario(zero_variance(fixed), 1, 0)
    assert res.first_passage[0, res.rule_ids.index("china_government_default")] == row.year_at_low
    assert list(result.table.swing_years) == sorted(result.table.swing_years, reverse=True)
    assert "debt.refinancing_share_lgfv" in result.not_swung


def test_sensitivity_cli(tmp_path):
    out = tmp_path / "s"
    res = CliRunner().invoke(main, ["sensitivity", "--rule", "china_government_default", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert (out / "tornado.csv").exists() and (out / "tornado.png").stat().st_size > 5_000
    assert "first year of china_government_default" in (out / "tornado.svg").read_text()
