"""Command-line interface: ``fiscalsim run | compare | sweep | screen | sensitivity | books | population |
chart | report | list | validate | new-city``.

User errors (bad scenario, missing file, bad option) print one clear message to standard error
and exit with status 2, without a traceback.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import click

from fiscalsim import __version__
from fiscalsim.api import scenario_path
from fiscalsim.cli_errors import echo_errors, interrupt_on_sigterm, log_to_stderr, user_errors
from fiscalsim.cli_options import (
    chunk_option,
    jobs_option,
    no_feedback_keys,
    out_option,
    requested_series,
    rule_option,
    series_option,
    set_option,
    year_option,
)
from fiscalsim.progress import stages
from fiscalsim.report.kinds import KINDS as CHART_KINDS
from fiscalsim.report.kinds import MONEY_UNITS, RUN_KINDS
from fiscalsim.scenario import ScenarioError, bundled_scenario, load_scenario

log = logging.getLogger("fiscalsim")


@click.group()
@click.version_option(__version__, prog_name="fiscalsim")
@click.option("-v", "--verbose", is_flag=True, help="Log fiscalsim's progress details (not other libraries').")
@click.option("--money-unit", type=click.Choice(list(MONEY_UNITS)), default=None,
              help="Money unit of every table and chart  [default: 亿元 for Chinese scenarios, else yuan]")
@click.pass_context
def main(ctx: click.Context, verbose: bool, money_unit: str | None) -> None:
    """fiscalsim — local-government fiscal stress simulator."""
    log_to_stderr(verbose)
    ctx.obj = {"money_unit": money_unit}
    interrupt_on_sigterm()


def _money_unit(sc) -> str:
    from fiscalsim.report.tables import check_money_currency, default_money_unit

    ctx = click.get_current_context(silent=True)
    chosen = ctx.find_root().obj.get("money_unit") if ctx is not None and ctx.find_root().obj else None
    try:
        return check_money_currency(chosen or default_money_unit(sc), sc)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


@main.command()
@click.argument("scenarios", nargs=-1, type=click.Path(dir_okay=False))
@set_option
@user_errors
def validate(scenarios: tuple[str, ...], overrides: tuple[str, ...]) -> None:
    """Check scenario files or bundled scenarios by name (the bundled Hegang baseline if none is given).

    Reports every error of every file (keys, units, ranges, tables, levers, rules), then starts
    the model to check that the base year reproduces each file's accounts; exits with status 2
    if any file has an error.
    """
    from fiscalsim.scenario import load_scenario_and_tree
    from fiscalsim.simulate.check import check_calibration

    paths = scenarios or (str(bundled_scenario()),)
    failed = 0
    for path in paths:
        try:
            sc, tree = load_scenario_and_tree(scenario_path(path), overrides)  # the file is parsed once
            check_calibration(sc, tree)
        except ScenarioError as exc:
            failed += 1
            echo_errors(exc, path)
            continue
        units = sc.demography.n_units
        click.echo(f"ok: {path} ({sc.name}, {sc.years[0]}-{sc.years[-1]}, {units} unit{'s' if units != 1 else ''})")
    if failed:
        if len(paths) > 1:
            click.echo(f"{failed} of {len(paths)} scenario files have errors", err=True)
        sys.exit(2)


@main.command(name="new-city")
@click.argument("code", type=int)
@click.option("--census", type=click.Path(dir_okay=False), help="Census table in the package's format (default: the "
              "packaged Heilongjiang census 2010 and 2020, with its 2020 summary).")
@click.option("--summary", type=click.Path(dir_okay=False), help="Census summary table (household_size, "
              "employed_long_form, mining_long_form, long_form_share per unit) for participation and household size.")
@click.option("--base-year", type=int, help="Census year of the base population (default: the table's latest).")
@click.option("--name", help="Scenario name and file stem (default: the code).")
@click.option("--accounts-like", "like", help="A labelled stand-in: take this scenario's accounts (a file, a bundled "
              "name, or a bundled city such as hegang), flagged as a stand-in in every output.")
@click.option("--scale", type=click.Choice(["population", "none"]), default="population", show_default=True,
              help="How stand-in money is scaled: by the ratio of census populations, or not.")
@out_option("cities/new")
@user_errors
def new_city(code: int, census: str | None, summary: str | None, base_year: int | None, name: str | None,
             like: str | None, scale: str, out_dir: str, overwrite: bool) -> None:
    """Write the scenario of the city with code CODE (a prefecture or a county-level city or county):
    demography derived from two censuses (base TFR, residual migration, participation, household size),
    every figure with its source; accounts TO FILL (validate lists them), or a labelled stand-in."""
    from fiscalsim.report.newcity import new_city as write_city

    made = write_city(code, out_dir, census and Path(census), summary and Path(summary), base_year, name, like,
                      scale, overwrite)
    click.echo(made.text)


@main.command()
@click.argument("scenario", required=False)
@click.option("--paths", "n_paths", type=click.IntRange(min=1), help="Monte Carlo paths (default: the scenario's).")
@click.option("--seed", type=click.IntRange(min=0), help="Root seed (default: the scenario's, else fresh entropy).")
@out_option("results/population")
@year_option("whose pyramid is compared with the base year")
@chunk_option
@set_option
@user_errors
def population(scenario: str | None, n_paths: int | None, seed: int | None, out_dir: str, overwrite: bool,
               target_year: int | None, chunk_paths: int, overrides: tuple[str, ...]) -> None:
    """Project the population of SCENARIO (default: bundled Hegang baseline).

    Writes population_quantiles.csv (tidy quantiles by year, unit and indicator), a pyramid PNG
    and manifest.json to the results folder.
    """
    from fiscalsim.report.population import CITY, write_population_folder
    from fiscalsim.simulate.population import run_population
    from fiscalsim.simulate.seeding import root_entropy

    started = time.perf_counter()
    sc = load_scenario(scenario_path(scenario), overrides)
    n = n_paths or sc.default_paths
    entropy = root_entropy(seed if seed is not None else sc.seed)
    year = target_year if target_year is not None else sc.report_year
    base_year = int(sc.years[0])
    if not base_year < year <= int(sc.years[-1]):
        raise ScenarioError(f"--year {year} is outside {base_year + 1}-{sc.years[-1]} (after the base year, whose "
                            "pyramid it is compared with)")
    with stages() as bars:
        result = run_population(sc.demography, n, entropy, chunk_paths, full_years=(base_year, year),
                                progress=bars.stage("projecting", n))
    elapsed = time.perf_counter() - started
    table = write_population_folder(out_dir, overwrite, sc, result, year, {
        "seed_entropy": entropy, "seed_given": seed is not None or sc.seed is not None, "paths": n,
        "chunk_paths": chunk_paths, "seconds": round(elapsed, 3)})
    total = table[(table.indicator == "total") & (table.area == CITY)].set_index("year")
    click.echo(f"{sc.name}: {n:,} paths, seed {entropy}, {elapsed:.1f} s")
    for y in sorted({base_year, year, int(sc.years[-1])}):
        row = total.loc[y]
        click.echo(f"  population {y}: median {row.q50:,.0f}  (10-90 %: {row.q10:,.0f} - {row.q90:,.0f})")
    click.echo(f"results: {out_dir}")


@main.command()
@click.argument("scenario", required=False)
@click.option("--paths", "n_paths", type=click.IntRange(min=1), help="Monte Carlo paths (default: the scenario's).")
@click.option("--seed", type=click.IntRange(min=0), help="Root seed (default: the scenario's, else fresh entropy).")
@jobs_option
@chunk_option
@out_option("results/run")
@year_option("of the population pyramid")
@click.option("--charts/--no-charts", default=True, show_default=True,
              help="Draw the headline, survival, fan (the headline rules' indicators) and pyramid charts (PNG; "
                   "'fiscalsim chart' draws more, "
                   "and SVG/PDF).")
@click.option("--report", is_flag=True, help="Also write report.html: the self-contained page of the run.")
@series_option
@set_option
@user_errors
def run(scenario: str | None, n_paths: int | None, seed: int | None, jobs: int, chunk_paths: int,
        out_dir: str, overwrite: bool, target_year: int | None, charts: bool, report: bool, series: str,
        overrides: tuple[str, ...]) -> None:
    """Monte Carlo run of SCENARIO: a file or a bundled name (default: the Hegang baseline).

    Prints, per rule, the probability of being triggered by key years, the median and 10-90 %
    first-passage years and the share of paths on which it fires first; writes summary,
    headline, first-passage years, per-year quantiles, assumptions and manifest.json to the
    results folder, with the charts (and report.html with --report).
    """
    from fiscalsim.api import as_scenario
    from fiscalsim.api import run as run_api
    from fiscalsim.report.run import format_summary, summary_table
    from fiscalsim.simulate.montecarlo import path_series_names

    t0 = time.perf_counter()
    extra = [f"simulation.report_year={target_year}"] if target_year is not None else []
    sc = as_scenario(scenario_path(scenario), [*overrides, *extra])
    wanted = requested_series(series, path_series_names(sc))
    n = n_paths or sc.default_paths
    kinds = RUN_KINDS if charts else ()
    with stages() as bars:
        res = run_api(sc, n, seed, jobs=jobs, chunk_paths=chunk_paths, money_unit=_money_unit(sc),
                      progress=bars.stage("simulating", n))
        res.overrides = tuple(overrides) + tuple(extra)
        res.save(out_dir, overwrite, charts=kinds, report=report, progress=bars.stage("charts", len(kinds) + report),
                 series=wanted)
    click.echo(f"{sc.name}: {n:,} paths, seed {res.seed}, {sc.years[0]}-{res.horizon}, "
               f"{time.perf_counter() - t0:.1f} s")
    click.echo(res.headline_text)
    click.echo(format_summary(summary_table(res.raw, res.key_years), res.horizon))
    click.echo(f"results: {out_dir}")


@main.command()
@click.argument("scenarios", nargs=-1, required=True)
@click.option("--paths", "n_paths", type=click.IntRange(min=1), help="Monte Carlo paths (default: the first scenario's).")
@click.option("--seed", type=click.IntRange(min=0), help="Root seed shared by all options (common random numbers).")
@rule_option
@year_option("whose structural balance the waterfalls decompose")
@jobs_option
@chunk_option
@out_option("results/compare")
@click.option("--report", is_flag=True, help="Also write report.html: the self-contained page of the comparison.")
@set_option
@user_errors
def compare(scenarios: tuple[str, ...], n_paths: int | None, seed: int | None, rule: str | None, target_year: int | None,
            jobs: int, chunk_paths: int, out_dir: str, overwrite: bool, report: bool,
            overrides: tuple[str, ...]) -> None:
    """Compare options (scenario files or bundled names) with common random numbers; the first
    is the reference.

    Reports per option P(rule fired by key years), the median year, the paired difference in that
    year against the first option (median and 10-90 % over paths), the cumulative change in the
    book set's structural balance (Chinese books: own revenue + transfers − 三保 and debt service
    due; Japanese books: local tax, fees, allocation and shared taxes and grants − personnel,
    services, the enterprises' and third sector's calls and debt service due), and staff and
    per-capita services at key years; writes comparison.csv, survival curves and waterfalls (PNG,
    SVG) and the options' assumptions. Options must share a book set.
    """
    from fiscalsim.api import run as run_api
    from fiscalsim.api import seed_entropy
    from fiscalsim.finance.books import book_set
    from fiscalsim.report.compare import compare_folder, comparison_table, format_comparison

    t0 = time.perf_counter()
    loaded = [load_scenario(scenario_path(p), overrides) for p in scenarios]
    first = loaded[0]
    if any(list(sc.years) != list(first.years) for sc in loaded):
        raise ScenarioError("options must cover the same years to be compared")
    if any(sc.books != first.books for sc in loaded):
        raise ScenarioError(f"options must share a book set to be compared: {', '.join(sorted({sc.books for sc in loaded}))}")
    year = target_year if target_year is not None else first.report_year
    if year not in list(first.years):
        raise ScenarioError(f"--year {year} is outside {first.years[0]}-{first.years[-1]}")
    ids = [r.id for r in first.rules]
    rule = rule or first.default_rule
    if rule not in ids or any(rule not in [r.id for r in sc.rules] for sc in loaded):
        raise ScenarioError(f"--rule {rule!r} is not a rule of every option; the first's are {ids}")
    n = n_paths or first.default_paths
    unit = _money_unit(first)
    entropy = seed_entropy(first, seed)
    with stages() as bars:
        advance = bars.stage("simulating", n * len(loaded))
        options = [run_api(sc, n, entropy, jobs=jobs, chunk_paths=chunk_paths, money_unit=unit, progress=advance)
                   for sc in loaded]
        years = first.key_years
        table = comparison_table([(r.scenario.name, r.raw) for r in options], rule, years, unit)
        compare_folder(out_dir, overwrite, options, table, rule, year, report,
                       bars.stage("charts", len(options) + 1 + report))
    click.echo(f"{len(loaded)} options, {n:,} paths each, seed {options[0].seed} (common random numbers), rule {rule}, "
               f"{time.perf_counter() - t0:.1f} s")
    click.echo(format_comparison(table, years, book_set(first.books).outline.balance_text))
    click.echo(f"results: {out_dir}")


@main.command()
@click.argument("scenario", required=False)
@out_option("results/books")
@set_option
@user_errors
def books(scenario: str | None, out_dir: str, overwrite: bool, overrides: tuple[str, ...]) -> None:
    """Deterministic projection of SCENARIO's books (no shocks), year by year.

    Writes books.csv (tidy: year, book, side, line, value, unit; money in the run's money unit),
    books_wide.csv (a row per year) and the stacked sources and uses of each book (PNG and SVG).
    """
    from fiscalsim.finance.books import book_set
    from fiscalsim.report.books import first_years, write_books
    from fiscalsim.simulate.engine import run_model

    started = time.perf_counter()
    sc = load_scenario(scenario_path(scenario), overrides)
    f = run_model(sc, 1, 0, deterministic=True).finance
    bs = book_set(sc.books)
    write_books(sc, bs, f, out_dir, overwrite, _money_unit(sc), started)
    click.echo(f"{sc.name}: deterministic books {f.years[0]}-{f.years[-1]}")
    for label, first in first_years(bs, f):
        click.echo(f"  first year with {label}: {first or 'none'}")
    click.echo(f"results: {out_dir}")


@main.command()
@click.argument("results", type=click.Path(exists=True, file_okay=False))
@click.option("--kind", "kinds", multiple=True, type=click.Choice(list(CHART_KINDS)),
              help="Chart kinds (default: all): headline (first restructuring- or default-class event), survival "
                   "(by severity class), fans (the indicators of the headline rules, or of --rule, in one figure), "
                   "fan (one chart per indicator), "
                   "pyramid. Budget stacks come from 'books', option survival curves and waterfalls from "
                   "'compare', heat maps from 'sweep', importance bars from 'sensitivity'.")
@click.option("--rule", "rules", multiple=True, help="A rule whose fan chart to draw; repeat for more, e.g. --rule A --rule B "
                   "(default: all of the run's for 'fan', the headline rules for 'fans').")
@click.option("--format", "formats", multiple=True, type=click.Choice(["png", "svg", "pdf"]),
              help="File formats (default: png and svg).")
@user_errors
def chart(results: str, kinds: tuple[str, ...], rules: tuple[str, ...], formats: tuple[str, ...]) -> None:
    """Draw charts from a 'run' results folder RESULTS, in the run's money unit and the rules'
    units (percent for ratios)."""
    from fiscalsim.report.charts import draw_run_charts, planned_charts
    from fiscalsim.report.folder_check import check_tables, checked_manifest

    folder = Path(results)
    manifest = checked_manifest(folder, ("run",))
    check_tables(folder, manifest)
    chosen = kinds or CHART_KINDS
    try:
        with stages() as bars:
            total = len(planned_charts(manifest, chosen, list(rules) or None))
            written = draw_run_charts(folder, chosen, list(rules) or None, formats or ("png", "svg"),
                                      bars.stage("charts", total))
    except KeyError as exc:
        raise ScenarioError(str(exc.args[0])) from None
    for name in written:
        click.echo(f"wrote {folder / name}")


@main.command()
@click.argument("results", type=click.Path(exists=True, file_okay=False))
@click.option("--html", "as_html", is_flag=True, help="Write report.html into RESULTS (the only format so far, "
                                                        "so also the default).")
@user_errors
def report(results: str, as_html: bool) -> None:
    """Write the self-contained HTML report (headline, charts, tables, assumptions with sources)
    of a 'run' or 'compare' results folder RESULTS."""
    from fiscalsim.report.folder_check import check_tables, checked_manifest
    from fiscalsim.report.html import write_report

    folder = Path(results)
    check_tables(folder, checked_manifest(folder, ("run", "compare")))
    click.echo(f"wrote {write_report(folder)}")


@main.command(name="list")
def list_() -> None:
    """List the bundled scenarios (with their one-line descriptions) and the rule packs with their
    rules; a bundled scenario can be named instead of a file, e.g. 'fiscalsim run transfer_cut'."""
    from fiscalsim.api import catalog_text

    click.echo(catalog_text())

@main.command()
@click.argument("base")
@click.option("--grid", "grids", multiple=True, required=True, metavar="KEY.PATH=V1,V2,…", callback=no_feedback_keys,
              help="A swept value (YAML); repeat for a multi-dimensional grid, e.g. "
                   "--grid policies.transfer_cut.share.value=0,10,20")
@click.option("--paths", "n_paths", type=click.IntRange(min=1), help="Paths per point (default: the scenario's).")
@click.option("--seed", type=click.IntRange(min=0), help="Root seed shared by all points.")
@rule_option
@jobs_option
@click.option("--scheduler", help="Address of a Dask scheduler (e.g. tcp://127.0.0.1:8786) to run the points on.")
@out_option("results/sweep")
@set_option
@user_errors
def sweep(base: str, grids: tuple[str, ...], n_paths: int | None, seed: int | None, rule: str | None, jobs: int,
          scheduler: str | None, out_dir: str, overwrite: bool, overrides: tuple[str, ...]) -> None:
    """Run BASE over a grid of values and draw heat maps of the median trigger year and of
    P(trigger by a key year). Points run in local processes, or on a Dask cluster (--scheduler);
    the results are identical whichever engine runs them."""
    from fiscalsim.report.sweep import Sweep, sweep_text, write_sweep
    from fiscalsim.simulate.seeding import root_entropy
    from fiscalsim.simulate.sweep import grid_points, parse_grid, run_sweep

    t0 = time.perf_counter()
    grid = parse_grid(list(grids))
    if len(grid) > 2:
        raise ScenarioError("heat maps take one or two grid keys")
    base = str(scenario_path(base))
    sc = load_scenario(Path(base), overrides)
    rule = rule or sc.default_rule
    if rule not in [r.id for r in sc.rules]:
        raise ScenarioError(f"--rule {rule!r} is not a rule of the scenario")
    n = n_paths or sc.default_paths
    entropy = root_entropy(seed if seed is not None else sc.seed)
    points = grid_points(grid)
    with stages() as bars:
        table = run_sweep(base, grid, list(overrides), n, entropy, sc.key_years, jobs, scheduler,
                          bars.stage("grid points", len(points)))
    swept = Sweep(base, sc, grid, tuple(overrides), n, entropy, rule,
                "dask" if scheduler else ("processes" if jobs > 1 else "in-process"))
    write_sweep(out_dir, overwrite, swept, table, time.perf_counter() - t0)
    click.echo(f"{sc.name}: {len(points)} grid points, {n:,} paths each, seed {entropy} (the same for every "
               f"point), rule {rule}, {time.perf_counter() - t0:.1f} s")
    click.echo(sweep_text(swept, table))
    click.echo(f"results: {out_dir}")


@main.command()
@click.argument("scenarios", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--dir", "folder", type=click.Path(exists=True, file_okay=False),
              help="Screen every scenario file (*.yaml) of this folder, e.g. scenarios/heilongjiang.")
@click.option("--paths", "n_paths", type=click.IntRange(min=1), help="Paths per city (default: the first city's).")
@click.option("--seed", type=click.IntRange(min=0), help="Root seed shared by all cities (common random numbers; "
              "default: the first city's).")
@jobs_option
@click.option("--scheduler", help="Address of a Dask scheduler (e.g. tcp://127.0.0.1:8786) to run the cities on.")
@out_option("results/screen")
@set_option
@user_errors
def screen(scenarios: tuple[str, ...], folder: str | None, n_paths: int | None, seed: int | None, jobs: int,
           scheduler: str | None, out_dir: str, overwrite: bool, overrides: tuple[str, ...]) -> None:
    """Screen many cities (files or bundled names) with common random numbers: a table ranked by the
    year of each city's first restructuring- or default-class event (P by key years, median and
    10-90 % years, the rule that causes it most often) and its chart. Results do not depend on
    --jobs or the engine."""
    from fiscalsim.report.screen import screen_cities

    files = [str(scenario_path(s)) for s in scenarios]
    with stages() as bars:
        text = screen_cities(files, folder, n_paths, seed, jobs, scheduler, out_dir, overwrite,
                             list(overrides), lambda total: bars.stage("cities", total))
    click.echo(text)


@main.command()
@click.argument("scenario", required=False)
@click.option("--method", type=click.Choice(["sobol", "morris", "oat"]), default="sobol", show_default=True,
              help="Sobol first- and total-order indices, Morris elementary effects, or one-at-a-time swings.")
@click.option("--rule", default="headline", show_default=True,
              help="Rule whose first year is studied; 'headline' is the first restructuring- or default-class event.")
@click.option("--samples", "n_samples", type=click.IntRange(min=2), default=256, show_default=True,
              help="Base sample size (Sobol: N·(k+2) runs; Morris: N trajectories of k+1 runs).")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Seed of the design.")
@click.option("--low", "q_low", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.1,
              show_default=True, help="oat: low quantile of each input.")
@click.option("--high", "q_high", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.9,
              show_default=True, help="oat: high quantile of each input.")
@out_option("results/sensitivity")
@set_option
@user_errors
def sensitivity(scenario: str | None, method: str, rule: str, n_samples: int, seed: int, q_low: float,
                q_high: float, out_dir: str, overwrite: bool, overrides: tuple[str, ...]) -> None:
    """Which uncertain input moves the trigger year: global sensitivity over every uncertain input
    (parameters with distributions, parameters with time processes and the model's own processes)
    on a rule's first-passage year (SALib)."""
    from fiscalsim.report.files import atomic_directory, write_json
    from fiscalsim.report.headline import year_text
    from fiscalsim.report.run import write_tables
    from fiscalsim.report.sensitivity import sensitivity_chart
    from fiscalsim.simulate.sensitivity import sensitivity as run_sensitivity

    started = time.perf_counter()
    sc = load_scenario(scenario_path(scenario), overrides)
    if rule != "headline" and rule not in [r.id for r in sc.rules]:
        raise ScenarioError(f"--rule {rule!r} is neither 'headline' nor a rule of the scenario")
    if q_low >= q_high:
        raise ScenarioError("--low must be below --high")
    result = run_sensitivity(sc, rule, method, n_samples, seed, q_low, q_high)
    with atomic_directory(out_dir, overwrite) as tmp:
        files = write_tables(tmp, {"sensitivity": result.table})
        sensitivity_chart(result, [tmp / "sensitivity.png", tmp / "sensitivity.svg"],
                          f"fiscalsim {__version__}; {sc.name}; {method}, {result.runs:,} runs, design seed {seed}")
        write_json(tmp / "manifest.json", {
            "command": "sensitivity", "fiscalsim_version": __version__, "scenario": str(sc.path),
            "scenario_sha256": sc.sha256, "rule": rule, "method": method, "samples": n_samples, "seed": seed,
            "runs": result.runs, "central_year": result.central_year, "constant": result.constant, "quantiles": [q_low, q_high],
            "files": files + ["sensitivity.png", "sensitivity.svg", "manifest.json"],
            "seconds": round(time.perf_counter() - started, 3),
        })
    click.echo(f"{sc.name}: {rule} in the central run: {year_text(result.central_year, int(sc.years[-1]))}; {method}, {result.runs:,} runs")
    click.echo(result.table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if result.constant:
        click.echo(f"note: {rule} comes in the same year in every run of the design, so no input moves it (e.g. "
                   "the base year's accounts already cross its line); study a rule that fires later (--rule)")
    click.echo(f"results: {out_dir}")


if __name__ == "__main__":
    main()
