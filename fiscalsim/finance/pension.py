"""Urban employee basic pension (城镇职工基本养老保险) fund: one year, vectorised over paths.

Contributors pay ``rate × base × compliance`` (employer 16 % + employee 8 % of a base tied to the
average wage); retirees draw an indexed average benefit. The deficit — benefits, remittances up
and other spending, plus the targeted change of the fund balance, less premiums and other
revenue — is covered by the upper-level subsidy (central adjustment) for a share and by the
local fiscal subsidy for the rest; the latter is general-budget expenditure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PensionYear:
    """Lines of one year, each ``(n_paths,)`` yuan."""

    premiums: np.ndarray
    fiscal_subsidy: np.ndarray
    upper_subsidy: np.ndarray
    other_revenue: np.ndarray
    benefits: np.ndarray
    remitted_up: np.ndarray
    other_expenditure: np.ndarray
    balance_start: np.ndarray
    balance_end: np.ndarray

    @property
    def revenue(self) -> np.ndarray:
        return self.premiums + self.fiscal_subsidy + self.upper_subsidy + self.other_revenue

    @property
    def expenditure(self) -> np.ndarray:
        return self.benefits + self.remitted_up + self.other_expenditure


def pension_year(contributors: np.ndarray, premium_per_contributor: np.ndarray, retirees: np.ndarray,
                 benefit_per_retiree: np.ndarray, remitted_share_of_premiums: float,
                 other_revenue: np.ndarray, other_expenditure: np.ndarray, upper_share: np.ndarray,
                 balance_start: np.ndarray, balance_change: np.ndarray) -> PensionYear:
    """One year of the fund.

    premium_per_contributor : yuan a year (contribution rate × base × compliance);
    upper_share : share of the deficit covered by the upper-level subsidy;
    balance_change : targeted change of the fund balance (yuan).
    """
    premiums = contributors * premium_per_contributor
    benefits = retirees * benefit_per_retiree
    remitted = premiums * remitted_share_of_premiums
    deficit = benefits + remitted + other_expenditure + balance_change - premiums - other_revenue
    deficit = np.maximum(deficit, 0.0)
    upper = upper_share * deficit
    fiscal = deficit - upper
    balance_end = balance_start + premiums + upper + fiscal + other_revenue - benefits - remitted - other_expenditure
    return PensionYear(premiums, fiscal, upper, np.broadcast_to(other_revenue, premiums.shape).copy(), benefits,
                       remitted, np.broadcast_to(other_expenditure, premiums.shape).copy(), balance_start,
                       balance_end)
