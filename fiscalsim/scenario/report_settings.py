"""The ``report`` and ``stand_in`` sections: how a scenario's results are reported.

``report`` gives the key years (P of an event by each), the money unit of every output and the
rule that ``compare``, ``sweep`` and ``screen`` study when ``--rule`` is not given; each has a
default derived from the scenario, so nothing about one city is built into the code.
``stand_in`` marks accounts that are not the city's own (``fiscalsim new-city --accounts-like``):
every output of such a scenario carries its note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fiscalsim.scenario.errors import shown
from fiscalsim.scenario.schema import Raw, Section, Text
from fiscalsim.scenario.yamlio import ScenarioError

#: Key years after the base year when the scenario names none (the horizon is always added).
DEFAULT_KEY_YEAR_OFFSETS = (5, 10, 15)
#: Rule studied by compare, sweep and screen when the scenario has it and names no other.
PREFERRED_RULE = "china_sanbao_unfunded"

REPORT = Section(
    "How results are reported (every key optional, with a default derived from the scenario).",
    {
        "key_years": Raw("years at which P(event by the year) is reported, after the base year and up to the "
                         "horizon (the horizon is always added); default: base year + 5, + 10 and + 15",
                         required=False),
        "money_unit": Text("money unit of every table and chart (a --money-unit option overrides it); default: "
                           "亿元 for Chinese scenarios, else yuan", required=False),
        "rule": Text(f"rule (id) that compare, sweep and screen study when --rule is not given; default: "
                     f"{PREFERRED_RULE} when the scenario has it, else its first restructuring- or default-class "
                     "rule", required=False),
    },
    required=False,
)

STAND_IN = Section(
    "Accounts that are not the city's own, used as a labelled stand-in (fiscalsim new-city --accounts-like): "
    "every output of the scenario prints the note.",
    {
        "accounts_like": Text("the scenario whose accounts stand in"),
        "note": Text("what every output says about the stand-in"),
    },
    required=False,
)


@dataclass(frozen=True)
class ReportSettings:
    """Resolved ``report`` and ``stand_in`` settings.

    key_years : years after the base year, ending with the horizon; money_unit : None for the
    default by the scenario's rules and units; rule : the default rule id; stand_in : the note of
    stand-in accounts, or None.
    """

    key_years: tuple[int, ...]
    money_unit: str | None
    rule: str
    stand_in: str | None = None


def default_key_years(base_year: int, horizon: int) -> list[int]:
    """Base year + 5, + 10, + 15 (those before the horizon) and the horizon."""
    years = [base_year + k for k in DEFAULT_KEY_YEAR_OFFSETS if base_year + k < horizon]
    return years + [horizon]


def _key_years(raw: Any, base_year: int, horizon: int) -> list[int]:
    key = "report.key_years"
    if raw is None:
        return default_key_years(base_year, horizon)
    if not isinstance(raw, list) or not raw or not all(isinstance(y, int) and not isinstance(y, bool) for y in raw):
        raise ScenarioError(f"expected a list of years, got {shown(raw)}", key=key)
    if sorted(set(raw)) != raw:
        raise ScenarioError(f"key years must be increasing, each once; got {shown(raw)}", key=key)
    outside = [y for y in raw if not base_year < y <= horizon]
    if outside:
        raise ScenarioError(f"key years {outside} are outside {base_year + 1}-{horizon} (after the base year, up "
                            "to the horizon)", key=key)
    return raw if raw[-1] == horizon else [*raw, horizon]


def _money_unit(raw: str | None, currency: str) -> str | None:
    if raw is None:
        return None
    # the output vocabulary lives with the tables
    from fiscalsim.report.kinds import MONEY_UNIT_CURRENCY, MONEY_UNITS

    if raw not in MONEY_UNITS:
        raise ScenarioError(f"money unit {shown(raw)} is not one of {list(MONEY_UNITS)}", key="report.money_unit")
    if MONEY_UNIT_CURRENCY[raw] != currency:
        choices = [u for u, c in MONEY_UNIT_CURRENCY.items() if c == currency]
        raise ScenarioError(f"money unit {shown(raw)} is not {currency}, the money of this scenario's books; "
                            f"expected one of {choices}", key="report.money_unit")
    return raw


def default_rule(rules) -> str:
    """:data:`PREFERRED_RULE` when among ``rules``, else the first restructuring- or default-class
    rule, else the first rule."""
    ids = [r.id for r in rules]
    if PREFERRED_RULE in ids:
        return PREFERRED_RULE
    return next((r.id for r in rules if r.severity in ("restructuring", "default")), ids[0])


def build_report(settings: dict[str, Any], years, rules, currency: str = "yuan") -> ReportSettings:
    """The resolved report settings of a validated scenario whose books keep ``currency``."""
    report = settings.get("report") or {}
    base_year, horizon = int(years[0]), int(years[-1])
    ids = [r.id for r in rules]
    rule = report.get("rule")
    if rule is not None and rule not in ids:
        raise ScenarioError(f"rule {shown(rule)} is not a rule of the scenario; its rules are {ids}", key="report.rule")
    stand_in = settings.get("stand_in")
    return ReportSettings(
        key_years=tuple(_key_years(report.get("key_years"), base_year, horizon)),
        money_unit=_money_unit(report.get("money_unit"), currency),
        rule=rule or default_rule(rules),
        stand_in=None if stand_in is None else " ".join(stand_in["note"].split()),
    )
