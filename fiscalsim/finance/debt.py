"""Debt register: a maturity ladder per instrument, vectorised over paths.

Each instrument (general bonds, special bonds, off-budget/LGFV debt) holds its outstanding
principal by years to maturity, ``balance : (n_paths, n_buckets)`` yuan, where bucket 0 falls due
this year, and the coupon-weighted principal ``coupon_balance`` (Σ principal × coupon) so that
interest is exact however many vintages were issued at different rates.

One year of an instrument (:func:`debt_year`):

* due: interest ``Σ coupon_balance`` and principal ``balance[:, 0]``;
* a share of the principal due is **refinanced** by new debt of the refinancing maturity at the
  year's market rate; new money is issued at its own maturity and rate;
* what is actually repaid of the due principal (from the budget) is decided by the budget's
  waterfall; unpaid principal stays owed as arrears (see ``fiscalsim.finance.model``);
* the ladder ages by one year: ``debt(t+1) = debt(t) + issuance − principal due``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Ladder:
    """Outstanding principal by years to maturity and its coupon-weighted twin.

    balance, coupon_balance : (n_paths, n_buckets) yuan and yuan × rate.
    """

    balance: np.ndarray
    coupon_balance: np.ndarray

    @classmethod
    def from_profile(cls, n_paths: int, total: float | np.ndarray, profile: np.ndarray,
                     coupon: float | np.ndarray) -> Ladder:
        """A ladder of ``total`` yuan spread by ``profile`` (shares by years to maturity, ``(n_buckets,)``
        or per path ``(n_paths, n_buckets)``); ``total`` and ``coupon`` may be per path."""
        profile = np.atleast_2d(np.asarray(profile, dtype=float))  # (1|n_paths, n_buckets)
        if profile.min() < 0 or not np.allclose(profile.sum(axis=-1), 1.0):
            raise ValueError("a maturity profile must be non-negative and sum to one")
        bal = np.broadcast_to(np.reshape(total, (-1, 1)) * profile, (n_paths, profile.shape[-1])).copy()
        return cls(bal, bal * np.reshape(coupon, (-1, 1)))

    @property
    def total(self) -> np.ndarray:
        return self.balance.sum(axis=1)

    def interest_due(self) -> np.ndarray:
        return self.coupon_balance.sum(axis=1)

    def principal_due(self) -> np.ndarray:
        return self.balance[:, 0].copy()


def issue(ladder: Ladder, amount: np.ndarray, maturity: int, rate: np.ndarray) -> None:
    """Add new debt of ``maturity`` years (≥ 1) at ``rate``; it falls due ``maturity`` years on.

    After :func:`age` the new debt sits in bucket ``maturity − 1``, i.e. it is first due
    ``maturity`` years after issuance. Issued into bucket ``maturity`` before ageing.
    """
    if maturity < 1 or maturity >= ladder.balance.shape[1]:
        raise ValueError(f"maturity must be 1 … {ladder.balance.shape[1] - 1} years")
    ladder.balance[:, maturity] += amount
    ladder.coupon_balance[:, maturity] += amount * rate


def age(ladder: Ladder) -> None:
    """Retire bucket 0 (due this year) and move every bucket one year closer to maturity."""
    for arr in (ladder.balance, ladder.coupon_balance):
        arr[:, :-1] = arr[:, 1:]
        arr[:, -1] = 0.0


@dataclass(frozen=True)
class DebtYear:
    """Flows of one instrument in one year, each ``(n_paths,)`` yuan."""

    interest_due: np.ndarray
    principal_due: np.ndarray
    refinanced: np.ndarray
    new_issuance: np.ndarray
    balance_start: np.ndarray
    balance_end: np.ndarray


def debt_year(ladder: Ladder, refinancing_share: np.ndarray, new_issuance: np.ndarray,
              market_rate: np.ndarray, refinancing_maturity: int, new_maturity: int) -> DebtYear:
    """Run one year of an instrument in place; see the module docstring."""
    start = ladder.total
    interest = ladder.interest_due()
    due = ladder.principal_due()
    refinanced = due * refinancing_share
    issue(ladder, refinanced, refinancing_maturity, market_rate)
    issue(ladder, new_issuance, new_maturity, market_rate)
    age(ladder)
    return DebtYear(interest, due, refinanced, np.asarray(new_issuance, dtype=float) * np.ones_like(due),
                    start, ladder.total)
