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
from fiscalsim.feedbacks import FeedbackInputs
from fiscalsim.finance.inputs import BaseAccounts, FinanceParams
from fiscalsim.scenario.checks import (
    build_copula,
    check_debt_swap,
    check_lever_years,
    check_paths,
    check_rules,
    check_user_rules,
    simulation_years,
)
from fiscalsim.scenario.compose import apply_overrides, load_tree
from fiscalsim.scenario.demography import DEMOGRAPHY, build_demography
from fiscalsim.scenario.errors import Problems, ScenarioErrors
from fiscalsim.scenario.feedbacks import FEEDBACKS, build_feedbacks
from fiscalsim.scenario.finance import (
    ECONOMY,
    SECTIONS,
    build_accounts,
    build_economy,
    build_finance,
)
from fiscalsim.scenario.japan import (
    JAPAN_SECTIONS,
    build_japan_accounts,
    build_japan_params,
    plan_trigger,
)
from fiscalsim.scenario.levers import POLICIES, build_levers
from fiscalsim.scenario.report_settings import REPORT, STAND_IN, ReportSettings, build_report
from fiscalsim.scenario.schema import (
    Choice,
    Integer,
    Raw,
    Section,
    Text,
    location_of,
    validate,
    validate_field,
)
from fiscalsim.scenario.targets import resolve_uncertain
from fiscalsim.scenario.yamlio import Node, ScenarioError
from fiscalsim.triggers.rules import Rule

__all__ = ["SCHEMA", "Scenario", "ScenarioError", "ScenarioErrors", "load_scenario", "bundled_scenario"]

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
        "packs": Raw("rule packs shipped with fiscalsim: china_88, china_liquidity, china_debt_ratio, japan_2007 (on Chinese books), japan_2007_statutory (on Japanese books)"),
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

BOOKS = Choice("the book set of the city's country: china (four books, yuan) or japan (general account and "
               "enterprises, yen); it decides the money and the accounts and parameter sections",
               ("china", "japan"), default="china")

def _scenario_schema(doc: str, book_sections: dict[str, Any], policies: bool) -> Section:
    """A scenario's sections: the common ones around its book set's accounts and parameters."""
    fields = {"name": Text("short name of the scenario"),
              "description": Text("what the scenario represents", required=False),
              "books": BOOKS, "simulation": SIMULATION, "demography": DEMOGRAPHY, **book_sections,
              "feedbacks": FEEDBACKS, "triggers": TRIGGERS, "uncertainty": UNCERTAINTY}
    if policies:
        fields["policies"] = POLICIES
    return Section(doc, {**fields, "report": REPORT, "stand_in": STAND_IN})


SCHEMA = _scenario_schema("A fiscalsim scenario.", SECTIONS, policies=True)
#: A Japanese municipality (``books: japan``): the accounts and parameters of its own book set.
JAPAN_SCHEMA = _scenario_schema("A fiscalsim scenario of a Japanese municipality.",
                                {"economy": ECONOMY, **JAPAN_SECTIONS}, policies=False)
SCHEMAS = {"china": SCHEMA, "japan": JAPAN_SCHEMA}


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
    feedbacks: FeedbackInputs = FeedbackInputs()
    books: str = "china"  # the book set (fiscalsim.finance.books)

    @property
    def currency(self) -> str:
        """The scenario's money: its book set's currency (``yuan`` or ``yen``)."""
        from fiscalsim.finance.books import book_set

        return book_set(self.books).currency
    report: ReportSettings | None = None

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
    def key_years(self) -> list[int]:
        """Years at which P(event by the year) is reported, ending with the horizon (``report.key_years``)."""
        return list(self.report.key_years)

    @property
    def stand_in(self) -> str | None:
        """The note of stand-in accounts (``stand_in.note``), or None for the city's own accounts."""
        return self.report.stand_in

    @property
    def default_rule(self) -> str:
        """The rule compare, sweep and screen study when none is named (``report.rule``)."""
        return self.report.rule

    @property
    def report_year(self) -> int:
        y = self.settings["simulation"]["report_year"]
        return int(self.years[-1]) if y is None else y


