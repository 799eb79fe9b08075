"""Every malformed input a user can write is a clear error: `validate` exits with status 2, prints
no traceback, names the file, line and key, and reports every error (tests/fixtures/broken)."""

import pickle
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fiscalsim.cli import main
from fiscalsim.scenario import ScenarioError, ScenarioErrors, bundled_scenario, load_scenario
from fiscalsim.scenario.errors import MAX_MESSAGE, shown

from .conftest import REPO
from .fixtures.make_broken import CALIBRATION_CASES, write_generated
from .fixtures.make_broken import GENERATED as GENERATED_FILES
from .test_scenario import BROKEN, CASES

BASE = bundled_scenario().resolve()
#: fixtures too large for the repository, written by the test: name → (line, key, fragment)
GENERATED = {
    "huge_integer": (None, None, "larger than 1,000,000 bytes"),
    "deep_nesting": (11, None, "nest more than 64 levels deep"),
    "huge_value": (11, "simulation.paths", "expected an integer, got 'xxxxxxxx"),
}
CALIBRATION = {
    "debt_in_wan_not_yi": (127, "accounts.debt_end", "accounts.debt_end = 131.1289 万元 (line 127)",
                           "debt.general_share = 0.8153 ratio (line 184)"),
    "overhead_above_budget": (105, "accounts.expenditure", "finance.overhead_per_unit = 50 亿元 (line 160)",
                              "more than the base year's 1,368,276 万元"),
}


def validate(*args):
    return CliRunner().invoke(main, ["validate", *map(str, args)])


def assert_clear_error(res, path, line, key, fragments=()):
    """Exit status 2, no traceback, a bounded message naming file, line and key."""
    assert res.exit_code == 2, res.output
    assert isinstance(res.exception, SystemExit)
    assert "Traceback" not in res.output
    first = res.output.splitlines()[0]
    where = f"error: {path}:{line}: " if line is not None else f"error: {path}: "
    assert first.startswith(where), first
    if key is not None:
        assert first.startswith(f"{where}{key}: "), first
    for fragment in fragments:
        assert fragment in first
    assert all(len(text) < MAX_MESSAGE + 1000 for text in res.output.splitlines())


@pytest.mark.parametrize("name", sorted(CASES))
def test_validate_reports_each_broken_fixture(name):
    line, key, *fragments = CASES[name]
    path = BROKEN / f"{name}.yaml"
    assert_clear_error(validate(path), path, line, key, fragments)


def test_every_generated_fixture_is_tested():
    assert sorted(GENERATED) == sorted(Path(n).stem for n in GENERATED_FILES)


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_hostile_files_are_refused_with_a_short_message(tmp_path, name):
    path = write_generated(tmp_path, f"{name}.yaml")
    line, key, fragment = GENERATED[name]
    assert_clear_error(validate(path), path, line, key, [fragment])


@pytest.mark.parametrize("name", sorted(CALIBRATION))
def test_validate_runs_the_base_year_calibration(name):
    path = BROKEN / f"{name}.yaml"
    load_scenario(path)  # the file itself is well formed: only starting the model shows the mistake
    line, key, *fragments = CALIBRATION[name]
    assert_clear_error(validate(path), path, line, key, ["the base year cannot reproduce", *fragments])
    assert sorted(CALIBRATION) == sorted(Path(n).stem for n in CALIBRATION_CASES)


def test_calibration_is_checked_at_either_end_of_each_distribution():
    wide = "finance.personnel_share={distribution: {kind: uniform, low: 0.2, high: 0.5}, unit: ratio, source: s}"
    assert load_scenario(BASE, [wide]).name  # loads, and its central values calibrate
    res = validate(BASE, "--set", wide)
    assert_clear_error(res, BASE, 105, "accounts.expenditure", [
        "with finance.personnel_share at the upper end of its distribution (0.5 ratio)",
        f"finance.personnel_share = a distribution in ratio (<--set {wide}>)"])


