"""The packaged tables are unchanged selections of the full extracts in shared/data."""

import pandas as pd
import pytest

from fiscalsim import refdata

from .conftest import SHARED_DATA

pytestmark = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="shared/data not beside the checkout")


def test_census_table_is_a_selection_of_the_full_extract():
    full = pd.read_csv(SHARED_DATA / "census" / "heilongjiang_census_age_sex_2010_2020.csv")
    full = full[full.unit_code // 100 == 2304][["census_year", "unit_code", "unit_name", "sex", "age_group", "persons"]]
    mine = refdata.census_table()
    pd.testing.assert_frame_equal(mine.reset_index(drop=True), full.reset_index(drop=True))


def test_published_totals():
    t = refdata.census_table()
    city = t[t.unit_code == 230400].groupby("census_year").persons.sum()
    assert city[2010] == 1_058_665 and city[2020] == 891_271
    units = t[t.unit_code != 230400].groupby("census_year").persons.sum()
    assert units[2020] == 891_271


def test_wpp_tables_are_selections():
    full = pd.read_csv(SHARED_DATA / "wpp2024_china" / "china_mx_abridged_5yr_periods.csv")
    mine = refdata.wpp_mx_table()
    merged = mine.merge(full, on=["period", "sex", "age"], suffixes=("", "_full"))
    assert len(merged) == len(mine)
    assert (merged.mx == merged.mx_full).all()
