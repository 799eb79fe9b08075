"""Command-line interface: ``fiscalsim population | validate``.

User errors (bad scenario, missing file, bad option) print one clear message to standard error
and exit with status 2, without a traceback.
"""

from __future__ import annotations

import functools
import logging
import os
import platform
import signal
import sys
import threading
import time
from pathlib import Path

import click
import numpy as np

from fiscalsim import __version__
from fiscalsim.finance.model import CalibrationError
from fiscalsim.report.files import OutputError, check_output_folder
from fiscalsim.scenario import ScenarioError, bundled_scenario, load_scenario

log = logging.getLogger("fiscalsim")


def user_errors(func):
    """Turn user-caused errors into a one-line message and exit status 2."""

    func = _check_output_first(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ScenarioError as exc:
            _echo_errors(exc)
            sys.exit(2)
        except CalibrationError as exc:
            click.echo(f"error: the scenario cannot reproduce its base-year accounts: {exc} ('fiscalsim "
                       "validate' names the scenario keys involved)", err=True)
            sys.exit(2)
        except OutputError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        except OSError as exc:
            click.echo(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("interrupted: nothing was written (an earlier result, if any, is unchanged)", err=True)
            sys.exit(130)

    return wrapper


def _echo_errors(exc: ScenarioError) -> None:
    """Each error on its own line (a file with several errors reports them all)."""
    for line in str(exc).splitlines():
        click.echo(f"error: {line}", err=True)


def _check_output_first(func):
    """Refuse an unusable ``--out`` before any work is done (checked again when writing)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if "out_dir" in kwargs:
            check_output_folder(kwargs["out_dir"], kwargs.get("overwrite", False))
        return func(*args, **kwargs)

    return wrapper


def out_option(default: str):
    """``--out DIR`` and ``--overwrite``, shared by every command that writes a results folder."""

    def decorate(func):
        func = click.option("--overwrite", is_flag=True,
                            help="Replace an earlier fiscalsim results folder at --out (only one that holds "
                                 "nothing but files fiscalsim wrote).")(func)
        return click.option("--out", "out_dir", type=click.Path(file_okay=False), default=default,
                            show_default=True,
                            help="Results folder: new or empty; written atomically.")(func)

    return decorate


@click.group()
@click.version_option(__version__, prog_name="fiscalsim")
@click.option("-v", "--verbose", is_flag=True, help="Log progress details.")
def main(verbose: bool) -> None:
    """fiscalsim — local-government fiscal stress simulator."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, format="%(levelname)s %(message)s")
    _interrupt_on_sigterm()


def _interrupt_on_sigterm() -> None:
    """SIGTERM stops a command like Ctrl-C: temporary results folders are removed on the way out."""

    def handler(signum, frame):
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)


def _scenario_path(scenario: str | None) -> Path:
    return Path(scenario) if scenario else bundled_scenario()


def set_option(func):
    return click.option("--set", "overrides", multiple=True, metavar="KEY.PATH=VALUE",
                        help="Override one scenario value (YAML), e.g. "
                             "--set debt.market_rate='{value: 4, unit: percent per year, source: \"what-if\"}'. "
                             "Repeatable.")(func)


@main.command()
@click.argument("scenarios", nargs=-1, type=click.Path(dir_okay=False))
@set_option
@user_errors
def validate(scenarios: tuple[str, ...], overrides: tuple[str, ...]) -> None:
    """Check scenario files (the bundled Hegang baseline if none is given).

    Reports every error of every file (keys, units, ranges, tables, levers, rules), then starts
    the model to check that the base year reproduces each file's accounts; exits with status 2
    if any file has an error.
    """
    from fiscalsim.scenario.compose import composed_tree
    from fiscalsim.simulate.check import check_calibration

    paths = scenarios or (str(bundled_scenario()),)
    failed = 0
    for path in paths:
        try:
            sc = load_scenario(path, overrides)
            check_calibration(sc, composed_tree(path, overrides))
        except ScenarioError as exc:
            failed += 1
            _echo_errors(exc)
            continue
        click.echo(f"ok: {path} ({sc.name}, {sc.years[0]}-{sc.years[-1]}, {sc.demography.n_units} units)")
    if failed:
        if len(paths) > 1:
            click.echo(f"{failed} of {len(paths)} scenario files have errors", err=True)
        sys.exit(2)


@main.command()
@click.argument("scenario", required=False, type=click.Path(dir_okay=False))
@click.option("--paths", "n_paths", type=click.IntRange(min=1), help="Monte Carlo paths (default: the scenario's).")
@click.option("--seed", type=click.IntRange(min=0), help="Root seed (default: the scenario's, else fresh entropy).")
@out_option("results/population")
@click.option("--year", "target_year", type=int, help="Year compared with the base year in the pyramid.")
@click.option("--chunk-paths", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Paths per chunk (bounds memory; results do not depend on it).")
@set_option
@user_errors
def population(scenario: str | None, n_paths: int | None, seed: int | None, out_dir: str, overwrite: bool,
               target_year: int | None, chunk_paths: int, overrides: tuple[str, ...]) -> None:
    """Project the population of SCENARIO (default: bundled Hegang baseline).

    Writes population_quantiles.csv (tidy quantiles by year, unit and indicator), a pyramid PNG
    and manifest.json to the results folder.
    """
    from fiscalsim.report.files import atomic_directory, write_json
    from fiscalsim.report.population import CITY, pyramid_chart, quantile_table
    from fiscalsim.simulate.population import run_population
    from fiscalsim.simulate.seeding import root_entropy

    started = time.perf_counter()
    sc = load_scenario(_scenario_path(scenario), overrides)
    n = n_paths or sc.default_paths
    entropy = root_entropy(seed if seed is not None else sc.seed)
    year = target_year if target_year is not None else sc.report_year
    base_year = int(sc.years[0])
    if not base_year <= year <= int(sc.years[-1]):
        raise ScenarioError(f"--year {year} is outside {base_year}-{sc.years[-1]}")
    with click.progressbar(length=n, label="projecting", file=sys.stderr) as bar:
        result = run_population(sc.demography, n, entropy, chunk_paths, full_years=(base_year, year),
                                progress=bar.update)
    elapsed = time.perf_counter() - started
    table = quantile_table(result)
    with atomic_directory(out_dir, overwrite) as tmp:
        table.to_csv(tmp / "population_quantiles.csv", index=False, float_format="%.10g")
        city = result.full.sum(axis=2)  # (n_paths, 2 years, 2, 101)
        pyramid_chart(
            city[0, 0], city[:, 1], base_year, year,
            f"{sc.name}: population {base_year} and {year} ({n:,} paths)",
            tmp / f"pyramid_{base_year}_{year}.png",
            f"fiscalsim {__version__}; base: census {base_year} moved to 1 January; seed {entropy}",
        )
        write_json(tmp / "manifest.json", {
            "command": "population",
            "fiscalsim_version": __version__,
            "files": ["population_quantiles.csv", f"pyramid_{base_year}_{year}.png", "manifest.json"],
            "scenario": str(sc.path),
            "scenario_sha256": sc.sha256,
            "scenario_text": sc.text,
            "seed_entropy": entropy,
            "seed_given": seed is not None or sc.seed is not None,
            "paths": n,
            "chunk_paths": chunk_paths,
            "years": [base_year, int(sc.years[-1])],
            "seconds": round(elapsed, 3),
            "python": platform.python_version(),
            "numpy": np.__version__,
        })
    total = table[(table.indicator == "total") & (table.unit == CITY)].set_index("year")
    click.echo(f"{sc.name}: {n:,} paths, seed {entropy}, {elapsed:.1f} s")
    for y in sorted({base_year, year, int(sc.years[-1])}):
        row = total.loc[y]
        click.echo(f"  population {y}: median {row.q50:,.0f}  (10-90 %: {row.q10:,.0f} - {row.q90:,.0f})")
    click.echo(f"results: {out_dir}")


@main.command()
@click.argument("scenario", required=False, type=click.Path(dir_okay=False))
@click.option("--paths", "n_paths", type=click.IntRange(min=1), help="Monte Carlo paths (default: the scenario's).")
@click.option("--seed", type=click.IntRange(min=0), help="Root seed (default: the scenario's, else fresh entropy).")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes.")
@click.option("--chunk-paths", type=click.IntRange(min=1), default=1024, show_default=True,
              help="Paths per chunk (bounds memory; results do not depend on it).")
@out_option("results/run")
@click.option("--charts/--no-charts", default=True, show_default=True,
              help="Write fan charts and survival curves (PNG; 'fiscalsim chart' draws other formats).")
@set_option
@user_errors
def run(scenario: str | None, n_paths: int | None, seed: int | None, jobs: int, chunk_paths: int,
        out_dir: str, overwrite: bool, charts: bool, overrides: tuple[str, ...]) -> None:
    """Monte Carlo run of SCENARIO (default: the bundled Hegang baseline).

    Prints, per rule, the probability of being triggered by key years, the median and 10-90 %
    first-passage years and the share of paths on which it fires first; writes summary,
    first-passage years, per-year quantiles and manifest.json to the results folder.
    """
    from fiscalsim.report.charts import draw_run_charts, rule_records
    from fiscalsim.report.files import atomic_directory, write_json
    from fiscalsim.report.run import (
        first_passage_table,
        format_summary,
        pyramid_table,
        quantile_table,
        summary_table,
        write_tables,
    )
    from fiscalsim.simulate.montecarlo import run_scenario
    from fiscalsim.simulate.seeding import root_entropy

    t0 = time.perf_counter()
    sc = load_scenario(_scenario_path(scenario), overrides)
    t_load = time.perf_counter() - t0
    n = n_paths or sc.default_paths
    entropy = root_entropy(seed if seed is not None else sc.seed)
    with click.progressbar(length=n, label="simulating", file=sys.stderr) as bar:
        result = run_scenario(sc, n, entropy, jobs=jobs, chunk_paths=chunk_paths, progress=bar.update)
    t_sim = time.perf_counter() - t0 - t_load
    summary = summary_table(result)
    horizon = int(sc.years[-1])
    with atomic_directory(out_dir, overwrite) as tmp:
        files = write_tables(tmp, {"summary": summary, "first_passage": first_passage_table(result),
                                   "quantiles": quantile_table(result), "pyramid": pyramid_table(result)})
        write_json(tmp / "manifest.json", {
            "command": "run", "fiscalsim_version": __version__, "scenario": str(sc.path),
            "scenario_name": sc.name, "scenario_sha256": sc.sha256, "scenario_text": sc.text,
            "overrides": list(overrides), "uncertain_parameters": [u.key for u in sc.uncertain],
            "seed_entropy": entropy, "seed_given": seed is not None or sc.seed is not None, "paths": n,
            "jobs": jobs, "chunk_paths": chunk_paths, "years": [int(sc.years[0]), horizon],
            "rules": rule_records(sc.rules),
            "files": files + ["manifest.json"],
            "timings_seconds": {"load": round(t_load, 3), "simulate": round(t_sim, 3),
                                "total": round(time.perf_counter() - t0, 3)},
            "python": platform.python_version(), "numpy": np.__version__,
        })
        if charts:
            draw_run_charts(tmp, fmt=("png",))
    click.echo(f"{sc.name}: {n:,} paths, seed {entropy}, {sc.years[0]}-{horizon}, {time.perf_counter() - t0:.1f} s")
    click.echo(format_summary(summary, horizon))
    click.echo(f"results: {out_dir}")


@main.command()
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--paths", "n_paths", type=click.IntRange(min=1), help="Monte Carlo paths (default: the first scenario's).")
@click.option("--seed", type=click.IntRange(min=0), help="Root seed shared by all options (common random numbers).")
@click.option("--rule", default="china_liquidity_default", show_default=True, help="Rule compared.")
@click.option("--year", "waterfall_year", type=int, default=2035, show_default=True,
              help="Year whose balance the waterfalls decompose.")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes.")
@out_option("results/compare")
@set_option
@user_errors
def compare(scenarios: tuple[str, ...], n_paths: int | None, seed: int | None, rule: str, waterfall_year: int,
            jobs: int, out_dir: str, overwrite: bool, overrides: tuple[str, ...]) -> None:
    """Compare options (scenario files) with common random numbers; the first is the reference.

    Reports per option P(rule fired by key years), the median year, the paired difference in that
    year against the first option (median and 10-90 % over paths), the cumulative change in the
    structural balance (own revenue + transfers − 三保 and debt service due), and staff and
    per-capita services at key years; writes
    comparison.csv and survival curves (PNG, SVG).
    """
    from fiscalsim.report.charts import survival_chart
    from fiscalsim.report.compare import (
        comparison_table,
        format_comparison,
        waterfall_chart,
        waterfall_table,
    )
    from fiscalsim.report.files import atomic_directory, write_json
    from fiscalsim.report.run import key_years, write_tables
    from fiscalsim.simulate.montecarlo import run_scenario
    from fiscalsim.simulate.seeding import root_entropy

    t0 = time.perf_counter()
    loaded = [load_scenario(p, overrides) for p in scenarios]
    first = loaded[0]
    if any(list(sc.years) != list(first.years) for sc in loaded):
        raise ScenarioError("options must cover the same years to be compared")
    if waterfall_year not in list(first.years):
        raise ScenarioError(f"--year {waterfall_year} is outside {first.years[0]}-{first.years[-1]}")
    ids = [r.id for r in first.rules]
    if rule not in ids or any(rule not in [r.id for r in sc.rules] for sc in loaded):
        raise ScenarioError(f"--rule {rule!r} is not a rule of every option; the first's are {ids}")
    n = n_paths or first.default_paths
    entropy = root_entropy(seed if seed is not None else first.seed)
    options = []
    with click.progressbar(length=n * len(loaded), label="simulating", file=sys.stderr) as bar:
        for sc in loaded:
            options.append((sc.name, run_scenario(sc, n, entropy, jobs=jobs, progress=bar.update)))
    years = key_years(int(first.years[0]), int(first.years[-1]))
    table = comparison_table(options, rule, years)
    with atomic_directory(out_dir, overwrite) as tmp:
        waterfalls = {}
        for i, (name, res) in enumerate(options[1:], start=1):
            wf = waterfall_table(options[0][1], res, waterfall_year)
            waterfalls[f"waterfall_{i}"] = wf.assign(option=name, reference=options[0][0], year=waterfall_year)
            waterfall_chart(wf, f"{name} vs {options[0][0]}: balance in {waterfall_year}",
                            [tmp / f"waterfall_{i}.png", tmp / f"waterfall_{i}.svg"],
                            f"fiscalsim {__version__}; {n:,} paths, seed {entropy}; paired differences")
        files = write_tables(tmp, {"comparison": table, **waterfalls})
        files += [f"waterfall_{i}.{ext}" for i in range(1, len(options)) for ext in ("png", "svg")]
        curves = {name: res.first_passage[:, res.rule_ids.index(rule)] for name, res in options}
        survival_chart(curves, first.years, f"P(no {rule} by year), {n:,} paths, common random numbers",
                       [tmp / "survival.png", tmp / "survival.svg"],
                       f"fiscalsim {__version__}; seed {entropy}  |  rule: {rule}")
        write_json(tmp / "manifest.json", {
            "command": "compare", "fiscalsim_version": __version__, "seed_entropy": entropy, "paths": n,
            "rule": rule, "options": [{"name": sc.name, "scenario": str(sc.path), "sha256": sc.sha256,
                                       "text": sc.text} for sc in loaded],
            "overrides": list(overrides), "files": files + ["survival.png", "survival.svg", "manifest.json"],
            "seconds": round(time.perf_counter() - t0, 3),
        })
    click.echo(f"{len(loaded)} options, {n:,} paths each, seed {entropy} (common random numbers), rule {rule}")
    click.echo(format_comparison(table, years))
    click.echo(f"results: {out_dir}")


@main.command()
@click.argument("scenario", required=False, type=click.Path(dir_okay=False))
@out_option("results/books")
@set_option
@user_errors
def books(scenario: str | None, out_dir: str, overwrite: bool, overrides: tuple[str, ...]) -> None:
    """Deterministic projection of SCENARIO's four books (no shocks), year by year.

    Writes books.csv (tidy: year, book, side, line, value in 万元), books_wide.csv (a row per
    year) and the stacked general-budget chart (PNG and SVG).
    """
    from fiscalsim.report.books import books_table, budget_stack_chart, wide_table
    from fiscalsim.report.files import atomic_directory, write_json
    from fiscalsim.simulate.engine import run_model

    started = time.perf_counter()
    sc = load_scenario(_scenario_path(scenario), overrides)
    result = run_model(sc, 1, 0, deterministic=True)
    f = result.finance
    with atomic_directory(out_dir, overwrite) as tmp:
        books_table(f).to_csv(tmp / "books.csv", index=False, float_format="%.10g")
        wide_table(f).to_csv(tmp / "books_wide.csv", index=False, float_format="%.10g")
        budget_stack_chart(f, f"{sc.name}: the books, deterministic projection",
                           [tmp / "budget_stack.png", tmp / "budget_stack.svg"],
                           f"fiscalsim {__version__}; base year calibrated to Hegang's 2020 accounts; no shocks")
        write_json(tmp / "manifest.json", {
            "command": "books", "fiscalsim_version": __version__, "scenario": str(sc.path),
            "files": ["books.csv", "books_wide.csv", "budget_stack.png", "budget_stack.svg", "manifest.json"],
            "scenario_sha256": sc.sha256, "scenario_text": sc.text, "deterministic": True,
            "seconds": round(time.perf_counter() - started, 3),
        })
    years = f.years
    click.echo(f"{sc.name}: deterministic books {years[0]}-{years[-1]}")
    unpaid = f["debt_service_unpaid"][0]
    sanbao = f["sanbao_unpaid"][0]
    first_debt = next((int(y) for y, v in zip(years[1:], unpaid[1:], strict=True) if v > 0), None)
    first_sanbao = next((int(y) for y, v in zip(years, sanbao, strict=True) if v > 0), None)
    click.echo(f"  first year after {years[0]} with unpaid debt service: {first_debt or 'none'}")
    click.echo(f"  first year with unpaid 三保 (wages, livelihood, operations): {first_sanbao or 'none'}")
    click.echo(f"results: {out_dir}")


if __name__ == "__main__":
    main()


@main.command()
@click.argument("results", type=click.Path(exists=True, file_okay=False))
@click.option("--kind", "kinds", multiple=True, type=click.Choice(["fan", "survival", "pyramid"]),
              help="Chart kinds (default: all). Budget stacks come from 'books', option survival curves and "
                   "waterfalls from 'compare', heat maps from 'sweep', tornadoes from 'sensitivity'.")
@click.option("--rule", "rules", multiple=True, help="Rules to draw (default: all of the run's).")
@click.option("--format", "formats", multiple=True, type=click.Choice(["png", "svg", "pdf"]),
              help="File formats (default: png and svg).")
@user_errors
def chart(results: str, kinds: tuple[str, ...], rules: tuple[str, ...], formats: tuple[str, ...]) -> None:
    """Draw charts from a 'run' results folder RESULTS: fan charts of each rule's indicator with its
    threshold and reference, survival curves of the rules, and the population pyramid."""
    from fiscalsim.report.charts import KINDS, draw_run_charts
    from fiscalsim.report.files import read_manifest

    folder = Path(results)
    manifest = read_manifest(folder)
    if manifest is None or manifest.get("command") != "run":
        raise ScenarioError(f"{folder} is not a results folder of 'fiscalsim run' (no run manifest.json)")
    try:
        written = draw_run_charts(folder, kinds or KINDS, list(rules) or None, formats or ("png", "svg"))
    except KeyError as exc:
        raise ScenarioError(str(exc.args[0])) from None
    for name in written:
        click.echo(f"wrote {folder / name}")


@main.command()
@click.argument("base", type=click.Path(dir_okay=False))
@click.option("--grid", "grids", multiple=True, required=True, metavar="KEY.PATH=V1,V2,…",
              help="A swept value (YAML); repeat for a multi-dimensional grid, e.g. "
                   "--grid policies.transfer_cut.share.value=0,10,20")
@click.option("--paths", "n_paths", type=click.IntRange(min=1), help="Paths per point (default: the scenario's).")
@click.option("--seed", type=click.IntRange(min=0), help="Root seed shared by all points.")
@click.option("--rule", default="china_sanbao_shortfall", show_default=True, help="Rule drawn in the heat maps.")
@click.option("--jobs", type=click.IntRange(min=1), default=min(2, os.cpu_count() or 1), show_default=True,
              help="Local worker processes (one grid point each).")
@click.option("--scheduler", help="Address of a Dask scheduler (e.g. tcp://127.0.0.1:8786) to run the points on.")
@out_option("results/sweep")
@set_option
@user_errors
def sweep(base: str, grids: tuple[str, ...], n_paths: int | None, seed: int | None, rule: str, jobs: int,
          scheduler: str | None, out_dir: str, overwrite: bool, overrides: tuple[str, ...]) -> None:
    """Run BASE over a grid of values and draw heat maps of the median trigger year and of
    P(trigger by a key year). Points run in local processes, or on a Dask cluster (--scheduler);
    the results are identical whichever engine runs them."""
    from fiscalsim.report.files import atomic_directory, write_json
    from fiscalsim.report.run import key_years, write_tables
    from fiscalsim.simulate.seeding import root_entropy
    from fiscalsim.simulate.sweep import grid_points, heat_map, parse_grid, run_sweep

    t0 = time.perf_counter()
    grid = parse_grid(list(grids))
    if len(grid) > 2:
        raise ScenarioError("heat maps take one or two grid keys")
    sc = load_scenario(Path(base), overrides)
    if rule not in [r.id for r in sc.rules]:
        raise ScenarioError(f"--rule {rule!r} is not a rule of the scenario")
    n = n_paths or sc.default_paths
    entropy = root_entropy(seed if seed is not None else sc.seed)
    years = key_years(int(sc.years[0]), int(sc.years[-1]))
    points = grid_points(grid)
    with click.progressbar(length=len(points), label="grid points", file=sys.stderr) as bar:
        table = run_sweep(str(base), grid, list(overrides), n, entropy, years, jobs, scheduler, bar.update)
    by_year = next((y for y in years if y >= 2035), years[-1])
    with atomic_directory(out_dir, overwrite) as tmp:
        files = write_tables(tmp, {"sweep": table})
        src = f"fiscalsim {__version__}; {sc.name}; {n:,} paths per point; seed {entropy}"
        heat_map(table, grid, rule, "median_year", [tmp / "heatmap_median_year.png"],
                 f"median first year of {rule}", src)
        heat_map(table, grid, rule, f"p_by_{by_year}", [tmp / f"heatmap_p_by_{by_year}.png"],
                 f"P({rule} by {by_year})", src)
        write_json(tmp / "manifest.json", {
            "command": "sweep", "fiscalsim_version": __version__, "base": str(base), "grid": grid,
            "overrides": list(overrides), "paths": n, "seed_entropy": entropy, "rule": rule,
            "engine": "dask" if scheduler else ("processes" if jobs > 1 else "in-process"),
            "files": files + ["heatmap_median_year.png", f"heatmap_p_by_{by_year}.png", "manifest.json"],
            "seconds": round(time.perf_counter() - t0, 3),
        })
    sub = table[table.rule == rule]
    click.echo(sub.drop(columns="rule").to_string(index=False))
    click.echo(f"results: {out_dir}")


@main.command()
@click.argument("scenario", required=False, type=click.Path(dir_okay=False))
@click.option("--rule", default="china_sanbao_shortfall", show_default=True, help="Rule whose first year is studied.")
@click.option("--low", "q_low", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.1,
              show_default=True, help="Low quantile of each parameter.")
@click.option("--high", "q_high", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.9,
              show_default=True, help="High quantile of each parameter.")
@out_option("results/sensitivity")
@set_option
@user_errors
def sensitivity(scenario: str | None, rule: str, q_low: float, q_high: float, out_dir: str, overwrite: bool,
                overrides: tuple[str, ...]) -> None:
    """Which uncertain input moves the trigger year most: a one-at-a-time tornado around the
    zero-variance run, each parameter at its low and high quantile."""
    from fiscalsim.report.charts import tornado_chart
    from fiscalsim.report.files import atomic_directory, write_json
    from fiscalsim.report.run import write_tables
    from fiscalsim.simulate.sensitivity import tornado

    sc = load_scenario(_scenario_path(scenario), overrides)
    if rule not in [r.id for r in sc.rules]:
        raise ScenarioError(f"--rule {rule!r} is not a rule of the scenario")
    if q_low >= q_high:
        raise ScenarioError("--low must be below --high")
    result = tornado(sc, rule, q_low, q_high)
    horizon = int(sc.years[-1])
    with atomic_directory(out_dir, overwrite) as tmp:
        files = write_tables(tmp, {"tornado": result.table})
        tornado_chart(result, horizon, [tmp / "tornado.png", tmp / "tornado.svg"],
                      f"fiscalsim {__version__}; {sc.name}; quantiles {q_low:g}/{q_high:g}; other inputs at their medians")
        write_json(tmp / "manifest.json", {
            "command": "sensitivity", "fiscalsim_version": __version__, "scenario": str(sc.path),
            "scenario_sha256": sc.sha256, "rule": rule, "quantiles": [q_low, q_high],
            "central_year": result.central_year, "not_swung": list(result.not_swung),
            "files": files + ["tornado.png", "tornado.svg", "manifest.json"],
        })
    click.echo(f"{sc.name}: {rule} in the central run: {result.central_year}")
    click.echo(result.table.to_string(index=False))
    if result.not_swung:
        click.echo(f"not swung (time processes): {', '.join(result.not_swung)}")
    click.echo(f"results: {out_dir}")
