"""Fiscal-stress triggers: rule packs (data files), user rules and first-passage detection."""

from fiscalsim.triggers.packs import PACKS, load_pack, parse_rules
from fiscalsim.triggers.rules import NEVER, Rule, first_fired, first_passage

__all__ = ["NEVER", "PACKS", "Rule", "first_fired", "first_passage", "load_pack", "parse_rules"]
