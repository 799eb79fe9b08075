"""Statutory retirement ages by sex, category and birth cohort.

The default is China's schedule as legislated by the NPC Standing Committee on 13 September 2024
(《关于实施渐进式延迟法定退休年龄的决定》, in force 1 January 2025): before the reform men retire
at 60, women cadres at 55 and women workers at 50. From January 2025 the age rises by one month
for every four months of birth (men, women-55) or every two months (women-50), until men reach
63, women cadres 58 and women workers 55. So a man born in January-April 1965 retires at 60 years
1 month, one born in May-August 1965 at 60 years 2 months, …, and men born from September 1976
at 63.

A :class:`RetirementSchedule` holds one rule per category; :func:`retired_share` turns it into
the share of each single-year cohort past retirement age at 1 January of each year.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np


@dataclass(frozen=True)
class RetirementRule:
    """Retirement age for one category, phased by month of birth.

    base_age_months : statutory age before the reform, months.
    first_birth_year : the first cohort affected is born in January of this year.
    months_per_step : one extra month of retirement age per this many months of birth.
    max_delay_months : the delay stops growing here.
    """

    base_age_months: int
    first_birth_year: int
    months_per_step: int
    max_delay_months: int

    def age_months(self, birth_year: np.ndarray, birth_month: np.ndarray) -> np.ndarray:
        """Retirement age in months for births in ``birth_year``/``birth_month`` (1-12)."""
        since = (np.asarray(birth_year) - self.first_birth_year) * 12 + np.asarray(birth_month)
        delay = np.where(since > 0, -(-since // self.months_per_step), 0)
        return self.base_age_months + np.minimum(delay, self.max_delay_months)


#: The 2024 decision: men 60→63 and women cadres 55→58 (+1 month per 4), women workers 50→55
#: (+1 month per 2); the first affected cohorts reach the old age in January 2025.
CHINA_2025_REFORM = {
    "male": RetirementRule(60 * 12, 1965, 4, 36),
    "female_cadre": RetirementRule(55 * 12, 1970, 4, 36),
    "female_worker": RetirementRule(50 * 12, 1975, 2, 60),
}

#: The schedule before the reform, for comparisons.
CHINA_PRE_2025 = {
    "male": RetirementRule(60 * 12, 9999, 1, 0),
    "female_cadre": RetirementRule(55 * 12, 9999, 1, 0),
    "female_worker": RetirementRule(50 * 12, 9999, 1, 0),
}


@dataclass(frozen=True)
class RetirementSchedule:
    """Rules by category and the share of women under the cadre (55) rule.

    female_cadre_share : fraction of women whose pre-reform retirement age is 55 rather than 50.
    """

    rules: dict[str, RetirementRule]
    female_cadre_share: float

    def __post_init__(self) -> None:
        missing = {"male", "female_cadre", "female_worker"} - set(self.rules)
        if missing:
            raise ValueError(f"retirement schedule lacks categories: {sorted(missing)}")
        if not 0.0 <= self.female_cadre_share <= 1.0:
            raise ValueError("female_cadre_share must lie in [0, 1]")


def _cohort_share(rule: RetirementRule, years: np.ndarray, n_ages: int) -> np.ndarray:
    """Share past retirement at 1 January, ``(n_years, n_ages)``, births uniform in the year.

    Those aged ``x`` at 1 January of ``t`` were born in ``t − x − 1``; born mid-month ``m`` they are
    ``x + 1 − (m − 0.5)/12`` years old, and retired if that is at least the rule's age.
    """
    ages = np.arange(n_ages)
    months = np.arange(1, 13)
    birth_year = years[:, None, None] - ages[None, :, None] - 1
    age_months = (ages[None, :, None] + 1) * 12 - months[None, None, :] + 0.5
    retired = age_months >= rule.age_months(birth_year, months[None, None, :])
    return retired.mean(axis=-1)


def retired_share(schedule: RetirementSchedule, years: np.ndarray, n_ages: int) -> np.ndarray:
    """Share of each single-year cohort past retirement age at 1 January.

    Returns a read-only ndarray (n_years, 2, n_ages): sex 0 male, 1 female (the mix of cadres and
    workers). Results are cached: schedules and years repeat for every block of paths.
    """
    rules = tuple(sorted(schedule.rules.items()))
    return _retired_share(rules, float(schedule.female_cadre_share), tuple(int(y) for y in years), n_ages)


@lru_cache(maxsize=64)
def _retired_share(rules: tuple, female_cadre_share: float, years_t: tuple[int, ...], n_ages: int) -> np.ndarray:
    schedule = RetirementSchedule(dict(rules), female_cadre_share)
    years = np.asarray(years_t)
    out = np.empty((len(years), 2, n_ages))
    out[:, 0] = _cohort_share(schedule.rules["male"], years, n_ages)
    w = schedule.female_cadre_share
    out[:, 1] = w * _cohort_share(schedule.rules["female_cadre"], years, n_ages) + (1 - w) * _cohort_share(
        schedule.rules["female_worker"], years, n_ages
    )
    out.flags.writeable = False
    return out