def load_scenario(path: str | Path, overrides: list[str] | tuple[str, ...] = (),
                  grid: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Read (following ``extends:``), override, validate and build a scenario.

    User errors raise :class:`ScenarioError` with file, line and key path; when a file has
    several, every one found is reported together (a :class:`ScenarioErrors`): all key, unit and
    range errors, then the errors of each section that could be built. ``grid``: a sweep point's
    values, applied after ``overrides`` as they are and named ``--grid`` in errors.
    """
    return load_scenario_and_tree(path, overrides, grid)[0]


def load_scenario_and_tree(path: str | Path, overrides: list[str] | tuple[str, ...] = (),
                           grid: list[str] | tuple[str, ...] = ()) -> tuple[Scenario, Node]:
    """:func:`load_scenario`, and the tree it was built from (keys with their file and line), for
    checks that name the keys behind a later failure (``validate``'s calibration)."""
    path = Path(path)
    node, files = load_tree(path)
    node = apply_overrides(apply_overrides(node, list(overrides)), list(grid), "--grid")
    problems = Problems()
    books = _book_set(node, problems)
    if books is None:  # the other sections depend on the book set: report its error alone
        return _raise(problems, node, path)
    settings = validate(node, SCHEMAS[books], problems=problems)
    parts = (_build if books == "china" else _build_japan)(settings, node, path, problems)
    if problems.errors or parts is None:
        raise ScenarioErrors([_locate(e, node, path) for e in problems.errors], problems.uncounted)
    # The text of every file in the extends chain, and the overrides, identify the run.
    texts = [f"# file: {f.name}\n{f.read_text(encoding='utf-8')}" for f in files]
    text = "\n".join(texts + [f"# --set {o}" for o in overrides] + [f"# --grid {g}" for g in grid])
    return Scenario(path=path, text=text, sha256=hashlib.sha256(text.encode()).hexdigest(), settings=settings,
                    books=books, **parts), node


def _book_set(node: Any, problems: Problems) -> str | None:
    """The scenario's book set (``books``, default china); None, with its error recorded, when it
    names none of :data:`SCHEMAS` (a list or a mapping included)."""
    if not isinstance(node, dict) or "books" not in node:
        return "china"
    books = node["books"]
    if isinstance(books, str) and books in SCHEMAS:
        return books
    with problems.collect():
        validate_field(node, "books", BOOKS, "books")
    return None


def _raise(problems: Problems, node: Node, path: Path):
    raise ScenarioErrors([_locate(e, node, path) for e in problems.errors], problems.uncounted)


def _locate(exc: ScenarioError, node: Node, path: Path) -> ScenarioError:
    """``exc`` with the file and line of its key when it was raised without them."""
    if exc.file is not None:
        return exc
    file, line = location_of(node, exc.key) if exc.key else (str(path), None)
    return ScenarioError(exc.message, file or str(path), line, exc.key, exc.suggestion)


def _checked_years(settings: dict[str, Any], node: Node, problems: Problems) -> np.ndarray | None:
    """The simulated years, with every year path checked against them (None when the simulation
    section has errors)."""
    if problems.touches("simulation"):
        return None
    years = simulation_years(settings["simulation"], node, problems)
    if years is not None:
        check_paths(settings, node, years, problems)
    return years


def _build(settings: dict[str, Any], node: Node, path: Path, problems: Problems) -> dict[str, Any] | None:
    """The model inputs of each section that validated; errors are recorded in ``problems``."""
    years = _checked_years(settings, node, problems)
    if years is None:
        return None
    check_lever_years(settings.get("policies"), node, years, problems)
    check_debt_swap(settings, node, problems)
    out: dict[str, Any] = {}
    steps = [
        ("uncertain", (), lambda: tuple(resolve_uncertain({k: v for k, v in settings.items() if k != "triggers"}))),
        ("demography", ("demography",), lambda: build_demography(settings["demography"], years, path.parent)),
        ("economy", ("economy",), lambda: build_economy(settings["economy"], years)),
        ("accounts", ("accounts",), lambda: build_accounts(settings["accounts"])),
        ("feedbacks", ("feedbacks",), lambda: build_feedbacks(settings.get("feedbacks"))),
        ("finance", ("finance", "pension", "staffing", "debt", "feedbacks"),
         lambda: build_finance(settings, years, path.parent, node["debt"] if "debt" in node else None)),
        ("rules", ("triggers",), lambda: tuple(_build_rules(settings["triggers"], node))),
    ]
    for name, keys, build in steps:
        if not keys or not problems.touches(*keys):
            with problems.collect():
                out[name] = build()
    if {"demography", "finance", "rules"} <= set(out) and not problems.touches("policies"):
        with problems.collect():
            out["finance"], out["restructuring_trigger"] = build_levers(
                settings.get("policies"), years, out["demography"].unit_names, [r.id for r in out["rules"]],
                out["finance"])
    if "rules" in out and not problems.touches("report", "stand_in"):
        with problems.collect():
            out["report"] = build_report(settings, years, out["rules"], _currency("china"))
    if "uncertain" in out and not problems.touches("uncertainty"):
        with problems.collect():
            out["copula"] = build_copula(settings.get("uncertainty"), node, out["uncertain"])
    return out


def _build_japan(settings: dict[str, Any], node: Node, path: Path, problems: Problems) -> dict[str, Any] | None:
    """The model inputs of a Japanese municipality's sections that validated (see :func:`_build`)."""
    years = _checked_years(settings, node, problems)
    if years is None:
        return None
    out: dict[str, Any] = {}
    steps = [
        ("uncertain", (), lambda: tuple(resolve_uncertain({k: v for k, v in settings.items() if k != "triggers"}))),
        ("demography", ("demography",), lambda: build_demography(settings["demography"], years, path.parent)),
        ("economy", ("economy",), lambda: build_economy(settings["economy"], years)),
        ("accounts", ("accounts",), lambda: build_japan_accounts(settings["accounts"])),
        ("finance", ("japan",), lambda: build_japan_params(settings["japan"], years)),
        ("feedbacks", ("feedbacks",), lambda: build_feedbacks(settings.get("feedbacks"), establishment=False)),
        ("rules", ("triggers",), lambda: tuple(_build_rules(settings["triggers"], node, "japan"))),
    ]
    for name, keys, build in steps:
        if not keys or not problems.touches(*keys):
            with problems.collect():
                out[name] = build()
    if "rules" in out and "finance" in out:
        with problems.collect():
            out["restructuring_trigger"] = _plan_trigger(settings["japan"], out["rules"], node)
    if "rules" in out and not problems.touches("report", "stand_in"):
        with problems.collect():
            out["report"] = build_report(settings, years, out["rules"], _currency("japan"))
    if "uncertain" in out and not problems.touches("uncertainty"):
        with problems.collect():
            out["copula"] = build_copula(settings.get("uncertainty"), node, out["uncertain"])
    return out


def _currency(books: str) -> str:
    """The money of a book set's lines (``yuan``, ``yen``)."""
    from fiscalsim.finance.books import book_set

    return book_set(books).currency


def _plan_trigger(j: dict[str, Any], rules: tuple[Rule, ...], node: Node) -> str | None:
    trigger = plan_trigger(j)
    ids = [r.id for r in rules]
    if trigger is not None and trigger not in ids:
        raise ScenarioError(f"the plan's trigger {trigger!r} is not one of the scenario's rules {ids}",
                            key="japan.plan.trigger")
    return trigger


def _check_rule_lines(rules: list[Rule], books: str, where: Node) -> None:
    """Every rule must read lines its scenario's book set records."""
    from fiscalsim.finance.books import book_set

    known = set(book_set(books).line_names) | {"services_per_capita"}
    for r in rules:
        missing = sorted(r.series_names() - known)
        if missing:
            raise ScenarioError(f"rule {r.id!r} (pack {r.pack}) reads {missing}, which the {books} books do not "
                                f"record", where.file, where.line, "triggers")


def _build_rules(t: dict[str, Any], node: Any, books: str = "china") -> list[Rule]:
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
        check_rules(t["rules"], node)
        user = parse_rules(t["rules"], "triggers.rules")
        check_user_rules(user, t["rules"])
        rules += user
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
    _check_rule_lines(rules, books, where)
    return rules


def bundled_scenario(name: str = "hegang/baseline") -> Path:
    """Path of a scenario shipped with the package (``hegang/baseline`` by default)."""
    from importlib import resources

    return Path(str(resources.files("fiscalsim").joinpath("scenarios", f"{name}.yaml")))