def test_validate_reports_every_error_of_every_file():
    several, other = BROKEN / "several_errors.yaml", BROKEN / "wrong_type.yaml"
    res = validate(several, BASE, other)
    assert res.exit_code == 2 and "Traceback" not in res.output
    errors = [ln for ln in res.output.splitlines() if ln.startswith("error: ")]
    assert [re.match(r"error: (.*?):(\d+): ([\w.]+):", e).groups() for e in errors] == [
        (str(several), "78", "demography.migration.srb"),  # unknown key (schema)
        (str(several), "98", "accounts"),  # accounts do not balance (built)
        (str(several), "135", "economy.wage_growth.unit"),  # unknown unit (schema)
        (str(several), "149", "finance"),  # transfer shares (built)
        (str(other), "11", "simulation.paths"),
    ]
    assert f"ok: {BASE}" in res.output
    assert "2 of 3 scenario files have errors" in res.output


def test_errors_found_while_building_are_all_reported(tmp_path):
    path = variant(tmp_path, """
accounts:
  expenditure: {distribution: {kind: uniform, low: 1300000, high: 1400000}, unit: 万元, source: s}
  own_revenue: {distribution: {kind: uniform, low: 220000, high: 240000}, unit: 万元, source: s}
finance:
  need_weight_pupils: {value: 0.3, unit: ratio, source: s}
staffing:
  share_off_quota: {value: 0.25, unit: ratio, source: s}
""")
    with pytest.raises(ScenarioErrors) as info:
        load_scenario(path)
    found = sorted((e.key, e.message.split(":")[0].split(" must")[0]) for e in info.value.errors)
    assert found == [("accounts.expenditure", "this parameter cannot be uncertain"),
                     ("accounts.own_revenue", "this parameter cannot be uncertain"),
                     ("finance", "need weights"), ("staffing", "staff category shares")]


def test_run_prints_every_error_too(tmp_path):
    res = CliRunner().invoke(main, ["run", str(BROKEN / "several_errors.yaml"), "--out", str(tmp_path / "r")])
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert len([ln for ln in res.output.splitlines() if ln.startswith("error: ")]) == 4


def test_errors_survive_worker_processes():
    with pytest.raises(ScenarioErrors) as info:
        load_scenario(BROKEN / "several_errors.yaml")
    copy = pickle.loads(pickle.dumps(info.value))
    assert str(copy) == str(info.value) and (copy.file, copy.line, copy.key) == (info.value.file, 78,
                                                                               "demography.migration.srb")


def test_shown_values_and_messages_are_bounded():
    bomb = [[["lol"] * 9] * 9] * 9
    assert len(shown(bomb)) < 250 and len(shown("x" * 10**6)) < 250
    assert len(shown(10**4000)) < 100
    assert len(str(ScenarioError("y" * 10**6, "f.yaml", 3, "k" * 10**5))) < MAX_MESSAGE + 400


def test_yaml_tags_are_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.yaml"
    path.write_text(f"name: !!python/object/apply:os.system ['touch {marker}']\n")
    assert_clear_error(validate(path), path, 1, None, ["could not determine a constructor"])
    assert not marker.exists()


def variant(folder, body, name="v.yaml"):
    path = folder / name
    path.write_text(f"extends: {BASE}\n{body}", encoding="utf-8")
    return path


def test_year_paths_are_clamped_to_the_simulation(tmp_path):
    """Points outside the simulated years only shape the interpolation (docs/input_rules.md)."""
    sc = load_scenario(variant(tmp_path, "debt:\n  new_general_bonds: {path: {2010: 0, 2030: 20}, unit: 亿元, "
                                         "source: plan}\n"))
    years = list(sc.years)
    assert sc.finance.new_general_bonds[years.index(2020)] == pytest.approx(10e8)
    assert sc.finance.new_general_bonds[years.index(2060)] == pytest.approx(20e8)
    shorter = load_scenario(BASE, ["simulation.horizon=2040"])  # the 2050 point of srb lies beyond it
    assert shorter.years[-1] == 2040


@pytest.mark.parametrize("year,ok", [(2020, False), (2021, True), (2060, True), (2061, False)])
def test_levers_act_after_the_base_year_and_by_the_horizon(tmp_path, year, ok):
    body = f"policies:\n  hiring: {{from: {year}, hires_per_retirement: {{value: 0, unit: ratio, source: o}}}}\n"
    path = variant(tmp_path, body)
    if ok:
        load_scenario(path)
    else:
        with pytest.raises(ScenarioError, match=f"{year} is outside the simulation"):
            load_scenario(path)


