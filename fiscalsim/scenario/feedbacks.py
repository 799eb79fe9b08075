"""Scenario section ``feedbacks``: how the budget and the job market reach people (see
:mod:`fiscalsim.feedbacks`). Each feedback has a switch; a scenario without the section runs
with every feedback off."""

from __future__ import annotations

from typing import Any

from fiscalsim.feedbacks import FeedbackInputs
from fiscalsim.scenario.schema import Choice, Param, Section
from fiscalsim.scenario.yamlio import ScenarioError

_SWITCH = Choice("switch the feedback on or off", ("on", "off"))

FEEDBACKS = Section("Feedbacks of the coupled year step; each can be switched off to see its weight.", {
    "jobs_migration": Section("Jobs → migration: workers without local jobs leave.", {
        "enabled": _SWITCH,
        "leave_share": Param("ratio", "share of the job gap (labour supply − local labour demand) that leaves "
                                      "in the following year", 0.0, 1.0, allow_path=False, required=False),
    }, required=False),
    "austerity_migration": Section("Austerity → migration: service cuts and unpaid wages push residents out.", {
        "enabled": _SWITCH,
        "services_semi_elasticity": Param("rate_per_year", "extra net out-migration rate per unit relative "
                                          "shortfall of real service spending per resident below the base year",
                                          0.0, 0.5, allow_path=False, required=False),
        "arrears_semi_elasticity": Param("rate_per_year", "extra net out-migration rate per unit of 三保 arrears "
                                         "as a share of the year's 三保 obligations", 0.0, 0.5, allow_path=False, required=False),
    }, required=False),
    "establishment": Section("Population → staffing: the establishment (编制) follows residents.", {
        "enabled": _SWITCH,
        "adjustment": Param("ratio", "share of the gap between the establishment and base-year staff per "
                                     "resident × residents closed each year (stickiness)", 0.0, 1.0,
                            allow_path=False, required=False),
    }, required=False),
}, required=False)


def _on(section: dict[str, Any] | None, name: str = "", params: tuple[str, ...] = ()) -> bool:
    """Whether a feedback is switched on; an enabled one must give its parameters."""
    on = section is not None and section["enabled"] == "on"
    missing = [k for k in params if on and section.get(k) is None]
    if missing:
        raise ScenarioError(f"an enabled feedback needs {', '.join(missing)}", key=f"feedbacks.{name}")
    return on


def build_feedbacks(f: dict[str, Any] | None, establishment: bool = True) -> FeedbackInputs:
    """The migration feedbacks (the establishment rule is a finance parameter:
    :func:`establishment_adjustment`; a book set without it refuses it: ``establishment=False``)."""
    f = f or {}
    if not establishment and establishment_adjustment(f) is not None:
        raise ScenarioError("this scenario's book set has no establishment rule (it has its own staff "
                            "plan); switch the establishment feedback off", key="feedbacks.establishment")
    jobs, aus = f.get("jobs_migration"), f.get("austerity_migration")
    _on(jobs, "jobs_migration", ("leave_share",))
    _on(aus, "austerity_migration", ("services_semi_elasticity", "arrears_semi_elasticity"))
    return FeedbackInputs(
        jobs=_on(jobs), jobs_leave_share=jobs["leave_share"].scalar() if _on(jobs) else 0.0,
        austerity=_on(aus),
        services_semi_elasticity=aus["services_semi_elasticity"].scalar() if _on(aus) else 0.0,
        arrears_semi_elasticity=aus["arrears_semi_elasticity"].scalar() if _on(aus) else 0.0,
    )


def establishment_adjustment(f: dict[str, Any] | None) -> float | None:
    """The establishment rule's yearly adjustment, or None when the rule is off."""
    e = (f or {}).get("establishment")
    return e["adjustment"].scalar() if _on(e, "establishment", ("adjustment",)) else None
