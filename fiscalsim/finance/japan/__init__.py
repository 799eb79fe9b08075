"""Japan's book set: a municipality's general account (一般会計等) and its public enterprises and
special accounts, with temporary borrowing, the local allocation tax, the third sector's
guaranteed debt, the rehabilitation bond and a rehabilitation plan as the response
(see ``docs/japan.md``). Money in yen."""

from __future__ import annotations

from fiscalsim.finance.japan.lines import BOOKS, MEMO, UNIT_SERIES
from fiscalsim.finance.japan.state import japan_setup
from fiscalsim.finance.japan.year import japan_year

__all__ = ["BOOKS", "MEMO", "UNIT_SERIES", "japan_setup", "japan_year", "japan_base_year"]


def japan_base_year(su, st, x0, out) -> None:
    """The base fiscal year: the same step from the calibrated start reproduces its accounts."""
    japan_year(su, st, x0, out)
