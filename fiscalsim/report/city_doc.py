"""Generated page docs/model_your_city.md: from a census to a ranked screen, every figure from a run."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fiscalsim.scenario import ScenarioError

#: The example cities of the page: a 4-unit prefecture, a re-drawn one and a county-level city.
EXAMPLES = ((230900, "qitaihe"), (230700, "yichun"), (230781, "tieli"))
SCREEN_PATHS = 200
SCREEN_SEED = 20200
#: What the page calls each derived figure, and the key it lands in.
DERIVED = (("base TFR", "demography.fertility.tfr"), ("net migration", "demography.migration.rate"),
           ("labour-force participation", "economy.participation_rate"),
           ("resource (mining) share of employment", "economy.resource_employment_share"),
           ("household size", "economy.household_size"))


def _error_text(call) -> str:
    try:
        call()
    except ScenarioError as exc:
        return exc.message
    raise AssertionError("expected an error")


def _derived_rows(draft) -> list[str]:
    import yaml

    tree = yaml.safe_load(draft.text)
    rows = ["| figure | key | value | unit | source (as written in the scenario) |", "|---|---|---:|---|---|"]
    for label, key in DERIVED:
        node = tree
        for part in key.split("."):
            node = node[part]
        rows.append(f"| {label} | `{key}` | {node['value']} | {node['unit']} | {node['source']} |")
    return rows


def _checks_section() -> list[str]:
    from fiscalsim import refdata
    from fiscalsim.scenario.census import SUM_TOLERANCE, check_unit_sum, city_rows

    df = refdata.census_table("census_heilongjiang_2010_2020.csv")
    district = _error_text(lambda: city_rows(df, 2020, 230902, "package:census_heilongjiang_2010_2020.csv"))
    short = _error_text(lambda: check_unit_sum(df, 2010, city_rows(df, 2010, 232700, "t"), "t", first=True))
    return [
        "## The checks made when a census is read", "",
        "Every scenario's census is checked when it is loaded (`validate`, `run`, `new-city`); each failure is an",
        "error with the table, its rows and what was expected, exit status 2 and nothing written:", "",
        "- the code must be a prefecture (ending in `00`) or a county-level city or county; a district is refused",
        "  and the message names its city (counting a district's city-total row as a unit would double the city):",
        "", f"  > {district}", "",
        f"- a prefecture's unit rows must sum to its total row within ±{100 * SUM_TOLERANCE:g} %, in both censuses:",
        "", f"  > {short.split(': the units')[0]}: …", "",
        "- the units must be the same codes in both censuses, or `demography.census.boundary_changes` must map",
        "  them: groups of first-census units covering the same area as groups of base-census units, with a",
        "  source. `rest` in a group's `first` list stands for persons that census counted only in the city",
        "  total. `new-city` writes the mapping from the tables' codes and names (below); check it against the",
        "  official changes. The model compares only city totals between the censuses, so the groups decide",
        "  nothing but whether the two censuses describe the same city.", "",
    ]


def _mapping_section(drafts: dict) -> list[str]:
    import yaml

    from fiscalsim.scenario.newcity import flow

    lines = ["### Boundary changes, as new-city writes them", ""]
    for name in ("yichun", "daxinganling"):
        changes = yaml.safe_load(drafts[name].text)["demography"]["census"]["boundary_changes"]
        lines += [f"`{name}` ({drafts[name].figures.city.name}): {changes['source']}", "", "```yaml",
                  *[f"- {flow(g)}" for g in changes["groups"]], "```", ""]
    return lines


def _screen_section(drafts: dict) -> list[str]:
    from fiscalsim.cityscreen import format_screen, load_cities, run_screen
    from fiscalsim.report.newcity import new_city

    with tempfile.TemporaryDirectory() as tmp:
        paths = [new_city(code, Path(tmp) / name, name=name, like="hegang").scenario for code, name in EXAMPLES]
        cities = load_cities(paths, [])
        years = cities[0].key_years
        table = run_screen(cities, SCREEN_PATHS, SCREEN_SEED, years)
    return [
        "## 5. Screen many cities", "",
        "`fiscalsim screen` runs cities with one seed tree (common random numbers: every city sees the same",
        "shocks) and ranks them by the year of their first restructuring- or default-class event; the main",
        "driver is the rule that causes that event on most paths. Cities run in local processes (`--jobs`) or on",
        "a Dask cluster (`--scheduler`) with identical results.", "",
        "```bash",
        *[f"fiscalsim new-city {code} --name {name} --accounts-like hegang --out cities/{name}" for code, name in EXAMPLES],
        f"fiscalsim screen cities/*/*.yaml --paths {SCREEN_PATHS} --seed {SCREEN_SEED} --out results/screen",
        "```", "",
        "With stand-in accounts (Hegang's, scaled by population) the ranking shows only how each city's",
        "demography plays on Hegang's budget; it says nothing about the cities' own finances. Ratio rules",
        "do not depend on the scale, so scaled stand-ins inherit Hegang's own first event (see",
        "[hegang_baseline.md](hegang_baseline.md)); only the cities' own accounts can tell them apart:", "",
        "```", format_screen(table, years, years[-1]), "```", "",
        "The results folder holds `screen.csv` (and Parquet), `screen.png`/`.svg` (each city's 10-90 % range",
        "and median) and `manifest.json`; stand-ins are flagged in all of them.", "",
        "`scenarios/heilongjiang/` holds all thirteen prefectures of Heilongjiang, their demography derived and",
        "their accounts TO FILL (Hegang's are its calibrated baseline): once the accounts are filled,",
        "`fiscalsim screen --dir scenarios/heilongjiang` screens the province. Until then it lists, per city,",
        "how many values are missing.", "",
    ]


def model_your_city_markdown() -> str:
    """docs/model_your_city.md."""
    from fiscalsim.report.newcity import draft_city, reference, reference_path
    from fiscalsim.scenario.finance import ACCOUNTS
    from fiscalsim.scenario.newcity import CITY_KEYS

    drafts = {name: draft_city(code, name=name) for code, name in (*EXAMPLES, (232700, "daxinganling"))}
    q = drafts["qitaihe"].figures
    hegang = reference(reference_path("hegang"))
    to_fill = len(ACCOUNTS.fields) + len(CITY_KEYS)
    lines = [
        "# Model your city: from a census to a ranked screen", "",
        "Generated by `python scripts/make_docs.py` (a test keeps it current): every figure below comes from",
        "running the commands shown, on the census tables shipped with fiscalsim.", "",
        "## 1. A scenario from the census", "",
        "```bash", "fiscalsim new-city 230900 --name qitaihe --out cities/qitaihe", "```", "",
        "CODE is a prefecture (`230900`, 七台河市) or a county-level city or county (`230781`, 铁力市, one unit).",
        "Without `--census` the packaged census of Heilongjiang (2010 and 2020, every prefecture and unit) and",
        "its 2020 summary are used; `--census mine.csv` reads your own table in the same columns",
        "(`census_year, unit_code, unit_name, sex, age_group, persons`, a city-total row per prefecture and",
        "census), and `--summary` an optional summary (`census_year, unit_code, household_size,",
        "employed_long_form, mining_long_form, long_form_share`). The base year is the latest census",
        "(`--base-year` to choose); the earlier one gives migration.", "",
        f"For {q.city.name}: {len(q.city.unit_codes)} units, {q.census_population:,.0f} persons in {q.base_year} "
        f"({q.first_population:,.0f} in {q.first_year}). The derived figures, each with its source:", "",
        *_derived_rows(drafts["qitaihe"]), "",
        "Assumptions no census pins (processes, cost shares, maturities) are carried over from the Hegang",
        "baseline and say so in their source; the `report:` section sets the key years (base year + 5, + 10,",
        "+ 15 and the horizon), the money unit (亿元) and, optionally, the rule `compare`, `sweep` and `screen`",
        "study by default.", "",
        *_checks_section(), *_mapping_section(drafts),
        "## 2. Fill the accounts", "",
        f"The accounts are a template: {to_fill} values are `TO FILL` — the {len(ACCOUNTS.fields)} lines of",
        "the base year's budget execution report or final accounts (general budget, fund budget, social",
        "insurance fund, debt) and six city figures: " + ", ".join(f"`{k}`" for k, _, _ in CITY_KEYS) + ".",
        "`fiscalsim validate cities/qitaihe/qitaihe.yaml` fails and lists each with its line, meaning and unit;",
        "replace `TO FILL` with the number and the source text with the document. `validate` then checks",
        "that the accounts balance and that the base year reproduces them (e.g. an overhead larger than the",
        "budget fails here, not only in `run`).", "",
        "`new-city` writes a results folder: it will not overwrite a folder it did not write, and refuses",
        "`--overwrite` once you have edited the scenario (its manifest records each file's hash).", "",
        "## 3. Or a labelled stand-in", "",
        "```bash", "fiscalsim new-city 230900 --name qitaihe --accounts-like hegang --scale population "
        "--out cities/qitaihe", "```", "",
        f"Every value TO FILL is then Hegang's, × {q.census_population / hegang.population:.4f} (the ratio of the "
        f"census populations, {q.census_population:,.0f} / {hegang.population:,.0f}; overhead per unit by population",
        "per unit; shares unscaled), and the scenario's",
        "`stand_in` note flags every output: the printed headline and summary, `summary.csv` (a",
        "`stand_in_accounts` column), `manifest.json`, `report.html` and every chart's footer.", "",
        "## 4. Run", "",
        "```bash", "fiscalsim run cities/qitaihe/qitaihe.yaml --out results/qitaihe --report", "```", "",
        *_screen_section(drafts),
    ]
    return "\n".join(lines)
