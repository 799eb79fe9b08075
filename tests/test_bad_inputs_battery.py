"""A battery of bad inputs against the newest surfaces (book sets, report settings, feedbacks,
new-city, sweep grids, minimal-data population tables, results folders): each is refused with
exit status 2, no traceback, a message naming file, line and key, and nothing left behind."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from fiscalsim.cli import main
from fiscalsim.scenario import bundled_scenario

HEGANG = bundled_scenario()
YUBARI = bundled_scenario("yubari/baseline")


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_refused(res, *fragments):
    """Exit status 2 without a traceback; every fragment in the first error line."""
    assert res.exit_code == 2, res.output
    assert isinstance(res.exception, SystemExit), res.exception
    assert "Traceback" not in res.output
    first = next(line for line in res.output.splitlines() if line.startswith("error: "))
    for fragment in fragments:
        assert fragment in first, first


def variant(tmp_path: Path, base: Path, text: str) -> Path:
    """A scenario extending ``base`` (copied beside it with its tables) by ``text``."""
    for f in base.parent.iterdir():
        if f.is_file():
            (tmp_path / f.name).write_bytes(f.read_bytes())
    path = tmp_path / "variant.yaml"
    path.write_text(f"extends: {base.name}\n{text}", encoding="utf-8")
    return path


@pytest.mark.parametrize("value", ["[japan]", "{a: 1}", "korea"])
def test_a_book_set_that_is_not_a_name_is_one_error_about_books(value):
    res = invoke("validate", YUBARI, "--set", f"books={value}")
    assert_refused(res, "books: expected one of ['china', 'japan']")
    assert len([line for line in res.output.splitlines() if line.startswith("error: ")]) == 1


def test_a_list_as_book_set_in_a_file_names_its_line(tmp_path):
    path = variant(tmp_path, YUBARI, "books: [japan]\n")
    assert_refused(invoke("validate", path), f"{path}:2: books: expected one of")


@pytest.mark.parametrize("base, unit, currency", [(HEGANG, "億円", "yuan"), (YUBARI, "亿元", "yen")])
def test_a_report_money_unit_of_another_currency_is_refused_by_validate(tmp_path, base, unit, currency):
    path = variant(tmp_path, base, f"report:\n  money_unit: {unit}\n")
    assert_refused(invoke("validate", path), f"{path}:3: report.money_unit: ", f"is not {currency}")


@pytest.mark.parametrize("override", ['feedbacks.jobs_migration.enabled="on"', "feedbacks={}",
                                      "feedbacks.establishment.adjustment={value: 0.1, unit: ratio, source: x}"])
def test_no_feedbacks_refuses_a_set_of_a_feedback_it_would_ignore(tmp_path, override):
    out = tmp_path / "out"
    res = invoke("run", HEGANG, "--paths", 5, "--no-feedbacks", "--set", override, "--out", out)
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert "--no-feedbacks switches every feedback off" in res.output and override in res.output
    assert not out.exists()


@pytest.mark.parametrize("code", [999999, 23, 230000])
def test_new_city_with_a_code_the_census_lacks_is_a_clear_error(tmp_path, code):
    out = tmp_path / "city"
    # the error is about the CODE argument: it names it, not a scenario key or a scenario file
    res = invoke("new-city", code, "--out", out)
    assert_refused(res, f"error: CODE {code}: ", f"has no rows for code {code}")
    assert "<scenario>" not in res.output and "city_code" not in res.output
    assert not out.exists()


def test_new_city_refuses_a_reference_without_chinese_books_and_a_census(tmp_path):
    out = tmp_path / "city"
    assert_refused(invoke("new-city", 230400, "--accounts-like", "yubari", "--out", out),
                   "--accounts-like: yubari-baseline", "needs Chinese books and a census")
    assert not out.exists()


@pytest.mark.parametrize("command", ["run", "population"])
def test_the_base_year_as_report_year_is_refused_before_any_work(tmp_path, command):
    """Its pyramid would be compared with itself (the run drew an empty outline, or crashed)."""
    out = tmp_path / "out"
    res = invoke(command, HEGANG, "--paths", 5, "--year", 2020, "--out", out)
    assert_refused(res, "2020", "after the base year" if command == "population" else "simulation.report_year: ")
    assert not out.exists()


def test_a_report_year_at_the_base_year_in_a_file_names_its_line(tmp_path):
    path = variant(tmp_path, HEGANG, "simulation:\n  report_year: 2020\n")
    assert_refused(invoke("validate", path), f"{path}:3: simulation.report_year: report_year must lie after")


@pytest.mark.parametrize("cell, got", [("nan", "'nan'"), ("", "a blank cell"), ("-5", "'-5'"), ("many", "'many'")])
def test_a_bad_cell_of_a_broad_age_group_table_names_its_row_and_column(tmp_path, cell, got):
    path = variant(tmp_path, YUBARI, "demography:\n  population:\n    table: groups.csv\n    unit_name: x\n"
                                     "    year: 2005\n    month: 10\n    source: test\n")
    (tmp_path / "groups.csv").write_text(f"age_group,persons\n0-14,975\n15-64,{cell}\n65+,5161\n", encoding="utf-8")
    assert_refused(invoke("validate", path), f"{path}:4: demography.population.table: ",
                   "groups.csv, row 3, column persons: expected a number of persons ≥ 0, got " + got)


@pytest.mark.parametrize("grids, fragment", [
    (["policies.transfer_cut.share.value=0,,10"], "each value once, none blank"),
    (["policies.transfer_cut.share.value=0,0"], "each value once, none blank"),
    (["policies.transfer_cut.share.value=0,10", " policies.transfer_cut.share.value=5"], "names"),
])
def test_a_sweep_grid_never_drops_or_repeats_a_value_silently(tmp_path, grids, fragment):
    out = tmp_path / "out"
    args = [a for g in grids for a in ("--grid", g)]
    res = invoke("sweep", bundled_scenario("hegang/sweep_levers"), *args, "--paths", 4, "--out", out)
    assert_refused(res, "<command line>: ", fragment)
    assert not out.exists()


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "r"
    res = invoke("run", HEGANG, "--paths", 4, "--seed", 1, "--no-charts", "--out", out)
    assert res.exit_code == 0, res.output
    return out


def damaged_copy(run_folder: Path, tmp_path: Path, file: str, edit) -> Path:
    folder = tmp_path / "r"
    folder.mkdir()
    for f in run_folder.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    path = folder / file
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


DAMAGE = {
    "manifest_not_json": ("manifest.json", lambda t: "{broken", "manifest.json: not a readable JSON file"),
    "key_years_text": ("manifest.json", lambda t: t.replace('"key_years": [', '"key_years": ["x", '),
                       "manifest.json: key_years: expected integers"),
    "table_overwritten": ("quantiles.csv", lambda t: "garbage\n", "quantiles.csv: lacks columns"),
    "cell_not_a_number": ("pyramid.csv", lambda t: t.replace("\n2020,male,0,persons,", "\n2020,male,zero,persons,", 1),
                          "pyramid.csv: age: row 2: expected a number, got 'zero'"),
}


@pytest.mark.parametrize("command", ["chart", "report"])
@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_chart_and_report_refuse_a_damaged_results_folder(run_folder, tmp_path, command, case):
    file, edit, fragment = DAMAGE[case]
    folder = damaged_copy(run_folder, tmp_path, file, edit)
    before = sorted(p.name for p in folder.iterdir())
    assert_refused(invoke(command, folder), f"{folder}/{fragment}", "changed or damaged")
    assert sorted(p.name for p in folder.iterdir()) == before


@pytest.mark.parametrize("command", ["chart", "report"])
def test_chart_and_report_name_a_folder_that_is_not_a_results_folder(tmp_path, command):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert_refused(invoke(command, tmp_path), f"{tmp_path}: not a results folder", "no manifest.json")
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_out_below_a_file_is_refused_before_any_work(tmp_path, monkeypatch):
    """It used to fail only when writing, after the whole run, as 'File exists'."""
    import fiscalsim.api

    user_file = tmp_path / "notes.txt"
    user_file.write_text("mine", encoding="utf-8")
    monkeypatch.setattr(fiscalsim.api, "run", lambda *a, **k: pytest.fail("the run started"))
    res = invoke("run", HEGANG, "--paths", 4, "--out", user_file / "results")
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert f"{user_file} is a file, not a folder" in res.output
    assert user_file.read_text(encoding="utf-8") == "mine"


def test_screen_dir_refuses_a_yml_file_it_would_skip(tmp_path):
    (tmp_path / "cities").mkdir()
    (tmp_path / "cities" / "a.yaml").write_bytes(HEGANG.read_bytes())
    (tmp_path / "cities" / "b.yml").write_bytes(HEGANG.read_bytes())
    out = tmp_path / "out"
    assert_refused(invoke("screen", "--dir", tmp_path / "cities", "--paths", 4, "--out", out),
                   "holds ['b.yml'], which screen would skip")
    assert not out.exists()


def test_no_feedbacks_refuses_a_sweep_grid_over_a_feedback(tmp_path):
    """The grid's values were applied after --no-feedbacks, silently switching a feedback back on."""
    out = tmp_path / "out"
    res = invoke("sweep", bundled_scenario("hegang/sweep_levers"), "--no-feedbacks", "--grid",
                 'feedbacks.jobs_migration.enabled="on","off"', "--paths", 4, "--out", out)
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert "Invalid value for '--grid'" in res.output and "--no-feedbacks switches every feedback off" in res.output
    assert not out.exists()


@pytest.mark.parametrize("args, option", [
    (("sensitivity", "--rule", "nope"), "error: --rule 'nope'"),
    (("screen", "--dir", "{empty}"), "error: --dir "),
])
def test_an_error_of_an_option_starts_with_the_option(tmp_path, args, option):
    # no "<scenario>:" in front of an error that is about the command line, not a file
    (tmp_path / "empty").mkdir()
    res = invoke(*(a.format(empty=tmp_path / "empty") for a in args), "--out", tmp_path / "out")
    assert_refused(res, option)
    assert "<scenario>" not in res.output and not (tmp_path / "out").exists()


def test_a_bad_grid_value_is_named_as_the_grid_gave_it(tmp_path):
    # a sweep point's values are applied like --set, but an error names --grid, where the user wrote it
    base = bundled_scenario("hegang/sweep_levers")
    res = invoke("sweep", base, "--grid", "policies.transfer_cut.share.value=abc,10", "--paths", 5,
                 "--out", tmp_path / "sweep")
    assert_refused(res, "error: <--grid policies.transfer_cut.share.value=abc>: ", "expected a number")
    assert "--set" not in res.output and not (tmp_path / "sweep").exists()
