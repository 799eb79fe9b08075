"""Scenario files: strict YAML with units and sources, validated into a typed :class:`Scenario`."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from fiscalsim.demography.projector import DemographyInputs
from fiscalsim.economy import EconomyInputs
from fiscalsim.finance.inputs import BaseAccounts, FinanceParams
from fiscalsim.policies.levers import POLICIES, build_levers
from fiscalsim.scenario.compose import apply_overrides, load_tree
from fiscalsim.scenario.demography import DEMOGRAPHY, build_demography
from fiscalsim.scenario.finance import SECTIONS, build_accounts, build_economy, build_finance
from fiscalsim.scenario.schema import Integer, Raw, Section, Text, location_of, validate
from fiscalsim.scenario.yamlio import ScenarioError, suggest
from fiscalsim.simulate.sampling import resolve_uncertain
from fiscalsim.triggers.rules import Rule

__all__ = ["SCHEMA", "Scenario", "ScenarioError", "load_scenario", "bundled_scenario"]

SIMULATION = Section(
    "Simulation settings.",
    {
        "base_year": Integer("first simulated year; stocks at its 1 January", 1950, 2100),
        "horizon": Integer("last simulated year", 1951, 2200),
        "paths": Integer("default number of Monte Carlo paths", 1, 10_000_000),
        "seed": Integer("root seed of the run (omit to draw fresh entropy, recorded in the manifest)",
                        0, 2**63 - 1, required=False),
        "report_year": Integer("year compared with the base year in pyramids and tables", 1950, 2200,
                               required=False),
        "triggers_from": Integer("first year in which rules are evaluated (default: the year after the "
                                 "base year, whose accounts are data)", 1950, 2200, required=False),
    },
)

TRIGGERS = Section(
    "Fiscal-stress rules evaluated on every path.",
    {
        "packs": Raw("rule packs shipped with fiscalsim: china_88, china_liquidity, china_debt_ratio, japan_2007"),
        "rules": Raw("user-defined rules, in the form of the packs (see docs/triggers.md)", required=False),
        "headline_packs": Raw("packs whose restructuring- and default-class rules make the headline event "
                              "(default: all; user rules always count)", required=False),
    },
)

UNCERTAINTY = Section(
    "Dependence between uncertain parameters.",
    {"correlations": Raw("Gaussian-copula correlations: a list of {between: [key, key], rho, source}",
                         required=False)},
    required=False,
)

SCHEMA = Section(
    "A fiscalsim scenario.",
    {
        "name": Text("short name of the scenario"),
        "description": Text("what the scenario represents", required=False),
        "simulation": SIMULATION,
        "demography": DEMOGRAPHY,
        **SECTIONS,
        "triggers": TRIGGERS,
        "uncertainty": UNCERTAINTY,
        "policies": POLICIES,
    },
)


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: its settings, the raw text and hash, and built model inputs."""

    path: Path
    text: str
    sha256: str
    settings: dict[str, Any]
    demography: DemographyInputs
    economy: EconomyInputs
    accounts: BaseAccounts
    finance: FinanceParams
    rules: tuple[Rule, ...]
    restructuring_trigger: str | None = None
    uncertain: tuple = ()
    copula: tuple | None = None

    @property
    def name(self) -> str:
        return self.settings["name"]

    @property
    def years(self) -> np.ndarray:
        return self.demography.years

    @property
    def default_paths(self) -> int:
        return self.settings["simulation"]["paths"]

    @property
    def seed(self) -> int | None:
        return self.settings["simulation"]["seed"]

    @property
    def triggers_from(self) -> int:
        y = self.settings["simulation"]["triggers_from"]
        return int(self.years[0]) + 1 if y is None else y

    @property
    def report_year(self) -> int:
        y = self.settings["simulation"]["report_year"]
        return int(self.years[-1]) if y is None else y


