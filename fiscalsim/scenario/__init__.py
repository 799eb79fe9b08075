"""Scenario files: strict YAML with units and sources, validated into a typed :class:`Scenario`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from fiscalsim.demography.projector import DemographyInputs
from fiscalsim.economy import EconomyInputs
from fiscalsim.finance.inputs import BaseAccounts, FinanceParams
from fiscalsim.scenario.demography import DEMOGRAPHY, build_demography
from fiscalsim.scenario.finance import SECTIONS, build_accounts, build_economy, build_finance
from fiscalsim.scenario.schema import Integer, Raw, Section, Text, line_of, validate
from fiscalsim.scenario.yamlio import ScenarioError, load_yaml
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
    },
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


def load_scenario(path: str | Path) -> Scenario:
    """Read, validate and build a scenario; user errors raise :class:`ScenarioError`."""
    path = Path(path)
    node = load_yaml(path)
    settings = validate(node, SCHEMA)
    sim = settings["simulation"]
    if sim["horizon"] <= sim["base_year"]:
        raise ScenarioError("horizon must be after base_year", str(path), node["simulation"].key_lines["horizon"],
                            "simulation.horizon")
    ry = sim["report_year"]
    if ry is not None and not sim["base_year"] <= ry <= sim["horizon"]:
        raise ScenarioError("report_year must lie between base_year and horizon", str(path),
                            node["simulation"].key_lines["report_year"], "simulation.report_year")
    tf = sim["triggers_from"]
    if tf is not None and not sim["base_year"] <= tf <= sim["horizon"]:
        raise ScenarioError("triggers_from must lie between base_year and horizon", str(path),
                            node["simulation"].key_lines["triggers_from"], "simulation.triggers_from")
    years = np.arange(sim["base_year"], sim["horizon"] + 1)
    try:
        demography = build_demography(settings["demography"], years, path.parent)
        economy = build_economy(settings["economy"], years)
        accounts = build_accounts(settings["accounts"])
        finance = build_finance(settings, years)
        rules = tuple(_build_rules(settings["triggers"], node))
    except ScenarioError as exc:
        if exc.file is None:
            line = line_of(node, exc.key) if exc.key else node.key_lines.get("demography")
            exc = ScenarioError(exc.message, str(path), line, exc.key, exc.suggestion)
        raise exc from None
    text = path.read_text(encoding="utf-8")
    return Scenario(path=path, text=text, sha256=hashlib.sha256(text.encode()).hexdigest(),
                    settings=settings, demography=demography, economy=economy, accounts=accounts,
                    finance=finance, rules=rules)


def _build_rules(t: dict[str, Any], node: Any) -> list[Rule]:
    from fiscalsim.triggers.packs import load_pack, parse_rules

    packs = t["packs"]
    where = node["triggers"]
    if not isinstance(packs, list) or not all(isinstance(p, str) for p in packs):
        raise ScenarioError("expected a list of pack names", where.file, where.key_lines.get("packs"), "triggers.packs")
    rules: list[Rule] = []
    for name in packs:
        try:
            rules += load_pack(name)
        except ScenarioError as exc:
            raise ScenarioError(exc.message, where.file, where.key_lines.get("packs"), "triggers.packs",
                                exc.suggestion) from None
    if t["rules"] is not None:
        rules += parse_rules(t["rules"], "triggers.rules")
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
