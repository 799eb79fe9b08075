"""The Python API: run a scenario by name or file and get tidy tables and charts.

>>> import fiscalsim
>>> res = fiscalsim.run("transfer_cut", paths=200)          # doctest: +SKIP
>>> res.headline                                           # doctest: +SKIP
>>> res.plot_survival()                                    # doctest: +SKIP

Scenarios are named by file (``"my_city.yaml"``) or by bundled name (``"baseline"``,
``"transfer_cut"``, ``"hegang/hiring_freeze"``; :func:`bundled_scenarios` lists them).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fiscalsim.scenario import Scenario, ScenarioError, bundled_scenario, load_scenario
from fiscalsim.scenario.report_settings import PREFERRED_RULE
from fiscalsim.simulate.population import DEFAULT_CHUNK_PATHS

log = logging.getLogger(__name__)

#: Rule compared, swept or screened when neither --rule nor the scenario's report.rule names one
#: (and the scenario has it; see fiscalsim.scenario.report_settings.default_rule).
DEFAULT_RULE = PREFERRED_RULE
BUNDLED_CITY = "hegang"


@dataclass(frozen=True)
class BundledScenario:
    """A scenario shipped with fiscalsim: its name, file and one-line description."""

    name: str
    path: Path
    description: str


def _description(path: Path) -> str:
    """The scenario's one-line description: its first comment line."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            return line.lstrip("# ").strip()
        if line.strip():
            break
    return ""


def bundled_scenarios() -> list[BundledScenario]:
    """Every scenario shipped with fiscalsim, baseline first."""
    folder = bundled_scenario().parent.parent
    out = []
    for path in sorted(folder.glob("*/*.yaml"), key=lambda p: (p.parent.name, p.stem != "baseline", p.stem)):
        name = path.stem if path.parent.name == BUNDLED_CITY else f"{path.parent.name}/{path.stem}"
        out.append(BundledScenario(name, path, _description(path)))
    return out


def scenario_path(name_or_path: str | Path | None) -> Path:
    """The file of a scenario given as a path or a bundled name (None: the bundled baseline)."""
    if name_or_path is None:
        return bundled_scenario()
    path = Path(name_or_path)
    if path.is_file() or path.suffix in (".yaml", ".yml"):
        return path
    text = str(name_or_path)
    for b in bundled_scenarios():
        if text in (b.name, f"{b.path.parent.name}/{b.path.stem}"):
            return b.path
    names = [b.name for b in bundled_scenarios()]
    raise ScenarioError(f"no scenario file and no bundled scenario named {text!r}; bundled: {', '.join(names)} "
                        "(fiscalsim list)")


def as_scenario(scenario: Scenario | str | Path | None, overrides: Sequence[str] = ()) -> Scenario:
    """A loaded scenario from a Scenario, a file or a bundled name."""
    if isinstance(scenario, Scenario):
        if overrides:
            return load_scenario(scenario.path, list(overrides))
        return scenario
    return load_scenario(scenario_path(scenario), list(overrides))


def seed_entropy(sc: Scenario, seed: int | None) -> int:
    """The root entropy of a run: ``seed``, else the scenario's seed, else fresh (recorded)."""
    from fiscalsim.simulate.seeding import root_entropy

    return root_entropy(seed if seed is not None else sc.seed)


