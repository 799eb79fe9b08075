"""Settling the general account of a fiscal year.

Everything due — mandatory spending (personnel, services), the transfer to the enterprises, the
third sector's call, capital, debt service, interest on temporary borrowing and the arrears of
earlier years — is set against the year's revenue and the surplus carried in, with the deficit
carried in (the previous year's temporary borrowing) to repay. What is left over is carried
forward; what is missing is borrowed again until the year's end, up to the amount lenders roll
over (``borrowing_limit`` × the standard fiscal scale; no limit once a rehabilitation plan runs,
when the prefecture bridges the city). Beyond it capital is cut first, then mandatory spending
goes unpaid and becomes arrears — never dropped. Debt service is always paid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GeneralSettlement:
    paid: dict[str, np.ndarray]  # line → paid, for every item due
    borrowing_end: np.ndarray  # temporary borrowing carried out of the year (the deficit)
    carry_forward: np.ndarray
    mandatory_unpaid: np.ndarray  # new arrears of personnel and services


def settle_general(due: dict[str, np.ndarray], resources: np.ndarray, deficit_start: np.ndarray,
                   limit: np.ndarray) -> GeneralSettlement:
    """due : line → amount due this year (``exp_personnel``, ``exp_services`` and ``exp_capital``
    among them); resources : revenue and surplus carried in; limit : temporary borrowing lenders
    roll over. All (n_paths,) yen."""
    total_due = sum(due.values())
    gap = total_due + deficit_start - resources
    borrowing = np.clip(gap, 0.0, limit)
    unpaid = np.maximum(gap - borrowing, 0.0)
    paid = dict(due)
    cut_capital = np.minimum(unpaid, due["exp_capital"])
    paid["exp_capital"] = due["exp_capital"] - cut_capital
    rest = unpaid - cut_capital
    cut_arrears = np.minimum(rest, due["exp_arrears_repaid"])
    paid["exp_arrears_repaid"] = due["exp_arrears_repaid"] - cut_arrears
    rest = rest - cut_arrears
    mandatory = due["exp_personnel"] + due["exp_services"]
    share = np.divide(rest, mandatory, out=np.zeros_like(rest), where=mandatory > 0)
    share = np.minimum(share, 1.0)
    paid["exp_personnel"] = due["exp_personnel"] * (1.0 - share)
    paid["exp_services"] = due["exp_services"] * (1.0 - share)
    # Debt service is never left unpaid (local bonds carry the state's implicit guarantee): what
    # mandatory spending cannot absorb is borrowed beyond the limit.
    borrowing = borrowing + (rest - share * mandatory)
    return GeneralSettlement(paid, borrowing, np.maximum(-gap, 0.0), share * mandatory)
