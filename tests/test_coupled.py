"""The coupled year step: feedbacks off equals the stages run one after another; each feedback
moves people in its documented direction; the establishment follows residents; a merger saves
what it says; the per-year step of one path equals that path in a block."""

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from fiscalsim.feedbacks import FeedbackInputs, FeedbackSignals, migration_response
from fiscalsim.finance.staffing import staffing_year
from fiscalsim.simulate.engine import draw_block, quiet_draws, run_draws

from .test_finance_model import check_identities

SCENARIOS = Path(__file__).resolve().parents[1] / "fiscalsim" / "scenarios"


def feedbacks_off(sc):
    fin = dataclasses.replace(sc.finance, establishment_adjustment=None)
    return dataclasses.replace(sc, feedbacks=FeedbackInputs(), finance=fin,
                               uncertain=tuple(u for u in sc.uncertain if not u.key.startswith("feedbacks.")))


def only(sc, **switches):
    """Central values, no shocks, and only the named feedbacks (with their central parameters)."""
    fb = sc.feedbacks
    on = FeedbackInputs(jobs=switches.get("jobs", False), jobs_leave_share=fb.jobs_leave_share,
                        austerity=switches.get("austerity", False),
                        services_semi_elasticity=fb.services_semi_elasticity,
                        arrears_semi_elasticity=fb.arrears_semi_elasticity)
    fin = dataclasses.replace(sc.finance, establishment_adjustment=sc.finance.establishment_adjustment
                              if switches.get("establishment") else None)
    return dataclasses.replace(sc, feedbacks=on, finance=fin)


def deterministic(sc):
    return run_draws(sc, quiet_draws(1, len(sc.years)))


def test_feedbacks_off_equals_the_sequential_stages_bitwise(hegang):
    sc = feedbacks_off(hegang)
    draws = draw_block(sc, 20210726, 256, 512)
    a, b = run_draws(sc, draws, coupled=True), run_draws(sc, draws, coupled=False)
    for name in ("stocks", "flows", "tfr", "mortality_k", "migration_rate", "e0"):
        np.testing.assert_array_equal(getattr(a.population, name), getattr(b.population, name), err_msg=name)
    for name in a.finance.lines:
        np.testing.assert_array_equal(a.finance.lines[name], b.finance.lines[name], err_msg=name)


def test_migration_response_by_hand():
    sig = FeedbackSignals(job_gap=np.array([1000.0, -500.0]), population=np.array([100_000.0, 100_000.0]),
                          service_shortfall=np.array([0.2, 0.0]), arrears_share=np.array([0.5, 0.0]))
    jobs = FeedbackInputs(jobs=True, jobs_leave_share=0.3)
    np.testing.assert_allclose(migration_response(jobs, sig), [-0.003, 0.0])  # 0.3 × 1000 / 100,000; no pull
    aus = FeedbackInputs(austerity=True, services_semi_elasticity=0.02, arrears_semi_elasticity=0.05)
    np.testing.assert_allclose(migration_response(aus, sig), [-(0.02 * 0.2 + 0.05 * 0.5), 0.0])
    np.testing.assert_array_equal(migration_response(FeedbackInputs(), sig), [0.0, 0.0])


def pits_closing(sc):
    """Coal falling 15 % a year with a third of jobs in mining: labour demand falls faster than
    supply, so there is a job gap (in the Hegang baseline supply ages away faster than demand)."""
    return dataclasses.replace(sc, economy=dataclasses.replace(sc.economy, coal_depletion=0.15,
                                                               resource_employment_share=0.33))


@pytest.mark.parametrize("switch", ["jobs", "austerity"])
def test_each_migration_feedback_pushes_people_out_when_its_signal_says_so(hegang, switch):
    sc = pits_closing(hegang) if switch == "jobs" else hegang
    off, on = deterministic(only(sc)), deterministic(only(sc, **{switch: True}))
    lines = off.finance.lines
    if switch == "jobs":
        signal = np.maximum(lines["job_gap"], 0.0)
    else:
        signal = lines["sanbao_unpaid"] + np.maximum(0.0, -np.diff(lines["services_paid"], prepend=np.nan))
    rate_on, rate_off = on.population.migration_rate[0, :, 0], off.population.migration_rate[0, :, 0]
    assert rate_on[0] == rate_off[0]  # the base year is data
    assert np.all(rate_on <= rate_off + 1e-15)  # never pulls people in
    assert signal[0, 1:].max() > 0 and np.any(rate_on < rate_off)  # the signal is there and acts
    pop_on = on.population.stock("total").sum(-1)[0, -1]
    pop_off = off.population.stock("total").sum(-1)[0, -1]
    assert pop_on < pop_off


def test_jobs_feedback_acts_one_year_after_the_gap(hegang):
    sc = only(pits_closing(hegang), jobs=True)
    res = deterministic(sc)
    gap, pop = res.finance.lines["job_gap"][0], res.finance.lines["population"][0]
    assert gap.max() > 0
    base = deterministic(only(pits_closing(hegang))).population.migration_rate[0, :, 0]
    # year t's extra rate is leave_share × gap(t−1)⁺ / population(t−1), on top of the same target
    # (the migration target and its age profile do not depend on the feedback)
    expected = -sc.feedbacks.jobs_leave_share * np.maximum(gap[:-1], 0) / pop[:-1]
    np.testing.assert_allclose(res.population.migration_rate[0, 1:, 0] - base[1:], expected, rtol=1e-9, atol=1e-15)


