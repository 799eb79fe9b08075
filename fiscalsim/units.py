"""The closed unit vocabulary of scenario files, by dimension, and conversion to model units.

Every parameter declares its dimension; a scenario value states a unit from that dimension's
list and is converted on load (万元 = 10⁴ yuan, 亿元 = 10⁸ yuan, 万円 = 10⁴ yen, 億円 = 10⁸ yen,
percent = 1/100, …). A unit outside the list is an error, never coerced.

Money is one dimension per **currency** (:data:`CURRENCIES`): ``yuan`` for China's books, ``yen``
for Japan's. The model computes in the currency's base unit; a scenario's money is in one
currency (its book set's), so a yuan figure in a yen scenario is a unit error, never converted.
"""

from __future__ import annotations

import re

#: dimension → {unit spelling: factor to the model unit (the first entry)}
UNITS: dict[str, dict[str, float]] = {
    "ratio": {"ratio": 1.0, "percent": 0.01},
    "rate_per_year": {"per year": 1.0, "percent per year": 0.01, "per mille per year": 0.001},
    "children_per_woman": {"children per woman": 1.0},
    "males_per_female": {"males per female": 1.0, "males per 100 females": 0.01},
    "years": {"years": 1.0, "months": 1.0 / 12.0},
    "persons": {"persons": 1.0, "万人": 1.0e4},
    "yuan": {"yuan": 1.0, "万元": 1.0e4, "亿元": 1.0e8},
    "per_thousand": {"per 1000 residents": 1.0},
    "yuan_per_person": {"yuan per person": 1.0, "万元 per person": 1.0e4},
    "yen": {"yen": 1.0, "円": 1.0, "千円": 1.0e3, "万円": 1.0e4, "百万円": 1.0e6, "億円": 1.0e8},
    "yen_per_person": {"yen per person": 1.0, "円 per person": 1.0},
}

#: currency → its money dimensions (amounts first).
CURRENCIES: dict[str, tuple[str, ...]] = {"yuan": ("yuan", "yuan_per_person"), "yen": ("yen", "yen_per_person")}


def currency_of_unit(unit: str) -> str | None:
    """The currency whose money dimensions list ``unit`` (None for a unit that is not money)."""
    for currency, dims in CURRENCIES.items():
        if any(unit in UNITS[d] for d in dims):
            return currency
    return None


class UnitError(ValueError):
    """A unit that is not in the vocabulary of the expected dimension."""


def to_model_units(value: float, unit: str, dimension: str) -> float:
    """Convert ``value`` stated in ``unit`` to the model unit of ``dimension``."""
    try:
        table = UNITS[dimension]
    except KeyError as exc:  # a programming error: the schema names an unknown dimension
        raise KeyError(f"unknown dimension {dimension!r}") from exc
    if unit not in table:
        raise UnitError(f"unit {unit!r} is not a unit of {dimension}; expected one of {list(table)}")
    return value * table[unit]


def model_unit(dimension: str) -> str:
    return next(iter(UNITS[dimension]))


#: how a source text states an amount of money, per currency: 亿 (10⁸, e.g. "13.3亿") and 万元
#: (10⁴) for yuan; 億 (e.g. "353億") and 万円 for yen
_MONEY_WORDS = {
    "yuan": {"亿元": re.compile(r"亿(?![人])"), "万元": re.compile(r"万元")},
    "yen": {"億円": re.compile(r"億(?![人])"), "万円": re.compile(r"万円")},
}
_BASE_WORDS = {"yuan": ("yuan", "万元", "亿元"), "yen": ("yen", "円", "千円", "万円", "百万円", "億円")}


def _money_word(unit: str) -> tuple[str, str] | None:
    first = unit.split()[0] if unit.split() else ""
    return next(((c, first) for c, words in _BASE_WORDS.items() if first in words), None)


def source_unit_conflict(source: str, unit: str) -> str | None:
    """Why a money ``unit`` contradicts its ``source`` text, or None.

    A source that states amounts in only one of 亿元 and 万元 (亿 after a number counts as 亿元),
    or for yen of 億円 and 万円, fixes the unit: a value given in the other unit (or in yuan) is almost surely a slip of a
    factor 10⁴. A source that names both (a stated conversion) or neither is not checked.
    """
    money = _money_word(unit)
    if money is None:
        return None
    currency, declared = money
    words = _MONEY_WORDS[currency]
    found = [word for word, pattern in words.items() if pattern.search(source)]
    if len(found) != 1 or found[0] == declared:
        return None
    match = words[found[0]].search(source)
    excerpt = source[max(0, match.start() - 12): match.end() + 4].replace("\n", " ").strip()
    return (f"unit {unit!r} contradicts the source, which states the amount in {found[0]} (\"…{excerpt}…\"); "
            f"give the value in {found[0]}, or name both units in the source if you converted it")