def run(scenario: Scenario | str | Path | None = None, paths: int | None = None, seed: int | None = None,
        jobs: int = 1, chunk_paths: int = DEFAULT_CHUNK_PATHS, overrides: Sequence[str] = (),
        money_unit: str | None = None, progress: Callable[[int], None] | None = None):
    """Run a scenario's Monte Carlo with its trigger rules.

    Parameters
    ----------
    scenario : Scenario, path or bundled name, optional
        ``None`` runs the bundled Hegang baseline; ``"transfer_cut"`` a bundled variant.
    paths : int, optional
        Monte Carlo paths; default: the scenario's ``simulation.paths``.
    seed : int, optional
        Root seed; default: the scenario's ``simulation.seed``, else fresh entropy (recorded in
        :attr:`Results.seed`). Same seed, same results, whatever ``jobs`` and ``chunk_paths``.
    jobs : int
        Worker processes.
    chunk_paths : int
        Paths per chunk (bounds memory; progress is reported per chunk).
    overrides : sequence of str
        ``key.path=value`` overrides, as ``--set`` on the command line.
    money_unit : str, optional
        亿元, 万元, yuan, million yuan or billion yuan; default 亿元 for Chinese scenarios.
    progress : callable, optional
        Called with the number of paths finished after each chunk.

    Returns
    -------
    Results
        Tidy tables (``summary``, ``headline``, ``first_passage``, ``quantiles``, ``pyramid``,
        ``assumptions``) and ``plot_*`` methods.
    """
    from fiscalsim.report.results import Results
    from fiscalsim.report.tables import check_money_currency, default_money_unit
    from fiscalsim.simulate.montecarlo import run_scenario as simulate

    started = time.perf_counter()
    sc = as_scenario(scenario, overrides)
    n = paths or sc.default_paths
    entropy = seed_entropy(sc, seed)
    unit = check_money_currency(money_unit or default_money_unit(sc), sc)
    log.info("running %s: %d paths, seed %d, %d jobs, chunks of %d paths", sc.name, n, entropy, jobs, chunk_paths)
    result = simulate(sc, n, entropy, jobs=jobs, chunk_paths=chunk_paths, progress=progress)
    seconds = time.perf_counter() - started
    log.info("simulated in %.2f s", seconds)
    return Results(sc, result, entropy, unit, seed_given=seed is not None or sc.seed is not None,
                   seconds=seconds, jobs=jobs, chunk_paths=chunk_paths, overrides=tuple(overrides))


def run_scenario(scenario: Scenario | str | Path, n_paths: int | None = None, entropy: int | None = None,
                 jobs: int = 1, chunk_paths: int = DEFAULT_CHUNK_PATHS, progress=None, deterministic: bool = False):
    """The raw Monte Carlo arrays (:class:`fiscalsim.simulate.montecarlo.RunResult`) of a scenario;
    paths and seed default to the scenario's. Prefer :func:`run` for tables and charts."""
    from fiscalsim.simulate.montecarlo import run_scenario as simulate

    sc = as_scenario(scenario)
    return simulate(sc, n_paths or sc.default_paths, seed_entropy(sc, entropy), jobs=jobs, chunk_paths=chunk_paths,
                    progress=progress, deterministic=deterministic)


def run_population(scenario, n_paths: int | None = None, entropy: int | None = None,
                   chunk_paths: int = DEFAULT_CHUNK_PATHS, full_years: tuple[int, ...] = (), progress=None):
    """The population projection alone (:class:`fiscalsim.demography.projector.PopulationResult`).

    ``scenario`` is a Scenario, a file, a bundled name or the scenario's ``DemographyInputs``;
    paths and seed default to the scenario's (for bare inputs, both must be given).
    """
    from fiscalsim.demography.projector import DemographyInputs
    from fiscalsim.simulate.population import run_population as project

    if isinstance(scenario, DemographyInputs):
        if n_paths is None or entropy is None:
            raise ValueError("give n_paths and entropy with bare DemographyInputs, or pass the scenario")
        return project(scenario, n_paths, entropy, chunk_paths, full_years, progress)
    sc = as_scenario(scenario)
    return project(sc.demography, n_paths or sc.default_paths, seed_entropy(sc, entropy), chunk_paths, full_years,
                   progress)


def catalog_text() -> str:
    """The bundled scenarios with their descriptions, and the rule packs with their rules (the
    text of ``fiscalsim list``)."""
    from fiscalsim.report.headline import severity_class
    from fiscalsim.triggers import PACKS, load_pack

    lines = ["Bundled scenarios (name one instead of a file, e.g. 'fiscalsim run transfer_cut'):"]
    lines += [f"  {b.name:22s} {b.description}" for b in bundled_scenarios()]
    lines += ["", "Rule packs (triggers.packs in a scenario), each rule with its severity class:"]
    for pack in PACKS:
        lines.append(f"  {pack}")
        lines += [f"    {r.id:44s} [{severity_class(r.severity)}: {r.severity}] {r.name}" for r in load_pack(pack)]
    return "\n".join(lines)