def load_scenario(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Read (following ``extends:``), override, validate and build a scenario; user errors raise
    :class:`ScenarioError` with file, line and key path."""
    path = Path(path)
    node, files = load_tree(path)
    node = apply_overrides(node, list(overrides))
    settings = validate(node, SCHEMA)
    sim = settings["simulation"]
    if sim["horizon"] <= sim["base_year"]:
        raise ScenarioError("horizon must be after base_year", *node["simulation"].where("horizon"),
                            "simulation.horizon")
    ry = sim["report_year"]
    if ry is not None and not sim["base_year"] <= ry <= sim["horizon"]:
        raise ScenarioError("report_year must lie between base_year and horizon",
                            *node["simulation"].where("report_year"), "simulation.report_year")
    tf = sim["triggers_from"]
    if tf is not None and not sim["base_year"] <= tf <= sim["horizon"]:
        raise ScenarioError("triggers_from must lie between base_year and horizon",
                            *node["simulation"].where("triggers_from"), "simulation.triggers_from")
    years = np.arange(sim["base_year"], sim["horizon"] + 1)
    try:
        uncertain = tuple(resolve_uncertain({k: v for k, v in settings.items() if k != "triggers"}))
        demography = build_demography(settings["demography"], years, path.parent)
        economy = build_economy(settings["economy"], years)
        accounts = build_accounts(settings["accounts"])
        finance = build_finance(settings, years, path.parent, node["debt"] if "debt" in node else None)
        rules = tuple(_build_rules(settings["triggers"], node))
        finance, restructuring_trigger = build_levers(settings.get("policies"), years, demography.unit_names,
                                                      [r.id for r in rules], finance)
        copula = _build_copula(settings.get("uncertainty"), node, uncertain)
    except ScenarioError as exc:
        if exc.file is None:
            file, line = location_of(node, exc.key) if exc.key else (str(path), None)
            exc = ScenarioError(exc.message, file or str(path), line, exc.key, exc.suggestion)
        raise exc from None
    # The text of every file in the extends chain, and the overrides, identify the run.
    parts = [f"# file: {f.name}\n{f.read_text(encoding='utf-8')}" for f in files]
    parts += [f"# --set {o}" for o in overrides]
    text = "\n".join(parts)
    return Scenario(path=path, text=text, sha256=hashlib.sha256(text.encode()).hexdigest(),
                    settings=settings, demography=demography, economy=economy, accounts=accounts,
                    finance=finance, rules=rules, restructuring_trigger=restructuring_trigger,
                    uncertain=uncertain, copula=copula)


def _build_copula(section: dict[str, Any] | None, node: Any, uncertain: tuple) -> tuple | None:
    from fiscalsim.simulate.sampling import correlation_cholesky

    if not section or section.get("correlations") is None:
        return None
    items = section["correlations"]
    where = node["uncertainty"]
    file, line = where.where("correlations")
    drawn = {u.key for u in uncertain if u.param.distribution is not None}
    if not isinstance(items, list) or not items:
        raise ScenarioError("expected a list of correlations", file, line, "uncertainty.correlations")
    pairs, keys = [], []
    for i, item in enumerate(items):
        key = f"uncertainty.correlations[{i}]"
        item_line = getattr(item, "line", line)
        if not isinstance(item, dict) or set(item) != {"between", "rho", "source"}:
            raise ScenarioError("each correlation takes between, rho and source", file, item_line, key)
        between, rho = item["between"], item["rho"]
        if not (isinstance(between, list) and len(between) == 2 and between[0] != between[1]):
            raise ScenarioError("between must name two different parameters", file, item_line, key)
        for k in between:
            if k not in drawn:
                raise ScenarioError(f"{k!r} is not a parameter with a distribution", file, item_line, key,
                                    suggest(str(k), sorted(drawn)))
        if isinstance(rho, bool) or not isinstance(rho, int | float) or not -1 < rho < 1:
            raise ScenarioError("rho must be a number strictly between -1 and 1", file, item_line, key)
        if not isinstance(item["source"], str) or not item["source"].strip():
            raise ScenarioError('missing source: give a reference, or "assumption: <why>"', file, item_line, key)
        pairs.append((between[0], between[1], float(rho)))
        keys += [k for k in between if k not in keys]
    return keys, correlation_cholesky(keys, pairs)


def _build_rules(t: dict[str, Any], node: Any) -> list[Rule]:
    from fiscalsim.triggers.packs import load_pack, parse_rules

    packs = t["packs"]
    where = node["triggers"]
    if not isinstance(packs, list) or not all(isinstance(p, str) for p in packs):
        raise ScenarioError("expected a list of pack names", *where.where("packs"), "triggers.packs")
    rules: list[Rule] = []
    for name in packs:
        try:
            rules += load_pack(name)
        except ScenarioError as exc:
            raise ScenarioError(exc.message, *where.where("packs"), "triggers.packs", exc.suggestion) from None
    if t["rules"] is not None:
        rules += parse_rules(t["rules"], "triggers.rules")
    headline = t.get("headline_packs")
    if headline is not None:
        if not isinstance(headline, list) or not all(isinstance(p, str) and p in packs for p in headline):
            raise ScenarioError(f"expected a list of packs named in triggers.packs ({packs})",
                                *where.where("headline_packs"), "triggers.headline_packs")
        rules = [dataclasses.replace(r, headline=r.pack in headline or r.pack == "user") for r in rules]
    ids = [r.id for r in rules]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ScenarioError(f"duplicate rule ids {dup}", where.file, where.line, "triggers")
    if not rules:
        raise ScenarioError("no rules: name at least one pack or rule", where.file, where.line, "triggers")
    return rules


def bundled_scenario(name: str = "hegang/baseline") -> Path:
    """Path of a scenario shipped with the package (``hegang/baseline`` by default)."""
    from importlib import resources

    return Path(str(resources.files("fiscalsim").joinpath("scenarios", f"{name}.yaml")))
