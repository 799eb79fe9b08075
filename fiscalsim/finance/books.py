"""Books as data: a country's set of budget books is one :class:`BookSet`, chosen by the
scenario, so that another country's structure is a new book definition, not new code paths
through the model.

A book set says how a block of paths is set up from the scenario's accounts and parameters, how
its base year (the published accounts) and each later year are booked into a
:class:`~fiscalsim.finance.ledger.FinanceResult`, which lines it records, and which books must
balance; its :class:`BookOutline` says what runs, reports and checks read from it by name, so no
command assumes one country's lines. The coupled year loop (:mod:`fiscalsim.simulate.coupled`)
calls only the four set-up and booking functions, and reads back only the lines every book set
records (:data:`FEEDBACK_LINES`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fiscalsim.finance import ledger

#: Lines every book set records (city series, yuan or persons), read by the feedbacks.
FEEDBACK_LINES = ("population", "job_gap", "services_paid", "sanbao_due", "sanbao_unpaid", "price_index", "staff")


@dataclass(frozen=True)
class BalanceItem:
    """A component of a structural balance: the sum of ``lines`` (recorded lines or key series),
    raising the balance (``sign`` +1) or lowering it (−1)."""

    label: str
    lines: tuple[str, ...]
    sign: int


@dataclass(frozen=True)
class BookStack:
    """One book's sources and uses grouped for the stacked chart: group label → lines."""

    title: str
    sources: dict[str, tuple[str, ...]]
    uses: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class ShockProcess:
    """A time process of the book set's own parameters: the factor's name in a sensitivity study,
    the parameters' field holding the process (with ``sigma`` and ``phi``) and the field of
    :class:`~fiscalsim.finance.run.FinanceShocks` whose innovations drive it."""

    name: str
    field: str
    shock: str


@dataclass(frozen=True)
class BookOutline:
    """What the runs, reports and checks read from a book set, by line name.

    key_series: lines a Monte Carlo run keeps for every path; balance and balance_text: the
    structural balance options are compared on (summed over years) and its words; waterfall: the
    components one year of it is decomposed into; stacks and stack_overlay: the books chart (the
    overlay lines, summed, are drawn on the first book's uses as arrears outstanding); watch:
    (label, line) whose first positive year ``books`` prints; non_money: lines in persons, indices
    or ratios, with their units; processes: the book set's own shock processes; calibration_keys:
    the start of each calibration message → the scenario keys in the failed test, with
    calibration_sections named when a message is not known.
    """

    key_series: tuple[str, ...]
    balance: tuple[BalanceItem, ...]
    balance_text: str
    waterfall: tuple[BalanceItem, ...]
    stacks: tuple[BookStack, ...]
    stack_overlay: tuple[str, ...]
    watch: tuple[tuple[str, str], ...]
    non_money: dict[str, str]
    processes: tuple[ShockProcess, ...]
    calibration_keys: dict[str, tuple[str, ...]]
    calibration_sections: tuple[str, ...]

    def calibration_keys_of(self, message: str) -> tuple[str, ...]:
        """The scenario keys involved in a calibration failure (its sections when it is not known)."""
        return next((keys for start, keys in self.calibration_keys.items() if message.startswith(start)),
                    self.calibration_sections)


@dataclass(frozen=True)
class BookSet:
    """One country's books.

    setup(fi, x0, shocks, years, n_units) → (setup, state): constants and the state at the base
    year's 1 January. base_year(setup, state, x0, out) and year(setup, state, x, out) book year
    ``x.t`` into ``out`` and advance ``state``.
    """

    name: str
    books: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]  # book → (sources, uses)
    memo: tuple[str, ...]
    unit_series: tuple[str, ...]
    setup: Callable
    base_year: Callable
    year: Callable
    outline: BookOutline
    currency: str = "yuan"  # the money of its lines (see fiscalsim.units.CURRENCIES)

    @property
    def line_names(self) -> tuple[str, ...]:
        names: list[str] = []
        for sources, uses in self.books.values():
            names += list(sources) + list(uses)
        return tuple(names) + self.memo


def _china() -> BookSet:
    from fiscalsim.finance.china_outline import CHINA_OUTLINE
    from fiscalsim.finance.run import setup_finance
    from fiscalsim.finance.year import finance_base_year, finance_year

    return BookSet("china", ledger.BOOKS, ledger.MEMO, ledger.UNIT_SERIES, setup_finance, finance_base_year,
                   finance_year, CHINA_OUTLINE)


def _japan() -> BookSet:
    from fiscalsim.finance import japan
    from fiscalsim.finance.japan.outline import JAPAN_OUTLINE

    return BookSet("japan", japan.BOOKS, japan.MEMO, japan.UNIT_SERIES, japan.japan_setup, japan.japan_base_year,
                   japan.japan_year, JAPAN_OUTLINE, currency="yen")


_FACTORIES: dict[str, Callable[[], BookSet]] = {"china": _china, "japan": _japan}


def book_set_names() -> tuple[str, ...]:
    return tuple(_FACTORIES)


def book_set(name: str) -> BookSet:
    """The book set called ``name`` (see :func:`book_set_names`)."""
    if name not in _FACTORIES:
        raise KeyError(f"unknown book set {name!r}: expected one of {', '.join(_FACTORIES)}")
    return _FACTORIES[name]()


def all_known_lines() -> tuple[str, ...]:
    """Every line some book set records (rule files are checked against these; a scenario's rules
    against its own book set's)."""
    names: dict[str, None] = {}
    for name in _FACTORIES:
        names.update(dict.fromkeys(book_set(name).line_names))
    return tuple(names)


def simulate_book_set(bs: BookSet, fi, pop, econ, shocks, out=None):
    """The book set's base year and later years over ``pop.years`` for every path, from a whole
    horizon's population and economy (the stages in sequence); written into ``out`` when given
    (arrays for exactly these paths)."""
    import numpy as np

    from fiscalsim.finance.model import city_drivers
    from fiscalsim.finance.run import year_inputs

    years = np.asarray(pop.years)
    if out is None:
        out = ledger.FinanceResult.empty(pop.stocks.shape[0], years, pop.unit_names, bs.line_names, bs.unit_series)
    drivers = city_drivers(pop)
    x0 = year_inputs(drivers, econ, 0)
    su, st = bs.setup(fi, x0, shocks, years, len(pop.unit_names))
    bs.base_year(su, st, x0, out)
    for t in range(1, len(years)):
        bs.year(su, st, year_inputs(drivers, econ, t), out)
    return out
