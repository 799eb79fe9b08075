"""Books as data: a country's set of budget books is one :class:`BookSet`, chosen by the
scenario, so that another country's structure is a new book definition, not new code paths
through the model.

A book set says how a block of paths is set up from the scenario's accounts and parameters, how
its base year (the published accounts) and each later year are booked into a
:class:`~fiscalsim.finance.ledger.FinanceResult`, which lines it records, and which books must
balance. The coupled year loop (:mod:`fiscalsim.simulate.coupled`) calls only these four things,
and reads back only the lines every book set records (:data:`FEEDBACK_LINES`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fiscalsim.finance import ledger

#: Lines every book set records (city series, yuan or persons), read by the feedbacks.
FEEDBACK_LINES = ("population", "job_gap", "services_paid", "sanbao_due", "sanbao_unpaid", "price_index", "staff")


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
    currency: str = "yuan"  # the money of its lines (see fiscalsim.units.CURRENCIES)

    @property
    def line_names(self) -> tuple[str, ...]:
        names: list[str] = []
        for sources, uses in self.books.values():
            names += list(sources) + list(uses)
        return tuple(names) + self.memo


def _china() -> BookSet:
    from fiscalsim.finance.run import setup_finance
    from fiscalsim.finance.year import finance_base_year, finance_year

    return BookSet("china", ledger.BOOKS, ledger.MEMO, ledger.UNIT_SERIES, setup_finance, finance_base_year,
                   finance_year)


def _japan() -> BookSet:
    from fiscalsim.finance import japan

    return BookSet("japan", japan.BOOKS, japan.MEMO, japan.UNIT_SERIES, japan.japan_setup, japan.japan_base_year,
                   japan.japan_year, currency="yen")


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
    """The book set's base year and later years over ``pop.years`` for every path (the loop of
    :func:`fiscalsim.finance.run.simulate_finance`, for any book set); written into ``out`` when
    given (arrays for exactly these paths)."""
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
