"""Fiscal-stress triggers: rule packs (data files), user rules and first-passage detection.

The rules (:mod:`fiscalsim.triggers.rules`) are pure array code that the model's year loop uses;
the packs (:mod:`fiscalsim.triggers.packs`) read YAML through the scenario layer, so they load on
first use and importing the rules never pulls the scenario package in.
"""

from fiscalsim.triggers.rules import NEVER, Rule, first_fired, first_passage

__all__ = ["NEVER", "PACKS", "Rule", "first_fired", "first_passage", "load_pack", "parse_rules"]


def __getattr__(name: str):
    if name in ("PACKS", "load_pack", "parse_rules"):
        from fiscalsim.triggers import packs

        return getattr(packs, name)
    raise AttributeError(f"module 'fiscalsim.triggers' has no attribute {name!r}")