@pytest.mark.parametrize("amount,ok", [(168.8711, True), (168.9, False)])
def test_a_debt_swap_is_bounded_by_the_lgfv_debt(tmp_path, amount, ok):
    body = f"policies:\n  debt_swap: {{year: 2023, amount: {{value: {amount}, unit: 亿元, source: o}}}}\n"
    path = variant(tmp_path, body)
    if ok:
        load_scenario(path)
    else:
        with pytest.raises(ScenarioError, match="more than the LGFV debt it swaps"):
            load_scenario(path)


def test_a_source_naming_both_units_states_a_conversion(tmp_path):
    line = "accounts:\n  tax_revenue: {{value: 133000, unit: 万元, source: \"{}\"}}\n"
    load_scenario(variant(tmp_path, line.format("13.3亿 = 133000万元")))
    with pytest.raises(ScenarioError, match="contradicts the source"):
        load_scenario(variant(tmp_path, line.format("13.3亿"), "w.yaml"))


def test_extends_may_name_a_subfolder_or_a_bundled_scenario(tmp_path):
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "mine.yaml").write_text("extends: package:hegang/baseline\nname: mine\n")
    top = tmp_path / "top.yaml"
    top.write_text("extends: base/mine.yaml\nname: top\n")
    assert load_scenario(top).name == "top"
    link = tmp_path / "link.yaml"
    link.symlink_to(REPO / "README.md")
    top.write_text("extends: link.yaml\nname: top\n")
    with pytest.raises(ScenarioError, match="outside this scenario's folder"):
        load_scenario(top)
    top.write_text("extends: package:../../README\nname: top\n")
    with pytest.raises(ScenarioError, match="outside this scenario's folder"):
        load_scenario(top)


def test_every_calibration_failure_names_its_keys():
    """Each CalibrationError raised in fiscalsim/finance (China's books) has its scenario keys in
    China's outline (Japan's are checked by tests/test_yubari_commands.py)."""
    from fiscalsim.finance.books import book_set

    CALIBRATION_KEYS = book_set("china").outline.calibration_keys
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "fiscalsim" / "finance").glob("*.py"))
    messages = re.findall(r'CalibrationError\(\s*f?"([^"]+)"', sources)
    assert messages
    for message in messages:
        assert any(message.startswith(start) for start in CALIBRATION_KEYS), message


#: replacements a user might type where a value stands
NASTY = [".nan", ".inf", "-1", "0", "1e400", "[]", "{}", "''", "~", "true", "2020-01-01", "!!binary aGk=", "9" * 30,
         "abc", "[1, 2]", "{a: 1}", "[[1]]", "0x10", "1:30", "{kind: [x]}", "2100", "3000", "{2020: .nan}",
         "万元", "亿元", "*x", "&x", "[a, [b]]", "{value: 1, unit: ratio, source: s}"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_a_mutated_baseline_loads_or_gives_a_scenario_error(tmp_path, data):
    """Fuzz: replace a value or a key of the baseline, delete or repeat lines; never another exception."""
    lines = BASE.read_text(encoding="utf-8").splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(lines) - 1))
        op = data.draw(st.sampled_from(["delete", "repeat", "value", "key", "char"]))
        fields = list(re.finditer(r"(\w+): ([^,}\n]*)", lines[i]))
        if op == "delete":
            del lines[i]
        elif op == "repeat":
            lines.insert(i, lines[i])
        elif op == "value" and fields:
            m = data.draw(st.sampled_from(fields))
            lines[i] = lines[i][:m.start(2)] + data.draw(st.sampled_from(NASTY)) + lines[i][m.end(2):]
        elif op == "key" and fields:
            m = data.draw(st.sampled_from(fields))
            key = data.draw(st.sampled_from(["value", "unit", "source", "path", "from", "kind", "x"]))
            lines[i] = lines[i][:m.start(1)] + key + lines[i][m.end(1):]
        elif op == "char":
            pos = data.draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:pos] + data.draw(st.sampled_from(list("{}[]:&*!#'\"\t-?|>"))) + lines[i][pos:]
    path = tmp_path / "fuzzed.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    try:
        load_scenario(path)
    except ScenarioError as exc:
        assert exc.file is not None and len(str(exc)) < 50 * (MAX_MESSAGE + 600)