def test_establishment_keeps_staff_in_line_with_residents(hegang):
    off, on = deterministic(only(hegang)), deterministic(only(hegang, establishment=True))
    def per_1000(r):
        return 1000 * r.finance.lines["staff"][0] / r.finance.lines["population"][0]
    assert per_1000(on)[0] == pytest.approx(per_1000(off)[0])
    assert per_1000(on)[-1] < per_1000(off)[-1]
    assert per_1000(on)[-1] < 1.5 * per_1000(on)[0]  # posts follow residents, with lag
    assert on.finance.lines["staff_hires"].min() >= 0.0  # nobody is dismissed to fit


def test_hiring_stops_at_the_establishment_by_hand():
    staff = np.zeros((1, 1, 5))
    staff[0, 0, 3] = 100.0
    retire = np.zeros((1, 5))
    retire[0, 3] = 0.1  # ten retire
    nxt, year = staffing_year(staff, retire, np.ones((1, 1)), entry_age=0, headcount_cap=np.array([95.0]))
    assert year.retirements[0, 0] == pytest.approx(10.0)
    assert year.hires[0, 0] == pytest.approx(5.0)  # 95 − 90 who stay
    assert nxt.sum() == pytest.approx(95.0)
    _, year = staffing_year(staff, retire, np.ones((1, 1)), entry_age=0, headcount_cap=np.array([80.0]))
    assert year.hires[0, 0] == 0.0 and year.headcount_end[0, 0] == pytest.approx(90.0)  # attrition only


def test_merger_saves_overheads_staff_and_services(hegang):
    from fiscalsim.scenario import bundled_scenario, load_scenario

    merged = load_scenario(bundled_scenario("hegang/districts_merged"))
    a, b = deterministic(only(hegang)), deterministic(only(merged))
    years = list(hegang.years)
    before, after = years.index(2025), years.index(2040)
    la, lb = a.finance.lines, b.finance.lines
    for name in ("exp_overhead", "staff", "exp_services_education", "exp_services_residents"):
        assert lb[name][0, before] == pytest.approx(la[name][0, before]), name
        assert lb[name][0, after] < la[name][0, after], name
    assert lb["exp_policy_costs"][0, years.index(2026)] > la["exp_policy_costs"][0, years.index(2026)]


def test_one_path_alone_equals_the_same_path_in_its_block(hegang):
    # bit for bit, every line: each kernel and NumPy step works path by path
    full = run_draws(hegang, draw_block(hegang, 99, 0, 256))
    alone = run_draws(hegang, draw_block(hegang, 99, 37, 38))
    for name, line in full.finance.lines.items():
        np.testing.assert_array_equal(alone.finance.lines[name][0], line[37], err_msg=name)
    np.testing.assert_array_equal(alone.population.stocks[0], full.population.stocks[37])


BUNDLED_RUNS = sorted(p.relative_to(SCENARIOS).with_suffix("").as_posix()
                      for city in ("hegang", "yubari") for p in (SCENARIOS / city).glob("*.yaml"))


@pytest.mark.parametrize("name", BUNDLED_RUNS)
def test_every_line_is_written_every_year(name):
    # a block's books start as NaN, so a line some year leaves unwritten cannot pass for zero;
    # every bundled scenario of either book set, so that each lever's branch is written too
    from fiscalsim.api import as_scenario, scenario_path

    sc = as_scenario(scenario_path(name))
    out = run_draws(sc, draw_block(sc, 3, 0, 16))
    unwritten = [k for k, v in {**out.finance.lines, **out.finance.units}.items() if np.isnan(v).any()]
    assert not unwritten
    assert len(out.finance.lines) > 60


def test_identities_hold_with_every_feedback_on(hegang):
    out = run_draws(hegang, draw_block(hegang, 5, 0, 64))
    assert hegang.feedbacks.jobs and hegang.feedbacks.austerity and hegang.finance.establishment_adjustment
    check_identities(out.finance)
    assert out.population.stocks.min() >= 0.0


def test_every_book_set_records_what_the_feedbacks_read():
    from fiscalsim.finance.books import FEEDBACK_LINES, book_set, book_set_names

    for name in book_set_names():
        assert set(FEEDBACK_LINES) <= set(book_set(name).line_names), name


