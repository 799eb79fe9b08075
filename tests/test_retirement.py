import numpy as np
import pytest

from fiscalsim.demography.retirement import (
    CHINA_2025_REFORM,
    CHINA_PRE_2025,
    RetirementSchedule,
    retired_share,
)

MEN, CADRE, WORKER = (CHINA_2025_REFORM[k] for k in ("male", "female_cadre", "female_worker"))


@pytest.mark.parametrize(
    "rule,year,month,years,months",
    [
        # Published examples of the 2024 decision's annexed tables.
        (MEN, 1964, 12, 60, 0),     # born before 1965: unchanged
        (MEN, 1965, 1, 60, 1),      # Jan-Apr 1965: +1 month
        (MEN, 1965, 5, 60, 2),      # May-Aug 1965: +2 months
        (MEN, 1976, 8, 62, 11),
        (MEN, 1976, 9, 63, 0),      # from Sep 1976: 63
        (MEN, 1990, 1, 63, 0),
        (CADRE, 1970, 1, 55, 1),
        (CADRE, 1981, 9, 58, 0),
        (WORKER, 1975, 1, 50, 1),   # +1 month per 2 months of birth
        (WORKER, 1975, 3, 50, 2),
        (WORKER, 1984, 11, 55, 0),
    ],
)
def test_reform_ages_by_birth_month(rule, year, month, years, months):
    assert int(rule.age_months(np.array(year), np.array(month))) == years * 12 + months


def test_phase_in_ends_in_fifteen_years():
    # The last men affected (born Sep 1976) reach 63 in Sep 2039; women workers (Nov 1984) 55 in Nov 2039.
    assert (1976 * 12 + 9 + 63 * 12) // 12 == 2039
    assert (1984 * 12 + 11 + 55 * 12) // 12 == 2039


def test_retired_share_pre_reform_is_a_step_at_60_for_men():
    share = retired_share(RetirementSchedule(CHINA_PRE_2025, 0.5), np.array([2020]), 101)
    # Aged 59 at 1 January: born in 1960, turning 60 during 2020 -> none retired yet at 1 January.
    assert share[0, 0, 59] == 0.0
    assert share[0, 0, 60] == 1.0
    # Women: half cadres (55) and half workers (50).
    assert share[0, 1, 52] == pytest.approx(0.5)
    assert share[0, 1, 57] == pytest.approx(1.0)


def test_reform_delays_retirement_of_later_cohorts():
    years = np.array([2024, 2026, 2030, 2045])
    share = retired_share(RetirementSchedule(CHINA_2025_REFORM, 0.5), years, 101)
    assert share[0, 0, 60] == 1.0  # 2024: everyone aged 60 is retired
    # 1 Jan 2026, aged 60: born in month m of 1965, aged 732.5 − m months, retiring at
    # 720 + ceil(m/4) months: retired for m = 1…9, not for m = 10, 11, 12 -> 9/12.
    assert share[1, 0, 60] == pytest.approx(0.75)
    # 1 Jan 2030: men born 1969 retire at 61y1m-61y3m, so none aged 60 is retired, all aged 62 are.
    assert share[2, 0, 60] == 0.0
    assert share[2, 0, 62] == 1.0
    assert share[3, 0, 62] == 0.0  # 2045: men born 1982 retire at 63
    assert share[3, 0, 63] == 1.0
    # Monotone in age for every year and sex
    assert np.all(np.diff(share, axis=-1) >= 0)


def test_invalid_schedule_is_rejected():
    with pytest.raises(ValueError):
        RetirementSchedule({"male": MEN}, 0.5)
    with pytest.raises(ValueError):
        RetirementSchedule(CHINA_2025_REFORM, 1.5)


def test_custom_schedule_from_a_scenario(tmp_path):
    from fiscalsim.scenario import bundled_scenario, load_scenario

    sc = load_scenario(bundled_scenario().parent / "retirement_to_65.yaml")
    men = sc.demography.retirement.rules["male"]
    assert int(men.age_months(np.array(1965), np.array(2))) == 60 * 12 + 1  # +1 month per 2 months of birth
    assert int(men.age_months(np.array(1980), np.array(1))) == 65 * 12  # capped at 65
    base = load_scenario(bundled_scenario())
    share = retired_share(sc.demography.retirement, np.array([2035]), 101)
    share_base = retired_share(base.demography.retirement, np.array([2035]), 101)
    assert share[0, 0, 63] < share_base[0, 0, 63]  # later retirement than the legislated reform