def test_scalar_reference_of_one_economy_and_feedback_year(hegang):
    """Year t of the economy and of the migration feedback for one path, in plain Python floats,
    beside the vectorised step."""
    from fiscalsim.economy import EconomyPlan, economy_base_year, economy_year

    e = dataclasses.replace(hegang.economy, coal_depletion=0.1)
    draws = draw_block(hegang, 3, 0, 4)
    plan = EconomyPlan.prepare(e, draws.economy)
    wa = np.array([500_000.0, 480_000.0, 520_000.0, 510_000.0])
    pop = np.array([900_000.0, 880_000.0, 910_000.0, 905_000.0])
    _, state = economy_base_year(plan, wa, pop)
    year = economy_year(plan, state, 3, wa * 0.9, pop * 0.95)
    i = 2
    emp0 = wa[i] * e.participation_rate * (1 - e.unemployment_rate)
    emp = wa[i] * 0.9 * e.participation_rate * (1 - e.unemployment_rate)
    demand = emp0 * (e.resource_employment_share * plan.coal_index[i, 3]
                     + (1 - e.resource_employment_share) * 0.95)
    assert year.job_gap[i] == pytest.approx(emp - demand, rel=1e-12)
    hh0, hh = pop[i] / e.household_size, pop[i] * 0.95 / e.household_size
    construction = (e.housing_replacement_rate * hh + max(hh - hh0, 0.0)) / (e.housing_replacement_rate * hh0)
    assert year.construction_index[i] == pytest.approx(construction, rel=1e-12)
    fb = FeedbackInputs(jobs=True, jobs_leave_share=0.25)
    sig = FeedbackSignals(year.job_gap, pop * 0.95, np.zeros(4), np.zeros(4))
    assert migration_response(fb, sig)[i] == pytest.approx(-0.25 * max(emp - demand, 0.0) / (pop[i] * 0.95))


def test_compiled_staffing_year_equals_the_array_code():
    pytest.importorskip("numba")
    rng = np.random.default_rng(1)
    staff, share, hpr = rng.random((30, 6, 81)) * 10, rng.random((6, 81)) * 0.2, rng.random((30, 6))
    for layoffs, cap in ((None, None), (rng.random((30, 6)) * 5, rng.random(30) * 3000)):
        a = staffing_year(staff, share, hpr, 22, layoffs, cap, "numpy")
        b = staffing_year(staff, share, hpr, 22, layoffs, cap, "numba")
        np.testing.assert_allclose(b[0], a[0], rtol=1e-12, atol=1e-12)
        for name in ("headcount_start", "retirements", "hires", "layoffs", "headcount_end"):
            np.testing.assert_allclose(getattr(b[1], name), getattr(a[1], name), rtol=1e-12, err_msg=name)


def test_no_feedbacks_flag_switches_every_feedback_off(tmp_path):
    import pandas as pd
    from click.testing import CliRunner

    from fiscalsim.cli import main
    from fiscalsim.cli_options import NO_FEEDBACKS
    from fiscalsim.scenario import bundled_scenario, load_scenario
    from fiscalsim.simulate.montecarlo import run_scenario

    out = tmp_path / "r"
    res = CliRunner().invoke(main, ["run", "--paths", "20", "--seed", "3", "--no-charts", "--no-feedbacks",
                                    "--out", str(out)])
    assert res.exit_code == 0, res.output
    sc = load_scenario(bundled_scenario(), NO_FEEDBACKS)
    assert not sc.feedbacks.moves_people and sc.finance.establishment_adjustment is None
    expected = run_scenario(sc, 20, 3).series["population"]
    q = pd.read_csv(out / "quantiles.csv")
    pop2060 = q[(q.name == "population") & (q.year == 2060)]
    assert pop2060.q50.item() == pytest.approx(float(np.quantile(expected[:, -1], 0.5)), rel=1e-9)


def test_an_unquoted_switch_is_a_clear_error(tmp_path):
    from fiscalsim.scenario import ScenarioError, bundled_scenario, load_scenario

    path = tmp_path / "s.yaml"
    path.write_text(f"extends: {bundled_scenario()}\nfeedbacks:\n  jobs_migration:\n    enabled: off\n",
                    encoding="utf-8")
    with pytest.raises(ScenarioError, match="in quotes"):
        load_scenario(path)


def test_no_feedbacks_works_without_a_feedbacks_section_and_an_enabled_one_needs_its_parameters(tmp_path):
    from click.testing import CliRunner

    from fiscalsim.cli import main
    from fiscalsim.scenario import ScenarioError, bundled_scenario, load_scenario

    yubari = bundled_scenario().parents[1] / "yubari" / "baseline.yaml"
    res = CliRunner().invoke(main, ["run", str(yubari), "--paths", "8", "--no-charts", "--no-feedbacks",
                                    "--out", str(tmp_path / "y")])
    assert res.exit_code == 0, res.output
    with pytest.raises(ScenarioError, match="needs leave_share"):
        load_scenario(yubari, ['feedbacks.jobs_migration.enabled="on"'])


def test_staff_pensions_need_the_retirees_they_pay(tmp_path):
    from fiscalsim.scenario import ScenarioErrors, bundled_scenario, load_scenario

    text = bundled_scenario().read_text(encoding="utf-8")
    kept = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("retired_staff_exit_rate:"))
    path = tmp_path / "baseline.yaml"
    path.write_text(kept, encoding="utf-8")
    for table in bundled_scenario().parent.glob("*.csv"):
        (tmp_path / table.name).write_bytes(table.read_bytes())
    with pytest.raises(ScenarioErrors, match="staff_pension_share needs retired_staff_exit_rate"):
        load_scenario(path)
